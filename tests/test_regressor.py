"""EncoderDecoderRegressor: a regressor through a code, started at reduced-rank regression."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skae import EncoderDecoderRegressor

FAST = dict(max_epochs=5, hidden_layer_sizes=(16,), random_state=0)


def reduced_rank_prediction(X, Y, rank):
    """Reduced-rank regression by the textbook: OLS, then project the fit
    onto its leading principal axes."""
    x_mean, y_mean = X.mean(0), Y.mean(0)
    B = np.linalg.lstsq(X - x_mean, Y - y_mean, rcond=None)[0]
    fitted = (X - x_mean) @ B
    V = np.linalg.svd(fitted, full_matrices=False)[2][:rank].T
    return lambda Z: (Z - x_mean) @ B @ V @ V.T + y_mean


@pytest.fixture(scope="module")
def paired():
    """Outputs that depend on 3 directions of the inputs, one of them curved."""
    rng = np.random.RandomState(0)
    X = rng.randn(600, 10)
    latent = np.c_[X[:, :2] @ rng.randn(2, 2), np.sin(2 * X[:, 2])]
    Y = latent @ rng.randn(3, 12) + 0.05 * rng.randn(600, 12)
    return X, Y


@pytest.mark.parametrize("rank", [1, 3, 5])
def test_linear_model_is_reduced_rank_regression(paired, rank):
    X, Y = paired
    Y = Y * np.linspace(0.5, 5, Y.shape[1])  # outputs in different units
    model = EncoderDecoderRegressor(rank, hidden_layer_sizes=(), random_state=0).fit(X, Y)
    expected = reduced_rank_prediction(X, Y, rank)(X)
    np.testing.assert_allclose(model.predict(X), expected, rtol=0, atol=2e-4 * np.abs(Y).max())


def test_network_beats_the_linear_map_on_curved_outputs(paired):
    X, Y = paired
    X_train, X_test, Y_train, Y_test = train_test_split(X, Y, random_state=0)
    linear = reduced_rank_prediction(X_train, Y_train, 3)
    model = EncoderDecoderRegressor(3, random_state=0).fit(X_train, Y_train)
    linear_mse = np.mean((linear(X_test) - Y_test) ** 2)
    assert np.mean((model.predict(X_test) - Y_test) ** 2) < 0.7 * linear_mse
    assert model.score(X_test, Y_test) > 0.9
    assert model.transform(X_test).shape == (len(X_test), 3)


def test_one_dimensional_target_gives_one_dimensional_predictions(paired):
    X, Y = paired
    model = EncoderDecoderRegressor(1, **FAST).fit(X, Y[:, 0])
    assert model.predict(X).shape == (len(X),) and model.n_outputs_ == 1
    column = EncoderDecoderRegressor(1, **FAST).fit(X, Y[:, :1])
    assert column.predict(X).shape == (len(X), 1)
    np.testing.assert_allclose(column.predict(X).ravel(), model.predict(X), rtol=1e-6)


def test_code_wider_than_the_linear_rank_is_allowed(paired):
    X, Y = paired
    model = EncoderDecoderRegressor(4, hidden_layer_sizes=(), random_state=0).fit(X, Y[:, :2])
    # Rank 2 at most: the extra units start at zero and the fit is OLS's.
    expected = Ridge(alpha=1e-9).fit(X, Y[:, :2]).predict(X)
    np.testing.assert_allclose(model.predict(X), expected, atol=1e-3)


def test_image_to_image_with_other_output_shape(digits):
    X, _ = digits
    images = X.reshape(-1, 8, 8) / 16
    small = images.reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(-1, 16)
    model = EncoderDecoderRegressor(
        8, image_shape=(4, 4), output_shape=(8, 8), hidden_layer_sizes=(8, 16),
        max_epochs=3, random_state=0,
    ).fit(small[:300], X[:300] / 16)
    decoder = model.module_.decoder
    assert [tuple(s) for s in decoder.shapes][-1] == (1, 8, 8)
    assert model.predict(small[:5]).shape == (5, 64)


@pytest.mark.parametrize("params, match", [
    (dict(output_shape=(4, 4)), r"output_shape=\(1, 4, 4\) does not fit rows of 12 columns"),
    (dict(loss="bce"), r'loss="bce" needs data in \[0, 1\]'),
])
def test_bad_parameters_are_clear_errors(paired, params, match):
    X, Y = paired
    with pytest.raises(ValueError, match=match):
        EncoderDecoderRegressor(**FAST, **params).fit(X, Y)


def test_bad_targets_are_clear_errors(paired):
    X, Y = paired
    with pytest.raises(ValueError, match="requires y to be passed"):
        EncoderDecoderRegressor(**FAST).fit(X, None)
    frame = pd.DataFrame({"a": Y[:, 0], "kind": ["x"] * len(Y)})
    with pytest.raises(ValueError, match="Column 'kind' has non-numeric dtype"):
        EncoderDecoderRegressor(**FAST).fit(X, frame)
    model = EncoderDecoderRegressor(**FAST).fit(X, Y)
    with pytest.raises(ValueError, match="y has 3 columns, but EncoderDecoderRegressor was "
                                         "fitted with 12 outputs"):
        model.partial_fit(X, Y[:, :3])


def test_reproducible_picklable_and_partial_fit(paired):
    X, Y = paired
    a = EncoderDecoderRegressor(**FAST).fit(X, Y)
    b = clone(a).fit(X, Y)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    loaded = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(loaded.predict(X), a.predict(X))
    before = np.mean((a.predict(X) - Y) ** 2)
    for _ in range(3):
        a.partial_fit(X, Y, epochs=5)
    assert np.mean((a.predict(X) - Y) ** 2) < before


def test_in_a_pipeline_and_a_grid_search(paired):
    X, Y = paired
    search = GridSearchCV(
        make_pipeline(StandardScaler(), EncoderDecoderRegressor(**FAST)),
        {"encoderdecoderregressor__n_components": [1, 3]}, cv=2,
    ).fit(X, Y)
    assert search.best_params_["encoderdecoderregressor__n_components"] == 3
    frame = pd.DataFrame(X, columns=[f"c{i}" for i in range(10)])
    model = EncoderDecoderRegressor(2, **FAST).set_output(transform="pandas").fit(frame, Y)
    codes = model.transform(frame)
    assert list(codes.columns) == ["encoderdecoderregressor0", "encoderdecoderregressor1"]

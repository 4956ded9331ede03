"""Behaviour of AutoencoderTransformer: a PCA drop-in that reconstructs better."""

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.linalg import subspace_angles
from scipy.sparse import csr_matrix
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import skae._base
import skae._pipeline
from skae import AutoencoderTransformer

FAST = dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0)


def heldout_mse(model, X):
    return np.mean((X - model.inverse_transform(model.transform(X))) ** 2)


def decoder_subspace(model):
    """Columns spanning the decoder's image, in the data's units."""
    Z = np.vstack([np.zeros(model.n_components), np.eye(model.n_components)])
    X_hat = model.inverse_transform(Z)
    return (X_hat[1:] - X_hat[0]).T


# ------------------------------------------------------------- quality


def test_beats_pca_on_digits(digits):
    X, _ = digits
    X_train, X_test = train_test_split(X, test_size=0.2, random_state=0)
    pca = PCA(n_components=8).fit(X_train)
    ae = AutoencoderTransformer(n_components=8, random_state=0).fit(X_train)
    assert heldout_mse(ae, X_test) / heldout_mse(pca, X_test) <= 0.75


def test_beats_pca_on_curved_data(curve):
    X_train, X_test = curve[:450], curve[450:]
    pca = PCA(n_components=1).fit(X_train)
    ae = AutoencoderTransformer(n_components=1, random_state=0).fit(X_train)
    assert heldout_mse(ae, X_test) < 0.5 * heldout_mse(pca, X_test)


@pytest.mark.parametrize("tied_weights", [False, True])
@pytest.mark.parametrize("init", ["pca", "random"])
def test_linear_autoencoder_recovers_pca(init, tied_weights):
    rng = np.random.RandomState(0)
    # Five directions of decreasing variance, and noise.
    X = rng.randn(800, 5) * [5.0, 3.0, 2.0, 0.5, 0.3] @ rng.randn(5, 12)
    X += 0.1 * rng.randn(800, 12) + 10.0
    pca = PCA(n_components=3).fit(X)
    ae = AutoencoderTransformer(
        n_components=3,
        hidden_layer_sizes=(),
        activation="identity",
        init=init,
        tied_weights=tied_weights,
        # From a random start, the optimum: a constant rate gets closer to it
        # in the budget than one that decays to zero.
        learning_rate=1e-2,
        learning_rate_schedule="constant",
        random_state=0,
    ).fit(X)
    angles = np.degrees(subspace_angles(decoder_subspace(ae), pca.components_.T))
    assert angles.max() < 1.0
    assert heldout_mse(ae, X) == pytest.approx(heldout_mse(pca, X), rel=0.01)


def test_value_unseen_in_training_does_not_wreck_the_reconstruction(digits, monkeypatch):
    # Pixel 0 is 0 on every training row, so lit to 16 it is hundreds of
    # (floored) standard deviations out. The weights from it keep their start
    # (PCA's loading, 0; the network's are zeroed), and the network would see
    # it clipped anyway: the other pixels are reconstructed as well as before.
    X, _ = digits
    X_train, X_test = X[:1400], X[1400:]
    lit = X_test.copy()
    lit[:, 0] = 16
    others = np.arange(1, X.shape[1])

    def ratio():
        ae = AutoencoderTransformer(n_components=16, random_state=0).fit(X_train)
        errors = [np.mean((ae.inverse_transform(ae.transform(Z)) - Z)[:, others] ** 2)
                  for Z in (X_test, lit)]
        return errors[1] / errors[0]

    assert ratio() < 1.01
    # The held weights alone are enough; with the weights free and no clip,
    # the network extrapolates from the pixel and the rows are lost.
    monkeypatch.setattr(skae._base, "NETWORK_INPUT_CLIP", None)
    assert ratio() < 1.01
    monkeypatch.setattr(skae._pipeline, "constant_columns", lambda *args: None)
    assert ratio() > 10


def test_strong_weight_decay_leaves_the_linear_path(digits):
    # Decay that zeroes the networks' weights at the peak learning rate (and
    # shrinks them at every other step) leaves the model its linear path:
    # PCA's error, where zeroing everything would leave the mean.
    X, _ = digits
    X_train, X_test = train_test_split(X, test_size=0.2, random_state=0)
    pca = PCA(n_components=8).fit(X_train)
    peak = AutoencoderTransformer().learning_rate
    ae = AutoencoderTransformer(n_components=8, weight_decay=1 / peak, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no divergence
        ae.fit(X_train)
    assert heldout_mse(ae, X_test) / heldout_mse(pca, X_test) == pytest.approx(1.0, abs=0.03)


def test_linear_autoencoder_is_not_decayed(curve):
    params = dict(n_components=1, hidden_layer_sizes=(), max_epochs=20, random_state=0)
    plain = AutoencoderTransformer(weight_decay=0.0, **params).fit(curve)
    decayed = AutoencoderTransformer(weight_decay=1e3, **params).fit(curve)
    np.testing.assert_array_equal(plain.transform(curve), decayed.transform(curve))


def test_pca_init_starts_at_pca(digits):
    X, _ = digits
    ae = AutoencoderTransformer(n_components=5, max_epochs=1, learning_rate=1e-12)
    ae.fit(X)
    pca = PCA(n_components=5).fit(X)
    assert heldout_mse(ae, X) == pytest.approx(heldout_mse(pca, X), rel=1e-4)
    # Codes are PCA's scores, whitened.
    np.testing.assert_allclose(
        np.abs(ae.transform(X)), np.abs(pca.transform(X) / np.sqrt(pca.explained_variance_)),
        atol=1e-3,
    )


# -------------------------------------------------------------- API


def test_grid_search_over_n_components_in_pipeline(digits):
    X, y = digits
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("ae", AutoencoderTransformer(max_epochs=10, random_state=0)),
            ("clf", LogisticRegression(max_iter=300)),
        ]
    )
    search = GridSearchCV(pipe, {"ae__n_components": [2, 8]}, cv=3).fit(X, y)
    assert search.best_params_ == {"ae__n_components": 8}
    assert search.best_score_ > 0.8


def test_grid_search_without_scorer_prefers_larger_code(digits):
    X, _ = digits
    search = GridSearchCV(AutoencoderTransformer(**FAST), {"n_components": [2, 8]}, cv=3)
    search.fit(X)
    assert search.best_params_ == {"n_components": 8}
    assert search.best_score_ < 0


def test_score_is_negative_mean_reconstruction_error(digits):
    X, _ = digits
    ae = AutoencoderTransformer(n_components=4, **FAST).fit(X)
    scores = ae.score_samples(X[:50])
    assert scores.shape == (50,) and scores.dtype == np.float64
    expected = -np.mean((X[:50] - ae.inverse_transform(ae.transform(X[:50]))) ** 2, axis=1)
    # The same error, computed in float32 in the network's space.
    np.testing.assert_allclose(scores, expected, rtol=1e-4)
    assert ae.score(X[:50]) == pytest.approx(scores.mean())
    assert ae.reconstruction_error_ == pytest.approx(-ae.score(X), rel=1e-6)


def test_fitted_attributes(digits):
    X, _ = digits
    ae = AutoencoderTransformer(n_components=3, **FAST).fit(X)
    assert ae.n_features_in_ == 64
    assert ae.n_iter_ == len(ae.loss_curve_) == len(ae.validation_loss_curve_) == 5
    assert 0 <= ae.best_epoch_ <= ae.n_iter_
    assert ae.module_ is ae.net_.module_
    assert isinstance(ae.module_, torch.nn.Module)
    no_valid = AutoencoderTransformer(early_stopping=False, **FAST).fit(X)
    assert no_valid.validation_loss_curve_ is None


def test_early_stopping_stops_and_keeps_best_weights(curve):
    ae = AutoencoderTransformer(n_components=1, max_epochs=1000, n_iter_no_change=5,
                                random_state=0).fit(curve)
    assert ae.n_iter_ < 1000
    best = min(ae.validation_loss_curve_)
    assert ae.best_loss_ <= best
    if ae.best_epoch_:
        assert ae.validation_loss_curve_[ae.best_epoch_ - 1] == best


def test_dataframe_feature_names_and_pandas_output(digits):
    X, _ = digits
    df = pd.DataFrame(X[:, :10], columns=[f"px{i}" for i in range(10)], index=range(5, 1802))
    ae = AutoencoderTransformer(n_components=3, **FAST).set_output(transform="pandas")
    out = ae.fit_transform(df)
    assert list(out.columns) == ["autoencodertransformer0", "autoencodertransformer1",
                                 "autoencodertransformer2"]
    assert out.index.equals(df.index)
    assert list(ae.feature_names_in_) == list(df.columns)
    back = ae.inverse_transform(out)
    assert list(back.columns) == list(df.columns) and back.index.equals(df.index)


def test_column_transformer(digits):
    X, _ = digits
    df = pd.DataFrame(X[:, :12], columns=[f"c{i}" for i in range(12)])
    df["city"] = np.where(np.arange(len(df)) % 2, "Oslo", "Lima")
    ct = ColumnTransformer(
        [("ae", AutoencoderTransformer(n_components=2, **FAST), [f"c{i}" for i in range(12)])],
        remainder="drop",
    )
    assert ct.fit_transform(df).shape == (len(df), 2)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_preserved(digits, dtype):
    X = digits[0].astype(dtype)
    ae = AutoencoderTransformer(n_components=2, **FAST).fit(X)
    assert ae.transform(X).dtype == dtype
    assert ae.inverse_transform(ae.transform(X)).dtype == dtype


def test_output_does_not_depend_on_batch(digits):
    X, _ = digits
    ae = AutoencoderTransformer(n_components=4, **FAST).fit(X)
    full = ae.transform(X)
    for rows in ([0], [3, 1], list(range(7)), list(range(100, 450))):
        np.testing.assert_array_equal(ae.transform(X[rows]), full[rows])


def test_bce_loss_for_data_in_unit_interval(digits):
    X = digits[0] / 16.0
    ae = AutoencoderTransformer(n_components=8, loss="bce", random_state=0).fit(X)
    X_hat = ae.inverse_transform(ae.transform(X))
    assert X_hat.min() >= 0 and X_hat.max() <= 1
    pca = PCA(n_components=8).fit(X)
    assert heldout_mse(ae, X) < heldout_mse(pca, X)
    with pytest.raises(ValueError, match=r'loss="bce" needs data in \[0, 1\]'):
        AutoencoderTransformer(loss="bce", **FAST).fit(digits[0])


# --------------------------------------------------- reproducibility


def test_same_random_state_same_output(digits):
    X, _ = digits
    a = AutoencoderTransformer(n_components=3, **FAST).fit_transform(X)
    b = AutoencoderTransformer(n_components=3, **FAST).fit_transform(X)
    np.testing.assert_array_equal(a, b)
    c = AutoencoderTransformer(n_components=3, **{**FAST, "random_state": 1}).fit_transform(X)
    assert not np.allclose(a, c)


# --------------------------------------------------- progress, callbacks


# --------------------------------------------------------- bad input


def test_sparse_input_is_refused():
    with pytest.raises(TypeError, match="[Ss]parse data was passed"):
        AutoencoderTransformer(n_components=1).fit(csr_matrix(np.eye(5)))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_input_is_refused(bad):
    X = np.ones((10, 3))
    X[2, 1] = bad
    with pytest.raises(ValueError, match="NaN|infinity"):
        AutoencoderTransformer(n_components=1).fit(X)


def test_too_many_components():
    with pytest.raises(ValueError, match="n_components=4 must be at most"):
        AutoencoderTransformer(n_components=4).fit(np.random.rand(20, 3))


def test_wrong_column_count_at_transform(digits):
    ae = AutoencoderTransformer(n_components=2, **FAST).fit(digits[0])
    with pytest.raises(ValueError, match="X has 10 features"):
        ae.transform(digits[0][:, :10])
    with pytest.raises(ValueError, match="Codes have 3 columns"):
        ae.inverse_transform(np.zeros((4, 3)))


def test_input_is_not_modified(digits):
    X = digits[0][:300].copy()
    df = pd.DataFrame(X.copy())
    ae = AutoencoderTransformer(n_components=2, **FAST)
    ae.fit(X)
    ae.transform(X)
    ae.score_samples(X)
    np.testing.assert_array_equal(X, digits[0][:300])
    ae.fit(df)
    ae.transform(df)
    pd.testing.assert_frame_equal(df, pd.DataFrame(digits[0][:300]))

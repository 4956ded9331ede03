"""AutoencoderImputer: fills only what is missing, and fills it well."""

import numpy as np
import pytest
from sklearn.impute import KNNImputer, SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderImputer

FAST = dict(hidden_layer_sizes=(32,), max_epochs=10, random_state=0)


@pytest.fixture(scope="module")
def incomplete(digits):
    X = digits[0]
    missing = np.random.RandomState(0).rand(*X.shape) < 0.2
    return X, np.where(missing, np.nan, X), missing


def rmse(filled, X, missing):
    return np.sqrt(np.mean((filled[missing] - X[missing]) ** 2))


def test_beats_knn_and_mean_imputation(incomplete):
    X, X_missing, missing = incomplete
    ours = rmse(AutoencoderImputer(random_state=0).fit_transform(X_missing), X, missing)
    knn = rmse(KNNImputer(keep_empty_features=True).fit_transform(X_missing), X, missing)
    mean = rmse(SimpleImputer(keep_empty_features=True).fit_transform(X_missing), X, missing)
    assert ours <= knn
    assert ours <= 0.6 * mean


def test_only_missing_entries_change(incomplete):
    _, X_missing, missing = incomplete
    before = X_missing.copy()
    filled = AutoencoderImputer(**FAST).fit(X_missing).transform(X_missing)
    assert not np.isnan(filled).any()
    np.testing.assert_array_equal(filled[~missing], X_missing[~missing])
    np.testing.assert_array_equal(X_missing, before)  # the input is not modified


def test_first_step_of_a_pipeline(incomplete, digits):
    _, X_missing, _ = incomplete
    pipe = make_pipeline(AutoencoderImputer(**FAST), StandardScaler(),
                         LogisticRegression(max_iter=500))
    assert cross_val_score(pipe, X_missing, digits[1], cv=3).mean() > 0.8


def test_rows_entirely_missing_get_the_reconstruction_of_the_mean_row(incomplete):
    _, X_missing, _ = incomplete
    imputer = AutoencoderImputer(**FAST).fit(X_missing)
    empty = np.full((2, X_missing.shape[1]), np.nan)
    filled = imputer.transform(empty)
    assert np.all(np.isfinite(filled))
    np.testing.assert_array_equal(filled[0], filled[1])
    means = imputer.center_[None, :]
    np.testing.assert_allclose(filled[0], imputer._impute(means)[0], rtol=1e-5, atol=1e-5)


def test_columns_entirely_missing_are_filled_with_zero_and_warned_about(incomplete):
    _, X_missing, _ = incomplete
    X_bad = X_missing.copy()
    X_bad[:, 5] = np.nan
    with pytest.warns(UserWarning, match=r"Columns \[5\] have no observed value"):
        imputer = AutoencoderImputer(**FAST).fit(X_bad)
    filled = imputer.transform(X_bad)
    assert np.all(filled[:, 5] == 0) and not np.isnan(filled).any()
    assert imputer.empty_features_.tolist() == [i == 5 for i in range(64)]


def test_feature_names_out_are_the_input_names(incomplete):
    import pandas as pd

    _, X_missing, _ = incomplete
    df = pd.DataFrame(X_missing, columns=[f"px{i}" for i in range(64)])
    imputer = AutoencoderImputer(**FAST).set_output(transform="pandas")
    out = imputer.fit_transform(df)
    assert list(out.columns) == list(df.columns) and out.notna().all().all()


def test_bce_loss_skips_missing_entries(incomplete):
    import torch

    _, X_missing, missing = incomplete
    X01 = X_missing / 16.0
    imputer = AutoencoderImputer(loss="bce", **FAST).fit(X01)
    filled = imputer.transform(X01)
    assert np.all((filled >= 0) & (filled <= 1)) and not np.isnan(filled).any()
    # The masked criterion computes cross-entropy over the observed entries only.
    criterion = imputer.net_.criterion_
    target = torch.tensor([[0.5, float("nan")]])
    output = torch.zeros(1, 2)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(
        output[:, :1], (target[:, :1] * criterion.scale[:1] + criterion.mean[:1]).clamp(0, 1)
    )
    criterion_2 = type(criterion)("bce", criterion.mean[:2], criterion.scale[:2],
                                  criterion.weight[:2])
    assert torch.isclose(criterion_2(output, target), expected)

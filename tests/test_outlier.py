"""AutoencoderOutlierDetector: scikit-learn's outlier contract, and detection."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from skae import AutoencoderOutlierDetector

FAST = dict(max_epochs=20, random_state=0)


@pytest.fixture(scope="module")
def planted():
    """Inliers near a curved 2-D surface in 8-D; outliers off it, in one column each."""
    rng = np.random.RandomState(0)
    t = rng.uniform(-2, 2, size=(1000, 2))
    basis = rng.randn(6, 8)
    X = np.c_[t, t**2, np.sin(t)] @ basis + 0.05 * rng.randn(1000, 8)
    outliers = X[:30].copy()
    column = np.arange(30) % 8
    outliers[np.arange(30), column] += 4 * X.std(axis=0)[column] * rng.choice([-1, 1], 30)
    return X[30:], outliers, column


def test_injected_outliers_score_lower(planted):
    inliers, outliers, _ = planted
    detector = AutoencoderOutlierDetector(random_state=0).fit(inliers[:800])
    scores = detector.score_samples(np.vstack([inliers[800:], outliers]))
    labels = np.r_[np.zeros(len(inliers) - 800), np.ones(len(outliers))]
    assert roc_auc_score(labels, -scores) > 0.95


def test_outlier_contract(planted):
    inliers, outliers, _ = planted
    X = np.vstack([inliers, outliers])
    detector = AutoencoderOutlierDetector(contamination=0.05, **FAST).fit(X)
    scores = detector.score_samples(X)
    assert scores.dtype == np.float64 and scores.shape == (len(X),)
    np.testing.assert_allclose(detector.decision_function(X), scores - detector.offset_)
    labels = detector.predict(X)
    assert set(np.unique(labels)) == {-1, 1}
    np.testing.assert_array_equal(labels == -1, detector.decision_function(X) < 0)
    np.testing.assert_array_equal(
        AutoencoderOutlierDetector(contamination=0.05, **FAST).fit_predict(X), labels
    )


@pytest.mark.parametrize("contamination", [0.01, 0.1, 0.25])
def test_training_fraction_flagged_matches_contamination(planted, contamination):
    X = planted[0]
    detector = AutoencoderOutlierDetector(contamination=contamination, **FAST).fit(X)
    assert np.mean(detector.predict(X) == -1) == pytest.approx(contamination, abs=0.005)


def test_auto_contamination_flags_planted_outliers_and_few_inliers(planted):
    inliers, outliers, _ = planted
    detector = AutoencoderOutlierDetector(random_state=0).fit(np.vstack([inliers, outliers]))
    assert np.mean(detector.predict(outliers) == -1) > 0.8
    # Tukey's fence on a right-skewed score also flags a few percent of clean
    # rows (documented); a float contamination sets the share exactly.
    assert np.mean(detector.predict(inliers) == -1) < 0.1


def test_dataframe_explanations_name_the_columns(planted):
    inliers, outliers, column = planted
    names = [f"sensor_{i}" for i in range(8)]
    train = pd.DataFrame(inliers, columns=names)
    new = pd.DataFrame(outliers, columns=names, index=[f"row{i}" for i in range(30)])
    detector = AutoencoderOutlierDetector(random_state=0).fit(train)

    contributions = detector.feature_contributions(new)
    assert list(contributions.columns) == names and contributions.index.equals(new.index)
    np.testing.assert_allclose(
        contributions.sum(axis=1) + detector.code_distance(new), -detector.score_samples(new)
    )

    top = detector.top_features(new, n_features=2)
    assert list(top.columns) == ["top_1", "top_2"] and top.index.equals(new.index)
    # The column that was pushed off the surface is the main culprit (chance:
    # 1 in 8).
    culprit = np.array(names)[column]
    assert np.mean(top["top_1"].to_numpy() == culprit) > 0.6
    assert np.mean((top["top_1"].to_numpy() == culprit) | (top["top_2"].to_numpy() == culprit)) > 0.85


def test_explanations_of_arrays_use_column_indices(planted):
    detector = AutoencoderOutlierDetector(**FAST).fit(planted[0])
    contributions = detector.feature_contributions(planted[1])
    assert isinstance(contributions, np.ndarray) and contributions.shape == (30, 8)
    top = detector.top_features(planted[1])
    assert top.shape == (30, 3) and top.to_numpy().dtype == object


def test_columns_in_different_units_count_alike(planted):
    inliers, outliers, column = planted
    scale = np.logspace(-3, 4, 8)  # the same data, in very different units
    detector = AutoencoderOutlierDetector(random_state=0).fit(inliers[:800] * scale)
    scores = detector.score_samples(np.vstack([inliers[800:], outliers]) * scale)
    labels = np.r_[np.zeros(len(inliers) - 800), np.ones(len(outliers))]
    assert roc_auc_score(labels, -scores) > 0.95


def test_reproducible(planted):
    X = planted[0]
    a = AutoencoderOutlierDetector(**FAST).fit(X).score_samples(X)
    b = AutoencoderOutlierDetector(**FAST).fit(X).score_samples(X)
    np.testing.assert_array_equal(a, b)


def test_input_is_not_modified(planted):
    X = planted[0].copy()
    df = pd.DataFrame(X.copy())
    detector = AutoencoderOutlierDetector(**FAST).fit(X)
    detector.predict(X)
    detector.feature_contributions(X)
    detector.fit(df).top_features(df)
    np.testing.assert_array_equal(X, planted[0])
    pd.testing.assert_frame_equal(df, pd.DataFrame(planted[0]))

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


def _two_groups(n_inliers, n_features, rank, seed):
    """Inliers near a ``rank``-dimensional subspace; outliers that break it."""
    rng = np.random.RandomState(seed)
    basis = rng.randn(rank, n_features)
    inliers = rng.randn(n_inliers, rank) @ basis + 0.1 * rng.randn(n_inliers, n_features)
    outliers = rng.randn(10, rank) @ basis + 1.0 * rng.randn(10, n_features)
    return inliers, outliers


def test_small_table_ranks_outliers_above_inliers():
    # 60 training rows: too few to train a network well; the linear and local
    # parts of the score still separate rows that break the columns' relations.
    inliers, outliers = _two_groups(100, 10, 3, seed=1)
    detector = AutoencoderOutlierDetector(random_state=0).fit(inliers[:60])
    scores = detector.score_samples(np.vstack([inliers[60:], outliers]))
    labels = np.r_[np.zeros(40), np.ones(10)]
    assert roc_auc_score(labels, -scores) > 0.95


def test_embedding_shaped_data_more_columns_than_rows():
    # 300 rows of 500 columns, as sentence or image embeddings: the covariance
    # is singular, and the Mahalanobis part is taken through its ridge.
    inliers, outliers = _two_groups(400, 500, 20, seed=2)
    detector = AutoencoderOutlierDetector(random_state=0).fit(inliers[:300])
    scores = detector.score_samples(np.vstack([inliers[300:], outliers]))
    assert np.isfinite(scores).all()
    labels = np.r_[np.zeros(100), np.ones(10)]
    assert roc_auc_score(labels, -scores) > 0.95


def test_local_part_finds_a_row_between_clusters():
    # Two tight clusters: a row halfway between them is central for the
    # covariance (the linear part) and rebuilt well from a one-unit code, but
    # far from every training row.
    rng = np.random.RandomState(3)
    centres = np.array([[-5.0] * 4, [5.0] * 4])
    X = np.vstack([c + 0.3 * rng.randn(300, 4) for c in centres])
    between = 0.3 * rng.randn(10, 4)
    detector = AutoencoderOutlierDetector(random_state=0).fit(X)
    scores = detector.score_samples(np.vstack([X[:50], X[-50:], between]))
    labels = np.r_[np.zeros(100), np.ones(10)]
    assert roc_auc_score(labels, -scores) > 0.99
    linear = AutoencoderOutlierDetector(score_parts=("mahalanobis",), random_state=0).fit(X)
    linear_scores = linear.score_samples(np.vstack([X[:50], X[-50:], between]))
    assert roc_auc_score(labels, -linear_scores) < 0.6


@pytest.mark.parametrize(
    "parts", [("reconstruction",), ("mahalanobis",), ("neighbors",), ["neighbors", "reconstruction"]]
)
def test_score_parts_add_up(planted, parts):
    inliers, outliers, _ = planted
    detector = AutoencoderOutlierDetector(score_parts=parts, **FAST).fit(inliers)
    assert set(detector.part_scales_) == set(parts)
    np.testing.assert_allclose(
        detector.feature_contributions(outliers).sum(axis=1) + detector.code_distance(outliers),
        -detector.score_samples(outliers),
    )
    # Each part is divided by its median on the training rows (the local part
    # of a training row counts the row itself among its neighbours).
    if len(parts) == 1 and parts[0] != "neighbors":
        assert np.median(-detector.score_samples(inliers)) == pytest.approx(1.0, rel=0.05)


def test_the_default_adds_the_three_parts(planted):
    inliers, outliers, _ = planted
    total = AutoencoderOutlierDetector(**FAST).fit(inliers).score_samples(outliers)
    each = sum(
        AutoencoderOutlierDetector(score_parts=(part,), **FAST).fit(inliers).score_samples(outliers)
        for part in ("reconstruction", "mahalanobis", "neighbors")
    )
    np.testing.assert_allclose(total, each)


@pytest.mark.parametrize("parts", [(), ("reconstruction", "reconstruction"), ("knn",)])
def test_bad_score_parts(planted, parts):
    with pytest.raises(ValueError, match="score_parts must name one or more of"):
        AutoencoderOutlierDetector(score_parts=parts, **FAST).fit(planted[0])


def test_bad_score_parts_in_partial_fit(planted):
    with pytest.raises(ValueError, match="score_parts must name one or more of"):
        AutoencoderOutlierDetector(score_parts=("knn",), **FAST).partial_fit(planted[0])


def test_rare_level_is_not_infinitely_far():
    # A level held by 3% of the rows is missing from the central rows that set
    # a covariance; the Mahalanobis part covers the numeric columns only, so
    # rows with that level (and ordinary numbers) score like the others.
    rng = np.random.RandomState(0)
    n = 600
    x = rng.randn(n)
    frame = pd.DataFrame({
        "x": x, "y": 2 * x + 0.3 * rng.randn(n),
        "plan": pd.Categorical(np.where(rng.rand(n) < 0.03, "rare", rng.choice(["a", "b"], n))),
    })
    detector = AutoencoderOutlierDetector(score_parts=("mahalanobis",), random_state=0)
    outlyingness = -detector.fit(frame).score_samples(frame)
    rare = (frame["plan"] == "rare").to_numpy()
    assert np.median(outlyingness[rare]) < 2 * np.median(outlyingness[~rare])
    contributions = detector.feature_contributions(frame)
    np.testing.assert_array_equal(contributions["plan"], 0.0)

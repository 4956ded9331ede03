"""Known outliers: fit(X, y) with y = 1 for the rows known to be outliers."""

import pickle

import numpy as np
import pytest

from skae import AutoencoderOutlierDetector
from skae._outlier._labels import LabelScore, NormalScores

FAST = dict(random_state=0, max_epochs=10)


@pytest.fixture(scope="module")
def planted():
    """Rows near a plane, and 5% of them shifted by 0.8 in every column: a
    shift the unsupervised score only partly sees."""
    rng = np.random.RandomState(0)
    n = 1200
    X = rng.randn(n, 2) @ rng.randn(2, 6) + 0.2 * rng.randn(n, 6)
    outlier = rng.rand(n) < 0.05
    X[outlier] += 0.8
    return X[:800], outlier[:800], X[800:], outlier[800:]


def _auc(outlier, outlyingness):
    from sklearn.metrics import roc_auc_score

    return roc_auc_score(outlier, outlyingness)


def test_known_outliers_rank_higher_after_fitting_with_them(planted):
    X, outlier, X_new, outlier_new = planted
    plain = AutoencoderOutlierDetector(**FAST).fit(X)
    y = outlier.astype(int)
    labelled = AutoencoderOutlierDetector(**FAST).fit(X, y)
    assert labelled.n_known_outliers_ == outlier.sum()
    before = _auc(outlier_new, -plain.score_samples(X_new))
    after = _auc(outlier_new, -labelled.score_samples(X_new))
    assert after > before and after > 0.95


def test_no_labels_is_todays_fit(planted):
    X, _, X_new, _ = planted
    plain = AutoencoderOutlierDetector(**FAST).fit(X)
    zeros = AutoencoderOutlierDetector(**FAST).fit(X, np.zeros(len(X)))
    np.testing.assert_array_equal(plain.score_samples(X_new), zeros.score_samples(X_new))
    assert zeros.n_known_outliers_ == 0 and plain.offset_ == zeros.offset_


def test_one_known_outlier_barely_moves_the_ranking(planted):
    X, outlier, X_new, outlier_new = planted
    plain = AutoencoderOutlierDetector(**FAST).fit(X)
    y = np.zeros(len(X), int)
    y[np.flatnonzero(outlier)[0]] = 1
    one = AutoencoderOutlierDetector(**FAST).fit(X, y)
    assert one._label_score.weight_ == pytest.approx(1 / (1 + np.sqrt(len(X) - 1)))
    before = _auc(outlier_new, -plain.score_samples(X_new))
    assert _auc(outlier_new, -one.score_samples(X_new)) > before - 0.02


def test_known_outliers_stay_out_of_the_calibration_rows(planted):
    X, outlier, X_new, _ = planted
    detector = AutoencoderOutlierDetector(calibration_fraction=0.2, threshold="pvalue",
                                          **FAST).fit(X, outlier.astype(int))
    n_unlabelled = int((~outlier).sum())
    assert len(detector.calibration_scores_) == int(round(0.2 * n_unlabelled))
    pvalues = detector.score_pvalues(X_new)
    assert np.all((pvalues > 0) & (pvalues <= 1))
    np.testing.assert_array_equal(detector.predict(X_new) == -1,
                                  detector.decision_function(X_new) < 0)


def test_labels_per_chunk_and_pickling(planted):
    X, outlier, X_new, _ = planted
    detector = AutoencoderOutlierDetector(random_state=0)
    for start in (0, 400):
        rows = slice(start, start + 400)
        detector.partial_fit(X[rows], outlier[rows].astype(int))
    assert detector.n_known_outliers_ == outlier[400:800].sum()
    loaded = pickle.loads(pickle.dumps(detector))
    np.testing.assert_array_equal(loaded.score_samples(X_new), detector.score_samples(X_new))


def test_labels_that_are_no_outlier_marks():
    X = np.random.RandomState(0).randn(50, 4)
    with pytest.raises(ValueError, match="needs at least 2"):
        AutoencoderOutlierDetector(**FAST).fit(X, np.ones(50))
    with pytest.raises(ValueError, match="one label per row"):
        AutoencoderOutlierDetector(**FAST).fit(X, np.zeros(49))
    with pytest.warns(UserWarning, match="it is ignored"):
        ignored = AutoencoderOutlierDetector(**FAST).fit(X, np.arange(50) % 3)
    assert ignored.n_known_outliers_ == 0


def test_normal_scores_keep_the_order_beyond_the_training_range():
    scores = NormalScores().fit(np.arange(100.0))
    z = scores.transform(np.array([-50.0, 0.0, 49.5, 99.0, 150.0, 1e6]))
    assert np.all(np.diff(z) > 0)
    assert abs(z[2]) < 0.05  # the middle value is near the normal's median
    assert z[-1] < 20  # far beyond the range, the score grows only as a log


def test_with_one_label_the_classifier_weighs_little():
    rng = np.random.RandomState(0)
    rows, outliers = rng.randn(300, 3), rng.randn(1, 3) + 4
    labels = LabelScore().fit(rows, outliers, rng.rand(300))
    assert labels.weight_ == pytest.approx(1 / (1 + np.sqrt(300)))
    blended = labels.blend(rng.rand(50), rng.randn(50, 3))
    assert np.all(np.isfinite(blended))


def test_the_classifier_learns_from_a_sample_of_a_large_table(monkeypatch):
    """At most CLASSIFIER_ROWS unlabelled rows, drawn by the random state;
    the weight counts those rows, the normal scores see every row."""
    from skae._outlier import _labels

    seen = []
    fit = _labels.HistGradientBoostingClassifier.fit
    monkeypatch.setattr(_labels.HistGradientBoostingClassifier, "fit",
                        lambda self, X, y: seen.append(y.copy()) or fit(self, X, y))
    rng = np.random.RandomState(0)
    rows, outliers = rng.randn(3000, 3), rng.randn(4, 3) + 4
    first = LabelScore(random_state=1).fit(rows, outliers, rng.rand(3000))
    assert len(seen[0]) == _labels.CLASSIFIER_ROWS + 4 and seen[0].sum() == 4
    assert first.weight_ == pytest.approx(4 / (4 + np.sqrt(_labels.CLASSIFIER_ROWS)))
    assert len(first.supervised_.values_) == 3000
    again = LabelScore(random_state=1).fit(rows, outliers, rng.rand(3000))
    new = rng.randn(20, 3)
    np.testing.assert_array_equal(first.model_.decision_function(new),
                                  again.model_.decision_function(new))
    LabelScore(random_state=1).fit(rows[:500], outliers, rng.rand(500))
    assert len(seen[-1]) == 504  # a smaller table: every row


def test_quantile_bins_keep_few_values_apart_and_cut_many_at_quantiles():
    from skae._outlier._labels import N_BINS, QuantileBins

    rng = np.random.RandomState(0)
    X = np.c_[rng.randint(0, 3, 1000).astype(float), rng.randn(1000)]
    bins = QuantileBins().fit(X, np.ones(1000))
    binned = bins.transform(X)
    np.testing.assert_array_equal(binned[:, 0], X[:, 0])  # 0, 1, 2: each its own bin
    seen = binned[:, 1]
    assert len(np.unique(seen)) == N_BINS  # as many bins as allowed, about equally full
    assert np.bincount(seen.astype(int)).max() <= 2 * len(seen) / N_BINS
    # The order of the values is kept: a larger value never falls in a lower bin.
    order = np.argsort(X[:, 1])
    assert np.all(np.diff(seen[order]) >= 0)
    # Values beyond the training range fall in the end bins.
    np.testing.assert_array_equal(bins.transform(np.array([[-1.0, -99.0], [5.0, 99.0]])),
                                  [[0, 0], [2, N_BINS - 1]])


def test_quantile_bins_follow_the_weights():
    """Rows weighing more get more of the bins: with the upper tenth of a
    column weighing half, half of the bins fall in it."""
    from skae._outlier._labels import N_BINS, QuantileBins

    column = np.arange(10000.0)[:, None]
    weights = np.where(column[:, 0] >= 9000, 0.5 / 1000, 0.5 / 9000)
    edges = QuantileBins().fit(column, weights).edges_[0]
    assert len(edges) == N_BINS - 1
    assert abs(np.sum(edges >= 9000) - N_BINS / 2) <= 1


def test_a_wide_table_is_classified_on_principal_coordinates():
    """Beyond CLASSIFIER_COLUMNS columns the classifier reads that many
    principal coordinates, and still learns what sets the known outliers apart."""
    from skae._outlier import _labels

    rng = np.random.RandomState(0)
    d = 2 * _labels.CLASSIFIER_COLUMNS
    X = rng.randn(1500, 4) @ rng.randn(4, d) + 0.3 * rng.randn(1500, d)
    outlier = rng.rand(1500) < 0.05
    X[outlier] += 1.5 * rng.randn(d) / np.sqrt(d) * 4
    X_new, outlier_new = X[1000:], outlier[1000:]
    plain = AutoencoderOutlierDetector(**FAST).fit(X[:1000])
    labelled = AutoencoderOutlierDetector(**FAST).fit(X[:1000], outlier[:1000].astype(int))
    assert labelled._label_score.projection_.shape == (d, _labels.CLASSIFIER_COLUMNS)
    before = _auc(outlier_new, -plain.score_samples(X_new))
    after = _auc(outlier_new, -labelled.score_samples(X_new))
    assert after > before and after > 0.9

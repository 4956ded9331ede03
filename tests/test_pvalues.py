"""Conformal p-values of the outlier detector, and thresholds with a stated error rate."""

import numpy as np
import pytest

from skae import AutoencoderOutlierDetector

FAST = dict(hidden_layer_sizes=(16,), max_epochs=20, random_state=0)


def gaussian(n, seed, heavy_tailed=False):
    """Rows near a 3-D subspace of 8-D (Student t with 3 degrees of freedom if heavy-tailed)."""
    rng = np.random.RandomState(seed)
    latent = rng.standard_t(3, size=(n, 3)) if heavy_tailed else rng.randn(n, 3)
    mixing = np.random.RandomState(100).randn(3, 8)
    return latent @ mixing + 0.3 * rng.randn(n, 8)


def benjamini_hochberg(pvalues, q):
    """The rows Benjamini-Hochberg selects at level q, written out plainly."""
    order = np.argsort(pvalues)
    m = len(pvalues)
    passing = [k for k in range(1, m + 1) if pvalues[order[k - 1]] <= q * k / m]
    selected = np.zeros(m, dtype=bool)
    if passing:
        selected[order[: max(passing)]] = True
    return selected


@pytest.fixture(scope="module")
def calibrated():
    return AutoencoderOutlierDetector(calibration_fraction=0.3, **FAST).fit(gaussian(3000, 0))


def test_pvalues_lie_in_0_1_and_fall_as_rows_get_more_outlying(calibrated):
    X = np.vstack([gaussian(500, 1), 4 * gaussian(20, 2)])
    p = calibrated.score_pvalues(X)
    n_calibration = len(calibrated.calibration_scores_)
    assert n_calibration == 900
    assert np.all((p > 0) & (p <= 1)) and p.min() >= 1 / (n_calibration + 1)
    order = np.argsort(calibrated.score_samples(X))  # most outlying first
    assert np.all(np.diff(p[order]) >= 0)
    # The outlying rows get the smallest p-value there is.
    assert np.all(p[-20:] == 1 / (n_calibration + 1))


def test_pvalues_are_reproducible(calibrated):
    X = gaussian(200, 3)
    again = AutoencoderOutlierDetector(calibration_fraction=0.3, **FAST).fit(gaussian(3000, 0))
    np.testing.assert_array_equal(again.score_pvalues(X), calibrated.score_pvalues(X))


@pytest.mark.parametrize("heavy_tailed", [False, True], ids=["gaussian", "student-t"])
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_the_level_flags_about_alpha_of_fresh_inliers(heavy_tailed, alpha):
    detector = AutoencoderOutlierDetector(calibration_fraction=0.3, threshold="pvalue",
                                          alpha=alpha, **FAST)
    detector.fit(gaussian(3000, 0, heavy_tailed))
    fresh = gaussian(5000, 7, heavy_tailed)
    flagged = np.mean(detector.predict(fresh) == -1)
    # One calibration set of 900 rows: the share flagged is alpha give or take
    # sqrt(alpha (1 - alpha) / 900) (0.007 to 0.010), plus 5000 rows' own noise.
    assert abs(flagged - alpha) <= 0.035
    assert flagged == np.mean(detector.score_pvalues(fresh) <= alpha)


def test_pvalue_threshold_is_consistent_with_decision_function():
    detector = AutoencoderOutlierDetector(calibration_fraction=0.3, threshold="pvalue",
                                          alpha=0.1, **FAST).fit(gaussian(3000, 0))
    X = np.vstack([gaussian(300, 4), 3 * gaussian(30, 5)])
    p = detector.score_pvalues(X)
    decision = detector.decision_function(X)
    np.testing.assert_array_equal(decision < 0, p <= 0.1)
    np.testing.assert_array_equal(detector.predict(X) == -1, p <= 0.1)
    np.testing.assert_allclose(decision, detector.score_samples(X) - detector.offset_)


def test_fdr_threshold_is_benjamini_hochberg_on_the_batch():
    detector = AutoencoderOutlierDetector(calibration_fraction=0.3, threshold="fdr",
                                          alpha=0.1, **FAST).fit(gaussian(3000, 0))
    inliers, outliers = gaussian(400, 6), 3 * gaussian(40, 8)
    X = np.vstack([inliers, outliers])
    expected = benjamini_hochberg(detector.score_pvalues(X), 0.1)
    flagged = detector.predict(X) == -1
    np.testing.assert_array_equal(flagged, expected)
    np.testing.assert_array_equal(detector.decision_function(X) < 0, expected)
    assert flagged[400:].mean() > 0.8  # most outliers found
    assert flagged[:400].sum() <= 0.2 * flagged.sum()  # few of the flagged are inliers
    # A batch of inliers alone: Benjamini-Hochberg flags (almost) nothing.
    assert np.mean(detector.predict(inliers) == -1) < 0.02


def test_calibration_rows_are_held_out_of_training():
    X = gaussian(1000, 0)
    detector = AutoencoderOutlierDetector(calibration_fraction=0.25, **FAST).fit(X)
    assert len(detector.calibration_scores_) == 250
    # The scaling comes from the 750 training rows, not from all of them.
    all_rows = AutoencoderOutlierDetector(**FAST).fit(X)
    assert not np.allclose(detector.center_, all_rows.center_)
    medians = [np.median(X[rows], axis=0) for rows in _subsets_of(X, 750)]
    assert any(np.allclose(detector.center_, m) for m in medians)


def _subsets_of(X, n):
    """The training rows the detector keeps (it draws them like this)."""
    order = np.random.RandomState(0).permutation(len(X))
    yield np.sort(order[len(X) - n :])


def test_partial_fit_calibrates_on_rows_held_out_of_the_chunk():
    detector = AutoencoderOutlierDetector(calibration_fraction=0.2, hidden_layer_sizes=(16,),
                                          random_state=0)
    for seed in range(3):
        detector.partial_fit(gaussian(500, seed))
    assert len(detector.calibration_scores_) == 100
    assert np.all(detector.score_pvalues(gaussian(10, 9)) > 0)


def test_without_calibration_rows_pvalues_are_a_clear_error():
    detector = AutoencoderOutlierDetector(**FAST).fit(gaussian(300, 0))
    with pytest.raises(AttributeError, match="calibration_fraction"):
        detector.score_pvalues(gaussian(5, 1))
    with pytest.raises(ValueError, match="set calibration_fraction"):
        AutoencoderOutlierDetector(threshold="fdr", **FAST).fit(gaussian(300, 0))
    with pytest.raises(ValueError, match="calibration rows"):
        AutoencoderOutlierDetector(calibration_fraction=0.1, **FAST).fit(gaussian(5, 0))


def test_too_few_calibration_rows_for_the_level_flag_nothing():
    detector = AutoencoderOutlierDetector(calibration_fraction=0.05, threshold="pvalue",
                                          alpha=0.01, **FAST).fit(gaussian(400, 0))
    # 20 calibration rows: the smallest p-value is 1/21 > 0.01.
    assert detector.offset_ == -np.inf
    assert np.all(detector.predict(10 * gaussian(50, 1)) == 1)

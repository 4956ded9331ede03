"""A threshold tuned on labelled rows: scikit-learn's TunedThresholdClassifierCV, or a
smoothed estimate of F1 on the same held-out rows."""

import numpy as np
import pytest
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import f1_score
from sklearn.model_selection import TunedThresholdClassifierCV

from skae import AutoencoderOutlierDetector, OutlierClassifier, TunedOutlierDetector

FAST = dict(random_state=0, max_epochs=5)


@pytest.fixture(scope="module")
def labelled():
    rng = np.random.RandomState(0)
    X = rng.randn(600, 5) @ rng.randn(5, 5)
    y = (rng.rand(600) < 0.1).astype(int)
    X[y == 1] += 1.5 * rng.randn(5)
    return X[:400], y[:400], X[400:], y[400:]


def test_predict_flags_the_rows_at_or_above_the_tuned_threshold(labelled):
    X, y, X_new, y_new = labelled
    tuned = TunedOutlierDetector(AutoencoderOutlierDetector(**FAST), cv=2).fit(X, y)
    labels = tuned.predict(X_new)
    assert set(np.unique(labels)) <= {-1, 1}
    np.testing.assert_array_equal(labels == -1,
                                  -tuned.score_samples(X_new) >= tuned.threshold_)
    assert tuned.offset_ == -tuned.threshold_
    assert f1_score(y_new, labels == -1) > 0.8


def test_scikit_learns_tuner_takes_the_detector_as_a_classifier(labelled):
    X, y, X_new, _ = labelled
    search = TunedThresholdClassifierCV(OutlierClassifier(AutoencoderOutlierDetector(**FAST)),
                                        scoring="f1", cv=2).fit(X, y)
    outlyingness = -search.estimator_.detector_.score_samples(X_new)
    np.testing.assert_array_equal(search.predict(X_new),
                                  (outlyingness >= search.best_threshold_).astype(int))


def test_a_fitted_detector_tuned_on_validation_rows(labelled):
    X, y, X_new, y_new = labelled
    fitted = OutlierClassifier(AutoencoderOutlierDetector(**FAST)).fit(X[:250], y[:250])
    search = TunedThresholdClassifierCV(FrozenEstimator(fitted), scoring="f1", cv="prefit",
                                        refit=False).fit(X[250:], y[250:])
    assert search.best_threshold_ > np.median(fitted.decision_function(X_new))


def test_labels_of_one_class_are_refused(labelled):
    X, _, _, _ = labelled
    with pytest.raises(ValueError, match="both classes"):
        TunedOutlierDetector(AutoencoderOutlierDetector(**FAST)).fit(X, np.zeros(len(X)))


def test_a_fitted_detectors_threshold_tuned_on_reviewed_rows(labelled):
    X, y, X_new, _ = labelled
    fitted = AutoencoderOutlierDetector(**FAST).fit(X[:250], y[:250])
    tuned = TunedOutlierDetector(fitted, cv="prefit", refit=False).fit(X[250:], y[250:])
    assert tuned.detector_ is fitted
    np.testing.assert_array_equal(tuned.score_samples(X_new), fitted.score_samples(X_new))


def test_smoothed_f1_threshold_falls_between_separated_classes():
    from skae._outlier._thresholds import smoothed_f1_threshold

    rng = np.random.RandomState(0)
    inliers, outliers = rng.randn(500), rng.randn(5) * 0.3 + 6.0
    threshold, f1 = smoothed_f1_threshold(np.r_[inliers, outliers], np.r_[np.zeros(500),
                                                                            np.ones(5)])
    # Not against the lowest outlier, as the rows' own F1 would put it.
    assert inliers.max() < threshold < outliers.min() - 0.1
    assert 0.9 < f1 <= 1.0


def test_smoothed_f1_agrees_with_the_rows_f1_on_many_rows():
    """With many labelled rows of both classes, the smoothed estimate is
    near the rows' own F1 at its threshold."""
    from skae._outlier._thresholds import smoothed_f1_threshold

    rng = np.random.RandomState(1)
    y = (rng.rand(20000) < 0.1).astype(int)
    outlyingness = rng.randn(20000) + 2.0 * y
    threshold, estimate = smoothed_f1_threshold(outlyingness, y)
    assert estimate == pytest.approx(f1_score(y, outlyingness >= threshold), abs=0.02)


@pytest.mark.parametrize("cv", ["prefit", 0.3, 3])
def test_the_smoothed_threshold_with_each_kind_of_cv(labelled, cv):
    from skae._outlier._thresholds import smoothed_f1_threshold

    X, y, X_new, _ = labelled
    detector = AutoencoderOutlierDetector(**FAST)
    if cv == "prefit":
        detector.fit(X[:250], y[:250])
        tuned = TunedOutlierDetector(detector, cv=cv, refit=False).fit(X[250:], y[250:])
        assert tuned.detector_ is detector
        expected, _ = smoothed_f1_threshold(-detector.score_samples(X[250:]), y[250:])
        assert tuned.threshold_ == expected
    else:
        tuned = TunedOutlierDetector(detector, cv=cv, random_state=0).fit(X, y)
    assert tuned.tuned_ is None and 0 < tuned.best_score_ <= 1
    np.testing.assert_array_equal(tuned.predict(X_new) == -1,
                                  -tuned.score_samples(X_new) >= tuned.threshold_)


def test_smoothing_off_is_scikit_learns_search(labelled):
    X, y, _, _ = labelled
    tuned = TunedOutlierDetector(AutoencoderOutlierDetector(**FAST), smoothing=False,
                                 cv=2).fit(X, y)
    assert isinstance(tuned.tuned_, TunedThresholdClassifierCV)
    assert tuned.threshold_ == tuned.tuned_.best_threshold_
    recall = TunedOutlierDetector(AutoencoderOutlierDetector(**FAST), scoring="recall",
                                  cv=2).fit(X, y)
    assert isinstance(recall.tuned_, TunedThresholdClassifierCV)  # "auto": F1 only


def test_smoothing_errors(labelled):
    X, y, _, _ = labelled
    detector = AutoencoderOutlierDetector(**FAST)
    with pytest.raises(ValueError, match='needs scoring="f1"'):
        TunedOutlierDetector(detector, scoring="recall", smoothing=True).fit(X, y)
    with pytest.raises(ValueError, match="smoothing must be"):
        TunedOutlierDetector(detector, smoothing="yes").fit(X, y)
    with pytest.raises(ValueError, match="refit=False needs"):
        TunedOutlierDetector(detector, cv=3, refit=False).fit(X, y)
    detector.fit(X, y)
    for smoothing in (True, False):  # as scikit-learn's search
        with pytest.raises(ValueError, match="refit cannot be True"):
            TunedOutlierDetector(detector, cv="prefit", smoothing=smoothing).fit(X, y)

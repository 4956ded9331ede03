"""A threshold tuned on labelled rows, through scikit-learn's TunedThresholdClassifierCV."""

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

"""The outlier detector: the estimator, its score and its thresholds.

- ``_detector``: ``AutoencoderOutlierDetector``, the estimator;
- ``_contract``: scikit-learn's outlier methods and the conformal p-values;
- ``_score``: ``OutlierScore``, the three parts of the outlyingness, fitted
  on arrays of column terms, codes and scaled rows;
- ``_labels``: ``LabelScore``, a classifier of known outliers blended in;
- ``_explain``: each row's column terms and the explanations built on them;
- ``_tuned``: a threshold tuned on labelled rows (a smoothed F1, or
  scikit-learn's ``TunedThresholdClassifierCV`` through ``OutlierClassifier``);
- ``_thresholds``: the contamination threshold, conformal p-values, the
  Benjamini-Hochberg level and the smoothed F1 on labelled rows;
- ``_distances``: robust Mahalanobis distances and nearest training rows.
"""

from ._detector import AutoencoderOutlierDetector
from ._tuned import OutlierClassifier, TunedOutlierDetector

__all__ = ["AutoencoderOutlierDetector", "OutlierClassifier", "TunedOutlierDetector"]

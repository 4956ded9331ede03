"""The outlier detector: the estimator, its score and its thresholds.

- ``_detector``: ``AutoencoderOutlierDetector``, the estimator;
- ``_score``: ``OutlierScore``, the three parts of the outlyingness, fitted
  on arrays of column terms, codes and scaled rows;
- ``_explain``: each row's column terms and the explanations built on them;
- ``_thresholds``: the contamination threshold, conformal p-values and the
  Benjamini-Hochberg level;
- ``_distances``: robust Mahalanobis distances and nearest training rows.
"""

from ._detector import AutoencoderOutlierDetector

__all__ = ["AutoencoderOutlierDetector"]

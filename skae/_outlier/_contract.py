"""The outlier contract: scores, decisions, labels and p-values of rows.

``OutlierContractMixin`` gives the detector scikit-learn's outlier methods
(as ``IsolationForest``'s: ``score_samples`` higher for more normal rows,
``decision_function = score_samples - offset_``, ``predict`` +1 / -1) and
the conformal p-values, from the outlyingness the detector computes.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._validation import check_X
from ._thresholds import benjamini_hochberg_level, conformal_offset, conformal_pvalues


class OutlierContractMixin:
    """``score_samples``, ``decision_function``, ``predict`` and
    ``score_pvalues`` of ``AutoencoderOutlierDetector``."""

    def score_samples(self, X):
        """Minus the outlyingness of each row: higher is more normal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Minus the row's outlyingness: the sum of its
            ``feature_contributions`` and its ``code_distance``, in float64.
        """
        check_is_fitted(self, "net_")
        return self._scores(*check_X(self, X, reset=False, return_unknown=True))

    def decision_function(self, X):
        """``score_samples(X) - offset_``: negative for the rows ``predict`` flags.

        With ``threshold="fdr"`` the offset is that of the batch: the
        outlyingness above which Benjamini-Hochberg flags rows of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Negative for outliers, positive for inliers.
        """
        scores = self.score_samples(X)
        if self.threshold == "fdr":
            return scores - conformal_offset(self.calibration_scores_, self._bh_level(scores))
        return scores - self.offset_

    def score_pvalues(self, X):
        """Conformal p-value of each row: small for outlying rows.

        ``(1 + k) / (n + 1)``, with ``k`` the number of the ``n`` held-out
        calibration rows (``calibration_fraction``) at least as outlying as
        the row. For a row drawn like the clean training rows, ``P(p <= a)
        <= a`` for every ``a`` (the split-conformal guarantee, exact for any
        data and any model). Outliers among the calibration rows only make
        the p-values of clean rows larger (conservative).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to test.

        Returns
        -------
        pvalues : ndarray of shape (n_samples,)
            In (0, 1], non-increasing in the row's outlyingness.
        """
        check_is_fitted(self, "net_")
        if not hasattr(self, "calibration_scores_"):
            raise AttributeError(
                "score_pvalues needs calibration rows the model never saw: fit with "
                "calibration_fraction=0.2, for example."
            )
        return self._pvalues(self.score_samples(X))

    def _pvalues(self, scores):
        return conformal_pvalues(self.calibration_scores_, -scores)

    def _bh_level(self, scores):
        """The p-value threshold Benjamini-Hochberg sets at rate ``alpha`` for
        the batch of rows with these scores."""
        return benjamini_hochberg_level(self._pvalues(scores), self.alpha)

    def predict(self, X):
        """-1 for outliers and +1 for inliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to classify.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            -1 for outliers, +1 for inliers.
        """
        return np.where(self.decision_function(X) < 0, -1, 1)

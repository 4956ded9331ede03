"""Thresholds on the outlyingness: from the contamination, conformal, and
from labelled rows.

Split-conformal p-values compare a row's outlyingness with that of held-out
calibration rows the model never saw; the Benjamini-Hochberg procedure turns
a batch's p-values into a threshold at a false discovery rate. On labelled
rows, ``smoothed_f1_threshold`` maximises a kernel estimate of F1. Plain
numpy, on arrays of outlyingness.
"""

import numpy as np
from scipy.stats import norm

#: ``contamination="auto"``: Tukey's fence, this many interquartile ranges
#: above the third quartile of the training rows' outlyingness.
TUKEY_FENCE = 1.5


def contamination_offset(outlyingness, contamination):
    """The ``offset_`` on ``score_samples`` (minus the outlyingness) that
    flags a share ``contamination`` of the training rows, or with
    ``"auto"`` those beyond Tukey's fence."""
    if contamination == "auto":
        q1, q3 = np.percentile(outlyingness, [25, 75])
        return float(-(q3 + TUKEY_FENCE * (q3 - q1)))
    return float(np.percentile(-outlyingness, 100.0 * contamination))


def conformal_pvalues(calibration, outlyingness):
    """Split-conformal p-values: ``(1 + k) / (n + 1)``, with ``k`` of the ``n``
    sorted ``calibration`` outlyingness values at least each ``outlyingness``."""
    as_outlying = len(calibration) - np.searchsorted(calibration, outlyingness, side="left")
    return (1.0 + as_outlying) / (len(calibration) + 1.0)


def benjamini_hochberg_level(pvalues, q):
    """The p-value at or below which Benjamini-Hochberg flags rows at false
    discovery rate ``q`` (0 when it flags none)."""
    pvalues = np.sort(pvalues)
    below = pvalues <= q * np.arange(1, len(pvalues) + 1) / len(pvalues)
    return float(pvalues[np.flatnonzero(below)[-1]]) if below.any() else 0.0


def conformal_offset(calibration, level):
    """The offset on ``score_samples`` that flags exactly the rows with
    p-value <= ``level``, given the sorted ``calibration`` outlyingness.

    A p-value is ``(1 + #{calibration outlyingness >= o}) / (n + 1)``, so
    p <= level means at most ``m = floor(level (n + 1)) - 1`` calibration
    rows are as outlying, that is, ``o`` above the (m + 1)-th largest of
    them; with ``m < 0`` no row can be flagged (offset ``-inf``).
    """
    m = int(np.floor(level * (len(calibration) + 1) + 1e-9)) - 1
    if m < 0:
        return -np.inf
    return float(-calibration[::-1][min(m, len(calibration) - 1)])


def _bandwidth(values, fallback):
    """Silverman's rule of thumb, ``0.9 min(sd, IQR / 1.349) n^(-1/5)``; with
    a single value, the spread of ``fallback``."""
    spread_of = values if len(values) > 1 else fallback
    q3, q1 = np.percentile(spread_of, [75, 25])
    spread = min(np.std(spread_of), (q3 - q1) / 1.349) or np.std(spread_of)
    return max(0.9 * spread * len(values) ** -0.2, 1e-12)


def smoothed_f1_threshold(outlyingness, y):
    """The threshold on held-out rows' ``outlyingness`` that maximises a
    smoothed estimate of F1, and that estimate.

    F1 is ``2 pi TPR / (pi + pi TPR + (1 - pi) FPR)`` for the outliers' share
    ``pi`` (``y == 1``); the rates are those of Gaussian kernels around each
    outlier's and each inlier's outlyingness, of Silverman's bandwidth. With
    a few labelled outliers, the F1 of the rows themselves is a staircase
    whose best step sits against one of them; the smoothed estimate weighs
    how far each is from the threshold.
    """
    outlyingness = np.asarray(outlyingness, dtype=np.float64)
    y = np.asarray(y)
    outliers, inliers = outlyingness[y == 1], outlyingness[y == 0]
    share = len(outliers) / len(outlyingness)
    # Every outlier's value, and 1,000 of the rows' quantiles and of even steps.
    levels = np.linspace(0, 1, 1000)
    candidates = np.unique(np.r_[outliers, np.quantile(outlyingness, levels),
                                 outlyingness.min() + levels * np.ptp(outlyingness)])

    def rate(values):
        bandwidth = _bandwidth(values, outlyingness)
        return np.array([norm.sf((c - values) / bandwidth).mean() for c in candidates])

    tpr, fpr = rate(outliers), rate(inliers)
    f1 = 2 * share * tpr / (share + share * tpr + (1 - share) * fpr)
    best = int(np.argmax(f1))
    return float(candidates[best]), float(f1[best])

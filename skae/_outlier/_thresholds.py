"""Thresholds on the outlyingness: from the contamination, and conformal.

Split-conformal p-values compare a row's outlyingness with that of held-out
calibration rows the model never saw; the Benjamini-Hochberg procedure turns
a batch's p-values into a threshold at a false discovery rate. Plain numpy,
on sorted arrays of outlyingness.
"""

import numpy as np

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

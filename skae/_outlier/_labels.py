"""The part of the outlier score learned from known outliers.

When ``fit`` is given labels, a gradient-boosted classifier learns the known
outliers against (a sample of) the other training rows, on the detector's
scaled columns.
Its log-odds are blended with the unsupervised outlyingness, both as normal
scores of their ranks among the training rows, with a weight that grows with
the number of known outliers against the square root of the number of rows:
with a few, the unsupervised score decides almost alone; with many, the
classifier does.
"""

import numpy as np
from scipy.stats import norm
from sklearn.ensemble import HistGradientBoostingClassifier

#: The classifier's weight is ``n / (n + K)`` for ``n`` known outliers, with
#: ``K = SHRINKAGE_PER_ROOT_ROW * sqrt(training rows)``: the larger the table,
#: the more known outliers its classifier needs before it is trusted
#: (docs/design_notes.md: chosen over 22 data sets and three label shares
#: against constant ``K``, and checked on halves of the sets).
SHRINKAGE_PER_ROOT_ROW = 1.0

#: The classifier learns the known outliers against at most this many of the
#: other training rows, drawn at random (all of them on smaller tables).
#: Over 22 sets and three label shares it ranks better than learning from
#: every row (docs/design_notes.md), and its fit no longer grows with the
#: number of rows.
CLASSIFIER_ROWS = 2000


class NormalScores:
    """A score as normal quantiles of its training values: each value's rank
    among them, as the quantile of a standard normal; beyond their range the
    quantile grows with the log of the distance, in units of their spread.

    Two scores of any scale and tail then add up on one footing, and no
    value far beyond the training rows' (a classifier's log-odds, say) can
    swamp the other score.
    """

    def fit(self, values):
        values = np.sort(np.asarray(values, dtype=np.float64))
        n = len(values)
        self.values_ = values
        self.quantiles_ = norm.ppf((np.arange(n) + 0.5) / n)
        q1, q3 = np.percentile(values, [25, 75])
        self.spread_ = max(float(q3 - q1), float(values[-1] - values[0]) / n, 1e-12)
        return self

    def transform(self, values):
        values = np.asarray(values, dtype=np.float64)
        z = np.interp(values, self.values_, self.quantiles_)
        above, below = values > self.values_[-1], values < self.values_[0]
        z[above] += np.log1p((values[above] - self.values_[-1]) / self.spread_)
        z[below] -= np.log1p((self.values_[0] - values[below]) / self.spread_)
        return z


class LabelScore:
    """A classifier of the known outliers, and its blend with the
    unsupervised outlyingness ``U``.

    ``blend(U, X)`` is ``(1 - w) z_U(U) + w z_f(f(X))``: ``f`` the
    classifier's log-odds, each ``z`` the ``NormalScores`` of the training
    rows' values, and ``w = n / (n + K)`` for ``n`` known outliers, ``K`` the
    ``shrinkage`` or by default ``sqrt`` of the number of training rows.
    """

    def __init__(self, shrinkage=None, random_state=None):
        self.shrinkage = shrinkage
        self.random_state = random_state

    def fit(self, X_rows, X_outliers, U_rows):
        """Fit on the scaled training rows (labelled 0), the scaled known
        outliers (1) and the training rows' unsupervised outlyingness."""
        rows = X_rows
        if len(rows) > CLASSIFIER_ROWS:
            rng = np.random.RandomState(self.random_state)
            rows = rows[np.sort(rng.choice(len(rows), CLASSIFIER_ROWS, replace=False))]
        X = np.vstack([rows, X_outliers])
        y = np.r_[np.zeros(len(rows)), np.ones(len(X_outliers))]
        # Early stopping holds out a stratified share of the rows: it needs two
        # known outliers at least.
        early_stopping = "auto" if len(X_outliers) >= 2 else False
        self.model_ = HistGradientBoostingClassifier(
            class_weight="balanced", early_stopping=early_stopping,
            random_state=self.random_state,
        ).fit(X, y)
        self.n_outliers_ = len(X_outliers)
        shrinkage = self.shrinkage
        if shrinkage is None:
            shrinkage = SHRINKAGE_PER_ROOT_ROW * np.sqrt(len(X_rows))
        self.weight_ = self.n_outliers_ / (self.n_outliers_ + shrinkage)
        self.unsupervised_ = NormalScores().fit(U_rows)
        self.supervised_ = NormalScores().fit(self.model_.decision_function(X_rows))
        return self

    def blend(self, U, X):
        """The outlyingness of rows with unsupervised outlyingness ``U`` and
        scaled values ``X``."""
        unsupervised = self.unsupervised_.transform(U)
        supervised = self.supervised_.transform(self.model_.decision_function(X))
        return (1.0 - self.weight_) * unsupervised + self.weight_ * supervised

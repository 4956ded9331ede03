"""The part of the outlier score learned from known outliers.

When ``fit`` is given labels, a gradient-boosted classifier learns the known
outliers against (a sample of) the other training rows, on the detector's
scaled columns, or on a wide table's leading principal coordinates.
Its log-odds are blended with the unsupervised outlyingness, both as normal
scores of their ranks among the training rows, with a weight that grows with
the number of known outliers against the square root of the number of rows
it learned from: with a few, the unsupervised score decides almost alone;
with many, the classifier does.
"""

import numpy as np
from scipy.stats import norm
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.utils.extmath import randomized_svd

#: The classifier's weight is ``n / (n + K)`` for ``n`` known outliers, with
#: ``K = SHRINKAGE_PER_ROOT_ROW * sqrt(rows it learns from)``: the more rows
#: it separates the known outliers from, the more known outliers it needs
#: before it is trusted (docs/design_notes.md: chosen over 22 data sets and
#: three label shares against constant ``K``, and checked on halves of the
#: sets).
SHRINKAGE_PER_ROOT_ROW = 1.0

#: The classifier learns the known outliers against at most this many of the
#: other training rows, drawn at random (all of them on smaller tables).
#: Over 22 sets and three label shares it ranks better than learning from
#: every row (docs/design_notes.md), and its fit no longer grows with the
#: number of rows.
CLASSIFIER_ROWS = 2000

#: On a table with more columns, the classifier sees the rows' coordinates on
#: this many principal axes of its unlabelled rows instead
#: (``LabelScore.projection_``). A boosted model's fit grows with its
#: columns: on 768-column text embeddings, every column cost as much as the
#: detector's own fit, 64 coordinates a sixth of it (docs/design_notes.md:
#: 64 and 32, the two caps tried, rank within 0.005 of each other and of
#: every column).
CLASSIFIER_COLUMNS = 64

#: The classifier's settings: 50 rounds at twice the default rate cost half
#: of scikit-learn's 100 and rank as well (docs/design_notes.md).
CLASSIFIER_PARAMS = {"max_iter": 50, "learning_rate": 0.2}

#: Each column the classifier reads is cut into at most this many bins, as
#: ``HistGradientBoostingClassifier`` cuts it by default.
N_BINS = 255


def principal_axes(rows, n_axes, rng):
    """The ``n_axes`` leading principal axes of ``rows``, as columns."""
    _, _, axes = randomized_svd(rows - rows.mean(axis=0), n_axes, random_state=rng)
    return axes.T


class QuantileBins:
    """Each column as the index of its bin among the training rows' weighted
    quantiles (the bins ``HistGradientBoostingClassifier`` cuts with sample
    weights). The detector's scaled rows hold no missing value.

    Given these indices, the classifier's own binning keeps every value
    apart. Left to it, the weighted quantiles are computed one at a time in
    Python, which took most of the classifier's fit: seconds on a few
    hundred rows of 64 columns.
    """

    def fit(self, X, weights):
        """Cut each column of ``X``: between its distinct values when it has
        at most ``N_BINS``, otherwise where the cumulative ``weights`` of its
        sorted values cross each multiple of ``1 / N_BINS`` (``edges_``)."""
        levels = np.linspace(0, 1, N_BINS + 1)[1:-1]
        self.edges_ = []
        for column in X.T:
            values = np.unique(column)
            if len(values) <= N_BINS:
                self.edges_.append(values[:-1])
                continue
            order = np.argsort(column, kind="stable")
            ordered = column[order]
            cumulative = np.cumsum(weights[order])
            at = np.searchsorted(cumulative, levels * cumulative[-1], side="left")
            self.edges_.append(np.unique(ordered[np.minimum(at, len(ordered) - 1)]))
        return self

    def transform(self, X):
        """Each value's bin: the number of edges below it."""
        out = np.empty(X.shape)
        for j, edges in enumerate(self.edges_):
            out[:, j] = np.searchsorted(edges, X[:, j], side="left")
        return out


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
    ``shrinkage`` or by default ``sqrt`` of the number of rows the
    classifier learns the known outliers against.
    """

    def __init__(self, shrinkage=None, random_state=None):
        self.shrinkage = shrinkage
        self.random_state = random_state

    def fit(self, X_rows, X_outliers, U_rows):
        """Fit on the scaled training rows (labelled 0), the scaled known
        outliers (1) and the training rows' unsupervised outlyingness."""
        rng = np.random.RandomState(self.random_state)
        rows = X_rows
        if len(rows) > CLASSIFIER_ROWS:
            rows = rows[np.sort(rng.choice(len(rows), CLASSIFIER_ROWS, replace=False))]
        self.projection_ = None
        if X_rows.shape[1] > CLASSIFIER_COLUMNS:
            self.projection_ = principal_axes(rows, CLASSIFIER_COLUMNS, rng)
        X = np.vstack([rows, X_outliers])
        y = np.r_[np.zeros(len(rows)), np.ones(len(X_outliers))]
        # Each class weighs half, in the bins as in the classifier's loss.
        weights = np.where(y == 1, 0.5 / len(X_outliers), 0.5 / len(rows))
        self.bins_ = QuantileBins().fit(self._coordinates(X), weights)
        X = self.features(X)
        # Early stopping holds out a stratified share of the rows: it needs two
        # known outliers at least.
        early_stopping = "auto" if len(X_outliers) >= 2 else False
        self.model_ = HistGradientBoostingClassifier(
            **CLASSIFIER_PARAMS, class_weight="balanced", early_stopping=early_stopping,
            random_state=self.random_state,
        ).fit(X, y)
        self.n_outliers_ = len(X_outliers)
        shrinkage = self.shrinkage
        if shrinkage is None:
            shrinkage = SHRINKAGE_PER_ROOT_ROW * np.sqrt(len(rows))
        self.weight_ = self.n_outliers_ / (self.n_outliers_ + shrinkage)
        self.unsupervised_ = NormalScores().fit(U_rows)
        self.supervised_ = NormalScores().fit(self.log_odds(X_rows))
        return self

    def _coordinates(self, X):
        """Scaled rows, or their coordinates on ``projection_``'s axes."""
        return X if self.projection_ is None else X @ self.projection_

    def features(self, X):
        """What the classifier reads of scaled rows: the bins of their
        coordinates."""
        return self.bins_.transform(self._coordinates(X))

    def log_odds(self, X):
        """The classifier's log-odds of scaled rows."""
        return self.model_.decision_function(self.features(X))

    def blend(self, U, X):
        """The outlyingness of rows with unsupervised outlyingness ``U`` and
        scaled values ``X``."""
        unsupervised = self.unsupervised_.transform(U)
        supervised = self.supervised_.transform(self.log_odds(X))
        return (1.0 - self.weight_) * unsupervised + self.weight_ * supervised

"""Distances of rows from a set of training rows, each split into per-column terms.

Two of the outlier detector's score parts (``OutlierScore``): a robust
Mahalanobis distance over all columns (the linear, MCD-like part) and the mean
squared distance to the nearest training rows (the local part). Both return
one term per column whose sum over the columns is the distance, so the
detector can say which columns make a row stand out.
"""

import numpy as np
from scipy.stats import chi2
from sklearn.neighbors import NearestNeighbors

#: The Mahalanobis distance's covariance gets a ridge of this share of the
#: mean variance, so a table with more columns than rows (text or image
#: embeddings) or with collinear columns still has an inverse.
RIDGE = 1e-3


def _ridge_whitener(rows, center):
    """``(components, inverse_variances, inverse_ridge)`` of the covariance of
    ``rows`` about ``center``, plus a ridge: its inverse is ``V' diag(iv) V + ir (I - V' V)``.

    From the eigendecomposition of the smaller of the two Gram matrices, so a
    table with many more columns than rows (text or image embeddings) costs
    no ``n_features`` square matrix.
    """
    n, p = rows.shape
    centred = rows - center
    if n >= p:
        eigenvalues, vectors = np.linalg.eigh(centred.T @ centred)
        components = vectors.T
    else:
        eigenvalues, vectors = np.linalg.eigh(centred @ centred.T)
        keep = eigenvalues > 1e-10 * max(eigenvalues.max(), 1e-300)
        eigenvalues = eigenvalues[keep]
        components = (centred.T @ (vectors[:, keep] / np.sqrt(eigenvalues))).T
    variances = np.maximum(eigenvalues, 0.0) / max(n - 1, 1)
    ridge = RIDGE * variances.sum() / p + 1e-12
    return components, 1.0 / (variances + ridge), 1.0 / ridge


class RobustMahalanobis:
    """Mahalanobis distance from the bulk of the training rows.

    One reweighting step in the spirit of the minimum covariance determinant:
    the centre is the column medians, the covariance (with a small ridge) that
    of the ``support`` share of rows nearest the centre under the covariance
    of all rows. Outliers in the training rows then do not inflate the
    covariance and hide themselves. Plain data (arrays), so a fitted detector
    pickles and loads with skops.
    """

    def __init__(self, support=0.75):
        self.support = support

    def fit(self, X):
        self.center = np.median(X, axis=0)
        self._set(X)
        distances = self.distances(X)
        self._set(X[distances <= np.quantile(distances, self.support)])
        return self

    def _set(self, rows):
        self.components, self.inverse_variances, self.inverse_ridge = _ridge_whitener(
            rows, self.center
        )

    def precision(self):
        """The inverse covariance ``P`` as a square matrix (for a few columns)."""
        v = self.components
        return (v.T * self.inverse_variances) @ v + self.inverse_ridge * (
            np.eye(v.shape[1]) - v.T @ v
        )

    def distances(self, X):
        """``c' P c`` for the centred rows ``c`` (the sum of ``terms``, cheaper)."""
        centred = X - self.center
        projected = centred @ self.components.T
        return (projected**2 * self.inverse_variances).sum(axis=1) + self.inverse_ridge * (
            (centred**2).sum(axis=1) - (projected**2).sum(axis=1)
        )

    def terms(self, X):
        """Per-column terms ``c_j (P c)_j`` of ``c' P c`` for centred rows ``c``."""
        centred = X - self.center
        projected = centred @ self.components.T
        whitened = (projected * self.inverse_variances) @ self.components
        rest = self.inverse_ridge * (centred - projected @ self.components)
        return centred * (whitened + rest)


class NearestRows:
    """Mean squared distance of a row to its ``n_neighbors`` nearest training rows.

    The reference is a random sample of at most ``max_rows`` training rows:
    the cost of a query stays bounded on large tables, and a small group of
    outliers in the training rows is less likely to be each other's
    neighbors (as in Sugiyama and Borgwardt's sampling-based kNN detector).
    """

    def __init__(self, n_neighbors=5, max_rows=2000):
        self.n_neighbors, self.max_rows = n_neighbors, max_rows

    def fit(self, X, rng):
        rows = np.sort(rng.permutation(len(X))[: self.max_rows])
        self.reference = np.ascontiguousarray(X[rows])
        self._index = None
        return self

    @property
    def index(self):
        if getattr(self, "_index", None) is None:
            k = min(self.n_neighbors, len(self.reference))
            self._index = NearestNeighbors(n_neighbors=k).fit(self.reference)
        return self._index

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_index"] = None  # rebuilt on first use: plain arrays only
        return state

    def _neighbors(self, X, exclude_self, return_distance):
        """The nearest reference rows of ``X``; with ``exclude_self`` (``X``
        is the reference), each row's own entry is not its neighbour."""
        k = min(self.n_neighbors, len(self.reference) - exclude_self)
        if k < 1:
            return None
        found = self.index.kneighbors(X, k + exclude_self, return_distance=return_distance)
        if return_distance:
            return found[0][:, exclude_self:]
        return found[:, exclude_self:]

    def distances(self, X, exclude_self=False):
        """Mean squared distance to the nearest reference rows (the sum of
        ``terms``, cheaper)."""
        distances = self._neighbors(X, exclude_self, return_distance=True)
        return np.zeros(len(X)) if distances is None else np.mean(distances**2, axis=1)

    def terms(self, X, exclude_self=False):
        """Per-column mean squared differences to the nearest reference rows."""
        out = np.zeros_like(X)
        # Rows per chunk: the differences to their neighbors stay near 32 MB.
        step = max(1, min(1024, (1 << 22) // (self.n_neighbors * X.shape[1] or 1)))
        for start in range(0, len(X), step):
            chunk = X[start : start + step]
            neighbors = self._neighbors(chunk, exclude_self, return_distance=False)
            if neighbors is not None:
                out[start : start + step] = np.mean(
                    (chunk[:, None, :] - self.reference[neighbors]) ** 2, axis=1
                )
        return out


def typical(values):
    """A positive typical size of non-negative ``values``: their median, or
    their mean where more than half are 0 (duplicated rows), or 1."""
    median = float(np.median(values))
    if median > 0:
        return median
    mean = float(np.mean(values))
    return mean if mean > 0 else 1.0


def robust_precision(centred, support=0.75):
    """Inverse covariance of the rows ``centred``, robust to heavy tails.

    One reweighting step in the spirit of the minimum covariance determinant:
    the covariance of the ``support`` share of rows nearest the centre, scaled
    so that the median squared Mahalanobis distance of all rows is that of a
    chi-squared distribution (as for Gaussian data). Outliers and heavy tails
    in the training codes then no longer inflate the covariance and hide
    extreme rows.
    """
    model = RobustMahalanobis(support).fit(centred)
    precision = model.precision()
    median = np.median(model.distances(centred))
    return precision * chi2.ppf(0.5, centred.shape[1]) / max(median, 1e-12)

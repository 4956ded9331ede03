"""What each row's outlyingness is made of: column terms, and explanations.

``ExplanationMixin`` gives the outlier detector its per-row computations:
the autoencoder's reconstruction of each column (with ``mask_rate``, from
the row with that column hidden), each column's term, the parts of the
score (``OutlierScore``), and the public explanations built on them.
"""

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .._frames import like_input
from .._validation import check_X


class ExplanationMixin:
    """Per-row terms and explanations of ``AutoencoderOutlierDetector``."""

    def feature_contributions(self, X):
        """Each column's share of each row's outlyingness.

        Each part of ``score_parts`` split by column and divided by the
        part's median on the training rows: the column's squared residual
        normalised by its typical residual (reconstruction), its term
        ``c_j (P c)_j`` of the robust Mahalanobis distance ``c' P c``
        (which can be negative where a column makes the row more typical),
        and its squared difference from the row's nearest training rows. A
        row's ``score_samples`` is minus the sum of its contributions and of
        ``code_distance``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows to explain.

        Returns
        -------
        contributions : ndarray or DataFrame of shape (n_samples, n_features)
            A DataFrame of ``X``'s library with its column names when ``X`` is
            a DataFrame (pandas: with ``X``'s index), else an ndarray.
        """
        check_is_fitted(self, "net_")
        X_valid, unknown = check_X(self, X, reset=False, return_unknown=True)
        contributions = self._parts(X_valid, unknown)[0]
        return like_input(contributions, X, getattr(X, "columns", None))

    def code_distance(self, X):
        """The part of each row's outlyingness that no single column explains.

        The Mahalanobis distance of the row's code from the training codes,
        divided by the reconstruction part's median: large for rows that are
        extreme along the directions the data varies in, even when they are
        rebuilt well (0 without the reconstruction part, and with ``mask_rate``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to explain.

        Returns
        -------
        distance : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "net_")
        return self._parts(*check_X(self, X, reset=False, return_unknown=True))[1]

    def top_features(self, X, n_features=3):
        """The columns that contribute most to each row's score, largest first.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Rows to explain.

        n_features : int, default=3
            How many columns to name per row.

        Returns
        -------
        top : DataFrame of shape (n_samples, n_features)
            Column names (or indices, for arrays without names), with ``X``'s
            index when ``X`` is a pandas DataFrame; a DataFrame of ``X``'s
            library when it is another one (polars).
        """
        contributions = np.asarray(self.feature_contributions(X))
        names = getattr(X, "columns", None)
        names = np.arange(self.n_features_in_) if names is None else list(names)
        n_features = min(n_features, self.n_features_in_)
        order = np.argsort(-contributions, axis=1, kind="stable")[:, :n_features]
        top = np.asarray(names, dtype=object)[order]
        columns = [f"top_{i + 1}" for i in range(n_features)]
        if hasattr(X, "columns") and not isinstance(X, pd.DataFrame):
            return like_input(top, X, columns)  # a DataFrame of X's library
        return pd.DataFrame(top, index=getattr(X, "index", None), columns=columns)

    def _rebuilt(self, X):
        """Codes of validated rows ``X`` and their reconstructions (float64).

        With ``mask_rate``, each column is rebuilt from the row with that
        column hidden (its one-hot block, for a categorical column): its
        prediction from the row's other values. The codes are the whole
        rows'.
        """
        codes = self._encode(X, np.float64)
        if not self._mask_rate:
            return codes, self._decode(codes, np.float64)
        column_of = self._columns.column_of
        X_hat = np.empty(X.shape)
        hidden = np.array(X, dtype=np.float64)
        for column in range(int(column_of[-1]) + 1):
            entries = column_of == column
            kept = hidden[:, entries].copy()
            hidden[:, entries] = np.nan
            X_hat[:, entries] = self._reconstruct(hidden, np.float64)[:, entries]
            hidden[:, entries] = kept
        return codes, X_hat

    def _column_terms(self, X, unknown=None):
        """Each column's raw term for validated rows ``X``, and their codes.

        A column's residual is from ``_rebuilt`` (with ``mask_rate``, from
        the row with the column hidden). A numeric column's term is its
        squared standardised residual, a categorical column's its surprise
        (``TableColumns.column_terms``).
        """
        codes, X_hat = self._rebuilt(X)
        residuals = (np.asarray(X, dtype=np.float64) - X_hat) / self.scale_
        terms = self._columns.column_terms(X, X_hat, residuals, unknown, self._min_probability)
        return terms, codes

    def _standardised(self, X):
        """Validated rows in the network's input units (float64, unclipped)."""
        return (np.asarray(X, dtype=np.float64) - self.center_) / self.scale_

    def _parts(self, X, unknown=None, by_column=True, scaled=None):
        """Per-column terms and the code term of each row's outlyingness
        (``OutlierScore.score_parts``); ``scaled``: ``_standardised(X)``,
        when the caller has it."""
        terms, codes = self._column_terms(X, unknown)
        if scaled is None and self._score.needs_rows:
            scaled = self._standardised(X)
        return self._score.score_parts(terms, codes, scaled, by_column=by_column)

    def _scores(self, X, unknown=None):
        """Minus each row's outlyingness: the sum of its parts, blended with
        the score learned from known outliers when ``fit`` had some."""
        labels = getattr(self, "_label_score", None)
        scaled = None if labels is None else self._standardised(X)
        totals, code_term = self._parts(X, unknown, by_column=False, scaled=scaled)
        if labels is None:
            return -(totals + code_term)
        return -labels.blend(totals + code_term, scaled)

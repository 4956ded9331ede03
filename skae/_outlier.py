"""AutoencoderOutlierDetector: outliers are the rows an autoencoder rebuilds badly."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.stats import chi2
from sklearn.base import OutlierMixin
from sklearn.utils.validation import check_is_fitted

from ._base import AUTO_MAX_EPOCHS, BaseAutoencoder
from ._compat import Interval, StrOptions, _fit_context
from ._data import MaskEntries
from ._distances import NearestRows, RobustMahalanobis, typical
from ._docs import fill_doc
from ._validation import check_X

#: A categorical column's typical surprise (minus the log-probability the
#: model gives the row's level) is floored at this many nats, about that of
#: a level given probability 0.99: a column the network always rebuilds
#: exactly does not turn every small doubt into a large score.
MIN_TYPICAL_SURPRISE = 0.01

#: ``mask_rate="auto"`` on a table with categorical columns.
AUTO_MASK_RATE = 0.3


#: The parts of the outlyingness (``score_parts``).
SCORE_PARTS = ("reconstruction", "mahalanobis", "neighbors")


def _mahalanobis(centred, precision):
    return np.einsum("ij,jk,ik->i", centred, precision, centred)


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


@fill_doc
class AutoencoderOutlierDetector(OutlierMixin, BaseAutoencoder):
    """Unsupervised outlier detection with an autoencoder.

    An autoencoder learns to rebuild the training rows through a narrow
    code. A row is outlying when it is rebuilt badly, or when its code lies
    far from the training codes (extreme along the directions the data
    varies in): this reconstruction part adds the squared residual of each
    column, normalised by that column's typical training residual, to the
    Mahalanobis distance of the code, as principal-component monitoring adds
    the SPE and Hotelling's T². Two more parts make the score hold across
    kinds of data (``score_parts``): a robust Mahalanobis distance over all
    columns, which finds rows that break the columns' linear relations even
    where there are too few rows to train a network, and the distance to the
    nearest training rows, which finds rows in sparse regions of clustered
    or curved data. Each part is divided by its median on the training rows,
    so none dominates. Columns are scaled robustly (median and interquartile
    range), so a raw DataFrame with columns in different units is scored
    sensibly. The conventions are scikit-learn's (as ``IsolationForest``):
    ``score_samples`` is higher for more normal rows, ``decision_function``
    is negative for outliers and ``predict`` returns -1 for outliers and +1
    for inliers.

    Parameters
    ----------
    n_components : int or "auto", default="auto"
        Size of the code (the bottleneck), smaller than the number of
        features, or else the autoencoder can copy its input and nothing
        stands out. ``"auto"`` uses the square root of the number of
        features, rounded, at least 1 and at most ``n_features - 1``.

    contamination : "auto" or float in (0, 0.5], default="auto"
        The share of outliers expected in the training data, which sets the
        threshold ``offset_`` when ``threshold="contamination"``. With a
        float, that share of the training rows is flagged. With ``"auto"``, a
        row is flagged when its outlyingness (minus ``score_samples``) is
        beyond Tukey's fence of the training rows' outlyingness: above its
        third quartile by more than 1.5 times its interquartile range. The
        outlyingness of clean rows is skewed to the right, so this flags a few
        percent of them too; pass the share you expect when you know it, or
        use a threshold with a stated error rate (``threshold="pvalue"`` or
        ``"fdr"``).

    score_parts : tuple of str or "auto", default="auto"
        The parts added up into a row's outlyingness, each divided by its
        typical (median) value on the training rows so that none dominates:

        - ``"reconstruction"``: the autoencoder's part, the squared residual
          of each column normalised by that column's typical residual plus
          the Mahalanobis distance of the row's code from the training codes
          (with ``mask_rate``: each column's surprise given the row's other
          values, in units of its mean, and no code term);
        - ``"mahalanobis"``: the robust Mahalanobis distance of the row over
          all (scaled) columns, from the bulk of the training rows: outliers
          that break the columns' linear relations;
        - ``"neighbors"``: the mean squared distance to the 5 nearest of (a
          sample of at most 2,000) training rows: outliers in a sparse region
          of a curved or clustered data set.

        ``("reconstruction",)`` scores by the autoencoder alone. ``"auto"``:
        all three, or the reconstruction part alone when it scores each
        column given the others (``mask_rate`` above 0), which covers what
        the other two see.

    calibration_fraction : float in (0, 0.5] or None, default=None
        Share of the training rows held out from everything the model learns
        (the network, the scaling, the score's statistics) to calibrate
        conformal p-values (``score_pvalues``); the model trains on the
        others. None holds out nothing, and p-values are not available.

    threshold : {"contamination", "pvalue", "fdr"}, default="contamination"
        What ``predict`` flags. ``"contamination"``: rows beyond ``offset_``,
        set from ``contamination``. ``"pvalue"``: rows whose conformal
        p-value is at most ``alpha``; a new row drawn like the clean training
        rows is then flagged with probability at most ``alpha``. ``"fdr"``:
        the rows the Benjamini-Hochberg procedure selects at false discovery
        rate ``alpha`` among the rows passed together to ``predict``: on
        average at most that share of the flagged rows are inliers. Both
        need ``calibration_fraction``. Set at ``fit``, as every parameter.

    alpha : float in (0, 1), default=0.1
        The error rate of ``threshold="pvalue"`` (the level) or ``"fdr"``
        (the false discovery rate).

    mask_rate : float in [0, 1) or "auto", default="auto"
        Share of the entries hidden at each training step, as the imputer
        hides them, so that the network learns to predict each column from
        the rest of the row. With a positive rate the reconstruction part
        scores each column with that column hidden: how surprising its value
        is given the row's other values, which finds a row whose values are
        each common but do not go together (a level unusual for the row's
        other levels), and names that column in ``top_features``. It costs
        one pass of the network per column when scoring. ``"auto"``: 0.3
        for a DataFrame with categorical columns, 0 (each column rebuilt
        from the whole row) otherwise.

{base_parameters}
    Attributes
    ----------
    offset_ : float
        Threshold on ``score_samples``: ``decision_function = score_samples -
        offset_``.

    residual_scale_ : ndarray of shape (n_features,)
        Typical standardised residual of each column on the training rows;
        for a categorical column, the square root of its mean surprise
        (minus the log-probability the model gives the row's level). With
        ``mask_rate``, every column's is the square root of its mean term,
        each column predicted with it hidden.

    code_center_ : ndarray of shape (n_components,)
        Median of the training codes.

    code_precision_ : ndarray of shape (n_components, n_components)
        Robust inverse covariance of the training codes: that of the 75% of
        rows nearest the centre, rescaled to be consistent for Gaussian
        codes (one reweighting step of the minimum covariance determinant).

    part_scales_ : dict
        What each part of ``score_parts`` is divided by: its median on the
        training rows (on a mixed table, the Mahalanobis part's median divided
        by the numeric columns' share of the columns, the only ones it sees).

    calibration_scores_ : ndarray of shape (n_calibration,)
        Outlyingness (minus ``score_samples``) of the held-out calibration
        rows, sorted; only with ``calibration_fraction``.

{base_attributes}
    See Also
    --------
    sklearn.ensemble.IsolationForest : Outlier detection by random splits.

    Examples
    --------
    >>> import numpy as np
    >>> from skae import AutoencoderOutlierDetector
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(300, 2) @ rng.randn(2, 6)  # rows near a plane
    >>> X_new = np.vstack([X[:3], 5 * rng.randn(2, 6)])  # 3 inliers, 2 outliers
    >>> detector = AutoencoderOutlierDetector(contamination=0.05, random_state=0).fit(X)
    >>> detector.predict(X_new).shape
    (5,)
    """

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
        "score_parts": [tuple, list, StrOptions({"auto"})],
        "calibration_fraction": [Interval(Real, 0, 0.5, closed="right"), None],
        "threshold": [StrOptions({"contamination", "pvalue", "fdr"})],
        "alpha": [Interval(Real, 0, 1, closed="neither")],
        "mask_rate": [Interval(Real, 0, 1, closed="left"), StrOptions({"auto"})],
    }

    #: A small budget of optimizer steps (``max_epochs="auto"``): enough to
    #: learn the bulk of the data, too little to memorise its outliers, and
    #: fast (under 5x IsolationForest's fit time in docs/design_notes.md).
    _auto_steps = 300
    #: ... and at most 50 passes over the training rows: on a table of a few
    #: hundred rows 300 steps are hundreds of passes, enough to memorise its
    #: outliers (docs/design_notes.md: 0.833 to 0.837 mean ROC-AUC on the
    #: 22 benchmark sets, and a fifth less fit time).
    _auto_max_epochs = 50
    #: With ``mask_rate``, the step budget of ``max_epochs="auto"``: predicting
    #: hidden columns is a harder task than rebuilding rows, and one that
    #: does not memorise the outliers (docs/design_notes.md).
    _masked_auto_steps = 1000
    #: Every column is standardised, whatever its units: residuals are
    #: compared across columns.
    _scale_floor = 0.0

    def __init__(
        self,
        n_components="auto",
        *,
        contamination="auto",
        score_parts="auto",
        calibration_fraction=None,
        threshold="contamination",
        alpha=0.1,
        mask_rate="auto",
        hidden_layer_sizes=(64,),
        activation="relu",
        loss="mse",
        scaling="robust",
        handle_unknown="error",
        min_frequency=None,
        max_categories=30,
        init="pca",
        linear_path=True,
        penalty=None,
        tied_weights=False,
        image_shape=None,
        ordered=False,
        learning_rate=1e-3,
        learning_rate_schedule="constant",
        weight_decay="auto",
        batch_size=256,
        max_epochs="auto",
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=20,
        tol=1e-4,
        warm_start=False,
        device="auto",
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        self._store_params(locals())

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the autoencoder on ``X`` and set the outlier threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows (unlabelled; they may contain outliers).

        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The fitted detector.
        """
        self._fit(X)
        return self

    def _after_fit(self, X):
        self._min_probability = 1.0 / (len(X) + 1.0)
        terms, codes = self._column_terms(X)
        layout = self._layout
        numeric = np.ones(terms.shape[1], bool) if layout is None else layout.numeric
        if layout is None:
            self.reconstruction_error_ = float(np.mean(terms * self.scale_**2))
        else:
            self.reconstruction_error_ = float(np.mean(self._reconstruction_errors(X)))
        # Each column's typical residual, robustly: a column the network
        # rebuilds closely stands out when a row departs from it.
        # With mask_rate, each column's surprise given the others counts in
        # units of its mean, so that the terms add up to a pseudo-likelihood
        # of the row.
        if self._mask_rate:
            spread = np.sqrt(terms[:, numeric].mean(axis=0))
        else:
            spread = np.sqrt(np.median(terms[:, numeric], axis=0) / 0.455)  # chi2(1) median
        floor = 1e-3 * max(float(np.sqrt(np.mean(spread**2))) if len(spread) else 1.0, 1e-12)
        scale = np.empty(terms.shape[1])
        scale[numeric] = np.maximum(spread, floor)
        # A categorical column's typical surprise: its mean over the rows.
        scale[~numeric] = np.sqrt(np.maximum(terms[:, ~numeric].mean(axis=0),
                                             MIN_TYPICAL_SURPRISE))
        self.residual_scale_ = scale
        self.code_center_ = np.median(codes, axis=0)
        self.code_precision_ = robust_precision(codes - self.code_center_)
        # The linear and the local parts, in the network's input units.
        scaled = self._standardised(X)
        rng = np.random.RandomState(self._stream_seed + self._n_chunks)
        scales = {"reconstruction": typical(
            (terms / self.residual_scale_**2).sum(axis=1) + self._code_terms(codes)
        )}
        self._mahalanobis = self._neighbours = None
        if "mahalanobis" in self._score_parts and len(self._numeric_entries()):
            self._mahalanobis = RobustMahalanobis().fit(scaled[:, self._numeric_entries()])
            # On a mixed table it sees the numeric columns only: its say is
            # their share of the columns.
            share = 1.0 if layout is None else float(np.mean(layout.numeric))
            scales["mahalanobis"] = typical(
                self._mahalanobis.distances(scaled[:, self._numeric_entries()])
            ) / share
        if "neighbors" in self._score_parts:
            self._neighbours = NearestRows().fit(scaled, rng)
            reference = self._neighbours.reference
            scales["neighbors"] = typical(
                self._neighbours.distances(reference, exclude_self=True)
            )
        self.part_scales_ = {part: scales[part] for part in self._score_parts if part in scales}
        outlyingness = -self._scores(X)
        if self.contamination == "auto":
            q1, q3 = np.percentile(outlyingness, [25, 75])
            self.offset_ = float(-(q3 + 1.5 * (q3 - q1)))
        else:
            self.offset_ = float(np.percentile(-outlyingness, 100.0 * self.contamination))
        calibration = self.__dict__.pop("_calibration_rows", None)
        if calibration is not None:
            self.calibration_scores_ = np.sort(-self._scores(calibration))
        if self.threshold == "pvalue":
            self.offset_ = self._conformal_offset(self.alpha)

    def _hold_out(self, X, rng):
        """Keep ``calibration_fraction`` of the rows aside for calibration
        (and check the parameters that depend on each other, before training)."""
        parts = SCORE_PARTS if self.score_parts == "auto" else list(self.score_parts)
        if not parts or set(parts) - set(SCORE_PARTS) or len(set(parts)) < len(parts):
            raise ValueError(
                f"score_parts must name one or more of {SCORE_PARTS}, each once; got "
                f"{self.score_parts!r}."
            )
        if self.threshold != "contamination" and self.calibration_fraction is None:
            raise ValueError(
                f'threshold="{self.threshold}" compares rows with calibration rows '
                "the model never saw; set calibration_fraction (0.2, for example) "
                "to hold some out."
            )
        if self.calibration_fraction is None:
            return X
        n_calibration = int(round(self.calibration_fraction * len(X)))
        if n_calibration < 1 or len(X) - n_calibration < 2:
            raise ValueError(
                f"calibration_fraction={self.calibration_fraction} of {len(X)} rows leaves "
                f"{n_calibration} calibration rows and {len(X) - n_calibration} to train "
                "on; it needs at least 1 and 2. Pass more rows or another fraction."
            )
        order = rng.permutation(len(X))
        self._calibration_rows = X[np.sort(order[:n_calibration])]
        return X[np.sort(order[n_calibration:])]

    def _conformal_offset(self, level):
        """The ``offset_`` that flags exactly the rows with p-value <= ``level``.

        A p-value is ``(1 + #{calibration outlyingness >= o}) / (n + 1)``, so
        p <= level means at most ``m = floor(level (n + 1)) - 1`` calibration
        rows are as outlying, that is, ``o`` above the (m + 1)-th largest of
        them; with ``m < 0`` no row can be flagged (offset ``-inf``).
        """
        scores = self.calibration_scores_
        m = int(np.floor(level * (len(scores) + 1) + 1e-9)) - 1
        if m < 0:
            return -np.inf
        return float(-scores[::-1][min(m, len(scores) - 1)])

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
            return scores - self._conformal_offset(self._bh_level(scores))
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
            A DataFrame with ``X``'s index and the training column names when
            ``X`` is a DataFrame, else an ndarray.
        """
        check_is_fitted(self, "net_")
        X_valid, unknown = check_X(self, X, reset=False, return_unknown=True)
        contributions = self._parts(X_valid, unknown)[0]
        if isinstance(X, pd.DataFrame):
            return pd.DataFrame(contributions, index=X.index, columns=X.columns)
        return contributions

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
            index when ``X`` is a DataFrame.
        """
        contributions = np.asarray(self.feature_contributions(X))
        names = X.columns if isinstance(X, pd.DataFrame) else np.arange(self.n_features_in_)
        n_features = min(n_features, self.n_features_in_)
        order = np.argsort(-contributions, axis=1, kind="stable")[:, :n_features]
        index = X.index if isinstance(X, pd.DataFrame) else None
        return pd.DataFrame(
            np.asarray(names, dtype=object)[order],
            index=index,
            columns=[f"top_{i + 1}" for i in range(n_features)],
        )

    @property
    def _score_parts(self):
        """``score_parts``, with "auto" resolved."""
        if self.score_parts != "auto":
            return tuple(self.score_parts)
        return ("reconstruction",) if self._mask_rate else SCORE_PARTS

    @property
    def _mask_rate(self):
        """``mask_rate``, with "auto" resolved for the fitted columns."""
        if self.mask_rate != "auto":
            return self.mask_rate
        layout = self._layout
        return AUTO_MASK_RATE if layout is not None and not layout.numeric.all() else 0.0

    @property
    def _missing_input(self):
        return self._mask_rate > 0

    def _step_budget(self):
        if self._mask_rate:
            return self._masked_auto_steps, AUTO_MAX_EPOCHS
        return super()._step_budget()

    def _corruption(self, X, device):
        return MaskEntries.for_layout(self._mask_rate, self._layout, device)

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
        layout = self._layout
        column_of = np.arange(X.shape[1]) if layout is None else layout.column_of
        X_hat = np.empty(X.shape)
        hidden = np.array(X, dtype=np.float64)
        for column in range(int(column_of[-1]) + 1):
            entries = column_of == column
            kept = hidden[:, entries].copy()
            hidden[:, entries] = np.nan
            X_hat[:, entries] = self._reconstruct(hidden, np.float64)[:, entries]
            hidden[:, entries] = kept
        return codes, X_hat

    def _resolve_n_components(self, n_features):
        if self.n_components == "auto":
            return max(1, min(n_features - 1, int(round(np.sqrt(n_features)))))
        return super()._resolve_n_components(n_features)

    def _loss_weights(self):
        # Every standardised column counts alike.
        if self._layout is not None:
            return super()._loss_weights()  # per column, as for every mixed table
        return np.ones_like(self.scale_)

    def _column_terms(self, X, unknown=None):
        """Each column's raw term for validated rows ``X``, and their codes.

        A column's residual is from ``_rebuilt`` (with ``mask_rate``, from
        the row with the column hidden). A numeric column's term is its
        squared standardised residual; a
        categorical column's, its surprise: minus the log of the probability
        the model gives the row's level (at least ``1 / (n + 1)`` for ``n``
        training rows, which is also what a level never seen in training,
        ``unknown``, gets).
        """
        codes, X_hat = self._rebuilt(X)
        residuals = (np.asarray(X, dtype=np.float64) - X_hat) / self.scale_
        layout = self._layout
        if layout is None:
            return residuals**2, codes
        terms = np.empty((len(X), layout.n_columns))
        terms[:, layout.numeric] = residuals[:, layout.starts[layout.numeric]] ** 2
        for j, (start, stop) in zip(layout.categorical_columns, layout.blocks):
            p = np.sum(X[:, start:stop] * X_hat[:, start:stop], axis=1)
            p = np.maximum(p, self._min_probability)
            if unknown is not None:
                p[unknown[:, j]] = self._min_probability
            terms[:, j] = -np.log(p)
        return terms, codes

    def _code_terms(self, codes):
        """The Mahalanobis distance of each row's code from the training
        codes; 0 with ``mask_rate``, where each column is scored given the
        others instead."""
        if self._mask_rate:
            return np.zeros(len(codes))
        return _mahalanobis(codes - self.code_center_, self.code_precision_)

    def _standardised(self, X):
        """Validated rows in the network's input units (float64, unclipped)."""
        return (np.asarray(X, dtype=np.float64) - self.center_) / self.scale_

    def _numeric_entries(self):
        """The validated columns the Mahalanobis part covers: the numeric ones.

        A one-hot block is left to the other parts: the central rows that
        set the covariance may lack a rare level, and every row with it would
        then lie infinitely far away.
        """
        layout = self._layout
        if layout is None:
            return np.arange(self.scale_.shape[0])
        return layout.starts[layout.numeric]

    def _mahalanobis_terms(self, scaled):
        """The Mahalanobis part's terms for every validated column (0 off it)."""
        columns = self._numeric_entries()
        if len(columns) == scaled.shape[1]:
            return self._mahalanobis.terms(scaled)
        out = np.zeros(scaled.shape)
        out[:, columns] = self._mahalanobis.terms(scaled[:, columns])
        return out

    def _by_column(self, entry_terms):
        """Terms per entry of the validated rows -> per original column."""
        layout = self._layout
        if layout is None:
            return entry_terms
        out = np.zeros((len(entry_terms), layout.n_columns))
        np.add.at(out.T, layout.column_of, entry_terms.T)
        return out

    def _parts(self, X, unknown=None, by_column=True):
        """Per-column terms and the code term of each row's outlyingness.

        Three parts, each divided by its typical value on the training rows
        (``part_scales_``) so that none dominates: the reconstruction part
        (each column's term from ``_column_terms`` normalised by its typical
        value, plus the Mahalanobis distance of the row's code from the
        training codes), the robust Mahalanobis distance of the row over all
        columns, and its mean squared distance to the nearest training rows.
        The last two split into per-column terms, so a row's outlyingness is
        the total of the per-column terms and the code term. With
        ``by_column=False`` the first array holds each row's total over the
        columns instead (the same sum, without the per-column split).
        """
        terms, codes = self._column_terms(X, unknown)
        scales = self.part_scales_
        columns = np.zeros(terms.shape if by_column else len(X))
        code_term = np.zeros(len(X))
        if "reconstruction" in scales:
            normalised = terms / self.residual_scale_**2
            part = normalised if by_column else normalised.sum(axis=1)
            columns += part / scales["reconstruction"]
            code_term = self._code_terms(codes) / scales["reconstruction"]
        if self._mahalanobis is not None or self._neighbours is not None:
            scaled = self._standardised(X)
        if self._mahalanobis is not None:
            part = (self._by_column(self._mahalanobis_terms(scaled)) if by_column
                    else self._mahalanobis.distances(scaled[:, self._numeric_entries()]))
            columns += part / scales["mahalanobis"]
        if self._neighbours is not None:
            part = (self._by_column(self._neighbours.terms(scaled)) if by_column
                    else self._neighbours.distances(scaled))
            columns += part / scales["neighbors"]
        return columns, code_term

    def _scores(self, X, unknown=None):
        totals, code_term = self._parts(X, unknown, by_column=False)
        return -(totals + code_term)

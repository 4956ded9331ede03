"""AutoencoderOutlierDetector: outliers are the rows an autoencoder rebuilds badly."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import OutlierMixin

from .._base import BaseAutoencoder
from .._compat import Interval, StrOptions
from .._docs import fill_doc
from .._engine.data import MaskEntries
from .._training import AUTO_MAX_EPOCHS
from .._validation import (
    check_calibration,
    check_known_outliers,
    check_score_parts,
)
from ._explain import ExplanationMixin
from ._contract import OutlierContractMixin
from ._labels import LabelScore
from ._score import SCORE_PARTS, OutlierScore
from ._thresholds import (
    conformal_offset,
    contamination_offset,
)

#: ``mask_rate="auto"`` on a table with categorical columns.
AUTO_MASK_RATE = 0.3


@fill_doc
class AutoencoderOutlierDetector(
    OutlierContractMixin, ExplanationMixin, OutlierMixin, BaseAutoencoder
):
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
        offset_`` with ``threshold="contamination"`` (set from
        ``contamination``) and ``"pvalue"`` (the score whose p-value is
        ``alpha``). With ``"fdr"`` the threshold depends on the rows scored
        together, and ``offset_`` is the contamination threshold, unused by
        ``predict``.

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

    n_known_outliers_ : int
        Rows ``fit`` was told are outliers (``y == 1``). With some, the
        outlyingness blends the unsupervised parts with a gradient-boosted
        classifier of the known outliers: both as normal scores of their ranks
        among the training rows, the classifier's weight growing with the
        number of known outliers (``skae._outlier._labels.LabelScore``);
        ``feature_contributions`` and ``code_distance`` then explain the
        unsupervised part.

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
    #: compared across columns, and count alike in the loss.
    _scale_floor = 0.0
    _loss_in_data_units = False

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

    def fit(self, X, y=None):
        """Train the autoencoder on ``X`` and set the outlier threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training rows; they may contain outliers.

        y : array-like of shape (n_samples,) or None, default=None
            Rows known to be outliers: 1 for those, 0 for every other row
            (unlabelled or known normal), as in ADBench, DevNet and DeepSAD.
            Known outliers are kept out of everything the detector learns as
            normal, and a classifier of them is blended into the score
            (``n_known_outliers_``). None, or all zeros, fits without labels.

        Returns
        -------
        self : object
            The fitted detector.
        """
        return super().fit(X, y)

    def partial_fit(self, X, y=None, epochs=1):
        """Train on one chunk of rows, continuing from the previous calls.

        As ``fit``, on a stream: see ``AutoencoderTransformer.partial_fit``.
        ``y`` marks this chunk's known outliers; the score's statistics, the
        classifier of the known outliers and the threshold are this chunk's.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One chunk of training rows.

        y : array-like of shape (n_samples,) or None, default=None
            1 for the chunk's rows known to be outliers, 0 for the others.

        epochs : int, default=1
            Passes over this chunk.

        Returns
        -------
        self : object
            The detector, trained on one more chunk.
        """
        return super().partial_fit(X, y, epochs=epochs)

    def _after_fit(self, X, held_out=None):
        calibration, outliers = held_out or (None, None)
        self._min_probability = 1.0 / (len(X) + 1.0)
        terms, codes = self._column_terms(X)
        if self._columns.is_identity:
            self.reconstruction_error_ = float(np.mean(terms * self.scale_**2))
        else:
            self.reconstruction_error_ = float(np.mean(self._reconstruction_errors(X)))
        # The linear and the local parts, in the network's input units.
        scaled = self._standardised(X)
        rng = np.random.RandomState(self._stream_seed + self._n_chunks)
        self._score = OutlierScore(self._score_parts, bool(self._mask_rate), self._columns)
        self._score.fit(terms, codes, scaled, rng)
        for name in ("residual_scale_", "code_center_", "code_precision_", "part_scales_"):
            setattr(self, name, getattr(self._score, name))
        outlyingness = self._score.outlyingness(terms, codes, scaled)
        self._label_score = None
        self.n_known_outliers_ = 0 if outliers is None else len(outliers)
        if outliers is not None:
            self._label_score = LabelScore(random_state=self._stream_seed + self._n_chunks)
            self._label_score.fit(scaled, self._standardised(outliers), outlyingness)
            outlyingness = self._label_score.blend(outlyingness, scaled)
        self.offset_ = contamination_offset(outlyingness, self.contamination)
        if calibration is not None:
            self.calibration_scores_ = np.sort(-self._scores(calibration))
        if self.threshold == "pvalue":
            self.offset_ = conformal_offset(self.calibration_scores_, self.alpha)

    def _check_params(self):
        check_score_parts(self.score_parts, SCORE_PARTS)
        check_calibration(self.threshold, self.calibration_fraction)

    def _hold_out(self, X, y, rng):
        """Keep the known outliers (``y == 1``) out of what is learned as
        normal, and ``calibration_fraction`` of the other rows aside for
        calibration: ``(training rows, (calibration rows, known outliers))``."""
        known = check_known_outliers(y, len(X))
        outliers = None
        if known is not None:
            X, outliers = X[~known], X[known]
        n_calibration = check_calibration(self.threshold, self.calibration_fraction, len(X))
        if not n_calibration:
            return X, None if outliers is None else (None, outliers)
        order = rng.permutation(len(X))
        calibration = X[np.sort(order[:n_calibration])]
        return X[np.sort(order[n_calibration:])], (calibration, outliers)

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
        return AUTO_MASK_RATE if self._columns.has_categorical else 0.0

    @property
    def _missing_input(self):
        return self._mask_rate > 0

    def _step_budget(self):
        if self._mask_rate:
            return self._masked_auto_steps, AUTO_MAX_EPOCHS
        return super()._step_budget()

    def _corruption(self, X, device):
        return MaskEntries.for_rate(self._mask_rate, self._columns.mask_groups, device)

    def _resolve_n_components(self, n_features):
        if self.n_components == "auto":
            return max(1, min(n_features - 1, int(round(np.sqrt(n_features)))))
        return super()._resolve_n_components(n_features)

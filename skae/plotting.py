"""Displays in scikit-learn's style: ``from_estimator``, ``plot(ax=None)``,
``ax_`` and ``figure_``. matplotlib is imported only when plotting."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "ExplainedVarianceDisplay",
    "LatentSpaceDisplay",
    "LossCurveDisplay",
    "ReconstructionErrorDisplay",
]


def _axes(ax):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax


class LossCurveDisplay:
    """Training and validation loss per epoch, with the epoch whose weights were kept.

    Parameters
    ----------
    loss_curve : list of float
        Training loss per epoch.
    validation_loss_curve : list of float or None, default=None
        Validation loss per epoch.
    best_epoch : int or None, default=None
        The epoch whose weights were kept (0: the initial weights).
    estimator_name : str or None, default=None
        Shown in the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : list of matplotlib Line2D

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import LossCurveDisplay
    >>> X, _ = load_digits(return_X_y=True)
    >>> ae = AutoencoderTransformer(max_epochs=5, random_state=0).fit(X)
    >>> display = LossCurveDisplay.from_estimator(ae)
    >>> len(display.lines_)
    2
    """

    def __init__(self, loss_curve, validation_loss_curve=None, best_epoch=None,
                 estimator_name=None):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.best_epoch = best_epoch
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """Plot the loss curves of a fitted skae estimator."""
        check_is_fitted(estimator, "net_")
        return cls(
            estimator.loss_curve_,
            estimator.validation_loss_curve_,
            estimator.best_epoch_,
            type(estimator).__name__,
        ).plot(ax=ax)

    def plot(self, ax=None):
        """Draw on ``ax`` (a new figure's axes when None); returns ``self``."""
        ax = _axes(ax)
        epochs = np.arange(1, len(self.loss_curve) + 1)
        self.lines_ = ax.plot(epochs, self.loss_curve, label="training loss")
        if self.validation_loss_curve is not None:
            self.lines_ += ax.plot(epochs, self.validation_loss_curve, label="validation loss")
        if self.best_epoch:
            ax.axvline(self.best_epoch, color="0.5", linestyle=":",
                       label=f"weights kept (epoch {self.best_epoch})")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.set_yscale("log")
        if self.estimator_name:
            ax.set_title(self.estimator_name)
        ax.legend()
        self.ax_, self.figure_ = ax, ax.figure
        return self


class LatentSpaceDisplay:
    """Scatter of two code dimensions, coloured by an optional label.

    Parameters
    ----------
    codes : ndarray of shape (n_samples, n_components)
        Codes, such as ``estimator.transform(X)``.
    labels : array-like of shape (n_samples,) or None, default=None
        Colours the points: a legend for a few distinct labels, a colour bar
        for many (or continuous) ones.
    components : tuple of two int, default=(0, 1)
        The code dimensions to plot; with one dimension, the code is plotted
        against the row number.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    scatter_ : matplotlib PathCollection

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.decomposition import PCA
    >>> from skae.plotting import LatentSpaceDisplay
    >>> X, y = load_digits(return_X_y=True)
    >>> display = LatentSpaceDisplay.from_estimator(PCA(2).fit(X), X, y)
    >>> display.scatter_.get_offsets().shape
    (1797, 2)
    """

    def __init__(self, codes, labels=None, components=(0, 1)):
        self.codes = codes
        self.labels = labels
        self.components = components

    @classmethod
    def from_estimator(cls, estimator, X, y=None, *, components=(0, 1), ax=None):
        """Encode ``X`` with a fitted transformer and plot its codes."""
        return cls(np.asarray(estimator.transform(X)), y, components).plot(ax=ax)

    def plot(self, ax=None):
        """Draw on ``ax`` (a new figure's axes when None); returns ``self``."""
        ax = _axes(ax)
        codes = np.asarray(self.codes)
        if codes.shape[1] == 1:
            x, y = np.arange(len(codes)), codes[:, 0]
            ax.set_xlabel("row")
            ax.set_ylabel("code 0")
        else:
            i, j = self.components
            x, y = codes[:, i], codes[:, j]
            ax.set_xlabel(f"code {i}")
            ax.set_ylabel(f"code {j}")
        if self.labels is None:
            self.scatter_ = ax.scatter(x, y, s=8, alpha=0.7)
        else:
            labels = np.asarray(self.labels)
            distinct = np.unique(labels)
            if len(distinct) <= 12:
                index = np.searchsorted(distinct, labels)
                self.scatter_ = ax.scatter(x, y, c=index, cmap="tab10" if len(distinct) <= 10
                                           else "tab20", s=8, alpha=0.8)
                handles = self.scatter_.legend_elements()[0]
                ax.legend(handles, [str(d) for d in distinct], title="label",
                          loc="best", fontsize="small", markerscale=0.8)
            else:
                self.scatter_ = ax.scatter(x, y, c=labels, s=8, alpha=0.8)
                ax.figure.colorbar(self.scatter_, ax=ax)
        self.ax_, self.figure_ = ax, ax.figure
        return self


class ReconstructionErrorDisplay:
    """Histogram of per-row errors, with the outlier threshold when there is one.

    Parameters
    ----------
    errors : ndarray of shape (n_samples,)
        Per-row error or outlyingness (minus ``score_samples``).
    threshold : float or None, default=None
        Rows above it are flagged: for an outlier detector, the outlyingness
        at which ``decision_function`` turns negative on these rows (minus
        ``offset_``, or with ``threshold="fdr"`` the batch's own level).
    xlabel : str, default="reconstruction error (minus score_samples)"
        What the errors are: ``from_estimator`` says "outlyingness" for an
        outlier detector, whose score has more parts than the reconstruction.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    threshold_line_ : matplotlib Line2D or None

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skae import AutoencoderOutlierDetector
    >>> from skae.plotting import ReconstructionErrorDisplay
    >>> X = np.random.RandomState(0).randn(200, 4)
    >>> detector = AutoencoderOutlierDetector(contamination=0.05, random_state=0).fit(X)
    >>> display = ReconstructionErrorDisplay.from_estimator(detector, X)
    >>> display.threshold_line_ is not None
    True
    """

    def __init__(self, errors, threshold=None,
                 xlabel="reconstruction error (minus score_samples)"):
        self.errors = errors
        self.threshold = threshold
        self.xlabel = xlabel

    @classmethod
    def from_estimator(cls, estimator, X, *, ax=None):
        """Score ``X`` with a fitted estimator (``-score_samples``) and plot,
        with an outlier detector's threshold on these rows."""
        scores = estimator.score_samples(X)
        if not hasattr(estimator, "decision_function"):
            return cls(-scores).plot(ax=ax)
        offset = float(np.median(scores - estimator.decision_function(X)))
        threshold = -offset if np.isfinite(offset) else None  # -inf: nothing flagged
        return cls(-scores, threshold, xlabel="outlyingness (minus score_samples)").plot(ax=ax)

    def plot(self, ax=None, bins=50):
        """Draw on ``ax`` (a new figure's axes when None); returns ``self``."""
        ax = _axes(ax)
        errors = np.asarray(self.errors)
        positive = errors[errors > 0]
        use_log = len(positive) == len(errors) and positive.max() > 100 * np.median(positive)
        edges = (np.geomspace(positive.min(), positive.max(), bins + 1) if use_log else bins)
        ax.hist(errors, bins=edges, color="0.6")
        if use_log:
            ax.set_xscale("log")
        self.threshold_line_ = None
        if self.threshold is not None:
            flagged = np.mean(errors > self.threshold)
            self.threshold_line_ = ax.axvline(
                self.threshold, color="crimson", label=f"threshold ({flagged:.1%} above)"
            )
            ax.legend()
        ax.set_xlabel(self.xlabel)
        ax.set_ylabel("rows")
        self.ax_, self.figure_ = ax, ax.figure
        return self


class ExplainedVarianceDisplay:
    """The cumulative explained variance of a code's prefixes beside PCA's: a scree plot.

    Parameters
    ----------
    explained_variance_ratio : array-like of shape (n_components,)
        The autoencoder's ``explained_variance_ratio_``.
    pca_explained_variance_ratio : array-like or None, default=None
        ``PCA``'s ``explained_variance_ratio_`` on the same data.
    threshold : float or None, default=None
        A share to mark (as ``n_components=0.9`` would choose).
    estimator_name : str or None, default=None
        Shown in the legend.

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : list of matplotlib Line2D

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> from skae.plotting import ExplainedVarianceDisplay
    >>> X, _ = load_digits(return_X_y=True)
    >>> ae = AutoencoderTransformer(8, ordered=True, max_epochs=5, random_state=0).fit(X)
    >>> display = ExplainedVarianceDisplay.from_estimator(ae, X)
    >>> len(display.lines_)
    2
    """

    def __init__(self, explained_variance_ratio, pca_explained_variance_ratio=None,
                 threshold=None, estimator_name=None):
        self.explained_variance_ratio = explained_variance_ratio
        self.pca_explained_variance_ratio = pca_explained_variance_ratio
        self.threshold = threshold
        self.estimator_name = estimator_name

    @classmethod
    def from_estimator(cls, estimator, X=None, *, threshold=None, ax=None):
        """Plot a fitted estimator's curve, and PCA's fitted on ``X`` if given
        (as wide as the estimator's code)."""
        check_is_fitted(estimator, "explained_variance_ratio_")
        pca = None
        if X is not None:
            from sklearn.decomposition import PCA

            width = len(estimator.explained_variance_ratio_)
            pca = PCA(n_components=width).fit(X).explained_variance_ratio_
        return cls(estimator.explained_variance_ratio_, pca, threshold,
                   type(estimator).__name__).plot(ax=ax)

    def plot(self, ax=None):
        """Draw on ``ax`` (a new figure's axes when None); returns ``self``."""
        ax = _axes(ax)
        ours = np.cumsum(self.explained_variance_ratio)
        units = np.arange(1, len(ours) + 1)
        self.lines_ = ax.plot(units, ours, marker="o", label=self.estimator_name or "autoencoder")
        if self.pca_explained_variance_ratio is not None:
            pca = np.cumsum(self.pca_explained_variance_ratio)
            self.lines_ += ax.plot(np.arange(1, len(pca) + 1), pca, marker="s", label="PCA")
        if self.threshold is not None:
            ax.axhline(self.threshold, color="0.5", linestyle=":",
                       label=f"{self.threshold:g} of the variance")
        ax.set_xlabel("units of the code (components)")
        ax.set_ylabel("cumulative explained variance")
        ax.set_ylim(min(0.0, float(np.min(ours))), 1.0)
        ax.legend(loc="lower right")
        self.ax_, self.figure_ = ax, ax.figure
        return self

"""AutoencoderTransformer: a nonlinear drop-in for PCA."""

import copy
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, clone
from sklearn.utils.validation import check_is_fitted

from ._base import BaseAutoencoder
from ._compat import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    _fit_context,
    _get_output_config,
)
from ._docs import fill_doc
from ._validation import check_X
from .noise import NOISES, Corruption, FeatureStats


@fill_doc
class AutoencoderTransformer(
    ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseAutoencoder
):
    """Dimensionality reduction with an autoencoder, used like ``PCA``.

    An encoder network maps each row to ``n_components`` numbers (the code)
    and a decoder maps the code back; both are trained to reconstruct the
    training data. By default the network starts from PCA's solution (a
    linear path initialised from PCA, with nonlinear branches that start at
    zero) and keeps the best weights on a validation split, so its
    reconstruction is never worse than PCA's on the data it validates on,
    and training only adds what a curved fit can gain.

    Parameters
    ----------
    n_components : int or float in (0, 1), default=2
        Size of the code (the bottleneck), at most the number of features.
        A float, as in ``PCA``, asks for the smallest code whose first units
        rebuild that share of the variance (``explained_variance_ratio_``):
        an ordered code (``ordered=True``) as wide as ``PCA`` needs for that
        share is trained and its shortest prefix that reaches the share on
        the validation rows is kept; ``n_components_`` is its size.

{base_parameters}
    Attributes
    ----------
{transformer_attributes}
{base_attributes}
    See Also
    --------
    sklearn.decomposition.PCA : The linear method this replaces.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> X, _ = load_digits(return_X_y=True)
    >>> ae = AutoencoderTransformer(n_components=8, max_epochs=20, random_state=0)
    >>> ae.fit_transform(X).shape
    (1797, 8)
    >>> ae.inverse_transform(ae.transform(X[:3])).shape
    (3, 64)
    """

    _rebuilds_principal_coordinates = True

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left"),
                         Interval(RealNotInt, 0, 1, closed="neither")],
    }

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the autoencoder on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data: a numeric array or DataFrame, at least 2 rows.

        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._fit(X)
        return self

    def _after_fit(self, X):
        self.reconstruction_error_ = float(np.mean(self._reconstruction_errors(X)))

    def transform(self, X):
        """Encode ``X`` into codes of ``n_components`` columns.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to encode.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components)
            The codes, float32 for float32 input and float64 otherwise.
        """
        check_is_fitted(self, "net_")
        X = check_X(self, X, reset=False)
        return self._encode(X)

    def inverse_transform(self, X):
        """Decode codes back to the input space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Codes, such as the output of ``transform``.

        Returns
        -------
        X_original : ndarray or DataFrame of shape (n_samples, n_features)
            Reconstructions in the units of the training data; a DataFrame
            with the training column names when ``set_output(transform=
            "pandas")`` is on. For a model fitted on a DataFrame with
            categorical columns, always a DataFrame with the training
            columns and dtypes: each categorical entry is its most likely
            level, integer columns are rounded.
        """
        check_is_fitted(self, "net_")
        Z = self._check_codes(X)
        X_hat = self._decode(Z, Z.dtype)
        if self._layout is not None:
            return self._layout.decode(X_hat, index=getattr(X, "index", None))
        if _get_output_config("transform", self)["dense"] == "pandas":
            index = X.index if hasattr(X, "index") else None
            columns = getattr(self, "feature_names_in_", None)
            if columns is None:
                columns = [f"x{i}" for i in range(self.n_features_in_)]
            return pd.DataFrame(X_hat, index=index, columns=columns)
        return X_hat

    def score_samples(self, X):
        """Negative reconstruction error of each row (higher is better).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to score.

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            Minus the mean squared error of each row's reconstruction, in
            the units of ``X`` (minus the mean binary cross-entropy with
            ``loss="bce"``), in float64. For a table with categorical
            columns, minus the mean over its columns of each column's loss:
            the squared error in standard deviations for a numeric column,
            the cross-entropy divided by the column's entropy for a
            categorical one (both 1 for predicting the column's mean).
        """
        check_is_fitted(self, "net_")
        X = check_X(self, X, reset=False)
        return -self._reconstruction_errors(X)

    def score(self, X, y=None):
        """Negative mean reconstruction error of ``X`` (higher is better).

        This makes ``GridSearchCV`` over ``n_components`` work without a
        scorer, as it does for ``PCA``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data to score.

        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        score : float
            The mean of ``score_samples(X)``.
        """
        return float(np.mean(self.score_samples(X)))

    def truncate(self, n_components):
        """A copy of this fitted model that uses only the first ``n_components``
        units of its code, without refitting.

        Meant for ordered codes (``ordered=True``), whose leading units carry
        the most: ``transform`` then returns ``n_components`` columns and
        ``inverse_transform`` decodes them with the other units at zero. The
        copy's ``n_components`` parameter is set to match, so ``clone`` and
        refitting give a model of that size; to use the copy as it is inside
        a ``Pipeline`` that is fitted, wrap it in
        ``sklearn.frozen.FrozenEstimator``.

        Parameters
        ----------
        n_components : int
            How many leading units to keep, at most ``n_components_``.

        Returns
        -------
        truncated : estimator
            A fitted copy.
        """
        check_is_fitted(self, "net_")
        if not isinstance(n_components, Integral) or not 1 <= n_components <= self.n_components_:
            raise ValueError(
                f"n_components must be an integer from 1 to the fitted code's "
                f"{self.n_components_} units, got {n_components!r}."
            )
        truncated = copy.deepcopy(self)
        truncated.n_components = truncated.n_components_ = int(n_components)
        truncated.explained_variance_ratio_ = self.explained_variance_ratio_[:n_components]
        truncated.explained_variance_ = self.explained_variance_[:n_components]
        truncated.__dict__.pop("reconstruction_error_", None)
        return truncated

    def _code_width(self, X):
        if isinstance(self.n_components, Integral):
            return super()._code_width(X)
        from sklearn.decomposition import PCA

        layout = self._layout
        if layout is not None:
            # A mixed table's loss counts numeric columns in standard
            # deviations, next to the one-hot columns: so does this PCA.
            numeric = layout.numeric[layout.column_of]
            std = np.where(numeric, X.std(axis=0), 1.0)
            X = X / np.where(std > 0, std, 1.0)
        # As wide as PCA needs for the share; the prefix kept is at most that.
        return int(PCA(n_components=self.n_components, svd_solver="full").fit(X).n_components_)

    def _resolve_n_components(self, n_features):
        if isinstance(self.n_components, Integral):
            return super()._resolve_n_components(n_features)
        return self._module_args["n_components"]  # warm start: the fitted width

    def _measure_code(self, X, split):
        """``explained_variance_ratio_`` and ``explained_variance_`` of the code's
        prefixes on the validation rows (without them, the training rows; at
        most a sample of 5,000), and ``n_components_`` from ``_chosen_width``.

        The prefix of ``j`` units rebuilds ``1 - E_j / V`` of the rows' total
        variance ``V``, with ``E_j`` the squared error, in the units of ``X``,
        of decoding the code's first ``j`` units (the others zeroed): for a
        linear autoencoder at PCA's solution these are PCA's explained
        variance ratios, accumulated.
        """
        if split is not None:
            X = X[split.valid_indices.numpy()]
        if len(X) > 5000:
            X = X[np.sort(np.random.RandomState(0).choice(len(X), 5000, replace=False))]
        module = self.net_.module_
        width = self._module_args["n_components"]
        baseline = self._mean_output(self._scale(X))

        def prefix_errors(x):
            x_net = self._to_net(x)
            z = module.encode(x_net)
            units = torch.arange(width, device=z.device)
            errors = [
                self._row_losses(self._expand(module.decode(z * (units < j).to(z.dtype))), x_net)
                for j in range(1, width + 1)
            ]
            mean = torch.as_tensor(baseline, device=z.device).expand(len(x_net), -1)
            return torch.stack([*errors, self._row_losses(mean, x_net)], dim=1)

        errors = self._apply(prefix_errors, X, (width + 1,), np.float64).mean(axis=0)
        errors, total = errors[:-1], float(errors[-1])
        explained = 1.0 - errors / max(total, 1e-300)
        ratio = np.diff(np.r_[0.0, explained])
        self.n_components_ = self._chosen_width(explained)
        self.explained_variance_ratio_ = ratio[: self.n_components_]
        ddof = len(X) / max(len(X) - 1, 1)
        self.explained_variance_ = self.explained_variance_ratio_ * total * ddof

    def _mean_output(self, X_net):
        """The decoder output that predicts every row by the column means
        (their level shares, as logits, for a categorical block): the
        reference of ``explained_variance_ratio_``."""
        mean = X_net.astype(np.float64).mean(axis=0)
        layout = self._layout
        if layout is not None:
            for start, stop in layout.blocks:
                shares = mean[start:stop] + self.center_[start:stop]
                mean[start:stop] = np.log(np.maximum(shares, 1e-12))
        return mean.astype(np.float32)

    def _chosen_width(self, explained):
        """How many of the code's units to use, given the cumulative explained
        variance of each prefix: all, or the fewest that reach a share."""
        if isinstance(self.n_components, Integral):
            return len(explained)
        reached = np.flatnonzero(explained >= self.n_components)
        return int(reached[0]) + 1 if len(reached) else len(explained)

    @property
    def _nested_dropout(self):
        return self.ordered or not isinstance(self.n_components, Integral)

    @property
    def _n_features_out(self):
        return self.n_components_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


@fill_doc
class DenoisingAutoencoder(AutoencoderTransformer):
    """An autoencoder trained to rebuild clean rows from corrupted ones.

    Each training batch is corrupted afresh (Vincent et al. 2008) while the
    target stays clean; nothing is corrupted at inference. ``transform``
    gives codes that are robust to the noise and
    ``inverse_transform(transform(X))`` the denoised rows. Early stopping
    validates on the same task: held-out rows corrupted once, with their
    clean versions as targets.

    Parameters
    ----------
    n_components : int or float in (0, 1), default=2
        Size of the code (the bottleneck), at most the number of features.
        A float, as in ``PCA``, asks for the smallest code whose first units
        rebuild that share of the variance (``explained_variance_ratio_``):
        an ordered code (``ordered=True``) as wide as ``PCA`` needs for that
        share is trained and its shortest prefix that reaches the share on
        the validation rows is kept; ``n_components_`` is its size.

    noise : {"gaussian", "masking", "salt_pepper", "swap"} or noise object, \
default="gaussian"
        The corruption, in the units of the data:

        - ``"gaussian"``: add Gaussian noise of standard deviation
          ``noise_level``, in the units of the data;
        - ``"masking"``: set each entry to zero with probability
          ``noise_level``;
        - ``"salt_pepper"``: set each entry, with probability
          ``noise_level``, to its feature's training minimum or maximum;
        - ``"swap"``: replace each entry, with probability ``noise_level``,
          by the same column's value in another row of the batch;
        - an instance of a ``skae.noise.BaseNoise`` subclass (or any object
          with a ``corrupt(X, stats)`` method).

        For a DataFrame with categorical columns, whose columns share no
        unit, the noise acts on the network's scaled columns instead:
        numeric columns in standard deviations, one-hot columns centred on
        their level shares (so masking sets an entry to its column's mean or
        shares).

    noise_level : float or None, default=None
        Strength of the noise: the standard deviation of ``"gaussian"``, in
        the units of the data (the noise your data has: 0.25 for pixels in
        [0, 1] with noise of 0.25), or the rate of the others. None keeps the
        noise object's own ``level``: for ``"gaussian"`` half the data's
        typical scale (the root mean square of the features' standard
        deviations), 0.25 for ``"masking"``, 0.1 for ``"salt_pepper"`` and
        0.15 for ``"swap"``. A level of 0 trains exactly as
        ``AutoencoderTransformer`` does.

{base_parameters}
    Attributes
    ----------
    noise_ : noise object
        The corruption used, with its level.

{transformer_attributes}
{base_attributes}
    See Also
    --------
    AutoencoderTransformer : The same model trained without corruption.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from skae import DenoisingAutoencoder
    >>> X, _ = load_digits(return_X_y=True)
    >>> X = X / 16
    >>> dae = DenoisingAutoencoder(16, noise="masking", max_epochs=20, random_state=0)
    >>> X_noisy = X * (np.random.RandomState(0).rand(*X.shape) > 0.3)
    >>> dae.fit(X).inverse_transform(dae.transform(X_noisy)).shape
    (1797, 64)
    """

    _parameter_constraints: dict = {
        **AutoencoderTransformer._parameter_constraints,
        "noise": [StrOptions(set(NOISES)), HasMethods(["corrupt"])],
        "noise_level": [Interval(Real, 0, None, closed="left"), None],
    }

    def __init__(
        self,
        n_components=2,
        *,
        noise="gaussian",
        noise_level=None,
        hidden_layer_sizes="auto",
        activation="relu",
        loss="mse",
        scaling="standard",
        handle_unknown="error",
        min_frequency=None,
        max_categories=30,
        init="pca",
        linear_path=True,
        penalty=None,
        tied_weights=False,
        image_shape=None,
        ordered=False,
        learning_rate=3e-3,
        learning_rate_schedule="cosine",
        weight_decay="auto",
        batch_size=256,
        max_epochs="auto",
        early_stopping=True,
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

    def _corruption(self, X, device):
        noise = NOISES[self.noise]() if isinstance(self.noise, str) else clone(self.noise)
        if self.noise_level is not None:
            noise.set_params(level=self.noise_level)
        if hasattr(noise, "_validate_params"):
            noise._validate_params()  # as penalties are: GaussianNoise(level=-1) is an error
        self.noise_ = noise
        if getattr(noise, "level", None) == 0:
            return None  # no corruption: train exactly as AutoencoderTransformer
        center, scale = self.center_, self.scale_
        if self._layout is not None:
            # A mixed table has no common unit: the noise acts on the scaled
            # columns (standard deviations; one-hot columns centred on their
            # level shares), in which the loss is measured too.
            X, center, scale = self._scale(X), np.zeros_like(center), np.ones_like(scale)
        return Corruption(
            noise,
            FeatureStats.from_array(X, device),
            torch.tensor(np.array(center, dtype=np.float32), device=device),
            torch.tensor(np.array(scale, dtype=np.float32), device=device),
        )

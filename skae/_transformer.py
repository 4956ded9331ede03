"""AutoencoderTransformer: a nonlinear drop-in for PCA."""

import copy
from numbers import Integral

import numpy as np
import torch
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._base import BaseAutoencoder
from ._compat import (
    Interval,
    RealNotInt,
    _get_output_config,
)
from ._docs import fill_doc
from ._validation import check_X


def _frame_container(dense):
    """``set_output``'s container for the rebuilt rows: None for arrays."""
    return None if dense == "default" else dense


class CodesMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """``transform`` to codes, for the estimators whose output is a code."""

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
        return self._encode(check_X(self, X, reset=False))

    @property
    def _n_features_out(self):
        return self.n_components_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


@fill_doc
class AutoencoderTransformer(CodesMixin, BaseAutoencoder):
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
{transformer_n_components}

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

    def _after_fit(self, X, held_out=None):
        self.reconstruction_error_ = float(np.mean(self._reconstruction_errors(X)))

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
        return self._columns.decode(
            self._decode(Z, Z.dtype), index=getattr(X, "index", None),
            names=getattr(self, "feature_names_in_", None),
            container=_frame_container(_get_output_config("transform", self)["dense"]),
        )

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

        # In the units the loss compares columns in; as wide as PCA needs
        # for the share: the prefix kept is at most that.
        X = self._columns.in_loss_units(X)
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
        module, expand = self.net_.module_, self._principal.expand
        width = self._module_args["n_components"]
        baseline = self._mean_output(self._scale(X))

        def prefix_errors(x):
            x_net = self._to_net(x)
            z = module.encode(x_net)
            units = torch.arange(width, device=z.device)
            errors = [
                self._row_losses(expand(module.decode(z * (units < j).to(z.dtype))), x_net)
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
        return self._columns.mean_output(mean, self.center_).astype(np.float32)

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

"""AutoencoderImputer: fill missing values with an autoencoder's reconstruction."""

import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._base import BaseAutoencoder
from ._compat import Interval, StrOptions
from ._engine.data import MaskEntries
from ._docs import fill_doc
from ._engine.losses import MaskedReconstructionLoss
from ._engine.torch_utils import torch_dtype
from ._validation import check_X


@fill_doc
class AutoencoderImputer(OneToOneFeatureMixin, TransformerMixin, BaseAutoencoder):
    """Fill missing values (NaN) with an autoencoder's reconstruction.

    Used like ``sklearn.impute.KNNImputer``. The autoencoder is trained on the
    observed entries only: missing entries enter the network at their
    column's mean and are left out of the loss, and a further ``mask_rate``
    of the observed entries is hidden at each step, so the network learns to
    rebuild entries it cannot see. The first hidden layer is also told which
    entries are missing, so that a missing entry is not taken for an
    observed value at the mean. ``transform`` returns ``X`` with only its
    missing entries replaced.

    - A row with every entry missing gets the reconstruction of the all-means
      row.
    - A column with no observed value in the training data is filled with 0
      (as ``SimpleImputer(keep_empty_features=True)`` does), with a warning at
      fit time.
    - A DataFrame may have categorical columns (``category``, strings,
      ``bool``) with missing entries (NaN, None, ``pd.NA``): they enter the
      network one-hot, are rebuilt with a cross-entropy loss, and a missing
      entry gets its column's most likely level given the row's observed
      entries. ``transform`` then returns a DataFrame with the training
      columns and dtypes (filled integer columns rounded).

    Parameters
    ----------
    n_components : int or "auto", default="auto"
        Size of the code. ``"auto"`` uses half the number of features,
        rounded up.

    mask_rate : float in [0, 1), default=0.3
        Share of the observed entries hidden at each training step.

{base_parameters}
    Attributes
    ----------
    empty_features_ : ndarray of bool, shape (n_features,)
        Columns with no observed value in the training data (filled with 0).

{base_attributes}
    See Also
    --------
    sklearn.impute.KNNImputer : Imputation from the nearest rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderImputer
    >>> X, _ = load_digits(return_X_y=True)
    >>> X_missing = np.where(np.random.RandomState(0).rand(*X.shape) < 0.2, np.nan, X)
    >>> X_filled = AutoencoderImputer(max_epochs=20, random_state=0).fit_transform(X_missing)
    >>> bool(np.isnan(X_filled).any()), X_filled.shape
    (False, (1797, 64))
    """

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "mask_rate": [Interval(Real, 0, 1, closed="left")],
    }
    _allow_nan = True

    def __init__(
        self,
        n_components="auto",
        *,
        mask_rate=0.3,
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
        learning_rate=1e-3,
        learning_rate_schedule="constant",
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

    def _after_fit(self, X, held_out=None):
        self.empty_features_ = np.all(np.isnan(X), axis=0)[self._columns.starts]
        if self.empty_features_.any():
            warnings.warn(
                f"Columns {np.flatnonzero(self.empty_features_).tolist()} have no observed "
                "value; they will be filled with 0.",
                UserWarning,
            )
        if not self._columns.is_identity:
            self.reconstruction_error_ = self._observed_loss(X)
            return
        observed = ~np.isnan(X)
        filled = self._impute(X)
        self.reconstruction_error_ = float(np.mean((filled[observed] - X[observed]) ** 2))

    def _observed_loss(self, X):
        """A mixed table's mean loss over its observed entries, each column's
        as training weighs it (``_column_weights``)."""
        module, columns = self.net_.module_, self._columns
        scaling = self._output_scaling

        def losses(x):
            x_net = self._to_net(x)
            out = module(x_net)[0]
            entry = columns.column_losses(out, torch.nan_to_num(x_net), self.loss, *scaling)
            observed = ~torch.isnan(x_net)
            shares = 1.0 / torch.as_tensor(columns.entry_widths())
            return torch.stack([torch.where(observed, entry.double(), 0.0).sum(1),
                                (observed.double() @ shares).double()], 1)

        totals = self._apply(losses, X, (2,), np.float64).sum(axis=0)
        return float(totals[0] / max(totals[1], 1.0))

    def transform(self, X):
        """Return ``X`` with its missing entries filled.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data with missing values as NaN.

        Returns
        -------
        X_filled : ndarray or DataFrame of shape (n_samples, n_features)
            ``X`` with every NaN replaced; observed entries are unchanged. A
            DataFrame in the training dtypes when the imputer was fitted on
            one with categorical columns.
        """
        check_is_fitted(self, "net_")
        X_valid, unknown = check_X(self, X, reset=False, allow_nan=True, return_unknown=True)
        return self._columns.fill(X, X_valid, self._impute(X_valid), unknown,
                                  self.empty_features_)

    def _impute(self, X):
        """The network's reconstruction of every entry, from the observed ones."""
        module = self.net_.module_
        out_dtype = torch_dtype(X.dtype)

        def reconstruct(x):
            x_net = self._to_net(x)
            # A row with nothing observed is rebuilt as the all-means row:
            # the network never saw such a row in training.
            x_net = x_net.masked_fill(torch.isnan(x_net).all(1, keepdim=True), 0.0)
            return self._from_net(module(x_net)[0], out_dtype)

        return self._apply(reconstruct, X, (X.shape[1],), X.dtype)

    def _resolve_n_components(self, n_features):
        if self.n_components == "auto":
            return max(1, -(-n_features // 2))
        return super()._resolve_n_components(n_features)

    def _criterion(self):
        kind_weight = getattr(self, "_kind_weight", None)
        return MaskedReconstructionLoss(
            self.loss, *self._output_scaling, self._loss_weights(),
            self._output_columns.blocks(), kind_weight=kind_weight,
            minimax=kind_weight is not None,
        )

    def _corruption(self, X, device):
        return MaskEntries.for_rate(self.mask_rate, self._columns.mask_groups, device)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

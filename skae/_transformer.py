"""AutoencoderTransformer: a nonlinear drop-in for PCA."""

import numpy as np
import pandas as pd
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin, _fit_context
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import check_is_fitted

from ._base import BaseAutoencoder
from ._validation import check_X


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
    n_components : int, default=2
        Size of the code (the bottleneck). At most the number of features.

    hidden_layer_sizes : tuple of int, default=(128, 64)
        Widths of the encoder's hidden layers; the decoder mirrors them.
        ``()`` gives a linear autoencoder, which with ``activation="identity"``
        finds PCA's subspace.

    activation : {"relu", "leaky_relu", "elu", "selu", "gelu", "silu", \
"tanh", "sigmoid", "identity"}, default="relu"
        Activation of the hidden layers.

    loss : {"mse", "bce"}, default="mse"
        Reconstruction loss. ``"mse"`` is the squared error in the units of
        ``X``, the error PCA minimises. ``"bce"`` is binary cross-entropy for
        data in [0, 1]; the decoder then ends in a sigmoid.

    scaling : {"standard", "minmax"} or None, default="standard"
        How features are scaled inside the network (centred and divided by
        their standard deviation, or mapped to [0, 1]). Scaling conditions
        training, so columns in different units just work; it does not
        change the objective, which stays the error in the units of ``X``:
        as with ``PCA``, put a ``StandardScaler`` first to weigh every column
        equally.

    init : {"pca", "random"}, default="pca"
        ``"pca"`` starts the linear path (or the linear network) at PCA's
        solution; ``"random"`` uses PyTorch's default initialisation.

    linear_path : bool, default=True
        Add a linear map beside the encoder's and the decoder's hidden
        layers. Needed by ``init="pca"`` when there are hidden layers.

    learning_rate : float, default=1e-3
        Step size of the AdamW optimizer.

    weight_decay : float, default=0.0
        Decoupled weight decay of the AdamW optimizer.

    batch_size : int, default=256
        Rows per optimizer step.

    max_epochs : int or "auto", default="auto"
        Maximum number of passes over the training data. ``"auto"`` budgets
        about 3000 optimizer steps (between 10 and 1000 epochs), so a small
        data set gets as many updates as a large one.

    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the rows, stop when their loss
        has not improved for ``n_iter_no_change`` epochs and restore the best
        weights, counting the initial ones. With ``False`` (or fewer than 20
        rows), all rows train and the training loss is monitored instead.

    validation_fraction : float, default=0.1
        Share of the rows held out for early stopping; at least 50 rows (at
        most a quarter of the data), since weights picked on a handful of
        rows overfit.

    n_iter_no_change : int, default=20
        Patience of early stopping, in epochs; with ``max_epochs="auto"``,
        at least 300 optimizer steps.

    tol : float, default=1e-4
        Relative improvement of the monitored loss that counts as progress.

    device : str, default="auto"
        Torch device to train and infer on; ``"auto"`` picks ``"cuda"`` when
        available, else ``"cpu"``.

    callbacks : list of skorch callbacks or (name, callback) tuples, \
default=None
        Extra skorch callbacks, copied at each fit.

    random_state : int, RandomState instance or None, default=None
        Seeds the validation split, weight initialisation and shuffling.
        Torch's global random state is restored after ``fit``.

    verbose : int, default=0
        0 is silent, 1 shows a progress bar over epochs, 2 prints skorch's
        table of losses per epoch.

    Attributes
    ----------
    net_ : skorch.NeuralNet
        The trained skorch net.

    module_ : torch.nn.Module
        The trained autoencoder (``net_.module_``).

    center_, scale_ : ndarray of shape (n_features_in_,)
        The internal feature scaling: the network sees
        ``(X - center_) / scale_``.

    n_iter_ : int
        Number of epochs run.

    best_epoch_ : int
        Epoch whose weights were kept (0 means the initial ones).

    loss_curve_ : list of float
        Training loss per epoch (in the network's scaled units).

    validation_loss_curve_ : list of float or None
        Validation loss per epoch, None without a validation set.

    reconstruction_error_ : float
        Mean squared reconstruction error of the training data, in the units
        of ``X`` (mean binary cross-entropy with ``loss="bce"``).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.decomposition.PCA : The linear method this replaces.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import AutoencoderTransformer
    >>> X, _ = load_digits(return_X_y=True)
    >>> ae = AutoencoderTransformer(n_components=8, random_state=0)
    >>> ae.fit_transform(X).shape
    (1797, 8)
    >>> ae.inverse_transform(ae.transform(X[:3])).shape
    (3, 64)
    """

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
        X = self._fit(X)
        self.reconstruction_error_ = float(np.mean(self._reconstruction_errors(X)))
        return self

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
        X_original : ndarray or DataFrame of shape (n_samples, n_features_in_)
            Reconstructions in the units of the training data; a DataFrame
            with the training column names when ``set_output(transform=
            "pandas")`` is on.
        """
        check_is_fitted(self, "net_")
        Z = self._check_codes(X)
        X_hat = self._decode(Z, Z.dtype)
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
            ``loss="bce"``), in float64.
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

    @property
    def _n_features_out(self):
        return self.n_components

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags

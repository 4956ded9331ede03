"""VariationalAutoencoder: a generative autoencoder (Kingma and Welling, 2014)."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._compat import Interval, validate_params
from ._docs import fill_doc
from ._engine.modules import VariationalModule
from ._engine.net import VariationalNet
from ._transformer import AutoencoderTransformer
from ._validation import check_X


@fill_doc
class VariationalAutoencoder(AutoencoderTransformer):
    """A variational autoencoder: codes with a Gaussian prior, and new rows.

    The encoder gives a Gaussian posterior over the code (a mean and a
    log-variance); training samples the code by the reparameterisation trick
    and maximises the evidence lower bound (ELBO): the reconstruction
    log-likelihood under a Gaussian decoder whose variance is learned, minus
    ``beta`` times the KL divergence from the standard normal prior.
    ``transform`` returns the posterior mean, so it is deterministic;
    ``inverse_transform`` decodes any codes, so interpolating between two rows
    is ``inverse_transform`` of a line between their codes; ``sample`` draws
    new rows. As in ``AutoencoderTransformer``, the posterior mean starts at
    PCA's whitened scores, which already have the prior's scale.

    Parameters
    ----------
    n_components : int, default=2
        Size of the code (the bottleneck). At most the number of features.

    beta : float, default=1.0
        Weight of the KL term: above 1 a smoother, more disentangled code,
        below 1 sharper reconstructions.

{base_parameters}
    Attributes
    ----------
{transformer_attributes}
{base_attributes}
    See Also
    --------
    AutoencoderTransformer : The deterministic autoencoder.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import VariationalAutoencoder
    >>> X, _ = load_digits(return_X_y=True)
    >>> vae = VariationalAutoencoder(n_components=8, max_epochs=20, random_state=0).fit(X)
    >>> vae.sample(5, random_state=0).shape
    (5, 64)
    >>> vae.score_samples(X[:3]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **AutoencoderTransformer._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "beta": [Interval(Real, 0, None, closed="left")],
    }
    _net_class = VariationalNet
    _module_class = VariationalModule
    # Its likelihood is per column of the rows, so the decoder rebuilds them.
    _rebuilds_principal_coordinates = False

    def __init__(
        self,
        n_components=2,
        *,
        beta=1.0,
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

    def score_samples(self, X):
        """The ELBO of each row, per feature (higher is more likely).

        Evaluated at the posterior mean, so it is deterministic; constants
        are dropped, so compare it between rows and models on the same data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Rows to score.

        Returns
        -------
        elbo : ndarray of shape (n_samples,)
            In float64.
        """
        check_is_fitted(self, "net_")
        X = check_X(self, X, reset=False)
        net, module = self.net_, self.net_.module_

        def elbo(x):
            x_net = self._to_net(x)
            return -net.row_losses(module(x_net), x_net).double()

        return self._apply(elbo, X, (), np.float64)

    @validate_params(
        {"n_samples": [Interval(Integral, 1, None, closed="left")],
         "random_state": ["random_state"]},
        prefer_skip_nested_validation=True,
    )
    def sample(self, n_samples=1, random_state=None):
        """Draw new rows: decode codes drawn from the standard normal prior.

        Parameters
        ----------
        n_samples : int, default=1
            How many rows to draw.

        random_state : int, RandomState instance or None, default=None
            Seeds the draw.

        Returns
        -------
        X : ndarray or DataFrame of shape (n_samples, n_features)
            The decoder's mean for each drawn code, in the units of the
            training data; a DataFrame with the training column names when
            the estimator was fitted on one, with its dtypes for a table with
            categorical columns (each categorical entry the most likely level).
        """
        check_is_fitted(self, "net_")
        codes = check_random_state(random_state).standard_normal((n_samples, self.n_components_))
        names = getattr(self, "feature_names_in_", None)
        return self._columns.decode(self._decode(codes, np.float64), names=names,
                                    container=None if names is None else "input")

    def _net_params(self):
        return {"beta": self.beta}

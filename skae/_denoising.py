"""DenoisingAutoencoder: the transformer trained to rebuild clean rows from corrupted ones."""

from numbers import Real

import numpy as np
import torch
from sklearn.base import clone

from ._compat import HasMethods, Interval, StrOptions
from ._docs import fill_doc
from ._transformer import AutoencoderTransformer
from .noise import NOISES, Corruption, FeatureStats


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
{transformer_n_components}

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
        if not self._columns.is_identity:
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

"""Corruption for denoising autoencoders.

Each noise is a small estimator that stores only its parameters, so
``clone``, ``repr`` and ``set_params(noise__level=0.3)`` work in grid
searches. ``corrupt(X, stats)`` takes a float32 tensor of rows in the units
of the training data and returns a corrupted copy, drawing from the
fit's own ``torch.Generator`` (seeded from ``random_state``; torch's global
generator is left alone). To write your own noise, subclass ``BaseNoise``,
implement ``corrupt`` and draw with its ``_rand`` / ``_randn`` / ``_mask``
helpers, which use that generator.
"""

import math
from dataclasses import dataclass
from numbers import Integral, Real

import torch
from sklearn.base import BaseEstimator

from ._compat import Interval
from ._scaling import column_stats
from ._engine.torch_utils import current_generator, rand, randn

__all__ = ["BaseNoise", "GaussianNoise", "MaskingNoise", "SaltPepperNoise", "SwapNoise",
           "BlockMasking", "FeatureStats"]


@dataclass
class FeatureStats:
    """Per-feature statistics of the training data, as float32 tensors.

    Examples
    --------
    >>> import numpy as np
    >>> from skae.noise import FeatureStats
    >>> FeatureStats.from_array(np.array([[0.0, 1.0], [2.0, 3.0]])).max
    tensor([2., 3.])
    """

    std: torch.Tensor
    min: torch.Tensor
    max: torch.Tensor

    @classmethod
    def from_array(cls, X, device="cpu"):
        def tensor(values):
            return torch.as_tensor(values, dtype=torch.float32, device=device)

        std = column_stats(X)[1]
        return cls(tensor(std), tensor(X.min(axis=0)), tensor(X.max(axis=0)))

    @property
    def rms_std(self):
        """Root mean square of the standard deviations: the data's typical scale."""
        return torch.sqrt(torch.mean(self.std**2))


class BaseNoise(BaseEstimator):
    """Base class of corruptions: subclasses implement ``corrupt``.

    Parameters
    ----------
    level : float, default=0.2
        Strength of the corruption: a rate or a standard deviation factor.

    Examples
    --------
    >>> import torch
    >>> from skae.noise import BaseNoise, FeatureStats
    >>> class FlipSign(BaseNoise):
    ...     def corrupt(self, X, stats):
    ...         return torch.where(self._mask(X), -X, X)
    >>> X = torch.ones(4, 3)
    >>> FlipSign(level=0.0).corrupt(X, FeatureStats.from_array(X.numpy())).sum().item()
    12.0
    """

    _parameter_constraints: dict = {"level": [Interval(Real, 0, None, closed="left")]}

    def __init__(self, level=0.2):
        self.level = level

    def corrupt(self, X, stats):
        """Return a corrupted copy of the rows ``X`` (never modify ``X``).

        Parameters
        ----------
        X : torch.Tensor of shape (n_rows, n_features)
            Rows in the units of the training data.
        stats : FeatureStats
            Statistics of the training data.
        """
        raise NotImplementedError

    def _mask(self, X):
        """Entries chosen independently with probability ``level``."""
        return self._rand(X) < self.level

    @staticmethod
    def _rand(X):
        """Uniform [0, 1) draws shaped like ``X``, from the fit's generator."""
        return rand(X.shape, X)

    @staticmethod
    def _randn(X):
        """Standard normal draws shaped like ``X``, from the fit's generator."""
        return randn(X.shape, X)


class GaussianNoise(BaseNoise):
    """Add Gaussian noise of standard deviation ``level``, in the units of the data.

    The noise is the same for every feature, like the squared error the
    autoencoder minimises. Pass the standard deviation of the noise your
    data has (``level=0.25`` for pixels in [0, 1] with noise of 0.25); by
    default it follows the data's scale.

    Parameters
    ----------
    level : float or None, default=None
        Standard deviation of the noise, in the units of the data. None:
        half the data's typical scale, the root mean square of the
        features' standard deviations.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skae.noise import FeatureStats, GaussianNoise
    >>> X = np.random.RandomState(0).randn(1000, 3).astype(np.float32)
    >>> noisy = GaussianNoise(level=0.5).corrupt(torch.from_numpy(X), FeatureStats.from_array(X))
    >>> noisy.shape
    torch.Size([1000, 3])
    """

    _parameter_constraints: dict = {"level": [Interval(Real, 0, None, closed="left"), None]}
    #: With ``level=None``, the noise's standard deviation in units of the
    #: data's typical scale.
    default_relative_level = 0.5

    def __init__(self, level=None):
        super().__init__(level)

    def corrupt(self, X, stats):
        std = self.default_relative_level * stats.rms_std if self.level is None else self.level
        return X + self._randn(X) * std


class MaskingNoise(BaseNoise):
    """Set each entry to zero with probability ``level`` (dropout of inputs).

    Parameters
    ----------
    level : float, default=0.25
        Probability that an entry is set to zero.

    Examples
    --------
    >>> import torch
    >>> from skae.noise import FeatureStats, MaskingNoise
    >>> X = torch.ones(2, 4)
    >>> MaskingNoise(level=1.0).corrupt(X, FeatureStats.from_array(X.numpy()))
    tensor([[0., 0., 0., 0.],
            [0., 0., 0., 0.]])
    """

    def __init__(self, level=0.25):
        super().__init__(level)

    def corrupt(self, X, stats):
        return X.masked_fill(self._mask(X), 0.0)


class SaltPepperNoise(BaseNoise):
    """Set each entry, with probability ``level``, to its feature's minimum or
    maximum (each with probability one half).

    Parameters
    ----------
    level : float, default=0.1
        Probability that an entry is replaced.

    Examples
    --------
    >>> import torch
    >>> from skae.noise import FeatureStats, SaltPepperNoise
    >>> X = torch.tensor([[0.0, 5.0], [1.0, 7.0], [0.5, 6.0]])
    >>> out = SaltPepperNoise(level=1.0).corrupt(X, FeatureStats.from_array(X.numpy()))
    >>> bool(((out[:, 0] == 0) | (out[:, 0] == 1)).all())
    True
    """

    def __init__(self, level=0.1):
        super().__init__(level)

    def corrupt(self, X, stats):
        salt = self._rand(X) < 0.5
        extreme = torch.where(salt, stats.max, stats.min)
        return torch.where(self._mask(X), extreme, X)


class SwapNoise(BaseNoise):
    """Replace each entry, with probability ``level``, by the same feature's
    value in another random row of the batch: realistic values, broken rows.

    Parameters
    ----------
    level : float, default=0.15
        Probability that an entry is replaced.

    Examples
    --------
    >>> import torch
    >>> from skae.noise import FeatureStats, SwapNoise
    >>> X = torch.tensor([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]])
    >>> out = SwapNoise(level=1.0).corrupt(X, FeatureStats.from_array(X.numpy()))
    >>> bool(torch.isin(out[:, 1], X[:, 1]).all())
    True
    """

    def __init__(self, level=0.15):
        super().__init__(level)

    def corrupt(self, X, stats):
        donors = torch.randint(
            len(X), X.shape, generator=current_generator(X.device), device=X.device
        )
        swapped = torch.gather(X, 0, donors)
        return torch.where(self._mask(X), swapped, X)


class BlockMasking(BaseNoise):
    """Remove one random rectangular block of pixels from each image row.

    For rows that are images, flattened: with probability ``level`` a row
    loses a block of ``h`` by ``w`` pixels (each drawn uniformly from
    ``block_size``), at a uniformly drawn place, in every channel; the block
    is set to ``fill``. A denoising autoencoder trained with it learns to
    fill large holes from their surroundings (inpainting), where
    independent masking only teaches it to fill isolated pixels.

    Parameters
    ----------
    level : float, default=1.0
        Probability that a row loses a block.
    block_size : int or tuple of two int, default=(3, 4)
        Smallest and largest height (and width) of a block, in pixels; an
        int is a fixed size.
    image_shape : tuple of int or None, default=None
        ``(height, width)`` or ``(channels, height, width)`` of a row; None
        takes square one-channel images (64 features: 8x8).
    fill : float, default=0.0
        The value of the removed pixels, in the units of the data.

    Examples
    --------
    >>> import torch
    >>> from skae.noise import BlockMasking, FeatureStats
    >>> X = torch.ones(5, 64)
    >>> out = BlockMasking(block_size=2).corrupt(X, FeatureStats.from_array(X.numpy()))
    >>> (out == 0).sum(dim=1).tolist()
    [4, 4, 4, 4, 4]
    """

    _parameter_constraints: dict = {
        "level": [Interval(Real, 0, 1, closed="both")],
        "block_size": [Interval(Integral, 1, None, closed="left"), tuple],
        "image_shape": [tuple, None],
        "fill": [Real],
    }

    def __init__(self, level=1.0, block_size=(3, 4), image_shape=None, fill=0.0):
        super().__init__(level)
        self.block_size = block_size
        self.image_shape = image_shape
        self.fill = fill

    def _shape(self, n_features):
        shape = self.image_shape
        if shape is None:
            side = math.isqrt(n_features)
            if side * side != n_features:
                raise ValueError(
                    f"BlockMasking needs image_shape for rows of {n_features} features, "
                    "which are not square images."
                )
            return 1, side, side
        shape = (1, *shape) if len(shape) == 2 else tuple(shape)
        if math.prod(shape) != n_features:
            raise ValueError(
                f"BlockMasking(image_shape={self.image_shape!r}) does not fit rows "
                f"of {n_features} features."
            )
        return shape

    def corrupt(self, X, stats):
        channels, height, width = self._shape(X.shape[1])
        low, high = ((self.block_size,) * 2 if isinstance(self.block_size, Integral)
                     else self.block_size)
        if not 1 <= low <= high <= min(height, width):
            raise ValueError(
                f"block_size={self.block_size!r} must be from 1 up to the image's "
                f"{height}x{width}, smallest first."
            )
        n = len(X)

        def uniform_int(lo, hi):  # per row, lo..hi inclusive (tensors allowed)
            drawn = (lo + rand((n,), X) * (hi - lo + 1)).floor().long()
            return torch.minimum(drawn, torch.as_tensor(hi, device=X.device))

        h, w = uniform_int(low, high), uniform_int(low, high)
        top, left = uniform_int(0, height - h), uniform_int(0, width - w)
        rows = torch.arange(height, device=X.device)
        cols = torch.arange(width, device=X.device)
        inside = (
            ((rows >= top[:, None]) & (rows < (top + h)[:, None]))[:, :, None]
            & ((cols >= left[:, None]) & (cols < (left + w)[:, None]))[:, None, :]
        )
        inside &= (rand((n,), X) < self.level)[:, None, None]
        mask = inside[:, None].expand(n, channels, height, width).reshape(n, -1)
        return X.masked_fill(mask, self.fill)


NOISES = {
    "gaussian": GaussianNoise,
    "masking": MaskingNoise,
    "salt_pepper": SaltPepperNoise,
    "swap": SwapNoise,
}


class Corruption:
    """Corrupt rows of the network's scaled space with a noise defined in data units."""

    def __init__(self, noise, stats, center, scale):
        self.noise = noise
        self.stats = stats
        self.center = center
        self.scale = scale

    def __call__(self, X_scaled):
        raw = X_scaled * self.scale + self.center
        return (self.noise.corrupt(raw, self.stats) - self.center) / self.scale

"""Data and settings shared by the tests."""

import numpy as np

from skae import (
    AutoencoderImputer,
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    VariationalAutoencoder,
)
from skae.penalties import L1ActivityPenalty

#: One of each estimator, and a convolutional, tied, sparse variant.
ESTIMATORS = [
    AutoencoderTransformer(4),
    DenoisingAutoencoder(4, noise="swap"),
    AutoencoderOutlierDetector(),
    VariationalAutoencoder(4),
    AutoencoderImputer(),
    AutoencoderTransformer(4, penalty=L1ActivityPenalty(), tied_weights=True, image_shape=(8, 8)),
]
IDS = ["transformer", "denoising", "outlier", "variational", "imputer", "conv-tied-sparse"]

#: A small table: 300 rows near a 3-D subspace of 8 columns, with a curve.
_rng = np.random.RandomState(0)
_latent = _rng.randn(300, 3)
X_SMALL = np.c_[_latent @ _rng.randn(3, 6), np.sin(_latent[:, :2])] + 0.05 * _rng.randn(300, 8)


def output(est, X):
    """What an estimator returns for rows ``X``: scores, or else codes."""
    method = "score_samples" if hasattr(est, "score_samples") else "transform"
    return getattr(est, method)(X)


def reconstruction_error(est, X):
    return np.mean((est.inverse_transform(est.transform(X)) - X) ** 2)


def chunks(X, size=256):
    return [X[i : i + size] for i in range(0, len(X), size)]

"""Data and settings shared by the tests, and the one list of the estimators."""

import numpy as np

import skae
from skae._base import BaseAutoencoder
from skae import DenoisingAutoencoder, EncoderDecoderRegressor
from skae.penalties import L1ActivityPenalty

#: Every public autoencoder estimator, from ``skae.__all__``: the tests that
#: run over all estimators read it (or ``AUTOENCODERS``), so a new estimator
#: is tested everywhere once it is exported. (The threshold tuner around a
#: detector, ``TunedOutlierDetector``, and its ``OutlierClassifier`` adapter
#: need labels of both classes: tests/test_tuned.py tests them.)
PUBLIC = [getattr(skae, name) for name in skae.__all__
          if isinstance(getattr(skae, name), type)
          and issubclass(getattr(skae, name), BaseAutoencoder)]
#: Those trained on rows alone: every public estimator but the paired regressor.
AUTOENCODERS = [cls for cls in PUBLIC if cls is not EncoderDecoderRegressor]
#: Each autoencoder's short name, for test ids.
IDS = [{"AutoencoderTransformer": "transformer", "DenoisingAutoencoder": "denoising",
        "AutoencoderOutlierDetector": "outlier", "VariationalAutoencoder": "variational",
        "AutoencoderImputer": "imputer"}[cls.__name__] for cls in AUTOENCODERS]
#: Parameters an autoencoder is tested with beyond those a test asks for.
EXTRA = {DenoisingAutoencoder: {"noise": "masking"}}


def one_of_each(**params):
    """One instance of each autoencoder (in ``IDS``' order) with ``params``."""
    return [cls(**{**EXTRA.get(cls, {}), **params}) for cls in AUTOENCODERS]


#: One of each autoencoder, and a convolutional, tied, sparse variant.
ESTIMATORS = [
    *one_of_each(n_components=4),
    skae.AutoencoderTransformer(4, penalty=L1ActivityPenalty(), tied_weights=True,
                                image_shape=(8, 8)),
]
ESTIMATOR_IDS = [*IDS, "conv-tied-sparse"]

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

"""DenoisingAutoencoder: corruption only while training, and real denoising."""

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV, train_test_split

from skae import AutoencoderTransformer, DenoisingAutoencoder
from skae.noise import BaseNoise, MaskingNoise, SwapNoise

FAST = dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0)


def denoise(model, X):
    return model.inverse_transform(model.transform(X))


@pytest.fixture(scope="module")
def digits01(digits):
    X = digits[0] / 16.0
    return train_test_split(X, test_size=0.25, random_state=0)


def test_denoises_masked_digits_better_than_pca_and_plain_autoencoder(digits01):
    X_train, X_test = digits01
    X_noisy = X_test * (np.random.RandomState(1).rand(*X_test.shape) >= 0.3)
    dae = DenoisingAutoencoder(32, noise="masking", random_state=0).fit(X_train)
    pca = PCA(32).fit(X_train)
    dae_err = np.mean((denoise(dae, X_noisy) - X_test) ** 2)
    pca_err = np.mean((denoise(pca, X_noisy) - X_test) ** 2)
    assert dae_err < 0.5 * pca_err
    ae = AutoencoderTransformer(32, **FAST).fit(X_train)
    assert dae_err < np.mean((denoise(ae, X_noisy) - X_test) ** 2)


@pytest.mark.parametrize("noise", ["gaussian", "masking", "salt_pepper", "swap"])
def test_no_corruption_at_inference(noise, digits01):
    X_train, X_test = digits01
    dae = DenoisingAutoencoder(4, noise=noise, noise_level=0.9, **FAST).fit(X_train)
    np.testing.assert_array_equal(dae.transform(X_test), dae.transform(X_test))
    with torch.inference_mode():
        expected = dae.module_.encode(torch.from_numpy(dae._scale(X_test))).numpy()
    np.testing.assert_allclose(dae.transform(X_test), expected, rtol=1e-6, atol=1e-6)


def test_noise_level_zero_trains_like_the_plain_autoencoder(digits01):
    X_train, X_test = digits01
    dae = DenoisingAutoencoder(4, noise="masking", noise_level=0.0, **FAST).fit(X_train)
    ae = AutoencoderTransformer(4, **FAST).fit(X_train)
    np.testing.assert_array_equal(dae.transform(X_test), ae.transform(X_test))


def test_reproducible_and_seed_dependent(digits01):
    X_train, X_test = digits01
    a = DenoisingAutoencoder(4, noise="swap", **FAST).fit(X_train).transform(X_test)
    b = DenoisingAutoencoder(4, noise="swap", **FAST).fit(X_train).transform(X_test)
    np.testing.assert_array_equal(a, b)
    c = DenoisingAutoencoder(4, noise="swap", **{**FAST, "random_state": 1})
    assert not np.allclose(a, c.fit(X_train).transform(X_test))


def test_noise_object_and_level_override(digits01):
    X_train, _ = digits01
    noise = MaskingNoise(level=0.4)
    dae = DenoisingAutoencoder(4, noise=noise, **FAST).fit(X_train)
    assert dae.noise_.level == 0.4 and dae.noise_ is not noise
    dae = DenoisingAutoencoder(4, noise=noise, noise_level=0.1, **FAST).fit(X_train)
    assert dae.noise_.level == 0.1 and noise.level == 0.4
    assert DenoisingAutoencoder(noise="swap", **FAST).fit(X_train).noise_.level == 0.15


def test_grid_search_over_noise_level(digits01):
    X_train, _ = digits01
    search = GridSearchCV(
        DenoisingAutoencoder(4, noise=SwapNoise(), **FAST),
        {"noise__level": [0.05, 0.3]},
        cv=2,
    ).fit(X_train)
    assert search.best_params_["noise__level"] in (0.05, 0.3)


def test_user_supplied_noise(digits01):
    X_train, _ = digits01
    calls = []

    class FlipNoise(BaseNoise):
        def corrupt(self, X, stats):
            calls.append(len(X))
            flip = self._mask(X)
            return torch.where(flip, stats.max + stats.min - X, X)

    dae = DenoisingAutoencoder(4, noise=FlipNoise(level=0.2), **FAST).fit(X_train)
    # Every training batch, and the validation rows once.
    assert len(calls) == 5 * dae.net_.history[-1, "train_batch_count"] + 1


def test_bad_noise_is_refused():
    with pytest.raises(ValueError, match="noise"):
        DenoisingAutoencoder(noise="pink").fit(np.random.rand(30, 3))

"""Corruptions: the right rate or scale, and level 0 is the identity."""

import numpy as np
import pytest
import torch
from sklearn.base import clone

from skae.noise import (
    NOISES,
    FeatureStats,
    GaussianNoise,
    MaskingNoise,
    SaltPepperNoise,
    SwapNoise,
)


@pytest.fixture
def data():
    rng = np.random.RandomState(0)
    X = (rng.rand(2000, 50) * np.linspace(1, 10, 50) + 1.0).astype(np.float32)
    return torch.from_numpy(X), FeatureStats.from_array(X)


@pytest.mark.parametrize("name", sorted(NOISES))
def test_level_zero_is_identity(name, data):
    X, stats = data
    torch.manual_seed(0)
    assert torch.equal(NOISES[name](level=0.0).corrupt(X, stats), X)


@pytest.mark.parametrize("name", sorted(NOISES))
def test_input_is_not_modified(name, data):
    X, stats = data
    before = X.clone()
    NOISES[name](level=0.5).corrupt(X, stats)
    assert torch.equal(X, before)


@pytest.mark.parametrize("name", sorted(NOISES))
def test_noise_is_a_clonable_estimator(name):
    noise = NOISES[name]()
    assert clone(noise).get_params() == noise.get_params()
    assert noise.set_params(level=0.3).level == 0.3
    assert repr(NOISES[name](level=0.3)) == f"{type(noise).__name__}(level=0.3)"


def test_masking_rate(data):
    X, stats = data
    torch.manual_seed(0)
    out = MaskingNoise(level=0.3).corrupt(X, stats)
    assert (out == 0).float().mean().item() == pytest.approx(0.3, abs=0.01)
    kept = out != 0
    assert torch.equal(out[kept], X[kept])


def test_salt_pepper_rate_and_values(data):
    X, stats = data
    torch.manual_seed(0)
    out = SaltPepperNoise(level=0.2).corrupt(X, stats)
    salt = out == stats.max
    pepper = out == stats.min
    changed = (salt | pepper) & (out != X)
    assert changed.float().mean().item() == pytest.approx(0.2, abs=0.01)
    assert salt.float().mean().item() == pytest.approx(pepper.float().mean().item(), abs=0.01)
    assert torch.equal(out[~(salt | pepper)], X[~(salt | pepper)])


def test_swap_rate_and_values_come_from_the_same_column(data):
    X, stats = data
    torch.manual_seed(0)
    out = SwapNoise(level=0.15).corrupt(X, stats)
    changed = out != X
    assert changed.float().mean().item() == pytest.approx(0.15, abs=0.01)
    rows, cols = torch.nonzero(changed, as_tuple=True)
    for r, c in list(zip(rows.tolist(), cols.tolist()))[:200]:
        assert (X[:, c] == out[r, c]).any()


def test_gaussian_scale(data):
    X, stats = data
    torch.manual_seed(0)
    out = GaussianNoise(level=0.4).corrupt(X, stats)
    assert (out - X).std().item() == pytest.approx(0.4 * stats.rms_std.item(), rel=0.01)
    assert (out - X).mean().item() == pytest.approx(0.0, abs=0.01)


@pytest.mark.parametrize("noise", [GaussianNoise(level=-1.0), MaskingNoise(level="high")],
                         ids=["negative", "string"])
def test_invalid_noise_is_a_clear_error(data, noise):
    from skae import DenoisingAutoencoder

    X = np.random.RandomState(0).randn(60, 4)
    with pytest.raises(ValueError, match="'level' parameter of .*Noise must be"):
        DenoisingAutoencoder(noise=noise, max_epochs=1).fit(X)


def test_noise_draws_from_the_fits_generator_only(data):
    from skae._torch_utils import fit_generator, new_generator

    X, stats = data
    state = torch.get_rng_state()
    draws = []
    for _ in range(2):
        with fit_generator(new_generator(0, "cpu")):
            draws.append([noise.corrupt(X, stats) for noise in
                          (GaussianNoise(), MaskingNoise(), SaltPepperNoise(), SwapNoise())])
    for a, b in zip(*draws):
        assert torch.equal(a, b)
    assert torch.equal(torch.get_rng_state(), state)

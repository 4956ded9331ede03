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
    assert (out - X).std().item() == pytest.approx(0.4, rel=0.01)
    assert (out - X).mean().item() == pytest.approx(0.0, abs=0.01)
    # By default, half the data's typical scale.
    out = GaussianNoise().corrupt(X, stats)
    assert (out - X).std().item() == pytest.approx(0.5 * stats.rms_std.item(), rel=0.01)


@pytest.mark.parametrize("noise", [GaussianNoise(level=-1.0), MaskingNoise(level="high")],
                         ids=["negative", "string"])
def test_invalid_noise_is_a_clear_error(data, noise):
    from skae import DenoisingAutoencoder

    X = np.random.RandomState(0).randn(60, 4)
    with pytest.raises(ValueError, match="'level' parameter of .*Noise must be"):
        DenoisingAutoencoder(noise=noise, max_epochs=1).fit(X)


def test_noise_draws_from_the_fits_generator_only(data):
    from skae._engine.torch_utils import fit_generator, new_generator

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


def test_block_masking_removes_one_rectangle_per_row():
    from skae.noise import BlockMasking

    X = torch.rand(500, 3 * 6 * 8) + 1.0  # no zeros: the removed pixels are the zeros
    noise = BlockMasking(block_size=(2, 4), image_shape=(3, 6, 8))
    out = noise.corrupt(X, FeatureStats.from_array(X.numpy()))
    removed = (out == 0).reshape(500, 3, 6, 8)
    # The same block in every channel, and nothing else changed.
    assert torch.equal(removed[:, 0], removed[:, 1]) and torch.equal(removed[:, 0], removed[:, 2])
    assert torch.equal(out[out != 0], X[out != 0])
    sizes = set()
    for block in removed[:, 0]:
        rows, cols = torch.nonzero(block.any(1)).ravel(), torch.nonzero(block.any(0)).ravel()
        h, w = len(rows), len(cols)
        # A full rectangle of contiguous rows and columns.
        assert block.sum() == h * w and rows.max() - rows.min() == h - 1
        assert cols.max() - cols.min() == w - 1
        sizes.add((h, w))
    assert sizes == {(h, w) for h in range(2, 5) for w in range(2, 5)}


def test_block_masking_level_is_the_share_of_rows_with_a_block():
    from skae.noise import BlockMasking

    X = torch.ones(4000, 64)
    out = BlockMasking(level=0.3, fill=-1.0).corrupt(X, FeatureStats.from_array(X.numpy()))
    assert (out == -1).any(1).float().mean().item() == pytest.approx(0.3, abs=0.03)
    assert set(out.unique().tolist()) == {-1.0, 1.0}


@pytest.mark.parametrize("kwargs, n_features, match", [
    ({}, 60, "needs image_shape for rows of 60 features"),
    ({"image_shape": (4, 4)}, 64, r"image_shape=\(4, 4\)\) does not fit rows of 64"),
    ({"block_size": 9}, 64, "block_size=9 must be from 1 up to the image's 8x8"),
])
def test_block_masking_errors_name_the_problem(kwargs, n_features, match):
    from skae.noise import BlockMasking

    X = torch.ones(3, n_features)
    with pytest.raises(ValueError, match=match):
        BlockMasking(**kwargs).corrupt(X, FeatureStats.from_array(X.numpy()))

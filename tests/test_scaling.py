"""Feature scaling: the center and scale of each column the network sees."""

import numpy as np
import pytest

from skae._scaling import column_stats, fit_scaler

rng = np.random.RandomState(0)
X = rng.randn(500, 4) * [1.0, 10.0, 0.1, 3.0] + [0.0, 5.0, -2.0, 1.0]


def test_column_stats_skip_missing_entries():
    Y = X.copy()
    Y[::3, 1] = np.nan
    mean, std = column_stats(Y, chunk_size=64)
    observed = Y[~np.isnan(Y[:, 1]), 1]
    assert mean[1] == pytest.approx(observed.mean())
    assert std[1] == pytest.approx(observed.std())


@pytest.mark.parametrize("scaling", ["standard", "robust", "minmax"])
def test_scaled_columns_are_comparable(scaling):
    center, scale = fit_scaler(X, scaling)
    scaled = (X - center) / scale
    spread = scaled.std(axis=0)
    assert spread.max() / spread.min() < 1.5


def test_minmax_maps_onto_zero_one():
    center, scale = fit_scaler(X, "minmax")
    scaled = (X - center) / scale
    np.testing.assert_allclose(scaled.min(0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled.max(0), 1.0)


def test_nearly_constant_columns_get_the_floor_and_constant_ones_a_scale():
    Y = np.c_[X[:, :2], np.full(500, 3.0), 1e-9 * rng.randn(500)]
    center, scale = fit_scaler(Y, "standard", floor=1e-2)
    rms = np.sqrt(np.mean(np.r_[X[:, :2].std(0), 0.0, 1e-9] ** 2))
    assert scale[2] == pytest.approx(1e-2 * rms, rel=1e-3)
    assert scale[3] == pytest.approx(1e-2 * rms, rel=1e-3)
    center, scale = fit_scaler(np.zeros((10, 2)), "standard")
    np.testing.assert_array_equal(scale, 1.0)


def test_no_scaling_is_the_identity():
    center, scale = fit_scaler(X, None)
    np.testing.assert_array_equal(center, 0.0)
    np.testing.assert_array_equal(scale, 1.0)

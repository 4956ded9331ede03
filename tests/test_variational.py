"""VariationalAutoencoder: deterministic codes, sampling, interpolation, ELBO."""

import numpy as np
import pandas as pd
import pytest
from sklearn.neighbors import NearestNeighbors

from skae import VariationalAutoencoder

FAST = dict(hidden_layer_sizes=(32,), max_epochs=20, random_state=0)


@pytest.fixture(scope="module")
def fitted(digits):
    return VariationalAutoencoder(n_components=2, random_state=0).fit(digits[0])


def test_samples_lie_near_the_data(digits, fitted):
    X = digits[0]
    samples = fitted.sample(500, random_state=0)
    rng = np.random.RandomState(0)
    independent = X.mean(0) + X.std(0) * rng.randn(500, X.shape[1])
    nn = NearestNeighbors(n_neighbors=1).fit(X)
    ratio = nn.kneighbors(samples)[0].mean() / nn.kneighbors(independent)[0].mean()
    assert ratio <= 0.6


def test_transform_is_the_deterministic_posterior_mean(digits, fitted):
    X = digits[0][:50]
    np.testing.assert_array_equal(fitted.transform(X), fitted.transform(X))
    assert fitted.transform(X).shape == (50, 2)


def test_sample_reproducible_and_shaped(fitted):
    a = fitted.sample(7, random_state=3)
    np.testing.assert_array_equal(a, fitted.sample(7, random_state=3))
    assert a.shape == (7, 64)
    assert not np.allclose(a, fitted.sample(7, random_state=4))


def test_sample_returns_a_dataframe_when_fitted_on_one(digits):
    df = pd.DataFrame(digits[0][:, :10], columns=[f"p{i}" for i in range(10)])
    vae = VariationalAutoencoder(**FAST).fit(df)
    out = vae.sample(4, random_state=0)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == list(df.columns)


def test_interpolation_is_two_lines(digits, fitted):
    a, b = fitted.transform(digits[0][[0, 1]])
    path = fitted.inverse_transform(np.linspace(a, b, 9))
    assert path.shape == (9, 64)
    np.testing.assert_allclose(path[0], fitted.inverse_transform(a[None])[0])


def test_elbo_is_higher_for_digits_than_for_noise(digits, fitted):
    X = digits[0][:200]
    noise = np.random.RandomState(0).uniform(0, 16, size=X.shape)
    scores = fitted.score_samples(X)
    assert scores.dtype == np.float64 and np.all(np.isfinite(scores))
    assert np.median(scores) > np.max(fitted.score_samples(noise))
    assert fitted.score(X) == pytest.approx(scores.mean())


def test_beta_pulls_the_posterior_towards_the_prior(digits):
    X = digits[0]
    codes = {
        beta: VariationalAutoencoder(n_components=4, beta=beta, **FAST).fit(X).transform(X)
        for beta in (0.1, 10.0)
    }
    # The prior's KL penalises spread-out posterior means.
    assert np.mean(codes[10.0] ** 2) < np.mean(codes[0.1] ** 2)


def test_sample_validates_n_samples(fitted):
    with pytest.raises(ValueError, match="n_samples"):
        fitted.sample(0)

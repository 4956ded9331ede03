"""The starting point of training: PCA's and reduced-rank regression's solutions."""

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from skae._engine.modules import Autoencoder
from skae._start import block_logits, pca_init, principal_axes, reduced_rank_init, start_module

rng = np.random.RandomState(0)
X = rng.randn(300, 3) @ rng.randn(3, 6) + 0.1 * rng.randn(300, 6)


def test_pca_init_rebuilds_as_pca_does():
    enc_w, enc_b, dec_w, dec_b = pca_init(X, np.ones(6), 2)
    rebuilt = (X @ enc_w.T + enc_b) @ dec_w.T + dec_b
    pca = PCA(2).fit(X)
    np.testing.assert_allclose(rebuilt, pca.inverse_transform(pca.transform(X)), atol=1e-8)
    codes = X @ enc_w.T + enc_b
    np.testing.assert_allclose(codes.std(0), 1.0, rtol=1e-6)  # whitened scores


def test_principal_axes_have_pca_signs():
    center, lam, V = principal_axes(X, np.ones(6))
    pca = PCA().fit(X)
    np.testing.assert_allclose(np.abs(V.T), np.abs(pca.components_), atol=1e-8)
    assert np.all(np.diff(lam) <= 0)
    # The sign is fixed by each axis's largest entry, whatever LAPACK returns.
    assert np.all(V[np.argmax(np.abs(V), axis=0), np.arange(6)] > 0)


def test_reduced_rank_regression_of_the_input_on_itself_is_pca():
    pca_start = pca_init(X, np.ones(6), 2)
    rrr_start = reduced_rank_init(X, X, np.ones(6), 2)
    rebuild = [(X @ e.T + eb) @ d.T + db for e, eb, d, db in (pca_start, rrr_start)]
    np.testing.assert_allclose(rebuild[0], rebuild[1], atol=1e-5)


def test_a_started_module_computes_the_linear_solution():
    module = Autoencoder(6, 2, hidden_layer_sizes=(8,))
    start_module(module, X.astype(np.float32), weight=np.ones(6), n_components=2,
                 tied=False, loss="mse", output_scaling=(np.zeros(6), np.ones(6)))
    with torch.no_grad():
        rebuilt = module(torch.from_numpy(X.astype(np.float32)))[0].numpy()
    pca = PCA(2).fit(X)
    np.testing.assert_allclose(rebuilt, pca.inverse_transform(pca.transform(X)), atol=1e-4)


def test_block_logits_keep_pcas_most_likely_level():
    levels = rng.randint(0, 3, 400)
    one_hot = np.eye(3)[levels]
    shares = one_hot.mean(0)
    rows = np.c_[levels + 0.3 * rng.randn(400), one_hot - shares]
    enc_w, enc_b, dec_w, dec_b = pca_init(rows, np.ones(4), 1)
    center = np.r_[0.0, shares]
    new_w, new_b = block_logits(rows, enc_w, enc_b, dec_w, dec_b, [(1, 4)], center, False)
    codes = rows @ enc_w.T + enc_b
    before = codes @ dec_w[1:].T + dec_b[1:] + shares
    after = codes @ new_w[1:].T + new_b[1:]
    np.testing.assert_array_equal(before.argmax(1), after.argmax(1))
    np.testing.assert_array_equal(new_w[0], dec_w[0])  # the numeric column is left alone
    c = new_w[1:] / dec_w[1:]
    assert np.allclose(c, c.flat[0]) and c.flat[0] >= 0.25


@pytest.mark.parametrize("tied", [False, True])
def test_block_logits_with_tied_weights_have_no_sharpness(tied):
    rows = rng.randn(50, 3)
    enc_w, enc_b, dec_w, dec_b = pca_init(rows, np.ones(3), 1)
    new_w, _ = block_logits(rows, enc_w, enc_b, dec_w, dec_b, [(1, 3)], np.zeros(3), tied)
    if tied:
        np.testing.assert_array_equal(new_w, dec_w)

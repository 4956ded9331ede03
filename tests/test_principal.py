"""The wide-table principal map: principal coordinates in place of the rows."""

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from skae._principal import NO_PRINCIPAL_MAP, PrincipalMap

rng = np.random.RandomState(0)
WIDE = rng.randn(200, 5) @ rng.randn(5, 60) + 1e-4 * rng.randn(200, 60)


def test_the_identity_leaves_the_output_alone():
    out = torch.randn(3, 4)
    assert NO_PRINCIPAL_MAP.expand(out) is out and not NO_PRINCIPAL_MAP.active


def test_a_wide_low_rank_table_keeps_its_leading_directions():
    principal, axes = PrincipalMap.fit(WIDE, np.ones(60), n_components=2)
    assert principal.active and principal.n_outputs == 5
    scores = principal.targets(WIDE.astype(np.float32))
    np.testing.assert_allclose(scores.std(0), 1.0, rtol=1e-3)  # whitened
    rows = principal.expand(torch.from_numpy(scores.astype(np.float64))).numpy()
    np.testing.assert_allclose(rows, WIDE, atol=1e-3)
    assert axes[0].shape == (60,)


def test_the_linear_start_is_pca():
    principal, _ = PrincipalMap.fit(WIDE, np.ones(60), n_components=2)
    enc_w, enc_b, dec_w, dec_b = principal.linear_start(2)
    codes = WIDE @ enc_w.T + enc_b
    rows = principal.expand(torch.from_numpy(codes @ dec_w.T + dec_b)).numpy()
    pca = PCA(2).fit(WIDE)
    np.testing.assert_allclose(rows, pca.inverse_transform(pca.transform(WIDE)), atol=1e-6)


@pytest.mark.parametrize("data", [rng.randn(100, 6), np.zeros((50, 10))])
def test_narrow_or_constant_tables_keep_the_rows(data):
    principal, _ = PrincipalMap.fit(data, np.ones(data.shape[1]), n_components=2)
    assert principal is NO_PRINCIPAL_MAP

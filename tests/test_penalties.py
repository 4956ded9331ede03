"""The penalty objects on their own: zero at weight 0, scale-invariant, what they prefer."""

import numpy as np
import pytest
import torch
from sklearn.base import clone

from skae._engine.modules import Autoencoder
from skae.penalties import (
    ContractivePenalty,
    KLSparsityPenalty,
    L1ActivityPenalty,
    jacobian_norms,
)

PENALTIES = [L1ActivityPenalty(), KLSparsityPenalty(), ContractivePenalty()]


@pytest.mark.parametrize("penalty", PENALTIES, ids=lambda p: type(p).__name__)
def test_penalty_is_zero_at_zero_weight(penalty):
    module = Autoencoder(6, 3, (8,))
    X = torch.randn(40, 6)
    code = module.encode(X)
    assert clone(penalty).set_params(weight=0)(code, X, module, True).item() == 0
    assert penalty(code, X, module, True).item() > 0


@pytest.mark.parametrize("penalty", PENALTIES, ids=lambda p: type(p).__name__)
def test_penalties_are_scale_invariant(penalty):
    # Shrinking the code (which the decoder could undo) must not help.
    torch.manual_seed(0)
    module = Autoencoder(6, 3, ())
    X = torch.randn(200, 6)
    before = penalty(module.encode(X), X, module).item()
    with torch.no_grad():
        module.encoder.layers[0].weight.mul_(0.01)
        module.encoder.layers[0].bias.mul_(0.01)
    after = penalty(module.encode(X), X, module).item()
    assert after == pytest.approx(before, rel=1e-3)


def test_l1_penalty_prefers_sparse_codes():
    rng = np.random.RandomState(0)
    dense = torch.as_tensor(rng.randn(100, 8))
    sparse = dense * torch.as_tensor(rng.rand(100, 8) < 0.2)
    penalty = L1ActivityPenalty(weight=1.0)
    assert penalty(sparse, None, None) < 0.75 * penalty(dense, None, None)
    one_hot = torch.eye(8).repeat(10, 1)
    assert penalty(one_hot, None, None).item() == pytest.approx(8**-0.5)


def test_kl_penalty_is_smallest_at_its_target():
    rng = np.random.RandomState(0)
    dense = torch.as_tensor(rng.randn(400, 8))
    rates = (0.05, 0.3)
    for rate, other in zip(rates, rates[::-1]):
        sparse = dense * torch.as_tensor(rng.rand(400, 8) < rate)
        at_rate = KLSparsityPenalty(1.0, target=rate)(sparse, None, None)
        assert at_rate < KLSparsityPenalty(1.0, target=other)(sparse, None, None)


def test_contractive_estimate_is_the_jacobian_norm():
    # For a linear encoder z = W x, ||J||_F^2 = ||W||_F^2 at every row.
    torch.manual_seed(0)
    module = Autoencoder(10, 4, ())
    X = torch.randn(4000, 10)
    estimate = jacobian_norms(module, X).mean().item()
    exact = torch.sum(module.encoder.layers[0].weight ** 2).item()
    assert estimate == pytest.approx(exact, rel=0.05)
    # Validation estimates are repeatable; training ones are differentiable.
    assert torch.equal(jacobian_norms(module, X[:50]), jacobian_norms(module, X[:50]))
    jacobian_norms(module, X[:50], training=True).mean().backward()
    assert module.encoder.layers[0].weight.grad.abs().sum() > 0

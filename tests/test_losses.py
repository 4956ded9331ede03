"""Reconstruction losses: weighted squared error, cross-entropy per block, kinds."""

import pytest
import torch
from torch.nn import functional as F

from skae._engine.losses import Blocks, MaskedReconstructionLoss, ReconstructionLoss


def test_squared_error_is_weighted_per_column():
    output, target = torch.randn(8, 3), torch.randn(8, 3)
    weight = torch.tensor([1.0, 2.0, 0.5])
    loss = ReconstructionLoss("mse", torch.zeros(3), torch.ones(3), weight)
    torch.testing.assert_close(loss(output, target),
                               torch.mean(weight * (output - target) ** 2))


def test_binary_cross_entropy_is_on_the_unscaled_data():
    raw = torch.rand(8, 3)
    center, scale = torch.full((3,), 0.5), torch.full((3,), 0.25)
    logits = torch.randn(8, 3)
    loss = ReconstructionLoss("bce", center, scale, torch.ones(3))
    torch.testing.assert_close(loss(logits, (raw - center) / scale),
                               F.binary_cross_entropy_with_logits(logits, raw))


def test_block_probabilities_sum_to_one_per_block():
    blocks = Blocks([(1, 3), (3, 6)], 6)
    probabilities = blocks.softmax(torch.randn(4, 6))
    torch.testing.assert_close(probabilities[:, 1:3].sum(1), torch.ones(4))
    torch.testing.assert_close(probabilities[:, 3:6].sum(1), torch.ones(4))
    assert blocks.categorical.tolist() == [False, True, True, True, True, True]


def test_masked_loss_averages_over_observed_entries_only():
    output, target = torch.zeros(2, 2), torch.tensor([[1.0, float("nan")], [3.0, 2.0]])
    loss = MaskedReconstructionLoss("mse", torch.zeros(2), torch.ones(2), torch.ones(2))
    assert loss(output, target).item() == pytest.approx((1.0 + 9.0 + 4.0) / 3)


def test_minimax_validates_on_the_worse_kind():
    blocks = Blocks([(1, 3)], 3)
    target = torch.tensor([[0.0, 1.0, 0.0]])
    output = torch.tensor([[2.0, 0.0, 0.0]])  # numeric error 4, cross-entropy log 2
    loss = ReconstructionLoss("mse", torch.zeros(3), torch.ones(3), torch.ones(3), blocks,
                              kind_weight=[1.0, 1.0], minimax=True)
    numeric, categorical = 4.0, float(torch.log(torch.tensor(2.0)))
    assert loss.train()(output, target).item() == pytest.approx((numeric + categorical) / 2)
    assert loss.eval()(output, target).item() == pytest.approx(numeric)


def test_elementwise_cross_entropy_is_weighted_per_column():
    logits = torch.randn(6, 5)
    one_hot = F.one_hot(torch.tensor([0, 1, 2, 0, 1, 2]), 3).float()
    target = torch.cat([torch.randn(6, 2), one_hot], dim=1)
    weight = torch.tensor([1.0, 1.0, 2.0, 2.0, 2.0])
    loss = ReconstructionLoss("mse", torch.zeros(5), torch.ones(5), weight,
                              Blocks([(2, 5)], 5))
    entries = loss.elementwise(logits, target)
    expected = F.cross_entropy(logits[:, 2:], one_hot.argmax(1), reduction="none")
    torch.testing.assert_close(entries[:, 2:].sum(1), 2.0 * expected)
    torch.testing.assert_close(entries[:, :2], (logits[:, :2] - target[:, :2]) ** 2)

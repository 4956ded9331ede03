"""Reconstruction losses: torch modules between the decoder's output and its target."""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def float32_copy(values):
    """A float32 tensor copy of an array or tensor, never sharing its memory."""
    if isinstance(values, torch.Tensor):
        return values.detach().to(torch.float32).clone()
    return torch.from_numpy(np.array(values, dtype=np.float32))


class ReconstructionLoss(nn.Module):
    """Mean reconstruction loss between the decoder output and its input.

    The network sees standardised data ``x_s = (x - mean) / scale``.

    - ``"mse"``: squared error weighted per feature by ``weight``. With
      ``weight`` proportional to ``scale**2`` this is the squared error in the
      units of the original data, up to a constant factor: the objective PCA
      minimises. With equal weights, every standardised feature counts alike.
    - ``"bce"``: binary cross-entropy between ``sigmoid(output)`` and the
      original data, which must lie in [0, 1].
    """

    def __init__(self, loss, mean, scale, weight):
        super().__init__()
        self.loss = loss
        self.register_buffer("mean", float32_copy(mean))
        self.register_buffer("scale", float32_copy(scale))
        self.register_buffer("weight", float32_copy(weight))

    def elementwise(self, output, target):
        """The loss of every entry (weighted squared error, or cross-entropy)."""
        if self.loss == "bce":
            raw = (target * self.scale + self.mean).clamp(0.0, 1.0)
            return F.binary_cross_entropy_with_logits(output, raw, reduction="none")
        return self.weight * (output - target) ** 2

    def forward(self, output, target):
        return torch.mean(self.elementwise(output, target))


class MaskedReconstructionLoss(ReconstructionLoss):
    """``ReconstructionLoss`` averaged over the observed entries: NaN targets are skipped."""

    def forward(self, output, target):
        observed = ~torch.isnan(target)
        losses = self.elementwise(output, torch.nan_to_num(target))
        return torch.sum(torch.where(observed, losses, 0.0)) / observed.sum().clamp(min=1)

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


class Blocks(nn.Module):
    """Categorical columns' one-hot blocks among the decoder's outputs.

    ``blocks`` lists each block's ``(start, stop)``; the decoder's outputs
    there are logits of the column's levels. ``log_softmax`` turns them into
    log-probabilities per block in one gather (blocks padded to the widest).
    """

    def __init__(self, blocks, width):
        super().__init__()
        longest = max(stop - start for start, stop in blocks)
        index = torch.zeros(len(blocks), longest, dtype=torch.long)
        valid = torch.zeros(len(blocks), longest, dtype=torch.bool)
        for b, (start, stop) in enumerate(blocks):
            index[b, : stop - start] = torch.arange(start, stop)
            valid[b, : stop - start] = True
        categorical = torch.zeros(width, dtype=torch.bool)
        categorical[index[valid]] = True
        self.register_buffer("index", index)
        self.register_buffer("valid", valid)
        self.register_buffer("categorical", categorical)

    def log_softmax(self, output):
        """``output`` with each block's logits replaced by log-probabilities."""
        logits = output[:, self.index].masked_fill(~self.valid, -torch.inf)
        result = output.clone()
        result[:, self.index[self.valid]] = torch.log_softmax(logits, dim=-1)[:, self.valid]
        return result

    def softmax(self, output):
        """``output`` with each block's logits replaced by probabilities."""
        result = self.log_softmax(output)
        columns = self.categorical
        result[:, columns] = torch.exp(result[:, columns])
        return result


class ReconstructionLoss(nn.Module):
    """Mean reconstruction loss between the decoder output and its input.

    The network sees standardised data ``x_s = (x - mean) / scale``.

    - ``"mse"``: squared error weighted per feature by ``weight``. With
      ``weight`` proportional to ``scale**2`` this is the squared error in the
      units of the original data, up to a constant factor: the objective PCA
      minimises. With equal weights, every standardised feature counts alike.
    - ``"bce"``: binary cross-entropy between ``sigmoid(output)`` and the
      original data, which must lie in [0, 1].

    With ``blocks`` (a ``Blocks``), the outputs in each categorical column's
    one-hot block are logits, and the entries there carry that column's
    cross-entropy, weighted by ``weight``: the one-hot target's entry times
    minus the log-probability of its level. ``kind_weight`` then weighs the
    numeric and the categorical entries (in that order), and the loss is
    the mean over rows of their sum, halved. With ``minimax``, the loss in
    evaluation mode (validation) is instead the larger of the two kinds'
    means over rows: with kind weights that make each kind's loss 1 at the
    start, early stopping keeps the weights whose worse kind is best, so a
    gain on one kind cannot hide a loss on the other.
    """

    def __init__(self, loss, mean, scale, weight, blocks=None, kind_weight=None,
                 minimax=False):
        super().__init__()
        self.loss = loss
        self.register_buffer("mean", float32_copy(mean))
        self.register_buffer("scale", float32_copy(scale))
        self.register_buffer("weight", float32_copy(weight))
        self.blocks = blocks
        self.minimax = minimax
        kind_weight = None if kind_weight is None else float32_copy(kind_weight)
        self.register_buffer("kind_weight", kind_weight)

    def elementwise(self, output, target):
        """The loss of every entry (weighted squared error, or cross-entropy)."""
        if self.loss == "bce":
            raw = (target * self.scale + self.mean).clamp(0.0, 1.0)
            return F.binary_cross_entropy_with_logits(output, raw, reduction="none")
        losses = self.weight * (output - target) ** 2
        if self.blocks is None:
            return losses
        one_hot = target * self.scale + self.mean
        cross_entropy = -self.weight * one_hot * self.blocks.log_softmax(output)
        if self.kind_weight is not None:
            losses = losses * self.kind_weight[0]
            cross_entropy = cross_entropy * self.kind_weight[1]
        return torch.where(self.blocks.categorical, cross_entropy, losses)

    def forward(self, output, target):
        entries = self.elementwise(output, target)
        if self.kind_weight is None:
            return torch.mean(entries)
        return self._by_kind(entries, torch.ones_like(entries, dtype=torch.bool))

    def _by_kind(self, entries, observed):
        """The kinds' losses (each the sum of its observed entries per row,
        averaged over rows where it has one), combined."""
        categorical = self.blocks.categorical
        kinds = []
        for columns in (~categorical, categorical):
            seen = observed[:, columns]
            total = torch.where(seen, entries[:, columns], 0.0).sum()
            # Rows scaled by the share of the kind's entries observed in them.
            kinds.append(total / (seen.sum() / columns.sum()).clamp(min=1))
        kinds = torch.stack(kinds)
        if self.minimax and not self.training:
            return kinds.max()
        return kinds.sum() / 2


class MaskedReconstructionLoss(ReconstructionLoss):
    """``ReconstructionLoss`` averaged over the observed entries: NaN targets are skipped."""

    def forward(self, output, target):
        observed = ~torch.isnan(target)
        losses = self.elementwise(output, torch.nan_to_num(target))
        if self.kind_weight is not None:
            return self._by_kind(losses, observed)
        return torch.sum(torch.where(observed, losses, 0.0)) / observed.sum().clamp(min=1)

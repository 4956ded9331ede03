"""The hand-written PyTorch training loop the benchmarks compare skae against."""

import torch


def train_epoch(module, optimizer, data, batch_size):
    """One pass of plain minibatch training over the float32 tensor ``data``:
    ``randperm``, slices, mean squared reconstruction error."""
    perm = torch.randperm(len(data))
    for start in range(0, len(data), batch_size):
        xb = data[perm[start : start + batch_size]]
        optimizer.zero_grad(set_to_none=True)
        loss = torch.mean((module(xb)[0] - xb) ** 2)
        loss.backward()
        optimizer.step()

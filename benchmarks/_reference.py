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


def adamw(module, lr=1e-3, weight_decay=0.3):
    """AdamW as skae configures it: decay on the networks' weights only."""
    decayed = module.decayed_weights()
    ids = {id(p) for p in decayed}
    rest = [p for p in module.parameters() if id(p) not in ids]
    groups = [{"params": decayed, "weight_decay": weight_decay},
              {"params": rest, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr, fused=True)

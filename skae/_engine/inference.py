"""Batched inference: a function of rows applied in padded batches."""

import numpy as np
import torch

from .torch_utils import as_tensor, torch_threads

#: Rows per forward pass at inference time.
INFERENCE_BATCH_SIZE = 8192
#: Inference batches are padded to at least this many rows: on CPU, tiny
#: matrix products take other kernels whose float32 rounding differs, and a
#: row's output must not depend on how many rows came with it.
MIN_INFERENCE_ROWS = 64


def apply_batched(module, fn, A, shape, dtype):
    """``fn`` over padded batches of the rows ``A``, as torch tensors.

    ``module`` is put in evaluation mode and its device receives the
    batches. ``fn`` maps a tensor of rows of ``A`` to a tensor with as many
    rows; the results are gathered into a numpy array of ``shape`` per row
    and ``dtype``. Batches smaller than ``MIN_INFERENCE_ROWS`` are padded with
    zeros, so a row's result does not depend on its batch. It runs on
    torch's own thread count, shared with fits in other threads
    (``torch_threads``): a fit training beside it on one thread would
    otherwise change the count, and the float rounding, of its products.
    """
    if module.training:  # walking the module tree costs more than a small forward pass
        module.eval()
    device = next(module.parameters()).device
    out = np.empty((len(A), *shape), dtype=dtype)
    with torch.inference_mode(), torch_threads(None):
        for start in range(0, len(A), INFERENCE_BATCH_SIZE):
            x = as_tensor(A[start : start + INFERENCE_BATCH_SIZE])
            n = len(x)
            if n < MIN_INFERENCE_ROWS:
                x = torch.cat([x, x.new_zeros(MIN_INFERENCE_ROWS - n, *x.shape[1:])])
            out[start : start + n] = fn(x.to(device))[:n].cpu().numpy()
    return out

"""Counting sorted constants at most each value, in ONNX operators.

ONNX has no ``searchsorted``. Comparing every row with every constant costs
rows x constants memory (10,000 rows against 20,000 training values: 200
million comparisons); ``count_at_most`` compares with the first value of
each block of ``sqrt(n)`` constants, then within the one block that holds
the row, so a batch costs rows x 2 sqrt(n).
"""

import math

import numpy as np
from onnx import TensorProto

INT64 = TensorProto.INT64


def count_at_most(g, sorted_values, v):
    """``#{sorted_values <= v}`` for each entry of ``v`` (1-D): the block of
    ``sqrt(n)`` values holding ``v``, then the values within it."""
    n = len(sorted_values)
    width = max(1, math.isqrt(n - 1) + 1)
    n_blocks = -(-n // width)
    padded = np.full(n_blocks * width, np.nan)  # never at most anything
    padded[:n] = sorted_values
    blocks = padded.reshape(n_blocks, width)
    column = g.reshape(v, [-1, 1])

    def count(values):
        return g.reduce_sum(g.to(g.op("LessOrEqual", values, column), INT64), 1)

    heads = count(g.const(blocks[None, :, 0], np.float64))
    block = g.op("Max", g.sub(heads, g.const(1, np.int64)), g.const(0, np.int64))
    within = count(g.op("Gather", g.const(blocks, np.float64), block, axis=0))
    return g.add(g.mul(block, g.const(width, np.int64)), within)

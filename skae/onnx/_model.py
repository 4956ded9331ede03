"""A fitted estimator's inference as ONNX operators, in the data's units.

Each function mirrors a method of ``skae._inference.InferenceMixin``: the
input scaling into the network's float32 units (``to_net``), the code, the
reconstruction through the decoder and the wide-table principal map, and the
way back to the data's units (``from_net``, with level probabilities for a
categorical column's block). ``dtype`` is the numpy dtype the estimator
computes in for this input, float32 or float64, as its Python methods do.
"""

import numpy as np
from onnx import TensorProto

from . import _network

FLOAT = TensorProto.FLOAT


def onnx_type(dtype):
    return TensorProto.DOUBLE if np.dtype(dtype) == np.float64 else TensorProto.FLOAT


def to_net(g, estimator, x, dtype):
    """``_to_net``: rows in the data's units -> the network's float32 input."""
    center = g.const(estimator.center_, dtype)
    scale = g.const(estimator.scale_, dtype)
    scaled = g.div(g.sub(x, center), scale)
    return scaled if np.dtype(dtype) == np.float32 else g.to(scaled, FLOAT)


def from_net(g, estimator, out, dtype):
    """``_from_net``: the network's output -> rows in the data's units (a
    categorical column's block: its level probabilities)."""
    if estimator.loss == "bce":
        return g.to(g.op("Sigmoid", out), onnx_type(dtype))
    center, scale = estimator._output_scaling
    rows = g.add(g.mul(g.to(out, onnx_type(dtype)), g.const(scale, dtype)),
                 g.const(center, dtype))
    layout = estimator._output_columns.layout
    if layout is None or not layout.blocks:
        return rows
    pieces, start = [], 0
    for block_start, block_stop in layout.blocks:
        if block_start > start:
            pieces.append(g.columns(rows, start, block_start))
        logits = g.columns(out, block_start, block_stop)
        probabilities = g.op("Exp", g.op("LogSoftmax", logits, axis=1))
        pieces.append(g.to(probabilities, onnx_type(dtype)))
        start = block_stop
    if start < layout.width:
        pieces.append(g.columns(rows, start, layout.width))
    return g.concat(pieces)


def code(g, estimator, x_net):
    """The code's first ``n_components_`` units (float32) of the network's input."""
    z = _network.encode(g, estimator.net_.module_, x_net)
    width = estimator._module_args["n_components"]
    if width == estimator.n_components_:
        return z
    return g.columns(z, 0, estimator.n_components_)


def full_code(g, estimator, z):
    """``_full_code``: codes padded with zeros to the module's width."""
    missing = estimator._module_args["n_components"] - estimator.n_components_
    if not missing:
        return z
    return g.op("Pad", z, g.const([0, 0, 0, missing], np.int64), g.const(0.0))


def expand(g, estimator, out):
    """``PrincipalMap.expand``: principal scores -> scaled rows (the identity
    for every model but a wide table's)."""
    principal = estimator._principal
    if not principal.active:
        return out
    return g.add(g.matmul(out, g.const(principal.from_coordinates)), g.const(principal.center))


def decode(g, estimator, z):
    """``_decode`` without the way back: float32 codes -> the decoder's
    output in the network's units."""
    out = _network.decode(g, estimator.net_.module_, full_code(g, estimator, z))
    return expand(g, estimator, out)


def rebuild(g, estimator, x_net):
    """``_rebuild``: the module's reconstruction, in the network's units."""
    return decode(g, estimator, code(g, estimator, x_net))

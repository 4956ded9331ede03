"""The graph's input rows as the estimator's validated rows (``check_X``).

A numeric array is one input of ``n_features_in_`` columns. A DataFrame
sample gives skl2onnx one input per column, named as the column: numeric
columns are cast to float64, and a categorical, string or boolean column
becomes its one-hot block through the levels of training (ONNX-ML's
``LabelEncoder``), as ``TabularLayout.encode`` does.
"""

import numpy as np
from onnx import TensorProto

from ._model import onnx_type

_ML = "ai.onnx.ml"


def _element_type(variable):
    return variable.type.to_onnx_type().tensor_type.elem_type


def _width(variable):
    shape = variable.type.shape
    return shape[1] if len(shape) == 2 and isinstance(shape[1], int) else None


def rows_dtype(operator):
    """The dtype the estimator computes in: float32 for a single float32
    input, float64 otherwise (as ``check_X`` gives)."""
    inputs = operator.inputs
    if len(inputs) == 1 and _element_type(inputs[0]) == TensorProto.FLOAT:
        return np.float32
    return np.float64


def check_inputs(operator):
    """Raise a ValueError naming the difference when the graph's inputs are
    not the columns the estimator was fitted on."""
    estimator, inputs = operator.raw_operator, operator.inputs
    name = type(estimator).__name__
    n_features = estimator.n_features_in_
    layout = estimator._columns.layout
    if len(inputs) == 1 and layout is None:
        width = _width(inputs[0])
        if width is not None and width != n_features:
            raise ValueError(
                f"The sample has {width} columns, but {name} was fitted on "
                f"{n_features}: pass a sample of the training columns."
            )
        return
    names = [v.onnx_name for v in inputs]
    expected = getattr(estimator, "feature_names_in_", None)
    if len(inputs) != n_features:
        raise ValueError(
            f"The sample gives {len(inputs)} inputs ({names}), but {name} was "
            f"fitted on {n_features} columns: pass a DataFrame with the training columns."
        )
    if expected is not None and [str(c) for c in expected] != [v.raw_name for v in inputs]:
        raise ValueError(
            f"The sample's columns {[v.raw_name for v in inputs]} differ from those "
            f"{name} was fitted on, {[str(c) for c in expected]}."
        )


def check_codes(operator):
    """Raise where the sample of codes (``inverse_transform``) is not of
    ``n_components_`` columns."""
    estimator, inputs = operator.raw_operator, operator.inputs
    width = _width(inputs[0]) if len(inputs) == 1 else None
    if len(inputs) != 1 or (width is not None and width != estimator.n_components_):
        raise ValueError(
            f"inverse_transform takes codes of {estimator.n_components_} columns, "
            f"but the sample has {width if len(inputs) == 1 else len(inputs)} "
            f"{'columns' if len(inputs) == 1 else 'inputs'}: pass codes, such as "
            "transform(X[:1])."
        )


def _level_codes(g, column, variable):
    """Each row's position in the column's block (-1 for a level not seen in training)."""
    keys = list(column.index)
    positions = [int(column.index[k]) for k in keys]
    x, element = variable.onnx_name, _element_type(variable)
    if element == TensorProto.STRING:
        attrs = {"keys_strings": [str(k) for k in keys]}
    elif element in (TensorProto.FLOAT, TensorProto.DOUBLE):
        x = g.to(x, TensorProto.FLOAT)
        attrs = {"keys_floats": [float(k) for k in keys]}
    else:  # integers and booleans
        x = g.to(x, TensorProto.INT64)
        attrs = {"keys_int64s": [int(k) for k in keys]}
    return g.op("LabelEncoder", x, domain=_ML, version=2, values_int64s=positions,
                default_int64=-1, **attrs)


def encoded_rows(g, operator):
    """``(rows, unknown)``: the validated rows, of ``rows_dtype``, and for a
    mixed table a dict ``{column: bool tensor}`` of the rows holding a level
    not seen in training (their block is then the training shares, as
    ``check_X`` makes it for every estimator but the imputer, which is only
    exported for numeric tables)."""
    estimator, inputs = operator.raw_operator, operator.inputs
    dtype = rows_dtype(operator)
    target = onnx_type(dtype)
    layout = estimator._columns.layout
    if layout is None:
        pieces = [v.onnx_name if _element_type(v) == target else g.to(v.onnx_name, target)
                  for v in inputs]
        return g.concat(pieces), {}
    pieces, unknown = [], {}
    for j, (column, start, variable) in enumerate(zip(layout.columns, layout.starts, inputs)):
        if column.kind == "numeric":
            pieces.append(g.to(variable.onnx_name, target))
            continue
        codes = g.reshape(_level_codes(g, column, variable), [-1, 1])
        levels = g.const(np.arange(column.width)[None, :], np.int64)
        one_hot = g.to(g.op("Equal", codes, levels), target)
        unseen = g.op("Less", codes, g.const([[0]], np.int64))
        shares = estimator.center_[start : start + column.width]
        pieces.append(g.where(unseen, g.const(shares[None, :], dtype), one_hot))
        unknown[j] = g.reshape(unseen, [-1])
    return g.concat(pieces), unknown


def check_numeric(operator, what):
    """Raise where ``what`` is only exported for numeric tables."""
    estimator = operator.raw_operator
    if estimator._columns.layout is not None:
        raise ValueError(
            f"{what} of {type(estimator).__name__} fitted on a table with categorical "
            "columns cannot be exported to ONNX: it returns a DataFrame of levels. "
            "Fit it on numeric columns (for example after a OneHotEncoder) to export it."
        )

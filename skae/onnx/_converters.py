"""skl2onnx converters and shape calculators for skae's estimators.

One converter per kind of output: codes (the transformers' ``transform``;
with the ``inverse_transform`` option, rows from codes), filled rows (the
imputer), targets (the regressor's ``predict``) and the detector's labels
and scores (with the ``pvalues`` option, its p-values too). ``register``
hands them to skl2onnx with ``update_registered_converter``, so that
``skl2onnx.to_onnx`` converts skae's estimators alone and inside
``Pipeline`` and ``ColumnTransformer``.
"""

import numpy as np
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType, Int64TensorType
from sklearn.utils.validation import check_is_fitted

from .. import (
    AutoencoderImputer,
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    EncoderDecoderRegressor,
    VariationalAutoencoder,
)
from . import _model, _network
from ._graph import Graph
from ._inputs import check_codes, check_inputs, check_numeric, encoded_rows, rows_dtype
from ._outlier import check_exportable, convert_detector

#: The options of the transformers' converter.
TRANSFORMER_OPTIONS = {"inverse_transform": [False, True]}
#: The options of the detector's converter: a third output, the p-values.
DETECTOR_OPTIONS = {"pvalues": [False, True]}


def _tensor_type(dtype, shape):
    kind = FloatTensorType if np.dtype(dtype) == np.float32 else DoubleTensorType
    return kind(shape)


def _fitted(operator):
    estimator = operator.raw_operator
    check_is_fitted(estimator, "net_")
    return estimator


def _inverse(scope, operator):
    return bool(scope.get_options(operator.raw_operator, {"inverse_transform": False})
                ["inverse_transform"])


def _n_rows(operator):
    return operator.inputs[0].get_first_dimension()


def _codes_shape(operator):
    estimator = _fitted(operator)
    if _inverse(operator.scope_inst, operator):
        check_numeric(operator, "inverse_transform")
        check_codes(operator)
        width = len(estimator._output_scaling[1])
    else:
        check_inputs(operator)
        width = estimator.n_components_
    operator.outputs[0].type = _tensor_type(rows_dtype(operator), [_n_rows(operator), width])


def _convert_codes(scope, operator, container):
    """``transform``: rows -> codes; with ``inverse_transform``: codes -> rows."""
    g, estimator = Graph(scope, container), operator.raw_operator
    dtype = rows_dtype(operator)
    if _inverse(scope, operator):
        z = operator.inputs[0].onnx_name
        if np.dtype(dtype) == np.float64:
            z = g.to(z, _model.FLOAT)
        out = _model.from_net(g, estimator, _model.decode(g, estimator, z), dtype)
    else:
        x, _ = encoded_rows(g, operator)
        z = _model.code(g, estimator, _model.to_net(g, estimator, x, dtype))
        out = z if np.dtype(dtype) == np.float32 else g.to(z, _model.onnx_type(dtype))
    g.identity(out, operator.outputs[0].full_name)


def _imputer_shape(operator):
    estimator = _fitted(operator)
    check_inputs(operator)
    check_numeric(operator, "transform")
    operator.outputs[0].type = _tensor_type(
        rows_dtype(operator), [_n_rows(operator), estimator.n_features_in_])


def _convert_imputer(scope, operator, container):
    """``transform``: missing entries (NaN) filled from the observed ones."""
    g, imputer = Graph(scope, container), operator.raw_operator
    dtype = rows_dtype(operator)
    x, _ = encoded_rows(g, operator)
    x_net = _model.to_net(g, imputer, x, dtype)
    # A row with nothing observed enters as the all-means row.
    observed = g.reduce_sum(g.to(g.op("Not", g.op("IsNaN", x_net)), _model.FLOAT), 1,
                            keepdims=1)
    empty_row = g.op("Equal", observed, g.const(0.0))
    x_net = g.where(empty_row, g.const(0.0), x_net)
    module = imputer.net_.module_
    out = _network.decode(g, module, _network.encode(g, module, x_net))
    imputed = _model.from_net(g, imputer, out, dtype)
    filled = g.where(g.op("IsNaN", x), imputed, x)
    empty = g.const(imputer.empty_features_[None, :], np.bool_)
    filled = g.where(empty, g.const(0.0, dtype), filled)
    g.identity(filled, operator.outputs[0].full_name)


def _regressor_shape(operator):
    estimator = _fitted(operator)
    check_inputs(operator)
    width = len(estimator._output_scaling[1])
    operator.outputs[0].type = _tensor_type(rows_dtype(operator), [_n_rows(operator), width])


def _convert_regressor(scope, operator, container):
    """``predict`` (one column per target, as skl2onnx's regressors)."""
    g, regressor = Graph(scope, container), operator.raw_operator
    dtype = rows_dtype(operator)
    x, _ = encoded_rows(g, operator)
    x_net = _model.to_net(g, regressor, x, dtype)
    out = _model.from_net(g, regressor, _model.rebuild(g, regressor, x_net), dtype)
    g.identity(out, operator.outputs[0].full_name)


def _pvalues_option(scope, detector):
    return bool(scope.get_options(detector, {"pvalues": False})["pvalues"])


def _parse_detector(scope, model, inputs, custom_parsers=None):
    """Outputs ``label`` and ``scores`` (as skl2onnx's ``IsolationForest``),
    and ``pvalues`` with the option."""
    operator = scope.declare_local_operator("SkaeAutoencoderOutlierDetector", model)
    operator.inputs = inputs
    names = ["label", "scores"] + (["pvalues"] if _pvalues_option(scope, model) else [])
    for name in names:
        operator.outputs.append(scope.declare_local_variable(name, FloatTensorType()))
    return operator.outputs


def _detector_shape(operator):
    detector = _fitted(operator)
    check_inputs(operator)
    pvalues = len(operator.outputs) == 3
    check_exportable(detector, pvalues)
    n, dtype = _n_rows(operator), rows_dtype(operator)
    operator.outputs[0].type = Int64TensorType([n])
    operator.outputs[1].type = _tensor_type(dtype, [n, 1])
    if pvalues:
        operator.outputs[2].type = _tensor_type(dtype, [n])


def _convert_detector(scope, operator, container):
    convert_detector(Graph(scope, container), operator, pvalues=len(operator.outputs) == 3)


def register():
    """Register skae's converters with skl2onnx.

    ``import skae.onnx`` calls it; call it again after something else
    registered other converters for skae's classes. Registers, with
    ``skl2onnx.update_registered_converter``, the transformers'
    (``transform``; option ``inverse_transform``), the imputer's
    (``transform``), the regressor's (``predict``) and the outlier detector's
    (outputs ``label`` and ``scores``; option ``pvalues``).
    """
    for estimator in (AutoencoderTransformer, DenoisingAutoencoder, VariationalAutoencoder):
        update_registered_converter(estimator, f"Skae{estimator.__name__}", _codes_shape,
                                    _convert_codes, options=TRANSFORMER_OPTIONS)
    update_registered_converter(AutoencoderImputer, "SkaeAutoencoderImputer",
                                _imputer_shape, _convert_imputer)
    update_registered_converter(EncoderDecoderRegressor, "SkaeEncoderDecoderRegressor",
                                _regressor_shape, _convert_regressor)
    update_registered_converter(AutoencoderOutlierDetector, "SkaeAutoencoderOutlierDetector",
                                _detector_shape, _convert_detector, parser=_parse_detector,
                                options=DETECTOR_OPTIONS)

"""A small writer of ONNX nodes into the graph skl2onnx is building.

``Graph`` wraps a converter's ``scope`` and ``container``: every method
adds one node (or one constant) and returns the name of its output, so a
converter reads as the computation it writes, ``g.add(g.matmul(x, W), b)``.
"""

import numpy as np
from onnx import TensorProto, numpy_helper

#: The opset skae's converters write: reductions take their axes as inputs.
MIN_OPSET = 18

ONNX_TYPES = {
    np.dtype(np.float32): TensorProto.FLOAT,
    np.dtype(np.float64): TensorProto.DOUBLE,
    np.dtype(np.int64): TensorProto.INT64,
    np.dtype(np.bool_): TensorProto.BOOL,
}


class Graph:
    """The nodes one converter adds, through skl2onnx's ``scope`` and ``container``."""

    def __init__(self, scope, container):
        if container.target_opset < MIN_OPSET:
            raise ValueError(
                f"skae's ONNX converters need opset {MIN_OPSET} or later; "
                f"target_opset={container.target_opset} was asked for."
            )
        self.scope, self.container = scope, container

    def _name(self, hint):
        return self.scope.get_unique_variable_name(hint)

    def const(self, value, dtype=np.float32, hint="const"):
        """A constant tensor of ``value`` in ``dtype``."""
        array = np.array(value, dtype=dtype, order="C")  # a scalar stays 0-d
        name = self._name(hint)
        tensor = numpy_helper.from_array(array, name)
        self.container.add_initializer(name, tensor.data_type, list(array.shape), tensor)
        return name

    def axes(self, *axes):
        return self.const(np.array(axes), np.int64, "axes")

    def op(self, op_type, *inputs, domain="", version=None, n_outputs=1, **attrs):
        """One node of ``op_type``; its output's name (a list of names for
        ``n_outputs`` above 1). Trailing inputs of None are omitted optional ones."""
        outputs = [self._name(op_type.lower()) for _ in range(n_outputs)]
        inputs = list(inputs)
        while inputs and inputs[-1] is None:
            inputs.pop()
        self.container.add_node(
            op_type, inputs, outputs, op_domain=domain, op_version=version,
            name=self.scope.get_unique_operator_name(op_type), **attrs
        )
        return outputs[0] if n_outputs == 1 else outputs

    def to(self, x, onnx_type):
        return self.op("Cast", x, to=onnx_type)

    def add(self, a, b):
        return self.op("Add", a, b)

    def sub(self, a, b):
        return self.op("Sub", a, b)

    def mul(self, a, b):
        return self.op("Mul", a, b)

    def div(self, a, b):
        return self.op("Div", a, b)

    def matmul(self, a, b):
        return self.op("MatMul", a, b)

    def reduce_sum(self, x, axis, keepdims=0):
        return self.op("ReduceSum", x, self.axes(axis), keepdims=keepdims)

    def concat(self, tensors, axis=1):
        return tensors[0] if len(tensors) == 1 else self.op("Concat", *tensors, axis=axis)

    def columns(self, x, start, stop):
        """Columns ``start:stop`` of a matrix."""
        return self.op("Slice", x, self.const([start], np.int64), self.const([stop], np.int64),
                       self.axes(1))

    def gather_columns(self, x, index):
        return self.op("Gather", x, self.const(np.asarray(index), np.int64), axis=1)

    def reshape(self, x, shape):
        return self.op("Reshape", x, self.const(shape, np.int64))

    def where(self, condition, a, b):
        return self.op("Where", condition, a, b)

    def identity(self, x, output):
        """Copy ``x`` into the operator's ``output`` variable."""
        self.container.add_node("Identity", [x], [output],
                                name=self.scope.get_unique_operator_name("Identity"))

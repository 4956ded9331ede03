"""The trained torch module written as ONNX operators, step for step.

Each function mirrors a method of ``skae._engine`` (``Encoder.forward``,
``Decoder.forward``, ``Autoencoder.encode`` and ``decode``) on float32
tensors, reading the module's weights as constants. Writing the operators
directly, instead of tracing the module with ``torch.onnx``, keeps the graph
to the operators the computation needs and lets it be spliced into the
graph skl2onnx builds for the rest of a pipeline.
"""

import numpy as np
from torch import nn

from .._engine.layers import KERNEL, PADDING, STRIDE

_CONVOLUTION = {"kernel_shape": [KERNEL, KERNEL], "strides": [STRIDE, STRIDE],
                "pads": [PADDING] * 4}


def _array(tensor):
    return tensor.detach().cpu().numpy().astype(np.float32)


def activation(g, module, x):
    """``module`` (one of ``layers.ACTIVATIONS``) applied to ``x``."""
    if isinstance(module, nn.Identity):
        return x
    if isinstance(module, nn.GELU):  # exact: 0.5 x (1 + erf(x / sqrt 2))
        erf = g.op("Erf", g.mul(x, g.const(np.sqrt(0.5))))
        return g.mul(g.mul(x, g.const(0.5)), g.add(erf, g.const(1.0)))
    if isinstance(module, nn.SiLU):
        return g.mul(x, g.op("Sigmoid", x))
    if isinstance(module, nn.LeakyReLU):
        return g.op("LeakyRelu", x, alpha=float(module.negative_slope))
    if isinstance(module, nn.ELU):
        return g.op("Elu", x, alpha=float(module.alpha))
    simple = {nn.ReLU: "Relu", nn.SELU: "Selu", nn.Tanh: "Tanh", nn.Sigmoid: "Sigmoid"}
    return g.op(simple[type(module)], x)


def linear(g, x, weight, bias=None, transposed=False):
    """``x @ weight.T + bias`` (``x @ weight`` with ``transposed``)."""
    matrix = _array(weight) if transposed else _array(weight).T
    out = g.matmul(x, g.const(matrix))
    return out if bias is None else g.add(out, g.const(_array(bias)))


def encoder(g, module, x, shift=None):
    """``Encoder.forward``: hidden layers with the activation, then a linear layer."""
    h = x
    if module.image_shape is not None:
        h = g.reshape(h, [-1, *module.image_shape])
    for i, layer in enumerate(module.layers[:-1]):
        if isinstance(layer, nn.Conv2d):
            h = g.op("Conv", h, g.const(_array(layer.weight)), g.const(_array(layer.bias)),
                     **_CONVOLUTION)
        else:
            h = linear(g, h, layer.weight, layer.bias)
        if i == 0 and shift is not None:
            h = g.add(h, shift)
        h = activation(g, module.activation, h)
    if module.image_shape is not None:
        h = g.op("Flatten", h, axis=1)
    last = module.layers[-1]
    return linear(g, h, last.weight, last.bias)


def decoder(g, module, z, encoder_module):
    """``Decoder.forward``: the encoder's layers mirrored (for tied weights,
    its weights transposed)."""
    h = z
    last = len(module.shapes) - 1
    for i, layer, bias in module.steps(encoder_module):
        padding = module.output_padding[i]
        if padding is not None:
            h = g.reshape(h, [-1, *module.shapes[i - 1]])
            h = g.op("ConvTranspose", h, g.const(_array(layer.weight)),
                     None if bias is None else g.const(_array(bias)),
                     output_padding=list(padding), **_CONVOLUTION)
        else:
            h = linear(g, h, layer.weight, bias, transposed=module.tied)
        if i < last:
            h = activation(g, module.activation, h)
    h = g.op("Flatten", h, axis=1)
    return g.add(h, g.const(_array(module.bias))) if module.pixel_bias else h


def encode(g, module, x):
    """``Autoencoder.encode`` of the network's float32 input ``x``."""
    shift = None
    if module.missing_input:
        missing = g.op("IsNaN", x)
        x = g.where(missing, g.const(0.0), x)
        if hasattr(module, "missing_weights"):
            indicators = g.to(missing, 1)  # FLOAT
            shift = linear(g, indicators, module.missing_weights.weight)
    weighed = g.mul(x, g.const(_array(module.feature_weight))) if module.tied_weights else x
    if module.has_linear_path:
        clipped = x
        if module.input_clip is not None:
            clip = float(module.input_clip)
            clipped = g.op("Clip", x, g.const(-clip), g.const(clip))
        return g.add(encoder(g, module.encoder, clipped, shift),
                     linear(g, weighed, module.encoder_linear.weight))
    if len(module.encoder.layers) == 1:
        return encoder(g, module.encoder, weighed)
    return encoder(g, module.encoder, x, shift)


def decode(g, module, z):
    """``Autoencoder.decode`` of float32 codes ``z`` (the module's full width)."""
    if module.tied_weights:
        feature_weight = g.const(_array(module.feature_weight))
    if module.tied_weights and module.has_linear_path:
        path = g.div(linear(g, z, module.encoder_linear.weight, transposed=True), feature_weight)
        return g.add(decoder(g, module.decoder, z, module.encoder), path)
    if module.has_linear_path:
        return g.add(decoder(g, module.decoder, z, module.encoder),
                     linear(g, z, module.decoder_linear.weight))
    if module.tied_weights and len(module.encoder.layers) == 1:
        path = linear(g, z, module.encoder.layers[0].weight, transposed=True)
        return g.add(g.div(path, feature_weight), g.const(_array(module.decoder.output_bias())))
    return decoder(g, module.decoder, z, module.encoder)

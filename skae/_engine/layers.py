"""The layers of skae's networks: an encoder and the decoder that mirrors it.

Each is a multi-layer perceptron or, for rows that are images, a stack of
strided convolutions (the decoder's transposed). With tied weights the
decoder has no weight matrices of its own: it applies the transposes of the
encoder's weights in reverse order, with its own biases.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,
    "elu": nn.ELU,
    "selu": nn.SELU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "identity": nn.Identity,
}

#: Kernel size, stride and padding of the convolutions: each halves the
#: height and width (rounding up).
KERNEL, STRIDE, PADDING = 3, 2, 1


def conv_output_size(size):
    """Height or width after one convolution of ``KERNEL``, ``STRIDE``, ``PADDING``."""
    return (size + 2 * PADDING - KERNEL) // STRIDE + 1


class Encoder(nn.Module):
    """Rows -> codes: hidden layers with an activation, then a linear layer.

    With ``image_shape`` (channels, height, width) each hidden layer is a
    strided convolution with that many output channels, and the last one's
    feature maps are flattened into the code layer; otherwise the hidden
    layers are fully connected. ``layers`` holds the weighted layers in order,
    ``shapes`` the shape of a row before each of them.
    """

    def __init__(self, n_features, hidden_layer_sizes, n_out, activation, image_shape=None):
        super().__init__()
        self.image_shape = None if image_shape is None else tuple(image_shape)
        self.activation = ACTIVATIONS[activation]()
        layers, shapes = [], []
        if self.image_shape is None:
            width = n_features
            for size in hidden_layer_sizes:
                shapes.append((width,))
                layers.append(nn.Linear(width, size))
                width = size
        else:
            channels, height, width_ = self.image_shape
            for size in hidden_layer_sizes:
                shapes.append((channels, height, width_))
                layers.append(nn.Conv2d(channels, size, KERNEL, STRIDE, PADDING))
                channels, height, width_ = size, conv_output_size(height), conv_output_size(width_)
            width = channels * height * width_
            if hidden_layer_sizes:
                shapes.append((channels, height, width_))
        if self.image_shape is None or not hidden_layer_sizes:
            shapes.append((width,))
        layers.append(nn.Linear(width, n_out))
        self.layers = nn.ModuleList(layers)
        self.shapes = shapes

    def forward(self, x, first_shift=None):
        """``first_shift``, if given, is added to the first hidden layer's
        pre-activation (``Autoencoder``'s missing-entry indicators)."""
        h = x if self.image_shape is None else x.reshape(len(x), *self.image_shape)
        for i, layer in enumerate(self.layers[:-1]):
            h = layer(h)
            if i == 0 and first_shift is not None:
                h = h + first_shift
            h = self.activation(h)
        return self.layers[-1](h.flatten(1))

    def multiply_adds(self):
        """Multiply-adds of one row's forward pass."""
        total = 0
        for layer, shape in zip(self.layers, self.shapes[1:] + [None]):
            if isinstance(layer, nn.Conv2d):
                total += layer.weight.numel() * math.prod(shape[1:])
            else:
                total += layer.weight.numel()
        return total


class Decoder(nn.Module):
    """Codes -> rows, mirroring an ``Encoder``'s layers in reverse order.

    With ``tied=True`` it has only biases and applies the transposes of
    ``encoder``'s weights (passed at each call, so that they are not
    registered twice); otherwise it has layers of its own.
    """

    def __init__(self, encoder, tied=False):
        super().__init__()
        self.tied = tied
        self.activation = encoder.activation
        # Shape of a row after each layer: the mirror of the encoder's inputs.
        self.shapes = encoder.shapes[::-1]
        mirrored = encoder.layers[::-1]
        # A transposed convolution back to ``shapes[i]`` from ``shapes[i - 1]``
        # needs output padding where the strided convolution rounded up.
        self.output_padding = [
            [out - ((n - 1) * STRIDE - 2 * PADDING + KERNEL)
             for out, n in zip(self.shapes[i][1:], self.shapes[i - 1][1:])]
            if isinstance(layer, nn.Conv2d) else None
            for i, layer in enumerate(mirrored)
        ]
        # A transposed convolution's bias is one per channel; the output gets
        # one bias per feature instead, as a fully connected layer has.
        self.pixel_bias = isinstance(mirrored[-1], nn.Conv2d)
        if self.pixel_bias:
            self.bias = nn.Parameter(torch.zeros(math.prod(self.shapes[-1])))
        n_biases = len(mirrored) - self.pixel_bias
        if tied:
            self.biases = nn.ParameterList(
                [nn.Parameter(torch.zeros(self._n_in(layer))) for layer in mirrored[:n_biases]]
            )
            return
        layers = []
        for i, layer in enumerate(mirrored):
            if isinstance(layer, nn.Conv2d):
                layers.append(nn.ConvTranspose2d(
                    layer.out_channels, layer.in_channels, KERNEL, STRIDE, PADDING,
                    bias=i < n_biases,
                ))
            else:
                layers.append(nn.Linear(layer.out_features, layer.in_features))
        self.layers = nn.ModuleList(layers)

    @staticmethod
    def _n_in(layer):
        return layer.in_channels if isinstance(layer, nn.Conv2d) else layer.in_features

    def output_bias(self):
        """The bias added to the reconstruction (of the last layer)."""
        if self.pixel_bias:
            return self.bias
        return self.biases[-1] if self.tied else self.layers[-1].bias

    def last_weight(self, encoder):
        """The weight of the decoder's last layer (for tied weights, the encoder's first)."""
        return encoder.layers[0].weight if self.tied else self.layers[-1].weight

    def steps(self, encoder=None):
        """``(i, layer, bias)`` of each layer in the order applied: the
        decoder's own, or with ``tied`` the encoder's reversed (their
        transposes applied) with the decoder's biases; the last bias is None
        where the output has one bias per pixel (``pixel_bias``)."""
        weights = encoder.layers[::-1] if self.tied else self.layers
        last = len(self.shapes) - 1
        for i, layer in enumerate(weights):
            if i == last and self.pixel_bias:
                yield i, layer, None
            else:
                yield i, layer, self.biases[i] if self.tied else layer.bias

    def forward(self, z, encoder=None):
        h = z
        last = len(self.shapes) - 1
        for i, layer, bias in self.steps(encoder):
            padding = self.output_padding[i]
            if padding is not None:
                h = h.reshape(len(h), *self.shapes[i - 1])
                h = F.conv_transpose2d(h, layer.weight, bias, STRIDE, PADDING, padding)
            else:
                h = F.linear(h, layer.weight.t() if self.tied else layer.weight, bias)
            if i < last:
                h = self.activation(h)
        h = h.flatten(1)
        return h + self.bias if self.pixel_bias else h

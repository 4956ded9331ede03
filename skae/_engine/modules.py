"""The autoencoder modules: torch only, no scikit-learn or skorch imports.

Random draws (the VAE's sampling, nested dropout) come from the fit's own
generator.

An autoencoder here is an encoder ``x -> z`` and a decoder ``z -> x_hat``.
Each side is a multi-layer perceptron (or, for rows that are images, a small
convolutional network), optionally with a *linear path* beside it:
``encode(x) = A x + net(x)`` and ``decode(z) = C z + net(z)``. With the last
layer of each network initialised to zero, a freshly built module computes
exactly its linear path, so initialising that path from PCA starts training
at PCA's solution and lets the nonlinear branches only add to it.

With tied weights the decoder has no weight matrices of its own: it applies
the transposes (for convolutions, the transposed convolutions) of the
encoder's weights in reverse order, with its own biases.
"""

import torch
from torch import nn
from torch.nn import functional as F

from .layers import Decoder, Encoder
from .torch_utils import current_generator, randn


class Autoencoder(nn.Module):
    """A fully connected or convolutional autoencoder whose decoder mirrors its encoder.

    Parameters
    ----------
    n_features : int
        Width of the input and of the reconstruction.
    n_components : int
        Width of the code (the bottleneck).
    hidden_layer_sizes : tuple of int
        Widths (for images, output channels) of the encoder's hidden layers;
        the decoder uses them in reverse order. ``()`` gives a linear encoder
        and decoder.
    activation : str
        A key of ``ACTIVATIONS``.
    linear_path : bool
        Add a linear map beside each network (ignored without hidden layers,
        where the network already is linear).
    tied_weights : bool
        The decoder uses the transposes of the encoder's weights.
    image_shape : tuple of int or None
        ``(channels, height, width)`` of a row, which is then encoded by
        strided convolutions; ``channels * height * width == n_features``.
    feature_weight : array-like of shape (n_features,) or None
        Only with ``tied_weights``: the linear maps encode ``W (d * x)`` and
        decode ``(W.T z) / d`` with ``d = feature_weight``, so that a tied
        linear map can be the orthogonal projection of a weighted loss
        (PCA's solution in the data's units).
    nested_dropout : bool
        In training, zero a random tail of each row's code (``drop_tail``),
        so that the code's leading units carry the most.
    n_outputs : int or None
        Width of the decoder's output when it is not the input's (an
        encoder-decoder for paired data); None: ``n_features``.
    output_shape : tuple of int or None
        ``(channels, height, width)`` of an output row: the decoder then
        mirrors the convolutions an encoder of such images would have, so
        that its transposed convolutions end at that shape.
    input_clip : float or None
        Only with a linear path: the network beside it sees the input clipped
        to ``[-input_clip, input_clip]``, while the linear path sees all of
        it. Beyond the clip the model is linear, as PCA, instead of
        extrapolating through a network that saw few such values.
    missing_input : bool
        The input may hold NaN (missing entries). They enter at 0, and a
        fully connected encoder's first hidden layer also sees which entries
        are missing, through weights of its own (``missing_weights``), so
        that it can tell a missing entry from an observed value at the mean.
    """

    def __init__(
        self,
        n_features,
        n_components,
        hidden_layer_sizes=(),
        activation="relu",
        linear_path=True,
        tied_weights=False,
        image_shape=None,
        feature_weight=None,
        input_clip=None,
        nested_dropout=False,
        n_outputs=None,
        output_shape=None,
        missing_input=False,
    ):
        super().__init__()
        hidden = tuple(hidden_layer_sizes)
        self.input_clip = input_clip
        self.missing_input = missing_input
        self.nested_dropout = nested_dropout
        self.tied_weights = tied_weights
        self.encoder = Encoder(n_features, hidden, n_components, activation, image_shape)
        if n_outputs is None:
            n_outputs, mirrored = n_features, self.encoder
        else:
            if tied_weights:
                raise ValueError("Tied weights need the output to be the input.")
            # The decoder mirrors the encoder that outputs of this shape would have.
            mirrored = Encoder(n_outputs, hidden, n_components, activation, output_shape)
        self.decoder = Decoder(mirrored, tied=tied_weights)
        self._decoder_multiply_adds = mirrored.multiply_adds()
        self.has_linear_path = bool(linear_path and hidden)
        if self.has_linear_path:
            self.encoder_linear = nn.Linear(n_features, n_components, bias=False)
            if not tied_weights:
                self.decoder_linear = nn.Linear(n_components, n_outputs, bias=False)
        if missing_input and hidden and image_shape is None:
            self.missing_weights = nn.Linear(n_features, hidden[0], bias=False)
        weight = torch.ones(n_features) if feature_weight is None else feature_weight
        # A copy: loading weights must never write into the caller's array.
        self.register_buffer("feature_weight", torch.as_tensor(weight, dtype=torch.float32).clone())

    def _weigh(self, x):
        return x * self.feature_weight if self.tied_weights else x

    def _clip(self, x):
        return x if self.input_clip is None else x.clamp(-self.input_clip, self.input_clip)

    def encode(self, x):
        shift = None
        if self.missing_input:
            missing = torch.isnan(x)
            x = x.masked_fill(missing, 0.0)
            if hasattr(self, "missing_weights"):
                shift = self.missing_weights(missing.to(x.dtype))
        if self.has_linear_path:
            return self.encoder(self._clip(x), shift) + self.encoder_linear(self._weigh(x))
        if len(self.encoder.layers) == 1:  # a linear encoder
            return self.encoder(self._weigh(x))
        return self.encoder(x, shift)

    def decode(self, z):
        if self.tied_weights and self.has_linear_path:
            linear = F.linear(z, self.encoder_linear.weight.t()) / self.feature_weight
            return self.decoder(z, self.encoder) + linear
        if self.has_linear_path:
            return self.decoder(z) + self.decoder_linear(z)
        if self.tied_weights and len(self.encoder.layers) == 1:
            W = self.encoder.layers[0].weight
            return F.linear(z, W.t()) / self.feature_weight + self.decoder.output_bias()
        return self.decoder(z, self.encoder)

    def forward(self, x):
        z = self.encode(x)
        return self.decode(self.drop_tail(z)), z

    def drop_tail(self, z):
        """Nested dropout: in training, each row keeps the first ``j`` units of
        its code (``j`` uniform in 1..width, from the fit's generator) and the
        others are zeroed; otherwise ``z`` as it is."""
        if not (self.nested_dropout and self.training):
            return z
        width = z.shape[1]
        keep = torch.randint(1, width + 1, (len(z), 1), device=z.device,
                             generator=current_generator(z.device))
        return z * (torch.arange(width, device=z.device) < keep).to(z.dtype)

    def decayed_weights(self):
        """The parameters weight decay shrinks: the nonlinear networks' weights.

        Their weight matrices and convolution kernels, not their biases and
        not the linear path, which holds PCA's solution; a module without
        hidden layers is linear and has none. Decay thus pulls the model
        toward its linear path instead of toward zero.
        """
        if len(self.encoder.layers) == 1:
            return []
        linear = {id(self.encoder_linear.weight)} if self.has_linear_path else set()
        if self.has_linear_path and not self.tied_weights:
            linear.add(id(self.decoder_linear.weight))
        return [p for p in self.parameters() if p.dim() > 1 and id(p) not in linear]

    def input_weights(self):
        """The weight matrices whose columns are the input features: the
        linear path's, and the network's first layer when it is dense (a
        convolution's kernels are shared across pixels)."""
        weights = [self.encoder_linear.weight] if self.has_linear_path else []
        if isinstance(self.encoder.layers[0], nn.Linear) and self.encoder.image_shape is None:
            weights.append(self.encoder.layers[0].weight)
        return weights

    def ignore_inputs(self, columns):
        """Zero the network's weights from the input ``columns`` (a boolean
        mask), so that it does not respond to them; the linear path, which
        holds PCA's solution, keeps its weights. (Tied weights are also the
        decoder's, so they keep theirs.)"""
        first = self.encoder.layers[0]
        if not self.has_linear_path or self.tied_weights or not isinstance(first, nn.Linear):
            return
        with torch.no_grad():
            first.weight[:, torch.as_tensor(columns)] = 0.0

    def multiply_adds(self):
        """Multiply-adds of one row's forward pass."""
        linear = 0
        if self.has_linear_path:
            linear = 2 * self.encoder_linear.weight.numel() if self.tied_weights else (
                self.encoder_linear.weight.numel() + self.decoder_linear.weight.numel())
        return self.encoder.multiply_adds() + self._decoder_multiply_adds + linear

    def linear_weights(self):
        """The encoder's and decoder's linear maps ``(A, C)``, as PCA initialises them."""
        if self.has_linear_path:
            A = self.encoder_linear.weight
            C = None if self.tied_weights else self.decoder_linear.weight
        else:
            A = self.encoder.layers[-1].weight
            C = None if self.tied_weights else self.decoder.layers[-1].weight
        return A, C

    @torch.no_grad()
    def init_linear(self, encoder_weight, encoder_bias, decoder_weight, decoder_bias):
        """Set the linear maps to the given ones and silence the nonlinear branches.

        Shapes: ``encoder_weight`` ``(n_components, n_features)``,
        ``encoder_bias`` ``(n_components,)``, ``decoder_weight``
        ``(n_outputs, n_components)``, ``decoder_bias`` ``(n_outputs,)``.
        Afterwards ``encode(x) == encoder_weight @ x + encoder_bias`` and
        ``decode(z) == decoder_weight @ z + decoder_bias`` exactly. With tied
        weights the decoder must be the encoder's tied transpose,
        ``decoder_weight == (encoder_weight / d**2).T`` with ``d =
        feature_weight``; otherwise a ``ValueError`` is raised.
        """
        encoder_weight = torch.as_tensor(encoder_weight)
        decoder_weight = torch.as_tensor(decoder_weight)
        A, C = self.linear_weights()
        if self.tied_weights:
            d = self.feature_weight
            W = encoder_weight / d
            if not torch.allclose(W.t() / d[:, None], decoder_weight, rtol=1e-3, atol=1e-5):
                raise ValueError("With tied weights the decoder must be the encoder's transpose.")
            A.copy_(W)
        else:
            A.copy_(encoder_weight)
            C.copy_(decoder_weight)
        if self.has_linear_path:
            # Silence the nonlinear branches: zero the weights of the layers
            # that produce their outputs (with tied weights, the encoder's
            # first layer is the decoder's last).
            self.encoder.layers[-1].weight.zero_()
            self.decoder.last_weight(self.encoder).zero_()
        self.encoder.layers[-1].bias.copy_(torch.as_tensor(encoder_bias))
        self.decoder.output_bias().copy_(torch.as_tensor(decoder_bias))


class VariationalModule(Autoencoder):
    """An autoencoder whose encoder gives a Gaussian posterior over the code.

    ``encode`` returns the posterior mean (the linear path and network of
    ``Autoencoder``), a second encoder the log-variance. In training mode
    ``forward`` samples the code by the reparameterisation trick; in
    evaluation mode it uses the mean. ``log_sigma2`` is the decoder's learned
    log-variance, which balances reconstruction against the prior.
    """

    def __init__(self, n_features, n_components, hidden_layer_sizes=(), activation="relu",
                 linear_path=True, tied_weights=False, image_shape=None, feature_weight=None,
                 input_clip=None, nested_dropout=False):
        super().__init__(n_features, n_components, hidden_layer_sizes, activation, linear_path,
                         tied_weights, image_shape, feature_weight, input_clip, nested_dropout)
        self.log_var = Encoder(
            n_features, tuple(hidden_layer_sizes), n_components, activation, image_shape
        )
        self.log_sigma2 = nn.Parameter(torch.zeros(()))

    def forward(self, x):
        mean, log_var = self.encode(x), self.log_var(x)
        z = mean
        if self.training:
            z = mean + randn(mean.shape, mean) * torch.exp(0.5 * log_var)
        return self.decode(self.drop_tail(z)), mean, log_var

    def multiply_adds(self):
        return super().multiply_adds() + self.log_var.multiply_adds()

    @torch.no_grad()
    def init_linear(self, encoder_weight, encoder_bias, decoder_weight, decoder_bias):
        super().init_linear(encoder_weight, encoder_bias, decoder_weight, decoder_bias)
        # A narrow posterior to start with: the code is PCA's whitened scores.
        self.log_var.layers[-1].weight.zero_()
        self.log_var.layers[-1].bias.fill_(-4.0)

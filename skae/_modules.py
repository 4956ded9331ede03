"""PyTorch building blocks: torch only, no scikit-learn or skorch imports.

An autoencoder here is an encoder ``x -> z`` and a decoder ``z -> x_hat``.
Each side is a multi-layer perceptron, optionally with a *linear path*
beside it: ``encode(x) = A x + mlp(x)`` and ``decode(z) = C z + mlp(z)``.
With the last layer of each MLP initialised to zero, a freshly built module
computes exactly its linear path, so initialising that path from PCA starts
training at PCA's solution and lets the nonlinear branches only add to it.
"""

import torch
from torch import nn

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


def make_mlp(n_in, hidden_layer_sizes, n_out, activation):
    """Return ``Linear -> act -> ... -> Linear`` as an ``nn.Sequential``.

    The last layer is linear (no activation), so the MLP can output any
    real value: a code, a reconstruction or logits.
    """
    layers = []
    width = n_in
    for size in hidden_layer_sizes:
        layers += [nn.Linear(width, size), ACTIVATIONS[activation]()]
        width = size
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


class Autoencoder(nn.Module):
    """A fully connected autoencoder whose decoder mirrors its encoder.

    Parameters
    ----------
    n_features : int
        Width of the input and of the reconstruction.
    n_components : int
        Width of the code (the bottleneck).
    hidden_layer_sizes : tuple of int
        Widths of the encoder's hidden layers; the decoder uses them in
        reverse order. ``()`` gives a linear encoder and decoder.
    activation : str
        A key of ``ACTIVATIONS``.
    linear_path : bool
        Add a linear map beside each MLP (ignored without hidden layers,
        where the MLP already is linear).
    """

    def __init__(
        self,
        n_features,
        n_components,
        hidden_layer_sizes=(),
        activation="relu",
        linear_path=True,
    ):
        super().__init__()
        hidden = tuple(hidden_layer_sizes)
        self.encoder = make_mlp(n_features, hidden, n_components, activation)
        self.decoder = make_mlp(n_components, hidden[::-1], n_features, activation)
        self.has_linear_path = bool(linear_path and hidden)
        if self.has_linear_path:
            self.encoder_linear = nn.Linear(n_features, n_components, bias=False)
            self.decoder_linear = nn.Linear(n_components, n_features, bias=False)

    def encode(self, x):
        z = self.encoder(x)
        if self.has_linear_path:
            z = z + self.encoder_linear(x)
        return z

    def decode(self, z):
        out = self.decoder(z)
        if self.has_linear_path:
            out = out + self.decoder_linear(z)
        return out

    def forward(self, x):
        z = self.encode(x)
        return self.decode(z), z

    def linear_maps(self):
        """The (encoder, decoder) ``nn.Linear`` layers that PCA initialises."""
        if self.has_linear_path:
            return self.encoder_linear, self.decoder_linear
        return self.encoder[-1], self.decoder[-1]

    @torch.no_grad()
    def init_linear(self, encoder_weight, encoder_bias, decoder_weight, decoder_bias):
        """Set the linear maps to the given ones and silence the MLP branches.

        Shapes: ``encoder_weight`` ``(n_components, n_features)``,
        ``encoder_bias`` ``(n_components,)``, ``decoder_weight``
        ``(n_features, n_components)``, ``decoder_bias`` ``(n_features,)``.
        Afterwards ``encode(x) == encoder_weight @ x + encoder_bias`` and
        ``decode(z) == decoder_weight @ z + decoder_bias`` exactly.
        """
        enc, dec = self.linear_maps()
        enc.weight.copy_(torch.as_tensor(encoder_weight))
        dec.weight.copy_(torch.as_tensor(decoder_weight))
        if self.has_linear_path:
            for mlp in (self.encoder, self.decoder):
                mlp[-1].weight.zero_()
        enc_bias = self.encoder[-1].bias
        dec_bias = self.decoder[-1].bias
        enc_bias.copy_(torch.as_tensor(encoder_bias))
        dec_bias.copy_(torch.as_tensor(decoder_bias))


class VariationalModule(Autoencoder):
    """An autoencoder whose encoder gives a Gaussian posterior over the code.

    ``encode`` returns the posterior mean (the linear path and MLP of
    ``Autoencoder``), a second MLP the log-variance. In training mode
    ``forward`` samples the code by the reparameterisation trick; in
    evaluation mode it uses the mean. ``log_sigma2`` is the decoder's learned
    log-variance, which balances reconstruction against the prior.
    """

    def __init__(self, n_features, n_components, hidden_layer_sizes=(), activation="relu",
                 linear_path=True):
        super().__init__(n_features, n_components, hidden_layer_sizes, activation, linear_path)
        self.log_var = make_mlp(n_features, tuple(hidden_layer_sizes), n_components, activation)
        self.log_sigma2 = nn.Parameter(torch.zeros(()))

    def forward(self, x):
        mean, log_var = self.encode(x), self.log_var(x)
        z = mean
        if self.training:
            z = mean + torch.randn_like(mean) * torch.exp(0.5 * log_var)
        return self.decode(z), mean, log_var

    @torch.no_grad()
    def init_linear(self, encoder_weight, encoder_bias, decoder_weight, decoder_bias):
        super().init_linear(encoder_weight, encoder_bias, decoder_weight, decoder_bias)
        # A narrow posterior to start with: the code is PCA's whitened scores.
        self.log_var[-1].weight.zero_()
        self.log_var[-1].bias.fill_(-4.0)

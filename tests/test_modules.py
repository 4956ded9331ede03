"""The torch modules: linear paths, tied weights, clipping, convolution shapes."""

import torch

from skae._engine.modules import Autoencoder


def test_tied_decoder_uses_the_encoders_transposes():
    module = Autoencoder(6, 2, (5, 4), tied_weights=True, linear_path=False)
    names = [name for name, _ in module.named_parameters()]
    assert not any(name.startswith("decoder") and name.endswith("weight") for name in names)
    with torch.no_grad():
        for layer in module.encoder.layers:
            layer.weight.zero_()
    # With zero encoder weights the decoder's output is its last bias.
    assert torch.equal(module.decode(torch.randn(3, 2)),
                       module.decoder.output_bias().expand(3, 6))


def test_only_the_network_beside_the_linear_path_sees_clipped_inputs():
    torch.manual_seed(0)
    module = Autoencoder(6, 2, (8,), input_clip=2.0)
    torch.nn.init.normal_(module.encoder.layers[-1].weight)
    x = 5 * torch.randn(20, 6)
    expected = module.encoder(x.clamp(-2, 2)) + module.encoder_linear(x)
    torch.testing.assert_close(module.encode(x), expected)
    assert not torch.allclose(module.encode(x), module.encoder(x) + module.encoder_linear(x))


def test_missing_input_enters_at_zero_and_is_seen_by_the_first_hidden_layer():
    torch.manual_seed(0)
    module = Autoencoder(6, 2, (8,), missing_input=True)
    torch.nn.init.normal_(module.encoder.layers[-1].weight)
    x = torch.randn(20, 6)
    x_missing = x.clone()
    x_missing[::2, 1] = float("nan")
    zeroed = torch.nan_to_num(x_missing)
    code = module.encode(x_missing)
    assert torch.isfinite(code).all()
    # The linear path sees the missing entry as 0, the network beside it
    # also sees that it is missing.
    shift = module.missing_weights(torch.isnan(x_missing).float())
    torch.testing.assert_close(code, module.encoder(zeroed, shift) + module.encoder_linear(zeroed))
    assert not torch.allclose(code[::2], module.encode(zeroed)[::2])
    torch.testing.assert_close(code[1::2], module.encode(zeroed)[1::2])
    # A linear module has no network to tell: missing is 0.
    linear = Autoencoder(6, 2, (), missing_input=True)
    torch.testing.assert_close(linear.encode(x_missing), linear.encode(zeroed))

"""Wide tables: the decoder rebuilds the leading principal coordinates, not every column."""

import pickle

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from skae import (
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    VariationalAutoencoder,
)


@pytest.fixture(scope="module")
def wide():
    """400 rows of 200 columns: three factors through a curved map, and faint noise."""
    rng = np.random.RandomState(0)
    Z = rng.randn(400, 3)
    X = np.tanh(Z @ rng.randn(3, 20)) @ rng.randn(20, 200)
    return X + 0.01 * rng.randn(400, 200) + 5.0


def mse(model, X):
    return np.mean((X - model.inverse_transform(model.transform(X))) ** 2)


def n_outputs(model):
    return model._module_args.get("n_outputs")


def test_decoder_outputs_principal_coordinates(wide):
    ae = AutoencoderTransformer(4, max_epochs=2, random_state=0).fit(wide)
    kept = n_outputs(ae)
    # The directions holding all but 0.1% of the variance, at least twice the code.
    share = np.cumsum(PCA().fit(wide).explained_variance_ratio_)
    assert kept == max(int(np.searchsorted(share, 1 - 1e-3)) + 1, 8)
    assert kept <= 100
    assert ae.transform(wide).shape == (400, 4)
    assert ae.inverse_transform(ae.transform(wide)).shape == (400, 200)


def test_starts_at_pca(wide):
    ae = AutoencoderTransformer(4, max_epochs=1, learning_rate=1e-12).fit(wide)
    pca = PCA(4).fit(wide)
    assert n_outputs(ae) is not None
    assert mse(ae, wide) == pytest.approx(mse(pca, wide), rel=1e-4)
    # Codes are PCA's scores, whitened (by the variance over n rows, not n - 1).
    variance = pca.explained_variance_ * (len(wide) - 1) / len(wide)
    np.testing.assert_allclose(
        np.abs(ae.transform(wide)), np.abs(pca.transform(wide) / np.sqrt(variance)), atol=1e-3
    )


def test_training_loss_is_the_rows_loss_less_the_left_out_variance(wide):
    ae = AutoencoderTransformer(4, max_epochs=3, random_state=0).fit(wide)
    X_scaled = ae._scale(wide)
    x = torch.from_numpy(X_scaled)
    module = ae.net_.module_.eval()
    with torch.no_grad():
        out = module(x)[0]
        loss = float(ae._criterion()(out, torch.from_numpy(ae._principal.targets(X_scaled))))
        rows = ae._principal.expand(out.double())
    weight = ae._loss_weights()
    rows_loss = np.mean(weight * (rows.numpy() - X_scaled) ** 2)
    # The variance the kept directions leave out, as the loss weighs it.
    principal = ae._principal
    center, to_coordinates = principal.center, principal.to_coordinates
    from_coordinates = principal.from_coordinates
    centred = (X_scaled - center) * np.sqrt(weight)
    kept = ((X_scaled - center) @ to_coordinates @ from_coordinates) * np.sqrt(weight)
    left_out = np.mean((centred - kept) ** 2)
    assert left_out > 0
    assert loss + left_out == pytest.approx(rows_loss, rel=1e-4)


def test_beats_pca_on_held_out_rows(wide):
    train, test = wide[:300], wide[300:]
    ae = AutoencoderTransformer(2, random_state=0).fit(train)
    assert n_outputs(ae) is not None
    assert mse(ae, test) < 0.7 * mse(PCA(2).fit(train), test)


def test_narrow_data_and_other_estimators_rebuild_every_column(wide, digits):
    X, _ = digits
    assert n_outputs(AutoencoderTransformer(4, max_epochs=1).fit(X)) is None
    for model in (
        VariationalAutoencoder(4, max_epochs=1),
        AutoencoderOutlierDetector(max_epochs=1),
        AutoencoderTransformer(4, tied_weights=True, max_epochs=1),
        AutoencoderTransformer(4, hidden_layer_sizes=(), max_epochs=1),
    ):
        assert n_outputs(model.fit(wide)) is None, model
    # A stream's first chunk does not settle the directions of the rest.
    assert n_outputs(AutoencoderTransformer(4).partial_fit(wide)) is None


def test_pickle_and_warm_start(wide):
    ae = AutoencoderTransformer(4, max_epochs=2, random_state=0).fit(wide)
    loaded = pickle.loads(pickle.dumps(ae))
    np.testing.assert_array_equal(loaded.transform(wide), ae.transform(wide))
    np.testing.assert_array_equal(
        loaded.inverse_transform(ae.transform(wide)), ae.inverse_transform(ae.transform(wide))
    )
    kept = n_outputs(ae)
    ae.set_params(warm_start=True).fit(wide[:200])
    assert n_outputs(ae) == kept
    assert ae.n_iter_ == 4


def test_denoising_and_ordered_codes(wide):
    dae = DenoisingAutoencoder(4, max_epochs=2, random_state=0).fit(wide)
    assert n_outputs(dae) is not None
    assert dae.inverse_transform(dae.transform(wide)).shape == wide.shape
    ordered = AutoencoderTransformer(6, ordered=True, max_epochs=2, random_state=0).fit(wide)
    assert n_outputs(ordered) is not None
    # Explained variance is measured on the rows, in the data's units, as PCA's.
    ratio = ordered.explained_variance_ratio_
    pca = PCA(6).fit(wide).explained_variance_ratio_
    assert np.cumsum(ratio)[-1] == pytest.approx(np.cumsum(pca)[-1], abs=0.05)


def test_skops_round_trip(wide):
    sio = pytest.importorskip("skops.io")
    ae = AutoencoderTransformer(4, max_epochs=2, random_state=0).fit(wide)
    data = sio.dumps(ae)
    loaded = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    np.testing.assert_array_equal(
        loaded.inverse_transform(loaded.transform(wide)), ae.inverse_transform(ae.transform(wide))
    )


def test_stream_continues_a_fit_on_principal_coordinates(wide):
    ae = AutoencoderTransformer(4, max_epochs=2, random_state=0).fit(wide)
    kept = n_outputs(ae)
    ae.partial_fit(wide[:100])
    assert n_outputs(ae) == kept and ae.n_iter_ == 3

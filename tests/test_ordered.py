"""Ordered codes: nested dropout, explained variance, n_components as a share, truncation."""

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline

from skae import AutoencoderTransformer, DenoisingAutoencoder
from skae._engine.modules import Autoencoder
from skae._engine.torch_utils import fit_generator, new_generator


def heldout_mse(model, X):
    return np.mean((X - model.inverse_transform(model.transform(X))) ** 2)


@pytest.fixture(scope="module")
def split(digits):
    return train_test_split(digits[0], test_size=0.2, random_state=0)


@pytest.fixture(scope="module")
def ordered(split):
    return AutoencoderTransformer(8, ordered=True, random_state=0).fit(split[0])


def test_linear_autoencoders_explained_variance_is_pcas(digits):
    X = digits[0]
    linear = AutoencoderTransformer(6, hidden_layer_sizes=(), activation="identity",
                                    ordered=True, early_stopping=False, max_epochs=3,
                                    learning_rate=1e-6, random_state=0).fit(X)
    pca = PCA(6).fit(X)
    np.testing.assert_allclose(linear.explained_variance_ratio_, pca.explained_variance_ratio_,
                               atol=1e-3)
    np.testing.assert_allclose(linear.explained_variance_, pca.explained_variance_, rtol=1e-3)


def test_every_prefix_of_an_ordered_code_beats_pca(split, ordered):
    X_train, X_test = split
    for j in range(1, 9):
        truncated = ordered.truncate(j)
        assert heldout_mse(truncated, X_test) <= heldout_mse(PCA(j).fit(X_train), X_test), j
    # The leading units carry the most: the increments fall (up to noise).
    ratio = ordered.explained_variance_ratio_
    assert ratio[0] > ratio[-1] and np.all(np.cumsum(ratio) > 0)


def test_explained_variance_adds_up_to_the_heldout_error(split, ordered):
    # On held-out rows, 1 - error / total variance is the cumulative share.
    _, X_test = split
    share = 1 - heldout_mse(ordered, X_test) / np.mean((X_test - X_test.mean(0)) ** 2)
    assert np.sum(ordered.explained_variance_ratio_) == pytest.approx(share, abs=0.03)


def test_a_share_as_n_components_picks_a_code_no_wider_than_pcas(split):
    X_train, X_test = split
    ae = AutoencoderTransformer(0.8, random_state=0).fit(X_train)
    pca = PCA(0.8).fit(X_train)
    assert 1 <= ae.n_components_ <= pca.n_components_
    assert ae.transform(X_test).shape == (len(X_test), ae.n_components_)
    assert np.sum(ae.explained_variance_ratio_) >= 0.8
    share = 1 - heldout_mse(ae, X_test) / np.mean((X_test - X_test.mean(0)) ** 2)
    assert share >= 0.8 - 0.02
    assert ae.module_.nested_dropout  # a share trains an ordered code


def test_truncate_uses_the_leading_units_without_refitting(split, ordered):
    _, X_test = split
    short = ordered.truncate(3)
    np.testing.assert_array_equal(short.transform(X_test), ordered.transform(X_test)[:, :3])
    codes = ordered.transform(X_test)
    codes[:, 3:] = 0
    np.testing.assert_allclose(short.inverse_transform(codes[:, :3]),
                               ordered.inverse_transform(codes), rtol=1e-6)
    assert short.n_components == short.n_components_ == 3 and ordered.n_components_ == 8
    assert short.get_feature_names_out().tolist() == [
        "autoencodertransformer0", "autoencodertransformer1", "autoencodertransformer2"]
    assert np.all(np.isfinite(short.score_samples(X_test)))
    with pytest.raises(ValueError, match="from 1 to the fitted code's 8 units"):
        ordered.truncate(9)


def test_a_truncated_model_works_in_a_pipeline(digits, ordered):
    from sklearn.frozen import FrozenEstimator

    X, y = digits
    pipe = make_pipeline(FrozenEstimator(ordered.truncate(4)), LogisticRegression(max_iter=500))
    pipe.fit(X, y)
    assert pipe.score(X, y) > 0.7


def test_nested_dropout_zeroes_a_random_tail_in_training_only():
    module = Autoencoder(6, 5, (8,), nested_dropout=True)
    z = torch.ones(1000, 5)
    module.train()
    with fit_generator(new_generator(0, "cpu")):
        dropped = module.drop_tail(z)
    kept = dropped.sum(1)
    # Each row keeps a prefix: ones then zeros, of a length uniform in 1..5.
    assert torch.equal(dropped, (torch.arange(5) < kept[:, None]).float())
    assert set(kept.tolist()) == {1, 2, 3, 4, 5}
    with fit_generator(new_generator(0, "cpu")):
        assert torch.equal(module.drop_tail(z), dropped)
    module.eval()
    assert torch.equal(module.drop_tail(z), z)


def test_denoising_autoencoder_orders_its_code_too(split):
    X_train, X_test = split
    dae = DenoisingAutoencoder(4, ordered=True, max_epochs=20, random_state=0).fit(X_train)
    assert dae.module_.nested_dropout and len(dae.explained_variance_ratio_) == 4
    assert dae.truncate(2).transform(X_test).shape == (len(X_test), 2)

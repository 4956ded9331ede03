"""The skorch net and its data plumbing: optimizer groups, batches, splits, history."""

import numpy as np
import pytest
import torch

from skae import AutoencoderTransformer
from skae._engine.data import RowsDataset
from skae.penalties import ContractivePenalty, KLSparsityPenalty, L1ActivityPenalty

from ._helpers import X_SMALL

FAST = dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0)


def test_weight_decay_applies_to_the_networks_weights_only(digits):
    X, _ = digits
    ae = AutoencoderTransformer(n_components=4, **FAST).fit(X)
    module = ae.net_.module_
    decayed = {id(p) for g in ae.net_.optimizer_.param_groups if g["weight_decay"] > 0
               for p in g["params"]}
    assert decayed == {id(p) for p in module.decayed_weights()}
    assert decayed == {id(layer.weight)
                       for layer in [*module.encoder.layers, *module.decoder.layers]}
    assert all(g["weight_decay"] == 0.3 for g in ae.net_.optimizer_.param_groups
               if g["params"][0] is module.encoder.layers[0].weight)


@pytest.mark.parametrize("penalty, weight_decay, expected", [
    (None, "auto", 0.3),
    (ContractivePenalty(), "auto", 0.3),
    (L1ActivityPenalty(), "auto", 1.0),
    ([ContractivePenalty(), KLSparsityPenalty()], "auto", 1.0),
    (L1ActivityPenalty(), 0.05, 0.05),
    (L1ActivityPenalty(weight=0.0), "auto", 0.3),
])
def test_auto_weight_decay_is_stronger_with_a_sparsity_penalty(penalty, weight_decay, expected):
    X = np.random.RandomState(0).normal(size=(60, 5))
    ae = AutoencoderTransformer(n_components=2, penalty=penalty, weight_decay=weight_decay,
                                **FAST).fit(X)
    decays = {g["weight_decay"] for g in ae.net_.optimizer_.param_groups}
    assert decays == {0.0, expected}
    assert ae.weight_decay == weight_decay  # the parameter is left as given


def test_history_has_what_skorch_callbacks_read(digits):
    ae = AutoencoderTransformer(4, **FAST).fit(digits[0])
    row = ae.net_.history[-1]
    for key in ("epoch", "dur", "train_loss", "train_loss_best", "valid_loss",
                "valid_loss_best", "train_batch_count", "valid_batch_count"):
        assert key in row, key
    batch = row["batches"][0]
    assert {"train_loss", "train_batch_size"} <= set(batch)
    # The epoch losses are the batch losses averaged over rows, as skorch does.
    train = [b for b in row["batches"] if "train_loss" in b]
    expected = np.average([b["train_loss"] for b in train],
                          weights=[b["train_batch_size"] for b in train])
    assert row["train_loss"] == pytest.approx(expected)
    assert ae.loss_curve_ == ae.net_.history[:, "train_loss"]


def test_the_model_returned_has_the_best_validation_loss_recorded():
    X = X_SMALL
    ae = AutoencoderTransformer(3, hidden_layer_sizes=(16,), max_epochs=20, batch_size=32,
                                tol=0.0, random_state=0).fit(X)
    net = ae.net_
    _, valid = net.get_split_datasets(RowsDataset(torch.as_tensor(ae._scale(X))))
    (batch,) = list(net.get_iterator(valid))
    loss = net.validation_step(batch)["loss"].item()
    # What early stopping compared is what skorch's callbacks read (valid_loss).
    assert ae.best_epoch_ > 0
    assert loss == pytest.approx(ae.validation_loss_curve_[ae.best_epoch_ - 1], rel=1e-5)
    assert loss == pytest.approx(min(ae.validation_loss_curve_), rel=1e-5)


@pytest.mark.parametrize("scaling", ["standard", None])
def test_a_column_constant_on_the_training_rows_does_not_move_the_code(scaling):
    # Its weights would otherwise move as a bias's do (with scaling=None the
    # column's value is 3, not 0), and a new row where it varies would be
    # encoded far off.
    X = X_SMALL.copy()
    X[:, 0] = 3.0
    ae = AutoencoderTransformer(3, hidden_layer_sizes=(16,), max_epochs=30, scaling=scaling,
                                random_state=0).fit(X)
    module = ae.net_.module_
    assert torch.all(module.encoder_linear.weight[:, 0] == 0)  # PCA's loading, kept
    assert torch.all(module.encoder.layers[0].weight[:, 0] == 0)
    moved = X[:5].copy()
    moved[:, 0] = 40.0
    np.testing.assert_array_equal(ae.transform(moved), ae.transform(X[:5]))


def test_only_columns_constant_on_the_training_rows_are_frozen():
    X = X_SMALL.copy()
    X[:, 0] = 3.0
    ae = AutoencoderTransformer(3, hidden_layer_sizes=(16,), max_epochs=3, random_state=0)
    ae.fit(X)
    (callback,) = [cb for name, cb in ae.net_.callbacks_ if name == "frozen_input_columns"]
    assert callback.columns.tolist() == [True] + [False] * (X.shape[1] - 1)
    ae.fit(X_SMALL)  # nothing constant: no such callback
    assert "frozen_input_columns" not in dict(ae.net_.callbacks_)

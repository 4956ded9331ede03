"""The column map: how a table's columns become network entries and losses."""

import numpy as np
import pandas as pd
import pytest
import torch

from skae._columns import NumericColumns, TableColumns
from skae._engine.modules import Autoencoder
from skae._tabular import TabularLayout

FRAME = pd.DataFrame({
    "x": [0.5, 1.5, -1.0, 2.0, 0.0, 1.0],
    "colour": pd.Categorical(["red", "blue", "red", "green", "red", "blue"]),
    "ok": [True, False, True, True, False, True],
})


@pytest.fixture
def table():
    return TableColumns(TabularLayout().fit(FRAME))


def test_numeric_columns_are_the_identity():
    columns = NumericColumns(3)
    assert columns.is_identity and columns.blocks() is None and columns.mask_groups is None
    np.testing.assert_array_equal(columns.column_of, [0, 1, 2])
    entries = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(columns.by_column(entries), entries)
    scale = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(columns.loss_weights(scale), scale**2 / np.mean(scale**2))
    np.testing.assert_array_equal(columns.loss_weights(None), 1.0)


def test_numeric_row_losses_are_squared_errors_in_the_datas_units():
    columns = NumericColumns(2)
    scale = np.array([2.0, 10.0])
    out, x_net = torch.tensor([[1.0, 0.5]]), torch.tensor([[0.0, 0.0]])
    losses = columns.row_losses(out, x_net, "mse", np.zeros(2), scale)
    assert losses.item() == pytest.approx((1.0 * 2.0) ** 2 + (0.5 * 10.0) ** 2)


def test_numeric_decode_and_fill():
    columns = NumericColumns(2)
    X_hat = np.ones((2, 2))
    assert columns.decode(X_hat) is X_hat
    frame = columns.decode(X_hat, names=["a", "b"], container="pandas")
    assert list(frame.columns) == ["a", "b"]
    X = np.array([[np.nan, 1.0], [2.0, np.nan]])
    filled = columns.fill(X, X, np.full((2, 2), 7.0), None, np.array([False, False]))
    np.testing.assert_array_equal(filled, [[7.0, 1.0], [2.0, 7.0]])
    assert np.isnan(X).sum() == 2  # the input is left as it was


def test_a_table_maps_categorical_columns_to_one_hot_blocks(table):
    assert not table.is_identity and table.has_categorical
    assert table.n_columns == 3 and table.n_features == 6
    np.testing.assert_array_equal(table.column_of, [0, 1, 1, 1, 2, 2])
    np.testing.assert_array_equal(table.numeric_entries, [0])
    np.testing.assert_array_equal(table.by_column(np.ones((1, 6))), [[1.0, 3.0, 2.0]])
    np.testing.assert_array_equal(table.entry_widths(), [1, 3, 3, 3, 2, 2])


def test_each_categorical_column_is_weighted_by_its_entropy(table):
    weights = table.loss_weights(None)
    assert weights[0] == 1.0
    colour = np.array([3, 2, 1]) / 6
    np.testing.assert_allclose(weights[1:4], 1 / -(colour * np.log(colour)).sum())
    np.testing.assert_array_equal(table.pca_weights(None)[1:], 1.0)


def test_one_hot_columns_enter_centred_on_their_shares(table):
    X = table.layout.encode(FRAME, False)[0]
    center, scale = table.scaling(X, np.zeros(6), np.full(6, 2.0))
    np.testing.assert_allclose(center[1:4], [0.5, 2 / 6, 1 / 6])
    np.testing.assert_array_equal(scale, [2.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    assert table.scale_floor(0.01) == 0.0


def test_surprise_of_a_categorical_level(table):
    X = table.layout.encode(FRAME, False)[0]
    X_hat = np.tile([0.0, 0.5, 0.25, 0.25, 0.9, 0.1], (6, 1))
    residuals = np.zeros_like(X)
    terms = table.column_terms(X, X_hat, residuals, None, min_probability=0.01)
    expected = -np.log(np.where(FRAME["colour"] == "red", 0.5, 0.25))
    np.testing.assert_allclose(terms[:, 1], expected)
    unknown = np.zeros((6, 3), bool)
    unknown[0, 1] = True
    terms = table.column_terms(X, X_hat, residuals, unknown, min_probability=0.01)
    assert terms[0, 1] == pytest.approx(-np.log(0.01))


def test_kinds_are_balanced_at_the_start(table):
    X = table.layout.encode(FRAME, False)[0]
    center, scale = table.scaling(X, *map(np.asarray, ([X[:, 0].mean(), *[0] * 5],
                                                       [X[:, 0].std(), *[1] * 5])))
    X_scaled = ((X - center) / scale).astype(np.float32)
    module = Autoencoder(6, 2)
    weights = table.kind_weights(module, X_scaled, "mse", center, scale)
    assert weights.shape == (2,) and np.all(weights > 0)
    assert NumericColumns(6).kind_weights(module, X_scaled, "mse", center, scale) is None


def test_a_table_decodes_to_its_dtypes(table):
    X = table.layout.encode(FRAME, False)[0]
    decoded = table.decode(X)
    assert list(decoded.dtypes) == list(FRAME.dtypes)
    pd.testing.assert_frame_equal(decoded, FRAME)

"""Rows as one tensor: datasets, batches, splits and the masking of entries."""

import torch

from skae._engine.data import BatchIterator, IndexSplit, MaskEntries, RowsDataset
from skae._engine.torch_utils import fit_generator, new_generator


def test_batches_are_slices_in_an_order_drawn_from_the_given_generator():
    X = torch.arange(20.0).reshape(10, 2)
    dataset = RowsDataset(X, indices=torch.arange(2, 9))
    orders = []
    for _ in range(2):
        batches = list(BatchIterator(dataset, 3, shuffle=True, generator=new_generator(0, "cpu")))
        assert [len(b[0]) for b in batches] == [3, 3, 1]
        rows = torch.cat([b[0] for b in batches])[:, 0] / 2
        orders.append(rows)
        assert sorted(rows.tolist()) == list(range(2, 9))
        assert all(b[1] is b[0] for b in batches)  # the target is the input itself
    torch.testing.assert_close(orders[0], orders[1], rtol=0, atol=0)
    in_order = list(BatchIterator(dataset, 3))
    assert (torch.cat([b[0] for b in in_order])[:, 0] / 2).tolist() == list(range(2, 9))


def test_index_split_shares_the_data():
    X = torch.zeros(10, 2)
    train, valid = IndexSplit([0, 1, 2, 3, 4, 5, 6], [7, 8, 9])(RowsDataset(X))
    assert train.X is X and valid.X is X
    assert len(train) == 7 and len(valid) == 3


def test_a_dataset_with_targets_yields_them_beside_the_rows():
    X, Y = torch.zeros(4, 3), torch.ones(4, 2)
    dataset = RowsDataset(X, indices=torch.tensor([1, 3]), target=Y)
    assert len(dataset) == 2
    row, target = dataset[1]
    assert row.shape == (3,) and torch.equal(target, torch.ones(2))


def test_masking_at_rate_zero_is_no_corruption():
    assert MaskEntries.for_rate(0.0, None, "cpu") is None


def test_masking_hides_about_the_rate_of_entries():
    X = torch.zeros(2000, 10)
    with fit_generator(new_generator(0, "cpu")):
        hidden = torch.isnan(MaskEntries.for_rate(0.3, None, "cpu")(X))
    assert abs(hidden.float().mean().item() - 0.3) < 0.02
    assert not torch.isnan(X).any()  # the input is left as it was


def test_masking_hides_a_categorical_block_as_a_whole():
    # Entries 1-3 are one column's one-hot block; entries 0 and 4 are columns of their own.
    column_of = [0, 1, 1, 1, 2]
    X = torch.zeros(500, 5)
    with fit_generator(new_generator(0, "cpu")):
        hidden = torch.isnan(MaskEntries.for_rate(0.5, column_of, "cpu")(X))
    block = hidden[:, 1:4]
    assert torch.equal(block.all(1), block.any(1))
    assert 0.4 < block[:, 0].float().mean().item() < 0.6

"""The training data plumbing: one float32 tensor, sliced by index.

``RowsDataset`` holds the scaled training rows once, ``IndexSplit`` cuts it
into training and validation rows by index (no copy) and ``BatchIterator``
slices batches from it, the fast path skorch's ``get_iterator`` returns.
"""

import torch

from .torch_utils import rand


class RowsDataset(torch.utils.data.Dataset):
    """Rows ``indices`` of the tensor ``X`` (all rows when ``indices`` is None).

    The target is ``X`` itself unless ``target`` is given. Holding indices
    rather than a copy keeps a single float32 copy of the training data
    however it is split.
    """

    def __init__(self, X, indices=None, target=None):
        self.X = X
        self.indices = indices
        self.target = X if target is None else target

    def __len__(self):
        return len(self.X) if self.indices is None else len(self.indices)

    def __getitem__(self, i):
        j = i if self.indices is None else self.indices[i]
        return self.X[j], self.target[j]


class BatchIterator:
    """Yield ``(X_batch, X_batch)`` slices of a ``RowsDataset``.

    Batches are slices of the one tensor the dataset holds (no collation
    row by row). Each pass draws a fresh permutation from ``generator`` (the
    fit's own; None: torch's global one) when ``shuffle`` is true, so a seeded
    fit is reproducible.
    """

    def __init__(self, dataset, batch_size, shuffle=False, generator=None):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator

    def __len__(self):
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        X, target, indices = self.dataset.X, self.dataset.target, self.dataset.indices
        n = len(self.dataset)
        if self.shuffle:
            device = None if self.generator is None else self.generator.device
            order = torch.randperm(n, generator=self.generator, device=device)
            if indices is not None:
                order = indices.to(order.device)[order]
        elif indices is not None:
            order = indices
        else:
            for start in range(0, n, self.batch_size):
                stop = start + self.batch_size
                yield X[start:stop], target[start:stop]
            return
        order = order.to(X.device)
        for start in range(0, n, self.batch_size):
            rows = order[start : start + self.batch_size]
            batch = X.index_select(0, rows)
            yield batch, (batch if target is X else target.index_select(0, rows))


class IndexSplit:
    """A skorch ``train_split`` that cuts a ``RowsDataset`` by fixed indices."""

    def __init__(self, train_indices, valid_indices):
        self.train_indices = torch.as_tensor(train_indices, dtype=torch.long)
        self.valid_indices = torch.as_tensor(valid_indices, dtype=torch.long)

    def __call__(self, dataset, y=None, **fit_params):
        return (
            RowsDataset(dataset.X, self.train_indices, dataset.target),
            RowsDataset(dataset.X, self.valid_indices, dataset.target),
        )


class MaskEntries:
    """Hide each entry of a batch with probability ``rate`` (set it to NaN).

    The corruption of the imputer and of the detector's conditional score:
    the network, built with ``missing_input``, learns to rebuild entries
    from the rest of the row. With ``column_of`` (the original column of each
    encoded column), a categorical column's one-hot block is hidden as a
    whole.
    """

    def __init__(self, rate, column_of=None):
        self.rate = rate
        self.column_of = column_of
        self.n_columns = None if column_of is None else int(column_of[-1]) + 1

    @classmethod
    def for_rate(cls, rate, column_of, device):
        """The corruption at ``rate`` (None when it is 0); ``column_of``, the
        original column of each encoded column, or None for one entry each."""
        if not rate:
            return None
        return cls(rate, None if column_of is None else torch.as_tensor(column_of, device=device))

    def __call__(self, X_scaled):
        if self.column_of is None:
            hidden = rand(X_scaled.shape, X_scaled) < self.rate
        else:
            draws = rand((len(X_scaled), self.n_columns), X_scaled)
            hidden = (draws < self.rate)[:, self.column_of]
        return X_scaled.masked_fill(hidden, float("nan"))

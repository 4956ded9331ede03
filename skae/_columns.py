"""How a table's columns map to the network's inputs, outputs and loss weights.

Every estimator holds one column map, ``_columns``, set when ``fit``
validates its data, and asks it instead of branching on the kind of table:

- ``NumericColumns``: a numeric array or DataFrame. Each column is one
  input and one output of the network, in the data's own units: the loss
  is the squared error in those units, as PCA's.
- ``TableColumns``: a DataFrame with categorical, string or boolean columns,
  encoded by a ``TabularLayout``. A categorical column is a block of one-hot
  inputs, and its block of outputs are logits of its levels, rebuilt with
  cross-entropy; each column, numeric or categorical, counts alike in the
  loss, and the two kinds are balanced (``kind_weights``).
"""

import numpy as np
import pandas as pd
import torch

from ._engine.losses import Blocks, ReconstructionLoss
from ._engine.torch_utils import global_rng_untouched, torch_threads
from ._frames import frame_schema, numeric_frame, to_pandas

#: ``kind_weights`` measures each kind's loss on at most this many rows.
KIND_WEIGHT_ROWS = 5000
#: ... floored at this share of what predicting every column by its mean
#: costs (1 per column).
KIND_LOSS_FLOOR = 0.01


class NumericColumns:
    """The identity map of a numeric table of ``n_features`` columns.

    The column terms, losses and weights of a numeric table: entry ``j`` of
    the network is column ``j`` of the data.
    """

    is_identity = True
    layout = None
    #: The training frame's library and dtypes (``FrameSchema``) when it was
    #: not pandas; None for pandas frames and arrays.
    schema = None

    def __init__(self, n_features):
        self.n_features = n_features

    @property
    def n_columns(self):
        return self.n_features

    @property
    def column_of(self):
        """The original column of each network entry."""
        return np.arange(self.n_features)

    @property
    def numeric(self):
        """Whether each original column is numeric."""
        return np.ones(self.n_features, bool)

    @property
    def numeric_entries(self):
        """The network entries of the numeric columns."""
        return np.arange(self.n_features)

    @property
    def starts(self):
        """Each original column's first network entry."""
        return np.arange(self.n_features)

    has_categorical = False
    #: Entries that ``MaskEntries`` hides together: none, each on its own.
    mask_groups = None

    def scaling(self, X, center, scale):
        """The network's input scaling, given a scaler's ``(center, scale)``."""
        return center, scale

    def scale_floor(self, floor):
        """The smallest scale relative to the typical one (``fit_scaler``)."""
        return floor

    def loss_weights(self, scale):
        """Per-entry weights of the squared error in the network's scaled
        units: proportional to ``scale**2``, so that the loss is the error in
        the data's units (every column alike when ``scale`` is None)."""
        if scale is None:
            return np.ones(self.n_features)
        return scale**2 / np.mean(scale**2)

    def pca_weights(self, scale):
        """The weights of the PCA start: the loss weights."""
        return self.loss_weights(scale)

    def blocks(self):
        """The ``Blocks`` of categorical outputs: none."""
        return None

    def kind_weights(self, module, X_scaled, loss, center, scale):
        """Weights balancing numeric and categorical columns: none to balance."""
        return None

    def row_losses(self, out, x_net, loss, center, scale):
        """Each row's summed squared error of the decoder's output ``out``
        against the scaled rows ``x_net``, in the data's units (float64)."""
        # Squares and weights in float64: scale**2, and the squares of
        # residuals of nearly constant columns, can leave float32's range.
        w = torch.as_tensor(scale**2, dtype=torch.float64, device=out.device)
        return (out - x_net).double() ** 2 @ w

    def in_loss_units(self, X):
        """``X`` as the loss compares its columns: as it is."""
        return X

    def mean_output(self, mean, center):
        """The decoder output that predicts every row by ``mean`` (scaled)."""
        return mean

    def column_terms(self, X, X_hat, residuals, unknown, min_probability):
        """Each column's term of a row's surprise: its squared residual."""
        return residuals**2

    def by_column(self, entry_terms):
        """Terms per network entry -> per original column: the same."""
        return entry_terms

    def decode(self, X_hat, index=None, names=None, container=None):
        """Rebuilt rows: the array, or with ``container`` a DataFrame with
        ``names`` (``numeric_frame``: "pandas", "polars" or "input")."""
        if container is None:
            return X_hat
        if names is None:
            names = [f"x{i}" for i in range(self.n_features)]
        frame = numeric_frame(X_hat, list(names), container, self.schema)
        if isinstance(frame, pd.DataFrame) and index is not None:
            frame.index = index
        return frame

    def fill(self, original, X, imputed, unknown, empty):
        """``X`` with its missing entries replaced by ``imputed``'s, and the
        ``empty`` columns (never observed in training) by 0."""
        missing = np.isnan(X)
        out = np.array(X, copy=True)
        out[missing] = imputed[missing]
        out[:, empty] = 0.0
        return out


class TableColumns(NumericColumns):
    """The map of a mixed-type DataFrame, encoded by ``layout``.

    Numeric columns are one entry each, in the network's scaled units
    (standard deviations with the default scaling); a categorical column is
    a block of one-hot entries, centred on its level shares.
    """

    is_identity = False

    def __init__(self, layout):
        self.layout = layout
        self.n_features = layout.width

    @property
    def n_columns(self):
        return self.layout.n_columns

    @property
    def column_of(self):
        return self.layout.column_of

    @property
    def numeric(self):
        return self.layout.numeric

    @property
    def numeric_entries(self):
        return self.layout.starts[self.layout.numeric]

    @property
    def starts(self):
        return self.layout.starts

    @property
    def has_categorical(self):
        return not self.layout.numeric.all()

    @property
    def mask_groups(self):
        """A categorical column's one-hot block is hidden as a whole."""
        return self.layout.column_of

    def scaling(self, X, center, scale):
        # One-hot columns enter centred on their level shares, unscaled.
        # (A one-hot column always has observed entries: a categorical
        # column without any is refused.)
        layout = self.layout
        one_hot = ~layout.numeric[layout.column_of]
        center, scale = center.copy(), scale.copy()
        center[one_hot] = np.nanmean(X[:, one_hot], axis=0)
        scale[one_hot] = 1.0
        return center, scale

    def scale_floor(self, floor):
        # Each numeric column's error counts in its own scaled units
        # (``loss_weights``), so no scale is floored.
        return 0.0

    def loss_weights(self, scale):
        """1 for a numeric column (its squared error in the network's scaled
        units) and ``1 / H`` for the entries of a categorical column's block,
        ``H`` the column's entropy in training. Within each kind, a column's
        loss is then 1 for the model that predicts its mean (its level
        shares), whatever its number of levels; between the kinds,
        ``kind_weights`` balances them."""
        layout = self.layout
        weight = np.ones(layout.width)
        for (start, stop), entropy in zip(layout.blocks, layout.entropies()):
            weight[start:stop] = 1.0 / entropy
        return weight

    def pca_weights(self, scale):
        """The loss weights, but 1 for one-hot columns (PCA of standardised
        and one-hot columns)."""
        layout = self.layout
        return np.where(layout.numeric[layout.column_of], self.loss_weights(scale), 1.0)

    def blocks(self):
        layout = self.layout
        if not layout.blocks:
            return None
        return Blocks(layout.blocks, layout.width)

    def column_losses(self, out, target, loss, center, scale):
        """The loss of every entry of the decoder's output ``out`` against the
        scaled rows ``target``: the training loss's entries, weighted per
        column (``loss_weights``) but not per kind."""
        criterion = ReconstructionLoss(loss, center, scale, self.loss_weights(scale),
                                       self.blocks())
        return criterion.to(out.device).elementwise(out.float(), target.float())

    def kind_weights(self, module, X_scaled, loss, center, scale):
        """The weights that make each kind's loss 1 for the starting
        ``module`` (PCA's solution) on (a sample of) the training rows.

        Each kind's loss is the mean over rows of its columns' summed loss,
        floored at ``KIND_LOSS_FLOOR`` of what predicting every column by its
        mean costs (1 per column). Training then counts a relative gain on
        either kind alike, whatever the number of columns of each, and early
        stopping keeps the weights whose larger relative loss is smallest
        (``ReconstructionLoss``'s ``minimax``). None without both kinds.
        """
        layout = self.layout
        if not layout.blocks or layout.numeric.all():
            return None
        rows = X_scaled
        if len(rows) > KIND_WEIGHT_ROWS:
            rows = rows[np.random.RandomState(0).choice(len(rows), KIND_WEIGHT_ROWS,
                                                        replace=False)]
        x = torch.from_numpy(np.ascontiguousarray(rows))
        was_training = module.training
        module.eval()
        with torch.no_grad(), global_rng_untouched(), torch_threads(None):
            entries = self.column_losses(module(x)[0], torch.nan_to_num(x), loss, center, scale)
        module.train(was_training)
        entries = torch.where(torch.isnan(x), 0.0, entries).double().numpy()
        categorical = ~layout.numeric[layout.column_of]
        n_numeric = int(layout.numeric.sum())
        kinds = np.array([entries[:, ~categorical].sum(1).mean(),
                          entries[:, categorical].sum(1).mean()])
        floor = KIND_LOSS_FLOOR * np.array([n_numeric, layout.n_columns - n_numeric])
        return 1.0 / np.maximum(kinds, floor)

    def row_losses(self, out, x_net, loss, center, scale):
        """Each row's summed loss over its columns, weighted as
        ``loss_weights`` does (float64)."""
        return self.column_losses(out, x_net, loss, center, scale).double().sum(dim=1)

    def in_loss_units(self, X):
        # The loss counts numeric columns in standard deviations, next to
        # the one-hot columns.
        layout = self.layout
        numeric = layout.numeric[layout.column_of]
        std = np.where(numeric, X.std(axis=0), 1.0)
        return X / np.where(std > 0, std, 1.0)

    def mean_output(self, mean, center):
        # A categorical block predicts its level shares, as logits.
        for start, stop in self.layout.blocks:
            shares = mean[start:stop] + center[start:stop]
            mean[start:stop] = np.log(np.maximum(shares, 1e-12))
        return mean

    def column_terms(self, X, X_hat, residuals, unknown, min_probability):
        """A numeric column's squared residual; a categorical column's
        surprise: minus the log of the probability ``X_hat`` gives the row's
        level (at least ``min_probability``, which is also what a level never
        seen in training, ``unknown``, gets)."""
        layout = self.layout
        terms = np.empty((len(X), layout.n_columns))
        terms[:, layout.numeric] = residuals[:, layout.starts[layout.numeric]] ** 2
        for j, (start, stop) in zip(layout.categorical_columns, layout.blocks):
            p = np.sum(X[:, start:stop] * X_hat[:, start:stop], axis=1)
            p = np.maximum(p, min_probability)
            if unknown is not None:
                p[unknown[:, j]] = min_probability
            terms[:, j] = -np.log(p)
        return terms

    def by_column(self, entry_terms):
        layout = self.layout
        out = np.zeros((len(entry_terms), layout.n_columns))
        np.add.at(out.T, layout.column_of, entry_terms.T)
        return out

    def entry_widths(self):
        """The width of each network entry's block (1 for a numeric column)."""
        layout = self.layout
        widths = np.array([c.width for c in layout.columns], dtype=np.float64)
        return widths[layout.column_of]

    def decode(self, X_hat, index=None, names=None, container=None):
        """A DataFrame with the training columns and dtypes, in the training
        frame's library: each categorical entry its block's most likely
        level, integer columns rounded."""
        frame = self.layout.decode(X_hat, index=index)
        return frame if self.schema is None else self.schema.to_native(frame)

    def fill(self, original, X, imputed, unknown, empty):
        """``original`` with its missing entries filled, in its own library
        and dtypes (a pandas frame when it is an array)."""
        schema = frame_schema(original)
        frame = original if schema is None else to_pandas(original)
        if not isinstance(frame, pd.DataFrame):
            frame = pd.DataFrame(np.asarray(frame, dtype=object),
                                 columns=[c.name for c in self.layout.columns])
        filled = self.layout.fill(frame, imputed, unknown)
        for j in np.flatnonzero(empty):  # as for arrays: zeros
            column = filled.columns[j]
            filled[column] = pd.Series(0, index=filled.index).astype(filled[column].dtype)
        return filled if schema is None else schema.to_native(filled)

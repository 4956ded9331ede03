"""Mixed-type tables: how a DataFrame's columns map to the network's columns.

A DataFrame whose columns are not all numeric (``category``, ``object``
strings, ``bool``, pandas' ``string`` and ``boolean``) is encoded by a
``TabularLayout``: numeric columns stay one column each, every categorical
column becomes a block of one-hot columns, one per level. Missing values
stay NaN (a whole block for a categorical entry), for the imputer to fill.
The layout also decodes the network's output back into a DataFrame with the
original columns and dtypes, a categorical block's most likely level per row.
"""

from numbers import Integral, Real

import numpy as np
import pandas as pd

#: A categorical column's entropy (in nats) is floored at this when it
#: weighs the column's cross-entropy: a nearly constant column is not
#: blown up into a huge weight.
MIN_ENTROPY = 0.05


def _is_numeric(series):
    """Whether a column enters as numbers: ints and floats, nullable ones
    included, and object columns holding only numbers; not bools."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_numeric_dtype(dtype):
        return True
    if dtype == object:
        kind = pd.api.types.infer_dtype(series, skipna=True)
        return kind in ("integer", "floating", "mixed-integer-float", "decimal")
    return False


def is_mixed_frame(X):
    """Whether ``X`` is a DataFrame with a column that is not plainly numeric."""
    if not isinstance(X, pd.DataFrame):
        return False
    return any(not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
               for dtype in X.dtypes)


def _check_uniform(name, values):
    """Raise when an object column mixes strings with other kinds of values."""
    def kind(v):
        if isinstance(v, str):
            return "str"
        if isinstance(v, (bool, np.bool_)):
            return "bool"
        return "number" if isinstance(v, (Integral, Real)) else type(v).__name__

    kinds = {kind(v) for v in values}
    if len(kinds) > 1:
        raise ValueError(
            f"Column {name!r} mixes values of types {sorted(kinds)}; a "
            "categorical column needs values of one kind. Convert it, for "
            f"example with X[{name!r}].astype(str)."
        )


def _plain(value):
    """A level as a plain Python value (numpy scalars as Python numbers)."""
    return value.item() if isinstance(value, np.generic) else value


def _dtype_spec(dtype):
    """A dtype as plain data, so that pickle and skops store no pandas or
    pyarrow object: a string, or a list naming the kind of dtype and what
    rebuilds it exactly (a categorical dtype's categories; a string dtype's
    storage and missing value; a pyarrow type, dictionary-encoded or not)."""
    if isinstance(dtype, pd.CategoricalDtype):
        return ["category", [_plain(c) for c in dtype.categories], bool(dtype.ordered)]
    if isinstance(dtype, pd.StringDtype):
        return ["string", str(dtype.storage), getattr(dtype, "na_value", pd.NA) is pd.NA]
    if isinstance(dtype, getattr(pd, "ArrowDtype", ())):
        arrow = dtype.pyarrow_dtype
        if hasattr(arrow, "index_type"):  # dictionary-encoded: pyarrow's categorical
            return ["arrow-dictionary", str(arrow.index_type), str(arrow.value_type),
                    bool(arrow.ordered)]
        return ["arrow", str(arrow)]
    return str(dtype)


def _dtype_from_spec(spec):
    if not isinstance(spec, list):
        return pd.api.types.pandas_dtype(spec)
    kind = spec[0]
    if kind == "category":
        return pd.CategoricalDtype(spec[1], ordered=spec[2])
    if kind == "string":
        try:
            return pd.StringDtype(spec[1], na_value=pd.NA if spec[2] else np.nan)
        except TypeError:  # pandas < 2.3: one missing value, pd.NA
            return pd.StringDtype(spec[1])
    import pyarrow as pa

    if kind == "arrow-dictionary":
        return pd.ArrowDtype(pa.dictionary(pa.type_for_alias(spec[1]),
                                           pa.type_for_alias(spec[2]), spec[3]))
    return pd.ArrowDtype(pa.type_for_alias(spec[1]))


class _Column:
    """One column of the layout: its kind, dtype, levels and encoded slice.

    Only plain data is stored (names, strings, lists, numbers), so a fitted
    layout pickles, and loads with skops, without pandas objects.
    """

    def __init__(self, name, kind, dtype, levels=None, counts=None, grouped=()):
        self.name, self.kind = _plain(name), kind
        self.dtype_spec = _dtype_spec(dtype)
        # Kept levels (the infrequent group last) and their training counts.
        self.levels = None if levels is None else [_plain(v) for v in levels]
        self.counts = None if counts is None else [float(c) for c in counts]
        self.grouped = [_plain(v) for v in grouped]  # the levels in the infrequent group

    @property
    def dtype(self):
        return _dtype_from_spec(self.dtype_spec)

    @property
    def index(self):
        """Each level's position in the block (a grouped level's: the group's)."""
        index = self.__dict__.get("_index")
        if index is None:
            index = {level: i for i, level in enumerate(self.levels)}
            for level in self.grouped:
                index[level] = len(self.levels) - 1
            self._index = index
        return index

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_index", None)
        return state

    @property
    def width(self):
        return 1 if self.kind == "numeric" else len(self.levels)


class TabularLayout:
    """The encoding of a mixed-type DataFrame: numeric columns as they are,
    categorical ones one-hot.

    Parameters
    ----------
    min_frequency : int, float or None
        Levels seen fewer times (an int) or in a smaller share of the rows (a
        float) join one infrequent group, as in ``OneHotEncoder``.
    max_categories : int or None
        At most this many one-hot columns per categorical column, the
        infrequent group included; the rarest levels are grouped.
    handle_unknown : {"error", "ignore"}
        A level not seen in training: a ValueError naming the column and the
        value, or an entry treated as missing.
    """

    def __init__(self, min_frequency=None, max_categories=None, handle_unknown="error"):
        self.min_frequency = min_frequency
        self.max_categories = max_categories
        self.handle_unknown = handle_unknown

    # ----------------------------------------------------------- fitting

    def fit(self, frame):
        self.columns = []
        for name in frame.columns:
            series = frame[name]
            if _is_numeric(series):
                self.columns.append(_Column(name, "numeric", series.dtype))
            else:
                self.columns.append(self._categorical(name, series))
        self._index_columns()
        return self

    def _categorical(self, name, series):
        dtype = series.dtype
        if (getattr(dtype, "kind", "O") in "mMc"
                or isinstance(dtype, (pd.DatetimeTZDtype, pd.PeriodDtype, pd.IntervalDtype))):
            raise ValueError(
                f"Column {name!r} has dtype {dtype}, which is neither numeric nor "
                "categorical. Turn it into numbers first (for example the day of "
                "the week, or seconds since a date) or drop it."
            )
        observed = series[~pd.isna(series)]
        if len(observed) == 0:
            raise ValueError(
                f"Categorical column {name!r} has no observed value: there is no "
                "level to learn or to fill it with. Drop the column."
            )
        if not isinstance(series.dtype, pd.CategoricalDtype):
            _check_uniform(name, pd.unique(observed))
        counts = observed.value_counts(sort=False)
        counts = counts[counts > 0]
        # Most frequent first; ties in the levels' own order, so the layout
        # does not depend on the row order.
        order = sorted(range(len(counts)), key=lambda i: (-counts.iloc[i], i))
        levels = [counts.index[i] for i in order]
        n = np.array([counts.iloc[i] for i in order], dtype=np.float64)
        kept = len(levels)
        if self.min_frequency is not None:
            threshold = (self.min_frequency * len(observed)
                         if isinstance(self.min_frequency, Real)
                         and not isinstance(self.min_frequency, Integral)
                         else self.min_frequency)
            kept = int(np.sum(n >= threshold))
        if self.max_categories is not None and kept > self.max_categories:
            kept = self.max_categories - 1
        kept = max(kept, 1)
        if len(levels) - kept >= 2:
            grouped = levels[kept:]
            # The group decodes to its most frequent level.
            return _Column(name, "categorical", series.dtype, levels[: kept + 1],
                           np.r_[n[:kept], n[kept:].sum()], grouped=grouped)
        return _Column(name, "categorical", series.dtype, levels, n)

    def _index_columns(self):
        self.n_columns = len(self.columns)
        widths = [c.width for c in self.columns]
        self.starts = np.r_[0, np.cumsum(widths)[:-1]].astype(int)
        self.width = int(np.sum(widths))
        #: The original column of each encoded column.
        self.column_of = np.repeat(np.arange(self.n_columns), widths)
        self.numeric = np.array([c.kind == "numeric" for c in self.columns])
        #: ``(start, stop)`` of each categorical column's one-hot block.
        self.blocks = [(int(s), int(s) + c.width)
                       for s, c in zip(self.starts, self.columns) if c.kind != "numeric"]

    @property
    def categorical_columns(self):
        return [j for j, c in enumerate(self.columns) if c.kind != "numeric"]

    def marginals(self):
        """Each categorical column's level shares in training."""
        return [np.asarray(c.counts) / np.sum(c.counts)
                for c in self.columns if c.kind != "numeric"]

    def entropies(self):
        """Each categorical column's entropy in training, in nats (floored)."""
        return np.array([
            max(float(-np.sum(p * np.log(np.maximum(p, 1e-300)))), MIN_ENTROPY)
            for p in self.marginals()
        ])

    # ---------------------------------------------------------- encoding

    def encode(self, frame, allow_nan):
        """``(X, unknown)``: the float64 encoding of ``frame`` and a boolean
        array of shape (n_samples, n_columns), true where a categorical entry
        held a level not seen in training (``handle_unknown="ignore"``)."""
        n = len(frame)
        X = np.zeros((n, self.width))
        unknown = np.zeros((n, self.n_columns), dtype=bool)
        for j, (column, start) in enumerate(zip(self.columns, self.starts)):
            series = frame.iloc[:, j]
            missing = np.asarray(pd.isna(series), dtype=bool)
            if missing.any() and not allow_nan:
                raise ValueError(
                    f"Column {column.name!r} has {int(missing.sum())} missing "
                    "values. Fill them first, for example with "
                    "skae.AutoencoderImputer, or drop those rows."
                )
            if column.kind == "numeric":
                values = pd.to_numeric(series, errors="coerce")
                bad = np.asarray(pd.isna(values), dtype=bool) & ~missing
                if bad.any():
                    raise ValueError(
                        f"Column {column.name!r} was numeric in training but holds "
                        f"{series[bad].iloc[0]!r}."
                    )
                values = values.astype("float64").to_numpy(na_value=np.nan)
                if not np.all(np.isfinite(values[~missing])):
                    raise ValueError(f"Column {column.name!r} contains infinity.")
                X[:, start] = values
                continue
            levels = list(column.index)
            position = pd.Index(levels, dtype=object).get_indexer(series.to_numpy(dtype=object))
            codes = np.array([column.index[v] for v in levels])[position]
            codes = np.where(position >= 0, codes, -2)
            codes[missing] = -1
            new = codes == -2
            if new.any():
                if self.handle_unknown == "error":
                    value = series[new].iloc[0]
                    raise ValueError(
                        f"Column {column.name!r} holds {value!r}, a level not seen "
                        f"in training ({int(new.sum())} such rows). Pass "
                        'handle_unknown="ignore" to treat such values as missing.'
                    )
                unknown[:, j] = new
            block = X[:, start : start + column.width]
            seen = codes >= 0
            block[np.flatnonzero(seen), codes[seen]] = 1.0
            block[~seen] = np.nan
        return X, unknown

    # ---------------------------------------------------------- decoding

    def decode(self, P, index=None):
        """A DataFrame with the original columns and dtypes from encoded rows
        ``P`` (numbers; level probabilities per categorical block): each
        categorical entry is its block's most likely level, integer columns
        are rounded, bool columns are bools."""
        data = {}
        for column, start in zip(self.columns, self.starts):
            if column.kind == "numeric":
                data[column.name] = _numeric_output(P[:, start], column.dtype)
            else:
                best = np.argmax(P[:, start : start + column.width], axis=1)
                values = np.array(column.levels, dtype=object)[best]
                data[column.name] = _categorical_output(values, column.dtype)
        frame = pd.DataFrame(data, index=index)
        frame.columns = [c.name for c in self.columns]
        return frame

    def fill(self, frame, P, unknown=None):
        """``frame`` (not modified) with its missing entries, and those marked
        ``unknown``, replaced by those of ``decode(P)``, in the dtypes of
        training."""
        decoded = self.decode(P, index=frame.index)
        out = {}
        for j, column in enumerate(self.columns):
            series = frame.iloc[:, j]
            missing = np.asarray(pd.isna(series), dtype=bool)
            if unknown is not None:
                missing = missing | unknown[:, j]
            filled = decoded.iloc[:, j].copy()
            if column.kind == "numeric":
                keep = pd.to_numeric(series, errors="coerce").to_numpy(
                    dtype=np.float64, na_value=np.nan)
                result = np.where(missing, np.asarray(filled, dtype=np.float64), keep)
                out[column.name] = _numeric_output(result, column.dtype, rounded=missing)
            else:
                values = series.to_numpy(dtype=object).copy()
                values[missing] = filled.to_numpy(dtype=object)[missing]
                out[column.name] = _categorical_output(values, column.dtype)
        result = pd.DataFrame(out, index=frame.index)
        result.columns = [c.name for c in self.columns]
        return result


def _numeric_output(values, dtype, rounded=None):
    """Numbers as a column of ``dtype``: integer dtypes get rounded values
    (only where ``rounded`` is true, when given)."""
    values = np.asarray(values, dtype=np.float64)
    if pd.api.types.is_integer_dtype(dtype):
        where = np.ones(len(values), bool) if rounded is None else rounded
        values = np.where(where, np.round(values), values)
        return pd.array(values.astype(np.int64), dtype=dtype)
    if pd.api.types.is_float_dtype(dtype):
        return pd.array(values, dtype=dtype)
    return values


def _categorical_output(values, dtype):
    """Levels as a column of the training column's dtype."""
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(values, dtype=dtype)
    if isinstance(dtype, getattr(pd, "ArrowDtype", ())):
        return _arrow_output(values, dtype.pyarrow_dtype)
    if pd.api.types.is_bool_dtype(dtype) and not isinstance(dtype, np.dtype):
        return pd.array(values, dtype=dtype)  # nullable "boolean"
    if dtype == bool:
        return values.astype(bool)
    if isinstance(dtype, pd.StringDtype):
        return pd.array(values, dtype=dtype)
    return values


def _arrow_output(values, arrow_type):
    """Levels as a pyarrow-backed column of ``arrow_type`` (a dictionary-encoded
    one too, which pandas cannot build from values itself)."""
    import pyarrow as pa

    values = [None if pd.isna(v) else v for v in values]
    if hasattr(arrow_type, "index_type"):
        array = pa.array(values, type=arrow_type.value_type).dictionary_encode()
        return pd.arrays.ArrowExtensionArray(array.cast(arrow_type))
    return pd.arrays.ArrowExtensionArray(pa.array(values, type=arrow_type))

"""DataFrames of every library, read and written in one way, through narwhals.

skae encodes tables with pandas (``TabularLayout``). A DataFrame of another
library that narwhals knows (polars, pyarrow tables, ...) is read by
converting it to pandas at the door (``to_pandas``), after checking its
columns in narwhals' terms; what an estimator returns as a table is written
back in the input's library and dtypes (``FrameSchema.to_native``): pandas
-> Arrow -> the library, then each column cast to its training dtype.
"""

import numpy as np
import pandas as pd

#: narwhals dtypes that hold several values per entry, or values of no
#: declared kind, or moments in time: none is a number or a level.
_NESTED = ("List", "Array", "Struct")
_OPAQUE = ("Object", "Unknown")
_TEMPORAL = ("Datetime", "Date", "Duration", "Time")


def _narwhals_frame(X):
    """``X`` as an eager narwhals DataFrame (or Series) when it is a
    non-pandas one narwhals knows; else None (pandas and arrays keep their path)."""
    if X is None or isinstance(X, (pd.DataFrame, pd.Series, np.ndarray)):
        return None
    import narwhals as nw

    frame = nw.from_native(X, eager_only=True, series_only=False, allow_series=True,
                           pass_through=True)
    return frame if isinstance(frame, (nw.DataFrame, nw.Series)) else None


def _check_columns(frame, estimator):
    """Raise a ValueError naming a column skae cannot encode."""
    who = "skae" if estimator is None else type(estimator).__name__
    for name, dtype in frame.schema.items():
        kind = type(dtype).__name__
        if kind in _NESTED:
            raise ValueError(
                f"Column {name!r} has dtype {dtype}, which holds several values "
                f"per entry; {who} needs numeric, "
                "categorical, string or boolean columns. Flatten it into columns "
                "of their own (for example with unnest or list.to_struct) or drop it."
            )
        if kind in _OPAQUE:
            raise ValueError(
                f"Column {name!r} has dtype {dtype}: Python objects of no declared "
                f"kind; {who} needs numeric, categorical, string or boolean columns. "
                f"Cast it, for example with pl.col({name!r}).cast(pl.String) or to "
                "a number, or drop it."
            )
        if kind in _TEMPORAL:
            raise ValueError(
                f"Column {name!r} has dtype {dtype}, which is neither numeric nor "
                "categorical. Turn it into numbers first (for example the day of "
                "the week, or seconds since a date) or drop it."
            )


def to_pandas(X, estimator=None):
    """``X`` as pandas when it is a DataFrame (or Series) of another library,
    after checking its columns; else ``X`` itself. The caller's object is
    never modified."""
    frame = _narwhals_frame(X)
    if frame is None:
        return X
    _check_columns(frame.to_frame() if hasattr(frame, "to_frame") else frame, estimator)
    return frame.to_pandas()


def frame_schema(X):
    """The ``FrameSchema`` of a non-pandas DataFrame, or None."""
    frame = _narwhals_frame(X)
    if frame is None or not hasattr(frame, "columns"):
        return None
    return FrameSchema(frame)


def _dtype_spec(dtype):
    """A narwhals dtype as plain data: its name, and an Enum's categories."""
    kind = type(dtype).__name__
    if kind == "Enum":
        return [kind, [str(c) for c in dtype.categories]]
    return [kind]


class FrameSchema:
    """The library and column dtypes of a training DataFrame, as plain data.

    ``to_native`` writes a pandas result back as a frame of that library,
    with the training dtypes: integer columns rounded, strings, booleans,
    categoricals and enums as they came in.
    """

    def __init__(self, frame):
        import narwhals as nw

        self.backend = nw.get_native_namespace(frame).__name__
        self.dtypes = {str(name): _dtype_spec(dtype) for name, dtype in frame.schema.items()}

    def _dtype(self, name):
        import narwhals as nw

        spec = self.dtypes[name]
        return nw.Enum(spec[1]) if spec[0] == "Enum" else getattr(nw, spec[0])()

    def to_native(self, table, names=None, cast=True):
        """``table`` (pandas, or an array with column ``names``) in this
        schema's library; with ``cast``, the columns named in the schema
        take their dtypes."""
        import narwhals as nw
        import pyarrow as pa

        if not isinstance(table, pd.DataFrame):
            table = pd.DataFrame(table, columns=names)
        arrow = pa.Table.from_pandas(table, preserve_index=False)
        frame = nw.from_arrow(arrow, backend=self.backend)
        casts = []
        for name in frame.columns:
            if not cast or name not in self.dtypes:
                continue
            dtype, column = self._dtype(name), nw.col(name)
            if dtype.is_integer() and not frame.schema[name].is_integer():
                column = column.round(0)
            casts.append(column.cast(dtype))
        return frame.with_columns(casts).to_native() if casts else frame.to_native()


def like_input(values, X, columns):
    """``values`` as a DataFrame of ``X``'s library with these ``columns``
    (pandas with ``X``'s index), or as they are when ``X`` is no DataFrame."""
    if isinstance(X, pd.DataFrame):
        return pd.DataFrame(values, index=X.index, columns=columns)
    schema = frame_schema(X)
    if schema is None:
        return values
    return schema.to_native(pd.DataFrame(values, columns=list(columns)), cast=False)


def numeric_frame(values, names, container, schema=None):
    """Numbers with column ``names`` as the DataFrame ``container`` asks for:
    ``"pandas"``, ``"polars"`` (scikit-learn's ``set_output``), or
    ``"input"``: the training frame's library (``schema``; None: pandas)."""
    if container == "input" and schema is not None:
        # Numbers, as for a pandas frame: not cast back to integer dtypes.
        return schema.to_native(values, names=names, cast=False)
    if container == "polars":
        import narwhals as nw

        return nw.from_numpy(np.asarray(values), schema=list(names),
                             backend="polars").to_native()
    return pd.DataFrame(values, columns=names)

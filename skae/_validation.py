"""Input checks whose error messages tell the user what to fix."""

import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data

from ._compat import _check_feature_names, _check_n_features
from ._tabular import TabularLayout, is_mixed_frame


def _check_dataframe_dtypes(X, estimator):
    """Raise a ValueError naming the first non-numeric column of a DataFrame."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is None or not hasattr(X, "columns"):
        return
    for column, dtype in zip(X.columns, dtypes):
        kind = getattr(dtype, "kind", "O")
        if kind not in "biuf":
            raise ValueError(
                f"Column {column!r} has non-numeric dtype {dtype}; "
                f"{type(estimator).__name__} needs numeric input. Encode it "
                "first, for example with OneHotEncoder or OrdinalEncoder in a "
                "ColumnTransformer, or drop it."
            )


def check_X(estimator, X, *, reset, allow_nan=False, return_unknown=False):
    """Validate ``X`` as float32 or float64, without copying when possible.

    Integer, boolean and float16 input becomes float64. The returned array may
    be the caller's own: callers must not write to it.

    A DataFrame with categorical, string or boolean columns (when ``reset``;
    later, any input to an estimator fitted on one) is encoded by the
    estimator's ``TabularLayout``, ``_layout``, fitted when ``reset``
    (``_layout`` is None for numeric input). Entries with a level unseen in
    training (``handle_unknown="ignore"``) are NaN with ``allow_nan``, else
    their column's training shares. With ``return_unknown``, also returns
    where those entries are, per original column (None for numeric input).
    """
    if reset:
        estimator._layout = None
        if is_mixed_frame(X):
            estimator._layout = TabularLayout(
                estimator.min_frequency, estimator.max_categories, estimator.handle_unknown
            ).fit(X)
    layout = getattr(estimator, "_layout", None)
    if layout is not None:
        X, unknown = _check_mixed(estimator, layout, X, reset=reset, allow_nan=allow_nan)
        return (X, unknown) if return_unknown else X
    _check_dataframe_dtypes(X, estimator)
    X = _check_numeric(estimator, X, reset=reset, allow_nan=allow_nan)
    return (X, None) if return_unknown else X


def _check_mixed(estimator, layout, X, *, reset, allow_nan):
    """The float64 encoding of a mixed-type table, and its unseen levels."""
    if not isinstance(X, pd.DataFrame):
        array = np.asarray(X, dtype=object)
        if array.ndim != 2 or array.shape[1] != layout.n_columns:
            raise ValueError(
                f"X has shape {array.shape}, but {type(estimator).__name__} was "
                f"fitted on a DataFrame of {layout.n_columns} columns; pass a "
                "DataFrame with the training columns."
            )
        X = pd.DataFrame(array, columns=[c.name for c in layout.columns])
    else:
        _check_feature_names(estimator, X, reset=reset)
        _check_n_features(estimator, X, reset=reset)
    n_min = 2 if reset else 1
    if len(X) < n_min:
        raise ValueError(
            f"Found array with {len(X)} sample(s) while a minimum of {n_min} is "
            f"required by {type(estimator).__name__}."
        )
    X_encoded, unknown = layout.encode(X, allow_nan=allow_nan)
    if unknown.any() and not allow_nan:
        for j, (start, stop) in zip(layout.categorical_columns, layout.blocks):
            rows = unknown[:, j]
            X_encoded[rows, start:stop] = estimator.center_[start:stop]
    return X_encoded, unknown


def _check_numeric(estimator, X, *, reset, allow_nan):
    return validate_data(
        estimator,
        X,
        reset=reset,
        accept_sparse=False,
        dtype=[np.float64, np.float32],
        ensure_all_finite="allow-nan" if allow_nan else True,
        ensure_min_samples=2 if reset else 1,
    )

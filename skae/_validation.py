"""Input checks whose error messages tell the user what to fix."""

import numpy as np
from sklearn.utils.validation import validate_data


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


def check_X(estimator, X, *, reset, allow_nan=False):
    """Validate ``X`` as float32 or float64, without copying when possible.

    Integer, boolean and float16 input becomes float64. The returned array may
    be the caller's own: callers must not write to it.
    """
    _check_dataframe_dtypes(X, estimator)
    return validate_data(
        estimator,
        X,
        reset=reset,
        accept_sparse=False,
        dtype=[np.float64, np.float32],
        ensure_all_finite="allow-nan" if allow_nan else True,
        ensure_min_samples=2 if reset else 1,
    )

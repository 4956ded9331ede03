"""Input and parameter checks whose error messages tell the user what to fix.

``check_X`` validates the rows every method receives; the ``check_*``
functions below it, the parameters ``fit`` builds a network from, beyond
what scikit-learn's ``_parameter_constraints`` say of each on its own.
"""

import copy
import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data

from ._columns import NumericColumns, TableColumns
from ._compat import _check_feature_names, _check_n_features
from ._frames import frame_schema, to_pandas
from ._tabular import TabularLayout, is_mixed_frame

#: ``hidden_layer_sizes="auto"``: the widths of fully connected layers; with
#: ``image_shape`` the same numbers, in increasing order, are the channels.
AUTO_HIDDEN = (128, 64)


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

    When ``reset``, sets the estimator's column map ``_columns``: a
    ``TableColumns`` whose ``TabularLayout`` encodes a DataFrame with
    categorical, string or boolean columns (and later any input to the
    estimator), else ``NumericColumns``. Entries with a level unseen in
    training (``handle_unknown="ignore"``) are NaN with ``allow_nan``, else
    their column's training shares. With ``return_unknown``, also returns
    where those entries are, per original column (None for numeric input).
    """
    schema = frame_schema(X) if reset else None
    X = to_pandas(X, estimator)
    if reset and is_mixed_frame(X):
        estimator._columns = TableColumns(TabularLayout(
            estimator.min_frequency, estimator.max_categories, estimator.handle_unknown
        ).fit(X))
    elif reset:
        estimator._columns = None
    layout = getattr(estimator, "_columns", None) and estimator._columns.layout
    if layout is not None:
        X, unknown = _check_mixed(estimator, layout, X, reset=reset, allow_nan=allow_nan)
        if reset:
            estimator._columns.schema = schema
        return (X, unknown) if return_unknown else X
    _check_dataframe_dtypes(X, estimator)
    X = _check_numeric(estimator, X, reset=reset, allow_nan=allow_nan)
    if reset:
        estimator._columns = NumericColumns(X.shape[1])
        estimator._columns.schema = schema
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
    if not reset and _is_valid_array(estimator, X, allow_nan):
        return X  # what validate_data returns for it, without its per-call overhead
    return validate_data(
        estimator,
        X,
        reset=reset,
        accept_sparse=False,
        dtype=[np.float64, np.float32],
        ensure_all_finite="allow-nan" if allow_nan else True,
        ensure_min_samples=2 if reset else 1,
    )


def _is_valid_array(estimator, X, allow_nan):
    """Whether ``X`` is a float ndarray that ``validate_data`` would pass as
    it is to an estimator fitted without feature names: one row or more of
    ``n_features_in_`` finite columns (NaN allowed with ``allow_nan``)."""
    if (type(X) is not np.ndarray or X.ndim != 2 or X.dtype not in (np.float32, np.float64)
            or len(X) == 0 or X.shape[1] != getattr(estimator, "n_features_in_", None)
            or hasattr(estimator, "feature_names_in_")):
        return False
    if allow_nan:
        return not np.isinf(X).any()
    # A finite sum: no NaN or infinity in any entry (an overflowing sum of
    # finite entries takes validate_data's path).
    with np.errstate(over="ignore"):
        return bool(np.isfinite(np.sum(X)))


def check_epochs(epochs):
    """``partial_fit``'s ``epochs``: a positive integer."""
    if not isinstance(epochs, Integral) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}.")


def check_data_range(loss, X, name="X"):
    """``loss="bce"`` needs data in [0, 1]."""
    low, high = (np.nanmin(X), np.nanmax(X)) if loss == "bce" else (0, 1)
    if low < 0 or high > 1:
        raise ValueError(
            f'loss="bce" needs data in [0, 1], but {name} ranges over '
            f"[{low:.4g}, {high:.4g}]. Scale it first (for example "
            'with MinMaxScaler) or use loss="mse".'
        )


def check_n_components(n_components, n_features):
    """An integer code size, at most the number of features."""
    if n_components > n_features:
        raise ValueError(
            f"n_components={n_components} must be at most the number "
            f"of features, n_features={n_features}. Choose a smaller "
            "n_components: a code as wide as the input can copy it."
        )
    return n_components


def check_hidden_layer_sizes(sizes, image_shape=None):
    """``hidden_layer_sizes`` as a tuple of ints, ``"auto"`` resolved."""
    given = sizes
    if isinstance(sizes, str) and sizes == "auto":
        # Convolutions halve the feature maps layer by layer; their
        # channels grow as the maps shrink, as in most image networks.
        sizes = AUTO_HIDDEN[::-1] if image_shape is not None else AUTO_HIDDEN
    sizes = () if sizes is None else sizes
    if np.ndim(sizes) == 0:
        sizes = (sizes,)
    sizes = tuple(sizes)
    if not all(isinstance(s, Integral) and s >= 1 for s in sizes):
        raise ValueError(
            f"hidden_layer_sizes must be a tuple of positive integers, got {given!r}."
        )
    return tuple(int(s) for s in sizes)


def check_image_shape(shape, n_features, name="image_shape"):
    """The parameter ``name`` (``shape``) as ``(channels, height, width)``
    of rows of ``n_features`` columns, or None."""
    if shape is None:
        return None
    if len(shape) not in (2, 3) or not all(
        isinstance(s, Integral) and (s >= 1 or s == -1) for s in shape
    ) or list(shape).count(-1) > 1:
        raise ValueError(
            f"{name} must be (height, width) or (channels, height, width) "
            "of positive integers, one of which may be -1, got "
            f"{shape!r}."
        )
    shape = (1, *shape) if len(shape) == 2 else tuple(shape)
    known = int(np.prod([s for s in shape if s != -1]))
    if -1 in shape and n_features % known == 0:
        shape = tuple(n_features // known if s == -1 else int(s) for s in shape)
    if int(np.prod(shape)) != n_features:
        raise ValueError(
            f"{name}={shape!r} does not fit rows of {n_features} "
            "columns: the product of its entries must be the number of "
            "columns (channels * height * width)."
        )
    return shape


def check_architecture(columns, image_shape, init, hidden, linear_path):
    """Parameters that contradict each other or the data's columns."""
    if not columns.is_identity and image_shape is not None:
        raise ValueError(
            "image_shape describes images of numeric pixels, but X has "
            "categorical columns."
        )
    if init == "pca" and hidden and not linear_path:
        raise ValueError(
            'init="pca" needs linear_path=True when hidden_layer_sizes is '
            'not empty; set linear_path=True or init="random".'
        )


def check_output_loss(loss, output_columns):
    """``loss="bce"`` rebuilds numbers in [0, 1], not categorical columns."""
    if loss == "bce" and not output_columns.is_identity:
        raise ValueError(
            'loss="bce" is for numeric data in [0, 1]; X has categorical '
            'columns, which are rebuilt with cross-entropy anyway. Use loss="mse".'
        )


def check_penalty(penalty):
    """``penalty`` as a list of fresh copies (never the user's objects)."""
    penalties = [] if penalty is None else (
        penalty if isinstance(penalty, list) else [penalty]
    )
    for p in penalties:
        if not callable(p):
            raise ValueError(
                "penalty must be a penalty object from skae.penalties (or a "
                f"list of them), got {p!r}."
            )
        if hasattr(p, "_validate_params"):
            p._validate_params()
    return [copy.deepcopy(p) for p in penalties]


def check_same_architecture(fitted, wanted):
    """With ``warm_start``: a ValueError naming the module arguments that
    changed since the fitted network was built."""
    changed = [
        name for name, value in fitted.items()
        if name != "feature_weight" and wanted[name] != value
    ]
    if changed:
        raise ValueError(
            "warm_start=True continues training the fitted network, but "
            f"{', '.join(changed)} changed since it was built. Set "
            "warm_start=False to build a new network."
        )


def check_score_parts(score_parts, known):
    """The outlier detector's ``score_parts``: one or more of ``known``, each once."""
    parts = known if score_parts == "auto" else list(score_parts)
    if not parts or set(parts) - set(known) or len(set(parts)) < len(parts):
        raise ValueError(
            f"score_parts must name one or more of {known}, each once; got "
            f"{score_parts!r}."
        )


def check_calibration(threshold, calibration_fraction, n_samples=None):
    """The outlier detector's calibration rows: wanted by a p-value
    threshold, and a fraction of ``n_samples`` that leaves rows on both sides.
    Returns how many rows to hold out (0 without ``calibration_fraction``)."""
    if threshold != "contamination" and calibration_fraction is None:
        raise ValueError(
            f'threshold="{threshold}" compares rows with calibration rows '
            "the model never saw; set calibration_fraction (0.2, for example) "
            "to hold some out."
        )
    if calibration_fraction is None or n_samples is None:
        return 0
    n_calibration = int(round(calibration_fraction * n_samples))
    if n_calibration < 1 or n_samples - n_calibration < 2:
        raise ValueError(
            f"calibration_fraction={calibration_fraction} of {n_samples} rows leaves "
            f"{n_calibration} calibration rows and {n_samples - n_calibration} to train "
            "on; it needs at least 1 and 2. Pass more rows or another fraction."
        )
    return n_calibration


def check_known_outliers(y, n_samples):
    """The outlier detector's ``y`` as a boolean mask of the rows known to be
    outliers, or None when no row is (``y`` None or all zeros).

    A ``y`` of other values than 0 and 1 (class labels passed through a
    pipeline, say) is no such mask: it is ignored with a warning, as
    scikit-learn's unsupervised estimators ignore ``y``. A ``y`` that marks
    every row is an error: nothing is left to learn what is normal from.
    """
    if y is None:
        return None
    y = np.asarray(y)
    if y.ndim != 1 or len(y) != n_samples:
        raise ValueError(
            f"y must be one label per row of X: {n_samples} values, 1 for a row known "
            f"to be an outlier and 0 for every other row; got an array of shape {y.shape}."
        )
    values = set(pd.unique(y).tolist())
    if not values <= {0, 1}:
        shown = sorted(values - {0, 1}, key=str)[:5]
        warnings.warn(
            "y marks the rows known to be outliers with 1 and every other row "
            f"(unlabelled or known normal) with 0, but it holds {shown}: it is "
            "ignored, and the detector is fitted without labels.",
            UserWarning,
        )
        return None
    known = y.astype(bool)
    if n_samples - known.sum() < 2:
        raise ValueError(
            f"y marks {int(known.sum())} of the {n_samples} rows as known outliers; the "
            "detector learns what is normal from the others and needs at least 2."
        )
    return known if known.any() else None

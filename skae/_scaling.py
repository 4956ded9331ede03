"""Feature scaling: the center and scale of each column the network sees."""

import numpy as np


def column_stats(X, chunk_size=4096):
    """Column means and standard deviations in float64, over chunks of rows.

    NaN entries are skipped (a column with no value gets mean 0 and
    deviation 0). ``np.std`` would allocate a float64 copy of the whole array.
    """
    n_features = X.shape[1]
    total, count = np.zeros(n_features), np.zeros(n_features)
    for start in range(0, len(X), chunk_size):
        chunk = X[start : start + chunk_size]
        total += np.nansum(chunk, axis=0, dtype=np.float64)
        count += np.sum(~np.isnan(chunk), axis=0)
    mean = total / np.maximum(count, 1)
    squares = np.zeros(n_features)
    for start in range(0, len(X), chunk_size):
        squares += np.nansum((X[start : start + chunk_size] - mean) ** 2, axis=0)
    return mean, np.sqrt(squares / np.maximum(count, 1))


def fit_scaler(X, scaling, floor=1e-2):
    """Return ``(center, scale)`` of shape ``(n_features,)`` in float64.

    ``scale`` is floored at ``floor`` times the root-mean-square scale so that
    nearly constant columns are not blown up into huge inputs (constant
    columns get the floor, or 1 when it is 0). For the transformers the loss
    is measured in the data's own units whatever the scale, so the floor
    only affects how the network sees its input.
    """
    n_features = X.shape[1]
    if scaling is None:
        return np.zeros(n_features), np.ones(n_features)
    if scaling == "minmax":
        center = np.min(X, axis=0).astype(np.float64)
        spread = np.max(X, axis=0).astype(np.float64) - center
    elif scaling == "robust":
        # Median and interquartile range (as a normal's standard deviation);
        # columns with a zero IQR (binary, mostly constant) use their std.
        q1, center, q3 = np.percentile(X, [25, 50, 75], axis=0)
        spread = (q3 - q1) / 1.349
        std = column_stats(X)[1]
        spread = np.where(spread > 0, spread, std)
    else:
        center, spread = column_stats(X)
    rms = np.sqrt(np.mean(spread**2))
    floor = floor * rms if rms > 0 else 1.0
    spread = np.maximum(spread, floor)
    return center, np.where(spread > 0, spread, 1.0)

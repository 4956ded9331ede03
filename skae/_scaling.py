"""Feature scaling and the linear starting point: PCA of the scaled data."""

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


def principal_axes(X_scaled, weight, chunk_size=4096):
    """Principal axes of weighted, scaled data: ``(center, eigvals, eigvecs)``.

    ``center`` is the column mean of ``X_scaled``; ``eigvals`` (descending)
    and the columns of ``eigvecs`` are those of the covariance of
    ``(X_scaled - center) * sqrt(weight)``, each axis's sign fixed as PCA
    fixes it, so the result does not depend on LAPACK's choice. The
    covariance is accumulated in float64 over chunks of rows, so no float64
    copy of the data is made.
    """
    n_samples, n_features = X_scaled.shape
    center = np.mean(X_scaled, axis=0, dtype=np.float64)
    root_w = np.sqrt(weight)
    cov = np.zeros((n_features, n_features))
    for start in range(0, n_samples, chunk_size):
        U = (X_scaled[start : start + chunk_size] - center) * root_w
        cov += U.T @ U
    cov /= n_samples
    eigvals, eigvecs = np.linalg.eigh(cov)
    order = np.argsort(eigvals)[::-1]
    V, lam = eigvecs[:, order], np.maximum(eigvals[order], 0.0)
    V *= np.sign(V[np.argmax(np.abs(V), axis=0), np.arange(V.shape[1])])
    return center, lam, V


def pca_init(X_scaled, weight, n_components, whiten=True, axes=None):
    """Linear encoder and decoder that reproduce PCA of weighted, scaled data.

    Returns ``(enc_w, enc_b, dec_w, dec_b)``: ``z = enc_w @ x + enc_b`` are the
    principal scores (whitened, or in the units of the weighted data with
    ``whiten=False``) and ``dec_w @ z + dec_b`` the PCA reconstruction in the
    scaled space. ``weight`` are the per-feature loss weights, so the
    principal axes are those of the loss the network minimises.
    ``axes``: ``principal_axes(X_scaled, weight)`` when already computed.
    """
    center, lam, V = principal_axes(X_scaled, weight) if axes is None else axes
    V, lam = V[:, :n_components], lam[:n_components]
    lam = np.maximum(lam, max(lam[0], 1e-12) * 1e-6)
    root_w = np.sqrt(weight)
    gain = np.sqrt(lam) if whiten else np.ones_like(lam)
    enc_w = (V / gain).T * root_w
    enc_b = -enc_w @ center
    dec_w = (V * gain) / root_w[:, None]
    return enc_w, enc_b, dec_w, center


def reduced_rank_init(X_scaled, Y_scaled, weight, n_components, chunk_size=4096):
    """Linear encoder and decoder of reduced-rank regression of ``Y`` on ``X``.

    The linear map of rank ``n_components`` that minimises the squared error
    of ``Y_scaled`` weighted per column by ``weight`` (Izenman, 1975): the
    least-squares coefficients ``B``, then the leading principal axes ``V``
    of the weighted fitted values ``X B``. Returns ``(enc_w, enc_b, dec_w,
    dec_b)`` as ``pca_init`` does, with whitened codes: ``z = enc_w @ x +
    enc_b`` and ``dec_w @ z + dec_b`` is the rank-``n_components``
    prediction. Units beyond the rank of ``X B`` start at zero. With ``Y =
    X`` this is PCA's solution. A ridge of 1e-6 of the mean variance keeps
    collinear inputs solvable.
    """
    n_samples, n_features = X_scaled.shape
    n_outputs = Y_scaled.shape[1]
    x_mean = np.mean(X_scaled, axis=0, dtype=np.float64)
    y_mean = np.mean(Y_scaled, axis=0, dtype=np.float64)
    root_w = np.sqrt(weight)
    sxx, sxy = np.zeros((n_features, n_features)), np.zeros((n_features, n_outputs))
    for start in range(0, n_samples, chunk_size):
        U = X_scaled[start : start + chunk_size] - x_mean
        sxx += U.T @ U
        sxy += U.T @ ((Y_scaled[start : start + chunk_size] - y_mean) * root_w)
    ridge = 1e-6 * max(np.trace(sxx) / n_features, 1e-12)
    B = np.linalg.solve(sxx + ridge * np.eye(n_features), sxy)  # weighted outputs
    eigvals, eigvecs = np.linalg.eigh(B.T @ sxx @ B / n_samples)
    order = np.argsort(eigvals)[::-1][:n_components]
    V, lam = eigvecs[:, order], np.maximum(eigvals[order], 0.0)
    V *= np.sign(V[np.argmax(np.abs(V), axis=0), np.arange(V.shape[1])])
    live = lam > max(lam[0] if len(lam) else 0.0, 1e-12) * 1e-9
    gain = np.sqrt(np.where(live, lam, 1.0))
    enc_w = np.zeros((n_components, n_features))
    dec_w = np.zeros((n_outputs, n_components))
    k = len(order)
    enc_w[:k] = np.where(live[:, None], (B @ V / gain).T, 0.0)
    dec_w[:, :k] = np.where(live[None, :], V * gain / root_w[:, None], 0.0)
    return enc_w, -enc_w @ x_mean, dec_w, y_mean

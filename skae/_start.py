"""The starting point of training: PCA's solution (reduced-rank regression's,
for paired data), set on the module's linear path.

With ``init="pca"`` a new module computes exactly PCA's reconstruction
before its first step, in the loss the network minimises: the principal
axes of the scaled data weighted by the loss weights. The decoder's logits
are fitted for ``loss="bce"``, and each categorical block's for a mixed
table, so that training starts at the linear solution of its own loss.
"""

import numpy as np

#: The sharpness of a categorical block's starting logits is chosen among
#: these multiples of PCA's reconstruction of its one-hot columns.
BLOCK_SHARPNESS = np.geomspace(0.25, 64, 25)
#: ... on at most this many training rows.
BLOCK_LOGIT_ROWS = 5000


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


def start_module(module, X_scaled, *, weight, n_components, tied, loss, output_scaling,
                 blocks=None, principal=None, Y_scaled=None, axes=None):
    """Set ``module``'s linear maps to PCA's solution for the training loss.

    ``weight``: the PCA start's per-entry weights; with targets
    ``Y_scaled``, reduced-rank regression's solution instead; with an active
    ``principal`` map, PCA of its whitened scores. ``output_scaling`` is
    ``(center, scale)`` of the decoder's output, ``blocks`` the ``(start,
    stop)`` of its categorical blocks (a mixed table's) or None. ``axes``:
    ``principal_axes(X_scaled, weight)`` when already computed.
    """
    if principal is not None and principal.active:
        enc_w, enc_b, dec_w, dec_b = principal.linear_start(n_components)
    elif Y_scaled is None:
        enc_w, enc_b, dec_w, dec_b = pca_init(
            X_scaled, weight, n_components, whiten=not tied, axes=axes
        )
    else:
        enc_w, enc_b, dec_w, dec_b = reduced_rank_init(X_scaled, Y_scaled, weight, n_components)
    if loss == "bce":
        dec_w, dec_b = _logit_decoder(X_scaled, Y_scaled, enc_w, dec_w, dec_b, tied,
                                      output_scaling)
    if blocks is not None:
        dec_w, dec_b = block_logits(X_scaled, enc_w, enc_b, dec_w, dec_b, blocks,
                                    output_scaling[0], tied)
    module.init_linear(
        *(np.asarray(a, dtype=np.float32) for a in (enc_w, enc_b, dec_w, dec_b))
    )


def _logit_decoder(X_scaled, Y_scaled, enc_w, dec_w, dec_b, tied, output_scaling):
    """The decoder outputs logits: fit it to the logits of the data by least
    squares (with tied weights, only its bias is free)."""
    center, scale = output_scaling
    target = X_scaled if Y_scaled is None else Y_scaled
    raw = np.clip(target * scale + center, 0.01, 0.99)
    target = np.log(raw / (1 - raw))
    if tied:
        return dec_w, target.mean(0)
    Z = (X_scaled - X_scaled.mean(0)) @ enc_w.T
    Z1 = np.hstack([Z, np.ones((len(Z), 1))])
    coef = np.linalg.lstsq(Z1, target, rcond=None)[0]
    return coef[:-1].T, coef[-1]


def block_logits(X_scaled, enc_w, enc_b, dec_w, dec_b, blocks, center, tied):
    """PCA's linear decoder with each categorical block turned into logits.

    A block's logits start at ``c`` times PCA's reconstruction of its
    one-hot columns (``center``: the blocks' level shares), so the most
    likely level is PCA's, with the sharpness ``c`` among
    ``BLOCK_SHARPNESS`` that gives the lowest cross-entropy on (a sample
    of) the training rows (1 with tied weights).
    """
    dec_w, dec_b = dec_w.copy(), dec_b.copy()
    rows = X_scaled
    if len(rows) > BLOCK_LOGIT_ROWS:
        rows = rows[np.random.RandomState(0).choice(len(rows), BLOCK_LOGIT_ROWS,
                                                    replace=False)]
    rows = rows.astype(np.float64)
    Z = rows @ enc_w.T + enc_b
    # Tied weights decode with the encoder's weights: no sharpness of
    # their own, but the most likely level is still PCA's.
    sharpness = np.array([1.0]) if tied else BLOCK_SHARPNESS
    for start, stop in blocks:
        shares = center[start:stop]
        one_hot = rows[:, start:stop] + shares
        rebuilt = Z @ dec_w[start:stop].T + dec_b[start:stop] + shares
        losses = []
        for c in sharpness:
            logits = c * rebuilt
            logits -= logits.max(axis=1, keepdims=True)
            log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
            losses.append(-np.mean(np.sum(one_hot * log_p, axis=1)))
        c = sharpness[int(np.argmin(losses))]
        dec_w[start:stop] *= c
        dec_b[start:stop] = c * (dec_b[start:stop] + shares)
    return dec_w, dec_b

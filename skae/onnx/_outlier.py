"""The outlier detector's score as ONNX operators.

The graph computes what ``AutoencoderOutlierDetector.decision_function``
and ``predict`` do: each column's term from the reconstruction (with
``mask_rate``, from the row with that column hidden: every column's pass in
one batch), the code's Mahalanobis distance, the robust Mahalanobis and the
nearest-rows parts, each over its typical value (blended with the score
learned from known outliers, ``_labels``, after a fit with labels), and
the threshold:
``offset_`` (from ``contamination``, or the p-value threshold of the
calibration rows), or with ``threshold="fdr"`` the Benjamini-Hochberg
threshold of each batch, from the conformal p-values (an output of their
own with the ``pvalues`` option). After the network, in float64, as the
Python methods.
"""

import numpy as np
from onnx import TensorProto

from . import _labels, _model
from ._inputs import encoded_rows, rows_dtype
from ._search import count_at_most

DOUBLE = TensorProto.DOUBLE


def check_exportable(detector, pvalues=False):
    """Raise for the options whose score the graph cannot compute."""
    if pvalues and not hasattr(detector, "calibration_scores_"):
        raise ValueError(
            "The pvalues output needs calibration rows: fit the detector with "
            "calibration_fraction=0.2, for example."
        )


def _rebuilt_rows(g, detector, x, dtype):
    """``(codes, X_hat)`` in float64: ``ExplanationMixin._rebuilt``."""
    x_net = _model.to_net(g, detector, x, dtype)
    z = _model.code(g, detector, x_net)
    codes = g.to(z, DOUBLE)
    x64 = x if np.dtype(dtype) == np.float64 else g.to(x, DOUBLE)
    if not detector._mask_rate:
        return codes, x64, _model.from_net(g, detector, _model.decode(g, detector, z),
                                            np.float64)
    # Every column hidden in turn, all in one batch of n_columns * n_rows.
    column_of = detector._columns.column_of
    n_columns, width = int(column_of[-1]) + 1, len(column_of)
    hide = (np.arange(n_columns)[:, None] == column_of[None, :])[:, None, :]
    hide = g.const(hide, np.bool_)
    stacked = g.op("Expand", g.op("Unsqueeze", x64, g.axes(0)),
                   g.const([n_columns, 1, 1], np.int64))
    hidden = g.reshape(g.where(hide, g.const(np.nan, np.float64), stacked), [-1, width])
    rebuilt = _model.rebuild(g, detector, _model.to_net(g, detector, hidden, np.float64))
    out = g.reshape(_model.from_net(g, detector, rebuilt, np.float64), [n_columns, -1, width])
    x_hat = g.reduce_sum(g.where(hide, out, g.const(0.0, np.float64)), 0)
    return codes, x64, x_hat


def _column_terms(g, detector, x64, x_hat, unknown):
    """Each column's term (``TableColumns.column_terms``), (n_rows, n_columns)."""
    residuals = g.div(g.sub(x64, x_hat), g.const(detector.scale_, np.float64))
    layout = detector._columns.layout
    if layout is None:
        return g.mul(residuals, residuals)
    floor = g.const(detector._min_probability, np.float64)
    pieces = []
    for j, (column, start) in enumerate(zip(layout.columns, layout.starts)):
        if column.kind == "numeric":
            r = g.columns(residuals, start, start + 1)
            pieces.append(g.mul(r, r))
            continue
        stop = start + column.width
        p = g.reduce_sum(g.mul(g.columns(x64, start, stop), g.columns(x_hat, start, stop)),
                         1, keepdims=1)
        p = g.op("Max", p, floor)
        p = g.where(g.reshape(unknown[j], [-1, 1]), floor, p)
        pieces.append(g.op("Neg", g.op("Log", p)))
    return g.concat(pieces)


def _quadratic(g, centred, matrix):
    """``c' M c`` of each row ``c``."""
    return g.reduce_sum(g.mul(g.matmul(centred, g.const(matrix, np.float64)), centred), 1)


def _mahalanobis(g, model, rows):
    """``RobustMahalanobis.distances``."""
    centred = g.sub(rows, g.const(model.center, np.float64))
    projected = g.matmul(centred, g.const(model.components.T, np.float64))
    squares = g.mul(projected, projected)
    whitened = g.reduce_sum(g.mul(squares, g.const(model.inverse_variances, np.float64)), 1)
    rest = g.sub(g.reduce_sum(g.mul(centred, centred), 1), g.reduce_sum(squares, 1))
    return g.add(whitened, g.mul(rest, g.const(model.inverse_ridge, np.float64)))


def _neighbors(g, model, rows):
    """``NearestRows.distances``: the mean squared distance to the nearest
    reference rows, from ``|x|^2 - 2 x.r + |r|^2``."""
    reference = model.reference
    k = min(model.n_neighbors, len(reference))
    cross = g.matmul(rows, g.const(reference.T, np.float64))
    norms = g.reduce_sum(g.mul(rows, rows), 1, keepdims=1)
    squared = g.add(g.sub(norms, g.mul(cross, g.const(2.0, np.float64))),
                    g.const((reference**2).sum(axis=1)[None, :], np.float64))
    squared = g.op("Max", squared, g.const(0.0, np.float64))
    nearest = g.op("TopK", squared, g.const([k], np.int64), axis=1, largest=0, n_outputs=2)[0]
    return g.op("ReduceMean", nearest, g.axes(1), keepdims=0)


def outlyingness(g, detector, x, unknown, dtype):
    """Each row's outlyingness (float64): ``OutlierScore.outlyingness``,
    blended with the score learned from known outliers when ``fit`` had some."""
    score = detector._score
    codes, x64, x_hat = _rebuilt_rows(g, detector, x, dtype)
    terms = _column_terms(g, detector, x64, x_hat, unknown)
    scales = score.part_scales_
    total = code_term = None
    if "reconstruction" in scales:
        scale = g.const(scales["reconstruction"], np.float64)
        normalised = g.div(terms, g.const(score.residual_scale_**2, np.float64))
        total = g.div(g.reduce_sum(normalised, 1), scale)
        if not score.conditional:
            centred = g.sub(codes, g.const(score.code_center_, np.float64))
            code_term = g.div(_quadratic(g, centred, score.code_precision_), scale)
    parts = []
    labels = getattr(detector, "_label_score", None)
    if score.needs_rows or labels is not None:
        scaled = g.div(g.sub(x64, g.const(detector.center_, np.float64)),
                       g.const(detector.scale_, np.float64))
    if score.mahalanobis_ is not None:
        entries = detector._columns.numeric_entries
        rows = scaled if len(entries) == len(detector.scale_) else g.gather_columns(scaled,
                                                                                   entries)
        parts.append(g.div(_mahalanobis(g, score.mahalanobis_, rows),
                           g.const(scales["mahalanobis"], np.float64)))
    if score.neighbors_ is not None:
        parts.append(g.div(_neighbors(g, score.neighbors_, scaled),
                           g.const(scales["neighbors"], np.float64)))
    for part in parts:
        total = part if total is None else g.add(total, part)
    total = total if code_term is None else g.add(total, code_term)
    return total if labels is None else _labels.blend(g, labels, total, scaled)


def _pvalues(g, detector, outlying):
    """``score_pvalues``: ``(1 + k) / (n + 1)``, ``k`` the calibration rows at
    least as outlying as the row."""
    calibration = detector.calibration_scores_  # their outlyingness, ascending
    # At least as outlying: minus the outlyingness at most minus the row's.
    at_least = count_at_most(g, -calibration[::-1], g.op("Neg", outlying))
    count = g.to(at_least, DOUBLE)
    n = len(calibration)
    return g.div(g.add(count, g.const(1.0, np.float64)), g.const(n + 1.0, np.float64))


def _batch_offset(g, detector, pvalues):
    """The offset ``threshold="fdr"`` sets on the batch: ``conformal_offset``
    at the Benjamini-Hochberg level of its p-values."""
    n_rows = g.op("Shape", pvalues)
    ascending = g.op("TopK", pvalues, n_rows, axis=0, largest=0, n_outputs=2)[0]
    rank = g.op("Range", g.const(1, np.int64), g.add(g.op("Squeeze", n_rows),
                                                     g.const(1, np.int64)),
                g.const(1, np.int64))
    rank = g.to(rank, DOUBLE)
    bound = g.div(g.mul(g.const(detector.alpha, np.float64), rank), g.to(n_rows, DOUBLE))
    below = g.op("LessOrEqual", ascending, bound)
    level = g.op("ReduceMax", g.where(below, ascending, g.const(0.0, np.float64)),
                 g.axes(0), keepdims=0)
    descending = detector.calibration_scores_[::-1]  # their outlyingness
    n = len(descending)
    m = g.sub(g.op("Floor", g.add(g.mul(level, g.const(n + 1.0, np.float64)),
                                  g.const(1e-9, np.float64))), g.const(1.0, np.float64))
    index = g.to(g.op("Clip", m, g.const(0.0, np.float64), g.const(n - 1.0, np.float64)),
                 TensorProto.INT64)
    offset = g.op("Neg", g.op("Gather", g.const(descending, np.float64), index, axis=0))
    none = g.op("Less", m, g.const(0.0, np.float64))
    return g.where(none, g.const(-np.inf, np.float64), offset)


def convert_detector(g, operator, pvalues=False):
    """``label`` (``predict``: +1 / -1) and ``scores`` (``decision_function``),
    and with ``pvalues`` the ``score_pvalues``."""
    detector = operator.raw_operator
    check_exportable(detector, pvalues)
    dtype = rows_dtype(operator)
    x, unknown = encoded_rows(g, operator)
    outlying = outlyingness(g, detector, x, unknown, dtype)
    p = _pvalues(g, detector, outlying) if pvalues or detector.threshold == "fdr" else None
    if detector.threshold == "fdr":
        offset = _batch_offset(g, detector, p)
    else:
        offset = g.const(detector.offset_, np.float64)
    decision = g.op("Neg", g.add(outlying, offset))
    flagged = g.op("Less", decision, g.const(0.0, np.float64))
    label = g.where(flagged, g.const(-1, np.int64), g.const(1, np.int64))
    scores = g.reshape(decision, [-1, 1])
    if np.dtype(dtype) == np.float32:
        scores = g.to(scores, TensorProto.FLOAT)
    g.identity(label, operator.outputs[0].full_name)
    g.identity(scores, operator.outputs[1].full_name)
    if pvalues:
        g.identity(p if np.dtype(dtype) == np.float64 else g.to(p, TensorProto.FLOAT),
                   operator.outputs[2].full_name)

"""The part of a detector's score learned from known outliers, as ONNX operators.

``LabelScore.blend`` (``skae._outlier._labels``) in float64: the gradient-
boosted classifier's log-odds, its trees walked level by level for every row
and tree at once (each split on a bin turned into ``x <= threshold`` on the
value, NaN to the side it learned), and the normal scores of both score parts
(``NormalScores``: ``np.interp`` over the training rows' sorted values, found
by ``count_at_most``).
"""

import numpy as np
from onnx import TensorProto

from ._search import count_at_most

INT64, DOUBLE = TensorProto.INT64, TensorProto.DOUBLE


def _f64(g, value):
    return g.const(value, np.float64)


def _thresholds(nodes, edges):
    """Each split's threshold on the values whose bins (``QuantileBins``,
    ``edges``) the classifier learned from: ``bin <= t`` for the bin of ``x``,
    the number of edges below it, holds exactly when ``x <= edges[floor(t)]``."""
    thresholds = nodes["num_threshold"].astype(np.float64)
    for i in np.flatnonzero(~nodes["is_leaf"].astype(bool)):
        thresholds[i] = edges[nodes["feature_idx"][i]][int(np.floor(thresholds[i]))]
    return thresholds


def log_odds(g, model, rows, edges):
    """``HistGradientBoostingClassifier.decision_function`` of the bins of
    float64 ``rows`` (a binary classifier, numeric splits)."""
    trees = [predictors[0].nodes for predictors in model._predictors]
    roots = np.cumsum([0] + [len(nodes) for nodes in trees[:-1]])
    nodes = np.concatenate(trees)
    if nodes["is_categorical"].any():  # pragma: no cover - skae fits none
        raise ValueError("Categorical splits cannot be exported.")
    shift = np.repeat(roots, [len(n) for n in trees])
    leaf = nodes["is_leaf"].astype(bool)
    left = np.where(leaf, 0, nodes["left"] + shift)
    right = np.where(leaf, 0, nodes["right"] + shift)
    table = {name: g.const(values, dtype) for name, values, dtype in [
        ("feature", nodes["feature_idx"], np.int64),
        ("threshold", _thresholds(nodes, edges), np.float64),
        ("left", left, np.int64), ("right", right, np.int64), ("leaf", leaf, np.bool_),
        ("missing_left", nodes["missing_go_to_left"].astype(bool), np.bool_),
    ]}
    shape = g.op("Concat", g.op("Shape", rows, end=1), g.const([len(trees)], np.int64),
                 axis=0)
    node = g.op("Expand", g.const(roots[None, :], np.int64), shape)  # (rows, trees)
    for _ in range(int(nodes["depth"].max())):
        value = g.op("GatherElements", rows, g.op("Gather", table["feature"], node), axis=1)
        # A comparison with NaN is false: NaN goes left only where it learned to.
        missing_left = g.op("And", g.op("IsNaN", value),
                            g.op("Gather", table["missing_left"], node))
        goes_left = g.op("Or", missing_left, g.op("LessOrEqual", value,
                                                  g.op("Gather", table["threshold"], node)))
        child = g.where(goes_left, g.op("Gather", table["left"], node),
                        g.op("Gather", table["right"], node))
        node = g.where(g.op("Gather", table["leaf"], node), node, child)
    values = g.op("Gather", g.const(nodes["value"], np.float64), node)
    # Tree after tree, in scikit-learn's order, so that the sum rounds alike.
    total = g.op("Expand", _f64(g, model._baseline_prediction.ravel()),
                 g.op("Shape", rows, end=1))
    for t in range(len(trees)):
        total = g.add(total, g.op("Gather", values, g.const(t, np.int64), axis=1))
    return total


def normal_scores(g, scores, v):
    """``NormalScores.transform`` of the float64 values ``v`` (1-D)."""
    xp, fp = scores.values_, scores.quantiles_
    n = len(xp)
    j = g.sub(count_at_most(g, xp, v), g.const(1, np.int64))
    inner = g.op("Clip", j, g.const(0, np.int64), g.const(max(n - 2, 0), np.int64))
    with np.errstate(divide="ignore", invalid="ignore"):
        # np.interp's slopes; between equal values it never interpolates.
        slopes = (fp[1:] - fp[:-1]) / (xp[1:] - xp[:-1]) if n > 1 else np.zeros(1)
    slopes = np.nan_to_num(slopes)
    at = g.op("Gather", _f64(g, xp), inner)
    fp_at = g.op("Gather", _f64(g, fp), inner)
    line = g.add(g.mul(g.op("Gather", _f64(g, slopes), inner), g.sub(v, at)), fp_at)
    z = g.where(g.op("Equal", at, v), fp_at, line)
    z = g.where(g.op("GreaterOrEqual", j, g.const(n - 1, np.int64)), _f64(g, fp[-1]), z)
    z = g.where(g.op("Less", j, g.const(0, np.int64)), _f64(g, fp[0]), z)
    spread = _f64(g, scores.spread_)
    above = g.op("Log", g.add(_f64(g, 1.0), g.div(g.sub(v, _f64(g, xp[-1])), spread)))
    below = g.op("Log", g.add(_f64(g, 1.0), g.div(g.sub(_f64(g, xp[0]), v), spread)))
    z = g.where(g.op("Greater", v, _f64(g, xp[-1])), g.add(z, above), z)
    return g.where(g.op("Less", v, _f64(g, xp[0])), g.sub(z, below), z)


def blend(g, label_score, outlying, scaled):
    """``LabelScore.blend`` of the outlyingness and the scaled rows."""
    unsupervised = normal_scores(g, label_score.unsupervised_, outlying)
    if label_score.projection_ is not None:  # a wide table's principal coordinates
        scaled = g.op("MatMul", scaled, _f64(g, label_score.projection_))
    supervised = normal_scores(g, label_score.supervised_, log_odds(
        g, label_score.model_, scaled, label_score.bins_.edges_))
    weight = label_score.weight_
    return g.add(g.mul(_f64(g, 1.0 - weight), unsupervised), g.mul(_f64(g, weight), supervised))

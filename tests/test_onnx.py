"""ONNX export: onnxruntime computes what the Python methods compute.

Each test fits a small model, exports it (alone, or in a scikit-learn
pipeline) with ``skl2onnx.to_onnx`` and compares onnxruntime's outputs with
the Python method's on new rows: to 1e-5 of the output's size, and the
detector's labels exactly.
"""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skae import (
    AutoencoderImputer,
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    EncoderDecoderRegressor,
    VariationalAutoencoder,
)

pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")

import onnxruntime as ort

import skae.onnx  # noqa: F401  (registers the converters)

from ._helpers import IDS, PUBLIC, one_of_each

FAST = {"max_epochs": 3, "random_state": 0}


def session(model, sample, **options):
    onx = skl2onnx.to_onnx(model, sample, **options)
    return ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])


def feeds(sess, X):
    """onnxruntime's inputs for rows ``X``: the array, or one per column."""
    if not isinstance(X, pd.DataFrame):
        return {sess.get_inputs()[0].name: X}
    out = {}
    for column, name in zip(sess.get_inputs(), X.columns):
        values = X[[name]].to_numpy()
        out[column.name] = values.astype(str) if column.type == "tensor(string)" else values
    return out


def run(sess, X):
    return sess.run(None, feeds(sess, X))


def assert_close(actual, expected):
    expected = np.asarray(expected)
    assert actual.dtype == expected.dtype
    scale = max(float(np.abs(expected).max()), 1e-12)
    np.testing.assert_allclose(actual.reshape(expected.shape), expected, rtol=1e-5,
                               atol=1e-5 * scale)


@pytest.fixture(scope="module")
def split():
    rng = np.random.RandomState(0)
    latent = rng.randn(400, 3)
    X = np.c_[latent @ rng.randn(3, 6), np.sin(latent[:, :2])] + 0.05 * rng.randn(400, 8)
    return X[:300], X[300:]


@pytest.fixture(scope="module")
def frame():
    """A table with float, integer, string, categorical and boolean columns."""
    rng = np.random.RandomState(0)
    n = 400
    t = rng.randn(n)
    return pd.DataFrame({
        "amount": t + 0.1 * rng.randn(n),
        "count": rng.poisson(3, n),
        "city": np.where(t > 0, "Oslo", rng.choice(["Lima", "Pune"], n)),
        "plan": pd.Categorical(rng.choice(["basic", "pro"], n)),
        "active": t + rng.randn(n) > 0,
    })


def python_outputs(model, X):
    """What the graph's outputs compute, from the Python methods."""
    if isinstance(model, AutoencoderOutlierDetector):
        return [model.predict(X), model.decision_function(X)[:, None].astype(X.dtype)]
    if isinstance(model, EncoderDecoderRegressor):
        return [model.predict(X).reshape(len(X), -1)]
    return [model.transform(X)]


@pytest.mark.parametrize("model", [*one_of_each(n_components=3, **FAST),
                                   EncoderDecoderRegressor(3, **FAST)],
                         ids=[*IDS, "regressor"])
def test_every_public_estimator_exports(split, model):
    assert {type(model) for model in one_of_each()} | {EncoderDecoderRegressor} == set(PUBLIC)
    train, test = (X.astype(np.float32) for X in split)
    if isinstance(model, EncoderDecoderRegressor):
        model.fit(train[:, 2:], train[:, :2])
        train, test = train[:, 2:], test[:, 2:]
    else:
        model.fit(train)
    for actual, expected in zip(run(session(model, train[:1]), test),
                                python_outputs(model, test)):
        assert_close(actual, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("model", [
    AutoencoderTransformer(3, **FAST),
    AutoencoderTransformer(3, hidden_layer_sizes=(), **FAST),
    AutoencoderTransformer(3, tied_weights=True, activation="gelu", **FAST),
    AutoencoderTransformer(3, linear_path=False, init="random", activation="silu", **FAST),
    AutoencoderTransformer(3, ordered=True, activation="elu", **FAST),
    DenoisingAutoencoder(3, noise="masking", activation="leaky_relu", **FAST),
    VariationalAutoencoder(3, activation="tanh", **FAST),
], ids=["mlp", "linear", "tied-gelu", "no-path-silu", "ordered-elu", "denoising", "vae"])
def test_transform_matches(split, model, dtype):
    train, test = (X.astype(dtype) for X in split)
    model.fit(train)
    (codes,) = run(session(model, train[:1]), test)
    assert_close(codes, model.transform(test))


@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_inverse_transform_option(digits, loss):
    X = digits[0][:300].astype(np.float32) / 16
    model = AutoencoderTransformer(4, loss=loss, **FAST).fit(X)
    codes = model.transform(X[:50])
    sess = session(model, codes[:1], options={id(model): {"inverse_transform": True}})
    (rows,) = run(sess, codes)
    assert rows.shape == (50, 64)
    assert_close(rows, model.inverse_transform(codes))


def test_truncated_codes(split):
    train, test = split
    model = AutoencoderTransformer(4, ordered=True, **FAST).fit(train).truncate(2)
    (codes,) = run(session(model, train[:1]), test)
    assert codes.shape == (len(test), 2)
    assert_close(codes, model.transform(test))
    sess = session(model, codes[:1], options={id(model): {"inverse_transform": True}})
    assert_close(run(sess, codes)[0], model.inverse_transform(codes))


@pytest.mark.parametrize("model", [
    AutoencoderTransformer(4, image_shape=(8, 8), hidden_layer_sizes=(4, 8), **FAST),
    AutoencoderTransformer(4, image_shape=(8, 8), hidden_layer_sizes=(4,),
                           tied_weights=True, **FAST),
    AutoencoderOutlierDetector(4, image_shape=(8, 8), hidden_layer_sizes=(4, 8), **FAST),
], ids=["transformer", "tied", "detector"])
def test_convolutional(digits, model):
    X = digits[0].astype(np.float32)
    model.fit(X[:300])
    sess = session(model, X[:1])
    if isinstance(model, AutoencoderOutlierDetector):
        label, scores = run(sess, X[300:400])
        np.testing.assert_array_equal(label, model.predict(X[300:400]))
        assert_close(scores, model.decision_function(X[300:400])[:, None].astype(np.float32))
        return
    assert_close(run(sess, X[300:400])[0], model.transform(X[300:400]))
    inverse = session(model, model.transform(X[:1]), options={id(model): {
        "inverse_transform": True}})
    codes = model.transform(X[300:400])
    assert_close(run(inverse, codes)[0], model.inverse_transform(codes))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("params", [
    {},
    {"mask_rate": 0.2},
    {"threshold": "pvalue", "calibration_fraction": 0.3, "alpha": 0.1},
    {"score_parts": ("reconstruction", "neighbors"), "contamination": 0.1},
], ids=["default", "masked", "pvalue", "two-parts"])
def test_detector_labels_and_scores(split, params, dtype):
    train, test = (X.astype(dtype) for X in split)
    test = np.r_[test, test[:5] + 4.0]  # a few clear outliers among the new rows
    model = AutoencoderOutlierDetector(**params, **FAST).fit(train)
    label, scores = run(session(model, train[:1]), test)
    assert label.dtype == np.int64
    np.testing.assert_array_equal(label, model.predict(test))
    assert (label == -1).any()
    assert_close(scores, model.decision_function(test)[:, None].astype(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("threshold", ["pvalue", "fdr"])
def test_pvalues_and_batch_threshold(split, threshold, dtype):
    """The p-values output, and ``threshold="fdr"``'s threshold of each batch."""
    train, test = (X.astype(dtype) for X in split)
    model = AutoencoderOutlierDetector(threshold=threshold, calibration_fraction=0.3,
                                       alpha=0.2, **FAST).fit(train)
    sess = session(model, train[:1], options={id(model): {"pvalues": True}})
    for rows in (np.r_[test, test[:10] + 3.0], test[:1], test[:1] + 5.0):
        label, scores, pvalues = run(sess, rows)
        np.testing.assert_array_equal(label, model.predict(rows))
        assert_close(pvalues, model.score_pvalues(rows).astype(dtype))
        assert_close(scores, model.decision_function(rows)[:, None].astype(dtype))
    assert (label == -1).all()


@pytest.mark.parametrize("n_known", [1, 12])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_detector_with_known_outliers(split, n_known, dtype):
    """The classifier of the known outliers and the normal scores of both parts."""
    train, test = split
    rng = np.random.RandomState(2)
    outliers = train[:n_known] + rng.choice([-3.0, 3.0], size=(n_known, train.shape[1]))
    X = np.r_[train, outliers].astype(dtype)
    y = np.r_[np.zeros(len(train)), np.ones(n_known)]
    model = AutoencoderOutlierDetector(threshold="pvalue", calibration_fraction=0.2,
                                       **FAST).fit(X, y)
    assert model.n_known_outliers_ == n_known
    rows = np.r_[test, test[:20] + rng.choice([-3.0, 3.0], size=(20, test.shape[1])),
                 [test.max(axis=0) + 50.0, test.min(axis=0) - 50.0]].astype(dtype)
    sess = session(model, X[:1], options={id(model): {"pvalues": True}})
    label, scores, pvalues = run(sess, rows)
    np.testing.assert_array_equal(label, model.predict(rows))
    assert_close(scores, model.decision_function(rows)[:, None].astype(dtype))
    assert_close(pvalues, model.score_pvalues(rows).astype(dtype))


def test_detector_with_known_outliers_on_a_wide_table():
    """The classifier of a wide table's known outliers reads the bins of its
    principal coordinates: the graph projects, and compares each value with
    the edge of the bin the split was learned on."""
    rng = np.random.RandomState(3)
    X = rng.randn(500, 3) @ rng.randn(3, 90) + 0.2 * rng.randn(500, 90)
    y = (rng.rand(500) < 0.08).astype(int)
    X[y == 1] += rng.randn(90) / 3
    model = AutoencoderOutlierDetector(**FAST).fit(X[:400], y[:400])
    assert model._label_score.projection_ is not None
    rows = np.r_[X[400:], X[400:410] + 3.0]
    label, scores = run(session(model, X[:1]), rows)
    np.testing.assert_array_equal(label, model.predict(rows))
    assert_close(scores, model.decision_function(rows)[:, None])


@pytest.mark.parametrize("cls", [AutoencoderTransformer, DenoisingAutoencoder])
def test_wide_table_principal_map(cls):
    """A wide table's decoder rebuilds principal coordinates (``PrincipalMap``)."""
    rng = np.random.RandomState(0)
    X = np.tanh(rng.randn(400, 3) @ rng.randn(3, 20)) @ rng.randn(20, 200)
    X = X + 0.01 * rng.randn(400, 200) + 5.0
    model = cls(3, **FAST).fit(X[:300])
    assert model._principal.active
    assert_close(run(session(model, X[:1]), X[300:])[0], model.transform(X[300:]))
    codes = model.transform(X[300:])
    sess = session(model, codes[:1], options={id(model): {"inverse_transform": True}})
    assert_close(run(sess, codes)[0], model.inverse_transform(codes))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_imputer_fills_missing_entries(split, dtype):
    train, test = (X.astype(dtype) for X in split)
    rng = np.random.RandomState(1)
    holed = test.copy()
    holed[rng.rand(*holed.shape) < 0.3] = np.nan
    holed[0] = np.nan  # a row with nothing observed
    imputer = AutoencoderImputer(**FAST).fit(train)
    (filled,) = run(session(imputer, train[:1]), holed)
    assert not np.isnan(filled).any()
    assert_close(filled, imputer.transform(holed))


def test_regressor_predict(digits):
    X = digits[0][:300] / 16
    regressor = EncoderDecoderRegressor(4, **FAST).fit(X[:, :32], X[:, 32:])
    (Y,) = run(session(regressor, X[:1, :32]), X[200:, :32])
    assert_close(Y, regressor.predict(X[200:, :32]))


def test_regressor_between_images(digits):
    """Image to image (``image_shape``, ``output_shape``): 4x4 rows to 8x8 rows."""
    X = digits[0][:300] / 16
    small = X.reshape(-1, 8, 8)[:, ::2, ::2].reshape(-1, 16)
    regressor = EncoderDecoderRegressor(8, hidden_layer_sizes=(4, 8), image_shape=(4, 4),
                                        output_shape=(8, 8), **FAST).fit(small, X)
    (Y,) = run(session(regressor, small[:1].astype(np.float32)), small[200:].astype(np.float32))
    assert_close(Y, regressor.predict(small[200:].astype(np.float32)))


def test_regressor_on_a_mixed_dataframe(frame):
    X, y = frame.drop(columns="amount"), frame["amount"].to_numpy()
    regressor = EncoderDecoderRegressor(2, **FAST).fit(X[:300], y[:300])
    (predicted,) = run(session(regressor, X[:1]), X[300:])
    assert_close(predicted.ravel(), regressor.predict(X[300:]))


def test_single_target_regressor_gives_one_column(split):
    train, test = split
    regressor = EncoderDecoderRegressor(2, **FAST).fit(train[:, 1:], train[:, 0])
    (y,) = run(session(regressor, train[:1, 1:]), test[:, 1:])
    assert y.shape == (len(test), 1)
    assert_close(y.ravel(), regressor.predict(test[:, 1:]))


@pytest.mark.parametrize("model", [
    AutoencoderTransformer(2, handle_unknown="ignore", **FAST),
    AutoencoderOutlierDetector(handle_unknown="ignore", **FAST),
    AutoencoderOutlierDetector(mask_rate=0.0, handle_unknown="ignore", **FAST),
], ids=["transformer", "detector-masked", "detector"])
def test_mixed_dataframe_one_input_per_column(frame, model):
    model.fit(frame[:300])
    new = frame[300:].copy()
    new.loc[new.index[0], "city"] = "Rome"  # a level not seen in training
    sess = session(model, frame[:1])
    assert [i.name for i in sess.get_inputs()] == list(frame.columns)
    outputs = run(sess, new)
    if isinstance(model, AutoencoderOutlierDetector):
        np.testing.assert_array_equal(outputs[0], model.predict(new))
        assert_close(outputs[1].ravel(), model.decision_function(new))
    else:
        assert_close(outputs[0], model.transform(new))


def test_pipeline_on_a_dataframe(frame):
    numeric = frame[["amount", "count"]].astype(np.float64)
    pipe = make_pipeline(StandardScaler(), AutoencoderOutlierDetector(**FAST)).fit(numeric[:300])
    label, scores = run(session(pipe, numeric[:1]), numeric[300:])
    np.testing.assert_array_equal(label, pipe.predict(numeric[300:]))
    assert_close(scores.ravel(), pipe.decision_function(numeric[300:]))


def test_column_transformer_around_a_transformer(frame):
    X = frame.assign(count=frame["count"].astype(np.float64))
    columns = ColumnTransformer([
        ("codes", make_pipeline(StandardScaler(), AutoencoderTransformer(1, **FAST)),
         ["amount", "count"]),
        ("levels", OneHotEncoder(sparse_output=False), ["city"]),
    ])
    columns.fit(X[:300])
    (out,) = run(session(columns, X[:1]), X[300:])
    assert_close(out, columns.transform(X[300:]).astype(np.float64))


def test_graph_runs_without_torch_or_skae(split, tmp_path):
    train, test = (X.astype(np.float32) for X in split)
    model = make_pipeline(StandardScaler(), AutoencoderOutlierDetector(**FAST)).fit(train)
    path = tmp_path / "detector.onnx"
    path.write_bytes(skl2onnx.to_onnx(model, train[:1]).SerializeToString())
    np.save(tmp_path / "rows.npy", test)
    script = textwrap.dedent(f"""
        import sys
        sys.modules["torch"] = None  # importing torch (or skae) now fails
        sys.modules["skae"] = None
        import numpy as np
        import onnxruntime as ort
        sess = ort.InferenceSession({str(path)!r}, providers=["CPUExecutionProvider"])
        rows = np.load({str(tmp_path / "rows.npy")!r})
        label, scores = sess.run(None, {{sess.get_inputs()[0].name: rows}})
        np.save({str(tmp_path / "label.npy")!r}, label)
        print("torch" in sys.modules and sys.modules["torch"] is not None)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env={**os.environ, "OMP_NUM_THREADS": "1"}, check=True)
    assert result.stdout.strip() == "False"
    np.testing.assert_array_equal(np.load(tmp_path / "label.npy"), model.predict(test))


# ------------------------------------------------------------------ errors


def test_unfitted_estimator_is_refused(split):
    with pytest.raises(Exception, match="not fitted"):
        skl2onnx.to_onnx(AutoencoderTransformer(2), split[0][:1].astype(np.float32))


def test_pvalues_need_calibration_rows(split):
    model = AutoencoderOutlierDetector(**FAST).fit(split[0])
    with pytest.raises(ValueError, match="pvalues output needs calibration rows"):
        skl2onnx.to_onnx(model, split[0][:1], options={id(model): {"pvalues": True}})




def test_sample_with_other_columns_is_refused(split, frame):
    model = AutoencoderTransformer(2, **FAST).fit(split[0])
    with pytest.raises(ValueError, match="has 5 columns, but AutoencoderTransformer"):
        skl2onnx.to_onnx(model, split[0][:1, :5])
    mixed = AutoencoderTransformer(2, **FAST).fit(frame)
    with pytest.raises(ValueError, match="differ from those"):
        skl2onnx.to_onnx(mixed, frame[["count", "amount", "city", "plan", "active"]][:1])
    with pytest.raises(ValueError, match="gives 4 inputs"):
        skl2onnx.to_onnx(mixed, frame.iloc[:1, :4])


def test_inverse_transform_needs_codes(split):
    model = AutoencoderTransformer(2, **FAST).fit(split[0])
    with pytest.raises(ValueError, match="takes codes of 2 columns, but the sample has 8"):
        skl2onnx.to_onnx(model, split[0][:1], options={id(model): {"inverse_transform": True}})


def test_inverse_transform_of_levels_is_refused(frame):
    model = AutoencoderTransformer(2, **FAST).fit(frame)
    codes = model.transform(frame[:1])
    with pytest.raises(ValueError, match="inverse_transform of AutoencoderTransformer fitted"):
        skl2onnx.to_onnx(model, codes, options={id(model): {"inverse_transform": True}})
    imputer = AutoencoderImputer(**FAST).fit(frame)
    with pytest.raises(ValueError, match="transform of AutoencoderImputer fitted on a table"):
        skl2onnx.to_onnx(imputer, frame[:1])


def test_old_opset_is_refused(split):
    model = AutoencoderTransformer(2, **FAST).fit(split[0])
    with pytest.raises(ValueError, match="opset 18 or later"):
        skl2onnx.to_onnx(model, split[0][:1], target_opset=15)


# ----------------------------------------------------- the graph's pieces


class _Container:
    """What ``Graph`` writes into, collected to build a model of its own."""

    target_opset = 21

    def __init__(self):
        self.nodes, self.initializers, self.names = [], [], 0

    def get_unique_variable_name(self, hint):
        self.names += 1
        return f"{hint}_{self.names}"

    get_unique_operator_name = get_unique_variable_name

    def add_initializer(self, name, onnx_type, shape, content):
        self.initializers.append(content)

    def add_node(self, op_type, inputs, outputs, op_domain="", op_version=None, name=None,
                 **attrs):
        from onnx import helper

        self.nodes.append(helper.make_node(op_type, inputs, outputs, name=name,
                                           domain=op_domain, **attrs))


def run_piece(build, values, out_type):
    """Run ``build(g, input_name)`` on float64 ``values`` (1-D) in onnxruntime;
    ``out_type``: the output's ONNX element type."""
    from onnx import TensorProto, helper

    from skae.onnx._graph import Graph

    container = _Container()
    g = Graph(container, container)
    out = build(g, "v")
    graph = helper.make_graph(
        container.nodes, "piece",
        [helper.make_tensor_value_info("v", TensorProto.DOUBLE, [None])],
        [helper.make_tensor_value_info(out, out_type, None)],
        initializer=container.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)])
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, {"v": np.asarray(values, dtype=np.float64)})[0]


@pytest.mark.parametrize("n", [1, 2, 7, 50, 101])
def test_count_at_most_is_searchsorted(n):
    from skae.onnx._search import count_at_most

    rng = np.random.RandomState(n)
    constants = np.sort(rng.choice([0.0, 1.0, 1.5, 2.0, 3.0], n) + (n > 7) * rng.randn(n))
    values = np.r_[constants, constants + 1e-12, constants - 1e-12, -np.inf, np.inf,
                   rng.randn(20) * 3]
    counts = run_piece(lambda g, v: count_at_most(g, constants, v), values, 7)  # INT64
    np.testing.assert_array_equal(counts, np.searchsorted(constants, values, side="right"))


def test_normal_scores_follow_interp():
    from skae._outlier._labels import NormalScores
    from skae.onnx._labels import normal_scores

    rng = np.random.RandomState(0)
    training = np.r_[rng.randn(200), np.zeros(30), np.ones(5)]  # ties, as a classifier's
    scores = NormalScores().fit(training)
    values = np.r_[training, training + 1e-9, np.linspace(-8, 8, 101), 0.0, 1.0]
    actual = run_piece(lambda g, v: normal_scores(g, scores, v), values, 11)  # DOUBLE
    np.testing.assert_allclose(actual, scores.transform(values), rtol=1e-12, atol=1e-12)

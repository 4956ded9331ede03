"""Serving without torch: onnxruntime against the Python methods, and file sizes.

Each model is a fitted ``Pipeline(StandardScaler(), model)`` on digits,
exported with ``skl2onnx.to_onnx`` (float32 input) after ``import
skae.onnx``. In one run, alternating the models, it times one call on a
single row and on 10,000 rows, through the pipeline's Python method
(``transform``, or ``decision_function`` for detectors) and through an
onnxruntime session of the exported file; medians of ``--repeats`` rounds,
in milliseconds, with the ratio of onnxruntime's time to the Python
method's (onnxruntime's threads without spinning, so that they leave the
cores to the Python method timed next). ``PCA`` and ``IsolationForest`` pipelines go through skl2onnx's
own converters beside skae's. It also reports the largest difference
between the two outputs (relative to the output's largest value), whether
the detectors' labels agree, and the size of the ONNX file against the
pickle's.

    python benchmarks/bench_onnx.py
"""

import argparse
import pickle
import warnings

import numpy as np
import onnxruntime as ort
from bench_latency import per_call
from skl2onnx import to_onnx
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skae
import skae.onnx  # registers skae's converters


def models():
    return {
        "PCA": make_pipeline(StandardScaler(), PCA(2)),
        "IsolationForest": make_pipeline(StandardScaler(), IsolationForest(random_state=0)),
        "skae transformer": make_pipeline(StandardScaler(),
                                          skae.AutoencoderTransformer(random_state=0)),
        "skae detector": make_pipeline(StandardScaler(),
                                       skae.AutoencoderOutlierDetector(random_state=0)),
    }


def python_method(model):
    return model.transform if hasattr(model, "transform") else model.decision_function


def onnx_method(model, sample):
    onx = to_onnx(model, sample, target_opset={"": 21, "ai.onnx.ml": 3})
    options = ort.SessionOptions()
    # Without spinning: onnxruntime's idle threads would otherwise spin on the
    # cores after each call and slow the Python method timed next.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sess = ort.InferenceSession(onx.SerializeToString(), options,
                                providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    output = sess.get_outputs()[0 if hasattr(model, "transform") else 1].name
    return (lambda rows: sess.run([output], {name: rows})[0]), sess, len(onx.SerializeToString())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    X = load_digits().data.astype(np.float32)
    rows = np.tile(X, (6, 1))[:10_000]
    fitted = {name: model.fit(X) for name, model in models().items()}
    methods, checks = {}, {}
    for name, model in fitted.items():
        onnx, sess, size = onnx_method(model, X[:1])
        python = python_method(model)
        methods[name] = {"Python": python, "onnxruntime": onnx}
        expected, actual = np.asarray(python(rows)), onnx(rows).reshape(-1, *python(rows).shape[1:])
        difference = np.abs(actual - expected).max() / np.abs(expected).max()
        labels = ""
        if not hasattr(model, "transform"):
            label = sess.run([sess.get_outputs()[0].name], {sess.get_inputs()[0].name: rows})[0]
            labels = f"{np.mean(label.ravel() == model.predict(rows)):.4f}"
        checks[name] = (difference, labels, size, len(pickle.dumps(model)))
    timings = {(name, way, size): [] for name in fitted for way in ("Python", "onnxruntime")
               for size in ("1 row", "10,000 rows")}
    for _ in range(args.repeats):
        for name, ways in methods.items():
            for way, method in ways.items():
                method(X[:1])  # warm
                timings[name, way, "1 row"].append(per_call(lambda m=method: m(X[:1]), 300))
                timings[name, way, "10,000 rows"].append(per_call(lambda m=method: m(rows), 3))

    print("| pipeline | 1 row: Python (ms) | onnxruntime (ms) | onnxruntime / Python "
          "| 10,000 rows: Python (ms) | onnxruntime (ms) | onnxruntime / Python |")
    print("|---|---|---|---|---|---|---|")
    for name in fitted:
        cells = []
        for size in ("1 row", "10,000 rows"):
            python = np.array(timings[name, "Python", size])
            onnx = np.array(timings[name, "onnxruntime", size])
            cells += [f"{1e3 * np.median(python):.3f}", f"{1e3 * np.median(onnx):.3f}",
                      f"{np.median(onnx / python):.3f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print("| pipeline | largest difference (relative) | labels agreeing | ONNX file (kB) "
          "| pickle (kB) |")
    print("|---|---|---|---|---|")
    for name, (difference, labels, size, pickled) in checks.items():
        print(f"| {name} | {difference:.1e} | {labels or '-'} | {size / 1e3:.0f} "
              f"| {pickled / 1e3:.0f} |")


if __name__ == "__main__":
    main()

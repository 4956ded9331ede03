"""
Serving an outlier-detection pipeline with onnxruntime, without torch
=====================================================================

A fitted ``Pipeline(StandardScaler(), AutoencoderOutlierDetector())`` goes to
one ONNX file with skl2onnx, after ``import skae.onnx``. The file runs in
onnxruntime, from Python, C++, C#, Java or JavaScript, with neither torch nor
skae installed, and gives the same labels and scores as the pipeline.

The data: scikit-learn's breast-cancer measurements as a DataFrame; the
pipeline is fitted on 400 rows and scores the other 169, a few of which are
tampered with.
"""

# %%
# Fit, then export with skl2onnx
# ------------------------------
# A DataFrame sample gives the graph one input per column, named as the
# column, as skl2onnx does for every scikit-learn pipeline.
import tempfile
import time
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skae.onnx  # noqa: F401  (registers skae's converters with skl2onnx)
from skae import AutoencoderOutlierDetector

df = load_breast_cancer(as_frame=True).data.astype(np.float32)
train, new = df.iloc[:400], df.iloc[400:].copy()
rng = np.random.RandomState(0)
for row in rng.choice(len(new), size=5, replace=False):
    column = rng.choice(new.columns)
    new.iloc[row, new.columns.get_loc(column)] += 6 * df[column].std()

pipeline = make_pipeline(StandardScaler(), AutoencoderOutlierDetector(random_state=0))
pipeline.fit(train)
onx = to_onnx(pipeline, train[:1])
path = Path(tempfile.mkdtemp()) / "detector.onnx"
path.write_bytes(onx.SerializeToString())
print(f"inputs: {len(onx.graph.input)} columns; outputs: {[o.name for o in onx.graph.output]}")

# %%
# Score new rows in onnxruntime
# -----------------------------
# Each column is fed as a (n_rows, 1) array, in the order of the columns
# (skl2onnx writes a space in a column's name as "_"). ``label`` is
# ``predict``'s +1 / -1, ``scores`` is ``decision_function`` (negative for
# outliers).
session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
feeds = {i.name: new[[column]].to_numpy() for i, column in zip(session.get_inputs(), new.columns)}
label, scores = session.run(None, feeds)
print(f"labels equal to predict: {np.array_equal(label, pipeline.predict(new))}")
difference = np.abs(scores.ravel() - pipeline.decision_function(new)).max()
print(f"largest score difference: {difference:.1e}; flagged rows: {np.sum(label == -1)}")

# %%
# The same scores, in a fraction of the time for one row
# ------------------------------------------------------
one = {column: values[:1] for column, values in feeds.items()}


def per_call(f, calls=200):
    start = time.perf_counter()
    for _ in range(calls):
        f()
    return (time.perf_counter() - start) / calls


python_ms = 1e3 * per_call(lambda: pipeline.decision_function(new.iloc[:1]))
onnx_ms = 1e3 * per_call(lambda: session.run(None, one))
print(f"one row: Python {python_ms:.2f} ms, onnxruntime {onnx_ms:.3f} ms")

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
left.scatter(pipeline.decision_function(new), scores.ravel(), s=12,
             c=np.where(label == -1, "crimson", "tab:blue"))
left.axhline(0, color="grey", lw=0.8)
left.set_xlabel("decision_function (Python)")
left.set_ylabel("scores (onnxruntime)")
left.set_title("Same scores; red: label -1")
right.barh(["onnxruntime", "Python"], [onnx_ms, python_ms], color=["tab:green", "tab:grey"])
right.set_xlabel("milliseconds for one row")
right.set_title("One row through the pipeline")
fig.tight_layout()
plt.show()

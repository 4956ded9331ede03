"""Serving from Python: the time of one call on a single row and on 10,000 rows.

Each model is a fitted ``Pipeline(StandardScaler(), model)`` on digits;
each call is timed over many repeats, alternating the pipelines, and the
median of ``--repeats`` rounds is reported in milliseconds, with the ratio
to the pipeline with ``PCA`` (transformers) or ``IsolationForest``
(detectors) measured in the same run.

    python benchmarks/bench_latency.py
    python benchmarks/bench_latency.py --other /tmp/previous   # also another checkout
"""

import argparse
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skae


def per_call(f, calls):
    """Seconds per call of ``f``, over ``calls`` calls."""
    start = time.perf_counter()
    for _ in range(calls):
        f()
    return (time.perf_counter() - start) / calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--other", default=None,
                        help="another checkout of skae, timed as skae_other beside this one")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    X = load_digits().data
    rows = np.tile(X, (6, 1))[:10_000]
    packages = {"skae": skae}
    if args.other:
        from bench_versions import other_skae

        packages["previous"] = other_skae(args.other)
    models = {"PCA": make_pipeline(StandardScaler(), PCA(2)),
              "IsolationForest": make_pipeline(StandardScaler(),
                                                IsolationForest(random_state=0))}
    for name, package in packages.items():
        models[f"{name} transformer"] = make_pipeline(
            StandardScaler(), package.AutoencoderTransformer(random_state=0))
        models[f"{name} detector"] = make_pipeline(
            StandardScaler(), package.AutoencoderOutlierDetector(random_state=0))
    for model in models.values():
        model.fit(X)
    methods = {name: (model.transform if hasattr(model, "transform") else model.score_samples)
               for name, model in models.items()}
    timings = {name: {"1 row": [], "10,000 rows": []} for name in models}
    for _ in range(args.repeats):
        for name, method in methods.items():
            method(X[:1])  # warm
            timings[name]["1 row"].append(per_call(lambda: method(X[:1]), 300))
            timings[name]["10,000 rows"].append(per_call(lambda: method(rows), 3))
    print("| pipeline | 1 row (ms) | / reference | 10,000 rows (ms) | / reference |")
    print("|---|---|---|---|---|")
    for name in models:
        reference = "IsolationForest" if "detector" in name or name == "IsolationForest" \
            else "PCA"
        cells = []
        for size in ("1 row", "10,000 rows"):
            ratios = np.array(timings[name][size]) / np.array(timings[reference][size])
            cells += [f"{1e3 * np.median(timings[name][size]):.3f}", f"{np.median(ratios):.2f}"]
        print(f"| {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()

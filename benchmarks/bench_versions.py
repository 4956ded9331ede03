"""Fit time of this checkout's skae against another checkout's, in one process.

Timings on a shared machine drift by tens of per cent within minutes, more
than a change in overhead moves them. So both versions run in the same
process, fit after fit, in alternating order: the other checkout's
``skae/`` is copied to a temporary folder as the package ``skae_other``
(its imports are relative). Each fit is timed in process CPU time (both
versions choose the same thread count), and the fitted models' codes must
be identical, so that the comparison is of the same work.

Data: digits and, with ``--data``, the tables of the outlier benchmark
(standardised), ``AutoencoderTransformer(k)`` with its defaults, k = 8
(2 on tables with at most 8 columns). Reported per data set: the median
time of each version over ``--repeats`` pairs, the median of the paired
ratios (this / other), and the epochs the fit ran.

    git worktree add /tmp/previous HEAD~1
    python benchmarks/bench_versions.py /tmp/previous --data ../shared/data/od \\
        --sets 42_WBC 29_Pima 40_vowels digits --repeats 4

With ``--outputs``, no timing: every public estimator is fitted by both
versions on the same data (digits, a mixed-type table, a wide table, a
convolutional fit and a ``partial_fit`` stream) and every output is compared
for exact equality: ``transform``, ``inverse_transform``, ``score_samples``,
``decision_function``, ``predict``, ``score_pvalues``, imputations,
``sample``, the regressor's ``predict``, and explanations. It prints one line
per output and exits non-zero if any differs.

    python benchmarks/bench_versions.py /tmp/previous --outputs
"""

import argparse
import importlib
import pathlib
import shutil
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler

import skae


def other_skae(checkout):
    """The package ``skae`` of ``checkout``, imported as ``skae_other``."""
    folder = pathlib.Path(tempfile.mkdtemp())
    shutil.copytree(pathlib.Path(checkout) / "skae", folder / "skae_other")
    sys.path.insert(0, str(folder))
    return importlib.import_module("skae_other")


def data_sets(folder, names):
    sets = {"digits": load_digits().data}
    for path in sorted(pathlib.Path(folder).glob("*.npz")) if folder else []:
        sets[path.stem] = StandardScaler().fit_transform(np.load(path)["X"].astype(np.float64))
    return {name: X for name, X in sets.items() if not names or name in names}


def timed_fit(package, X, k):
    start = time.process_time()
    model = package.AutoencoderTransformer(k, random_state=0).fit(X)
    return time.process_time() - start, model


def _mixed_table(n=400, seed=0):
    """Numeric, categorical, string and boolean columns, related to each other."""
    rng = np.random.RandomState(seed)
    latent = rng.randn(n, 2)
    level = np.digitize(latent[:, 0], [-0.5, 0.5])
    return pd.DataFrame({
        "a": latent @ [1.0, 0.5] + 0.1 * rng.randn(n),
        "b": np.sin(latent[:, 1]) + 0.1 * rng.randn(n),
        "c": (latent[:, 1] * 10).round().astype(int),
        "colour": pd.Categorical(np.array(["red", "green", "blue"])[level]),
        "size": np.where(latent[:, 1] > 0, "large", "small"),
        "flag": latent.sum(1) > 0,
    })


def _with_missing(X, rate=0.15, seed=1):
    """A copy of ``X`` with a share of entries missing."""
    rng = np.random.RandomState(seed)
    if isinstance(X, pd.DataFrame):
        X = X.copy()
        for column in X.columns:
            X[column] = X[column].mask(rng.rand(len(X)) < rate)
        return X
    return np.where(rng.rand(*X.shape) < rate, np.nan, X)


def _outputs_of(est, X, prefix):
    """Every output of a fitted estimator on rows ``X``, by name."""
    out = {}
    for method in ("transform", "score_samples", "decision_function", "predict",
                   "score_pvalues", "feature_contributions", "code_distance"):
        if hasattr(est, method):
            try:
                out[f"{prefix}.{method}"] = getattr(est, method)(X)
            except AttributeError:  # score_pvalues without calibration rows
                pass
    if hasattr(est, "inverse_transform") and hasattr(est, "transform"):
        out[f"{prefix}.inverse_transform"] = est.inverse_transform(est.transform(X))
    if hasattr(est, "sample"):
        out[f"{prefix}.sample"] = est.sample(20, random_state=0)
    for name in ("offset_", "reconstruction_error_", "explained_variance_ratio_",
                 "best_epoch_", "n_iter_", "loss_curve_", "calibration_scores_"):
        if hasattr(est, name):
            out[f"{prefix}.{name}"] = getattr(est, name)
    return out


def output_scenarios(package):
    """Outputs of every public estimator of ``package`` on the comparison's data."""
    X = load_digits().data
    X_scaled = X / 16.0
    rng = np.random.RandomState(0)
    wide = rng.randn(300, 8) @ rng.randn(8, 240) + 1e-3 * rng.randn(300, 240)
    mixed = _mixed_table()
    small = X_scaled.reshape(-1, 8, 8).reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(-1, 16)
    p = package
    fits = {
        "transformer.digits": (p.AutoencoderTransformer(8, random_state=0), X, None),
        "transformer.ordered": (p.AutoencoderTransformer(0.8, random_state=0), X, None),
        "transformer.mixed": (p.AutoencoderTransformer(3, random_state=0), mixed, None),
        "transformer.wide": (p.AutoencoderTransformer(4, random_state=0), wide, None),
        "transformer.conv": (p.AutoencoderTransformer(
            8, image_shape=(8, 8), max_epochs=5, random_state=0), X, None),
        "transformer.tied-bce": (p.AutoencoderTransformer(
            8, tied_weights=True, loss="bce", max_epochs=20, random_state=0), X_scaled, None),
        "denoising.digits": (p.DenoisingAutoencoder(8, random_state=0), X, None),
        "denoising.mixed": (p.DenoisingAutoencoder(3, noise="swap", random_state=0), mixed, None),
        "detector.digits": (p.AutoencoderOutlierDetector(random_state=0), X, None),
        "detector.pvalue": (p.AutoencoderOutlierDetector(
            calibration_fraction=0.2, threshold="pvalue", random_state=0), X, None),
        "detector.fdr": (p.AutoencoderOutlierDetector(
            calibration_fraction=0.2, threshold="fdr", contamination=0.05,
            random_state=0), wide, None),
        "detector.mixed": (p.AutoencoderOutlierDetector(random_state=0), mixed, None),
        "detector.conv": (p.AutoencoderOutlierDetector(
            image_shape=(8, 8), hidden_layer_sizes=(8,), random_state=0), X, None),
        "variational.digits": (p.VariationalAutoencoder(8, max_epochs=30, random_state=0),
                               X, None),
        "variational.mixed": (p.VariationalAutoencoder(3, max_epochs=30, random_state=0),
                              mixed, None),
        "imputer.digits": (p.AutoencoderImputer(max_epochs=30, random_state=0),
                           _with_missing(X), None),
        "imputer.mixed": (p.AutoencoderImputer(random_state=0), _with_missing(mixed), None),
        "regressor.digits": (p.EncoderDecoderRegressor(16, max_epochs=30, random_state=0),
                             small, X_scaled),
        "regressor.conv": (p.EncoderDecoderRegressor(
            16, image_shape=(4, 4), output_shape=(8, 8), max_epochs=5, random_state=0),
            small, X_scaled),
    }
    out = {}
    for name, (est, data, target) in fits.items():
        est.fit(data, target) if target is not None else est.fit(data)
        out.update(_outputs_of(est, data, name))
    for name, est in {
        "transformer.stream": p.AutoencoderTransformer(8, random_state=0),
        "detector.stream": p.AutoencoderOutlierDetector(random_state=0),
        "imputer.stream": p.AutoencoderImputer(random_state=0),
        "variational.stream": p.VariationalAutoencoder(8, random_state=0),
    }.items():
        data = _with_missing(X) if "imputer" in name else X
        for start in range(0, len(data), 600):
            est.partial_fit(data[start : start + 600], epochs=2)
        out.update(_outputs_of(est, data, name))
    stream = p.EncoderDecoderRegressor(16, random_state=0)
    for start in range(0, len(X), 600):
        stream.partial_fit(small[start : start + 600], X_scaled[start : start + 600])
    out.update(_outputs_of(stream, small, "regressor.stream"))
    return out


def _equal(a, b):
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.equals(b) and list(a.dtypes) == list(b.dtypes)
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


def compare_outputs(other):
    """Fit every scenario with both versions; print and count the differences."""
    ours, theirs = output_scenarios(skae), output_scenarios(other)
    differ = [name for name in theirs if name not in ours or not _equal(ours[name], theirs[name])]
    for name in theirs:
        print(f"{'DIFFERS' if name in differ else 'identical'}  {name}")
    print(f"{len(theirs) - len(differ)} of {len(theirs)} outputs identical")
    return not differ


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", help="another checkout of skae (a folder holding skae/)")
    parser.add_argument("--data", default=None, help="folder of .npz data sets")
    parser.add_argument("--sets", nargs="+", default=None, help="data set names to run")
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--outputs", action="store_true",
                        help="compare every estimator's outputs instead of timing fits")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    other = other_skae(args.other)
    if args.outputs:
        raise SystemExit(0 if compare_outputs(other) else 1)
    sets = data_sets(args.data, args.sets)
    warm_up = sets.get("digits", next(iter(sets.values())))[:300]
    for package in (skae, other):  # imports and allocators warmed up alike
        package.AutoencoderTransformer(2, max_epochs=3, random_state=0).fit(warm_up)
    print("| data set | other (s) | this (s) | this / other | epochs |")
    print("|---|---|---|---|---|")
    for name, X in sets.items():
        k = 8 if X.shape[1] > 8 else 2
        pairs = []
        for repeat in range(args.repeats):
            order = (other, skae) if repeat % 2 == 0 else (skae, other)
            runs = {package.__name__: timed_fit(package, X, k) for package in order}
            (t_other, m_other), (t_this, m_this) = runs["skae_other"], runs["skae"]
            if not np.array_equal(m_other.transform(X), m_this.transform(X)):
                raise SystemExit(f"{name}: the two versions fit different models")
            pairs.append((t_other, t_this))
        pairs = np.array(pairs)
        print(f"| {name} | {np.median(pairs[:, 0]):.2f} | {np.median(pairs[:, 1]):.2f} "
              f"| {np.median(pairs[:, 1] / pairs[:, 0]):.2f} | {m_this.n_iter_} |", flush=True)


if __name__ == "__main__":
    main()

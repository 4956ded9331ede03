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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", help="another checkout of skae (a folder holding skae/)")
    parser.add_argument("--data", default=None, help="folder of .npz data sets")
    parser.add_argument("--sets", nargs="+", default=None, help="data set names to run")
    parser.add_argument("--repeats", type=int, default=4)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    other = other_skae(args.other)
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

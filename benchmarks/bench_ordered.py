"""Ordered codes: one fit of width 16, every prefix against PCA and against fits of that width.

For digits and every table in ``--data`` (each standardised; an 80/20 split,
``--seeds``), one ``AutoencoderTransformer(16, ordered=True)`` is fitted
(width ``min(16, n_features - 1)``), and for every prefix ``j`` its held-out
error (``truncate(j)``) is compared with ``PCA(j)``'s; for ``j`` in 2, 4, 8
also with an (unordered) ``AutoencoderTransformer(j)`` fitted at that width.
``n_components=0.9`` is compared with ``PCA(0.9)``: the size chosen and the
held-out share of variance reached. Fit times: the ordered width-16 fit
against an unordered width-16 fit, ``--repeats`` pairs, the first of each
pair alternating, as the median of the pairs' ratios (the first fits of a
process are slower). ``--time-only`` measures the fit times alone.

    python benchmarks/bench_ordered.py --data ../shared/data/od
    python benchmarks/bench_ordered.py --data ../shared/data/od --time-only
"""

import argparse
import pathlib
import time
import warnings
from functools import partial

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer

WIDTH, CHECKED, MAX_ROWS = 16, (2, 4, 8), 20000


def tables(folder):
    yield "digits", load_digits().data
    for path in sorted(pathlib.Path(folder).glob("*.npz")):
        X = np.load(path)["X"].astype(np.float64)
        X = X[:, np.std(X, axis=0) > 0]  # constant columns carry no variance
        if X.shape[1] > 2:
            yield path.stem, X


def mse(model, X):
    return float(np.mean((X - model.inverse_transform(model.transform(X))) ** 2))


def timed(fit):
    start = time.perf_counter()
    model = fit()
    return model, time.perf_counter() - start


def fit_pairs(X_train, width, seed, repeats):
    """The last ordered and unordered fits, and the median over ``repeats``
    pairs of the ordered fit's time over the unordered one's."""
    ratios = []
    for repeat in range(repeats):
        models, times = {}, {}
        for is_ordered in (True, False) if repeat % 2 == 0 else (False, True):
            model = AutoencoderTransformer(width, ordered=is_ordered, random_state=seed)
            models[is_ordered], times[is_ordered] = timed(partial(model.fit, X_train))
        ratios.append(times[True] / times[False])
    return models[True], models[False], float(np.median(ratios))


def run(name, X, seed, repeats=3, time_only=False):
    rng = np.random.RandomState(seed)
    if len(X) > MAX_ROWS:
        X = X[np.sort(rng.choice(len(X), MAX_ROWS, replace=False))]
    X_train, X_test = train_test_split(X, test_size=0.2, random_state=seed)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    width = min(WIDTH, X.shape[1] - 1)
    ordered, plain, time_ratio = fit_pairs(X_train, width, seed, repeats)
    if time_only:
        return {"time ratio": time_ratio}
    prefix = [mse(ordered.truncate(j), X_test) / mse(PCA(j).fit(X_train), X_test)
              for j in range(1, width + 1)]
    own_width = {j: mse(ordered.truncate(j), X_test)
                 / mse(AutoencoderTransformer(j, random_state=seed).fit(X_train), X_test)
                 for j in CHECKED if j <= width}
    share = AutoencoderTransformer(0.9, random_state=seed).fit(X_train)
    total = float(np.mean((X_test - X_test.mean(0)) ** 2))
    return {
        "worst prefix / PCA": max(prefix),
        "own width": own_width,
        "k 0.9": share.n_components_,
        "PCA k 0.9": PCA(0.9).fit(X_train).n_components_,
        "held-out share": 1 - mse(share, X_test) / total,
        "time ratio": time_ratio,
        "full width / unordered": mse(ordered, X_test) / mse(plain, X_test),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder of .npz data sets")
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--repeats", type=int, default=3,
                        help="pairs of timed fits (ordered, unordered) per data set")
    parser.add_argument("--time-only", action="store_true", help="measure the fit times only")
    parser.add_argument("--part", default="1/1",
                        help="run the i-th of n interleaved parts of the sets, e.g. 1/2")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.time_only:
        print("| data set | fit time ordered / unordered, median of pairs |\n|---|---|")
    else:
        print("| data set | worst prefix: ordered / PCA | j=2, 4, 8: ordered prefix / fit at "
              "width j | full width: ordered / unordered | n_components=0.9: size (PCA's) "
              "| held-out share | fit time ordered / unordered |")
        print("|---|---|---|---|---|---|---|")
    rows = []
    part, parts = (int(v) for v in args.part.split("/"))
    for i, (name, X) in enumerate(tables(args.data)):
        if i % parts != part - 1:
            continue
        for seed in seeds:
            r = run(name, X, seed, args.repeats, args.time_only)
            rows.append(r)
            if args.time_only:
                print(f"| {name} | {r['time ratio']:.2f} |", flush=True)
                continue
            own = ", ".join(f"{v:.3f}" for v in r["own width"].values())
            print(f"| {name} | {r['worst prefix / PCA']:.3f} | {own} "
                  f"| {r['full width / unordered']:.3f} | {r['k 0.9']} ({r['PCA k 0.9']}) "
                  f"| {r['held-out share']:.3f} | {r['time ratio']:.2f} |", flush=True)
    if args.time_only:
        ratios = [r["time ratio"] for r in rows]
        print(f"\nfit time ordered / unordered: median {np.median(ratios):.2f}, "
              f"largest {max(ratios):.2f}")
        return
    own = {j: np.median([r["own width"][j] for r in rows if j in r["own width"]])
           for j in CHECKED}
    print(f"\nprefixes at or below PCA on every set: "
          f"{all(r['worst prefix / PCA'] <= 1.0 for r in rows)} "
          f"(worst {max(r['worst prefix / PCA'] for r in rows):.3f}); median ordered prefix "
          f"/ fit at its width: " + ", ".join(f"j={j} {v:.3f}" for j, v in own.items())
          + f"; 0.9 no wider than PCA on every set: "
          f"{all(r['k 0.9'] <= r['PCA k 0.9'] for r in rows)}; held-out share "
          f"{min(r['held-out share'] for r in rows):.3f} to "
          f"{max(r['held-out share'] for r in rows):.3f}; median fit time ratio "
          f"{np.median([r['time ratio'] for r in rows]):.2f}")


if __name__ == "__main__":
    main()

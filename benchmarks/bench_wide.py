"""Wide tables: fit time and held-out error when the decoder rebuilds principal coordinates.

On every data set in ``--data`` whose leading principal directions (all but
0.1% of the variance) are at most half its columns, the tables where
``AutoencoderTransformer`` rebuilds principal coordinates instead of the
rows (standardised on the training part, 80/20 split, seed 0), and for each
k in ``--ks``, three fits in the same run, ``--repeats`` times in turn:

- ``constant``: the rows rebuilt, a constant learning rate of 1e-3 (the
  defaults before the learning-rate schedule);
- ``rows``: the rows rebuilt, today's defaults otherwise;
- ``principal``: today's defaults (principal coordinates rebuilt).

Reported per cell: held-out mean squared error relative to ``PCA(k)``'s, and
the median fit time over the repeats relative to ``rows``'s median (and
``constant``'s). Timings are wall-clock on whatever the machine does
meanwhile: run it alone.

    python benchmarks/bench_wide.py --data ../shared/data/od --repeats 3
"""

import argparse
import json
import pathlib
import time
import warnings

import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer
from skae._principal import PRINCIPAL_TAIL

RESULTS = pathlib.Path(__file__).parent / "results"


class RowsRebuilt(AutoencoderTransformer):
    """The transformer as it was before: its decoder rebuilds every column."""

    _rebuilds_principal_coordinates = False


CONFIGS = {
    "constant": (RowsRebuilt, {"learning_rate": 1e-3, "learning_rate_schedule": "constant"}),
    "rows": (RowsRebuilt, {}),
    "principal": (AutoencoderTransformer, {}),
}


def wide_sets(folder):
    for path in sorted(pathlib.Path(folder).glob("*.npz")):
        X = np.load(path)["X"].astype(np.float64)
        X_train, X_test = train_test_split(X, test_size=0.2, random_state=0)
        keep = X_train.std(axis=0) > 0
        scaler = StandardScaler().fit(X_train[:, keep])
        X_train, X_test = scaler.transform(X_train[:, keep]), scaler.transform(X_test[:, keep])
        share = np.cumsum(PCA().fit(X_train[:5000]).explained_variance_ratio_)
        kept = int(np.searchsorted(share, 1 - PRINCIPAL_TAIL)) + 1
        if 2 * kept <= X_train.shape[1]:
            yield path.stem, X_train, X_test, kept


def mse(model, X):
    return float(np.mean((X - model.inverse_transform(model.transform(X))) ** 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder of .npz data sets")
    parser.add_argument("--ks", default="2,8,16")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--name", default="wide")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    results = {}
    print("| data set | k | kept | AE/PCA: constant, rows, principal | time principal / rows "
          "| time principal / constant | seconds: constant, rows, principal |")
    print("|---|---|---|---|---|---|---|")
    for name, X_train, X_test, kept in wide_sets(args.data):
        for k in [int(k) for k in args.ks.split(",")]:
            pca = mse(PCA(k).fit(X_train), X_test)
            times = {c: [] for c in CONFIGS}
            ratio = {}
            for _ in range(args.repeats):
                for config, (cls, params) in CONFIGS.items():
                    model = cls(k, random_state=0, **params)
                    start = time.perf_counter()
                    model.fit(X_train)
                    times[config].append(time.perf_counter() - start)
                    ratio[config] = mse(model, X_test) / pca
            med = {c: float(np.median(t)) for c, t in times.items()}
            results[f"{name}/{k}"] = {"kept": kept, "ratio": ratio, "seconds": times}
            print(f"| {name} | {k} | {kept} | {ratio['constant']:.4f}, {ratio['rows']:.4f}, "
                  f"{ratio['principal']:.4f} | {med['principal'] / med['rows']:.2f} "
                  f"| {med['principal'] / med['constant']:.2f} | {med['constant']:.1f}, "
                  f"{med['rows']:.1f}, {med['principal']:.1f} |", flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"wide_{args.name}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()

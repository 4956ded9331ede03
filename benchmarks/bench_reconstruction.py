"""Held-out reconstruction error of AutoencoderTransformer relative to PCA.

For each data set and each k in {2, 8, 16} below its number of features:
hold out 20% of the rows, fit PCA and AutoencoderTransformer (defaults,
``n_components=k``) on the rest and report the ratio of their held-out mean
squared errors (below 1 means the autoencoder reconstructs better) and
their fit times.

Data sets: scikit-learn's digits (raw pixel values 0..16) and every ``.npz``
(arrays ``X``, ``y``) in ``--data`` (standardised on the training part).

    python benchmarks/bench_reconstruction.py --data ../shared/data/od
"""

import argparse
import pathlib
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer


def datasets(folder):
    X, _ = load_digits(return_X_y=True)
    yield "digits", X, False
    if folder:
        for path in sorted(pathlib.Path(folder).glob("*.npz")):
            yield path.stem, np.load(path)["X"].astype(np.float64), True


def mse(model, X):
    return float(np.mean((X - model.inverse_transform(model.transform(X))) ** 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="folder of .npz data sets")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ks", default="2,8,16")
    args = parser.parse_args()
    ks = [int(k) for k in args.ks.split(",")]

    print("| data set | rows | features | k | AE / PCA MSE | AE fit (s) | PCA fit (s) |")
    print("|---|---|---|---|---|---|---|")
    ratios = []
    for name, X, standardise in datasets(args.data):
        X_train, X_test = train_test_split(X, test_size=0.2, random_state=args.seed)
        if standardise:
            scaler = StandardScaler().fit(X_train)
            X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        for k in ks:
            if k >= X.shape[1]:
                continue
            t0 = time.perf_counter()
            pca = PCA(n_components=k).fit(X_train)
            t1 = time.perf_counter()
            ae = AutoencoderTransformer(n_components=k, random_state=args.seed)
            ae.fit(X_train)
            t2 = time.perf_counter()
            ratio = mse(ae, X_test) / mse(pca, X_test)
            ratios.append(ratio)
            print(
                f"| {name} | {len(X)} | {X.shape[1]} | {k} | {ratio:.4f} "
                f"| {t2 - t1:.2f} | {t1 - t0:.3f} |",
                flush=True,
            )
    print(f"\nworst ratio {max(ratios):.3f}, median {np.median(ratios):.3f}, "
          f"cells above 1.0: {sum(r > 1.0 for r in ratios)} of {len(ratios)}")


if __name__ == "__main__":
    main()

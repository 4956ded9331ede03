"""Imputation of digits with 20% of entries missing completely at random.

RMSE on the missing entries for AutoencoderImputer and scikit-learn's
SimpleImputer (mean), KNNImputer and IterativeImputer, each fitted and
applied on the same incomplete data.

    python benchmarks/bench_imputation.py --seeds 0,1,2
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer, SimpleImputer

from skae import AutoencoderImputer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0")
    parser.add_argument("--rate", type=float, default=0.2)
    args = parser.parse_args()
    X, _ = load_digits(return_X_y=True)
    print("| seed | mean | KNN | Iterative | skae | skae / KNN | skae / mean | skae fit (s) |")
    print("|---|---|---|---|---|---|---|---|")
    for seed in [int(s) for s in args.seeds.split(",")]:
        missing = np.random.RandomState(seed).rand(*X.shape) < args.rate
        X_missing = np.where(missing, np.nan, X)
        rmse = {}
        for name, imputer in [
            ("mean", SimpleImputer(strategy="mean", keep_empty_features=True)),
            ("KNN", KNNImputer(keep_empty_features=True)),
            ("Iterative", IterativeImputer(random_state=seed, keep_empty_features=True)),
            ("skae", AutoencoderImputer(random_state=seed)),
        ]:
            start = time.perf_counter()
            filled = imputer.fit_transform(X_missing)
            seconds = time.perf_counter() - start
            rmse[name] = np.sqrt(np.mean((filled[missing] - X[missing]) ** 2))
        print(f"| {seed} | {rmse['mean']:.3f} | {rmse['KNN']:.3f} | {rmse['Iterative']:.3f} "
              f"| {rmse['skae']:.3f} | {rmse['skae'] / rmse['KNN']:.3f} "
              f"| {rmse['skae'] / rmse['mean']:.3f} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()

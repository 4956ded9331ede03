"""Imputation of digits with 20% of entries missing completely at random.

RMSE on the missing entries for AutoencoderImputer and scikit-learn's
SimpleImputer (mean), KNNImputer and IterativeImputer, each fitted and
applied on the same incomplete data (transductive), or with ``--inductive``
fitted on 70% of the incomplete rows and filling the other 30%, as a
``Pipeline`` fitted on training rows fills a test set.

    python benchmarks/bench_imputation.py --seeds 0,1,2
    python benchmarks/bench_imputation.py --seeds 0,1,2 --inductive
"""

import argparse
import ast
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
    parser.add_argument("--inductive", action="store_true",
                        help="fit on 70%% of the rows, fill the other 30%%")
    parser.add_argument("--params", default="{}",
                        help="more AutoencoderImputer parameters, as a Python dict")
    args = parser.parse_args()
    params = ast.literal_eval(args.params)
    X, _ = load_digits(return_X_y=True)
    print("| seed | mean | KNN | Iterative | skae | skae / KNN | skae / mean | skae fit (s) |")
    print("|---|---|---|---|---|---|---|---|")
    for seed in [int(s) for s in args.seeds.split(",")]:
        missing = np.random.RandomState(seed).rand(*X.shape) < args.rate
        X_missing = np.where(missing, np.nan, X)
        fit_rows = fill_rows = np.arange(len(X))
        if args.inductive:
            order = np.random.RandomState(seed).permutation(len(X))
            fit_rows, fill_rows = order[: int(0.7 * len(X))], order[int(0.7 * len(X)):]
        hidden = missing[fill_rows]
        rmse = {}
        for name, imputer in [
            ("mean", SimpleImputer(strategy="mean", keep_empty_features=True)),
            ("KNN", KNNImputer(keep_empty_features=True)),
            ("Iterative", IterativeImputer(random_state=seed, keep_empty_features=True)),
            ("skae", AutoencoderImputer(random_state=seed, **params)),
        ]:
            start = time.perf_counter()
            filled = imputer.fit(X_missing[fit_rows]).transform(X_missing[fill_rows])
            seconds = time.perf_counter() - start
            rmse[name] = np.sqrt(np.mean((filled[hidden] - X[fill_rows][hidden]) ** 2))
        print(f"| {seed} | {rmse['mean']:.3f} | {rmse['KNN']:.3f} | {rmse['Iterative']:.3f} "
              f"| {rmse['skae']:.3f} | {rmse['skae'] / rmse['KNN']:.3f} "
              f"| {rmse['skae'] / rmse['mean']:.3f} | {seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()

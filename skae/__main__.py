"""Demo: ``python -m skae`` compares AutoencoderTransformer with PCA on digits.

Both are fitted on 80% of scikit-learn's bundled digits at the same
``n_components``; the held-out reconstruction error of each, their ratio and
their fit times are printed.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from . import AutoencoderTransformer


def _heldout_mse(model, X):
    return float(np.mean((X - model.inverse_transform(model.transform(X))) ** 2))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m skae", description=__doc__.splitlines()[0])
    parser.add_argument("--n-components", type=int, default=8)
    parser.add_argument("--random-state", type=int, default=0)
    args = parser.parse_args(argv)

    X, _ = load_digits(return_X_y=True)
    X_train, X_test = train_test_split(X, test_size=0.2, random_state=args.random_state)
    k = args.n_components
    print(f"digits: {X_train.shape[0]} training rows, {X_test.shape[0]} held out, "
          f"{X.shape[1]} features, n_components={k}")

    start = time.perf_counter()
    pca = PCA(n_components=k).fit(X_train)
    pca_time = time.perf_counter() - start
    start = time.perf_counter()
    ae = AutoencoderTransformer(n_components=k, random_state=args.random_state).fit(X_train)
    ae_time = time.perf_counter() - start

    pca_mse, ae_mse = _heldout_mse(pca, X_test), _heldout_mse(ae, X_test)
    print(f"{'model':<24}{'held-out MSE':>14}{'fit time (s)':>14}")
    print(f"{'PCA':<24}{pca_mse:>14.4f}{pca_time:>14.3f}")
    print(f"{'AutoencoderTransformer':<24}{ae_mse:>14.4f}{ae_time:>14.3f}")
    print(f"AE / PCA error ratio: {ae_mse / pca_mse:.3f} "
          f"({ae.n_iter_} epochs, weights of epoch {ae.best_epoch_} kept)")


if __name__ == "__main__":
    main()

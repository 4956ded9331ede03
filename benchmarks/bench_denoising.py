"""Denoising digits: DenoisingAutoencoder against PCA and tuned kernel PCA.

scikit-learn's digits scaled to [0, 1], split 60/20/20 into training,
validation and test rows. Every model sees only clean training rows (the DAE
corrupts them itself). Test rows are corrupted with Gaussian noise
(sigma=0.25, then clipped to [0, 1]) or masking (30% of entries set to zero);
the score is the MSE between the clean test rows and each model's output
for the noisy ones. Kernel PCA's ``gamma`` and ``alpha`` are tuned on the
validation rows, corrupted the same way. ``--test-noise`` sets the Gaussian
test noise (default 0.25), ``--test-mask`` the masked share (default 0.3).
``--noise-level`` is the DAE's ``noise_level``: for
Gaussian noise its standard deviation in the data's units (0.25 is the test
noise; for masking, the share of entries it masks).

    python benchmarks/bench_denoising.py
    python benchmarks/bench_denoising.py --noises gaussian --noise-level 0.25
    python benchmarks/bench_denoising.py --noises masking --test-mask 0.5 --noise-level 0.5
"""

import argparse
import ast
import itertools
import time

import numpy as np
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA, KernelPCA
from sklearn.model_selection import train_test_split

from skae import DenoisingAutoencoder

TEST_NOISES = {
    "gaussian": lambda X, rng, sigma: np.clip(X + sigma * rng.randn(*X.shape), 0, 1),
    "masking": lambda X, rng, rate: X * (rng.rand(*X.shape) >= rate),
}


def reconstruct(model, X):
    return model.inverse_transform(model.transform(X))


def mse(a, b):
    return float(np.mean((a - b) ** 2))


def tuned_kernel_pca(X_train, X_valid_noisy, X_valid, k):
    best = None
    for gamma, alpha in itertools.product([1e-3, 3e-3, 1e-2, 3e-2], [1e-3, 1e-2, 1e-1, 1.0]):
        model = KernelPCA(k, kernel="rbf", gamma=gamma, alpha=alpha,
                          fit_inverse_transform=True).fit(X_train)
        err = mse(reconstruct(model, X_valid_noisy), X_valid)
        if best is None or err < best[0]:
            best = (err, model)
    return best[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-components", type=int, default=32)
    parser.add_argument("--noise-level", type=float, default=None,
                        help="DAE noise_level (default: the estimator's)")
    parser.add_argument("--noises", default="gaussian,masking")
    parser.add_argument("--test-noise", type=float, default=0.25,
                        help="standard deviation of the Gaussian test noise")
    parser.add_argument("--test-mask", type=float, default=0.3,
                        help="share of the entries masked in the test rows")
    parser.add_argument("--params", default="{}",
                        help="more DenoisingAutoencoder parameters, as a Python dict; "
                        "e.g. the defaults before 2026-12-02: \"{'learning_rate': 1e-3, "
                        "'learning_rate_schedule': 'constant'}\"")
    args = parser.parse_args()
    k, rng = args.n_components, np.random.RandomState(args.seed)

    X = load_digits().data / 16.0
    X_train, X_rest = train_test_split(X, test_size=0.4, random_state=args.seed)
    X_valid, X_test = train_test_split(X_rest, test_size=0.5, random_state=args.seed)
    pca = PCA(k).fit(X_train)

    print("| test noise | noisy input | PCA | tuned kernel PCA | DAE | DAE / best of PCA, KPCA "
          "| DAE fit (s) |")
    print("|---|---|---|---|---|---|---|")
    for name in args.noises.split(","):
        corrupt = TEST_NOISES[name]
        level = args.test_noise if name == "gaussian" else args.test_mask
        X_test_noisy = corrupt(X_test, rng, level)
        kpca = tuned_kernel_pca(X_train, corrupt(X_valid, rng, level), X_valid, k)
        start = time.perf_counter()
        dae = DenoisingAutoencoder(k, noise=name, noise_level=args.noise_level,
                                   random_state=args.seed,
                                   **ast.literal_eval(args.params)).fit(X_train)
        fit_time = time.perf_counter() - start
        scores = [mse(X_test_noisy, X_test)] + [
            mse(reconstruct(m, X_test_noisy), X_test) for m in (pca, kpca, dae)
        ]
        ratio = scores[3] / min(scores[1], scores[2])
        print(f"| {name} | " + " | ".join(f"{s:.4f}" for s in scores)
              + f" | {ratio:.3f} | {fit_time:.1f} |", flush=True)


if __name__ == "__main__":
    main()

"""Measured effects of the variants: sparse, contractive, tied weights, convolutional.

Usage::

    python benchmarks/bench_variants.py [--seeds 0 1 2] [--only sparse contractive tied conv]
        [--scale unit] [--test-size 0.2] [--params "{'learning_rate': 1e-3}"]
        [--channels auto "(128, 64)"]

Everything is measured on held-out digits (a quarter of ``load_digits``),
against the default ``AutoencoderTransformer`` trained on the same rows
with the same seed. Figures go to docs/benchmarks.md.
"""

import argparse
import ast
import time

import numpy as np
import torch
from scipy.linalg import subspace_angles
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skae import AutoencoderTransformer
from skae.penalties import ContractivePenalty, KLSparsityPenalty, L1ActivityPenalty


def inactive_share(Z, threshold=0.05):
    """Share of code units per row with |z| <= threshold * that row's largest |z|."""
    A = np.abs(Z)
    return float(np.mean(A <= threshold * A.max(axis=1, keepdims=True)))


def heldout_error(model, X):
    return float(np.mean((model.inverse_transform(model.transform(X)) - X) ** 2))


def jacobian_norm(model, X):
    """Mean Frobenius norm of d code / d x (x in the data's units), exact."""
    module = model.module_
    x = torch.as_tensor(X, dtype=torch.float64)

    def encode(row):
        return module.encode(model._to_net(row[None]))[0]

    norms = [torch.linalg.matrix_norm(torch.autograd.functional.jacobian(encode, r)).item()
             for r in x]
    return float(np.mean(norms))


#: Parameters every model of a run gets (``--params``), e.g. earlier defaults.
COMMON = {}


def fit(X, seed, **params):
    start = time.perf_counter()
    model = AutoencoderTransformer(random_state=seed, **{**COMMON, **params}).fit(X)
    return model, time.perf_counter() - start


def sparse(X_train, X_test, seed):
    base, _ = fit(X_train, seed, n_components=32)
    rows = []
    for penalty in (L1ActivityPenalty(), KLSparsityPenalty()):
        model, seconds = fit(X_train, seed, n_components=32, penalty=penalty)
        Z = model.transform(X_test)
        Z0 = np.where(np.abs(Z) <= 0.05 * np.abs(Z).max(1, keepdims=True), 0, Z)
        rows.append((
            repr(penalty),
            inactive_share(base.transform(X_test)),
            inactive_share(Z),
            heldout_error(model, X_test) / heldout_error(base, X_test),
            float(np.mean((model.inverse_transform(Z0) - X_test) ** 2))
            / heldout_error(base, X_test),
        ))
    for name, before, after, ratio, zeroed in rows:
        print(f"sparse seed={seed} {name}: inactive {before:.3f} -> {after:.3f} "
              f"(+{after - before:.3f}), error ratio {ratio:.3f}, "
              f"with inactive units zeroed {zeroed:.3f}")


def contractive(X_train, X_test, seed, n_components=8):
    base, _ = fit(X_train, seed, n_components=n_components)
    model, _ = fit(X_train, seed, n_components=n_components, penalty=ContractivePenalty())
    rows = X_test[:200]
    j0, j1 = jacobian_norm(base, rows), jacobian_norm(model, rows)
    s0 = np.sqrt(np.mean(np.var(base.transform(X_test), axis=0)))
    s1 = np.sqrt(np.mean(np.var(model.transform(X_test), axis=0)))
    ratio = heldout_error(model, X_test) / heldout_error(base, X_test)
    print(f"contractive seed={seed} k={n_components}: Jacobian norm ratio {j1 / j0:.3f}, "
          f"relative to the codes' spread {(j1 / s1) / (j0 / s0):.3f}, error ratio {ratio:.3f}")


def tied(X_train, X_test, seed, n_components=8):
    base, t0 = fit(X_train, seed, n_components=n_components)
    model, t1 = fit(X_train, seed, n_components=n_components, tied_weights=True)

    def n_weights(m):
        return sum(p.numel() for p in m.module_.parameters() if p.dim() > 1)

    ratio = heldout_error(model, X_test) / heldout_error(base, X_test)
    pca = PCA(n_components).fit(X_train)
    pca_ratio = heldout_error(model, X_test) / heldout_error(pca, X_test)
    linear, _ = fit(X_train, seed, n_components=n_components, tied_weights=True,
                    hidden_layer_sizes=(), init="random", learning_rate=1e-2)
    W = linear.module_.encoder.layers[0].weight.detach().numpy().T
    angle = np.degrees(subspace_angles(W, pca.components_.T).max())
    linear_ratio = heldout_error(linear, X_train) / heldout_error(pca, X_train)
    print(f"tied seed={seed} k={n_components}: weights {n_weights(model)} vs "
          f"{n_weights(base)} ({n_weights(model) / n_weights(base):.2f}x), error ratio "
          f"{ratio:.3f} (vs PCA {pca_ratio:.3f}), fit time ratio {t1 / t0:.2f}; linear tied "
          f"from a random start: training error / PCA's {linear_ratio:.4f}, largest angle "
          f"to PCA's subspace {angle:.2f} deg")


#: Channels of the convolutional fits (``--channels``); "auto" is the default.
CHANNELS = ["auto", (128, 64), (32, 64)]


def conv(X_train, X_test, seed, n_components=8):
    base, t0 = fit(X_train, seed, n_components=n_components)
    e_pca = heldout_error(PCA(n_components).fit(X_train), X_test)
    for channels in CHANNELS:
        model, t1 = fit(X_train, seed, n_components=n_components, image_shape=(8, 8),
                        hidden_layer_sizes=channels)
        print(f"conv seed={seed} k={n_components} channels={channels}: error/PCA "
              f"{heldout_error(model, X_test) / e_pca:.3f} vs MLP "
              f"{heldout_error(base, X_test) / e_pca:.3f}, fit time ratio {t1 / t0:.2f}")


def conv_epochs(X, repeats=3, epochs=30):
    """Process time of ``epochs`` epochs on all of ``X`` (one thread), per
    channel set and for the MLP, fits alternated ``repeats`` times."""
    torch.set_num_threads(1)
    times = {channels: [] for channels in ["MLP", *CHANNELS]}
    for _ in range(repeats):
        for channels, spent in times.items():
            shape = ({} if channels == "MLP"
                     else {"image_shape": (8, 8), "hidden_layer_sizes": channels})
            model = AutoencoderTransformer(8, max_epochs=epochs, early_stopping=False,
                                           random_state=0, **shape)
            start = time.process_time()
            model.fit(X)
            spent.append(time.process_time() - start)
    reference = np.array(times[CHANNELS[0]])
    for channels, spent in times.items():
        print(f"conv epochs channels={channels}: {np.median(spent) / epochs:.3f} s per epoch, "
              f"{np.median(np.array(spent) / reference):.2f}x {CHANNELS[0]}'s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--only", nargs="+", default=["sparse", "contractive", "tied", "conv"],
                        help="also conv_epochs: the time of an epoch per channel set")
    parser.add_argument("--scale", choices=["raw", "unit"], default="raw",
                        help="raw pixel values (0..16) or scaled to [0, 1]")
    parser.add_argument("--test-size", type=float, default=0.25)
    parser.add_argument("--params", default="{}",
                        help="parameters of every model, as a Python dict")
    parser.add_argument("--channels", nargs="+",
                        help='channels of the convolutional fits, e.g. auto "(128, 64)"')
    args = parser.parse_args()
    COMMON.update(ast.literal_eval(args.params))
    if args.channels:
        CHANNELS[:] = [c if c == "auto" else ast.literal_eval(c) for c in args.channels]
    X, _ = load_digits(return_X_y=True)
    if args.scale == "unit":
        X = X / 16.0
    if "conv_epochs" in args.only:
        conv_epochs(X)
        args.only = [name for name in args.only if name != "conv_epochs"]
    for seed in args.seeds:
        X_train, X_test = train_test_split(X, test_size=args.test_size, random_state=seed)
        for name in args.only:
            globals()[name](X_train, X_test, seed)


if __name__ == "__main__":
    main()

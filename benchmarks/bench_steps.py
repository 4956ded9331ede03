"""Steps to quality: how many optimizer steps a fit spends before its held-out error settles.

For digits and every table in ``--data`` (standardised on the training part,
an 80/20 split, at most ``--max-rows`` rows), and each k in ``--ks`` below the
number of features: ``AutoencoderTransformer(k)`` with the parameters in
``--params`` is fitted while a callback measures the held-out mean squared
error after every epoch. Reported per cell: the returned model's held-out
error relative to ``PCA(k)``'s, the optimizer steps the fit ran, and its
*steps to quality*: the steps until the held-out error (of the epoch's
weights) first came within 2% of the returned model's. Steps are counts,
not timings, so they do not depend on the machine's load.

Results go to ``benchmarks/results/steps_<--name>.json``; ``--compare A B``
prints two saved runs side by side.

    python benchmarks/bench_steps.py --data ../shared/data/od --name defaults
    python benchmarks/bench_steps.py --data ../shared/data/od --name constant \\
        --params "{'learning_rate': 1e-3, 'learning_rate_schedule': 'constant'}"
    python benchmarks/bench_steps.py --compare constant defaults
"""

import argparse
import ast
import json
import pathlib
import time
import warnings

import numpy as np
import torch
from skorch.callbacks import Callback
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderTransformer

RESULTS = pathlib.Path(__file__).parent / "results"
QUALITY = 1.02


def datasets(folder, max_rows, seed):
    yield "digits", load_digits().data, False
    for path in sorted(pathlib.Path(folder).glob("*.npz")) if folder else []:
        X = np.load(path)["X"].astype(np.float64)
        if len(X) > max_rows:
            rng = np.random.RandomState(seed)
            X = X[np.sort(rng.choice(len(X), max_rows, replace=False))]
        yield path.stem, X, True


class HeldOutError(Callback):
    """Held-out mean squared error (in the units of ``X_test``) after each epoch."""

    def __init__(self, estimator, X_test):
        self.estimator, self.X_test = estimator, X_test

    def on_train_begin(self, net, **kwargs):
        self.errors_ = []

    def on_epoch_end(self, net, **kwargs):
        est, module = self.estimator, net.module_
        module.eval()
        with torch.no_grad():
            # (est.net_ is set only after fit: the module is the callback's net's.)
            x = torch.as_tensor(self.X_test)
            out = est._expand(module.decode(module.encode(est._to_net(x))))
            X_hat = est._from_net(out, torch.float64).numpy()
        module.train()
        self.errors_.append(float(np.mean((self.X_test - X_hat) ** 2)))


def _mse(model, X):
    return float(np.mean((X - model.inverse_transform(model.transform(X))) ** 2))


def cell(X_train, X_test, k, params, seed):
    model = AutoencoderTransformer(k, random_state=seed, **params)
    probe = HeldOutError(model, X_test)
    model.set_params(callbacks=[*(params.get("callbacks") or []), probe])
    start = time.perf_counter()
    model.fit(X_train)
    seconds = time.perf_counter() - start
    final = _mse(model, X_test)
    steps = np.cumsum(training_steps(model))
    # The fit runs a copy of each callback, built from its parameters.
    probe = next(cb for _, cb in model.net_.callbacks_ if isinstance(cb, HeldOutError))
    errors = np.asarray(probe.errors_)
    # No epoch within 2%: the model returned is the one training started from
    # (PCA's solution), so its quality took no steps.
    reached = int(np.argmax(errors <= QUALITY * final)) if np.any(errors <= QUALITY * final) else -1
    pca = PCA(k).fit(X_train)
    return {
        "ratio": final / _mse(pca, X_test),
        "steps": int(steps[-1]),
        "steps_to_quality": int(steps[reached]) if reached >= 0 else 0,
        "epochs": len(errors),
        "seconds": seconds,
    }


def training_steps(model):
    """Optimizer steps of each epoch of the last fit."""
    return [sum(1 for b in row["batches"] if "train_loss" in b) for row in model.net_.history]


def run(args):
    params = ast.literal_eval(args.params)
    ks = [int(k) for k in args.ks.split(",")]
    out = RESULTS / f"steps_{args.name}.json"
    results = json.loads(out.read_text()) if out.exists() and not args.rerun else {}
    for i, (name, X, standardise) in enumerate(datasets(args.data, args.max_rows, args.seed)):
        if args.only and name not in args.only.split(","):
            continue
        if i % args.parts[1] != args.parts[0] - 1:
            continue
        X_train, X_test = train_test_split(X, test_size=0.2, random_state=args.seed)
        if standardise:
            keep = X_train.std(axis=0) > 0
            scaler = StandardScaler().fit(X_train[:, keep])
            X_train, X_test = scaler.transform(X_train[:, keep]), scaler.transform(X_test[:, keep])
        for k in ks:
            key = f"{name}/{k}"
            if k >= X_train.shape[1] or key in results:
                continue
            results[key] = cell(X_train, X_test, k, params, args.seed)
            r = results[key]
            print(f"{key:24s} ratio {r['ratio']:.4f} steps {r['steps']:6d} to quality "
                  f"{r['steps_to_quality']:6d} ({r['seconds']:.1f} s)", flush=True)
            # Re-read before writing: another part may have added cells.
            merged = json.loads(out.read_text()) if out.exists() else {}
            merged.update(results)
            RESULTS.mkdir(exist_ok=True)
            out.write_text(json.dumps(merged, indent=1, sort_keys=True))


def compare(a, b):
    A = json.loads((RESULTS / f"steps_{a}.json").read_text())
    B = json.loads((RESULTS / f"steps_{b}.json").read_text())
    keys = sorted(set(A) & set(B))
    print(f"| cell | ratio {a} | ratio {b} | error {b} / {a} | steps to quality {a} | {b} "
          f"| steps {a} | {b} |")
    print("|---|---|---|---|---|---|---|---|")
    for key in keys:
        x, y = A[key], B[key]
        print(f"| {key} | {x['ratio']:.4f} | {y['ratio']:.4f} | {y['ratio'] / x['ratio']:.3f} "
              f"| {x['steps_to_quality']} | {y['steps_to_quality']} | {x['steps']} "
              f"| {y['steps']} |")
    rel = np.array([B[k]["ratio"] / A[k]["ratio"] for k in keys])
    stq = [np.median([R[k]["steps_to_quality"] for k in keys]) for R in (A, B)]
    k8 = [np.median([R[k]["ratio"] for k in keys if k.endswith("/8")]) for R in (A, B)]
    print(f"\n{len(keys)} cells. Held-out error {b} / {a}: median {np.median(rel):.3f}, worst "
          f"{rel.max():.3f}, cells more than 2% worse {int(np.sum(rel > 1.02))}; cells above "
          f"PCA (by more than 0.1%): {a} {sum(A[k]['ratio'] > 1.001 for k in keys)}, {b} "
          f"{sum(B[k]['ratio'] > 1.001 for k in keys)}. Median steps to quality {stq[0]:.0f} -> "
          f"{stq[1]:.0f} ({stq[1] / stq[0]:.2f}x); total steps "
          f"{sum(A[k]['steps'] for k in keys)} -> {sum(B[k]['steps'] for k in keys)}; median "
          f"AE/PCA ratio at k = 8 {k8[0]:.3f} -> {k8[1]:.3f}")


def choose(names, n_halvings=50):
    """Each saved run's mean log AE/PCA ratio over the cells all runs share,
    and the leave-half-out figure: the run chosen on a random half of the
    data sets, scored on the other half, against the best run there."""
    runs = {n: json.loads((RESULTS / f"steps_{n}.json").read_text()) for n in names}
    keys = sorted(set.intersection(*(set(r) for r in runs.values())))
    sets = sorted({k.split("/")[0] for k in keys})
    score = {n: {s: np.mean([np.log(r[k]["ratio"]) for k in keys if k.split("/")[0] == s])
                 for s in sets} for n, r in runs.items()}
    for n in names:
        print(f"{n:12s} mean log ratio {np.mean(list(score[n].values())):+.4f} "
              f"(geometric mean ratio {np.exp(np.mean(list(score[n].values()))):.4f})")
    rng = np.random.RandomState(0)
    chosen, held, best = [], [], []
    for _ in range(n_halvings):
        half = set(rng.choice(sets, len(sets) // 2, replace=False))
        pick = min(names, key=lambda n: np.mean([score[n][s] for s in half]))
        rest = [s for s in sets if s not in half]
        chosen.append(pick)
        held.append(np.mean([score[pick][s] for s in rest]))
        best.append(min(np.mean([score[n][s] for s in rest]) for n in names))
    counts = {n: chosen.count(n) for n in names}
    print(f"leave-half-out over {n_halvings} halvings of {len(sets)} sets: chosen {counts}; "
          f"held-out mean log ratio {np.mean(held):+.4f}, best possible there "
          f"{np.mean(best):+.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None, help="folder of .npz data sets")
    parser.add_argument("--name", default="today", help="name of the saved results")
    parser.add_argument("--params", default="{}",
                        help="AutoencoderTransformer parameters, as a Python dict")
    parser.add_argument("--ks", default="2,8,16")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-rows", type=int, default=20000)
    parser.add_argument("--only", default="", help="comma-separated data set names")
    parser.add_argument("--part", default="1/1", help="run the i-th of n interleaved parts")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's)")
    parser.add_argument("--rerun", action="store_true", help="ignore saved cells")
    parser.add_argument("--compare", nargs=2, metavar=("A", "B"))
    parser.add_argument("--choose", nargs="+", metavar="NAME",
                        help="saved runs to choose among, with a leave-half-out check")
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    if args.choose:
        return choose(args.choose)
    args.parts = tuple(int(v) for v in args.part.split("/"))
    if args.threads:
        torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")
    run(args)


if __name__ == "__main__":
    main()

"""Outlier detection: skae against IsolationForest and PyOD's AutoEncoder.

ADBench's protocol: for each ``.npz`` data set in ``--data`` (arrays ``X`` and
``y``, ``y=1`` for outliers) and each seed, a stratified 70/30 split; every
detector is fitted on the training part without labels and scores the test
part; ROC-AUC and average precision are averaged over the seeds. PyOD's
AutoEncoder runs with its defaults when PyOD is installed.

    python benchmarks/bench_outliers.py --data ../shared/data/od
"""

import argparse
import pathlib
import time
import warnings

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

from skae import AutoencoderOutlierDetector


def detectors(seed, skae_params):
    """name -> (fit(X) -> fitted, outlyingness(fitted, X) -> higher is more abnormal)."""
    out = {
        "skae": (
            lambda X: AutoencoderOutlierDetector(random_state=seed, **skae_params).fit(X),
            lambda m, X: -m.score_samples(X),
        ),
        "IsolationForest": (
            lambda X: IsolationForest(random_state=seed).fit(X),
            lambda m, X: -m.score_samples(X),
        ),
    }
    try:
        from pyod.models.auto_encoder import AutoEncoder

        out["PyOD AutoEncoder"] = (
            lambda X: AutoEncoder(random_state=seed, verbose=0).fit(X),
            lambda m, X: m.decision_function(X),
        )
    except ImportError:
        pass
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder of .npz data sets")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--skae", default="", help='extra parameters, e.g. "n_components=4"')
    parser.add_argument("--only", default=None, help="comma-separated detector names")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    skae_params = eval(f"dict({args.skae})")

    results = {}  # (data, detector) -> list of (auc, ap, fit seconds)
    paths = sorted(pathlib.Path(args.data).glob("*.npz"))
    for path in paths:
        data = np.load(path)
        X, y = data["X"].astype(np.float64), data["y"].astype(int)
        for seed in seeds:
            X_train, X_test, _, y_test = train_test_split(
                X, y, test_size=0.3, stratify=y, random_state=seed
            )
            for name, (fit, outlyingness) in detectors(seed, skae_params).items():
                if args.only and name not in args.only.split(","):
                    continue
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model = fit(X_train)
                seconds = time.perf_counter() - start
                s = outlyingness(model, X_test)
                results.setdefault((path.stem, name), []).append(
                    (roc_auc_score(y_test, s), average_precision_score(y_test, s), seconds)
                )
        print(f"{path.stem}: " + ", ".join(
            f"{n} {np.mean([r[0] for r in v]):.3f}"
            for (d, n), v in results.items() if d == path.stem), flush=True)

    names = list(dict.fromkeys(n for _, n in results))
    print("\n| data set | " + " | ".join(f"{n} ROC-AUC" for n in names)
          + " | " + " | ".join(f"{n} AP" for n in names) + " |")
    print("|---|" + "---|" * (2 * len(names)))
    table = {n: [] for n in names}
    for path in paths:
        row = [np.mean(results[(path.stem, n)], axis=0) for n in names]
        for n, r in zip(names, row):
            table[n].append(r)
        best = max(r[0] for r in row)
        cells = [f"**{r[0]:.3f}**" if r[0] >= best - 0.005 else f"{r[0]:.3f}" for r in row]
        print(f"| {path.stem} | " + " | ".join(cells) + " | "
              + " | ".join(f"{r[1]:.3f}" for r in row) + " |")
    print("| **mean** | " + " | ".join(f"{np.mean([r[0] for r in table[n]]):.3f}" for n in names)
          + " | " + " | ".join(f"{np.mean([r[1] for r in table[n]]):.3f}" for n in names) + " |")

    print("\n| detector | mean ROC-AUC | best or tied-best (within 0.005) on | "
          "total fit time (s) | fit time / IsolationForest's |")
    print("|---|---|---|---|---|")
    iforest_time = sum(np.sum([r[2] for r in results[(p.stem, "IsolationForest")]])
                       for p in paths) if "IsolationForest" in names else float("nan")
    for n in names:
        wins = 0
        for path in paths:
            aucs = {m: np.mean([r[0] for r in results[(path.stem, m)]]) for m in names}
            wins += aucs[n] >= max(aucs.values()) - 0.005
        total = sum(np.sum([r[2] for r in results[(p.stem, n)]]) for p in paths)
        print(f"| {n} | {np.mean([r[0] for r in table[n]]):.3f} | {wins} of {len(paths)} "
              f"| {total:.1f} | {total / iforest_time:.1f} |")


if __name__ == "__main__":
    main()

"""Outlier detection: skae against the classical detectors, on every set and on halves.

ADBench's protocol for unsupervised detectors: for each ``.npz`` data set in
``--data`` (arrays ``X`` and ``y``, ``y=1`` for outliers) and each seed, a
stratified 70/30 split; a training part of more than 20,000 rows is subsampled
(stratified) to 20,000 and a test part to 10,000; columns are standardised on
the training part; every detector is fitted on the training part without labels,
with its defaults, and scores the test part. ROC-AUC and average precision are
averaged over the seeds.

Detectors: skae, scikit-learn's IsolationForest and LocalOutlierFactor
(``novelty=True``), and PyOD's ECOD, PCA, KNN, MCD, COPOD, HBOS and AutoEncoder
(``pip install pyod``). Results are kept in ``--results`` (a JSON file), so a
new skae variant runs alone against the stored baselines:

    python benchmarks/bench_outliers.py --data ../shared/data/od
    python benchmarks/bench_outliers.py --data ../shared/data/od \
        --variant "k4=n_components=4" --only skae:k4

``--protocol`` varies the protocol: ``raw`` (columns as they are, no
standardisation), ``half`` (a 50/50 split), ``clean`` (the training part
without its outliers); each keeps its results in a file of its own.

Every ``--variant NAME=PARAMS`` is an ``AutoencoderOutlierDetector`` with those
parameters, named ``skae:NAME`` (plain ``skae`` is the defaults). The report
adds a leave-half-out figure over the skae variants run: over ``--splits``
random halves of the data sets, the variant with the best mean on one half is
scored on the other half, and the reverse; the figure is the mean of those
held-out scores, to set beside the best variant's mean over every set.
"""

import argparse
import ast
import json
import pathlib
import time
import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.ensemble import IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import LocalOutlierFactor
from sklearn.preprocessing import StandardScaler

MAX_TRAIN, MAX_TEST = 20_000, 10_000
#: MCD is not run on tables wider than this: its fit on the 1,555-column table
#: had not ended after an hour (a covariance of that size per C-step).
MCD_MAX_FEATURES = 1000
CLASSICAL = ["IsolationForest", "LOF", "ECOD", "PCA", "KNN", "MCD", "COPOD", "HBOS"]


def parse_params(text):
    """``"a=1, b=(2, 3)"`` -> ``{"a": 1, "b": (2, 3)}``, literals only."""
    call = ast.parse(f"f({text})", mode="eval").body
    return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}


#: Protocols: ADBench's (the default), and variants that a user meets.
PROTOCOLS = {
    "adbench": dict(test_size=0.3, standardise=True, clean=False),
    "raw": dict(test_size=0.3, standardise=False, clean=False),  # the table as it is
    "half": dict(test_size=0.5, standardise=True, clean=False),  # another split
    "clean": dict(test_size=0.3, standardise=True, clean=True),  # inliers to train on
}


def split(X, y, seed, protocol="adbench"):
    """The protocol's training and test parts (standardised on the training part
    unless the protocol says not)."""
    settings = PROTOCOLS[protocol]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=settings["test_size"], stratify=y, random_state=seed
    )
    if len(X_train) > MAX_TRAIN:
        X_train, _, y_train, _ = train_test_split(
            X_train, y_train, train_size=MAX_TRAIN, stratify=y_train, random_state=seed
        )
    if len(X_test) > MAX_TEST:
        X_test, _, y_test, _ = train_test_split(
            X_test, y_test, train_size=MAX_TEST, stratify=y_test, random_state=seed
        )
    if settings["clean"]:
        X_train = X_train[y_train == 0]
    if not settings["standardise"]:
        return X_train, X_test, y_test
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_test


def detector(name, seed, variants):
    """``(fit(X) -> fitted, outlyingness(fitted, X) -> higher is more abnormal)``."""
    if name == "skae" or name.startswith("skae:"):
        from skae import AutoencoderOutlierDetector

        params = variants.get(name, {})
        return (
            lambda X: AutoencoderOutlierDetector(random_state=seed, **params).fit(X),
            lambda m, X: -m.score_samples(X),
        )
    if name == "IsolationForest":
        return (lambda X: IsolationForest(random_state=seed).fit(X),
                lambda m, X: -m.score_samples(X))
    if name == "LOF":
        return (lambda X: LocalOutlierFactor(novelty=True).fit(X),
                lambda m, X: -m.score_samples(X))
    import pyod.models as _  # noqa: F401  (fails early without PyOD)

    if name == "AutoEncoder":
        from pyod.models.auto_encoder import AutoEncoder

        return (lambda X: AutoEncoder(random_state=seed, verbose=0).fit(X),
                lambda m, X: m.decision_function(X))
    module = {"ECOD": "ecod", "PCA": "pca", "KNN": "knn", "MCD": "mcd",
              "COPOD": "copod", "HBOS": "hbos"}[name]
    cls = getattr(__import__(f"pyod.models.{module}", fromlist=[name]), name)
    kwargs = {"random_state": seed} if name == "MCD" else {}
    return (lambda X: cls(**kwargs).fit(X), lambda m, X: m.decision_function(X))


_WARM = set()


def _warm_up(name, fit, outlyingness):
    """One small fit per detector and process before any is timed: imports,
    compilation (numba) and first-call set-up are not a fit's cost."""
    if name not in _WARM:
        X = np.random.RandomState(0).randn(64, 4)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            outlyingness(fit(X), X)
        _WARM.add(name)


def run_task(path, seed, names, variants, protocol="adbench"):
    """Fit every detector in ``names`` on one set and seed; ``{name: [auc, ap, s]}``."""
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    data = np.load(path)
    X, y = data["X"].astype(np.float64), data["y"].astype(int)
    X_train, X_test, y_test = split(X, y, seed, protocol)
    out = {}
    with threadpool_limits(1):
        for name in names:
            if name == "MCD" and X.shape[1] > MCD_MAX_FEATURES:
                out[name] = None
                continue
            fit, outlyingness = detector(name, seed, variants)
            _warm_up(name, fit, outlyingness)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.perf_counter()
                model = fit(X_train)
                seconds = time.perf_counter() - start
                s = np.nan_to_num(np.asarray(outlyingness(model, X_test), float),
                                  nan=0.0, posinf=1e300, neginf=-1e300)
            out[name] = [roc_auc_score(y_test, s), average_precision_score(y_test, s),
                         seconds]
    return path.stem, seed, out


def leave_half_out(scores, n_splits, seed=0):
    """Mean held-out score of the variant chosen on the other half.

    ``scores``: (n_variants, n_sets). Each split halves the sets at random;
    the variant best on one half is scored on the other, both ways.
    """
    rng = np.random.RandomState(seed)
    n_sets = scores.shape[1]
    held_out, chosen = [], []
    for _ in range(n_splits):
        order = rng.permutation(n_sets)
        halves = order[: n_sets // 2], order[n_sets // 2:]
        for choose, report in (halves, halves[::-1]):
            best = int(np.argmax(scores[:, choose].mean(axis=1)))
            held_out.append(scores[best, report].mean())
            chosen.append(best)
    return float(np.mean(held_out)), np.bincount(chosen, minlength=len(scores))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder of .npz data sets")
    parser.add_argument("--seeds", default="0,1,2")
    parser.add_argument("--variant", action="append", default=[],
                        help='NAME=PARAMS, e.g. "k4=n_components=4": runs as skae:NAME')
    parser.add_argument("--only", default=None, help="comma-separated detector names")
    parser.add_argument("--sets", default=None, help="comma-separated set names")
    parser.add_argument("--protocol", default="adbench", choices=sorted(PROTOCOLS),
                        help="adbench; raw (no standardisation); half (50/50 split); "
                             "clean (training part without its outliers)")
    parser.add_argument("--results", default=None,
                        help="JSON file of results (default: benchmarks/results/"
                             "outliers.json, or outliers_PROTOCOL.json)")
    parser.add_argument("--rerun", action="store_true", help="ignore stored results")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--splits", type=int, default=50, help="leave-half-out splits")
    parser.add_argument("--report", action="store_true",
                        help="only report the stored results, run nothing")
    args = parser.parse_args()

    seeds = [int(s) for s in args.seeds.split(",")]
    variants = {}
    for text in args.variant:
        name, _, params = text.partition("=")
        variants[f"skae:{name}"] = parse_params(params)
    names = ["skae", *variants, *CLASSICAL, "AutoEncoder"]
    try:
        import pyod  # noqa: F401
    except ImportError:
        names = [n for n in names if n.startswith("skae") or n in ("IsolationForest", "LOF")]
    run_names = args.only.split(",") if args.only else names
    paths = sorted(pathlib.Path(args.data).glob("*.npz"))
    if args.sets:
        paths = [p for p in paths if p.stem in args.sets.split(",")]

    default = "outliers.json" if args.protocol == "adbench" else f"outliers_{args.protocol}.json"
    store = pathlib.Path(args.results or f"benchmarks/results/{default}")
    results = json.loads(store.read_text()) if store.exists() else {}
    key = lambda stem, seed, name: f"{stem}|{seed}|{name}"  # noqa: E731
    tasks = []
    for path in paths if not args.report else []:
        for seed in seeds:
            todo = [n for n in run_names
                    if args.rerun or key(path.stem, seed, n) not in results]
            if todo:
                tasks.append((path, seed, todo))
    # Large sets first, so the two workers end together.
    tasks.sort(key=lambda t: -t[0].stat().st_size)
    for stem, seed, out in Parallel(n_jobs=args.jobs, return_as="generator_unordered")(
        delayed(run_task)(path, seed, todo, variants, args.protocol)
        for path, seed, todo in tasks
    ):
        for name, row in out.items():
            results[key(stem, seed, name)] = row
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(results, indent=0, sort_keys=True))
        print(f"{stem} seed {seed}: " + ", ".join(
            f"{n} {r[0]:.3f}" for n, r in out.items() if r is not None),
              flush=True)

    report(results, [p.stem for p in paths], seeds, names, args.splits)


def report(results, stems, seeds, names, n_splits):
    """Markdown tables: ROC-AUC per set, then per detector; a detector not run
    on a set (MCD on the widest table) is compared on the sets it ran on."""
    def cell(stem, name, i):
        rows = [results.get(f"{stem}|{s}|{name}") for s in seeds]
        return np.nan if any(r is None for r in rows) else np.mean([r[i] for r in rows])

    names = [n for n in names if any(not np.isnan(cell(s, n, 0)) for s in stems)]
    auc = np.array([[cell(s, n, 0) for s in stems] for n in names])
    ap = np.array([[cell(s, n, 1) for s in stems] for n in names])
    seconds = np.array([[cell(s, n, 2) for s in stems] for n in names]) * len(seeds)

    print("\nROC-AUC, mean over seeds " + ",".join(map(str, seeds)))
    print("| data set | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for j, stem in enumerate(stems):
        best = np.nanmax(auc[:, j])
        print(f"| {stem} | " + " | ".join(
            "-" if np.isnan(a) else f"**{a:.3f}**" if a >= best - 0.005 else f"{a:.3f}"
            for a in auc[:, j]) + " |")
    print("| **mean** | " + " | ".join(f"{a:.3f}" for a in np.nanmean(auc, 1)) + " |")

    i_forest = names.index("IsolationForest") if "IsolationForest" in names else None
    print("\n| detector | sets | mean ROC-AUC | mean AP | skae's lead on those sets | "
          "best or within 0.005 on | worst set vs IsolationForest | fit time (s) "
          "| / IsolationForest's |")
    print("|---|---|---|---|---|---|---|---|---|")
    for i, name in enumerate(names):
        ran = ~np.isnan(auc[i])
        wins = int(np.sum(auc[i, ran] >= np.nanmax(auc[:, ran], axis=0) - 0.005))
        lead = f"{np.mean(auc[0, ran] - auc[i, ran]):+.3f}"
        gap = ratio = ""
        if i_forest is not None:
            gap = f"{np.min(auc[i, ran] - auc[i_forest, ran]):+.3f}"
            ratio = f"{np.nansum(seconds[i]) / seconds[i_forest, ran].sum():.1f}"
        print(f"| {name} | {ran.sum()} | {np.mean(auc[i, ran]):.3f} | "
              f"{np.mean(ap[i, ran]):.3f} | {lead} | {wins} of {ran.sum()} | {gap} "
              f"| {np.nansum(seconds[i]):.1f} | {ratio} |")

    skae = [i for i, n in enumerate(names) if n.startswith("skae")]
    if len(skae) > 1:
        held_out, counts = leave_half_out(auc[skae], n_splits)
        best = max(skae, key=lambda i: auc[i].mean())
        print(f"\nleave-half-out over {n_splits} random halvings of {len(stems)} sets: "
              f"{held_out:.3f} (best variant over every set: {names[best]}, "
              f"{auc[best].mean():.3f}); chosen: " + ", ".join(
                  f"{names[i]} {c}" for i, c in zip(skae, counts) if c))
    complete = [i for i, n in enumerate(names)
                if not n.startswith("skae") and not np.isnan(auc[i]).any()]
    if complete:
        held_out, _ = leave_half_out(auc[complete], n_splits)
        print(f"the best classical detector chosen the same way: {held_out:.3f}")


if __name__ == "__main__":
    main()

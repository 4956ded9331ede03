"""Outlier detection when some outliers are known: ADBench's semi-supervised protocol.

For each ``.npz`` set in ``--data`` and each seed: a stratified 70/30 split,
the training part capped at 20,000 rows (the test part at 10,000) and
standardised on the training part; the labels of a share ``la`` of the
training outliers are revealed (at least one): ``y = 1`` for those, 0 for
every other training row. Each method scores the test part; ROC-AUC and
average precision are averaged over the seeds.

Methods, in the same run: skae without labels, skae with them
(``fit(X, y)``), ``HistGradientBoostingClassifier(class_weight="balanced")``
on the same ``y``, ``IsolationForest``, and PyOD's ``DevNet`` twice: as
PyOD 3.6.7 ships it, and trained as its paper does from PyOD's own network
and loss (``_devnet_fixed``: PyOD's ``fit`` passes the loss its arguments
in the wrong order and draws batches that hold almost no known outlier). For skae with labels the blend's
shrinkage ``K`` (the classifier's weight is ``n / (n + K)`` for ``n`` known
outliers; the estimator's is the square root of its training rows) is also
varied after the fit, as constants, and a leave-half-out figure chooses
``K`` on half the sets and reports it on the other half.

    python benchmarks/bench_semisupervised.py --data ../shared/data/od

``--classifiers``: the blend's test ROC-AUC with other settings of the
classifier of the known outliers (``CLASSIFIERS``), each refitted on the
rows and scores of one detector fit with labels, with the fit time that
setting gives against the fit without labels.

``--fit-times``: at ``la = 0.1``, the fit with labels and the fit without
them, alternately three times each on one thread per process; the ratio of
their median times per set.

``--thresholds``: at ``la = 0.1`` (``--la``), a labelled validation set of
10% of the training rows (``--validation``; both classes, stratified) is held
out; skae is fitted with labels on the rest and its threshold tuned for F1 on
the validation rows (``TunedOutlierDetector``, ``cv="prefit"``: the best of a
smoothed estimate of F1 there, and with ``smoothing=False`` scikit-learn's
search on the rows' own F1). Reported: the test F1 of those thresholds, of
the best threshold any could be on the test rows (the oracle), and of
``contamination="auto"``.
"""

import argparse
import json
from functools import partial
import pathlib
import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.ensemble import HistGradientBoostingClassifier, IsolationForest
from sklearn.metrics import average_precision_score, roc_auc_score


SHARES = (0.01, 0.1, 0.5)
SHRINKAGES = (0.0, 1.0, 3.0, 10.0, 30.0, 100.0, np.inf)


def reveal(y_train, share, seed):
    """``y`` with the labels of ``share`` of the training outliers (at least one)."""
    outliers = np.flatnonzero(y_train == 1)
    k = max(1, int(round(share * len(outliers))))
    y = np.zeros(len(y_train), int)
    y[np.random.RandomState(seed).choice(outliers, k, replace=False)] = 1
    return y


def _scores(y, score):
    return [float(roc_auc_score(y, score)), float(average_precision_score(y, score))]


def skae_with_labels(X_train, y, X_test, y_test, seed):
    """skae fitted with labels, its test scores for each shrinkage."""
    from skae import AutoencoderOutlierDetector
    from skae._validation import check_X

    detector = AutoencoderOutlierDetector(random_state=seed).fit(X_train, y)
    X_valid = check_X(detector, X_test, reset=False)
    totals, code = detector._parts(X_valid, None, by_column=False)
    labels = detector._label_score
    unsupervised = labels.unsupervised_.transform(totals + code)
    supervised = labels.supervised_.transform(labels.log_odds(detector._standardised(X_valid)))
    out = {"skae+labels": _scores(y_test, -detector.score_samples(X_test))}
    n = labels.n_outliers_
    for K in SHRINKAGES:
        w = 1.0 if K == 0 else n / (n + K)
        out[f"skae+labels:K={K:g}"] = _scores(y_test, (1 - w) * unsupervised + w * supervised)
    return out


def _split(path, seed):
    """ADBench's split of one set: stratified 70/30, capped, standardised."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    from bench_outliers import MAX_TEST, MAX_TRAIN

    data = np.load(path)
    X, y_all = data["X"].astype(np.float64), data["y"].astype(int)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y_all, test_size=0.3, stratify=y_all, random_state=seed)
    if len(X_train) > MAX_TRAIN:
        X_train, _, y_train, _ = train_test_split(
            X_train, y_train, train_size=MAX_TRAIN, stratify=y_train, random_state=seed)
    if len(X_test) > MAX_TEST:
        X_test, _, y_test, _ = train_test_split(
            X_test, y_test, train_size=MAX_TEST, stratify=y_test, random_state=seed)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def cached(task, prefix, path, seed, cache):
    """``(set, seed, task(path, seed))``, kept in the folder ``cache`` as
    ``<prefix><set>_<seed>.json``: a rerun reads it instead of fitting."""
    done = pathlib.Path(cache) / f"{prefix}{path.stem}_{seed}.json"
    if not done.exists():
        import torch

        torch.set_num_threads(1)
        warnings.simplefilter("ignore")
        done.write_text(json.dumps(task(path, seed)))
    return path.stem, seed, json.loads(done.read_text())


def run_task(path, seed):
    """The test scores of the methods without skae's labels on one set and seed."""
    from skae import AutoencoderOutlierDetector

    X_train, X_test, y_train, y_test = _split(path, seed)
    results = {}
    plain = AutoencoderOutlierDetector(random_state=seed).fit(X_train)
    results["skae"] = _scores(y_test, -plain.score_samples(X_test))
    forest = IsolationForest(random_state=seed).fit(X_train)
    results["IsolationForest"] = _scores(y_test, -forest.score_samples(X_test))
    for share in SHARES:
        y = reveal(y_train, share, seed)
        # Its early stopping holds out a stratified share: with one known
        # outlier it cannot, and trains without.
        boosted = HistGradientBoostingClassifier(
            class_weight="balanced", random_state=seed,
            early_stopping="auto" if y.sum() >= 2 else False)
        boosted.fit(X_train, y)
        results[f"HGB|la={share}"] = _scores(y_test, boosted.decision_function(X_test))
    return results


def labels_task(path, seed):
    """skae's test scores with labels, for each share (``skae_with_labels``)."""
    X_train, X_test, y_train, y_test = _split(path, seed)
    results = {}
    for share in SHARES:
        y = reveal(y_train, share, seed)
        for name, value in skae_with_labels(X_train, y, X_test, y_test, seed).items():
            results[f"{name}|la={share}"] = value
    return results


def _devnet_fixed(X_train, y, X_test, seed, epochs=50, batches=20, batch_size=512):
    """DevNet as its paper trains it, from PyOD's network, optimiser and loss:
    each batch half unlabelled rows and half known outliers (drawn with
    replacement), the deviation loss given the labels and the scores in its
    own order, 50 epochs of 20 batches."""
    import torch
    from pyod.models.devnet import deviation_loss, deviation_network

    torch.manual_seed(seed)  # the loss's reference draws come from torch's global generator
    rng = np.random.RandomState(seed)
    model, optimizer = deviation_network(X_train.shape[1], 2)
    X = torch.as_tensor(X_train, dtype=torch.float32)
    known, other = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    half = batch_size // 2
    labels = torch.cat([torch.zeros(half), torch.ones(half)])
    model.train()
    for _ in range(epochs * batches):
        rows = np.r_[rng.choice(other, half), rng.choice(known, half)]
        optimizer.zero_grad()
        loss = deviation_loss(labels, model(X[rows]).ravel())
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        return model(torch.as_tensor(X_test, dtype=torch.float32)).ravel().numpy()


def devnet_task(path, seed):
    """PyOD's DevNet as it ships, and trained as its paper does (``_devnet_fixed``)."""
    import contextlib
    import io

    import torch
    from pyod.models.devnet import DevNet

    X_train, X_test, y_train, y_test = _split(path, seed)
    results = {}
    for share in SHARES:
        y = reveal(y_train, share, seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        with contextlib.redirect_stdout(io.StringIO()):  # it prints every epoch
            shipped = DevNet(random_seed=seed).fit(X_train, y)
        results[f"DevNet (PyOD 3.6.7)|la={share}"] = _scores(
            y_test, shipped.decision_function(X_test))
        results[f"DevNet (paper's training)|la={share}"] = _scores(
            y_test, _devnet_fixed(X_train, y, X_test, seed))
    return results


#: Settings of the classifier of the known outliers tried against the default
#: (``--classifiers``): values of ``skae._outlier._labels``'s constants, and
#: "shrinkage", the blend's ``K`` ("rows": the square root of every training
#: row, the rule before the classifier learned from a sample).
CLASSIFIERS = {
    "default": {},
    "100 rounds at rate 0.1 (scikit-learn's)": {"CLASSIFIER_PARAMS": {}},
    "every unlabelled row": {"CLASSIFIER_ROWS": 10**9},
    "32 principal coordinates": {"CLASSIFIER_COLUMNS": 32},
    "every column": {"CLASSIFIER_COLUMNS": 10**9},
    "K = sqrt(training rows)": {"shrinkage": "rows"},
    "K = 30": {"shrinkage": 30.0},
}


def classifier_task(path, seed):
    """Test ROC-AUC of the blend with each classifier setting, and the
    seconds each classifier takes, against the fit without labels."""
    import time

    import skae._outlier._labels as labels_module
    from skae import AutoencoderOutlierDetector
    from skae._validation import check_X

    X_train, X_test, y_train, y_test = _split(path, seed)
    AutoencoderOutlierDetector(max_epochs=1).fit(X_train[:100])  # warm: the first fit loads more
    start = time.perf_counter()
    AutoencoderOutlierDetector(random_state=seed).fit(X_train)
    results = {"plain seconds": time.perf_counter() - start}
    for share in SHARES:
        y = reveal(y_train, share, seed)
        start = time.perf_counter()
        detector = AutoencoderOutlierDetector(random_state=seed).fit(X_train, y)
        results[f"labels seconds|la={share}"] = time.perf_counter() - start
        rows = X_train[y == 0]
        scaled, outliers = detector._standardised(rows), detector._standardised(X_train[y == 1])
        totals, code = detector._parts(rows, None, by_column=False, scaled=scaled)
        X_valid = check_X(detector, X_test, reset=False)
        test_totals, test_code = detector._parts(X_valid, None, by_column=False)
        for name, settings in CLASSIFIERS.items():
            settings = dict(settings)
            shrinkage = settings.pop("shrinkage", None)
            if shrinkage == "rows":
                shrinkage = np.sqrt(len(scaled))
            saved = {key: getattr(labels_module, key) for key in settings}
            for key, value in settings.items():
                setattr(labels_module, key, value)
            try:
                start = time.perf_counter()
                score = labels_module.LabelScore(shrinkage, random_state=seed).fit(
                    scaled, outliers, totals + code)
                seconds = time.perf_counter() - start
                blended = score.blend(test_totals + test_code, detector._standardised(X_valid))
            finally:
                for key, value in saved.items():
                    setattr(labels_module, key, value)
            results[f"{name}|la={share}"] = [*_scores(y_test, blended), seconds]
    return results


def fit_times_task(path, seed, share=0.1, repeats=3):
    """Median seconds of the fit without labels and with them, one thread."""
    import time

    from threadpoolctl import threadpool_limits

    from skae import AutoencoderOutlierDetector

    X_train, _, y_train, _ = _split(path, seed)
    y = reveal(y_train, share, seed)
    seconds = {"plain": [], "labels": []}
    with threadpool_limits(1):
        AutoencoderOutlierDetector(max_epochs=1).fit(X_train[:100], y[:100])  # warm
        for _ in range(repeats):
            for name, labels in (("plain", None), ("labels", y)):
                start = time.perf_counter()
                AutoencoderOutlierDetector(random_state=seed).fit(X_train, labels)
                seconds[name].append(time.perf_counter() - start)
    return {name: float(np.median(values)) for name, values in seconds.items()}


def threshold_task(path, seed, share=0.1, validation=0.1):
    """Test F1 of the tuned threshold (smoothed, and scikit-learn's search on
    the validation rows' own F1), the oracle's and contamination's."""
    from sklearn.metrics import f1_score, precision_recall_curve
    from sklearn.model_selection import train_test_split

    from skae import AutoencoderOutlierDetector, TunedOutlierDetector

    X_train, X_test, y_train, y_test = _split(path, seed)
    X_fit, X_valid, o_fit, o_valid = train_test_split(
        X_train, y_train, test_size=validation, stratify=y_train, random_state=seed)
    y = reveal(o_fit, share, seed)
    detector = AutoencoderOutlierDetector(random_state=seed).fit(X_fit, y)
    results = {}
    for name, smoothing in (("tuned", "auto"), ("tuned, unsmoothed", False)):
        tuned = TunedOutlierDetector(detector, smoothing=smoothing, cv="prefit",
                                     refit=False).fit(X_valid, o_valid)
        results[name] = float(f1_score(y_test, tuned.predict(X_test) == -1))
    outlyingness = -detector.score_samples(X_test)
    precision, recall, _ = precision_recall_curve(y_test, outlyingness)
    oracle = np.max(2 * precision * recall / np.maximum(precision + recall, 1e-12))
    return {**results, "oracle": float(oracle),
            "contamination": float(f1_score(y_test, detector.predict(X_test) == -1))}


def leave_half_out(table, names, sets, splits=50):
    """Mean held-out ROC-AUC of choosing among ``names`` on half the sets."""
    rng = np.random.RandomState(0)
    held = []
    for _ in range(splits):
        half = rng.permutation(len(sets))[: len(sets) // 2]
        a = [sets[i] for i in half]
        b = [s for s in sets if s not in a]
        for choose, report in ((a, b), (b, a)):
            best = max(names, key=lambda n: np.mean([table[s][n] for s in choose]))
            held.append(np.mean([table[s][best] for s in report]))
    return float(np.mean(held))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--results", default="benchmarks/results/semisupervised.json")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--thresholds", action="store_true")
    parser.add_argument("--la", type=float, default=0.1,
                        help="--thresholds: the share of training outliers labelled")
    parser.add_argument("--validation", type=float, default=0.1,
                        help="--thresholds: the share of training rows held out")
    parser.add_argument("--fit-times", action="store_true",
                        help="time the fit with labels against the fit without")
    parser.add_argument("--classifiers", action="store_true",
                        help="compare settings of the classifier of the known outliers")
    parser.add_argument("--no-devnet", action="store_true",
                        help="leave out PyOD's DevNet (pip install pyod)")
    args = parser.parse_args()
    paths = sorted(pathlib.Path(args.data).glob("*.npz"))
    cache = pathlib.Path(args.results).with_suffix("")
    cache.mkdir(parents=True, exist_ok=True)
    if args.classifiers:
        done = Parallel(n_jobs=args.jobs)(
            delayed(cached)(classifier_task, "classifiers_", p, s, cache)
            for p in paths for s in args.seeds)
        sets = sorted({name for name, _, _ in done})

        def per_set(key, column=None):
            return {s: np.mean([r[key] if column is None else r[key][column]
                                for n, _, r in done if n == s]) for s in sets}

        print("| classifier | la | ROC-AUC | fit with labels / without (median over sets) |")
        print("|---|---|---|---|")
        for share in SHARES:
            plain = per_set("plain seconds")
            labelled = per_set(f"labels seconds|la={share}")
            default = per_set(f"default|la={share}", 2)
            aucs = {}
            for name in CLASSIFIERS:
                key = f"{name}|la={share}"
                aucs[key] = per_set(key, 0)
                seconds = per_set(key, 2)
                ratio = np.median([(labelled[s] - default[s] + seconds[s]) / plain[s]
                                   for s in sets])
                print(f"| {name} | {share} | {np.mean(list(aucs[key].values())):.3f} "
                      f"| {ratio:.2f} |")
            table = {s: {k: aucs[k][s] for k in aucs} for s in sets}
            print(f"| leave-half-out choice | {share} "
                  f"| {leave_half_out(table, list(aucs), sets):.3f} | |")
        return
    if args.fit_times:
        done = Parallel(n_jobs=args.jobs)(
            delayed(cached)(fit_times_task, "fittimes_", p, args.seeds[0], cache)
            for p in paths)
        ratios = {name: r["labels"] / r["plain"] for name, _, r in done}
        print("| set | without labels (s) | with labels (s) | ratio |")
        print("|---|---|---|---|")
        for name, _, r in done:
            print(f"| {name} | {r['plain']:.2f} | {r['labels']:.2f} | {ratios[name]:.2f} |")
        print(f"| median over the sets | | | {np.median(list(ratios.values())):.2f} |")
        return
    if args.thresholds:
        task = partial(threshold_task, share=args.la, validation=args.validation)
        prefix = "thresholds_" + ("" if (args.la, args.validation) == (0.1, 0.1)
                                  else f"la{args.la}_valid{args.validation}_")
        done = Parallel(n_jobs=args.jobs)(
            delayed(cached)(task, prefix, p, s, cache) for p in paths for s in args.seeds)
        sets = sorted({name for name, _, _ in done})
        means = {m: np.mean([np.mean([r[m] for n, _, r in done if n == s]) for s in sets])
                 for m in ("tuned", "tuned, unsmoothed", "oracle", "contamination")}
        ratio = np.mean([np.mean([r["tuned"] for n, _, r in done if n == s])
                         / max(np.mean([r["oracle"] for n, _, r in done if n == s]), 1e-12)
                         for s in sets])
        print("| F1 on the test rows | mean over sets |")
        print("|---|---|")
        for m, v in means.items():
            print(f"| {m} | {v:.3f} |")
        print(f"| tuned / oracle (mean of per-set ratios) | {ratio:.3f} |")
        for m in ("tuned", "tuned, unsmoothed"):
            print(f"| {m} / oracle (ratio of the means) | {means[m] / means['oracle']:.3f} |")
        return
    done = Parallel(n_jobs=args.jobs)(
        delayed(cached)(run_task, "", p, s, cache) for p in paths for s in args.seeds)
    labelled = Parallel(n_jobs=args.jobs)(
        delayed(cached)(labels_task, "labels_", p, s, cache)
        for p in paths for s in args.seeds)
    done = [(name, seed, {**r, **d}) for (name, seed, r), (_, _, d) in zip(done, labelled)]
    if not args.no_devnet:
        devnet = Parallel(n_jobs=args.jobs)(
            delayed(cached)(devnet_task, "devnet_", p, s, cache)
            for p in paths for s in args.seeds)
        done = [(name, seed, {**r, **d}) for (name, seed, r), (_, _, d) in zip(done, devnet)]
    raw = {f"{name}|{seed}": r for name, seed, r in done}
    pathlib.Path(args.results).write_text(json.dumps(raw))
    sets = sorted({name for name, _, _ in done})
    methods = sorted({m for _, _, r in done for m in r})
    # Mean over seeds per set and method: [auc, ap].
    table = {s: {m: np.mean([r[m] for n, _, r in done if n == s], axis=0) for m in methods}
             for s in sets}
    print("| method | la | ROC-AUC | average precision |")
    print("|---|---|---|---|")
    for m in methods:
        name, _, share = m.partition("|la=")
        if ":K=" in name:
            continue
        auc = np.mean([table[s][m][0] for s in sets])
        ap = np.mean([table[s][m][1] for s in sets])
        print(f"| {name} | {share or '-'} | {auc:.3f} | {ap:.3f} |")
    print()
    print("| la | " + " | ".join(f"K={K:g}" for K in SHRINKAGES) + " | leave-half-out |")
    print("|---|" + "---|" * (len(SHRINKAGES) + 1))
    aucs = {s: {m: table[s][m][0] for m in methods} for s in sets}
    for share in SHARES:
        names = [f"skae+labels:K={K:g}|la={share}" for K in SHRINKAGES]
        cells = [f"{np.mean([aucs[s][n] for s in sets]):.3f}" for n in names]
        print(f"| {share} | " + " | ".join(cells) + f" | {leave_half_out(aucs, names, sets):.3f} |")


if __name__ == "__main__":
    main()

"""Conformal p-values of AutoencoderOutlierDetector: validity and FDR control.

Validity: for each ``.npz`` data set in ``--data`` (and two synthetic ones,
Gaussian and heavy-tailed), each repeat splits the inliers at random, fits
the detector with ``calibration_fraction=0.2`` on one part and scores the
others; the share of those fresh inliers with p <= a must stay at most a
(plus two standard errors of the mean over the repeats), for a = 0.01, 0.05,
0.1.

FDR: each repeat takes a stratified 70/30 split with the training part's
natural outliers in it, flags the test part at false discovery rate q = 0.1
with Benjamini-Hochberg (``threshold="fdr"``) and records the false
discovery proportion and the share of true outliers found (power). The same
split-conformal procedure on IsolationForest's scores (calibrated on the same
share of held-out training rows) gives its power beside skae's.

    python benchmarks/bench_pvalues.py --data ../shared/data/od
    python benchmarks/bench_pvalues.py --data ../shared/data/od --repeats 5   # quicker
"""

import argparse
import pathlib
import time
import warnings

import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skae import AutoencoderOutlierDetector
from skae._outlier._thresholds import benjamini_hochberg_level, conformal_pvalues

LEVELS = (0.01, 0.05, 0.1)
CALIBRATION = 0.2


def synthetic(heavy_tailed, n=6000, seed=0):
    rng = np.random.RandomState(seed)
    latent = rng.standard_t(3, size=(n, 4)) if heavy_tailed else rng.randn(n, 4)
    X = latent @ rng.randn(4, 12) + 0.3 * rng.randn(n, 12)
    return X, np.zeros(n, dtype=int)


def data_sets(folder):
    yield "synthetic Gaussian", synthetic(False)
    yield "synthetic Student t(3)", synthetic(True)
    for path in sorted(pathlib.Path(folder).glob("*.npz")):
        data = np.load(path)
        yield path.stem, (data["X"].astype(np.float64), data["y"].astype(int))


def subsample(rng, *arrays, at_most):
    n = len(arrays[0])
    if n <= at_most:
        return arrays
    rows = np.sort(rng.choice(n, at_most, replace=False))
    return tuple(a[rows] for a in arrays)


def validity(X, y, repeats, max_rows):
    """Share of fresh inliers with p <= a, per level: mean and standard error."""
    inliers = X[y == 0]
    shares = []
    for r in range(repeats):
        rng = np.random.RandomState(r)
        train, test = train_test_split(inliers, test_size=0.3, random_state=r)
        (train,) = subsample(rng, train, at_most=max_rows)
        (test,) = subsample(rng, test, at_most=max_rows // 2)
        scaler = StandardScaler().fit(train)
        detector = AutoencoderOutlierDetector(calibration_fraction=CALIBRATION,
                                              random_state=r).fit(scaler.transform(train))
        p = detector.score_pvalues(scaler.transform(test))
        shares.append([np.mean(p <= a) for a in LEVELS])
    shares = np.array(shares)
    return shares.mean(0), shares.std(0, ddof=1) / np.sqrt(repeats)


def fdr(X, y, repeats, max_rows, q=0.1, clean=False):
    """Mean false discovery proportion and power of skae and of IsolationForest
    (with ``clean``, both are fitted and calibrated on the training inliers only)."""
    out = {"skae": [], "IsolationForest": []}
    for r in range(repeats):
        rng = np.random.RandomState(r)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.3, stratify=y, random_state=r)
        if clean:
            X_train, y_train = X_train[y_train == 0], y_train[y_train == 0]
        X_train, y_train = subsample(rng, X_train, y_train, at_most=max_rows)
        X_test, y_test = subsample(rng, X_test, y_test, at_most=max_rows // 2)
        scaler = StandardScaler().fit(X_train)
        X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
        detector = AutoencoderOutlierDetector(calibration_fraction=CALIBRATION, threshold="fdr",
                                              alpha=q, random_state=r).fit(X_train)
        flagged = {"skae": detector.predict(X_test) == -1}
        # IsolationForest through the same split-conformal procedure.
        order = rng.permutation(len(X_train))
        n_cal = int(round(CALIBRATION * len(X_train)))
        forest = IsolationForest(random_state=r).fit(X_train[order[n_cal:]])
        p = conformal_pvalues(np.sort(-forest.score_samples(X_train[order[:n_cal]])),
                              -forest.score_samples(X_test))
        flagged["IsolationForest"] = p <= benjamini_hochberg_level(p, q)
        for name, f in flagged.items():
            false = np.sum(f & (y_test == 0))
            out[name].append((false / max(f.sum(), 1), np.sum(f & (y_test == 1))
                              / max(np.sum(y_test == 1), 1)))
    return {name: np.mean(v, axis=0) for name, v in out.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="folder of .npz data sets")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--max-rows", type=int, default=4000,
                        help="validity: training rows per repeat at most (test rows: half)")
    parser.add_argument("--clean-training", action="store_true",
                        help="FDR only: fit and calibrate on the training part's inliers")
    parser.add_argument("--fdr-max-rows", type=int, default=20000,
                        help="FDR: training rows at most (test rows: half), as ADBench")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    print(f"{args.repeats} repeats; at most {args.max_rows} training rows for validity, "
          f"{args.fdr_max_rows} for FDR; calibration share {CALIBRATION}\n")
    if args.clean_training:
        print("| data set | training | FDP skae (q = 0.1) | power skae | FDP IsolationForest "
              "| power IsolationForest |")
        print("|---|---|---|---|---|---|")
    else:
        print("| data set | " + " | ".join(f"share p <= {a}" for a in LEVELS)
              + " | within a + 2 SE | FDP skae (q = 0.1) | power skae "
              "| FDP IsolationForest | power IsolationForest |")
        print("|---|" + "---|" * (len(LEVELS) + 5))
    valid_everywhere, fdps, powers = True, [], []
    for name, (X, y) in data_sets(args.data):
        if args.clean_training:
            if y.any():
                res = fdr(X, y, args.repeats, args.fdr_max_rows, clean=True)
                fdps.append(res["skae"][0])
                powers.append((res["skae"][1], res["IsolationForest"][1]))
                print(f"| {name} | clean training | {res['skae'][0]:.3f} | {res['skae'][1]:.3f} "
                      f"| {res['IsolationForest'][0]:.3f} | {res['IsolationForest'][1]:.3f} |",
                      flush=True)
            continue
        mean, se = validity(X, y, args.repeats, args.max_rows)
        ok = bool(np.all(mean <= np.array(LEVELS) + 2 * se))
        valid_everywhere &= ok
        cells = " | ".join(f"{m:.4f} ± {s:.4f}" for m, s in zip(mean, se))
        if y.any():
            res = fdr(X, y, args.repeats, args.fdr_max_rows)
            fdps.append(res["skae"][0])
            powers.append((res["skae"][1], res["IsolationForest"][1]))
            tail = (f"{res['skae'][0]:.3f} | {res['skae'][1]:.3f} | "
                    f"{res['IsolationForest'][0]:.3f} | {res['IsolationForest'][1]:.3f}")
        else:
            tail = "- | - | - | -"
        print(f"| {name} | {cells} | {'yes' if ok else 'NO'} | {tail} |", flush=True)
    power = np.mean(powers, axis=0)
    print(f"\nvalid on every set: {valid_everywhere}; largest mean FDP {max(fdps):.3f}; "
          f"mean power skae {power[0]:.3f}, IsolationForest {power[1]:.3f}; "
          f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()

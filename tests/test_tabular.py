"""Mixed-type DataFrames: numeric, categorical, string and boolean columns,
with missing values, in every estimator."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.decomposition import PCA

from skae import (
    AutoencoderImputer,
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    EncoderDecoderRegressor,
    VariationalAutoencoder,
)
from skae._tabular import TabularLayout

from ._helpers import IDS, one_of_each

FAST = dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0)


def mixed_frame(n=400, seed=0):
    """Numeric columns driven by one latent factor, and categorical columns
    of every dtype that follow it, in no particular order."""
    rng = np.random.RandomState(seed)
    z = rng.randn(n)
    level = np.where(z > 0.6, "high", np.where(z < -0.6, "low", "mid"))
    return pd.DataFrame({
        "size": pd.Categorical(level, categories=["low", "mid", "high"]),
        "x": z + 0.2 * rng.randn(n),
        "big": z > 0,
        "count": pd.array(np.round(2 * z + 5).astype(int), dtype="Int64"),
        "plan": np.where(z + 0.3 * rng.randn(n) > 0, "pro", "basic"),
        "y": -z + 0.2 * rng.randn(n),
        "label": pd.array(np.where(z > 0, "up", "down"), dtype="string"),
        "ok": pd.array(z < 1, dtype="boolean"),
    })


DF = mixed_frame()
ESTIMATORS = dict(zip(IDS, one_of_each(n_components=2, **FAST)))
parametrize_estimators = pytest.mark.parametrize(
    "estimator", list(ESTIMATORS.values()), ids=list(ESTIMATORS)
)


def main_output(estimator, data):
    if isinstance(estimator, AutoencoderOutlierDetector):
        return estimator.score_samples(data)
    return estimator.transform(data)


# ------------------------------------------------------------ the layout


def test_layout_encodes_one_hot_and_decodes_dtypes():
    layout = TabularLayout().fit(DF)
    X, unknown = layout.encode(DF, allow_nan=False)
    assert X.shape == (len(DF), 2 + 1 + 3 + 2 + 2 + 2 + 2)  # numeric 1, blocks by level
    assert not unknown.any()
    for start, stop in layout.blocks:
        np.testing.assert_array_equal(X[:, start:stop].sum(axis=1), 1.0)
    back = layout.decode(X)
    assert list(back.columns) == list(DF.columns)
    assert (back.dtypes == DF.dtypes).all()
    pd.testing.assert_frame_equal(back, DF, check_exact=False)
    # Levels, most frequent first.
    size = layout.columns[0].levels
    assert set(size) == {"low", "mid", "high"} and size[0] == "mid"


def test_rare_levels_are_grouped():
    rng = np.random.RandomState(0)
    ids = pd.DataFrame({"id": [f"u{i}" for i in rng.randint(0, 1000, 3000)],
                        "v": rng.randn(3000)})
    layout = TabularLayout(max_categories=30).fit(ids)
    assert layout.columns[0].width == 30
    column = layout.columns[0]
    assert set(column.levels[:-1]) | set(column.grouped) == set(ids["id"])  # none lost
    grouped = TabularLayout(min_frequency=5).fit(ids)
    counts = ids["id"].value_counts()
    assert grouped.columns[0].width == (counts >= 5).sum() + 1
    # A grouped level decodes to the group's most frequent level.
    X, _ = grouped.encode(ids, allow_nan=False)
    decoded = grouped.decode(X)["id"]
    rare = ids["id"].map(counts) < 5
    assert decoded[rare].nunique() == 1 and counts[decoded[rare].iloc[0]] < 5


# -------------------------------------------------- every estimator


@parametrize_estimators
def test_fits_mixed_frames_and_leaves_them_unchanged(estimator):
    data = DF.copy()
    estimator = clone(estimator).fit(data)
    pd.testing.assert_frame_equal(data, DF)
    out = main_output(estimator, data)
    assert len(out) == len(DF)
    if isinstance(estimator, AutoencoderImputer):
        pd.testing.assert_frame_equal(out, DF)  # nothing to fill
    else:
        assert np.all(np.isfinite(out))
    pd.testing.assert_frame_equal(data, DF)
    assert list(estimator.feature_names_in_) == list(DF.columns)
    assert estimator.n_features_in_ == DF.shape[1]
    # Columns in another order are named as the wrong ones.
    with pytest.raises(ValueError, match="feature names"):
        main_output(estimator, data[data.columns[::-1]])


@parametrize_estimators
def test_mixed_fit_is_reproducible_and_pickles(estimator):
    a = clone(estimator).fit(DF)
    b = clone(estimator).fit(DF)
    probe = DF.iloc[:50]
    if isinstance(estimator, AutoencoderImputer):
        probe = probe.assign(x=np.nan, plan=None)  # something to fill
    first = np.asarray(main_output(a, probe), dtype=object)
    np.testing.assert_array_equal(first, np.asarray(main_output(b, probe), dtype=object))
    loaded = pickle.loads(pickle.dumps(a))
    np.testing.assert_array_equal(first, np.asarray(main_output(loaded, probe), dtype=object))


@parametrize_estimators
def test_unknown_level_is_an_error_naming_column_and_value(estimator):
    estimator = clone(estimator).fit(DF)
    new = DF.iloc[:5].copy()
    new["plan"] = ["pro", "enterprise", "basic", "pro", "pro"]
    with pytest.raises(ValueError, match="Column 'plan' holds 'enterprise', a level not seen"):
        main_output(estimator, new)


@parametrize_estimators
def test_missing_categorical_values(estimator):
    data = DF.copy()
    data["plan"] = data["plan"].astype(object)
    data.loc[3, "plan"] = None
    if isinstance(estimator, AutoencoderImputer):
        filled = clone(estimator).fit(data).transform(data)
        assert filled.loc[3, "plan"] in ("pro", "basic")
    else:
        with pytest.raises(ValueError, match="Column 'plan' has 1 missing values"):
            clone(estimator).fit(data)


def test_all_missing_categorical_column_is_named():
    data = DF.assign(note=pd.Series([None] * len(DF), dtype=object))
    data["note"] = pd.Categorical(data["note"], categories=["a", "b"])
    with pytest.raises(ValueError, match="Categorical column 'note' has no observed value"):
        AutoencoderImputer(**FAST).fit(data)


def test_one_level_column_is_rebuilt_as_that_level():
    data = DF.assign(country="NO")
    ae = AutoencoderTransformer(2, **FAST).fit(data)
    assert (ae.inverse_transform(ae.transform(data))["country"] == "NO").all()


def test_object_array_input_after_a_frame():
    ae = AutoencoderTransformer(2, **FAST).fit(DF)
    np.testing.assert_array_equal(ae.transform(DF.to_numpy(dtype=object)), ae.transform(DF))
    with pytest.raises(ValueError, match="fitted on a DataFrame of 8 columns"):
        ae.transform(DF.to_numpy(dtype=object)[:, :3])


def test_loss_bce_and_image_shape_are_refused_for_categorical_columns():
    with pytest.raises(ValueError, match='loss="bce" is for numeric data'):
        AutoencoderTransformer(2, loss="bce", **FAST).fit(DF[["big", "ok"]])
    with pytest.raises(ValueError, match="image_shape describes images"):
        AutoencoderTransformer(2, image_shape=(2, 4), **FAST).fit(DF)


def test_numeric_frames_are_unchanged():
    numeric = DF[["x", "y"]]
    a = AutoencoderTransformer(1, **FAST).fit(numeric)
    b = AutoencoderTransformer(1, **FAST).fit(numeric.to_numpy())
    assert a._columns.is_identity and a._columns.layout is None
    np.testing.assert_array_equal(a.transform(numeric), b.transform(numeric.to_numpy()))


# ------------------------------------------------------------- outputs


def test_transformer_rebuilds_categories_at_least_as_well_as_pca():
    train, test = mixed_frame(800, seed=0), mixed_frame(400, seed=1)
    ae = AutoencoderTransformer(1, random_state=0).fit(train)
    rebuilt = ae.inverse_transform(ae.transform(test))
    assert (rebuilt.dtypes == test.dtypes).all()
    layout = TabularLayout().fit(train)
    A_train = layout.encode(train, False)[0]
    A_test = layout.encode(test, False)[0]
    mean, std = A_train.mean(0), np.where(layout.numeric[layout.column_of], A_train.std(0), 1.0)
    pca = PCA(1).fit((A_train - mean) / std)
    pca_rebuilt = layout.decode(pca.inverse_transform(pca.transform((A_test - mean) / std))
                                * std + mean)
    categorical = [c for c in test.columns if c not in ("x", "y", "count")]
    ae_error = np.mean([(rebuilt[c] != test[c]).mean() for c in categorical])
    pca_error = np.mean([(pca_rebuilt[c] != test[c]).mean() for c in categorical])
    assert ae_error <= pca_error
    assert ae_error < 0.1
    # The transform codes, explained variance and scores are all defined.
    assert 0 < ae.explained_variance_ratio_[0] <= 1
    assert np.all(ae.score_samples(test) <= 0)


def test_imputer_fills_categories_and_numbers_in_their_dtypes():
    data = mixed_frame(800)
    rng = np.random.RandomState(1)
    hidden = rng.rand(*data.shape) < 0.2
    masked = data.copy()
    for j, column in enumerate(data.columns):
        values = masked[column].astype(object) if column == "big" else masked[column].copy()
        values[hidden[:, j]] = {"x": np.nan, "y": np.nan}.get(column, pd.NA)
        masked[column] = values
    before = masked.copy()
    imputer = AutoencoderImputer(random_state=0).fit(masked)
    filled = imputer.transform(masked)
    pd.testing.assert_frame_equal(masked, before)
    assert not filled.isna().any().any()
    assert filled["size"].dtype == data["size"].dtype
    assert filled["count"].dtype == "Int64" and filled["ok"].dtype == "boolean"
    observed = ~hidden
    for j, column in enumerate(data.columns):
        kept = filled[column][observed[:, j]].astype(object).to_numpy()
        np.testing.assert_array_equal(kept, masked[column][observed[:, j]].astype(object))
    # Hidden levels: far better than the most frequent level.
    for column in ("size", "plan", "label"):
        rows = hidden[:, list(data.columns).index(column)]
        truth = data[column][rows].astype(str).to_numpy()
        got = filled[column][rows].astype(str).to_numpy()
        mode = data[column].astype(str).mode()[0]
        assert np.mean(got != truth) < 0.7 * np.mean(mode != truth), column
    # set_output and feature names as for numeric frames.
    assert list(imputer.get_feature_names_out()) == list(data.columns)
    out = clone(imputer).set_output(transform="pandas").fit(masked).transform(masked)
    assert list(out.columns) == list(data.columns)


def test_imputer_treats_an_unknown_level_as_missing_when_asked():
    imputer = AutoencoderImputer(handle_unknown="ignore", **FAST).fit(DF)
    new = DF.iloc[:3].copy()
    new["label"] = pd.array(["up", "sideways", "down"], dtype="string")
    filled = imputer.transform(new)
    assert filled["label"].iloc[1] in ("up", "down")
    assert filled["label"].iloc[0] == "up"


def test_detector_flags_and_names_an_unusual_category():
    # Ten rows get the opposite extreme level to the one their numbers say.
    data = mixed_frame(600)
    rows = np.flatnonzero(data["size"] != "mid")[:10]
    altered = data.copy()
    altered.loc[rows, "size"] = np.where(data["size"][rows] == "high", "low", "high")
    others = np.setdiff1d(np.arange(len(data)), rows)
    detector = AutoencoderOutlierDetector(random_state=0).fit(data.iloc[others])
    scores = detector.score_samples(altered)
    assert scores[rows].max() < np.quantile(scores[others], 0.05)
    top = detector.top_features(altered.iloc[rows], n_features=1)["top_1"]
    assert (top == "size").mean() >= 0.8
    contributions = detector.feature_contributions(altered.iloc[rows])
    assert list(contributions.columns) == list(data.columns)
    np.testing.assert_allclose(
        contributions.sum(axis=1) + detector.code_distance(altered.iloc[rows]),
        -scores[rows], rtol=1e-5)


def test_detector_scores_an_unseen_level_as_unusual_when_asked():
    detector = AutoencoderOutlierDetector(handle_unknown="ignore", **FAST).fit(DF)
    new = DF.iloc[:20].copy()
    plan = new["plan"].to_numpy(dtype=object).copy()
    plan[0] = "enterprise"
    new["plan"] = plan
    scores = detector.score_samples(new)
    assert scores[0] < scores[1:].min()
    assert detector.top_features(new.iloc[:1], n_features=1)["top_1"].iloc[0] == "plan"


def test_variational_samples_in_training_dtypes():
    vae = VariationalAutoencoder(2, **FAST).fit(DF)
    drawn = vae.sample(5, random_state=0)
    assert list(drawn.columns) == list(DF.columns)
    assert (drawn.dtypes == DF.dtypes).all()


def test_regressor_takes_mixed_inputs():
    y = DF[["x", "y"]].to_numpy() * 2
    reg = EncoderDecoderRegressor(2, **FAST).fit(DF.drop(columns=["x", "y"]), y)
    assert reg.predict(DF.drop(columns=["x", "y"])).shape == (len(DF), 2)


def test_skops_round_trip_of_a_mixed_model():
    sio = pytest.importorskip("skops.io")
    est = AutoencoderTransformer(2, **FAST).fit(DF)
    data = sio.dumps(est)
    untrusted = sio.get_untrusted_types(data=data)
    assert all(name.startswith("skae.") for name in untrusted)
    loaded = sio.loads(data, trusted=untrusted)
    pd.testing.assert_frame_equal(loaded.inverse_transform(loaded.transform(DF)),
                                  est.inverse_transform(est.transform(DF)))


@pytest.mark.parametrize("params", [dict(tied_weights=True), dict(hidden_layer_sizes=())],
                         ids=["tied", "linear"])
def test_linear_start_rebuilds_pca_levels(params):
    # Without training, the model is PCA of the standardised and one-hot
    # columns: its most likely levels are PCA's.
    ae = AutoencoderTransformer(2, max_epochs=1, learning_rate=1e-12, random_state=0,
                                **params).fit(DF)
    layout = ae._columns.layout
    A = layout.encode(DF, False)[0]
    mean = A.mean(0)
    std = np.where(layout.numeric[layout.column_of], A.std(0), 1.0)
    pca = PCA(2).fit((A - mean) / std)
    expected = layout.decode(pca.inverse_transform(pca.transform((A - mean) / std)) * std + mean)
    rebuilt = ae.inverse_transform(ae.transform(DF))
    for column in ["size", "big", "plan", "label", "ok"]:
        assert (rebuilt[column] == expected[column]).mean() >= 0.99, column


def test_mixed_frames_in_pipelines_grid_search_and_streams():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline

    X, y = DF.drop(columns="big"), DF["big"]
    model = make_pipeline(AutoencoderTransformer(2, **FAST), LogisticRegression()).fit(X, y)
    assert model.score(X, y) > 0.9
    search = GridSearchCV(AutoencoderTransformer(**FAST), {"n_components": [1, 2]}, cv=2)
    assert search.fit(DF).best_params_["n_components"] in (1, 2)
    stream = AutoencoderTransformer(2, **FAST)
    stream.partial_fit(DF.iloc[:200]).partial_fit(DF.iloc[200:])
    assert stream.n_iter_ == 2 and stream.transform(DF).shape == (len(DF), 2)
    assert list(stream.set_output(transform="pandas").transform(DF).columns) == [
        "autoencodertransformer0", "autoencodertransformer1"]


def test_imputer_fills_an_empty_numeric_column_with_zeros():
    data = DF.assign(x=np.nan)
    with pytest.warns(UserWarning, match="no observed value"):
        imputer = AutoencoderImputer(**FAST).fit(data)
    filled = imputer.transform(data)
    assert (filled["x"] == 0).all() and filled["x"].dtype == np.float64
    pd.testing.assert_frame_equal(filled.drop(columns="x"), DF.drop(columns="x"))


def test_a_variance_share_picks_the_same_code_whatever_the_numeric_units():
    # A mixed table's loss counts numeric columns in standard deviations, so
    # n_components=0.9 must not depend on their units.
    widths = [AutoencoderTransformer(0.9, **FAST).fit(data).n_components_
              for data in (DF, DF.assign(x=DF["x"] * 1e4))]
    assert widths[0] == widths[1]


def test_denoising_noise_acts_on_scaled_columns_of_a_mixed_table():
    # Gaussian noise scaled to the data's typical spread would drown the
    # small columns of a table with a large-unit column; on scaled columns
    # the model still rebuilds the categories.
    data = mixed_frame(600).assign(x=lambda d: d["x"] * 1e4)
    dae = DenoisingAutoencoder(1, noise="gaussian", noise_level=0.3, random_state=0).fit(data)
    assert dae.noise_.level == 0.3
    rebuilt = dae.inverse_transform(dae.transform(data))
    assert (rebuilt["size"] == data["size"]).mean() > 0.8


def test_detector_scores_each_column_of_a_mixed_table_given_the_others():
    from skae._validation import check_X

    detector = AutoencoderOutlierDetector(**FAST).fit(DF)
    # mask_rate="auto" on a table with categorical columns: each column is
    # scored from the rest of the row, by the reconstruction part alone.
    assert detector._mask_rate == 0.3 and set(detector.part_scales_) == {"reconstruction"}
    assert np.all(detector.code_distance(DF) == 0)
    X = check_X(detector, DF, reset=False)
    rebuilt = detector._rebuilt(X)[1]
    layout = detector._columns.layout
    changes = {"x": lambda s: s + 3.0,
               "size": lambda s: s.cat.rename_categories(["mid", "high", "low"])}
    for name, change in changes.items():
        changed = DF.copy()
        changed[name] = change(changed[name])
        rebuilt_changed = detector._rebuilt(check_X(detector, changed, reset=False))[1]
        own = layout.column_of == list(DF.columns).index(name)
        # A column's prediction does not see its own value, the others' do.
        np.testing.assert_allclose(rebuilt[:, own], rebuilt_changed[:, own], atol=1e-6)
        assert not np.allclose(rebuilt[:, ~own], rebuilt_changed[:, ~own], atol=1e-3)
    # On numeric data "auto" rebuilds each column from the whole row, with all three parts.
    numeric = AutoencoderOutlierDetector(**FAST).fit(DF[["x", "y"]].to_numpy())
    assert numeric._mask_rate == 0 and len(numeric.part_scales_) == 3

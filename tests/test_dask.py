"""The dask recipes of docs/user_guide/scale.md, as tests."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV, train_test_split

from skae import AutoencoderOutlierDetector, AutoencoderTransformer

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
wrappers = pytest.importorskip("dask_ml.wrappers")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def digits_split():
    return train_test_split(load_digits().data, random_state=0)


@pytest.fixture(scope="module")
def frames(digits_split):
    X_train, X_test = digits_split
    return (
        pd.DataFrame(X_train).add_prefix("px"),
        pd.DataFrame(X_test).add_prefix("px"),
    )


def test_incremental_trains_block_by_block(digits_split):
    X_train, X_test = digits_split
    blocks = da.from_array(X_train, chunks=(256, X_train.shape[1]))
    model = wrappers.Incremental(
        AutoencoderTransformer(8, random_state=0), shuffle_blocks=False
    )
    model.fit(blocks)
    ae = model.estimator_
    assert ae.n_iter_ == blocks.numblocks[0]
    # The first block set the scaling.
    np.testing.assert_allclose(ae.center_, X_train[:256].mean(0))
    for _ in range(19):  # more passes continue training
        model.partial_fit(blocks)
    assert model.estimator_.n_iter_ == 20 * blocks.numblocks[0]
    pca = PCA(8).fit(X_train)
    pca_error = np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2)
    error = np.mean((ae.inverse_transform(ae.transform(X_test)) - X_test) ** 2)
    assert error < 0.85 * pca_error


def test_incremental_passes_epochs_to_partial_fit(digits_split):
    blocks = da.from_array(digits_split[0], chunks=(500, 64))
    model = wrappers.Incremental(AutoencoderTransformer(4, random_state=0))
    model.fit(blocks, epochs=3)
    assert model.estimator_.n_iter_ == 3 * blocks.numblocks[0]


def test_parallel_post_fit_transforms_dask_arrays(digits_split):
    X_train, X_test = digits_split
    ae = AutoencoderTransformer(4, max_epochs=5, random_state=0).fit(X_train)
    lazy = wrappers.ParallelPostFit(ae).transform(da.from_array(X_test, chunks=(100, 64)))
    assert isinstance(lazy, da.Array)
    np.testing.assert_allclose(lazy.compute(), ae.transform(X_test), rtol=1e-6, atol=1e-6)


def test_parallel_post_fit_on_dask_dataframes(frames):
    df_train, df_test = frames
    ddf = dd.from_pandas(df_test, npartitions=4)
    ae = AutoencoderTransformer(3, max_epochs=5, random_state=0).fit(df_train)
    ae.set_output(transform="pandas")
    codes = wrappers.ParallelPostFit(ae).transform(ddf).compute()
    assert list(codes.columns) == list(ae.get_feature_names_out())
    np.testing.assert_allclose(codes.to_numpy(), ae.transform(df_test).to_numpy(), atol=1e-6)

    detector = AutoencoderOutlierDetector(max_epochs=5, random_state=0).fit(df_train)
    labels = wrappers.ParallelPostFit(detector).predict(ddf).compute()
    np.testing.assert_array_equal(labels, detector.predict(df_test))
    # score_samples has no ParallelPostFit method: map it over the partitions.
    scores = ddf.map_partitions(detector.score_samples, meta=("score", "f8")).compute()
    np.testing.assert_allclose(scores, detector.score_samples(df_test), rtol=1e-6)


def test_score_samples_over_dask_array_blocks(digits_split):
    X_train, X_test = digits_split
    detector = AutoencoderOutlierDetector(max_epochs=5, random_state=0).fit(X_train)
    blocks = da.from_array(X_test, chunks=(100, 64))
    scores = blocks.map_blocks(detector.score_samples, drop_axis=1, dtype=np.float64)
    np.testing.assert_allclose(scores.compute(), detector.score_samples(X_test), rtol=1e-6)


def test_grid_search_runs_on_a_local_cluster(digits_split):
    joblib = pytest.importorskip("joblib")
    X_train, _ = digits_split
    grid = {"n_components": [2, 8]}
    search = GridSearchCV(AutoencoderTransformer(max_epochs=5, random_state=0), grid, cv=2)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
        distributed.get_task_stream(client) as tasks,
        joblib.parallel_backend("dask"),
    ):
        search.fit(X_train)
    assert len(tasks.data) >= 4  # the 2 x 2 fits ran on the cluster's workers
    local = GridSearchCV(AutoencoderTransformer(max_epochs=5, random_state=0), grid, cv=2)
    local.fit(X_train)
    assert search.best_params_ == local.best_params_ == {"n_components": 8}
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"]
    )

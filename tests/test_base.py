"""The shared base: one training pipeline for fit, partial_fit and warm starts;
reproducible fits in threads; signatures that cannot drift."""

import inspect

import numpy as np
import pytest
import torch
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

from ._helpers import ESTIMATOR_IDS, ESTIMATORS, PUBLIC, chunks, output, reconstruction_error

# ------------------------------------------------------------- partial_fit


def test_partial_fit_streams_chunks_to_below_pca(digits_split):
    X_train, X_test = digits_split
    ae = AutoencoderTransformer(8, random_state=0)
    for _ in range(20):
        for chunk in chunks(X_train):
            ae.partial_fit(chunk)
    pca = PCA(8).fit(X_train)
    pca_error = np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2)
    # Measured: 0.70 of PCA's held-out error after 20 passes of 256-row chunks.
    assert reconstruction_error(ae, X_test) < 0.85 * pca_error
    assert ae.n_iter_ == 20 * len(chunks(X_train)) == len(ae.loss_curve_)
    assert ae.validation_loss_curve_ is None


def test_partial_fit_trains_the_given_epochs_per_chunk(digits_split):
    X_train, _ = digits_split
    ae = AutoencoderTransformer(4, random_state=0)
    ae.partial_fit(X_train[:500], epochs=3)
    assert ae.n_iter_ == 3
    ae.partial_fit(X_train[500:1000], epochs=2)
    assert ae.n_iter_ == 5 == len(ae.loss_curve_) == ae.best_epoch_
    assert np.isfinite(ae.reconstruction_error_)


def test_partial_fit_is_reproducible_and_leaves_torch_random_state(digits_split):
    X_train, X_test = digits_split
    state = torch.random.get_rng_state()
    runs = []
    for _ in range(2):
        ae = AutoencoderTransformer(4, random_state=0)
        for chunk in chunks(X_train, 400):
            ae.partial_fit(chunk, epochs=2)
        runs.append(ae.transform(X_test))
    np.testing.assert_array_equal(runs[0], runs[1])
    assert torch.equal(torch.random.get_rng_state(), state)


def test_partial_fit_first_chunk_sets_scaling_and_pca_start(digits_split):
    X_train, X_test = digits_split
    first = X_train[:600]
    ae = AutoencoderTransformer(4, random_state=0).partial_fit(first)
    np.testing.assert_allclose(ae.center_, first.mean(0))
    ae.partial_fit(X_train[600:] + 100.0)  # later chunks do not move the scaling
    np.testing.assert_allclose(ae.center_, first.mean(0))


def test_partial_fit_continues_a_fitted_model(digits_split):
    X_train, X_test = digits_split
    ae = AutoencoderTransformer(4, max_epochs=30, random_state=0).fit(X_train)
    fitted_error, n_iter = reconstruction_error(ae, X_test), ae.n_iter_
    ae.partial_fit(X_train, epochs=2)
    assert ae.n_iter_ == n_iter + 2 and len(ae.loss_curve_) == n_iter + 2
    # It went on from the fitted weights, not from a new network.
    assert reconstruction_error(ae, X_test) < 1.1 * fitted_error
    with pytest.raises(ValueError, match="features"):
        ae.partial_fit(X_train[:, :10])


@pytest.mark.parametrize("epochs", [0, -1, 1.5, "2", True])
def test_partial_fit_rejects_bad_epochs(digits_split, epochs):
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        AutoencoderTransformer(2).partial_fit(digits_split[0], epochs=epochs)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_every_estimator_partial_fits(digits_split, estimator):
    X_train, X_test = digits_split
    X_train = X_train.copy()
    if isinstance(estimator, AutoencoderImputer):
        X_train[::7, 3] = np.nan
    before = X_train.copy()
    est = clone(estimator).set_params(random_state=0)
    for chunk in chunks(X_train, 450):
        est.partial_fit(chunk)
    np.testing.assert_array_equal(X_train, before)
    assert est.n_iter_ == len(chunks(X_train, 450))
    assert np.all(np.isfinite(output(est, X_test)))
    if isinstance(est, AutoencoderOutlierDetector):
        assert np.isfinite(est.offset_)


def test_partial_fit_undoes_a_diverged_epoch(digits_split):
    X_train, X_test = digits_split
    ae = AutoencoderTransformer(4, max_epochs=2, random_state=0).fit(X_train[:500])
    codes = ae.transform(X_test)
    ae.set_params(learning_rate=1e30)  # partial_fit after fit: a new optimizer
    with pytest.warns(RuntimeWarning, match="diverged"):
        ae.partial_fit(X_train[500:1000])
    np.testing.assert_array_equal(ae.transform(X_test), codes)


# -------------------------------------------------------------- warm_start


def test_warm_start_continues_training(digits_split):
    X_train, X_test = digits_split
    ae = AutoencoderTransformer(8, max_epochs=40, random_state=0, warm_start=True)
    ae.fit(X_train)
    error, n_iter, curve = reconstruction_error(ae, X_test), ae.n_iter_, list(ae.loss_curve_)
    ae.set_params(max_epochs=2).fit(X_train)
    assert ae.n_iter_ == n_iter + 2
    assert ae.loss_curve_[:n_iter] == curve and len(ae.validation_loss_curve_) == n_iter + 2
    # Two more epochs from the fitted weights: about where the first fit ended,
    # far from a new network trained for two epochs.
    cold = clone(ae).set_params(warm_start=False).fit(X_train)
    assert cold.n_iter_ == 2
    assert reconstruction_error(ae, X_test) < 1.05 * error < reconstruction_error(cold, X_test)


def test_warm_start_refuses_a_changed_architecture(digits_split):
    X_train, _ = digits_split
    ae = AutoencoderTransformer(4, max_epochs=2, warm_start=True).fit(X_train)
    with pytest.raises(ValueError, match="n_components changed"):
        ae.set_params(n_components=5).fit(X_train)
    with pytest.raises(ValueError, match="hidden_layer_sizes, activation changed"):
        ae.set_params(n_components=4, hidden_layer_sizes=(32,), activation="tanh").fit(X_train)
    with pytest.raises(ValueError, match="features"):
        ae.set_params(hidden_layer_sizes=(128, 64), activation="relu").fit(X_train[:, :10])
    ae.set_params(warm_start=False, n_components=5).fit(X_train)
    assert ae.n_components_ == 5


# ------------------------------------------------------------- persistence


# ----------------------------------------------------------------- devices


def test_partial_fit_statistics_of_a_large_chunk_come_from_a_sample():
    rng = np.random.RandomState(0)
    X = rng.randn(30_000, 6) @ rng.randn(6, 10) + 0.1 * rng.randn(30_000, 10)
    ae = AutoencoderTransformer(3, hidden_layer_sizes=(16,), random_state=0).partial_fit(X)
    full = np.mean(ae.score_samples(X))  # minus each row's error
    # A 20,000-row sample of the 30,000 rows estimates the chunk's error closely.
    assert ae.reconstruction_error_ == pytest.approx(-full, rel=0.05)


# ---------------------------------------------------------- reproducibility


@pytest.mark.parametrize("cls", [AutoencoderTransformer, DenoisingAutoencoder,
                                 VariationalAutoencoder], ids=lambda c: c.__name__)
def test_threaded_grid_search_gives_the_sequential_scores(digits, cls):
    from joblib import parallel_backend
    from sklearn.model_selection import GridSearchCV

    X = digits[0][:600]
    search = GridSearchCV(cls(random_state=0, max_epochs=5, hidden_layer_sizes=(32,)),
                          {"n_components": [2, 8]}, cv=2)
    sequential = clone(search).fit(X).cv_results_["mean_test_score"]
    with parallel_backend("threading"):
        threaded = clone(search).set_params(n_jobs=2).fit(X).cv_results_["mean_test_score"]
    np.testing.assert_array_equal(threaded, sequential)


def test_fits_in_a_thread_pool_match_sequential_fits(digits):
    from concurrent.futures import ThreadPoolExecutor

    X = digits[0][:400]
    models = [DenoisingAutoencoder(k, max_epochs=3, hidden_layer_sizes=(16,), random_state=k)
              for k in (2, 3, 4, 5)]
    sequential = [clone(m).fit(X).transform(X) for m in models]
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(lambda m: clone(m).fit(X).transform(X), models))
    for a, b in zip(threaded, sequential):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda c: c.__name__)
def test_concurrent_fits_with_one_seed_equal_the_sequential_fit(digits, cls, two_threads):
    # Three fits at once in joblib's threading backend: each thread sets its
    # own torch thread count (OpenMP keeps one per thread), so none trains
    # or scores with a count another fit left behind.
    from joblib import Parallel, delayed

    X = digits[0]
    y = X[:, ::4] if cls is EncoderDecoderRegressor else None
    model = cls(max_epochs=20, random_state=3)

    def fitted():
        return clone(model).fit(X, y) if y is not None else clone(model).fit(X)

    sequential = fitted()
    concurrent = Parallel(n_jobs=3, backend="threading")(delayed(fitted)() for _ in range(3))
    if cls is AutoencoderOutlierDetector:  # and in dask's threaded scheduler
        dask = pytest.importorskip("dask")
        concurrent += dask.compute(*[dask.delayed(fitted)() for _ in range(3)],
                                   scheduler="threads", num_workers=3)
    for fit in concurrent:
        np.testing.assert_array_equal(fit.loss_curve_, sequential.loss_curve_)
        np.testing.assert_array_equal(output(fit, X), output(sequential, X))


# ----------------------------------------------------------------- signatures

@pytest.mark.parametrize("cls", PUBLIC, ids=lambda c: c.__name__)
def test_signature_is_the_bases_plus_its_own(cls):
    """Each explicit ``__init__`` lists the base's parameters, in the base's order,
    with the base's defaults unless the estimator documents its own."""
    from skae._base import BaseAutoencoder

    base = inspect.signature(BaseAutoencoder.__init__).parameters
    own = inspect.signature(cls.__init__).parameters
    shared = [name for name in own if name in base]
    # The regressor's decoder never shares the encoder's weights: no tied_weights.
    left_out = {"tied_weights"} if cls is EncoderDecoderRegressor else set()
    assert shared == [name for name in base if name not in left_out]
    extra = set(own) - set(base)
    assert extra <= {"noise", "noise_level", "contamination", "calibration_fraction",
                     "threshold", "alpha", "beta", "mask_rate", "score_parts",
                     "output_shape"}, extra
    overridden = {name for name in shared if own[name].default != base[name].default}
    allowed = {
        AutoencoderOutlierDetector: {"n_components", "hidden_layer_sizes", "scaling",
                                     "early_stopping", "learning_rate",
                                     "learning_rate_schedule"},
        AutoencoderImputer: {"n_components", "learning_rate", "learning_rate_schedule"},
        EncoderDecoderRegressor: {"n_components", "hidden_layer_sizes", "learning_rate",
                                  "learning_rate_schedule"},
    }.get(cls, set())
    assert overridden <= allowed, overridden
    for name in own:
        assert own[name].kind == (inspect.Parameter.POSITIONAL_OR_KEYWORD
                                  if name in ("self", "n_components")
                                  else inspect.Parameter.KEYWORD_ONLY)

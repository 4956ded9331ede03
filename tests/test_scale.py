"""Incremental training, warm starts, devices and persistence."""

import io
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split

from skae import (
    AutoencoderImputer,
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    VariationalAutoencoder,
)
from skae._torch_utils import loading_device, resolve_device
from skae.penalties import L1ActivityPenalty

ESTIMATORS = [
    AutoencoderTransformer(4),
    DenoisingAutoencoder(4, noise="swap"),
    AutoencoderOutlierDetector(),
    VariationalAutoencoder(4),
    AutoencoderImputer(),
    AutoencoderTransformer(4, penalty=L1ActivityPenalty(), tied_weights=True, image_shape=(8, 8)),
]
IDS = [
    "transformer", "denoising", "outlier", "variational", "imputer", "conv-tied-sparse"
]


@pytest.fixture(scope="module")
def digits_split():
    X = load_digits().data
    return train_test_split(X, random_state=0)


def _output(est, X):
    method = "score_samples" if hasattr(est, "score_samples") else "transform"
    return getattr(est, method)(X)


def _error(est, X):
    return np.mean((est.inverse_transform(est.transform(X)) - X) ** 2)


def _chunks(X, size=256):
    return [X[i : i + size] for i in range(0, len(X), size)]


# ------------------------------------------------------------- partial_fit


def test_partial_fit_streams_chunks_to_below_pca(digits_split):
    X_train, X_test = digits_split
    ae = AutoencoderTransformer(8, random_state=0)
    for _ in range(20):
        for chunk in _chunks(X_train):
            ae.partial_fit(chunk)
    pca = PCA(8).fit(X_train)
    pca_error = np.mean((pca.inverse_transform(pca.transform(X_test)) - X_test) ** 2)
    # Measured: 0.70 of PCA's held-out error after 20 passes of 256-row chunks.
    assert _error(ae, X_test) < 0.85 * pca_error
    assert ae.n_iter_ == 20 * len(_chunks(X_train)) == len(ae.loss_curve_)
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
        for chunk in _chunks(X_train, 400):
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
    fitted_error, n_iter = _error(ae, X_test), ae.n_iter_
    ae.partial_fit(X_train, epochs=2)
    assert ae.n_iter_ == n_iter + 2 and len(ae.loss_curve_) == n_iter + 2
    # It went on from the fitted weights, not from a new network.
    assert _error(ae, X_test) < 1.1 * fitted_error
    with pytest.raises(ValueError, match="features"):
        ae.partial_fit(X_train[:, :10])


@pytest.mark.parametrize("epochs", [0, -1, 1.5, "2", True])
def test_partial_fit_rejects_bad_epochs(digits_split, epochs):
    with pytest.raises(ValueError, match="epochs must be a positive integer"):
        AutoencoderTransformer(2).partial_fit(digits_split[0], epochs=epochs)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_every_estimator_partial_fits(digits_split, estimator):
    X_train, X_test = digits_split
    X_train = X_train.copy()
    if isinstance(estimator, AutoencoderImputer):
        X_train[::7, 3] = np.nan
    before = X_train.copy()
    est = clone(estimator).set_params(random_state=0)
    for chunk in _chunks(X_train, 450):
        est.partial_fit(chunk)
    np.testing.assert_array_equal(X_train, before)
    assert est.n_iter_ == len(_chunks(X_train, 450))
    assert np.all(np.isfinite(_output(est, X_test)))
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
    error, n_iter, curve = _error(ae, X_test), ae.n_iter_, list(ae.loss_curve_)
    ae.set_params(max_epochs=2).fit(X_train)
    assert ae.n_iter_ == n_iter + 2
    assert ae.loss_curve_[:n_iter] == curve and len(ae.validation_loss_curve_) == n_iter + 2
    # Two more epochs from the fitted weights: about where the first fit ended,
    # far from a new network trained for two epochs.
    cold = clone(ae).set_params(warm_start=False).fit(X_train)
    assert cold.n_iter_ == 2
    assert _error(ae, X_test) < 1.05 * error < _error(cold, X_test)


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


def _round_trips(est):
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    yield joblib.load(buffer)
    yield pickle.loads(pickle.dumps(est))


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_pickle_and_joblib_round_trips_give_identical_outputs(digits_split, estimator):
    X_train, X_test = digits_split
    est = clone(estimator).set_params(max_epochs=3, random_state=0).fit(X_train)
    for loaded in _round_trips(est):
        np.testing.assert_array_equal(_output(loaded, X_test), _output(est, X_test))
        assert loaded.loss_curve_ == est.loss_curve_
        assert len(loaded.net_.history) == len(est.net_.history)


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def test_saved_state_holds_no_torch_or_skorch_objects(digits_split):
    est = AutoencoderTransformer(4, max_epochs=2).fit(digits_split[0])
    state = est.__getstate__()
    assert "net_" not in state and "net_" in est.__dict__  # the estimator is untouched
    for leaf in _leaves(state):
        module = type(leaf).__module__
        assert not module.startswith(("torch", "skorch")), type(leaf)


def test_loading_never_calls_torch_load(digits_split, monkeypatch):
    est = AutoencoderTransformer(4, max_epochs=2, random_state=0).fit(digits_split[0])
    data = pickle.dumps(est)

    def refuse(*args, **kwargs):
        raise AssertionError("torch.load was called")

    monkeypatch.setattr(torch, "load", refuse)
    loaded = pickle.loads(data)
    np.testing.assert_array_equal(loaded.transform(digits_split[1]), est.transform(digits_split[1]))


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=IDS)
def test_skops_round_trip_trusts_only_skae_types(digits_split, estimator):
    sio = pytest.importorskip("skops.io")
    X_train, X_test = digits_split
    X_train = pd.DataFrame(X_train).add_prefix("px")
    X_test = pd.DataFrame(X_test).add_prefix("px")
    est = clone(estimator).set_params(max_epochs=3, random_state=0).fit(X_train)
    data = sio.dumps(est)
    untrusted = sio.get_untrusted_types(data=data)
    assert untrusted and all(name.startswith("skae.") for name in untrusted)
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        sio.loads(data)
    loaded = sio.loads(data, trusted=untrusted)
    np.testing.assert_array_equal(_output(loaded, X_test), _output(est, X_test))
    np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)


def test_loaded_model_trains_on(digits_split):
    X_train, X_test = digits_split
    est = AutoencoderTransformer(4, max_epochs=3, random_state=0).fit(X_train)
    loaded = pickle.loads(pickle.dumps(est))
    loaded.partial_fit(X_train)
    assert loaded.n_iter_ == est.n_iter_ + 1
    loaded.set_params(warm_start=True, max_epochs=2).fit(X_train)
    assert loaded.n_iter_ == est.n_iter_ + 3


# ----------------------------------------------------------------- devices


def test_model_fitted_on_a_gpu_loads_on_the_cpu(digits_split, monkeypatch):
    X_train, X_test = digits_split
    est = AutoencoderTransformer(4, max_epochs=3, random_state=0).fit(X_train)
    state = est.__getstate__()
    # What a model fitted with device="cuda" saves; this machine has no GPU.
    state["_saved_net"]["device"] = "cuda:0"
    state["device"] = "cuda"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = AutoencoderTransformer.__new__(AutoencoderTransformer)
    loaded.__setstate__(state)
    assert next(loaded.module_.parameters()).device.type == "cpu"
    np.testing.assert_array_equal(loaded.transform(X_test), est.transform(X_test))
    # Training it further here asks for the missing GPU: a clear error.
    with pytest.raises(ValueError, match="no CUDA GPU"):
        loaded.partial_fit(X_train)


def test_loading_device_maps_missing_devices_to_the_cpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert loading_device("cuda:1") == "cpu"
    assert loading_device("cpu") == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    assert loading_device("cuda:1") == "cuda:1"
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert loading_device("cuda:1") == "cuda:0"
    assert loading_device("cuda") == "cuda"


def test_resolve_device(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto") == "cpu"
    assert resolve_device("cpu") == "cpu"
    with pytest.raises(ValueError, match="no CUDA GPU"):
        resolve_device("cuda")
    with pytest.raises(ValueError, match="not a torch device"):
        resolve_device("gpu0")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"
    assert resolve_device("cuda:1") == "cuda:1"


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the machine without a GPU")
def test_fit_on_a_missing_gpu_is_a_clear_error(digits_split):
    with pytest.raises(ValueError, match="no CUDA GPU"):
        AutoencoderTransformer(2, device="cuda").fit(digits_split[0])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_fits_on_the_gpu_and_loads_on_the_cpu(digits_split, monkeypatch):
    X_train, X_test = digits_split
    est = AutoencoderTransformer(4, max_epochs=5, device="cuda", random_state=0).fit(X_train)
    assert next(est.module_.parameters()).device.type == "cuda"
    data = pickle.dumps(est)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = pickle.loads(data)
    assert next(loaded.module_.parameters()).device.type == "cpu"
    np.testing.assert_allclose(loaded.transform(X_test), est.transform(X_test), atol=1e-4)


def test_partial_fit_statistics_of_a_large_chunk_come_from_a_sample():
    rng = np.random.RandomState(0)
    X = rng.randn(30_000, 6) @ rng.randn(6, 10) + 0.1 * rng.randn(30_000, 10)
    ae = AutoencoderTransformer(3, hidden_layer_sizes=(16,), random_state=0).partial_fit(X)
    full = np.mean(ae.score_samples(X))  # minus each row's error
    # A 20,000-row sample of the 30,000 rows estimates the chunk's error closely.
    assert ae.reconstruction_error_ == pytest.approx(-full, rel=0.05)

"""Pickle, joblib and skops round trips; loading on a machine without the fitting device."""

import io
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone

from skae import AutoencoderTransformer

from ._helpers import ESTIMATOR_IDS, ESTIMATORS, output

FAST = dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0)


def _round_trips(est):
    buffer = io.BytesIO()
    joblib.dump(est, buffer)
    buffer.seek(0)
    yield joblib.load(buffer)
    yield pickle.loads(pickle.dumps(est))


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=ESTIMATOR_IDS)
def test_pickle_and_joblib_round_trips_give_identical_outputs(digits_split, estimator):
    X_train, X_test = digits_split
    est = clone(estimator).set_params(max_epochs=3, random_state=0).fit(X_train)
    for loaded in _round_trips(est):
        np.testing.assert_array_equal(output(loaded, X_test), output(est, X_test))
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


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=ESTIMATOR_IDS)
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
    np.testing.assert_array_equal(output(loaded, X_test), output(est, X_test))
    np.testing.assert_array_equal(loaded.feature_names_in_, est.feature_names_in_)


def test_loaded_model_trains_on(digits_split):
    X_train, X_test = digits_split
    est = AutoencoderTransformer(4, max_epochs=3, random_state=0).fit(X_train)
    loaded = pickle.loads(pickle.dumps(est))
    loaded.partial_fit(X_train)
    assert loaded.n_iter_ == est.n_iter_ + 1
    loaded.set_params(warm_start=True, max_epochs=2).fit(X_train)
    assert loaded.n_iter_ == est.n_iter_ + 3


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


def test_pickle_round_trip(digits):
    X, _ = digits
    ae = AutoencoderTransformer(n_components=3, **FAST).fit(X)
    clone = pickle.loads(pickle.dumps(ae))
    np.testing.assert_array_equal(clone.transform(X), ae.transform(X))
    np.testing.assert_array_equal(clone.score_samples(X), ae.score_samples(X))
    assert clone.module_ is clone.net_.module_


def test_model_fitted_with_a_progress_bar_pickles(digits):
    ae = AutoencoderTransformer(verbose=1, **FAST).fit(digits[0])
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(ae)).transform(digits[0]),
                                  ae.transform(digits[0]))

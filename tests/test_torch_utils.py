"""Devices, threads and generators: torch's process-wide state is left alone."""

import threading

import numpy as np
import pytest
import torch

from skae import AutoencoderTransformer
from skae._engine.torch_utils import (
    current_generator,
    fit_generator,
    loading_device,
    new_generator,
    resolve_device,
    reset_parameters,
    torch_threads,
)

FAST = dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0)


def test_concurrent_thread_settings_wait_for_each_other(two_threads):
    base = torch.get_num_threads()
    inside, release, seen = threading.Event(), threading.Event(), {}

    def hold_one_thread():
        with torch_threads(1):
            seen["first"] = torch.get_num_threads()
            inside.set()
            release.wait(5)
            seen["while_held"] = torch.get_num_threads()

    def join_with_one_thread():
        with torch_threads(1):  # the same setting: runs beside the first
            seen["second"] = torch.get_num_threads()

    def ask_for_the_default():
        with torch_threads(None):  # another setting: waits until the others end
            seen["default"] = torch.get_num_threads()

    holder = threading.Thread(target=hold_one_thread)
    holder.start()
    inside.wait(5)
    others = [threading.Thread(target=join_with_one_thread),
              threading.Thread(target=ask_for_the_default)]
    for t in others:
        t.start()
    others[0].join(5)
    assert "second" in seen and "default" not in seen
    release.set()
    for t in [holder, *others]:
        t.join(5)
    assert seen == {"first": 1, "second": 1, "while_held": 1, "default": base}
    assert torch.get_num_threads() == base


def test_nested_thread_settings_keep_the_outer_one(two_threads):
    base = torch.get_num_threads()
    with torch_threads(1):
        with torch_threads(None):
            assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == base


def test_the_fits_generator_is_local_to_its_thread():
    generator = new_generator(0, "cpu")
    seen = {}
    with fit_generator(generator):
        thread = threading.Thread(target=lambda: seen.update(other=current_generator()))
        thread.start()
        thread.join()
        assert current_generator() is generator
    assert current_generator() is None and seen["other"] is None


def test_reset_parameters_draws_from_the_given_generator_only():
    state = torch.get_rng_state()
    a = reset_parameters(torch.nn.Linear(5, 3), new_generator(0, "cpu"))
    b = reset_parameters(torch.nn.Linear(5, 3), new_generator(0, "cpu"))
    torch.testing.assert_close(a.weight, b.weight, rtol=0, atol=0)
    assert a.weight.detach().abs().max().item() <= 1 / np.sqrt(5)
    torch.set_rng_state(state)
    c = torch.nn.Linear(5, 3)  # torch's own draw from the global generator
    assert not torch.equal(a.weight, c.weight)


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


def test_fit_leaves_global_random_states_alone(digits):
    X, _ = digits
    torch_state = torch.get_rng_state()
    np_state = np.random.get_state()[1].copy()
    threads = torch.get_num_threads()
    AutoencoderTransformer(n_components=2, **FAST).fit(X)
    assert torch.equal(torch.get_rng_state(), torch_state)
    np.testing.assert_array_equal(np.random.get_state()[1], np_state)
    assert torch.get_num_threads() == threads

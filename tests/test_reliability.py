"""Training faults do not corrupt a model; properties that hold for any input."""

import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from skorch.callbacks import Callback

from skae import AutoencoderOutlierDetector, AutoencoderTransformer, DenoisingAutoencoder

FAST = dict(hidden_layer_sizes=(8,), max_epochs=4, random_state=0)
X = np.random.RandomState(0).randn(200, 6)


@pytest.mark.parametrize(
    "estimator",
    [AutoencoderTransformer, DenoisingAutoencoder, AutoencoderOutlierDetector],
)
def test_divergent_training_restores_good_weights_and_warns(estimator):
    model = estimator(n_components=2, learning_rate=1e8, **{**FAST, "max_epochs": 10})
    with pytest.warns(RuntimeWarning, match="Training diverged"):
        model.fit(X)
    out = model.transform(X) if hasattr(model, "transform") else model.score_samples(X)
    assert np.all(np.isfinite(out))
    assert np.isfinite(model.reconstruction_error_)


class InterruptAt(Callback):
    """Raises KeyboardInterrupt, as Ctrl-C would, at the end of an epoch."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_interrupted_fit_leaves_a_usable_model_with_the_best_weights():
    ae = AutoencoderTransformer(
        n_components=2, callbacks=[("stop", InterruptAt(3))], **{**FAST, "max_epochs": 50}
    ).fit(X)
    assert ae.n_iter_ == 3
    assert 0 <= ae.best_epoch_ <= 3
    assert np.all(np.isfinite(ae.transform(X)))
    # The weights kept are the best seen, not the last.
    best = min([ae.best_loss_, *ae.validation_loss_curve_])
    assert ae.best_loss_ == best


def test_concurrent_transform_matches_serial():
    ae = AutoencoderTransformer(n_components=3, **FAST).fit(X)
    rows = [X[i::4] for i in range(4)] * 3
    serial = [ae.transform(r) for r in rows]
    results = [None] * len(rows)

    def work(i):
        results[i] = ae.transform(rows[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(rows))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, expected in zip(results, serial):
        np.testing.assert_array_equal(got, expected)


# --------------------------------------------------------------- properties

matrices = st.integers(2, 6).flatmap(
    lambda n_features: arrays(
        dtype=st.sampled_from([np.float32, np.float64]),
        shape=st.tuples(st.integers(2, 40), st.just(n_features)),
        elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=32),
    )
)
PROPERTY_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,  # the same examples on every run, so CI is repeatable
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY_SETTINGS
@given(data=matrices)
def test_any_finite_matrix_gives_finite_reproducible_row_wise_outputs(data):
    params = dict(n_components=1, hidden_layer_sizes=(4,), max_epochs=2, random_state=0)
    ae = AutoencoderTransformer(**params).fit(data)
    codes = ae.transform(data)
    assert codes.shape == (len(data), 1) and codes.dtype == data.dtype
    assert np.all(np.isfinite(codes))
    assert np.all(np.isfinite(ae.score_samples(data)))
    # A row's output does not depend on the other rows transformed with it.
    np.testing.assert_array_equal(ae.transform(data[:1]), codes[:1])
    # The same random_state gives the same model.
    np.testing.assert_array_equal(AutoencoderTransformer(**params).fit(data).transform(data),
                                  codes)


@PROPERTY_SETTINGS
@given(data=matrices)
def test_detector_scores_any_finite_matrix(data):
    detector = AutoencoderOutlierDetector(hidden_layer_sizes=(4,), max_epochs=2,
                                          random_state=0).fit(data)
    scores = detector.score_samples(data)
    assert np.all(np.isfinite(scores))
    assert set(np.unique(detector.predict(data))) <= {-1, 1}

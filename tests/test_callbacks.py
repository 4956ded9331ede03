"""skorch's stock callbacks and scikit-learn's callbacks, each doing its job."""

import numpy as np
import pytest
import torch
from skorch.callbacks import (
    Callback,
    Checkpoint,
    EarlyStopping,
    EpochScoring,
    EpochTimer,
    GradientNormClipping,
    LoadInitState,
    LRScheduler,
    PassthroughScoring,
    PrintLog,
    ProgressBar,
    TrainEndCheckpoint,
)
from torch.optim.lr_scheduler import ReduceLROnPlateau

from skae import (
    AutoencoderImputer,
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    VariationalAutoencoder,
)

from ._helpers import X_SMALL

FAST = dict(n_components=3, hidden_layer_sizes=(16,), max_epochs=6, batch_size=32, random_state=0)


def fit(callbacks, **params):
    return AutoencoderTransformer(**{**FAST, **params}, callbacks=callbacks).fit(X_SMALL)


def weights(module):
    return {k: v.clone() for k, v in module.state_dict().items()}


def assert_same_weights(a, b):
    assert a.keys() == b.keys()
    for key in a:
        torch.testing.assert_close(a[key], b[key], rtol=0, atol=0)


class Recorder(Callback):
    """Keeps what a hook saw, to check another callback's effect."""

    def initialize(self):
        self.first_weights_, self.grad_norms_ = None, []
        return self

    def on_epoch_begin(self, net, **kwargs):
        if self.first_weights_ is None:
            self.first_weights_ = weights(net.module_)

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad for _, p in named_parameters if p.grad is not None]
        self.grad_norms_.append(float(torch.norm(torch.stack([g.norm() for g in grads]))))

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        if training:
            net.history.record_batch("code_rms", kwargs["y_pred"][1].detach().pow(2).mean().item())


def test_checkpoint_writes_the_best_weights_and_they_restore_the_model(tmp_path):
    ae = fit([Checkpoint(dirname=tmp_path)], tol=0.0)
    assert (tmp_path / "params.pt").exists() and (tmp_path / "history.json").exists()
    assert ae.best_epoch_ > 0  # the network improved on PCA, so a checkpoint was saved
    saved = torch.load(tmp_path / "params.pt", weights_only=True)
    assert_same_weights(saved, weights(ae.module_))
    # Loading it into another model gives the checkpointed model's outputs.
    other = fit(None, max_epochs=1, random_state=1)
    assert not np.allclose(other.transform(X_SMALL), ae.transform(X_SMALL))
    other.net_.load_params(f_params=tmp_path / "params.pt")
    np.testing.assert_array_equal(other.transform(X_SMALL), ae.transform(X_SMALL))


def test_checkpoint_saves_nothing_when_no_epoch_beats_the_start(tmp_path):
    # Isotropic noise: with this seed no epoch beats PCA's start on the
    # validation rows, so the estimator returns the start; the history must
    # not call the first epoch best, or a Checkpoint would save its weights.
    X = np.random.RandomState(0).normal(size=(300, 6))
    ae = AutoencoderTransformer(n_components=2, random_state=0,
                                callbacks=[Checkpoint(dirname=tmp_path)]).fit(X)
    assert ae.best_epoch_ == 0
    assert not any(row["valid_loss_best"] for row in ae.net_.history)
    assert not (tmp_path / "params.pt").exists()


def test_load_init_state_starts_from_the_saved_weights(tmp_path):
    checkpoint = Checkpoint(dirname=tmp_path, monitor=None)
    first = fit([checkpoint])
    saved = torch.load(tmp_path / "params.pt", weights_only=True)
    second = fit([LoadInitState(checkpoint), ("recorder", Recorder())])
    assert_same_weights(dict(second.net_.callbacks_)["recorder"].first_weights_, saved)
    # The history goes on from the checkpoint's.
    assert second.n_iter_ == first.n_iter_ + FAST["max_epochs"]
    assert second.loss_curve_[: first.n_iter_] == first.loss_curve_


def test_train_end_checkpoint_saves_the_model_the_estimator_returns(tmp_path):
    ae = fit([TrainEndCheckpoint(dirname=tmp_path)], max_epochs=30, n_iter_no_change=3)
    saved = torch.load(tmp_path / "train_end_params.pt", weights_only=True)
    assert ae.best_epoch_ < ae.n_iter_  # the best weights were restored at the end
    assert_same_weights(saved, weights(ae.module_))


def test_skorch_early_stopping_stops_training():
    ae = fit([EarlyStopping(patience=1, threshold=0.5)], max_epochs=50)
    assert ae.n_iter_ < 5


def test_progress_bar_prints_a_bar_per_epoch(capsys):
    ae = fit([ProgressBar()])
    err = capsys.readouterr().err
    assert err.count("it/s]") >= ae.n_iter_


def test_print_log_prints_a_table():
    lines = []
    ae = fit([("log", PrintLog(sink=lines.append))])
    assert "train_loss" in lines[0] and "valid_loss" in lines[0]
    assert len(lines) == 2 + ae.n_iter_  # a header of two lines, then a row per epoch


def test_verbose_2_prints_skorchs_table(capsys):
    ae = fit(None, verbose=2)
    out = capsys.readouterr().out
    assert "valid_loss" in out and out.count("\n") >= ae.n_iter_


def test_epoch_scoring_records_a_score_every_epoch():
    ae = fit([EpochScoring("neg_mean_squared_error", name="neg_mse")])
    scores = ae.net_.history[:, "neg_mse"]
    assert len(scores) == ae.n_iter_ and all(np.isfinite(s) and s < 0 for s in scores)


def test_passthrough_scoring_averages_a_batch_value():
    ae = fit([("recorder", Recorder()), PassthroughScoring(name="code_rms", on_train=True)])
    for row in ae.net_.history:
        batches = [b for b in row["batches"] if "code_rms" in b]
        expected = np.average([b["code_rms"] for b in batches],
                              weights=[b["train_batch_size"] for b in batches])
        assert row["code_rms"] == pytest.approx(expected)


def test_reduce_lr_on_plateau_lowers_the_learning_rate():
    scheduler = LRScheduler(policy=ReduceLROnPlateau, monitor="valid_loss", patience=0,
                            threshold=10.0, factor=0.5)  # no epoch improves by 1000%
    ae = fit([scheduler], learning_rate=1e-2)
    lr = ae.net_.optimizer_.param_groups[0]["lr"]
    assert lr == pytest.approx(1e-2 * 0.5 ** FAST["max_epochs"])


def test_the_default_schedule_warms_up_then_decays_to_zero():
    from skae._engine.callbacks import WarmupCosine

    schedule = WarmupCosine(total_steps=1000, warmup=0.05)
    schedule.peak_ = 3e-3
    rates = np.array([schedule.rate(step) for step in range(1000)])
    assert rates[0] < 1e-4 and np.all(np.diff(rates[:50]) > 0)
    assert rates.max() == pytest.approx(3e-3, rel=1e-3)
    assert np.all(np.diff(rates[51:]) <= 0) and rates[-1] < 1e-7
    # A fit records each epoch's rate, and the budget's last step is near zero.
    ae = fit([], max_epochs=12, n_iter_no_change=100, learning_rate=1e-2)
    lr = np.asarray(ae.net_.history[:, "lr"])
    assert len(lr) == 12 and lr.max() <= 1e-2 and lr[-1] < 1e-4 and np.all(np.diff(lr) <= 0)


def test_a_constant_schedule_keeps_the_rate():
    ae = fit([], learning_rate=2e-3, learning_rate_schedule="constant")
    assert ae.net_.optimizer_.param_groups[0]["lr"] == 2e-3
    assert "lr" not in ae.net_.history[-1]


def test_gradient_norm_clipping_clips():
    recorder = Recorder()
    ae = fit([GradientNormClipping(gradient_clip_value=1e-3), ("recorder", recorder)])
    norms = dict(ae.net_.callbacks_)["recorder"].grad_norms_
    assert len(norms) > 0 and max(norms) <= 1e-3 * (1 + 1e-4)
    unclipped = Recorder()
    ae = fit([("recorder", unclipped)])
    assert max(dict(ae.net_.callbacks_)["recorder"].grad_norms_) > 1e-2


def test_epoch_timer_records_durations():
    ae = fit([EpochTimer()])
    assert all(d > 0 for d in ae.net_.history[:, "dur"])


def test_tensorboard_writes_events(tmp_path):
    pytest.importorskip("tensorboard")
    from skorch.callbacks import TensorBoard
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(log_dir=tmp_path)
    fit([TensorBoard(writer)])
    writer.close()
    assert any(p.name.startswith("events.out.tfevents") for p in tmp_path.iterdir())


def test_user_callbacks_see_the_epoch_training_stops_at():
    seen = []

    class CountEpochs(Callback):
        def on_epoch_end(self, net, **kwargs):
            seen.append(len(net.history))

    ae = fit([CountEpochs()], max_epochs=200, n_iter_no_change=2)
    assert ae.n_iter_ < 200 and seen[-1] == ae.n_iter_


def test_progress_bar_when_verbose(capsys):
    fit(None, verbose=1)
    assert "6/6" in capsys.readouterr().err


def test_silent_by_default(capsys):
    fit(None)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_user_callbacks_run_and_are_not_mutated():
    class CountEpochs(Callback):
        def initialize(self):
            self.epochs_ = 0
            return self

        def on_epoch_end(self, net, **kwargs):
            self.epochs_ += 1

    counter = CountEpochs()
    ae = fit([("count", counter)])
    assert dict(ae.net_.callbacks_)["count"].epochs_ == 6
    assert not hasattr(counter, "epochs_")


# ----------------------------------------------------- scikit-learn's callbacks

try:
    from sklearn import callback as sklearn_callback
except ImportError:  # scikit-learn < 1.9
    sklearn_callback = None
needs_sklearn_callbacks = pytest.mark.skipif(sklearn_callback is None,
                                             reason="scikit-learn < 1.9")

ALL = [
    AutoencoderTransformer, DenoisingAutoencoder, AutoencoderOutlierDetector,
    VariationalAutoencoder, AutoencoderImputer,
]


@needs_sklearn_callbacks
@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_sklearn_progress_bar_reports_every_estimator(cls, capsys):
    pytest.importorskip("rich")
    estimator = cls(hidden_layer_sizes=(8,), max_epochs=3, random_state=0)
    estimator.set_callbacks(sklearn_callback.ProgressBar()).fit(X_SMALL)
    assert f"{cls.__name__} - fit" in capsys.readouterr().out


class EpochTasks:
    """A scikit-learn callback counting tasks, asking to stop after ``stop_at`` epochs."""

    def __init__(self, stop_at=None):
        self.stop_at = stop_at
        self.begun, self.ended, self.codes = [], [], []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, *, X=None):
        self.begun.append(context.task_name)

    def on_fit_task_end(self, estimator, context, *, X=None, fitted_estimator=None):
        self.ended.append(context.task_name)
        if context.task_name == "epoch":
            self.codes.append(fitted_estimator.transform(X[:5]))
        return self.stop_at is not None and self.ended.count("epoch") >= self.stop_at


@needs_sklearn_callbacks
def test_sklearn_callbacks_see_one_task_per_epoch_and_can_stop_training():
    tasks = EpochTasks()
    ae = AutoencoderTransformer(**FAST).set_callbacks(tasks).fit(X_SMALL)
    assert tasks.begun == ["fit"] + ["epoch"] * ae.n_iter_
    assert tasks.ended == ["epoch"] * ae.n_iter_ + ["fit"]
    assert tasks.codes[0].shape == (5, 3)
    stopper = EpochTasks(stop_at=2)
    ae = AutoencoderTransformer(**{**FAST, "max_epochs": 50}).set_callbacks(stopper).fit(X_SMALL)
    assert ae.n_iter_ == 2


@needs_sklearn_callbacks
def test_sklearn_progress_bar_inside_pipeline_and_grid_search(capsys):
    pytest.importorskip("rich")
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    pipe = make_pipeline(StandardScaler(), AutoencoderTransformer(**FAST))
    search = GridSearchCV(pipe, {"autoencodertransformer__n_components": [2, 3]}, cv=2)
    search.set_callbacks(sklearn_callback.ProgressBar(max_propagation_depth=None))
    search.fit(X_SMALL)
    assert "AutoencoderTransformer - fit" in capsys.readouterr().out




def test_fits_without_scikit_learns_callbacks(monkeypatch):
    # What skae._compat provides on scikit-learn < 1.9: no callback context.
    monkeypatch.setattr(AutoencoderTransformer, "_init_callback_context",
                        lambda self, **kwargs: None)
    ae = fit(None)
    assert ae.n_iter_ == FAST["max_epochs"]


def test_best_weights_snapshot_is_a_copy_and_reuses_its_tensors():
    from skae._engine.callbacks import snapshot

    module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    first = snapshot(module)
    with torch.no_grad():
        module[0].weight.add_(1.0)
    assert not torch.equal(first["0.weight"], module[0].weight)  # not aliased
    tensor = first["0.weight"]
    second = snapshot(module, into=first)
    assert second is first and second["0.weight"] is tensor  # written in place
    assert torch.equal(second["0.weight"], module[0].weight)

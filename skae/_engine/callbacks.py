"""skae's own skorch callbacks: early stopping, divergence, progress, and the
bridge to scikit-learn's callbacks.

``BestWeights`` is skorch's ``EarlyStopping(load_best=True)`` plus what skae
adds: the weights training starts from (PCA's solution) count as a
candidate, and a loss that is NaN or infinite stops training. Both it and
``DivergenceGuard`` report ``best_epoch_`` (an epoch number of the net's
history), ``best_loss_`` and ``diverged_``.

A guard runs first in each epoch and restores the best weights first when
training ends, so the user's callbacks see the model skae returns (a
``TrainEndCheckpoint`` saves the restored weights). It does not stop
training itself: it raises ``stop_``, and ``StopWhenAsked``, the last
callback, ends the epoch loop once every other callback has seen the epoch.
"""

import copy

import numpy as np
import torch
from skorch.callbacks import Callback, EarlyStopping


class BestWeights(EarlyStopping):
    """Early stopping that also counts the weights training started from.

    The loss monitored is ``valid_loss`` when there is a validation set, else
    ``train_loss``. The validation loss of the initial weights is measured
    before the first epoch, so a model initialised from PCA is never
    returned worse than where it started on the validation rows. Training
    stops after ``patience`` epochs (None: never) without a relative
    improvement of ``threshold``, or at once when the monitored loss is not
    finite; the best weights seen are restored when training ends, however
    it ends.

    An epoch that does not beat the best weights so far (the initial ones
    included) has ``valid_loss_best`` False in the history: skorch marks the
    first epoch best whatever its loss, and ``Checkpoint`` would then save
    weights the estimator does not return.
    """

    def __init__(self, monitor="valid_loss", patience=20, threshold=1e-4, sink=print):
        super().__init__(
            monitor=monitor,
            patience=np.inf if patience is None else patience,
            threshold=threshold,
            threshold_mode="rel",
            lower_is_better=True,
            sink=sink,
            load_best=True,
        )

    def on_train_begin(self, net, **kwargs):
        super().on_train_begin(net, **kwargs)
        self.best_loss_ = np.inf
        self.diverged_ = self.stop_ = False
        self._baseline_taken = False

    def on_epoch_begin(self, net, dataset_valid=None, **kwargs):
        if self._baseline_taken:
            return
        # The weights as training found them (after a ``LoadInitState``, say).
        self._baseline_taken = True
        self.best_epoch_ = len(net.history) - 1  # this epoch's row is already there
        self.best_model_weights_ = snapshot(net.module_)
        if self.monitor == "valid_loss" and dataset_valid is not None:
            self.best_loss_ = _mean_loss(net, dataset_valid)
            self.dynamic_threshold_ = self._calc_new_threshold(self.best_loss_)
        # The training loss of an epoch is measured while the weights move, so
        # it is not comparable with a loss of the initial weights: those are
        # kept only as the fallback if training diverges at once.

    def on_epoch_end(self, net, **kwargs):
        # skorch's EarlyStopping.on_epoch_end, with the best weights copied
        # into the previous copy's tensors instead of deep-copied anew: on a
        # small table, where an epoch is a step or two, the deep copy was
        # about a third of the fit's time.
        current = net.history[-1, self.monitor]
        if not np.isfinite(current):
            self.diverged_ = self.stop_ = True
            return
        improved = self._is_score_improved(current)
        if not improved:
            self.misses_ += 1
        else:
            self.misses_ = 0
            self.best_loss_ = float(current)
            self.dynamic_threshold_ = self._calc_new_threshold(current)
            self.best_epoch_ = net.history[-1, "epoch"]
            self.best_model_weights_ = snapshot(net.module_, into=self.best_model_weights_)
        if not improved and net.history[-1].get(f"{self.monitor}_best"):
            net.history.record(f"{self.monitor}_best", False)
        if self.misses_ == self.patience:
            if net.verbose:
                self._sink(f"Stopping since {self.monitor} has not improved in the last "
                           f"{self.patience} epochs.", verbose=net.verbose)
            self.stop_ = True


def snapshot(module, into=None):
    """A copy of ``module.state_dict()``, written into the tensors of
    ``into`` (an earlier snapshot of the same module, in the same training)
    when given, instead of allocating new ones."""
    state = module.state_dict()
    if into is None:
        return copy.deepcopy(state)
    with torch.no_grad():
        for name, value in state.items():
            if isinstance(value, torch.Tensor):
                into[name].copy_(value)
            else:
                into[name] = copy.deepcopy(value)
    return into


def _mean_loss(net, dataset):
    """The net's loss on ``dataset``, averaged over its rows."""
    losses, sizes = [], []
    for batch in net.get_iterator(dataset, training=False):
        losses.append(net.validation_step(batch)["loss"].item())
        sizes.append(len(batch[0]))
    return float(np.average(losses, weights=sizes))


class DivergenceGuard(Callback):
    """Undo an epoch whose training loss is NaN or infinite, and stop.

    For training on a stream of chunks, where losses of different chunks do
    not compare and there is no best epoch to go back to: the last epoch
    that did not diverge counts as the best.
    """

    def on_train_begin(self, net, **kwargs):
        self.diverged_ = self.stop_ = False
        self.best_epoch_ = len(net.history)
        self.best_loss_ = np.inf

    def on_epoch_begin(self, net, **kwargs):
        self.state_ = snapshot(net.module_, into=getattr(self, "state_", None))

    def on_epoch_end(self, net, **kwargs):
        loss = net.history[-1, "train_loss"]
        if not np.isfinite(loss):
            self.diverged_ = self.stop_ = True
            net.module_.load_state_dict(self.state_)
            return
        self.best_epoch_, self.best_loss_ = net.history[-1, "epoch"], float(loss)

    def on_train_end(self, net, **kwargs):
        self.__dict__.pop("state_", None)


class FrozenInputColumns(Callback):
    """No updates to the weights from input columns that are constant on the
    training rows.

    Such a column tells the model nothing, yet its weights would move as a
    bias does (their gradient is the constant times the bias's), and a row
    where it varies, a validation row with a level no training row has, say,
    would then be encoded far off. The module's ``input_weights`` keep their
    starting values in those columns.
    """

    def __init__(self, columns):
        self.columns = columns

    def on_train_begin(self, net, **kwargs):
        self.weights_ = net.module_.input_weights()
        device = self.weights_[0].device if self.weights_ else "cpu"
        self.indices_ = torch.as_tensor(self.columns).nonzero().flatten().to(device)

    def on_grad_computed(self, net, named_parameters, **kwargs):
        for weight in self.weights_:
            if weight.grad is not None:
                weight.grad.index_fill_(1, self.indices_, 0.0)

    def on_train_end(self, net, **kwargs):
        del self.weights_, self.indices_  # the module's tensors: not kept twice


class StopWhenAsked(Callback):
    """The last callback: end the epoch loop when ``guard.stop_`` is set."""

    def __init__(self, guard):
        self.guard = guard

    def on_epoch_end(self, net, **kwargs):
        if self.guard.stop_:
            raise KeyboardInterrupt  # skorch's way to end fit_loop early


class WarmupCosine(Callback):
    """The learning rate of each training step: a linear warm-up to the
    optimizer's rate over the first ``warmup`` share of ``total_steps``, then
    a cosine decay to zero at ``total_steps``.

    The warm-up keeps AdamW's first steps, taken before its estimates of the
    gradients' scale have settled, from throwing the network off PCA's
    solution; the decay lets the last steps settle instead of jittering at
    the full rate. Each epoch's last rate is recorded as ``lr`` in the
    history.
    """

    def __init__(self, total_steps, warmup=0.05):
        self.total_steps = total_steps
        self.warmup = warmup

    def on_train_begin(self, net, **kwargs):
        self.peak_ = net.lr
        self.step_ = 0

    def rate(self, step):
        """The learning rate of training step ``step`` (counted from 0)."""
        total = max(self.total_steps, 1)
        warmup = self.warmup * total
        if step < warmup:
            return self.peak_ * (step + 1) / (warmup + 1)
        progress = min((step - warmup) / max(total - warmup, 1), 1.0)
        return self.peak_ * 0.5 * (1.0 + float(np.cos(np.pi * progress)))

    def on_batch_begin(self, net, training=False, **kwargs):
        if not training:
            return
        rate = self.rate(self.step_)
        for group in net.optimizer_.param_groups:
            group["lr"] = rate
        self.step_ += 1

    def on_epoch_end(self, net, **kwargs):
        net.history.record("lr", float(self.rate(max(self.step_ - 1, 0))))


class EpochProgressBar(Callback):
    """A tqdm bar over epochs showing the latest losses (``verbose=1``)."""

    def __init__(self, total):
        self.total = total

    def on_train_begin(self, net, **kwargs):
        from tqdm.auto import tqdm

        self.bar_ = tqdm(total=self.total, unit="epoch", leave=True)

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        postfix = {k: f"{row[k]:.4g}" for k in ("train_loss", "valid_loss") if k in row}
        self.bar_.set_postfix(postfix, refresh=False)
        self.bar_.update(1)

    def on_train_end(self, net, **kwargs):
        self.bar_.close()
        del self.bar_  # a tqdm bar holds its output stream: keep the net picklable


class SklearnCallbacks(Callback):
    """Report each epoch to scikit-learn's callbacks, as a task of the fit.

    ``context`` is the estimator's root callback context
    (``_init_callback_context``); each epoch is one of its subtasks. A hook
    that asks to stop ends training as early stopping does. The estimator
    handed to the hooks as ``fitted_estimator`` is a copy that encodes and
    decodes with the weights of that epoch.
    """

    def __init__(self, estimator, context, X):
        self.estimator = estimator
        self.context = context
        self.X = X

    def on_epoch_begin(self, net, **kwargs):
        self.task_ = self.context.subcontext(task_name="epoch")
        self.task_.call_on_fit_task_begin(estimator=self.estimator, X=self.X)

    def on_epoch_end(self, net, **kwargs):
        stop = self.task_.call_on_fit_task_end(
            estimator=self.estimator, X=self.X,
            reconstruction_attributes=lambda: {"net_": net},
        )
        if stop:
            raise KeyboardInterrupt  # skorch's way to end fit_loop early

    def on_train_end(self, net, **kwargs):
        # Drop the references: the net outlives the fit, the context does not.
        self.estimator = self.context = self.X = self.task_ = None

"""The skorch engine inside skae's estimators.

``AutoencoderNet`` is a ``skorch.NeuralNet`` that trains on one pre-made
float32 tensor: batches are sliced from it by index instead of being
collated row by row, the target is the input itself, and the loss is
computed by a ``ReconstructionLoss`` criterion. Subclasses and penalties
extend ``get_loss``; the estimators never copy the training loop.
"""

import copy

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, EpochTimer, PrintLog
from skorch.utils import TeeGenerator
from torch import nn
from torch.nn import functional as F


class RowsDataset(torch.utils.data.Dataset):
    """Rows ``indices`` of the tensor ``X`` (all rows when ``indices`` is None).

    The target is ``X`` itself unless ``target`` is given. Holding indices
    rather than a copy keeps a single float32 copy of the training data
    however it is split.
    """

    def __init__(self, X, indices=None, target=None):
        self.X = X
        self.indices = indices
        self.target = X if target is None else target

    def __len__(self):
        return len(self.X) if self.indices is None else len(self.indices)

    def __getitem__(self, i):
        j = i if self.indices is None else self.indices[i]
        return self.X[j], self.target[j]


class BatchIterator:
    """Yield ``(X_batch, X_batch)`` slices of a ``RowsDataset``.

    Each pass draws a fresh permutation from torch's global generator when
    ``shuffle`` is true, so a seeded fit is reproducible.
    """

    def __init__(self, dataset, batch_size, shuffle=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __len__(self):
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        X, target, indices = self.dataset.X, self.dataset.target, self.dataset.indices
        n = len(self.dataset)
        if self.shuffle:
            order = torch.randperm(n)
            if indices is not None:
                order = indices[order]
        elif indices is not None:
            order = indices
        else:
            for start in range(0, n, self.batch_size):
                stop = start + self.batch_size
                yield X[start:stop], target[start:stop]
            return
        order = order.to(X.device)
        for start in range(0, n, self.batch_size):
            rows = order[start : start + self.batch_size]
            batch = X.index_select(0, rows)
            yield batch, (batch if target is X else target.index_select(0, rows))


class IndexSplit:
    """A skorch ``train_split`` that cuts a ``RowsDataset`` by fixed indices."""

    def __init__(self, train_indices, valid_indices):
        self.train_indices = torch.as_tensor(train_indices, dtype=torch.long)
        self.valid_indices = torch.as_tensor(valid_indices, dtype=torch.long)

    def __call__(self, dataset, y=None, **fit_params):
        return (
            RowsDataset(dataset.X, self.train_indices, dataset.target),
            RowsDataset(dataset.X, self.valid_indices, dataset.target),
        )


def float32_copy(values):
    """A float32 tensor copy of an array or tensor, never sharing its memory."""
    if isinstance(values, torch.Tensor):
        return values.detach().to(torch.float32).clone()
    return torch.from_numpy(np.array(values, dtype=np.float32))


class ReconstructionLoss(nn.Module):
    """Mean reconstruction loss between the decoder output and its input.

    The network sees standardised data ``x_s = (x - mean) / scale``.

    - ``"mse"``: squared error weighted per feature by ``weight``. With
      ``weight`` proportional to ``scale**2`` this is the squared error in the
      units of the original data, up to a constant factor: the objective PCA
      minimises. With equal weights, every standardised feature counts alike.
    - ``"bce"``: binary cross-entropy between ``sigmoid(output)`` and the
      original data, which must lie in [0, 1].
    """

    def __init__(self, loss, mean, scale, weight):
        super().__init__()
        self.loss = loss
        self.register_buffer("mean", float32_copy(mean))
        self.register_buffer("scale", float32_copy(scale))
        self.register_buffer("weight", float32_copy(weight))

    def elementwise(self, output, target):
        """The loss of every entry (weighted squared error, or cross-entropy)."""
        if self.loss == "bce":
            raw = (target * self.scale + self.mean).clamp(0.0, 1.0)
            return F.binary_cross_entropy_with_logits(output, raw, reduction="none")
        return self.weight * (output - target) ** 2

    def forward(self, output, target):
        return torch.mean(self.elementwise(output, target))


class MaskedReconstructionLoss(ReconstructionLoss):
    """``ReconstructionLoss`` averaged over the observed entries: NaN targets are skipped."""

    def forward(self, output, target):
        observed = ~torch.isnan(target)
        losses = self.elementwise(output, torch.nan_to_num(target))
        return torch.sum(torch.where(observed, losses, 0.0)) / observed.sum().clamp(min=1)


class AutoencoderNet(NeuralNet):
    """``NeuralNet`` over a ``RowsDataset`` whose module returns ``(x_hat, z)``.

    With a ``corruption`` (a callable on batches), training batches are
    corrupted afresh at every step while their targets stay clean, and the
    validation rows are corrupted once, so that every epoch is validated on
    the same denoising task. ``penalties`` are callables
    ``penalty(code, X, module, training)`` whose scalar results are added to
    the reconstruction loss, in training and in validation.
    """

    def __init__(self, *args, corruption=None, penalties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.corruption = corruption
        self.penalties = penalties

    def get_params_for_optimizer(self, prefix, named_parameters):
        """The optimizer's parameter groups, with weight decay only on the
        module's ``decayed_weights()`` (the nonlinear networks' weights)."""
        args, kwargs = super().get_params_for_optimizer(prefix, named_parameters)
        if prefix != "optimizer" or not hasattr(self.module_, "decayed_weights"):
            return args, kwargs
        decayed = {id(p) for p in self.module_.decayed_weights()}
        default = kwargs.pop("weight_decay", 0.0)
        groups = []
        for group in args[0]:
            decay = group.get("weight_decay", default)
            for params, weight_decay in (
                ([p for p in group["params"] if id(p) in decayed], decay),
                ([p for p in group["params"] if id(p) not in decayed], 0.0),
            ):
                if params:
                    groups.append({**group, "params": params, "weight_decay": weight_decay})
        return (groups,), kwargs

    def get_dataset(self, X, y=None):
        if isinstance(X, RowsDataset):
            return X
        return RowsDataset(X)

    def get_iterator(self, dataset, training=False):
        batch_size = self.batch_size if training else max(self.batch_size, 4096)
        return BatchIterator(dataset, batch_size, shuffle=training)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        reconstruction = y_pred[0] if isinstance(y_pred, tuple) else y_pred
        return self.criterion_(reconstruction, y_true) + self.penalty_loss(y_pred, X, training)

    def penalty_loss(self, y_pred, X, training=False):
        """The sum of the penalties at the code ``y_pred[1]`` of the input ``X``."""
        total = 0.0
        for penalty in self.penalties:
            total = total + penalty(y_pred[1], X, self.module_, training)
        return total

    # Speed: skorch records every batch in the history and notifies every
    # callback of every batch. Here losses are summed on the device and
    # recorded once per epoch (as ``train_loss`` / ``valid_loss``, which
    # skorch's scoring callbacks would otherwise compute), and batch hooks
    # are called only for callbacks that implement them.

    def get_default_callbacks(self):
        return [("epoch_timer", EpochTimer()), ("print_log", PrintLog())]

    def initialize_callbacks(self):
        super().initialize_callbacks()
        self._batch_hooks = {
            hook: [cb for _, cb in self.callbacks_ if _overrides(cb, hook)]
            for hook in ("on_batch_begin", "on_batch_end", "on_grad_computed")
        }
        return self

    def _notify_batch(self, hook, **kwargs):
        for cb in self._batch_hooks[hook]:
            getattr(cb, hook)(self, **kwargs)

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        if iterator is None:
            return
        total, n_rows, n_batches = 0.0, 0, 0
        for batch in iterator:
            self._notify_batch("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            size = len(batch[0])
            total = total + step["loss"].detach() * size
            n_rows += size
            n_batches += 1
            self._notify_batch("on_batch_end", batch=batch, training=training, **step)
        self.history.record(prefix + "_loss", float(total / max(n_rows, 1)))
        self.history.record(prefix + "_batch_count", n_batches)

    def train_step(self, batch, **fit_params):
        # One optimizer, no closure: skae always trains with AdamW.
        self.optimizer_.zero_grad(set_to_none=True)
        step = self.train_step_single(batch, **fit_params)
        if self._batch_hooks["on_grad_computed"]:
            params = TeeGenerator(self.get_all_learnable_params())
            self._notify_batch("on_grad_computed", named_parameters=params, batch=batch,
                               training=True)
        self.optimizer_.step()
        return step

    def _set_training(self, training=True):
        # skorch calls this at every step; walking the module tree once per
        # change of mode is enough.
        if self.module_.training != training:
            super()._set_training(training)

    def get_split_datasets(self, X, y=None, **fit_params):
        dataset_train, dataset_valid = super().get_split_datasets(X, y, **fit_params)
        if self.corruption is not None and dataset_valid is not None:
            rows = dataset_valid.indices
            clean, target = dataset_valid.X[rows], dataset_valid.target[rows]
            dataset_valid = RowsDataset(self.corruption(clean), target=target)
        return dataset_train, dataset_valid

    def train_step_single(self, batch, **fit_params):
        if self.corruption is not None:
            Xi, yi = batch
            batch = (self.corruption(Xi), yi)
        return super().train_step_single(batch, **fit_params)


def _overrides(callback, hook):
    """Whether ``callback`` implements ``hook`` rather than inheriting the no-op."""
    return getattr(type(callback), hook, None) is not getattr(Callback, hook)


class VariationalNet(AutoencoderNet):
    """``AutoencoderNet`` whose loss is the negative ELBO, divided by the width.

    The module returns ``(x_hat, mean, log_var)`` and has a learned decoder
    log-variance ``log_sigma2``; ``beta`` weighs the KL divergence from the
    standard normal prior.
    """

    def __init__(self, *args, beta=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.beta = beta

    def get_loss(self, y_pred, y_true, X=None, training=False):
        return torch.mean(self.row_losses(y_pred, y_true)) + self.penalty_loss(
            y_pred, X, training
        )

    def row_losses(self, y_pred, y_true):
        """Negative ELBO of each row, per feature (constants dropped)."""
        x_hat, mean, log_var = y_pred
        n_features = x_hat.shape[1]
        nll = self.criterion_.elementwise(x_hat, y_true).sum(1)
        if self.criterion_.loss == "mse":
            log_s2 = self.module_.log_sigma2
            nll = 0.5 * (nll * torch.exp(-log_s2) + n_features * log_s2)
        kl = 0.5 * torch.sum(mean**2 + torch.exp(log_var) - 1.0 - log_var, dim=1)
        return (nll + self.beta * kl) / n_features


class BestWeights(Callback):
    """Early stopping that also counts the weights training started from.

    The loss monitored is ``valid_loss`` when there is a validation set, else
    ``train_loss``. The validation loss of the initial weights is measured
    before the first epoch, so a model initialised from PCA is never
    returned worse than where it started on the validation rows.
    Training stops after ``patience`` epochs without a relative improvement
    of ``tol``; the best weights seen are restored when training ends,
    however it ends.
    """

    def __init__(self, patience=20, tol=1e-4, monitor="valid_loss"):
        self.patience = patience
        self.tol = tol
        self.monitor = monitor

    def initialize(self):
        self.best_loss_ = np.inf
        self.best_epoch_ = 0
        self.best_state_ = None
        self.wait_ = 0
        self.diverged_ = False
        return self

    def _initial_loss(self, net, dataset):
        losses, sizes = [], []
        for batch in net.get_iterator(dataset, training=False):
            losses.append(net.validation_step(batch)["loss"].item())
            sizes.append(len(batch[0]))
        return float(np.average(losses, weights=sizes))

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        if self.best_state_ is not None:
            return
        self.best_state_ = copy.deepcopy(net.module_.state_dict())
        self.best_epoch_ = 0
        if self.monitor == "valid_loss":
            self.best_loss_ = self._initial_loss(net, dataset_valid)
        # The training loss of an epoch is measured while the weights move, so
        # it is not comparable with a loss of the initial weights: those are
        # kept only as the fallback if training diverges at once.

    def on_epoch_end(self, net, **kwargs):
        current = net.history[-1, self.monitor]
        if not np.isfinite(current):
            self.diverged_ = True
            raise KeyboardInterrupt  # stop and restore the best weights
        if current < self.best_loss_ * (1.0 - self.tol):
            self.best_loss_ = current
            self.best_epoch_ = len(net.history)
            self.best_state_ = copy.deepcopy(net.module_.state_dict())
            self.wait_ = 0
        else:
            self.wait_ += 1
        if self.patience is not None and self.wait_ >= self.patience:
            raise KeyboardInterrupt  # skorch's way to end fit_loop early

    def on_train_end(self, net, **kwargs):
        if self.best_state_ is not None:
            net.module_.load_state_dict(self.best_state_)


class DivergenceGuard(Callback):
    """Undo an epoch whose training loss is NaN or infinite, and stop.

    For training on a stream of chunks, where losses of different chunks do
    not compare and there is no best epoch to go back to.
    """

    def initialize(self):
        self.diverged_ = False
        return self

    def on_train_begin(self, net, **kwargs):
        self.diverged_ = False

    def on_epoch_begin(self, net, **kwargs):
        self.state_ = copy.deepcopy(net.module_.state_dict())

    def on_epoch_end(self, net, **kwargs):
        if not np.isfinite(net.history[-1, "train_loss"]):
            self.diverged_ = True
            net.module_.load_state_dict(self.state_)
            raise KeyboardInterrupt  # skorch's way to end fit_loop early

    def on_train_end(self, net, **kwargs):
        self.__dict__.pop("state_", None)


class EpochProgressBar(Callback):
    """A tqdm bar over epochs showing the latest losses."""

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

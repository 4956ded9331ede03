"""The skorch net that trains skae's modules.

``AutoencoderNet`` is a ``skorch.NeuralNet`` extended in skorch's own small
steps: ``get_iterator`` slices batches from one pre-made float32 tensor
(``data.BatchIterator``), ``get_loss`` adds the penalties,
``train_step_single`` corrupts the training batch while its target stays
clean, and ``get_params_for_optimizer`` decays only the nonlinear networks'
weights. Three steps are rewritten for speed, keeping what skorch's
callbacks read: ``train_step`` runs skorch's step without handing a closure
to the optimizer (AdamW calls it once), ``notify`` sends the per-step hooks
only to the callbacks that implement them, and ``_set_training`` walks the
module tree only when the mode changes. skorch's epoch loop, default
callbacks and history are its own, so every skorch callback finds what it
reads (per-batch losses, the ``*_best`` flags). Subclasses and penalties
extend ``get_loss``; the estimators never copy the training loop.
"""

import torch
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.utils import TeeGenerator

from .data import BatchIterator, RowsDataset
from .torch_utils import current_generator


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
        # Slices of one tensor instead of a DataLoader collating rows; the
        # training order is drawn from the fit's own generator.
        batch_size = self.batch_size if training else max(self.batch_size, 4096)
        return BatchIterator(dataset, batch_size, shuffle=training,
                             generator=current_generator())

    def get_loss(self, y_pred, y_true, X=None, training=False):
        reconstruction = y_pred[0] if isinstance(y_pred, tuple) else y_pred
        return self.criterion_(reconstruction, y_true) + self.penalty_loss(y_pred, X, training)

    def penalty_loss(self, y_pred, X, training=False):
        """The sum of the penalties at the code ``y_pred[1]`` of the input ``X``."""
        total = 0.0
        for penalty in self.penalties:
            total = total + penalty(y_pred[1], X, self.module_, training)
        return total

    #: The hooks skorch calls at every step, on the net and its callbacks.
    _STEP_HOOKS = ("on_batch_begin", "on_batch_end", "on_grad_computed")

    def initialize_callbacks(self):
        super().initialize_callbacks()
        self._step_listeners = {
            hook: [cb for _, cb in self.callbacks_ if _implements(cb, hook)]
            for hook in self._STEP_HOOKS
        }
        return self

    def notify(self, method_name, **cb_kwargs):
        # The per-step hooks go to the net itself (which starts each batch's
        # history row) and to the callbacks that implement them, in their
        # order; calling the others' no-ops costs about 3% of a small step.
        listeners = getattr(self, "_step_listeners", {}).get(method_name)
        if listeners is None:
            return super().notify(method_name, **cb_kwargs)
        getattr(self, method_name)(self, **cb_kwargs)
        for callback in listeners:
            getattr(callback, method_name)(self, **cb_kwargs)
        return None

    def train_step(self, batch, **fit_params):
        # skorch's step, without passing the forward and backward to the
        # optimizer as a closure: AdamW calls it once, so the closure only
        # adds its wrapping. The hooks and the returned step are skorch's.
        self._zero_grad_optimizer()
        step = self.train_step_single(batch, **fit_params)
        self.notify("on_grad_computed",
                    named_parameters=TeeGenerator(self.get_all_learnable_params()),
                    batch=batch, training=True)
        self._step_optimizer(None)
        return step

    def _set_training(self, training=True):
        # skorch calls this at every step, and walking the module tree costs
        # about 8% of a small network's step: walk it once per change of mode.
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


def _implements(callback, hook):
    """Whether ``callback`` has its own ``hook`` rather than ``Callback``'s no-op."""
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
        entries = self.criterion_.elementwise(x_hat, y_true)
        blocks = self.criterion_.blocks
        categorical = 0.0
        if blocks is not None:
            # A categorical block's cross-entropy is its own likelihood; the
            # Gaussian's variance is that of the numeric columns.
            categorical = entries[:, blocks.categorical].sum(1)
            entries = entries[:, ~blocks.categorical]
        nll = entries.sum(1)
        if self.criterion_.loss == "mse":
            log_s2 = self.module_.log_sigma2
            nll = 0.5 * (nll * torch.exp(-log_s2) + entries.shape[1] * log_s2)
        nll = nll + categorical
        kl = 0.5 * torch.sum(mean**2 + torch.exp(log_var) - 1.0 - log_var, dim=1)
        return (nll + self.beta * kl) / n_features

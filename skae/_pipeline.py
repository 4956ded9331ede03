"""The training pipeline of ``fit`` and ``partial_fit``, as named steps.

prepare (validate the data; settle the scaling, the code, the seed, the
split and the budget) -> build (the module, started at PCA, and the skorch
net) -> train (under the fit's own generator and a thread setting shared
with concurrent fits) -> record (history, fitted statistics). The steps call
``BaseAutoencoder``'s hooks; nothing here is meant to be overridden.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from sklearn.utils import check_random_state

from ._engine.callbacks import BestWeights, DivergenceGuard
from ._engine.data import RowsDataset
from ._engine.torch_utils import (
    fit_generator,
    global_rng_untouched,
    new_generator,
    reset_parameters,
    resolve_device,
    torch_threads,
    training_threads,
)
from ._principal import NO_PRINCIPAL_MAP, PrincipalMap
from ._start import start_module
from ._training import (
    constant_columns,
    draw_seed,
    epoch_budget,
    record_history,
    resolve_weight_decay,
    stats_rows,
    steps_per_epoch,
    training_callbacks,
    validation_split,
)
from ._validation import (
    check_data_range,
    check_hidden_layer_sizes,
    check_image_shape,
    check_penalty,
    check_same_architecture,
)


@dataclass
class _Run:
    """What one call of ``fit`` or ``partial_fit`` trains on, and how."""

    X: Any  # validated training rows
    X_scaled: Any  # their float32 network input
    Y_scaled: Any  # the decoder's targets (None: the input)
    held_out: Any  # what ``_hold_out`` kept aside (or None)
    seed: int
    device: str
    streaming: bool
    resume: bool
    hidden: tuple
    penalties: list
    split: Any = None
    epochs: int = 1
    patience: Any = None
    axes: Any = None  # the PCA start's principal axes, when already computed
    context: Any = None  # scikit-learn's callback context


class TrainingPipelineMixin:
    """``_train``, the steps of one training run, for ``BaseAutoencoder``."""

    def _train(self, X, y=None, *, resume, epochs):
        """The one training pipeline of ``fit`` and ``partial_fit``.

        ``epochs=None`` is ``fit``: a new net, early stopping on a validation
        split within the epoch budget. An int is ``partial_fit``: that many
        passes over all rows of ``X``, continuing the streaming net and its
        optimizer. ``resume`` continues the fitted network. ``y`` holds the
        targets of an estimator whose ``_validate_data`` hook takes them
        (otherwise it is ignored: the target is the input).
        """
        run = self._prepare(X, y, resume=resume, epochs=epochs)
        with fit_generator(new_generator(run.seed, run.device)):
            net = self._build(run)
            n_before = len(net.history)
            with torch_threads(training_threads(net.module_, self.batch_size, run.device)):
                net.partial_fit(self._training_data(run), epochs=run.epochs)
        self._record(net, run, n_before)

    def _prepare(self, X, y, *, resume, epochs):
        """Validate the data and settle what this run trains: the scaling,
        code and start of a new model, the seed, the split and the budget."""
        streaming = epochs is not None
        X, Y = self._validate_data(X, y, reset=not resume)
        check_data_range(self.loss, X if Y is None else Y, "X" if Y is None else "y")
        self._check_params()
        rng = check_random_state(self.random_state)
        X, held_out = self._hold_out(X, y, rng)
        hidden = self._check_same_architecture() if resume else self._setup(X, Y)
        run = _Run(X=X, X_scaled=None, Y_scaled=None, held_out=held_out, seed=0,
                   device=resolve_device(self.device), streaming=streaming, resume=resume,
                   hidden=hidden, penalties=check_penalty(self.penalty), epochs=epochs)
        self._schedule(run, rng)
        run.X_scaled = self._scale(X)
        if Y is not None:
            center, scale = self._output_scaling
            run.Y_scaled = ((Y - center) / scale).astype(np.float32)
        if not resume:
            self._principal = NO_PRINCIPAL_MAP
            if not streaming and self._wants_principal_map(hidden):
                self._principal, run.axes = PrincipalMap.fit(
                    run.X_scaled, self._loss_weights(), self.n_components_
                )
        if run.Y_scaled is None and self._principal.active:
            run.Y_scaled = self._principal.targets(run.X_scaled)
        run.context = self._init_callback_context(max_subtasks=run.epochs)
        if run.context is not None:
            run.context.call_on_fit_task_begin(estimator=self, X=X)
        return run

    def _schedule(self, run, rng):
        """The run's seed, validation split and epoch budget. Each chunk of a
        stream has a seed of its own, so a sequence of calls is reproducible."""
        if run.streaming:
            if not run.resume:
                self._stream_seed, self._n_chunks = draw_seed(rng), 0
            run.seed = self._stream_seed + self._n_chunks
            return
        run.seed = draw_seed(rng)
        run.split = validation_split(len(run.X), self.early_stopping,
                                     self.validation_fraction, rng)
        per_epoch = steps_per_epoch(len(run.X), run.split, self.batch_size)
        patience = self.n_iter_no_change if self.early_stopping else None
        run.epochs, run.patience = epoch_budget(self.max_epochs, patience, per_epoch,
                                                self._step_budget())
        if not run.resume:
            self._stream_seed, self._n_chunks = run.seed, 0

    def _build(self, run):
        """The initialised skorch net of this run: the streaming net, which
        goes on with its optimizer, or a new one around a new module (the
        fitted one, with ``warm_start``)."""
        if run.streaming and getattr(self, "_streaming", False):
            return self.net_
        module = self.net_.module_ if run.resume else self._new_module(run)
        frozen = None if run.streaming else constant_columns(run.X_scaled, run.split, module)
        if run.streaming:
            guard = DivergenceGuard()
        else:
            monitor = "train_loss" if run.split is None else "valid_loss"
            guard = BestWeights(monitor=monitor, patience=run.patience, threshold=self.tol)
        total_steps = None
        if self.learning_rate_schedule == "cosine" and not run.streaming:
            total_steps = run.epochs * steps_per_epoch(len(run.X), run.split, self.batch_size)
        callbacks = training_callbacks(self, run.X, run.context, guard=guard,
                                       total_steps=total_steps, max_epochs=run.epochs,
                                       frozen=frozen)
        return self._build_net(
            module, run.device, train_split=run.split, max_epochs=run.epochs,
            callbacks=callbacks, corruption=self._corruption(run.X, run.device),
            penalties=run.penalties,
        ).initialize()

    @staticmethod
    def _training_data(run):
        """The ``RowsDataset`` of the run: its scaled rows on its device, and
        their targets (None: the rows themselves; NaN in the imputer's rows
        are missing entries, which the module takes as such)."""
        def tensor(array):
            return torch.from_numpy(array).to(run.device)

        target = None if run.Y_scaled is None else tensor(run.Y_scaled)
        return RowsDataset(tensor(run.X_scaled), target=target)

    def _record(self, net, run, n_before):
        """Keep the trained net; set the history and the fitted statistics."""
        self.net_, self._streaming = net, run.streaming
        if run.streaming:
            self._n_chunks += 1
        record_history(self, net, n_before, append=run.resume)
        self._measure_code(run.X, run.split)
        X = stats_rows(run.X, self._stream_seed + self._n_chunks) if run.streaming else run.X
        self._after_fit(X, run.held_out)
        if run.context is not None:
            run.context.call_on_fit_task_end(estimator=self, X=run.X)

    def _new_module(self, run):
        """A new module for the run's hidden layers, its weights drawn from a
        generator seeded with the run's seed, started at PCA (with targets,
        reduced-rank regression) with ``init="pca"``."""
        self._module_args = self._architecture(
            len(self.scale_), run.hidden, self.n_components_, self._image_shape
        )
        with global_rng_untouched():
            module = self._module_class(**self._module_args)
        reset_parameters(module, new_generator(run.seed, "cpu"))
        if self.init == "pca":
            X_init = np.nan_to_num(run.X_scaled) if self._allow_nan else run.X_scaled
            output = self._output_columns
            start_module(
                module, X_init, weight=self._pca_weights(), n_components=self.n_components_,
                tied=self._tied_weights, loss=self.loss, output_scaling=self._output_scaling,
                blocks=None if output.is_identity else output.layout.blocks,
                principal=self._principal, Y_scaled=run.Y_scaled, axes=run.axes,
            )
        self._kind_weight = self._output_columns.kind_weights(
            module, run.X_scaled, self.loss, *self._output_scaling
        )
        return module

    def _build_net(self, module, device, *, train_split=None, max_epochs=1, callbacks=(),
                   corruption=None, penalties=()):
        """The skorch net that trains ``module`` (not initialised)."""
        return self._net_class(
            module=module,
            criterion=self._criterion(),
            optimizer=torch.optim.AdamW,
            lr=self.learning_rate,
            optimizer__weight_decay=resolve_weight_decay(self.weight_decay, penalties),
            # One fused kernel per step instead of a loop over parameters.
            optimizer__fused=True,
            max_epochs=max_epochs,
            batch_size=self.batch_size,
            train_split=train_split,
            callbacks=list(callbacks),
            device=device,
            verbose=int(self.verbose >= 2),
            # skorch's PrintLog formats its table every epoch, printed or not.
            **({} if self.verbose >= 2 else {"callbacks__print_log": None}),
            corruption=corruption,
            penalties=penalties,
            **self._net_params(),
        )

    def _check_same_architecture(self):
        """With ``warm_start``: the fitted hidden sizes, if the parameters still
        describe the fitted network, else a ValueError naming what changed."""
        hidden = check_hidden_layer_sizes(self.hidden_layer_sizes, self.image_shape)
        n_features = len(self.scale_)  # the encoded width, for mixed tables
        wanted = self._architecture(
            n_features, hidden, self._resolve_n_components(n_features),
            check_image_shape(self.image_shape, n_features),
        )
        check_same_architecture(self._module_args, wanted)
        return hidden

    def _wants_principal_map(self, hidden):
        """Whether the decoder may rebuild a wide table's principal coordinates."""
        return bool(self._rebuilds_principal_coordinates and hidden and self.loss == "mse"
                    and self._columns.is_identity and self._image_shape is None
                    and not self._tied_weights)

"""The base estimator every skae autoencoder shares.

``BaseAutoencoder`` owns the parameters and their constraints, one training
pipeline used by ``fit`` and ``partial_fit`` (prepare -> build -> train ->
record) and encoding, decoding and per-row reconstruction error for its
subclasses. Subclasses add public methods and override the hooks (the
methods and class attributes documented as such: ``_setup``,
``_architecture``, ``_init_module``, ``_criterion``, ``_corruption``,
``_training_data``, ``_after_fit``, ``_net_class``, ``_module_class``, ...).
Torch helpers, scaling, shared docs and persistence live in modules of
their own.
"""

import copy
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state, metadata_routing
from sklearn.utils.validation import check_array, check_is_fitted
from skorch.callbacks import Callback, LRScheduler

from ._callbacks import (
    BestWeights,
    DivergenceGuard,
    EpochProgressBar,
    FrozenInputColumns,
    SklearnCallbacks,
    StopWhenAsked,
    WarmupCosine,
)
from ._compat import CallbackSupportMixin, Interval, RealNotInt, StrOptions, _fit_context
from ._data import IndexSplit, RowsDataset
from ._losses import Blocks, ReconstructionLoss
from ._modules import ACTIVATIONS, Autoencoder
from ._net import AutoencoderNet
from ._persistence import NetStateMixin
from ._scaling import fit_scaler, pca_init, principal_axes, reduced_rank_init
from ._torch_utils import (
    as_tensor,
    fit_generator,
    global_rng_untouched,
    new_generator,
    reset_parameters,
    resolve_device,
    torch_dtype,
    torch_threads,
    training_threads,
)
from ._validation import check_X

#: Rows per forward pass at inference time.
INFERENCE_BATCH_SIZE = 8192
#: Inference batches are padded to at least this many rows: on CPU, tiny
#: matrix products take other kernels whose float32 rounding differs, and a
#: row's output must not depend on how many rows came with it.
MIN_INFERENCE_ROWS = 64
#: With ``max_epochs="auto"``, train for about this many optimizer steps.
AUTO_STEPS = 3000
AUTO_MIN_EPOCHS, AUTO_MAX_EPOCHS = 10, 1000
#: With ``max_epochs="auto"``, early stopping waits at least this many
#: optimizer steps, however few steps an epoch has.
AUTO_MIN_PATIENCE_STEPS = 300
#: The network beside the linear path sees scaled inputs clipped to
#: +-NETWORK_INPUT_CLIP (for standard scaling, standard deviations); the
#: linear path carries values beyond it. A network trained on a handful of
#: such values extrapolates wildly from them (docs/design_notes.md).
NETWORK_INPUT_CLIP = 10.0
#: ``weight_decay="auto"`` without a penalty that asks for more
#: (``skae.penalties.BasePenalty._auto_weight_decay``).
AUTO_WEIGHT_DECAY = 0.3
#: Early stopping validates on at least this many rows (at most n / 4).
MIN_VALID_ROWS = 50
#: ``hidden_layer_sizes="auto"``: the widths of fully connected layers; with
#: ``image_shape`` the same numbers, in increasing order, are the channels.
AUTO_HIDDEN = (128, 64)
#: ``partial_fit`` computes the fitted statistics (``reconstruction_error_``,
#: the detector's threshold) on at most this many rows of its chunk.
PARTIAL_FIT_STATS_ROWS = 20_000
#: A wide table's decoder rebuilds the principal directions holding all but
#: this share of the variance, when they are at most half the columns
#: (``BaseAutoencoder._principal_map``).
PRINCIPAL_TAIL = 1e-3


def _draw_seed(rng):
    return int(rng.randint(np.iinfo(np.int32).max))


def _fresh(callback):
    """A new instance of a user's callback (or ``(name, callback)``), so that
    training never changes the user's object. A skorch callback is rebuilt
    from its parameters, which it shares with the user's (a TensorBoard
    writer, a Checkpoint to load from); anything else is deep-copied."""
    if isinstance(callback, tuple):
        return (callback[0], _fresh(callback[1]))
    if isinstance(callback, Callback) and not isinstance(callback, type):
        return type(callback)(**callback.get_params(deep=False))
    return copy.deepcopy(callback)


class BaseAutoencoder(NetStateMixin, CallbackSupportMixin, BaseEstimator):
    """Parameters, training and inference shared by skae's estimators.

    Not meant to be used directly: see ``AutoencoderTransformer``.
    """

    # ``partial_fit``'s ``epochs`` is an option of the call, not metadata for
    # meta-estimators to route (and no ``set_partial_fit_request`` is made).
    __metadata_request__partial_fit = {"epochs": metadata_routing.UNUSED}

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like", StrOptions({"auto"})],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "loss": [StrOptions({"mse", "bce"})],
        "scaling": [StrOptions({"standard", "robust", "minmax"}), None],
        "handle_unknown": [StrOptions({"error", "ignore"})],
        "min_frequency": [Interval(Integral, 1, None, closed="left"),
                          Interval(RealNotInt, 0, 1, closed="neither"), None],
        "max_categories": [Interval(Integral, 2, None, closed="left"), None],
        "init": [StrOptions({"pca", "random"})],
        "linear_path": ["boolean"],
        "penalty": [callable, list, None],
        "tied_weights": ["boolean"],
        "image_shape": [tuple, None],
        "ordered": ["boolean"],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_schedule": [StrOptions({"cosine", "constant"})],
        "weight_decay": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "device": [str],
        "callbacks": [list, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_components=2,
        *,
        hidden_layer_sizes="auto",
        activation="relu",
        loss="mse",
        scaling="standard",
        handle_unknown="error",
        min_frequency=None,
        max_categories=30,
        init="pca",
        linear_path=True,
        penalty=None,
        tied_weights=False,
        image_shape=None,
        ordered=False,
        learning_rate=3e-3,
        learning_rate_schedule="cosine",
        weight_decay="auto",
        batch_size=256,
        max_epochs="auto",
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=20,
        tol=1e-4,
        warm_start=False,
        device="auto",
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        self._store_params(locals())

    def _store_params(self, params):
        """The body of every ``__init__``: store each parameter, unchanged.

        ``params`` is the ``__init__``'s ``locals()``; its signature lists the
        parameters (scikit-learn reads them from it), so subclasses that add a
        parameter write the signature only, not a second list of assignments.
        """
        for name, value in params.items():
            if name not in ("self", "__class__"):
                setattr(self, name, value)

    # ---------------------------------------------------------------- fit

    def _fit(self, X, y=None):
        """The body of ``fit``: train a new network, or with ``warm_start``
        the fitted one, with early stopping. Returns the validated ``X``."""
        return self._train(X, y, resume=self.warm_start and hasattr(self, "net_"), epochs=None)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, epochs=1):
        """Train on one chunk of rows, continuing from the previous calls.

        The first call (on an unfitted estimator) settles the feature scaling,
        the code size and the starting point (PCA's solution of this chunk
        with ``init="pca"``), so it should be a representative chunk: rows
        in random order, not sorted. Each call then trains ``epochs`` passes
        over its chunk with all rows (no early stopping; ``max_epochs`` does
        not apply), keeping the optimizer's state between calls. On a fitted
        estimator, training continues from the fitted network. The fitted
        statistics (``reconstruction_error_``, and the outlier detector's
        threshold) are those of this chunk, from a random sample of 20,000 of
        its rows when it has more. This is what
        ``dask_ml.wrappers.Incremental`` calls on each block of a dask array.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One chunk of training rows.

        y : Ignored
            Not used, present for API consistency by convention.

        epochs : int, default=1
            Passes over this chunk.

        Returns
        -------
        self : object
            The estimator, trained on one more chunk.
        """
        if not isinstance(epochs, Integral) or isinstance(epochs, bool) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}.")
        self._train(X, y, resume=hasattr(self, "net_"), epochs=epochs)
        return self

    def _train(self, X, y=None, *, resume, epochs):
        """The one training pipeline of ``fit`` and ``partial_fit``.

        prepare (validate ``X``; settle the scaling, code size and seeds of a
        new model) -> build (the module, started at PCA, and the net) ->
        train (under the fit's own generator and a thread setting shared
        with concurrent fits) -> record (history, fitted statistics).

        ``epochs=None`` is ``fit``: a new net, early stopping on a validation
        split within the epoch budget. An int is ``partial_fit``: that many
        passes over all rows of ``X``, continuing the streaming net and its
        optimizer. ``resume`` continues the fitted network. ``y`` holds the
        targets of an estimator whose ``_validate_data`` hook takes them
        (otherwise it is ignored: the target is the input). Returns the
        validated ``X``.
        """
        streaming = epochs is not None
        X, Y = self._validate_data(X, y, reset=not resume)
        self._check_data_range(X if Y is None else Y, "X" if Y is None else "y")
        rng = check_random_state(self.random_state)
        X = self._hold_out(X, rng)
        hidden = self._check_same_architecture() if resume else self._setup(X, Y)
        penalties = self._check_penalty()
        if streaming:
            if not resume:
                self._stream_seed, self._n_chunks = _draw_seed(rng), 0
            # Each chunk has a seed of its own, so a sequence of calls is
            # reproducible.
            seed, split, patience = self._stream_seed + self._n_chunks, None, None
        else:
            seed = _draw_seed(rng)
            split = self._split(len(X), rng)
            epochs, patience = self._epoch_budget(self._steps_per_epoch(len(X), split))
            if not resume:
                self._stream_seed, self._n_chunks = seed, 0
        device = resolve_device(self.device)
        X_scaled = self._scale(X)
        Y_scaled = None if Y is None else self._scale_targets(Y)
        axes = None  # the PCA start's principal axes, when _principal_map computed them
        if not resume:
            self._principal, axes = (None, None) if streaming else self._principal_map(X_scaled)
        if Y_scaled is None and self._principal is not None:
            Y_scaled = self._principal_targets(X_scaled)
        context = self._init_callback_context(max_subtasks=epochs)
        if context is not None:
            context.call_on_fit_task_begin(estimator=self, X=X)

        with fit_generator(new_generator(seed, device)):
            if streaming and getattr(self, "_streaming", False):
                net = self.net_  # the stream goes on, with its optimizer
            else:
                module = self.net_.module_ if resume else self._new_module(
                    X_scaled, hidden, seed, Y_scaled, axes
                )
                frozen = None if streaming else self._constant_columns(X_scaled, split, module)
                callbacks = self._training_callbacks(
                    X, context, split, epochs, patience, streaming, frozen
                )
                net = self._build_net(
                    module, device, train_split=split, max_epochs=epochs, callbacks=callbacks,
                    corruption=self._corruption(X, device), penalties=penalties,
                ).initialize()
            n_before = len(net.history)
            with torch_threads(training_threads(net.module_, self.batch_size, device)):
                net.partial_fit(self._training_data(X_scaled, device, Y_scaled), epochs=epochs)

        self.net_, self._streaming = net, streaming
        if streaming:
            self._n_chunks += 1
        self._record_history(net, n_before, append=resume)
        self._measure_code(X, split)
        self._after_fit(self._stats_rows(X) if streaming else X)
        if context is not None:
            context.call_on_fit_task_end(estimator=self, X=X)
        return X

    def _stats_rows(self, X):
        """The rows of a ``partial_fit`` chunk that its fitted statistics use:
        all of them, or a seeded sample of ``PARTIAL_FIT_STATS_ROWS`` (on every
        row they would cost a tenth of the training time)."""
        if len(X) <= PARTIAL_FIT_STATS_ROWS:
            return X
        rng = np.random.RandomState(self._stream_seed + self._n_chunks)
        return X[np.sort(rng.choice(len(X), PARTIAL_FIT_STATS_ROWS, replace=False))]

    def _hold_out(self, X, rng):
        """Hook: the rows of validated ``X`` to train on; a subclass may keep
        others aside that nothing of the model may see (the detector's
        calibration rows)."""
        return X

    def _validate_data(self, X, y, reset):
        """Hook: validated ``(X, Y)``. ``Y``, the targets, is None for an
        autoencoder; an estimator trained on pairs validates ``y`` here."""
        return check_X(self, X, reset=reset, allow_nan=self._allow_nan), None

    def _scale_targets(self, Y):
        """Validated targets ``Y`` in the decoder's units, float32 (for an
        estimator whose ``_validate_data`` returns targets)."""
        center, scale = self._output_scaling
        return ((Y - center) / scale).astype(np.float32)

    def _training_data(self, X_scaled, device, Y_scaled=None):
        """Hook: the ``RowsDataset`` to train on (the target is the input,
        unless there are scaled targets ``Y_scaled``)."""
        target = None if Y_scaled is None else torch.from_numpy(Y_scaled).to(device)
        return RowsDataset(torch.from_numpy(X_scaled).to(device), target=target)

    def _after_fit(self, X):
        """Hook: fitted statistics of the training rows ``X`` (validated)."""

    def _check_data_range(self, X, name="X"):
        low, high = (np.nanmin(X), np.nanmax(X)) if self.loss == "bce" else (0, 1)
        if low < 0 or high > 1:
            raise ValueError(
                f'loss="bce" needs data in [0, 1], but {name} ranges over '
                f"[{low:.4g}, {high:.4g}]. Scale it first (for example "
                'with MinMaxScaler) or use loss="mse".'
            )

    def _setup(self, X, Y=None):
        """Settle what a new model takes from its first data: code size, image
        shape and feature scaling (an estimator trained on targets ``Y`` adds
        their scaling). Returns the hidden layer sizes."""
        n_features = X.shape[1]
        hidden = self._check_hidden_layer_sizes()
        self.n_components_ = self._code_width(X)
        if self._layout is not None and self.image_shape is not None:
            raise ValueError(
                "image_shape describes images of numeric pixels, but X has "
                "categorical columns."
            )
        self._image_shape = self._check_image_shape(n_features)
        if self.init == "pca" and hidden and not self.linear_path:
            raise ValueError(
                'init="pca" needs linear_path=True when hidden_layer_sizes is '
                'not empty; set linear_path=True or init="random".'
            )
        layout = self._layout
        # In a mixed table each numeric column's error counts in its own
        # scaled units (``_column_weights``), so no scale is floored.
        floor = self._scale_floor if layout is None else 0.0
        center, scale = fit_scaler(X, self.scaling, floor)
        if layout is not None:
            if self.loss == "bce" and self._output_layout is not None:
                raise ValueError(
                    'loss="bce" is for numeric data in [0, 1]; X has categorical '
                    'columns, which are rebuilt with cross-entropy anyway. Use loss="mse".'
                )
            # One-hot columns enter centred on their level shares, unscaled.
            one_hot = ~layout.numeric[layout.column_of]
            center, scale = center.copy(), scale.copy()
            # (A one-hot column always has observed entries: a categorical
            # column without any is refused.)
            center[one_hot] = np.nanmean(X[:, one_hot], axis=0)
            scale[one_hot] = 1.0
        self.center_, self.scale_ = center, scale
        return hidden

    def _new_module(self, X_scaled, hidden, seed, Y_scaled=None, axes=None):
        """A new module for ``hidden`` layers, its weights drawn from a
        generator seeded with ``seed``, started at PCA (with targets
        ``Y_scaled``, reduced-rank regression) with ``init="pca"``; ``axes``:
        the principal axes of ``X_scaled``, when already computed."""
        self._module_args = self._architecture(
            len(self.scale_), hidden, self.n_components_, self._image_shape
        )
        with global_rng_untouched():
            module = self._module_class(**self._module_args)
        reset_parameters(module, new_generator(seed, "cpu"))
        if self.init == "pca":
            X_init = np.nan_to_num(X_scaled) if self._allow_nan else X_scaled
            self._init_module(module, X_init, Y_scaled, axes)
        self._kind_weight = self._kind_weights(module, X_scaled)
        return module

    def _kind_weights(self, module, X_scaled, n_rows=5000):
        """For a table with numeric and categorical columns, the weights that
        make each kind's loss 1 for the starting module (PCA's solution) on
        (a sample of) the training rows; None otherwise.

        Each kind's loss is the mean over rows of its columns' summed loss
        (``_column_weights``), floored at a hundredth of what predicting
        every column by its mean costs (1 per column). Training then counts a
        relative gain on either kind alike, whatever the number of columns
        of each, and early stopping keeps the weights whose larger relative
        loss is smallest (``ReconstructionLoss``'s ``minimax``).
        """
        layout = self._output_layout
        if layout is None or not layout.blocks or layout.numeric.all():
            return None
        rows = X_scaled
        if len(rows) > n_rows:
            rows = rows[np.random.RandomState(0).choice(len(rows), n_rows, replace=False)]
        x = torch.from_numpy(np.ascontiguousarray(rows))
        was_training = module.training
        module.eval()
        with torch.no_grad(), global_rng_untouched():
            entries = self._column_losses(module(x)[0], torch.nan_to_num(x))
        module.train(was_training)
        entries = torch.where(torch.isnan(x), 0.0, entries).double().numpy()
        categorical = ~layout.numeric[layout.column_of]
        n_numeric = int(layout.numeric.sum())
        kinds = np.array([entries[:, ~categorical].sum(1).mean(),
                          entries[:, categorical].sum(1).mean()])
        floor = 0.01 * np.array([n_numeric, layout.n_columns - n_numeric])
        return 1.0 / np.maximum(kinds, floor)

    def _check_same_architecture(self):
        """With ``warm_start``: the fitted hidden sizes, if the parameters still
        describe the fitted network, else a ValueError naming what changed."""
        hidden = self._check_hidden_layer_sizes()
        n_features = len(self.scale_)  # the encoded width, for mixed tables
        wanted = self._architecture(
            n_features, hidden, self._resolve_n_components(n_features),
            self._check_image_shape(n_features),
        )
        changed = [
            name for name, value in self._module_args.items()
            if name != "feature_weight" and wanted[name] != value
        ]
        if changed:
            raise ValueError(
                "warm_start=True continues training the fitted network, but "
                f"{', '.join(changed)} changed since it was built. Set "
                "warm_start=False to build a new network."
            )
        return hidden

    @property
    def _missing_input(self):
        """Hook: whether the network's input may hold NaN as missing entries
        (the imputer's missing values, entries hidden in training)."""
        return self._allow_nan

    @property
    def _nested_dropout(self):
        """Hook: whether to train ordered codes (``ordered``)."""
        return self.ordered

    def _code_width(self, X):
        """Hook: the width of the code to build for the training rows ``X``."""
        return self._resolve_n_components(X.shape[1])

    def _measure_code(self, X, split):
        """Hook: fitted statistics of the trained code, from the training rows
        ``X`` and the ``IndexSplit`` (or None) they were trained with."""

    def _resolve_n_components(self, n_features):
        """Hook: the code size to build, given the number of features."""
        if self.n_components > n_features:
            raise ValueError(
                f"n_components={self.n_components} must be at most the number "
                f"of features, n_features={n_features}. Choose a smaller "
                "n_components: a code as wide as the input can copy it."
            )
        return self.n_components

    def _check_image_shape(self, n_features, name="image_shape"):
        """The parameter ``name`` as ``(channels, height, width)``, or None."""
        shape = getattr(self, name)
        if shape is None:
            return None
        if len(shape) not in (2, 3) or not all(
            isinstance(s, Integral) and (s >= 1 or s == -1) for s in shape
        ) or list(shape).count(-1) > 1:
            raise ValueError(
                f"{name} must be (height, width) or (channels, height, width) "
                "of positive integers, one of which may be -1, got "
                f"{shape!r}."
            )
        shape = (1, *shape) if len(shape) == 2 else tuple(shape)
        known = int(np.prod([s for s in shape if s != -1]))
        if -1 in shape and n_features % known == 0:
            shape = tuple(n_features // known if s == -1 else int(s) for s in shape)
        if int(np.prod(shape)) != n_features:
            raise ValueError(
                f"{name}={shape!r} does not fit rows of {n_features} "
                "columns: the product of its entries must be the number of "
                "columns (channels * height * width)."
            )
        return shape

    def _check_penalty(self):
        """``penalty`` as a list of fresh copies (never the user's objects)."""
        penalty = self.penalty
        penalties = [] if penalty is None else (
            penalty if isinstance(penalty, list) else [penalty]
        )
        for p in penalties:
            if not callable(p):
                raise ValueError(
                    "penalty must be a penalty object from skae.penalties (or a "
                    f"list of them), got {p!r}."
                )
            if hasattr(p, "_validate_params"):
                p._validate_params()
        return [copy.deepcopy(p) for p in penalties]

    def _weight_decay(self, penalties=()):
        """``weight_decay``, with ``"auto"`` resolved: ``AUTO_WEIGHT_DECAY``, or
        the largest decay one of ``penalties`` asks for (``_auto_weight_decay``;
        a penalty of weight 0 asks for nothing)."""
        if self.weight_decay != "auto":
            return self.weight_decay
        asked = (getattr(p, "_auto_weight_decay", None) for p in penalties
                 if getattr(p, "weight", None) != 0)
        return max([AUTO_WEIGHT_DECAY, *(d for d in asked if d is not None)])

    def _check_hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, str) and sizes == "auto":
            # Convolutions halve the feature maps layer by layer; their
            # channels grow as the maps shrink, as in most image networks.
            sizes = AUTO_HIDDEN[::-1] if self.image_shape is not None else AUTO_HIDDEN
        sizes = () if sizes is None else sizes
        if np.ndim(sizes) == 0:
            sizes = (sizes,)
        sizes = tuple(sizes)
        if not all(isinstance(s, Integral) and s >= 1 for s in sizes):
            raise ValueError(
                "hidden_layer_sizes must be a tuple of positive integers, "
                f"got {self.hidden_layer_sizes!r}."
            )
        return tuple(int(s) for s in sizes)

    def _split(self, n_samples, rng):
        """The ``IndexSplit`` into training and validation rows, or None
        (without early stopping, or under 20 rows).

        The validation set has at least ``MIN_VALID_ROWS`` rows (at most a
        quarter of the data): picking weights on a handful of rows overfits.
        """
        if not self.early_stopping or n_samples < 20:
            return None
        n_valid = int(round(self.validation_fraction * n_samples))
        n_valid = min(max(n_valid, min(MIN_VALID_ROWS, n_samples // 4)), n_samples - 2)
        perm = rng.permutation(n_samples)
        return IndexSplit(np.sort(perm[n_valid:]), np.sort(perm[:n_valid]))

    def _steps_per_epoch(self, n_samples, split):
        """Optimizer steps in one pass over the training rows of ``split``."""
        n_train = n_samples if split is None else len(split.train_indices)
        return -(-n_train // self.batch_size)

    def _step_budget(self):
        """Hook: ``(optimizer steps, most epochs)`` of ``max_epochs="auto"``."""
        return self._auto_steps, self._auto_max_epochs

    def _epoch_budget(self, steps_per_epoch):
        """``(max_epochs, patience)`` in epochs; patience is None without early stopping."""
        patience = self.n_iter_no_change if self.early_stopping else None
        if self.max_epochs != "auto":
            return self.max_epochs, patience
        steps, max_epochs = self._step_budget()
        epochs = int(np.clip(-(-steps // steps_per_epoch), AUTO_MIN_EPOCHS, max_epochs))
        if patience is not None:
            patience = max(patience, -(-AUTO_MIN_PATIENCE_STEPS // steps_per_epoch))
        return epochs, patience

    def _architecture(self, n_features, hidden_layer_sizes, n_components, image_shape):
        """Keyword arguments of ``_module_class``: the network's architecture.

        Kept as ``_module_args`` when the module is built, so a saved model
        rebuilds the very same network whatever its parameters are now.
        """
        return dict(
            n_features=n_features,
            n_components=n_components,
            hidden_layer_sizes=hidden_layer_sizes,
            activation=self.activation,
            linear_path=self.linear_path,
            tied_weights=self.tied_weights,
            image_shape=image_shape,
            feature_weight=np.sqrt(self._pca_weights()).astype(np.float32),
            input_clip=None if self.scaling is None else self._input_clip,
            nested_dropout=self._nested_dropout,
            **({} if self._principal is None else {"n_outputs": self._principal[1].shape[1]}),
            **({"missing_input": True} if self._missing_input else {}),
        )

    def _principal_map(self, X_scaled):
        """The principal coordinates the decoder rebuilds instead of the rows, or None.

        On a wide table the network rebuilds nothing of the directions with
        the least variance: on a 1,516-column table, a fitted network's
        held-out error outside the leading 256 principal directions equals
        the data's variance there (docs/design_notes.md). The directions
        that hold all but ``PRINCIPAL_TAIL`` of the variance (as the loss
        weighs it; at least twice the code's width) are kept when they are at
        most half the columns: the decoder then outputs the rows' whitened
        scores on them, its last layer shrinks, and ``_expand`` maps the
        output back to rows, which are left at the mean along the other
        directions. The encoder still sees every column.

        Returns ``(map, axes)``. ``map`` is ``(center, to_coordinates,
        from_coordinates, weight)``: scores ``(x - center) @ to_coordinates``,
        rows ``center + scores @ from_coordinates``, and the loss weights of
        the scores that make the training loss the rows' loss, less the
        variance left out; or None. ``axes`` are the ``principal_axes`` of
        the PCA start when they were computed (else None), so that the start
        does not compute them again.
        """
        hidden = self._check_hidden_layer_sizes()
        if not (self._rebuilds_principal_coordinates and hidden and self.loss == "mse"
                and self._layout is None and self._image_shape is None
                and not self.tied_weights):
            return None, None
        n_features = X_scaled.shape[1]
        weight = self._loss_weights()
        axes = center, lam, V = principal_axes(X_scaled, weight)
        if lam[0] <= 0:
            return None, axes
        kept = int(np.searchsorted(np.cumsum(lam), (1 - PRINCIPAL_TAIL) * lam.sum())) + 1
        kept = max(kept, 2 * self.n_components_)
        if 2 * kept > n_features:
            return None, axes
        # Floored as pca_init floors them, so the start is PCA's exactly.
        gain = np.sqrt(np.maximum(lam[:kept], lam[0] * 1e-6))
        root_w = np.sqrt(weight)
        to_coordinates = root_w[:, None] * V[:, :kept] / gain
        from_coordinates = (V[:, :kept] * gain).T / root_w
        return (center, to_coordinates, from_coordinates, gain**2 * kept / n_features), axes

    def _principal_targets(self, X_scaled, chunk_size=4096):
        """The whitened principal scores the decoder learns to output (float32)."""
        center, to_coordinates = self._principal[:2]
        out = np.empty((len(X_scaled), to_coordinates.shape[1]), dtype=np.float32)
        for start in range(0, len(X_scaled), chunk_size):
            chunk = X_scaled[start : start + chunk_size] - center
            out[start : start + chunk_size] = chunk @ to_coordinates
        return out

    def _expand(self, out):
        """The decoder's output as scaled rows: itself, or the rows its
        principal scores rebuild (``_principal_map``)."""
        if self._principal is None:
            return out
        center, _, from_coordinates, _ = self._principal
        center, from_coordinates = self._affine((center, from_coordinates), out.dtype, out.device)
        return out @ from_coordinates + center

    def _init_module(self, module, X_scaled, Y_scaled=None, axes=None):
        """Hook: start the module at PCA's solution for the training loss (with
        targets ``Y_scaled``, reduced-rank regression's)."""
        weight = self._pca_weights()
        if self._principal is not None:
            # The targets are the whitened principal scores, so PCA's code is
            # their first n_components_ and its decoder the identity on them.
            center, to_coordinates = self._principal[:2]
            enc_w = to_coordinates[:, : self.n_components_].T
            enc_b = -enc_w @ center
            dec_w = np.eye(to_coordinates.shape[1], self.n_components_)
            dec_b = np.zeros(to_coordinates.shape[1])
        elif Y_scaled is None:
            enc_w, enc_b, dec_w, dec_b = pca_init(
                X_scaled, weight, self.n_components_, whiten=not self.tied_weights, axes=axes
            )
        else:
            enc_w, enc_b, dec_w, dec_b = reduced_rank_init(
                X_scaled, Y_scaled, weight, self.n_components_
            )
        if self.loss == "bce":
            # The decoder outputs logits: fit it to the logits of the data by
            # least squares (with tied weights, only its bias is free).
            center, scale = self._output_scaling
            target = X_scaled if Y_scaled is None else Y_scaled
            raw = np.clip(target * scale + center, 0.01, 0.99)
            target = np.log(raw / (1 - raw))
            if self.tied_weights:
                dec_b = target.mean(0)
            else:
                Z = (X_scaled - X_scaled.mean(0)) @ enc_w.T
                Z1 = np.hstack([Z, np.ones((len(Z), 1))])
                coef = np.linalg.lstsq(Z1, target, rcond=None)[0]
                dec_w, dec_b = coef[:-1].T, coef[-1]
        if self._output_layout is not None:
            dec_w, dec_b = self._block_logits(X_scaled, enc_w, enc_b, dec_w, dec_b)
        module.init_linear(
            *(np.asarray(a, dtype=np.float32) for a in (enc_w, enc_b, dec_w, dec_b))
        )

    def _block_logits(self, X_scaled, enc_w, enc_b, dec_w, dec_b, n_rows=5000):
        """PCA's linear decoder with each categorical block turned into logits.

        A block's logits start at ``c`` times PCA's reconstruction of its
        one-hot columns, so the most likely level is PCA's, with the
        sharpness ``c`` of each block that gives the lowest cross-entropy on
        (a sample of) the training rows (1 with tied weights).
        """
        dec_w, dec_b = dec_w.copy(), dec_b.copy()
        rows = X_scaled
        if len(rows) > n_rows:
            rows = rows[np.random.RandomState(0).choice(len(rows), n_rows, replace=False)]
        rows = rows.astype(np.float64)
        Z = rows @ enc_w.T + enc_b
        # Tied weights decode with the encoder's weights: no sharpness of
        # their own, but the most likely level is still PCA's.
        sharpness = np.array([1.0]) if self.tied_weights else np.geomspace(0.25, 64, 25)
        for start, stop in self._output_layout.blocks:
            center = self.center_[start:stop]
            one_hot = rows[:, start:stop] + center
            rebuilt = Z @ dec_w[start:stop].T + dec_b[start:stop] + center
            losses = []
            for c in sharpness:
                logits = c * rebuilt
                logits -= logits.max(axis=1, keepdims=True)
                log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
                losses.append(-np.mean(np.sum(one_hot * log_p, axis=1)))
            c = sharpness[int(np.argmin(losses))]
            dec_w[start:stop] *= c
            dec_b[start:stop] = c * (dec_b[start:stop] + center)
        return dec_w, dec_b

    def _loss_weights(self):
        """Hook: per-feature weights of the squared error in the scaled space.

        Proportional to the squared scale of the decoder's output: the error
        in the units of ``X`` (of the targets), as PCA. For a table with
        categorical columns, each column counts alike (``_column_weights``).
        """
        if self._output_layout is not None:
            return self._column_weights()
        scale = self._output_scaling[1]
        return scale**2 / np.mean(scale**2)

    def _column_weights(self):
        """Loss weights of a mixed table's encoded columns: 1 for a numeric
        column (its squared error in the network's scaled units: standard
        deviations with the default scaling) and ``1 / H`` for the entries
        of a categorical column's block, ``H`` the column's entropy in
        training. Within each kind, a column's loss is then 1 for the model
        that predicts its mean (its level shares), whatever its number of
        levels; between the kinds, ``_kind_weights`` balances them."""
        layout = self._output_layout
        weight = np.ones(layout.width)
        for (start, stop), entropy in zip(layout.blocks, layout.entropies()):
            weight[start:stop] = 1.0 / entropy
        return weight

    def _pca_weights(self):
        """Hook: the per-feature weights of the PCA start: the loss weights,
        but 1 for one-hot columns (PCA of standardised and one-hot columns)."""
        weight = self._loss_weights()
        layout = self._output_layout
        if layout is not None:
            weight = np.where(layout.numeric[layout.column_of], weight, 1.0)
        return weight

    @property
    def _output_layout(self):
        """Hook: the ``TabularLayout`` of what the decoder outputs (None when
        it outputs numbers only): the input's, for an autoencoder."""
        return getattr(self, "_layout", None)

    def _blocks(self):
        """The ``Blocks`` of the decoder's output, or None."""
        layout = self._output_layout
        if layout is None or not layout.blocks:
            return None
        return Blocks(layout.blocks, layout.width)

    @property
    def _output_scaling(self):
        """Hook: ``(center, scale)`` of what the decoder outputs, in its scaled
        units: the input's scaling for an autoencoder."""
        return self.center_, self.scale_

    def _criterion(self):
        """Hook: the loss module between the decoder's output and the target."""
        if self._principal is not None:
            weight = self._principal[3]
            return ReconstructionLoss(self.loss, np.zeros_like(weight), np.ones_like(weight),
                                      weight)
        kind_weight = getattr(self, "_kind_weight", None)
        return ReconstructionLoss(
            self.loss, *self._output_scaling, self._loss_weights(), self._blocks(),
            kind_weight=kind_weight, minimax=kind_weight is not None,
        )

    def _net_params(self):
        """Hook: extra keyword arguments of the net class."""
        return {}

    def _corruption(self, X, device):
        """Hook: a callable corrupting training batches, or None."""
        return None

    def _constant_columns(self, X_scaled, split, module):
        """The input columns constant on the training rows of ``split`` (a
        boolean tensor), with the network's weights from them zeroed; or
        None when there are none (or the module has no ``input_weights``)."""
        if not hasattr(module, "input_weights"):
            return None
        rows = X_scaled if split is None else X_scaled[split.train_indices]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns
            spread = np.nanmax(rows, axis=0) - np.nanmin(rows, axis=0)
        columns = ~(spread > 0)  # NaN (never observed) counts as constant
        if not columns.any():
            return None
        columns = torch.as_tensor(columns)
        module.ignore_inputs(columns)
        return columns

    def _training_callbacks(self, X, context, split, max_epochs, patience, streaming,
                            frozen=None):
        """The callbacks of a training net, in the order they run each epoch.

        skae's guard comes first: ``fit`` keeps the best weights (on
        ``split``'s validation rows when there are some); a ``streaming``
        net, for ``partial_fit``, only guards against divergence, since
        losses on different chunks do not compare. With ``frozen`` (the
        input columns constant on the training rows), the weights from
        those columns get no updates. The guard restores the
        best weights before the user's callbacks see the end of training.
        Then come the user's callbacks, scikit-learn's bridge and the
        progress bar, and last the stop the guard asks for, so that every
        callback sees every epoch, the one training stops at included.
        """
        if streaming:
            guard = DivergenceGuard()
        else:
            monitor = "train_loss" if split is None else "valid_loss"
            guard = BestWeights(monitor=monitor, patience=patience, threshold=self.tol)
        callbacks = [("divergence_guard" if streaming else "best_weights", guard)]
        if frozen is not None:
            callbacks.append(("frozen_input_columns", FrozenInputColumns(frozen)))
        user = [_fresh(item) for item in self.callbacks or []]
        if self.learning_rate_schedule == "cosine" and not streaming and not any(
            isinstance(cb[1] if isinstance(cb, tuple) else cb, LRScheduler) for cb in user
        ):
            steps = max_epochs * self._steps_per_epoch(len(X), split)
            callbacks.append(("learning_rate_schedule", WarmupCosine(steps)))
        callbacks += user
        if context is not None and getattr(self, "_skl_callbacks", None):
            callbacks.append(("sklearn_callbacks", SklearnCallbacks(self, context, X)))
        if self.verbose == 1 and not streaming:
            callbacks.append(("progress_bar", EpochProgressBar(max_epochs)))
        return [*callbacks, ("stop_when_asked", StopWhenAsked(guard))]

    def _build_net(
        self, module, device, *, train_split=None, max_epochs=1, callbacks=(),
        corruption=None, penalties=(),
    ):
        """Hook: the skorch net that trains ``module`` (not initialised)."""
        return self._net_class(
            module=module,
            criterion=self._criterion(),
            optimizer=torch.optim.AdamW,
            lr=self.learning_rate,
            optimizer__weight_decay=self._weight_decay(penalties),
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

    def _inference_net(self, module, device):
        """An initialised net around a trained ``module`` (for loading)."""
        return self._build_net(module, device).initialize()

    _net_class = AutoencoderNet
    #: The ``nn.Module`` built from ``_architecture``'s arguments.
    _module_class = Autoencoder
    #: Optimizer steps budgeted by ``max_epochs="auto"``.
    _auto_steps = AUTO_STEPS
    #: With ``max_epochs="auto"``, at most this many passes over the rows.
    _auto_max_epochs = AUTO_MAX_EPOCHS
    #: The network beside the linear path sees inputs clipped to +-this.
    _input_clip = NETWORK_INPUT_CLIP
    #: Smallest internal scale, relative to the root-mean-square scale.
    _scale_floor = 1e-2
    #: Whether ``fit`` accepts NaN (the imputer's missing values).
    _allow_nan = False
    #: Whether a wide table's decoder may rebuild principal coordinates
    #: (``_principal_map``) instead of the rows.
    _rebuilds_principal_coordinates = False
    #: Set by ``fit``: the map of ``_principal_map``, or None.
    _principal = None
    #: Shared fitted attributes (``_docs.BASE_ATTRIBUTES``) a subclass does not have.
    _undocumented_attributes = ()

    def _record_history(self, net, n_before, append):
        """Training curves from the epochs ``net`` ran after its first
        ``n_before``, appended to the previous ones when training continued."""
        rows = net.history[n_before:]
        losses = [float(row["train_loss"]) for row in rows]
        valid = [float(row["valid_loss"]) for row in rows if "valid_loss" in row]
        valid = valid if rows and len(valid) == len(rows) else None
        previous = self.n_iter_ if append else 0
        if append:
            losses = self.loss_curve_ + losses
            old = self.validation_loss_curve_
            valid = old + valid if old is not None and valid is not None else None
        self.n_iter_ = previous + len(rows)
        self.loss_curve_, self.validation_loss_curve_ = losses, valid
        guard = next(cb for _, cb in net.callbacks_
                     if isinstance(cb, (BestWeights, DivergenceGuard)))
        self.best_epoch_ = previous + guard.best_epoch_ - n_before
        if isinstance(guard, DivergenceGuard):
            # No best epoch on a stream: the last one that trained.
            self.best_loss_ = losses[-1] if losses else np.inf
        else:
            self.best_loss_ = guard.best_loss_
        if guard.diverged_:
            warnings.warn(
                "Training diverged (the loss became NaN or infinite); the weights "
                f"of epoch {self.best_epoch_} were restored. Lower learning_rate "
                "or scale the data.",
                RuntimeWarning,
            )

    # ------------------------------------------------------------ inference

    @property
    def module_(self):
        """The trained ``torch.nn.Module`` (the same object as ``net_.module_``)."""
        check_is_fitted(self, "net_")
        return self.net_.module_

    @staticmethod
    def _affine(scaling, dtype, device):
        """A ``(center, scale)`` pair as torch tensors of ``dtype``."""
        return tuple(as_tensor(a).to(dtype=dtype, device=device) for a in scaling)

    def _to_net(self, x):
        """Rows in the data's units -> the network's float32 input."""
        center, scale = self._affine((self.center_, self.scale_), x.dtype, x.device)
        return ((x - center) / scale).float()

    def _from_net(self, out, dtype):
        """The network's output -> rows in the data's units, of torch ``dtype``
        (level probabilities in a categorical column's block)."""
        if self.loss == "bce":
            return torch.sigmoid(out).to(dtype)
        center, scale = self._affine(self._output_scaling, dtype, out.device)
        rows = out.to(dtype) * scale + center
        blocks = self._inference_blocks(out.device)
        if blocks is not None:
            probabilities = blocks.softmax(out.float()).to(dtype)
            rows = torch.where(blocks.categorical, probabilities, rows)
        return rows

    def _inference_blocks(self, device):
        """``_blocks()`` on ``device`` (a few small index tensors)."""
        blocks = self._blocks()
        return None if blocks is None else blocks.to(device)

    def _scale(self, X, chunk_size=4096):
        """The network's float32 input for all of ``X`` (one copy, in chunks)."""
        out = np.empty(X.shape, dtype=np.float32)
        for start in range(0, len(X), chunk_size):
            chunk = as_tensor(X[start : start + chunk_size])
            out[start : start + chunk_size] = self._to_net(chunk).numpy()
        return out

    def _apply(self, fn, A, shape, dtype):
        """``fn`` over padded batches of the rows ``A``, as torch tensors.

        ``fn`` maps a tensor of rows of ``A`` to a tensor with as many rows;
        the results are gathered into a numpy array of ``shape[1:]`` per row
        and ``dtype``. Batches smaller than ``MIN_INFERENCE_ROWS`` are padded
        with zeros, so a row's result does not depend on its batch.
        """
        module = self.net_.module_
        module.eval()
        device = next(module.parameters()).device
        out = np.empty((len(A), *shape), dtype=dtype)
        with torch.inference_mode():
            for start in range(0, len(A), INFERENCE_BATCH_SIZE):
                x = as_tensor(A[start : start + INFERENCE_BATCH_SIZE])
                n = len(x)
                if n < MIN_INFERENCE_ROWS:
                    x = torch.cat([x, x.new_zeros(MIN_INFERENCE_ROWS - n, *x.shape[1:])])
                out[start : start + n] = fn(x.to(device))[:n].cpu().numpy()
        return out

    def _encode(self, X, dtype=None):
        """Codes of validated ``X``, in ``dtype`` (default: ``X``'s float dtype)."""
        dtype = X.dtype if dtype is None else np.dtype(dtype)
        out_dtype = torch_dtype(dtype)
        encode, n = self.net_.module_.encode, self.n_components_
        return self._apply(
            lambda x: encode(self._to_net(x))[:, :n].to(out_dtype), X, (n,), dtype
        )

    def _decode(self, Z, dtype):
        """Reconstructions, in the data's units and ``dtype``, of codes ``Z``."""
        out_dtype = torch_dtype(dtype)
        decode = self.net_.module_.decode
        return self._apply(
            lambda z: self._from_net(self._expand(decode(self._full_code(z.float()))), out_dtype),
            Z,
            (len(self._output_scaling[1]),),
            dtype,
        )

    def _full_code(self, z):
        """Codes of ``n_components_`` units as the module's width: zeros after."""
        width = self._module_args["n_components"]
        if z.shape[1] == width:
            return z
        return torch.cat([z, z.new_zeros(len(z), width - z.shape[1])], dim=1)

    def _reconstruct(self, X, dtype):
        """Reconstructions of validated rows ``X`` (of the targets, for an
        estimator trained on pairs), in the data's units and ``dtype``, in
        one pass of the network."""
        out_dtype = torch_dtype(dtype)
        return self._apply(
            lambda x: self._from_net(self._rebuild(self._to_net(x)), out_dtype),
            X, (len(self._output_scaling[1]),), dtype,
        )

    def _rebuild(self, x_net):
        """The module's reconstruction of scaled rows from the code's first
        ``n_components_`` units."""
        module = self.net_.module_
        code = module.encode(x_net)[:, : self.n_components_]
        return self._expand(module.decode(self._full_code(code)))

    def _reconstruction_errors(self, X):
        """Per-row reconstruction error in the data's units (float64), in one pass.

        The residual is taken in the network's scaled space, where values are
        moderate even for float32 data near the end of its range, then squared
        and weighted by ``scale_**2`` in float64: the mean squared error in
        the units of ``X``. For a table with categorical columns, the mean
        over its columns of each column's loss, weighted as
        ``_column_weights`` does (``_row_losses``).
        """

        def errors(x):
            x_net = self._to_net(x)
            out = self._rebuild(x_net)
            if self.loss == "bce":
                p = torch.sigmoid(out).double().clamp(1e-7, 1 - 1e-7)
                x = x.double()
                return -torch.mean(x * torch.log(p) + (1 - x) * torch.log1p(-p), dim=1)
            return self._row_losses(out, x_net) / self.n_features_in_

        return self._apply(errors, X, (), np.float64)

    def _row_losses(self, out, x_net):
        """Each row's summed loss of the decoder's output ``out`` against the
        scaled rows ``x_net``, in float64: the squared error in the units of
        ``X`` (weights ``scale_**2``), or for a mixed table the columns'
        losses as ``_column_weights`` weighs them (``_column_losses``)."""
        if self._output_layout is None:
            # Squares and weights in float64: scale_**2, and the squares of
            # residuals of nearly constant columns, can leave float32's range.
            w = torch.as_tensor(self.scale_**2, dtype=torch.float64, device=out.device)
            return (out - x_net).double() ** 2 @ w
        return self._column_losses(out, x_net).double().sum(dim=1)

    def _column_losses(self, out, target):
        """A mixed table's loss of every entry of the decoder's output ``out``
        against the scaled rows ``target``: the training loss's entries,
        weighted per column (``_column_weights``) but not per kind."""
        loss = ReconstructionLoss(self.loss, *self._output_scaling, self._column_weights(),
                                  self._blocks())
        return loss.to(out.device).elementwise(out.float(), target.float())

    def _check_codes(self, Z):
        Z = check_array(Z, dtype=[np.float64, np.float32])
        if Z.shape[1] != self.n_components_:
            raise ValueError(
                f"Codes have {Z.shape[1]} columns, but {type(self).__name__} "
                f"was fitted with n_components={self.n_components_}."
            )
        return Z

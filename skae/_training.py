"""The parts of a training run: validation split, step budget, callbacks, history.

``BaseAutoencoder._train`` calls these in order; each takes what it needs
from the estimator's parameters, so it can be read and tested on its own.
"""

import copy
import warnings

import numpy as np
import torch
from skorch.callbacks import Callback, LRScheduler

from ._engine.callbacks import (
    BestWeights,
    DivergenceGuard,
    EpochProgressBar,
    FrozenInputColumns,
    SklearnCallbacks,
    StopWhenAsked,
    WarmupCosine,
)
from ._engine.data import IndexSplit

#: With ``max_epochs="auto"``, train for about this many optimizer steps.
AUTO_STEPS = 3000
#: ... within this many passes over the training rows.
AUTO_MIN_EPOCHS, AUTO_MAX_EPOCHS = 10, 1000
#: With ``max_epochs="auto"``, early stopping waits at least this many
#: optimizer steps, however few steps an epoch has.
AUTO_MIN_PATIENCE_STEPS = 300
#: Early stopping validates on at least this many rows (at most n / 4).
MIN_VALID_ROWS = 50
#: Without early stopping, or with fewer rows than this, all rows train.
MIN_SPLIT_ROWS = 20
#: ``weight_decay="auto"`` without a penalty that asks for more
#: (``skae.penalties.BasePenalty._auto_weight_decay``).
AUTO_WEIGHT_DECAY = 0.3
#: ``partial_fit`` computes the fitted statistics (``reconstruction_error_``,
#: the detector's threshold) on at most this many rows of its chunk.
PARTIAL_FIT_STATS_ROWS = 20_000


def draw_seed(rng):
    """A seed for torch, drawn from a numpy ``RandomState``."""
    return int(rng.randint(np.iinfo(np.int32).max))


def validation_split(n_samples, early_stopping, validation_fraction, rng):
    """The ``IndexSplit`` into training and validation rows, or None
    (without early stopping, or under ``MIN_SPLIT_ROWS`` rows).

    The validation set has at least ``MIN_VALID_ROWS`` rows (at most a
    quarter of the data): picking weights on a handful of rows overfits.
    """
    if not early_stopping or n_samples < MIN_SPLIT_ROWS:
        return None
    n_valid = int(round(validation_fraction * n_samples))
    n_valid = min(max(n_valid, min(MIN_VALID_ROWS, n_samples // 4)), n_samples - 2)
    perm = rng.permutation(n_samples)
    return IndexSplit(np.sort(perm[n_valid:]), np.sort(perm[:n_valid]))


def steps_per_epoch(n_samples, split, batch_size):
    """Optimizer steps in one pass over the training rows of ``split``."""
    n_train = n_samples if split is None else len(split.train_indices)
    return -(-n_train // batch_size)


def epoch_budget(max_epochs, patience, steps_per_epoch, step_budget):
    """``(max_epochs, patience)`` in epochs, ``"auto"`` resolved.

    ``patience`` is None without early stopping; ``step_budget`` is
    ``(optimizer steps, most epochs)`` of ``max_epochs="auto"``.
    """
    if max_epochs != "auto":
        return max_epochs, patience
    steps, most_epochs = step_budget
    epochs = int(np.clip(-(-steps // steps_per_epoch), AUTO_MIN_EPOCHS, most_epochs))
    if patience is not None:
        patience = max(patience, -(-AUTO_MIN_PATIENCE_STEPS // steps_per_epoch))
    return epochs, patience


def resolve_weight_decay(weight_decay, penalties=()):
    """``weight_decay``, with ``"auto"`` resolved: ``AUTO_WEIGHT_DECAY``, or
    the largest decay one of ``penalties`` asks for (``_auto_weight_decay``;
    a penalty of weight 0 asks for nothing)."""
    if weight_decay != "auto":
        return weight_decay
    asked = (getattr(p, "_auto_weight_decay", None) for p in penalties
             if getattr(p, "weight", None) != 0)
    return max([AUTO_WEIGHT_DECAY, *(d for d in asked if d is not None)])


def stats_rows(X, seed):
    """The rows of a ``partial_fit`` chunk that its fitted statistics use:
    all of them, or a sample of ``PARTIAL_FIT_STATS_ROWS`` drawn with
    ``seed`` (on every row they would cost a tenth of the training time)."""
    if len(X) <= PARTIAL_FIT_STATS_ROWS:
        return X
    rng = np.random.RandomState(seed)
    return X[np.sort(rng.choice(len(X), PARTIAL_FIT_STATS_ROWS, replace=False))]


def constant_columns(X_scaled, split, module):
    """The input columns constant on the training rows of ``split`` (a
    boolean tensor), with the network's weights from them zeroed; or None
    when there are none (or the module has no ``input_weights``)."""
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


def fresh(callback):
    """A new instance of a user's callback (or ``(name, callback)``), so that
    training never changes the user's object. A skorch callback is rebuilt
    from its parameters, which it shares with the user's (a TensorBoard
    writer, a Checkpoint to load from); anything else is deep-copied."""
    if isinstance(callback, tuple):
        return (callback[0], fresh(callback[1]))
    if isinstance(callback, Callback) and not isinstance(callback, type):
        return type(callback)(**callback.get_params(deep=False))
    return copy.deepcopy(callback)


def training_callbacks(estimator, X, context, *, guard, total_steps, max_epochs,
                       frozen=None):
    """The callbacks of a training net, in the order they run each epoch.

    skae's ``guard`` comes first (``BestWeights`` for ``fit``, which keeps the
    best weights; ``DivergenceGuard`` for ``partial_fit``, whose losses on
    different chunks do not compare). With ``frozen`` (the input columns
    constant on the training rows), the weights from those columns get no
    updates. The guard restores the best weights before the user's callbacks
    see the end of training. Then come the learning-rate schedule over
    ``total_steps`` (None: none), the user's callbacks, scikit-learn's bridge
    and the progress bar, and last the stop the guard asks for, so that
    every callback sees every epoch, the one training stops at included.
    """
    streaming = isinstance(guard, DivergenceGuard)
    callbacks = [("divergence_guard" if streaming else "best_weights", guard)]
    if frozen is not None:
        callbacks.append(("frozen_input_columns", FrozenInputColumns(frozen)))
    user = [fresh(item) for item in estimator.callbacks or []]
    if total_steps is not None and not any(
        isinstance(cb[1] if isinstance(cb, tuple) else cb, LRScheduler) for cb in user
    ):
        callbacks.append(("learning_rate_schedule", WarmupCosine(total_steps)))
    callbacks += user
    if context is not None and getattr(estimator, "_skl_callbacks", None):
        callbacks.append(("sklearn_callbacks", SklearnCallbacks(estimator, context, X)))
    if estimator.verbose == 1 and not streaming:
        callbacks.append(("progress_bar", EpochProgressBar(max_epochs)))
    return [*callbacks, ("stop_when_asked", StopWhenAsked(guard))]


def record_history(estimator, net, n_before, append):
    """Set the estimator's training curves from the epochs ``net`` ran after
    its first ``n_before``, appended to the previous ones when training
    continued; warn when training diverged."""
    rows = net.history[n_before:]
    losses = [float(row["train_loss"]) for row in rows]
    valid = [float(row["valid_loss"]) for row in rows if "valid_loss" in row]
    valid = valid if rows and len(valid) == len(rows) else None
    previous = estimator.n_iter_ if append else 0
    if append:
        losses = estimator.loss_curve_ + losses
        old = estimator.validation_loss_curve_
        valid = old + valid if old is not None and valid is not None else None
    estimator.n_iter_ = previous + len(rows)
    estimator.loss_curve_, estimator.validation_loss_curve_ = losses, valid
    guard = next(cb for _, cb in net.callbacks_
                 if isinstance(cb, (BestWeights, DivergenceGuard)))
    estimator.best_epoch_ = previous + guard.best_epoch_ - n_before
    if isinstance(guard, DivergenceGuard):
        # No best epoch on a stream: the last one that trained.
        estimator.best_loss_ = losses[-1] if losses else np.inf
    else:
        estimator.best_loss_ = guard.best_loss_
    if guard.diverged_:
        warnings.warn(
            "Training diverged (the loss became NaN or infinite); the weights "
            f"of epoch {estimator.best_epoch_} were restored. Lower learning_rate "
            "or scale the data.",
            RuntimeWarning,
        )

"""The parts of a training run: split, step budget, weight decay, callbacks."""

import numpy as np
import pytest
from skorch.callbacks import Checkpoint, EpochScoring

from skae._training import (
    AUTO_MIN_EPOCHS,
    AUTO_MIN_PATIENCE_STEPS,
    MIN_VALID_ROWS,
    PARTIAL_FIT_STATS_ROWS,
    epoch_budget,
    fresh,
    resolve_weight_decay,
    stats_rows,
    steps_per_epoch,
    validation_split,
)
from skae.penalties import ContractivePenalty, L1ActivityPenalty


def test_validation_split_holds_out_at_least_min_valid_rows():
    split = validation_split(200, True, 0.1, np.random.RandomState(0))
    assert len(split.valid_indices) == MIN_VALID_ROWS
    assert len(split.train_indices) == 200 - MIN_VALID_ROWS
    assert not set(split.train_indices.tolist()) & set(split.valid_indices.tolist())
    large = validation_split(10_000, True, 0.1, np.random.RandomState(0))
    assert len(large.valid_indices) == 1000


def test_small_data_or_no_early_stopping_trains_on_every_row():
    assert validation_split(19, True, 0.1, np.random.RandomState(0)) is None
    assert validation_split(500, False, 0.1, np.random.RandomState(0)) is None
    small = validation_split(40, True, 0.1, np.random.RandomState(0))
    assert len(small.valid_indices) == 10  # at most a quarter of the rows


def test_auto_budget_is_in_optimizer_steps():
    assert steps_per_epoch(1000, None, 256) == 4
    epochs, patience = epoch_budget("auto", 20, 4, (3000, 1000))
    assert epochs == 750 and patience == AUTO_MIN_PATIENCE_STEPS // 4
    epochs, patience = epoch_budget("auto", None, 400, (3000, 1000))
    assert epochs == AUTO_MIN_EPOCHS and patience is None
    assert epoch_budget(7, 3, 4, (3000, 1000)) == (7, 3)


@pytest.mark.parametrize("penalty, expected", [
    (None, 0.3), (ContractivePenalty(), 0.3), (L1ActivityPenalty(), 1.0),
    (L1ActivityPenalty(weight=0), 0.3),
])
def test_auto_weight_decay_follows_the_penalty(penalty, expected):
    penalties = [] if penalty is None else [penalty]
    assert resolve_weight_decay("auto", penalties) == expected
    assert resolve_weight_decay(0.05, penalties) == 0.05


def test_callbacks_are_fresh_copies():
    scoring = EpochScoring("r2", name="r2")
    copied = fresh(("score", scoring))
    assert copied[0] == "score" and copied[1] is not scoring
    assert copied[1].get_params() == scoring.get_params()
    checkpoint = Checkpoint(dirname="somewhere")
    assert fresh(checkpoint).dirname == "somewhere" and fresh(checkpoint) is not checkpoint


def test_stream_statistics_use_a_seeded_sample_of_large_chunks():
    X = np.arange(PARTIAL_FIT_STATS_ROWS + 10)[:, None]
    rows = stats_rows(X, seed=0)
    assert len(rows) == PARTIAL_FIT_STATS_ROWS and np.all(np.diff(rows[:, 0]) > 0)
    np.testing.assert_array_equal(rows, stats_rows(X, seed=0))
    assert stats_rows(X[:100], seed=0) is not None and len(stats_rows(X[:100], 0)) == 100

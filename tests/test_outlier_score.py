"""The outlier detector's score, fitted on arrays without a network, and its distances."""

import numpy as np
import pytest

from skae._columns import NumericColumns
from skae._outlier._distances import NearestRows, RobustMahalanobis, robust_precision, typical
from skae._outlier._score import SCORE_PARTS, OutlierScore

rng = np.random.RandomState(0)
N, P, K = 400, 5, 2
SCALED = rng.randn(N, P) @ rng.randn(P, P)
CODES = rng.randn(N, K)
TERMS = rng.chisquare(1, size=(N, P))


def fitted(parts=SCORE_PARTS, conditional=False):
    return OutlierScore(parts, conditional, NumericColumns(P)).fit(
        TERMS, CODES, SCALED, np.random.RandomState(0))


def test_each_part_is_typically_one_on_the_training_rows():
    score = fitted()
    assert set(score.part_scales_) == set(SCORE_PARTS)
    assert score.residual_scale_.shape == (P,) and np.all(score.residual_scale_ > 0)
    outlyingness = score.outlyingness(TERMS, CODES, SCALED)
    assert np.median(outlyingness) == pytest.approx(3.0, rel=0.3)


def test_the_column_terms_and_the_code_term_add_up_to_the_outlyingness():
    score = fitted()
    columns, code_term = score.score_parts(TERMS, CODES, SCALED)
    assert columns.shape == (N, P)
    np.testing.assert_allclose(columns.sum(1) + code_term,
                               score.outlyingness(TERMS, CODES, SCALED))


def test_a_row_far_off_in_any_part_stands_out():
    score = fitted()
    base = score.outlyingness(TERMS[:1], CODES[:1], SCALED[:1])[0]
    far_term = TERMS[:1].copy()
    far_term[0, 2] = 100.0
    far_code = CODES[:1] + 10.0
    far_row = SCALED[:1] + 10.0
    for terms, codes, scaled in ((far_term, CODES[:1], SCALED[:1]),
                                 (TERMS[:1], far_code, SCALED[:1]),
                                 (TERMS[:1], CODES[:1], far_row)):
        assert score.outlyingness(terms, codes, scaled)[0] > base + 5
    columns = score.score_parts(far_term, CODES[:1], SCALED[:1])[0]
    assert columns[0].argmax() == 2  # the column that moved explains the row


def test_conditional_terms_have_no_code_term_and_need_no_rows():
    score = fitted(parts=("reconstruction",), conditional=True)
    assert not score.needs_rows
    columns, code_term = score.score_parts(TERMS, CODES)
    np.testing.assert_array_equal(code_term, 0.0)
    np.testing.assert_allclose(score.residual_scale_, np.sqrt(TERMS.mean(0)))


def test_robust_mahalanobis_terms_add_up_to_the_distance():
    model = RobustMahalanobis().fit(SCALED)
    np.testing.assert_allclose(model.terms(SCALED).sum(1), model.distances(SCALED))
    wide = rng.randn(20, 50)  # more columns than rows: still invertible
    assert np.all(np.isfinite(RobustMahalanobis().fit(wide).distances(wide)))


def test_outliers_in_the_training_rows_do_not_inflate_the_precision():
    clean = rng.randn(2000, 2)
    dirty = np.vstack([clean, 50 * rng.randn(100, 2)])
    precision = robust_precision(dirty - np.median(dirty, axis=0))
    np.testing.assert_allclose(precision, np.eye(2), atol=0.15)


def test_nearest_rows_terms_add_up_to_the_distance():
    model = NearestRows(n_neighbors=3, max_rows=100).fit(SCALED, np.random.RandomState(0))
    assert len(model.reference) == 100
    np.testing.assert_allclose(model.terms(SCALED).sum(1), model.distances(SCALED))
    own = model.distances(model.reference, exclude_self=True)
    assert np.all(own > 0)  # a reference row is not its own neighbour


def test_typical_is_the_median_or_else_a_positive_mean():
    assert typical(np.array([1.0, 2.0, 3.0])) == 2.0
    assert typical(np.array([0.0, 0.0, 0.0, 8.0])) == 2.0  # mostly duplicates: the mean
    assert typical(np.zeros(3)) == 1.0

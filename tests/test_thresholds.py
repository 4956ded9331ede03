"""Thresholds on the outlyingness: contamination, conformal p-values, FDR."""

import numpy as np
import pytest

from skae._outlier._thresholds import (
    benjamini_hochberg_level,
    conformal_offset,
    conformal_pvalues,
    contamination_offset,
)

CALIBRATION = np.sort(np.random.RandomState(0).exponential(size=99))


def test_pvalues_count_calibration_rows_as_outlying():
    pvalues = conformal_pvalues(CALIBRATION, np.array([-1.0, CALIBRATION[49], 1e9]))
    np.testing.assert_allclose(pvalues, [1.0, 51 / 100, 1 / 100])


@pytest.mark.parametrize("level", [0.01, 0.05, 0.1, 0.5])
def test_the_conformal_offset_flags_exactly_the_rows_at_the_level(level):
    outlyingness = np.linspace(0, 8, 2001)
    flagged = -outlyingness - conformal_offset(CALIBRATION, level) < 0
    np.testing.assert_array_equal(flagged,
                                  conformal_pvalues(CALIBRATION, outlyingness) <= level)


def test_a_level_below_what_the_calibration_rows_allow_flags_nothing():
    assert conformal_offset(CALIBRATION, 0.005) == -np.inf


def test_benjamini_hochberg_level():
    pvalues = np.array([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216])
    assert benjamini_hochberg_level(pvalues, 0.05) == 0.008
    assert benjamini_hochberg_level(np.array([0.5, 0.9]), 0.05) == 0.0


def test_contamination_offset_flags_that_share():
    outlyingness = np.random.RandomState(1).exponential(size=1000)
    offset = contamination_offset(outlyingness, 0.1)
    assert np.mean(-outlyingness < offset) == pytest.approx(0.1, abs=0.002)
    q1, q3 = np.percentile(outlyingness, [25, 75])
    assert contamination_offset(outlyingness, "auto") == pytest.approx(-(q3 + 1.5 * (q3 - q1)))

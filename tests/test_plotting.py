"""Displays: drawn with the Agg backend, attributes in scikit-learn's style."""

import numpy as np
import pytest

from skae import AutoencoderOutlierDetector, AutoencoderTransformer
from skae.plotting import LatentSpaceDisplay, LossCurveDisplay, ReconstructionErrorDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FAST = dict(hidden_layer_sizes=(8,), max_epochs=5, random_state=0)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_loss_curve(digits):
    ae = AutoencoderTransformer(**FAST).fit(digits[0])
    display = LossCurveDisplay.from_estimator(ae)
    assert len(display.lines_) == 2
    np.testing.assert_allclose(display.lines_[0].get_ydata(), ae.loss_curve_)
    assert display.ax_.get_xlabel() == "epoch" and display.figure_ is display.ax_.figure
    no_valid = AutoencoderTransformer(early_stopping=False, **FAST).fit(digits[0])
    assert len(LossCurveDisplay.from_estimator(no_valid).lines_) == 1


def test_latent_space_with_labels_and_given_axes(digits):
    X, y = digits
    ae = AutoencoderTransformer(n_components=3, **FAST).fit(X)
    _, ax = plt.subplots()
    display = LatentSpaceDisplay.from_estimator(ae, X, y, components=(0, 2), ax=ax)
    assert display.ax_ is ax
    np.testing.assert_allclose(display.scatter_.get_offsets()[:, 1], ae.transform(X)[:, 2])
    assert len(ax.get_legend().get_texts()) == 10
    assert ax.get_xlabel() == "code 0" and ax.get_ylabel() == "code 2"


def test_latent_space_continuous_labels_and_one_component(digits):
    X, _ = digits
    ae = AutoencoderTransformer(n_components=1, **FAST).fit(X)
    display = LatentSpaceDisplay.from_estimator(ae, X, X[:, 20])
    assert len(display.figure_.axes) == 2  # the plot and its colour bar
    assert display.ax_.get_ylabel() == "code 0"


def test_reconstruction_error_histogram_marks_the_threshold():
    rng = np.random.RandomState(0)
    X = rng.randn(300, 5)
    detector = AutoencoderOutlierDetector(contamination=0.1, **FAST).fit(X)
    display = ReconstructionErrorDisplay.from_estimator(detector, X)
    assert display.threshold_line_.get_xdata()[0] == pytest.approx(-detector.offset_)
    assert "10.0% above" in display.ax_.get_legend().get_texts()[0].get_text()
    ae = AutoencoderTransformer(**FAST).fit(X)
    assert ReconstructionErrorDisplay.from_estimator(ae, X).threshold_line_ is None


def test_explained_variance_display_draws_both_curves(digits):
    from skae.plotting import ExplainedVarianceDisplay

    X, _ = digits
    ae = AutoencoderTransformer(4, ordered=True, max_epochs=3, random_state=0).fit(X)
    display = ExplainedVarianceDisplay.from_estimator(ae, X, threshold=0.5)
    ours, pca = (line.get_ydata() for line in display.lines_)
    np.testing.assert_allclose(ours, np.cumsum(ae.explained_variance_ratio_))
    assert len(pca) == 4 and display.ax_.get_ylabel() == "cumulative explained variance"

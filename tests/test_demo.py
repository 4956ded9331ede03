"""The demo the README runs: ``python -m skae``."""

import re

from skae.__main__ import main


def test_demo_prints_errors_ratio_and_times(capsys):
    main(["--n-components", "8"])
    out = capsys.readouterr().out
    assert "PCA" in out and "AutoencoderTransformer" in out
    ratio = float(re.search(r"AE / PCA error ratio: ([0-9.]+)", out).group(1))
    assert ratio < 1.0

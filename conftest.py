"""Collection of the README's test command, ``python -m pytest skae tests``.

``skae.onnx`` imports skl2onnx: without the ``onnx`` extra its modules are
not collected for doctests (tests/test_onnx.py skips itself).
"""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("skl2onnx") else ["skae/onnx"]

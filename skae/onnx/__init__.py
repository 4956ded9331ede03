"""Export skae's estimators, and the pipelines around them, to ONNX.

``import skae.onnx`` registers skae's converters with skl2onnx (which
``import skae`` does not import: it takes seconds). Then skl2onnx's own
``to_onnx`` converts a fitted skae estimator alone, or inside a scikit-learn
``Pipeline`` or ``ColumnTransformer``, and the file runs in onnxruntime
without torch, skae or Python::

    import skae.onnx
    from skl2onnx import to_onnx

    onx = to_onnx(pipeline, X[:1])
    open("pipeline.onnx", "wb").write(onx.SerializeToString())

Needs the ``onnx`` extra: ``pip install "skae[onnx]"``.
"""

try:
    import skl2onnx  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "skae.onnx needs skl2onnx, onnx and onnxruntime: pip install 'skae[onnx]'."
    ) from error

from ._converters import register

register()

__all__ = ["register"]

"""skae: scikit-learn estimators for autoencoders, built on PyTorch and skorch."""

from . import noise, penalties, plotting
from ._denoising import DenoisingAutoencoder
from ._imputer import AutoencoderImputer
from ._outlier import AutoencoderOutlierDetector, OutlierClassifier, TunedOutlierDetector
from ._regressor import EncoderDecoderRegressor
from ._transformer import AutoencoderTransformer
from ._variational import VariationalAutoencoder

__version__ = "0.1.0"

__all__ = [
    "AutoencoderImputer",
    "AutoencoderOutlierDetector",
    "AutoencoderTransformer",
    "DenoisingAutoencoder",
    "EncoderDecoderRegressor",
    "OutlierClassifier",
    "TunedOutlierDetector",
    "VariationalAutoencoder",
    "noise",
    "penalties",
    "plotting",
    "__version__",
]

"""The private scikit-learn names skae relies on, imported in one place.

scikit-learn's callbacks (``sklearn.callback``, experimental since 1.9) are
optional: with an older scikit-learn, ``CallbackSupportMixin`` is a stand-in
without ``set_callbacks`` and skae's fits report to no callback.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
    validate_params,
)
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import _check_feature_names, _check_n_features

try:
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # scikit-learn < 1.9

    class CallbackSupportMixin:
        """Stand-in for scikit-learn's callback support, which this version lacks."""

        def _init_callback_context(self, **kwargs):
            return None

__all__ = [
    "CallbackSupportMixin",
    "HasMethods",
    "Interval",
    "RealNotInt",
    "StrOptions",
    "_check_feature_names",
    "_check_n_features",
    "_fit_context",
    "_get_output_config",
    "validate_params",
]

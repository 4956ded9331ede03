"""scikit-learn's estimator checks over every public estimator.

The instances train for a few epochs so the checks run in seconds; every
check must pass, with no expected failures.
"""

import pytest
from sklearn.utils.estimator_checks import (
    check_dataframe_column_names_consistency,
    check_global_set_output_transform_polars,
    check_param_validation,
    check_set_output_transform,
    check_set_output_transform_polars,
    parametrize_with_checks,
)

from skae import (
    AutoencoderImputer,
    AutoencoderOutlierDetector,
    AutoencoderTransformer,
    DenoisingAutoencoder,
    EncoderDecoderRegressor,
    VariationalAutoencoder,
)
from skae.penalties import ContractivePenalty, KLSparsityPenalty, L1ActivityPenalty

from ._helpers import PUBLIC

FAST = dict(max_epochs=3, hidden_layer_sizes=(8,), random_state=0)

ESTIMATORS = [
    AutoencoderTransformer(**FAST),
    AutoencoderTransformer(
        hidden_layer_sizes=(), activation="identity", init="random", max_epochs=3
    ),
    AutoencoderTransformer(scaling="minmax", early_stopping=False, **FAST),
    # Each noise once: Gaussian and masking here, salt-and-pepper and swap with
    # the variants below.
    DenoisingAutoencoder(noise="gaussian", **FAST),
    DenoisingAutoencoder(noise="masking", **FAST),
    AutoencoderOutlierDetector(**FAST),
    VariationalAutoencoder(**FAST),
    AutoencoderImputer(**FAST),
    # The variants: penalties, tied weights, convolutions over rows as 1-D images.
    AutoencoderTransformer(penalty=L1ActivityPenalty(), tied_weights=True, **FAST),
    AutoencoderTransformer(image_shape=(1, -1), penalty=ContractivePenalty(), **FAST),
    DenoisingAutoencoder(
        noise="salt_pepper", penalty=[KLSparsityPenalty(), ContractivePenalty()],
        image_shape=(1, -1), tied_weights=True, **FAST
    ),
    DenoisingAutoencoder(noise="swap", penalty=L1ActivityPenalty(), **FAST),
    AutoencoderOutlierDetector(penalty=ContractivePenalty(), tied_weights=True, **FAST),
    AutoencoderOutlierDetector(image_shape=(1, -1), contamination=0.1, scaling="standard",
                               **FAST),
    VariationalAutoencoder(penalty=L1ActivityPenalty(), tied_weights=True, **FAST),
    AutoencoderImputer(image_shape=(1, -1), penalty=ContractivePenalty(), **FAST),
    EncoderDecoderRegressor(**FAST),
    EncoderDecoderRegressor(image_shape=(1, -1), penalty=L1ActivityPenalty(), ordered=True,
                            **FAST),
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "check",
    [
        check_set_output_transform,
        check_dataframe_column_names_consistency,
        check_param_validation,
    ],
)
@pytest.mark.parametrize(
    "estimator", [ESTIMATORS[0], ESTIMATORS[3], ESTIMATORS[-2]], ids=lambda e: type(e).__name__
)
def test_named_checks(estimator, check):
    check(type(estimator).__name__, estimator)


@pytest.mark.parametrize(
    "check", [check_set_output_transform_polars, check_global_set_output_transform_polars]
)
@pytest.mark.parametrize(
    "estimator", [e for e in ESTIMATORS if hasattr(e, "transform")],
    ids=lambda e: type(e).__name__,
)
def test_polars_set_output_checks(estimator, check):
    pytest.importorskip("polars")
    check(type(estimator).__name__, estimator)


def test_every_public_estimator_is_checked():
    assert {type(estimator) for estimator in ESTIMATORS} == set(PUBLIC)


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda c: c.__name__)
def test_documented_defaults_match_the_signature(cls):
    import inspect
    import re

    documented = dict(re.findall(r"^    (\w+) : .*, default=(.*)$", cls.__doc__, flags=re.M))
    for name, param in inspect.signature(cls.__init__).parameters.items():
        if name == "self":
            continue
        expected = f'"{param.default}"' if isinstance(param.default, str) else repr(param.default)
        assert documented[name] == expected, name

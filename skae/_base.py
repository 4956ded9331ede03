"""The base estimator every skae autoencoder shares.

``BaseAutoencoder`` owns the parameters and their constraints and the one
training pipeline of ``fit`` and ``partial_fit``: prepare (validate the
data, settle the scaling, the code and the budget) -> build (the module,
started at PCA, and the skorch net) -> train -> record (history and fitted
statistics), whose steps are ``TrainingPipelineMixin``'s. Inference is
``InferenceMixin``'s, persistence ``NetStateMixin``'s; the column map (``_columns``), the wide-table principal
map (``_principal``), the PCA start, the training parts and the parameter
checks live in modules of their own.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import metadata_routing

from ._compat import CallbackSupportMixin, Interval, RealNotInt, StrOptions, _fit_context
from ._engine.layers import ACTIVATIONS
from ._engine.losses import ReconstructionLoss
from ._engine.modules import Autoencoder
from ._engine.net import AutoencoderNet
from ._engine.persistence import NetStateMixin
from ._inference import InferenceMixin
from ._pipeline import TrainingPipelineMixin
from ._principal import NO_PRINCIPAL_MAP
from ._scaling import fit_scaler
from ._training import AUTO_MAX_EPOCHS, AUTO_STEPS
from ._validation import (
    check_architecture,
    check_epochs,
    check_hidden_layer_sizes,
    check_image_shape,
    check_n_components,
    check_output_loss,
    check_X,
)

#: The network beside the linear path sees scaled inputs clipped to
#: +-NETWORK_INPUT_CLIP (for standard scaling, standard deviations); the
#: linear path carries values beyond it. A network trained on a handful of
#: such values extrapolates wildly from them (docs/design_notes.md).
NETWORK_INPUT_CLIP = 10.0


class BaseAutoencoder(
    TrainingPipelineMixin, InferenceMixin, NetStateMixin, CallbackSupportMixin, BaseEstimator
):
    """Parameters, training and inference shared by skae's estimators.

    Not meant to be used directly: see ``AutoencoderTransformer``. A
    subclass writes its ``__init__`` signature, its public methods and, of
    the hooks below, the ones it changes:

    - data: ``_validate_data`` (targets, for paired data), ``_hold_out``
      (rows no part of the model sees), ``_setup`` (what a new model takes
      from its first data), ``_allow_nan``;
    - parameters: ``_check_params`` (checks across parameters, before
      training), ``_resolve_n_components`` and ``_code_width``;
    - network: ``_module_class``, ``_net_class``, ``_net_params``,
      ``_architecture``, ``_nested_dropout``, ``_missing_input``,
      ``_tied_weights``, ``_rebuilds_principal_coordinates``;
    - loss: ``_criterion``, ``_output_columns``, ``_output_scaling``,
      ``_loss_in_data_units``, ``_scale_floor``;
    - training: ``_corruption``, ``_step_budget`` (``_auto_steps``,
      ``_auto_max_epochs``);
    - fitted statistics: ``_measure_code``, ``_after_fit``.
    """

    # ------------------------------------------------ class-level settings
    _net_class = AutoencoderNet
    #: The ``nn.Module`` built from ``_architecture``'s arguments.
    _module_class = Autoencoder
    #: Optimizer steps budgeted by ``max_epochs="auto"``.
    _auto_steps = AUTO_STEPS
    #: With ``max_epochs="auto"``, at most this many passes over the rows.
    _auto_max_epochs = AUTO_MAX_EPOCHS
    #: Smallest internal scale, relative to the root-mean-square scale.
    _scale_floor = 1e-2
    #: Whether ``fit`` accepts NaN (the imputer's missing values).
    _allow_nan = False
    #: Whether the loss is the error in the data's units (as PCA's); else
    #: every scaled column counts alike.
    _loss_in_data_units = True
    #: Whether a wide table's decoder may rebuild principal coordinates.
    _rebuilds_principal_coordinates = False
    #: Set by ``fit``: the wide-table map (``PrincipalMap``), or the identity.
    _principal = NO_PRINCIPAL_MAP
    #: Shared fitted attributes (``_docs.BASE_ATTRIBUTES``) a subclass does not have.
    _undocumented_attributes = ()

    # ``partial_fit``'s ``epochs`` is an option of the call, not metadata for
    # meta-estimators to route (and no ``set_partial_fit_request`` is made).
    __metadata_request__partial_fit = {"epochs": metadata_routing.UNUSED}

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like", StrOptions({"auto"})],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "loss": [StrOptions({"mse", "bce"})],
        "scaling": [StrOptions({"standard", "robust", "minmax"}), None],
        "handle_unknown": [StrOptions({"error", "ignore"})],
        "min_frequency": [Interval(Integral, 1, None, closed="left"),
                          Interval(RealNotInt, 0, 1, closed="neither"), None],
        "max_categories": [Interval(Integral, 2, None, closed="left"), None],
        "init": [StrOptions({"pca", "random"})],
        "linear_path": ["boolean"],
        "penalty": [callable, list, None],
        "tied_weights": ["boolean"],
        "image_shape": [tuple, None],
        "ordered": ["boolean"],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "learning_rate_schedule": [StrOptions({"cosine", "constant"})],
        "weight_decay": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "device": [str],
        "callbacks": [list, None],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        n_components=2,
        *,
        hidden_layer_sizes="auto",
        activation="relu",
        loss="mse",
        scaling="standard",
        handle_unknown="error",
        min_frequency=None,
        max_categories=30,
        init="pca",
        linear_path=True,
        penalty=None,
        tied_weights=False,
        image_shape=None,
        ordered=False,
        learning_rate=3e-3,
        learning_rate_schedule="cosine",
        weight_decay="auto",
        batch_size=256,
        max_epochs="auto",
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=20,
        tol=1e-4,
        warm_start=False,
        device="auto",
        callbacks=None,
        random_state=None,
        verbose=0,
    ):
        self._store_params(locals())

    def _store_params(self, params):
        """The body of every ``__init__``: store each parameter, unchanged.

        ``params`` is the ``__init__``'s ``locals()``; its signature lists the
        parameters (scikit-learn reads them from it), so subclasses that add a
        parameter write the signature only, not a second list of assignments.
        """
        for name, value in params.items():
            if name not in ("self", "__class__"):
                setattr(self, name, value)

    # ---------------------------------------------------------------- fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train on ``X``: a new network, or with ``warm_start`` the fitted one.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data: a numeric array or DataFrame, at least 2 rows.

        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._train(X, y, resume=self.warm_start and hasattr(self, "net_"), epochs=None)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, epochs=1):
        """Train on one chunk of rows, continuing from the previous calls.

        The first call (on an unfitted estimator) settles the feature scaling,
        the code size and the starting point (PCA's solution of this chunk
        with ``init="pca"``), so it should be a representative chunk: rows
        in random order, not sorted. Each call then trains ``epochs`` passes
        over its chunk with all rows (no early stopping; ``max_epochs`` does
        not apply), keeping the optimizer's state between calls. On a fitted
        estimator, training continues from the fitted network. The fitted
        statistics (``reconstruction_error_``, and the outlier detector's
        threshold) are those of this chunk, from a random sample of 20,000 of
        its rows when it has more. This is what
        ``dask_ml.wrappers.Incremental`` calls on each block of a dask array.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One chunk of training rows.

        y : Ignored
            Not used, present for API consistency by convention.

        epochs : int, default=1
            Passes over this chunk.

        Returns
        -------
        self : object
            The estimator, trained on one more chunk.
        """
        check_epochs(epochs)
        self._train(X, y, resume=hasattr(self, "net_"), epochs=epochs)
        return self

    # --------------------------------------------------------------- build

    def _setup(self, X, Y=None):
        """Hook: settle what a new model takes from its first data: code size,
        image shape and feature scaling (an estimator trained on targets
        ``Y`` adds their scaling). Returns the hidden layer sizes."""
        hidden = check_hidden_layer_sizes(self.hidden_layer_sizes, self.image_shape)
        self.n_components_ = self._code_width(X)
        check_architecture(self._columns, self.image_shape, self.init, hidden,
                           self.linear_path)
        self._image_shape = check_image_shape(self.image_shape, X.shape[1])
        check_output_loss(self.loss, self._output_columns)
        floor = self._columns.scale_floor(self._scale_floor)
        self.center_, self.scale_ = self._columns.scaling(X, *fit_scaler(X, self.scaling, floor))
        return hidden

    def _architecture(self, n_features, hidden_layer_sizes, n_components, image_shape):
        """Hook: keyword arguments of ``_module_class``: the network's architecture.

        Kept as ``_module_args`` when the module is built, so a saved model
        rebuilds the very same network whatever its parameters are now.
        """
        return dict(
            n_features=n_features,
            n_components=n_components,
            hidden_layer_sizes=hidden_layer_sizes,
            activation=self.activation,
            linear_path=self.linear_path,
            tied_weights=self._tied_weights,
            image_shape=image_shape,
            feature_weight=np.sqrt(self._pca_weights()).astype(np.float32),
            input_clip=None if self.scaling is None else NETWORK_INPUT_CLIP,
            nested_dropout=self._nested_dropout,
            **({"n_outputs": self._principal.n_outputs} if self._principal.active else {}),
            **({"missing_input": True} if self._missing_input else {}),
        )

    def _loss_weights(self):
        """Per-entry weights of the loss in the network's scaled units."""
        scale = self._output_scaling[1] if self._loss_in_data_units else None
        return self._output_columns.loss_weights(scale)

    def _pca_weights(self):
        """Per-entry weights of the PCA start (1 for one-hot columns)."""
        scale = self._output_scaling[1] if self._loss_in_data_units else None
        return self._output_columns.pca_weights(scale)

    # --------------------------------------------------------------- hooks

    def _validate_data(self, X, y, reset):
        """Hook: validated ``(X, Y)``. ``Y``, the targets, is None for an
        autoencoder; an estimator trained on pairs validates ``y`` here."""
        return check_X(self, X, reset=reset, allow_nan=self._allow_nan), None

    def _check_params(self):
        """Hook: checks across parameters, before anything is trained."""

    def _hold_out(self, X, y, rng):
        """Hook: ``(rows to train on, what is kept aside or None)``, given the
        validated rows and the ``y`` passed to ``fit``; a subclass may keep
        rows aside that nothing of the model may see (the detector's
        calibration rows and known outliers), handed to ``_after_fit``."""
        return X, None

    def _resolve_n_components(self, n_features):
        """Hook: the code size to build, given the number of features."""
        return check_n_components(self.n_components, n_features)

    def _code_width(self, X):
        """Hook: the width of the code to build for the training rows ``X``."""
        return self._resolve_n_components(X.shape[1])

    def _criterion(self):
        """Hook: the loss module between the decoder's output and the target."""
        if self._principal.active:
            weight = self._principal.weight
            return ReconstructionLoss(self.loss, np.zeros_like(weight), np.ones_like(weight),
                                      weight)
        kind_weight = getattr(self, "_kind_weight", None)
        return ReconstructionLoss(
            self.loss, *self._output_scaling, self._loss_weights(),
            self._output_columns.blocks(), kind_weight=kind_weight,
            minimax=kind_weight is not None,
        )

    def _net_params(self):
        """Hook: extra keyword arguments of ``_net_class``."""
        return {}

    def _corruption(self, X, device):
        """Hook: a callable corrupting training batches, or None."""
        return None

    def _step_budget(self):
        """Hook: ``(optimizer steps, most epochs)`` of ``max_epochs="auto"``."""
        return self._auto_steps, self._auto_max_epochs

    def _measure_code(self, X, split):
        """Hook: fitted statistics of the trained code, from the training rows
        ``X`` and the ``IndexSplit`` (or None) they were trained with."""

    def _after_fit(self, X, held_out=None):
        """Hook: fitted statistics of the training rows ``X`` (validated), and
        of what ``_hold_out`` kept aside."""

    @property
    def _output_columns(self):
        """Hook: the column map of what the decoder outputs: the input's, for
        an autoencoder."""
        return self._columns

    @property
    def _output_scaling(self):
        """Hook: ``(center, scale)`` of what the decoder outputs, in its scaled
        units: the input's scaling for an autoencoder."""
        return self.center_, self.scale_

    @property
    def _missing_input(self):
        """Hook: whether the network's input may hold NaN as missing entries."""
        return self._allow_nan

    @property
    def _nested_dropout(self):
        """Hook: whether to train ordered codes (``ordered``)."""
        return self.ordered

    @property
    def _tied_weights(self):
        """Hook: whether the decoder uses the encoder's transposed weights."""
        return self.tied_weights


"""The documentation every estimator shares, written once and filled in."""

import inspect
import re

from ._base import NETWORK_INPUT_CLIP
from ._engine.callbacks import WarmupCosine
from ._training import (
    AUTO_MIN_EPOCHS,
    AUTO_MIN_PATIENCE_STEPS,
    AUTO_WEIGHT_DECAY,
    MIN_SPLIT_ROWS,
    MIN_VALID_ROWS,
)
from ._validation import AUTO_HIDDEN
from .penalties import L1ActivityPenalty

#: The numbers the shared documentation states, read from where they live.
NUMBERS = {
    "{auto_hidden}": repr(AUTO_HIDDEN),
    "{auto_hidden_conv}": repr(AUTO_HIDDEN[::-1]),
    "{input_clip}": f"{NETWORK_INPUT_CLIP:g}",
    "{warmup_percent}": f"{100 * WarmupCosine(1).warmup:g}",
    "{auto_weight_decay}": f"{AUTO_WEIGHT_DECAY:g}",
    "{sparse_weight_decay}": f"{L1ActivityPenalty._auto_weight_decay:g}",
    "{auto_min_epochs}": str(AUTO_MIN_EPOCHS),
    "{min_split_rows}": str(MIN_SPLIT_ROWS),
    "{min_valid_rows}": str(MIN_VALID_ROWS),
    "{auto_min_patience_steps}": str(AUTO_MIN_PATIENCE_STEPS),
}

#: Documentation of the parameters every estimator shares, written once; each
#: ``default={default}`` is filled from the estimator's signature.
BASE_PARAMETERS = """\
    hidden_layer_sizes : tuple of int or "auto", default={default}
        Widths of the encoder's hidden layers (with ``image_shape``, the
        output channels of its convolutions); the decoder mirrors them.
        ``()`` gives a linear autoencoder, which finds PCA's subspace.
        ``"auto"`` is ``{auto_hidden}``, and with ``image_shape`` the channels
        ``{auto_hidden_conv}``: they grow as the convolutions halve the feature maps.

    activation : {"relu", "leaky_relu", "elu", "selu", "gelu", "silu", \
"tanh", "sigmoid", "identity"}, default={default}
        Activation of the hidden layers.

    loss : {"mse", "bce"}, default={default}
        Reconstruction loss. ``"mse"`` is the squared error in the units of
        ``X``, the error PCA minimises. ``"bce"`` is binary cross-entropy for
        data in [0, 1]; the decoder then ends in a sigmoid.

    scaling : {"standard", "robust", "minmax"} or None, default={default}
        How features are scaled inside the network: centred and divided by
        their standard deviation, by their median and interquartile range
        (robust to skewed columns and outliers), or mapped to [0, 1]. None
        feeds ``X`` as it is. Scaling conditions training, so columns in
        different units just work. For the transformers it does not change
        the objective, which stays the error in the units of ``X``: as with
        ``PCA``, put a ``StandardScaler`` first to weigh every column
        equally.

    handle_unknown : {"error", "ignore"}, default={default}
        For a DataFrame with categorical columns (``category``, strings,
        ``bool``): what a level not seen in training does at transform
        time. ``"error"`` raises a ValueError naming the column and the
        value; ``"ignore"`` treats the entry as missing: it enters the
        network as the column's training shares (the imputer fills it, and
        the outlier detector counts it as a level of the lowest probability
        the training rows allow).

    min_frequency : int, float or None, default={default}
        For categorical columns: levels seen fewer times than this (an int)
        or in a smaller share of the rows (a float in (0, 1)) join one
        infrequent group, as in ``OneHotEncoder``. The group decodes to its
        most frequent level. None groups no level by frequency.

    max_categories : int or None, default={default}
        For categorical columns: at most this many one-hot columns per
        column, the infrequent group included; beyond it the rarest levels
        are grouped. It keeps the network small for columns with many
        levels (identifiers, free text). None keeps every level.

    penalty : penalty object, list of penalty objects or None, default={default}
        Terms added to the training loss, from ``skae.penalties``:
        ``L1ActivityPenalty`` or ``KLSparsityPenalty`` for sparse codes,
        ``ContractivePenalty`` for codes insensitive to small changes of the
        input. They also count in the validation loss that early stopping
        monitors, and in ``loss_curve_``. Tune one with
        ``set_params(penalty__weight=...)``.

    tied_weights : bool, default={default}
        The decoder uses the transposes of the encoder's weight matrices
        (with biases of its own): about half the weights, a regularised
        model. With ``init="pca"`` the codes then start as PCA's scores
        rather than its whitened scores.

    image_shape : tuple of int or None, default={default}
        ``(height, width)`` or ``(channels, height, width)`` of the images
        that the rows of ``X`` hold, flattened (as ``load_digits`` gives
        them): the hidden layers become strided 3x3 convolutions, each
        halving the height and width, with ``hidden_layer_sizes`` output
        channels. One entry may be -1 and is then inferred from the number
        of features, as in ``numpy.reshape``. Rows stay flat 2-D arrays, so
        the estimator fits in a ``Pipeline`` like any other.

    ordered : bool, default={default}
        Train ordered codes by nested dropout (Rippel, Gelbart and Adams,
        2014): at each step every row keeps the first ``j`` units of its
        code, ``j`` drawn uniformly from 1 to the code's width, and the rest
        are zeroed, so every prefix of the code is trained to be a good code
        of its size. The leading units then carry the most, as PCA's
        components do: ``explained_variance_ratio_`` reads off how much each
        adds and ``truncate(j)`` keeps the first ``j`` without refitting.

    init : {"pca", "random"}, default={default}
        ``"pca"`` starts the linear path (or the linear network) at PCA's
        solution; ``"random"`` uses PyTorch's default initialisation.

    linear_path : bool, default={default}
        Add a linear map beside the encoder's and the decoder's hidden
        layers. Needed by ``init="pca"`` when there are hidden layers. The
        encoder's network then sees the scaled input clipped to
        +-{input_clip}, the linear map all of it: a value far beyond those
        the network was trained on moves the code linearly, as in PCA,
        instead of through the network's extrapolation (unless
        ``scaling=None``).

    learning_rate : float, default={default}
        Step size of the AdamW optimizer; with ``learning_rate_schedule=
        "cosine"``, the largest one, reached after the warm-up.

    learning_rate_schedule : {"cosine", "constant"}, default={default}
        ``"cosine"``: the step size rises linearly from near zero over the
        first {warmup_percent}% of the step budget (``max_epochs`` passes), then falls along
        a cosine to zero at the end of the budget; ``"constant"``: it stays
        at ``learning_rate``. Each epoch's last step size is recorded as
        ``lr`` in the history. A skorch ``LRScheduler`` among ``callbacks``
        replaces the schedule; ``partial_fit``, which has no budget, steps at
        ``learning_rate``.

    weight_decay : float or "auto", default={default}
        Decoupled weight decay of the AdamW optimizer, applied to the weights
        of the hidden layers' networks only: not to the biases and not to the
        linear path, so it shrinks the model toward its linear (PCA) part
        rather than toward zero, and a model without hidden layers is not
        decayed. Each step multiplies those weights by ``1 - learning_rate
        * weight_decay``. It curbs overfitting on small data: it lowered the
        held-out reconstruction error on most benchmark data sets
        (``docs/design_notes.md``). ``"auto"`` is {auto_weight_decay}, or {sparse_weight_decay} with a sparsity
        penalty (``L1ActivityPenalty``, ``KLSparsityPenalty``), whose codes
        take longer to form while the networks overfit.

    batch_size : int, default={default}
        Rows per optimizer step.

    max_epochs : int or "auto", default={default}
        Maximum number of passes over the training data. ``"auto"`` budgets
        about {auto_steps} optimizer steps, within {auto_min_epochs} to {auto_max_epochs} epochs: a small
        data set gets as many updates as a large one, as far as
        {auto_max_epochs} passes over it allow.

    early_stopping : bool, default={default}
        Hold out ``validation_fraction`` of the rows, stop when their loss
        has not improved for ``n_iter_no_change`` epochs and restore the best
        weights, counting the initial ones. With ``False`` (or fewer than {min_split_rows}
        rows), all rows train and the training loss is monitored instead.

    validation_fraction : float, default={default}
        Share of the rows held out for early stopping; at least {min_valid_rows} rows (at
        most a quarter of the data), since weights picked on a handful of
        rows overfit.

    n_iter_no_change : int, default={default}
        Patience of early stopping, in epochs; with ``max_epochs="auto"``,
        at least {auto_min_patience_steps} optimizer steps.

    tol : float, default={default}
        Relative improvement of the monitored loss that counts as progress.

    warm_start : bool, default={default}
        When fitted already, ``fit`` continues training the fitted network
        (with its feature scaling) instead of building a new one. The
        architecture parameters must not have changed. ``partial_fit``
        always continues.

    device : str, default={default}
        Torch device to train and infer on; ``"auto"`` picks ``"cuda"`` when
        available, else ``"cpu"``.

    callbacks : list of skorch callbacks or (name, callback) tuples, \
default={default}
        Extra skorch callbacks (``Checkpoint``, ``LoadInitState``,
        ``ProgressBar``, ``LRScheduler``, ``EpochScoring``,
        ``GradientNormClipping``, ...), copied at each fit. They run before
        skae's early stopping in each epoch. scikit-learn's own callbacks
        (scikit-learn >= 1.9) are set with ``set_callbacks`` instead and see
        one task per epoch.

    random_state : int, RandomState instance or None, default={default}
        Seeds the validation split, weight initialisation, shuffling,
        corruption and sampling. Each fit draws from a ``torch.Generator``
        of its own, never from torch's global one, so the same
        ``random_state`` gives the same model in a thread pool as in
        sequence.

    verbose : int, default={default}
        0 is silent, 1 shows a progress bar over epochs, 2 prints skorch's
        table of losses per epoch.
"""

#: Documentation of the fitted attributes every estimator shares.
BASE_ATTRIBUTES = """\
    net_ : skorch.NeuralNet
        The trained skorch net.

    module_ : torch.nn.Module
        The trained network (``net_.module_``).

    center_, scale_ : ndarray of shape (n_features,)
        The internal feature scaling: the network sees
        ``(X - center_) / scale_``.

    n_components_ : int
        Size of the code that was built.

    n_iter_ : int
        Number of epochs run.

    best_epoch_ : int
        Epoch whose weights were kept (0 means the initial ones).

    loss_curve_ : list of float
        Training loss per epoch (in the network's scaled units).

    validation_loss_curve_ : list of float or None
        Validation loss per epoch, None without a validation set.

    reconstruction_error_ : float
        Mean squared reconstruction error of the training data, in the units
        of ``X`` (mean binary cross-entropy with ``loss="bce"``).

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features,)
        Names of features seen during fit, when ``X`` has string column names.
"""


#: Documentation of the fitted attributes of the transformers (the code's prefixes).
TRANSFORMER_ATTRIBUTES = """\
    explained_variance_ratio_ : ndarray of shape (n_components,)
        Share of the data's total variance that each unit of the code adds
        when the code's units are used in order: entry ``j`` is how much the
        first ``j + 1`` units rebuild beyond the first ``j``, in the units
        of ``X``. Measured on the validation rows (without early stopping, on
        at most 5,000 training rows). For a linear autoencoder these are
        ``PCA``'s; with ``ordered=True`` they read like them.

    explained_variance_ : ndarray of shape (n_components,)
        ``explained_variance_ratio_`` times the total variance of those rows
        (with ``ddof=1``, as ``PCA``'s).
"""


#: Documentation of the transformers' ``n_components``.
TRANSFORMER_N_COMPONENTS = """\
    n_components : int or float in (0, 1), default=2
        Size of the code (the bottleneck), at most the number of features.
        A float, as in ``PCA``, asks for the smallest code whose first units
        rebuild that share of the variance (``explained_variance_ratio_``):
        an ordered code (``ordered=True``) as wide as ``PCA`` needs for that
        share is trained and its shortest prefix that reaches the share on
        the validation rows is kept; ``n_components_`` is its size.
"""


def _format_default(value):
    return f'"{value}"' if isinstance(value, str) else repr(value)


def fill_doc(cls):
    """Substitute the shared parameter and attribute docs into ``cls.__doc__``.

    Only the parameters of ``cls.__init__``'s signature that its docstring
    does not document itself are filled in, and the shared attributes but
    those in ``cls._undocumented_attributes``. Each ``default=`` is taken from
    the signature, the automatic step budget from ``cls._auto_steps`` and
    ``cls._auto_max_epochs``, and the other numbers from the constants they
    describe (``NUMBERS``), so a subclass with other defaults is documented
    truthfully.
    """
    defaults = {
        name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()
    }

    def own_default(match):
        name = match.group(1)
        return f"{match.group(0).split(', default=')[0]}, default={_format_default(defaults[name])}"

    # One block per shared parameter; a class documents those of its own
    # signature, and its own text of a parameter replaces the shared one.
    blocks = re.split(r"^(?=    \w+ : )", BASE_PARAMETERS, flags=re.M)
    own = set(re.findall(r"^    (\w+) : ", cls.__doc__, flags=re.M))
    kept = "".join(
        block for block in blocks
        if block and (name := block.split(" : ")[0].strip()) in defaults and name not in own
    )
    parameters = re.sub(
        r"^    (\w+) : .*?, default=.*$", own_default, kept, flags=re.M
    ).replace("{auto_steps}", str(cls._auto_steps))
    parameters = parameters.replace("{auto_max_epochs}", str(cls._auto_max_epochs))
    for placeholder, number in NUMBERS.items():
        parameters = parameters.replace(placeholder, number)
    # Each block ends with a blank line, before the next section's header.
    cls.__doc__ = cls.__doc__.replace("{base_parameters}", parameters.rstrip("\n") + "\n")
    attributes = "".join(
        block for block in re.split(r"^(?=    \w+[\w, ]* : )", BASE_ATTRIBUTES, flags=re.M)
        if block and block.split(" : ")[0].strip() not in cls._undocumented_attributes
    )
    cls.__doc__ = cls.__doc__.replace("{base_attributes}", attributes.rstrip("\n") + "\n")
    cls.__doc__ = cls.__doc__.replace(
        "{transformer_attributes}", TRANSFORMER_ATTRIBUTES.rstrip("\n") + "\n"
    )
    cls.__doc__ = cls.__doc__.replace(
        "{transformer_n_components}\n", TRANSFORMER_N_COMPONENTS
    )
    return cls

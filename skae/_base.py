"""The base estimator every skae autoencoder shares.

``BaseAutoencoder`` owns the parameters, validates input, scales features,
builds the torch module and the skorch net, trains it reproducibly and
offers encoding, decoding and per-row reconstruction error to subclasses.
Subclasses add public methods; variants override the ``_build_*`` hooks.
"""

import contextlib
import copy
import inspect
import re
import warnings
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils import check_random_state, metadata_routing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted
from skorch.history import History

from ._modules import ACTIVATIONS, Autoencoder
from ._net import (
    AutoencoderNet,
    BestWeights,
    DivergenceGuard,
    EpochProgressBar,
    IndexSplit,
    ReconstructionLoss,
    RowsDataset,
)
from ._validation import check_X

#: Rows per forward pass at inference time.
INFERENCE_BATCH_SIZE = 8192
#: Inference batches are padded to at least this many rows: on CPU, tiny
#: matrix products take other kernels whose float32 rounding differs, and a
#: row's output must not depend on how many rows came with it.
MIN_INFERENCE_ROWS = 64
#: With ``max_epochs="auto"``, train for about this many optimizer steps.
AUTO_STEPS = 3000
AUTO_MIN_EPOCHS, AUTO_MAX_EPOCHS = 10, 1000
#: With ``max_epochs="auto"``, early stopping waits at least this many
#: optimizer steps, however few steps an epoch has.
AUTO_MIN_PATIENCE_STEPS = 300
#: The network beside the linear path sees scaled inputs clipped to
#: +-NETWORK_INPUT_CLIP (for standard scaling, standard deviations); the
#: linear path carries values beyond it. A network trained on a handful of
#: such values extrapolates wildly from them (docs/benchmarks.md).
NETWORK_INPUT_CLIP = 10.0
#: Early stopping validates on at least this many rows (at most n / 4).
MIN_VALID_ROWS = 50
#: ``partial_fit`` computes the fitted statistics (``reconstruction_error_``,
#: the detector's threshold) on at most this many rows of its chunk.
PARTIAL_FIT_STATS_ROWS = 20_000


#: Networks whose training step costs fewer multiply-adds than this train on
#: one CPU thread: a second thread does not speed such small steps up, and
#: threads that spin against other work on shared cores slow them down
#: several times (docs/benchmarks.md).
ONE_THREAD_STEP_FLOPS = 5e7


@contextlib.contextmanager
def torch_threads(n_threads):
    """Run the block with ``n_threads`` torch threads (None: unchanged), then restore."""
    previous = torch.get_num_threads()
    if n_threads is not None and n_threads != previous:
        torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        if torch.get_num_threads() != previous:
            torch.set_num_threads(previous)


def training_threads(module, batch_size, device):
    """1 for small networks on the CPU, else None (torch's own setting)."""
    if torch.device(device).type != "cpu":
        return None
    # Forward and backward: about three times the forward's multiply-adds.
    return 1 if 3 * batch_size * module.multiply_adds() < ONE_THREAD_STEP_FLOPS else None


def as_tensor(A):
    """``torch.from_numpy`` of a C-contiguous copy or view of ``A``.

    Read-only arrays (memory-mapped input, for example) are shared too: skae
    only reads them, so torch's warning about non-writable arrays is silenced.
    """
    A = np.ascontiguousarray(A)
    if A.flags.writeable:
        return torch.from_numpy(A)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        return torch.from_numpy(A)


def resolve_device(device):
    """The torch device to train on: ``"auto"`` is ``"cuda"`` when a GPU is
    present, else ``"cpu"``. A device that is missing is a ValueError."""
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        kind = torch.device(device).type
    except RuntimeError:
        raise ValueError(
            f'device={device!r} is not a torch device; use "auto", "cpu", "cuda" '
            'or "cuda:0" for example.'
        ) from None
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r}, but torch finds no CUDA GPU on this machine "
            '(torch.cuda.is_available() is False). Use device="cpu", or "auto" '
            "to use a GPU only where there is one."
        )
    return device


def loading_device(device):
    """Where to load a model fitted on ``device``: there if this machine has
    it; else its first GPU for a GPU it lacks, or the CPU when it has none (a
    model fitted on a GPU, loaded on a laptop)."""
    device = torch.device(device)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            return "cpu"
        if (device.index or 0) >= torch.cuda.device_count():
            return "cuda:0"  # fitted on a GPU this machine does not have
    if device.type == "mps" and not torch.backends.mps.is_available():
        return "cpu"
    return str(device)


@contextlib.contextmanager
def seeded_torch(seed, device):
    """Run the block with torch's generators seeded with ``seed``, then restore them."""
    devices = [torch.device(device).index or 0] if torch.device(device).type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def _plain(row):
    """A history row with numpy scalars as Python numbers."""
    return {k: v.item() if isinstance(v, np.generic) else v for k, v in row.items()}


def column_stats(X, chunk_size=4096):
    """Column means and standard deviations in float64, over chunks of rows.

    NaN entries are skipped (a column with no value gets mean 0 and
    deviation 0). ``np.std`` would allocate a float64 copy of the whole array.
    """
    n_features = X.shape[1]
    total, count = np.zeros(n_features), np.zeros(n_features)
    for start in range(0, len(X), chunk_size):
        chunk = X[start : start + chunk_size]
        total += np.nansum(chunk, axis=0, dtype=np.float64)
        count += np.sum(~np.isnan(chunk), axis=0)
    mean = total / np.maximum(count, 1)
    squares = np.zeros(n_features)
    for start in range(0, len(X), chunk_size):
        squares += np.nansum((X[start : start + chunk_size] - mean) ** 2, axis=0)
    return mean, np.sqrt(squares / np.maximum(count, 1))


def fit_scaler(X, scaling, floor=1e-2):
    """Return ``(center, scale)`` of shape ``(n_features,)`` in float64.

    ``scale`` is floored at ``floor`` times the root-mean-square scale so that
    nearly constant columns are not blown up into huge inputs (constant
    columns get the floor, or 1 when it is 0). For the transformers the loss
    is measured in the data's own units whatever the scale, so the floor
    only affects how the network sees its input.
    """
    n_features = X.shape[1]
    if scaling is None:
        return np.zeros(n_features), np.ones(n_features)
    if scaling == "minmax":
        center = np.min(X, axis=0).astype(np.float64)
        spread = np.max(X, axis=0).astype(np.float64) - center
    elif scaling == "robust":
        # Median and interquartile range (as a normal's standard deviation);
        # columns with a zero IQR (binary, mostly constant) use their std.
        q1, center, q3 = np.percentile(X, [25, 50, 75], axis=0)
        spread = (q3 - q1) / 1.349
        std = column_stats(X)[1]
        spread = np.where(spread > 0, spread, std)
    else:
        center, spread = column_stats(X)
    rms = np.sqrt(np.mean(spread**2))
    floor = floor * rms if rms > 0 else 1.0
    spread = np.maximum(spread, floor)
    return center, np.where(spread > 0, spread, 1.0)


def pca_init(X_scaled, weight, n_components, whiten=True, chunk_size=4096):
    """Linear encoder and decoder that reproduce PCA of weighted, scaled data.

    Returns ``(enc_w, enc_b, dec_w, dec_b)``: ``z = enc_w @ x + enc_b`` are the
    principal scores (whitened, or in the units of the weighted data with
    ``whiten=False``) and ``dec_w @ z + dec_b`` the PCA reconstruction in the
    scaled space. ``weight`` are the per-feature loss weights, so the
    principal axes are those of the loss the network minimises. The
    covariance is accumulated in float64 over chunks of rows, so no float64
    copy of the data is made.
    """
    n_samples, n_features = X_scaled.shape
    center = np.mean(X_scaled, axis=0, dtype=np.float64)
    root_w = np.sqrt(weight)
    cov = np.zeros((n_features, n_features))
    for start in range(0, n_samples, chunk_size):
        U = (X_scaled[start : start + chunk_size] - center) * root_w
        cov += U.T @ U
    cov /= n_samples
    eigvals, eigvecs = np.linalg.eigh(cov)
    order = np.argsort(eigvals)[::-1][:n_components]
    V, lam = eigvecs[:, order], eigvals[order]
    lam = np.maximum(lam, max(lam[0], 1e-12) * 1e-6)
    # Fix each axis's sign, as PCA does, so the result does not depend on
    # LAPACK's choice.
    V *= np.sign(V[np.argmax(np.abs(V), axis=0), np.arange(V.shape[1])])
    gain = np.sqrt(lam) if whiten else np.ones_like(lam)
    enc_w = (V / gain).T * root_w
    enc_b = -enc_w @ center
    dec_w = (V * gain) / root_w[:, None]
    return enc_w, enc_b, dec_w, center


#: Documentation of the parameters every estimator shares, written once.
BASE_PARAMETERS = """\
    hidden_layer_sizes : tuple of int, default=(128, 64)
        Widths of the encoder's hidden layers (with ``image_shape``, the
        output channels of its convolutions); the decoder mirrors them.
        ``()`` gives a linear autoencoder, which finds PCA's subspace.

    activation : {"relu", "leaky_relu", "elu", "selu", "gelu", "silu", \
"tanh", "sigmoid", "identity"}, default="relu"
        Activation of the hidden layers.

    loss : {"mse", "bce"}, default="mse"
        Reconstruction loss. ``"mse"`` is the squared error in the units of
        ``X``, the error PCA minimises. ``"bce"`` is binary cross-entropy for
        data in [0, 1]; the decoder then ends in a sigmoid.

    scaling : {"standard", "robust", "minmax"} or None, default="standard"
        How features are scaled inside the network: centred and divided by
        their standard deviation, by their median and interquartile range
        (robust to skewed columns and outliers), or mapped to [0, 1]. None
        feeds ``X`` as it is. Scaling conditions training, so columns in
        different units just work. For the transformers it does not change
        the objective, which stays the error in the units of ``X``: as with
        ``PCA``, put a ``StandardScaler`` first to weigh every column
        equally.

    penalty : penalty object, list of penalty objects or None, default=None
        Terms added to the training loss, from ``skae.penalties``:
        ``L1ActivityPenalty`` or ``KLSparsityPenalty`` for sparse codes,
        ``ContractivePenalty`` for codes insensitive to small changes of the
        input. They also count in the validation loss that early stopping
        monitors, and in ``loss_curve_``. Tune one with
        ``set_params(penalty__weight=...)``.

    tied_weights : bool, default=False
        The decoder uses the transposes of the encoder's weight matrices
        (with biases of its own): about half the weights, a regularised
        model. With ``init="pca"`` the codes then start as PCA's scores
        rather than its whitened scores.

    image_shape : tuple of int or None, default=None
        ``(height, width)`` or ``(channels, height, width)`` of the images
        that the rows of ``X`` hold, flattened (as ``load_digits`` gives
        them): the hidden layers become strided 3x3 convolutions, each
        halving the height and width, with ``hidden_layer_sizes`` output
        channels. One entry may be -1 and is then inferred from the number
        of features, as in ``numpy.reshape``. Rows stay flat 2-D arrays, so
        the estimator fits in a ``Pipeline`` like any other.

    init : {"pca", "random"}, default="pca"
        ``"pca"`` starts the linear path (or the linear network) at PCA's
        solution; ``"random"`` uses PyTorch's default initialisation.

    linear_path : bool, default=True
        Add a linear map beside the encoder's and the decoder's hidden
        layers. Needed by ``init="pca"`` when there are hidden layers. The
        encoder's network then sees the scaled input clipped to
        +-{input_clip}, the linear map all of it: a value far beyond those
        the network was trained on moves the code linearly, as in PCA,
        instead of through the network's extrapolation (unless
        ``scaling=None``).

    learning_rate : float, default=1e-3
        Step size of the AdamW optimizer.

    weight_decay : float, default=0.3
        Decoupled weight decay of the AdamW optimizer, applied to the weights
        of the hidden layers' networks only: not to the biases and not to the
        linear path, so it shrinks the model toward its linear (PCA) part
        rather than toward zero, and a model without hidden layers is not
        decayed. Each step multiplies those weights by ``1 - learning_rate
        * weight_decay``. It curbs overfitting on small data: it lowered the
        held-out reconstruction error on most benchmark data sets
        (``docs/benchmarks.md``).

    batch_size : int, default=256
        Rows per optimizer step.

    max_epochs : int or "auto", default="auto"
        Maximum number of passes over the training data. ``"auto"`` budgets
        about {auto_steps} optimizer steps (between 10 and 1000 epochs), so a small
        data set gets as many updates as a large one.

    early_stopping : bool, default=True
        Hold out ``validation_fraction`` of the rows, stop when their loss
        has not improved for ``n_iter_no_change`` epochs and restore the best
        weights, counting the initial ones. With ``False`` (or fewer than 20
        rows), all rows train and the training loss is monitored instead.

    validation_fraction : float, default=0.1
        Share of the rows held out for early stopping; at least 50 rows (at
        most a quarter of the data), since weights picked on a handful of
        rows overfit.

    n_iter_no_change : int, default=20
        Patience of early stopping, in epochs; with ``max_epochs="auto"``,
        at least 300 optimizer steps.

    tol : float, default=1e-4
        Relative improvement of the monitored loss that counts as progress.

    warm_start : bool, default=False
        When fitted already, ``fit`` continues training the fitted network
        (with its feature scaling) instead of building a new one. The
        architecture parameters must not have changed. ``partial_fit``
        always continues.

    device : str, default="auto"
        Torch device to train and infer on; ``"auto"`` picks ``"cuda"`` when
        available, else ``"cpu"``.

    callbacks : list of skorch callbacks or (name, callback) tuples, \
default=None
        Extra skorch callbacks, copied at each fit.

    random_state : int, RandomState instance or None, default=None
        Seeds the validation split, weight initialisation and shuffling.
        Torch's global random state is restored after ``fit``.

    verbose : int, default=0
        0 is silent, 1 shows a progress bar over epochs, 2 prints skorch's
        table of losses per epoch.
"""

#: Documentation of the fitted attributes every estimator shares.
BASE_ATTRIBUTES = """\
    net_ : skorch.NeuralNet
        The trained skorch net.

    module_ : torch.nn.Module
        The trained autoencoder (``net_.module_``).

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


def _format_default(value):
    return f'"{value}"' if isinstance(value, str) else repr(value)


def fill_doc(cls):
    """Substitute the shared parameter and attribute docs into ``cls.__doc__``.

    Each ``default=`` is taken from ``cls.__init__``'s signature and the
    automatic step budget from ``cls._auto_steps``, so a subclass with other
    defaults is documented truthfully.
    """
    defaults = {
        name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()
    }

    def own_default(match):
        name = match.group(1)
        return f"{match.group(0).split(', default=')[0]}, default={_format_default(defaults[name])}"

    parameters = re.sub(
        r"^    (\w+) : .*?, default=.*$", own_default, BASE_PARAMETERS, flags=re.M
    ).replace("{auto_steps}", str(cls._auto_steps))
    parameters = parameters.replace("{input_clip}", f"{NETWORK_INPUT_CLIP:g}")
    # Each block ends with a blank line, before the next section's header.
    cls.__doc__ = cls.__doc__.replace("{base_parameters}", parameters.rstrip("\n") + "\n")
    cls.__doc__ = cls.__doc__.replace("{base_attributes}", BASE_ATTRIBUTES.rstrip("\n") + "\n")
    return cls


class BaseAutoencoder(BaseEstimator):
    """Parameters, training and inference shared by skae's estimators.

    Not meant to be used directly: see ``AutoencoderTransformer``.
    """

    # ``partial_fit``'s ``epochs`` is an option of the call, not metadata for
    # meta-estimators to route (and no ``set_partial_fit_request`` is made).
    __metadata_request__partial_fit = {"epochs": metadata_routing.UNUSED}

    _parameter_constraints: dict = {
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": ["array-like"],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "loss": [StrOptions({"mse", "bce"})],
        "scaling": [StrOptions({"standard", "robust", "minmax"}), None],
        "init": [StrOptions({"pca", "random"})],
        "linear_path": ["boolean"],
        "penalty": [callable, list, None],
        "tied_weights": ["boolean"],
        "image_shape": [tuple, None],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
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
        hidden_layer_sizes=(128, 64),
        activation="relu",
        loss="mse",
        scaling="standard",
        init="pca",
        linear_path=True,
        penalty=None,
        tied_weights=False,
        image_shape=None,
        learning_rate=1e-3,
        weight_decay=0.3,
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

    # ------------------------------------------------------------------ fit

    def _fit(self, X):
        """Validate ``X``, build (or, warm-starting, reuse) and train the net.

        Ends with the subclass's ``_after_fit`` on the validated ``X``, which
        it returns.
        """
        warm = self.warm_start and hasattr(self, "net_")
        X = check_X(self, X, reset=not warm, allow_nan=self._allow_nan)
        self._check_data_range(X)
        hidden = self._check_same_architecture() if warm else self._setup(X)
        penalties = self._check_penalty()
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        device = resolve_device(self.device)
        X_scaled = self._scale(X)
        train_idx, valid_idx = self._split_indices(len(X), rng)
        max_epochs, patience = self._epoch_budget(len(train_idx))
        split = None if valid_idx is None else IndexSplit(train_idx, valid_idx)

        with seeded_torch(seed, device):
            module = self.net_.module_ if warm else self._new_module(X_scaled, hidden)
            net = self._build_net(
                module, split, max_epochs, patience, device,
                corruption=self._corruption(X, device), penalties=penalties,
            )
            data = self._training_data(X_scaled, device)
            with torch_threads(training_threads(module, self.batch_size, device)):
                net.fit(data, None)
        self.net_ = net
        if not warm:
            self._stream_seed, self._n_chunks = seed, 0
        self._streaming = False  # the next partial_fit starts a fresh optimizer
        self._record_history(net, len(net.history), append=warm)
        self._after_fit(X)
        return X

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
        if not isinstance(epochs, Integral) or isinstance(epochs, bool) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}.")
        first = not hasattr(self, "net_")
        X = check_X(self, X, reset=first, allow_nan=self._allow_nan)
        self._check_data_range(X)
        device = resolve_device(self.device)
        if first:
            hidden = self._setup(X)
            rng = check_random_state(self.random_state)
            self._stream_seed, self._n_chunks = int(rng.randint(np.iinfo(np.int32).max)), 0
        X_scaled = self._scale(X)

        # Each chunk's shuffling has its own seed, so a sequence of calls is
        # reproducible and torch's global random state is left alone.
        with seeded_torch(self._stream_seed + self._n_chunks, device):
            if not getattr(self, "_streaming", False):
                module = self._new_module(X_scaled, hidden) if first else self.net_.module_
                self.net_ = self._build_net(
                    module, None, epochs, None, device,
                    corruption=self._corruption(X, device),
                    penalties=self._check_penalty(), streaming=True,
                ).initialize()
                self._streaming = True
            net = self.net_
            n_before = len(net.history)
            with torch_threads(training_threads(net.module, self.batch_size, device)):
                net.partial_fit(self._training_data(X_scaled, device), epochs=epochs)
        self._n_chunks += 1
        self._record_history(net, len(net.history) - n_before, append=not first)
        if len(X) > PARTIAL_FIT_STATS_ROWS:
            # The fitted statistics from a sample of a large chunk: on every
            # row they would cost a tenth of the training time.
            rng = np.random.RandomState(self._stream_seed + self._n_chunks)
            X = X[np.sort(rng.choice(len(X), PARTIAL_FIT_STATS_ROWS, replace=False))]
        self._after_fit(X)
        return self

    def _training_data(self, X_scaled, device):
        """Hook: the ``RowsDataset`` to train on (the target is the input)."""
        return RowsDataset(torch.from_numpy(X_scaled).to(device))

    def _after_fit(self, X):
        """Hook: fitted statistics of the training rows ``X`` (validated)."""

    def _check_data_range(self, X):
        low, high = (np.nanmin(X), np.nanmax(X)) if self.loss == "bce" else (0, 1)
        if low < 0 or high > 1:
            raise ValueError(
                'loss="bce" needs data in [0, 1], but X ranges over '
                f"[{low:.4g}, {high:.4g}]. Scale it first (for example "
                'with MinMaxScaler) or use loss="mse".'
            )

    def _setup(self, X):
        """Settle what a new model takes from its first data: code size, image
        shape and feature scaling. Returns the hidden layer sizes."""
        n_features = X.shape[1]
        hidden = self._check_hidden_layer_sizes()
        self.n_components_ = self._resolve_n_components(n_features)
        self._image_shape = self._check_image_shape(n_features)
        if self.init == "pca" and hidden and not self.linear_path:
            raise ValueError(
                'init="pca" needs linear_path=True when hidden_layer_sizes is '
                'not empty; set linear_path=True or init="random".'
            )
        self.center_, self.scale_ = fit_scaler(X, self.scaling, self._scale_floor)
        return hidden

    def _new_module(self, X_scaled, hidden):
        """A new module for ``hidden`` layers, started at PCA with ``init="pca"``."""
        self._module_args = self._architecture(
            len(self.scale_), hidden, self.n_components_, self._image_shape
        )
        module = self._module_class(**self._module_args)
        if self.init == "pca":
            self._init_module(module, np.nan_to_num(X_scaled) if self._allow_nan else X_scaled)
        return module

    def _check_same_architecture(self):
        """With ``warm_start``: the fitted hidden sizes, if the parameters still
        describe the fitted network, else a ValueError naming what changed."""
        hidden = self._check_hidden_layer_sizes()
        n_features = self.n_features_in_
        wanted = self._architecture(
            n_features, hidden, self._resolve_n_components(n_features),
            self._check_image_shape(n_features),
        )
        changed = [
            name for name, value in self._module_args.items()
            if name != "feature_weight" and wanted[name] != value
        ]
        if changed:
            raise ValueError(
                "warm_start=True continues training the fitted network, but "
                f"{', '.join(changed)} changed since it was built. Set "
                "warm_start=False to build a new network."
            )
        return hidden

    def _resolve_n_components(self, n_features):
        """Hook: the code size to build, given the number of features."""
        if self.n_components > n_features:
            raise ValueError(
                f"n_components={self.n_components} must be at most the number "
                f"of features, n_features={n_features}. Choose a smaller "
                "n_components: a code as wide as the input can copy it."
            )
        return self.n_components

    def _check_image_shape(self, n_features):
        """``image_shape`` as ``(channels, height, width)``, or None."""
        shape = self.image_shape
        if shape is None:
            return None
        if len(shape) not in (2, 3) or not all(
            isinstance(s, Integral) and (s >= 1 or s == -1) for s in shape
        ) or list(shape).count(-1) > 1:
            raise ValueError(
                "image_shape must be (height, width) or (channels, height, width) "
                "of positive integers, one of which may be -1, got "
                f"{shape!r}."
            )
        shape = (1, *shape) if len(shape) == 2 else tuple(shape)
        known = int(np.prod([s for s in shape if s != -1]))
        if -1 in shape and n_features % known == 0:
            shape = tuple(n_features // known if s == -1 else int(s) for s in shape)
        if int(np.prod(shape)) != n_features:
            raise ValueError(
                f"image_shape={self.image_shape!r} does not fit rows of {n_features} "
                "features: the product of its entries must be the number of "
                "features (channels * height * width)."
            )
        return shape

    def _check_penalty(self):
        """``penalty`` as a list of fresh copies (never the user's objects)."""
        penalty = self.penalty
        penalties = [] if penalty is None else (
            penalty if isinstance(penalty, list) else [penalty]
        )
        for p in penalties:
            if not callable(p):
                raise ValueError(
                    "penalty must be a penalty object from skae.penalties (or a "
                    f"list of them), got {p!r}."
                )
            if hasattr(p, "_validate_params"):
                p._validate_params()
        return [copy.deepcopy(p) for p in penalties]

    def _check_hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = () if sizes is None else sizes
        if np.ndim(sizes) == 0:
            sizes = (sizes,)
        sizes = tuple(sizes)
        if not all(isinstance(s, Integral) and s >= 1 for s in sizes):
            raise ValueError(
                "hidden_layer_sizes must be a tuple of positive integers, "
                f"got {self.hidden_layer_sizes!r}."
            )
        return tuple(int(s) for s in sizes)

    def _split_indices(self, n_samples, rng):
        """Training and validation row indices; no validation set under 20 rows.

        The validation set has at least ``MIN_VALID_ROWS`` rows (at most a
        quarter of the data): picking weights on a handful of rows overfits.
        """
        if not self.early_stopping or n_samples < 20:
            return np.arange(n_samples), None
        n_valid = int(round(self.validation_fraction * n_samples))
        n_valid = min(max(n_valid, min(MIN_VALID_ROWS, n_samples // 4)), n_samples - 2)
        perm = rng.permutation(n_samples)
        return np.sort(perm[n_valid:]), np.sort(perm[:n_valid])

    def _epoch_budget(self, n_train):
        """``(max_epochs, patience)`` in epochs; patience is None without early stopping."""
        patience = self.n_iter_no_change if self.early_stopping else None
        if self.max_epochs != "auto":
            return self.max_epochs, patience
        steps_per_epoch = -(-n_train // self.batch_size)
        epochs = -(-self._auto_steps // steps_per_epoch)
        epochs = int(np.clip(epochs, AUTO_MIN_EPOCHS, AUTO_MAX_EPOCHS))
        if patience is not None:
            patience = max(patience, -(-AUTO_MIN_PATIENCE_STEPS // steps_per_epoch))
        return epochs, patience

    def _architecture(self, n_features, hidden_layer_sizes, n_components, image_shape):
        """Keyword arguments of ``_module_class``: the network's architecture.

        Kept as ``_module_args`` when the module is built, so a saved model
        rebuilds the very same network whatever its parameters are now.
        """
        return dict(
            n_features=n_features,
            n_components=n_components,
            hidden_layer_sizes=hidden_layer_sizes,
            activation=self.activation,
            linear_path=self.linear_path,
            tied_weights=self.tied_weights,
            image_shape=image_shape,
            feature_weight=np.sqrt(self._loss_weights()).astype(np.float32),
            input_clip=None if self.scaling is None else NETWORK_INPUT_CLIP,
        )

    def _init_module(self, module, X_scaled):
        """Hook: start the module at PCA's solution for the training loss."""
        weight = self._loss_weights()
        enc_w, enc_b, dec_w, dec_b = pca_init(
            X_scaled, weight, self.n_components_, whiten=not self.tied_weights
        )
        if self.loss == "bce":
            # The decoder outputs logits: fit it to the logits of the data by
            # least squares (with tied weights, only its bias is free).
            raw = np.clip(X_scaled * self.scale_ + self.center_, 0.01, 0.99)
            target = np.log(raw / (1 - raw))
            if self.tied_weights:
                dec_b = target.mean(0)
            else:
                Z = (X_scaled - X_scaled.mean(0)) @ enc_w.T
                Z1 = np.hstack([Z, np.ones((len(Z), 1))])
                coef = np.linalg.lstsq(Z1, target, rcond=None)[0]
                dec_w, dec_b = coef[:-1].T, coef[-1]
        module.init_linear(
            *(np.asarray(a, dtype=np.float32) for a in (enc_w, enc_b, dec_w, dec_b))
        )

    def _loss_weights(self):
        """Hook: per-feature weights of the squared error in the scaled space.

        Proportional to ``scale_**2``: the error in the units of ``X``, as PCA.
        """
        return self.scale_**2 / np.mean(self.scale_**2)

    def _criterion(self):
        """Hook: the loss module between the decoder's output and the target."""
        return ReconstructionLoss(self.loss, self.center_, self.scale_, self._loss_weights())

    def _net_params(self):
        """Hook: extra keyword arguments of the net class."""
        return {}

    def _corruption(self, X, device):
        """Hook: a callable corrupting training batches, or None."""
        return None

    def _build_net(
        self, module, train_split, max_epochs, patience, device, corruption=None,
        penalties=(), streaming=False,
    ):
        """Hook: the skorch net that trains ``module``.

        ``fit`` keeps the best weights (on ``train_split``'s validation rows
        when there are some); a ``streaming`` net, for ``partial_fit``, only
        guards against divergence, since losses on different chunks do not
        compare.
        """
        if streaming:
            callbacks = [("divergence_guard", DivergenceGuard())]
        else:
            monitor = "train_loss" if train_split is None else "valid_loss"
            callbacks = [
                ("best_weights", BestWeights(patience=patience, tol=self.tol, monitor=monitor))
            ]
            if self.verbose == 1:
                callbacks.append(("progress_bar", EpochProgressBar(max_epochs)))
        callbacks += copy.deepcopy(list(self.callbacks or []))
        return self._net_class(
            module=module,
            criterion=self._criterion(),
            optimizer=torch.optim.AdamW,
            lr=self.learning_rate,
            optimizer__weight_decay=self.weight_decay,
            # One fused kernel per step instead of a loop over parameters.
            optimizer__fused=True,
            max_epochs=max_epochs,
            batch_size=self.batch_size,
            train_split=train_split,
            callbacks=callbacks,
            device=device,
            verbose=int(self.verbose >= 2),
            corruption=corruption,
            penalties=penalties,
            **self._net_params(),
        )

    _net_class = AutoencoderNet
    #: The ``nn.Module`` built from ``_architecture``'s arguments.
    _module_class = Autoencoder
    #: Optimizer steps budgeted by ``max_epochs="auto"``.
    _auto_steps = AUTO_STEPS
    #: Smallest internal scale, relative to the root-mean-square scale.
    _scale_floor = 1e-2
    #: Whether ``fit`` accepts NaN (the imputer's missing values).
    _allow_nan = False

    def _record_history(self, net, n_new, append):
        """Training curves from the last ``n_new`` epochs of ``net``'s history,
        appended to the previous ones when training continued."""
        rows = net.history[len(net.history) - n_new :] if n_new else []
        losses = [float(row["train_loss"]) for row in rows]
        valid = [float(row["valid_loss"]) for row in rows if "valid_loss" in row]
        valid = valid if rows and len(valid) == len(rows) else None
        previous = self.n_iter_ if append else 0
        if append:
            losses = self.loss_curve_ + losses
            old = self.validation_loss_curve_
            valid = old + valid if old is not None and valid is not None else None
        self.n_iter_ = previous + len(rows)
        self.loss_curve_, self.validation_loss_curve_ = losses, valid
        callbacks = dict(net.callbacks_)
        if "best_weights" in callbacks:
            guard = callbacks["best_weights"]
            self.best_epoch_ = previous + guard.best_epoch_
            self.best_loss_ = guard.best_loss_
        else:
            guard = callbacks["divergence_guard"]
            self.best_epoch_ = self.n_iter_
            self.best_loss_ = losses[-1] if losses else np.inf
        if guard.diverged_:
            warnings.warn(
                "Training diverged (the loss became NaN or infinite); the weights "
                f"of epoch {self.best_epoch_} were restored. Lower learning_rate "
                "or scale the data.",
                RuntimeWarning,
            )

    # --------------------------------------------------------- persistence

    def __getstate__(self):
        """The estimator's state with the network as numpy arrays.

        Pickle, joblib and skops then store plain arrays and lists, never
        torch or skorch objects: loading needs no ``torch.load``, trusts no
        torch type, and works on a machine without the device the model was
        fitted on. The optimizer's state is not kept: training after loading
        continues from the weights with a fresh optimizer.
        """
        state = dict(super().__getstate__())  # a copy: object's is __dict__ itself
        net = state.pop("net_", None)
        if net is not None:
            module = net.module_
            state["_saved_net"] = {
                "weights": {
                    name: value.detach().cpu().numpy().copy()
                    for name, value in module.state_dict().items()
                },
                "history": [_plain(row) for row in net.history],
                "device": str(next(module.parameters()).device),
            }
            state["_streaming"] = False
        return state

    def __setstate__(self, state):
        state = dict(state)
        saved = state.pop("_saved_net", None)
        super().__setstate__(state)
        if saved is not None:
            self.net_ = self._load_net(saved)

    def _load_net(self, saved):
        """The inference net of a saved state, on its device if available."""
        device = loading_device(saved["device"])
        # Copies: loaded arrays may be read-only memory maps (joblib).
        args = {k: np.array(v) if isinstance(v, np.ndarray) else v
                for k, v in self._module_args.items()}
        module = self._module_class(**args)
        module.load_state_dict(
            {name: torch.from_numpy(np.array(value)) for name, value in saved["weights"].items()}
        )
        net = self._build_net(module, None, 1, None, device, streaming=True)
        net.initialize()
        net.history = History(saved["history"])
        return net

    # ------------------------------------------------------------ inference

    @property
    def module_(self):
        """The trained ``torch.nn.Module`` (the same object as ``net_.module_``)."""
        check_is_fitted(self, "net_")
        return self.net_.module_

    def _affine(self, dtype, device):
        """``center_`` and ``scale_`` as torch tensors of ``dtype``."""
        return (
            as_tensor(self.center_).to(dtype=dtype, device=device),
            as_tensor(self.scale_).to(dtype=dtype, device=device),
        )

    def _to_net(self, x):
        """Rows in the data's units -> the network's float32 input."""
        center, scale = self._affine(x.dtype, x.device)
        return ((x - center) / scale).float()

    def _from_net(self, out, dtype):
        """The network's output -> rows in the data's units, of torch ``dtype``."""
        if self.loss == "bce":
            return torch.sigmoid(out).to(dtype)
        center, scale = self._affine(dtype, out.device)
        return out.to(dtype) * scale + center

    def _scale(self, X, chunk_size=4096):
        """The network's float32 input for all of ``X`` (one copy, in chunks)."""
        out = np.empty(X.shape, dtype=np.float32)
        for start in range(0, len(X), chunk_size):
            chunk = as_tensor(X[start : start + chunk_size])
            out[start : start + chunk_size] = self._to_net(chunk).numpy()
        return out

    def _apply(self, fn, A, shape, dtype):
        """``fn`` over padded batches of the rows ``A``, as torch tensors.

        ``fn`` maps a tensor of rows of ``A`` to a tensor with as many rows;
        the results are gathered into a numpy array of ``shape[1:]`` per row
        and ``dtype``. Batches smaller than ``MIN_INFERENCE_ROWS`` are padded
        with zeros, so a row's result does not depend on its batch.
        """
        module = self.net_.module_
        module.eval()
        device = next(module.parameters()).device
        out = np.empty((len(A), *shape), dtype=dtype)
        with torch.inference_mode():
            for start in range(0, len(A), INFERENCE_BATCH_SIZE):
                x = as_tensor(A[start : start + INFERENCE_BATCH_SIZE])
                n = len(x)
                if n < MIN_INFERENCE_ROWS:
                    x = torch.cat([x, x.new_zeros(MIN_INFERENCE_ROWS - n, *x.shape[1:])])
                out[start : start + n] = fn(x.to(device))[:n].cpu().numpy()
        return out

    def _encode(self, X, dtype=None):
        """Codes of validated ``X``, in ``dtype`` (default: ``X``'s float dtype)."""
        dtype = X.dtype if dtype is None else np.dtype(dtype)
        torch_dtype = torch.from_numpy(np.empty(0, dtype)).dtype
        encode = self.net_.module_.encode
        return self._apply(
            lambda x: encode(self._to_net(x)).to(torch_dtype), X, (self.n_components_,), dtype
        )

    def _decode(self, Z, dtype):
        """Reconstructions, in the data's units and ``dtype``, of codes ``Z``."""
        dtype = np.dtype(dtype)
        torch_dtype = torch.from_numpy(np.empty(0, dtype)).dtype
        decode = self.net_.module_.decode
        return self._apply(
            lambda z: self._from_net(decode(z.float()), torch_dtype),
            Z,
            (len(self.scale_),),
            dtype,
        )

    def _reconstruction_errors(self, X):
        """Per-row reconstruction error in the data's units (float64), in one pass.

        The residual is taken in the network's scaled space, where values are
        moderate even for float32 data near the end of its range, then squared
        and weighted by ``scale_**2`` in float64: the mean squared error in
        the units of ``X``.
        """
        module = self.net_.module_
        weight = self.scale_**2 / self.n_features_in_

        def errors(x):
            x_net = self._to_net(x)
            out = module(x_net)[0]
            if self.loss == "bce":
                p = torch.sigmoid(out).double().clamp(1e-7, 1 - 1e-7)
                x = x.double()
                return -torch.mean(x * torch.log(p) + (1 - x) * torch.log1p(-p), dim=1)
            # Squares and weights in float64: scale_**2, and the squares of
            # residuals of nearly constant columns, can leave float32's range.
            w = torch.as_tensor(weight, dtype=torch.float64, device=out.device)
            return (out - x_net).double() ** 2 @ w

        return self._apply(errors, X, (), np.float64)

    def _check_codes(self, Z):
        Z = check_array(Z, dtype=[np.float64, np.float32])
        if Z.shape[1] != self.n_components_:
            raise ValueError(
                f"Codes have {Z.shape[1]} columns, but {type(self).__name__} "
                f"was fitted with n_components={self.n_components_}."
            )
        return Z

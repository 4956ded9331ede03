"""Torch runtime helpers: devices, threads, random generators and tensors.

Nothing here changes torch's process-wide state behind another fit's back:
each fit draws from a ``torch.Generator`` of its own (``fit_generator``), and
the thread count, which torch only offers process-wide, is shared between
concurrent fits through ``torch_threads``.
"""

import contextlib
import contextvars
import math
import threading
import warnings

import numpy as np
import torch
from torch import nn

#: Networks whose training step costs fewer multiply-adds than this train on
#: one CPU thread: a second thread does not speed such small steps up, and
#: threads that spin against other work on shared cores slow them down
#: several times (docs/design_notes.md).
ONE_THREAD_STEP_FLOPS = 5e7


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


def torch_dtype(dtype):
    """The torch dtype of a numpy dtype."""
    return torch.from_numpy(np.empty(0, np.dtype(dtype))).dtype


# ------------------------------------------------------------------ devices


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


# ------------------------------------------------------------------ threads


def training_threads(module, batch_size, device):
    """1 for small networks on the CPU, else None (torch's own setting)."""
    if torch.device(device).type != "cpu":
        return None
    # Forward and backward: about three times the forward's multiply-adds.
    return 1 if 3 * batch_size * module.multiply_adds() < ONE_THREAD_STEP_FLOPS else None


def _process_thread_count():
    """Torch's process-wide thread count: what a new thread starts with.

    ``torch.get_num_threads()`` reads the calling thread's own count
    (OpenMP keeps one per thread), which a fit may have left at another
    value; a new thread takes the process's count when it first runs torch.
    """
    seen = []
    reader = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
    reader.start()
    reader.join()
    return seen[0]


class _SharedThreadSetting:
    """Torch's intra-op thread count, shared by the fits that run at once.

    Torch keeps one count per process for its math libraries, and OpenMP one
    per thread, which a thread takes from the process's count when it first
    runs a torch operation. Fits that want the same count run together, each
    thread setting its own count to it; a fit that wants another count waits
    until they end, so that no fit sees the count change mid-way (its float
    rounding, and so its result, would then depend on what ran beside it).
    ``None`` asks for the process's count in force before the first fit,
    which the last one restores.

    A thread that leaves while others still hold the count keeps it (setting
    it back would change the math libraries' count under them); the next
    fit it runs sets the count it wants.
    """

    def __init__(self):
        self._condition = threading.Condition()
        self._holders = 0
        self._held = None
        self._base = None
        self._process = None  # the process's count, as last read
        self._local = threading.local()

    def _process_count(self):
        """The process's count, read anew when this thread is new here or
        its count changed since a fit left it (the user set another)."""
        left = getattr(self._local, "left", None)
        if self._process is None or left is None or torch.get_num_threads() != left:
            self._process = _process_thread_count()
        return self._process

    @contextlib.contextmanager
    def __call__(self, n_threads):
        if getattr(self._local, "depth", 0):  # nested in this thread: keep the count
            self._local.depth += 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        with self._condition:
            while self._holders and self._wanted(n_threads) != self._held:
                self._condition.wait()
            if not self._holders:
                self._base = self._process_count()
                self._held = self._wanted(n_threads)
            self._holders += 1
            if torch.get_num_threads() != self._held:
                torch.set_num_threads(self._held)
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            with self._condition:
                self._holders -= 1
                if not self._holders:
                    if torch.get_num_threads() != self._base:
                        torch.set_num_threads(self._base)
                    self._condition.notify_all()
                self._local.left = torch.get_num_threads()

    def _wanted(self, n_threads):
        return self._base if n_threads is None else n_threads


#: ``with torch_threads(n):`` runs the block with ``n`` torch threads (None:
#: torch's own setting), shared safely with fits in other threads.
torch_threads = _SharedThreadSetting()


# --------------------------------------------------------------- generators

_GENERATOR = contextvars.ContextVar("skae_generator", default=None)


def new_generator(seed, device):
    """A ``torch.Generator`` on ``device``, seeded with ``seed``."""
    return torch.Generator(device=torch.device(device)).manual_seed(int(seed))


@contextlib.contextmanager
def fit_generator(generator):
    """Make ``generator`` the one ``current_generator`` returns in this block.

    The setting is local to the thread (a context variable), so concurrent
    fits each draw from their own generator and torch's global one is left
    alone.
    """
    token = _GENERATOR.set(generator)
    try:
        yield generator
    finally:
        _GENERATOR.reset(token)


def current_generator(device=None):
    """The generator of the fit in progress, or None (torch's global one).

    With ``device``, None is also returned when the fit's generator lives on
    another device (a tensor on the CPU during a GPU fit, say).
    """
    generator = _GENERATOR.get()
    if generator is not None and device is not None:
        if torch.device(device).type != generator.device.type:
            return None
    return generator


def rand(shape, like):
    """Uniform [0, 1) draws of ``shape``, on ``like``'s device and dtype, from
    the fit's generator."""
    return torch.rand(shape, generator=current_generator(like.device),
                      device=like.device, dtype=like.dtype)


def randn(shape, like):
    """Standard normal draws of ``shape``, on ``like``'s device and dtype, from
    the fit's generator."""
    return torch.randn(shape, generator=current_generator(like.device),
                       device=like.device, dtype=like.dtype)


_GLOBAL_RNG_LOCK = threading.Lock()


@contextlib.contextmanager
def global_rng_untouched():
    """Run the block, which may draw from torch's global CPU generator (as
    ``nn.Linear``'s constructor does, with no way to pass another), then put
    that generator back as it was. A lock keeps concurrent fits from
    interleaving their save and restore."""
    with _GLOBAL_RNG_LOCK, torch.random.fork_rng(devices=[]):
        yield


@torch.no_grad()
def reset_parameters(module, generator):
    """Re-draw the weights of ``module``'s layers from ``generator``.

    The distribution is torch's default for ``nn.Linear`` and convolutions
    (uniform in +-1/sqrt(fan_in) for weights and biases), but the draws come
    from the fit's generator instead of torch's global one.
    """
    for layer in module.modules():
        if isinstance(layer, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            fan_in = nn.init._calculate_fan_in_and_fan_out(layer.weight)[0]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            layer.weight.uniform_(-bound, bound, generator=generator)
            if layer.bias is not None:
                layer.bias.uniform_(-bound, bound, generator=generator)
    return module

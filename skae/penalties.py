"""Penalties: terms added to an autoencoder's training loss.

Pass one, or a list of them, as ``penalty=`` to any skae estimator::

    AutoencoderTransformer(n_components=32, penalty=L1ActivityPenalty())
    AutoencoderTransformer(penalty=[KLSparsityPenalty(target=0.1), ContractivePenalty()])

Each penalty is a small estimator that stores only its parameters, so
``clone``, ``repr`` and ``set_params(penalty__weight=0.3)`` work in grid
searches. A penalty is called as ``penalty(code, X, module, training)`` on
every batch: ``code`` are the batch's codes, ``X`` its (possibly corrupted)
input in the network's scaled units and ``module`` the autoencoder; it
returns a scalar tensor, already multiplied by its ``weight``. Write your
own by subclassing ``BasePenalty`` and implementing ``_penalty``.

The reconstruction loss they are added to is the mean squared error in the
network's scaled units, where predicting every row's mean costs about 1, so
a weight of 0.1 trades a tenth of the data's variance for the penalty.

A penalty on the size of the codes alone is defeated for free: the encoder
shrinks its codes and the decoder scales them back up. So the penalties
here are scale-invariant. The sparsity penalties measure each code unit
relative to its root mean square over the batch, and the contractive one
measures the encoder's sensitivity relative to the spread of the codes.
"""

from numbers import Real

import torch
from sklearn.base import BaseEstimator

from ._compat import Interval
from ._engine.torch_utils import randn

__all__ = [
    "BasePenalty",
    "ContractivePenalty",
    "KLSparsityPenalty",
    "L1ActivityPenalty",
    "jacobian_norms",
]

_EPS = 1e-8


def _unit_scaled(code):
    """Each code unit divided by its root mean square over the batch."""
    return code / torch.sqrt(torch.mean(code**2, dim=0, keepdim=True) + _EPS)


class BasePenalty(BaseEstimator):
    """Base class of the penalties: ``weight`` times ``_penalty``.

    Subclasses implement ``_penalty(code, X, module, training)``, which
    returns a scalar tensor. The estimators validate the parameters against
    ``_parameter_constraints`` when they fit.
    """

    _parameter_constraints: dict = {"weight": [Interval(Real, 0, None, closed="left")]}

    #: The networks' weight decay an estimator with ``weight_decay="auto"``
    #: uses with this penalty (the largest its penalties ask for, at least
    #: the estimator's own default); None asks for nothing.
    _auto_weight_decay = None

    def __call__(self, code, X, module, training=False):
        if self.weight == 0:
            return code.new_zeros(())
        return self.weight * self._penalty(code, X, module, training)

    def _penalty(self, code, X, module, training):
        raise NotImplementedError


class L1ActivityPenalty(BasePenalty):
    """Sparse codes: the L1 norm of each row's code, relative to its L2 norm.

    Each code unit is first divided by its root mean square over the batch,
    so that no unit can be shrunk away; the penalty is then the mean over
    rows of ``||v||_1 / (sqrt(n_components) ||v||_2)``, between
    ``1 / sqrt(n_components)`` (one active unit) and 1 (all units equal).
    This is the L1 penalty on activations made scale-invariant (Hoyer,
    2004): it concentrates each row's code on a few units and leaves the
    others near zero.

    A sparse code takes several times more epochs to form than the
    unpenalised model trains, and the networks overfit meanwhile; so with
    ``weight_decay="auto"`` the estimator decays their weights at 1.0
    instead of 0.3 (``_auto_weight_decay``).

    Parameters
    ----------
    weight : float, default=0.3
        Multiplier of the penalty in the loss. On digits with 32 components
        the default leaves about 0.5 more of each row's code units inactive
        (below 5% of its largest) than without the penalty, at 1.1 to 1.2
        times the held-out error (``docs/benchmarks.md``).

    See Also
    --------
    KLSparsityPenalty : Sparsity as a target mean activation per unit.

    Examples
    --------
    >>> from skae import AutoencoderTransformer
    >>> from skae.penalties import L1ActivityPenalty
    >>> AutoencoderTransformer(n_components=32, penalty=L1ActivityPenalty(weight=0.1))
    AutoencoderTransformer(n_components=32, penalty=L1ActivityPenalty(weight=0.1))
    """

    _auto_weight_decay = 1.0

    def __init__(self, weight=0.3):
        self.weight = weight

    def _penalty(self, code, X, module, training):
        v = _unit_scaled(code)
        ratio = v.abs().sum(dim=1) / (torch.linalg.vector_norm(v, dim=1) + _EPS)
        return torch.mean(ratio) / code.shape[1] ** 0.5


class KLSparsityPenalty(BasePenalty):
    """Sparse codes: each unit active on about a ``target`` share of rows.

    The sparse autoencoder of Ng's lecture notes, with an activation that
    cannot be shrunk away: each code unit is divided by its root mean
    square over the batch, and the activation of unit ``j`` in a row is its
    absolute value relative to the row's largest, in [0, 1]. ``rho_j`` is
    unit ``j``'s mean activation over the batch, and the penalty is the mean
    over units of the Kullback-Leibler divergence ``KL(target || rho_j)``
    between Bernoulli distributions: each row keeps a few strong units and
    the others near zero.

    As with ``L1ActivityPenalty``, an estimator with ``weight_decay="auto"``
    decays the networks' weights at 1.0 with this penalty.

    Parameters
    ----------
    weight : float, default=1.4
        Multiplier of the penalty in the loss. On digits with 32 components
        the default leaves about 0.3 more of each row's code units inactive
        (below 5% of its largest) than without the penalty, at 1.0 to 1.4
        times the held-out error (``docs/benchmarks.md``).

    target : float, default=0.1
        The mean activation each unit is pulled toward, in (0, 1).

    See Also
    --------
    L1ActivityPenalty : Sparsity as a scale-invariant L1 norm.

    Examples
    --------
    >>> from skae import AutoencoderTransformer
    >>> from skae.penalties import KLSparsityPenalty
    >>> AutoencoderTransformer(n_components=32, penalty=KLSparsityPenalty(target=0.05))
    AutoencoderTransformer(n_components=32, penalty=KLSparsityPenalty(target=0.05))
    """

    _parameter_constraints: dict = {
        **BasePenalty._parameter_constraints,
        "target": [Interval(Real, 0, 1, closed="neither")],
    }

    _auto_weight_decay = 1.0

    def __init__(self, weight=1.4, target=0.1):
        self.weight = weight
        self.target = target

    def _penalty(self, code, X, module, training):
        v = _unit_scaled(code).abs()
        activation = v / (v.amax(dim=1, keepdim=True) + _EPS)
        rho = activation.mean(dim=0).clamp(1e-6, 1 - 1e-6)
        t = self.target
        kl = t * torch.log(t / rho) + (1 - t) * torch.log((1 - t) / (1 - rho))
        return torch.mean(kl)


class ContractivePenalty(BasePenalty):
    """Codes insensitive to small changes of the input (Rifai et al., 2011).

    The squared Frobenius norm of the encoder's Jacobian at each training
    row, averaged over rows and divided by the codes' mean variance over the
    batch, so that shrinking the codes does not satisfy it: the code must
    change little around each row while still spreading the rows apart.
    The norm is estimated as ``||J^T e||^2`` with a Gaussian probe ``e``
    per row (Hutchinson's estimator): one extra backward pass instead of
    one per code unit. Validation uses fixed probes, so early stopping
    compares epochs on the same estimate.

    Parameters
    ----------
    weight : float, default=0.01
        Multiplier of the penalty in the loss.

    See Also
    --------
    skae.DenoisingAutoencoder : Robustness learned from corrupted inputs.

    Examples
    --------
    >>> from skae import AutoencoderTransformer
    >>> from skae.penalties import ContractivePenalty
    >>> AutoencoderTransformer(n_components=8, penalty=ContractivePenalty())
    AutoencoderTransformer(n_components=8, penalty=ContractivePenalty())
    """

    def __init__(self, weight=0.01):
        self.weight = weight

    def _penalty(self, code, X, module, training):
        jacobian = jacobian_norms(module, X, training=training)
        spread = torch.mean(torch.var(code, dim=0, correction=0)) if len(code) > 1 else 1.0
        return torch.mean(jacobian) / (spread + _EPS)


def jacobian_norms(module, X, training=False, seed=0):
    """Hutchinson estimates of ``||d encode / d x||_F^2`` at each row of ``X``.

    Parameters
    ----------
    module : torch.nn.Module
        An autoencoder module with an ``encode`` method (``estimator.module_``).

    X : torch.Tensor of shape (n_samples, n_features)
        Rows in the network's scaled units.

    training : bool, default=False
        With True the estimates are differentiable with respect to the
        module's weights and use fresh probes from the fit's generator;
        otherwise the probes come from a generator seeded with ``seed``.

    seed : int, default=0
        Seed of the probes when ``training`` is False.

    Returns
    -------
    norms : torch.Tensor of shape (n_samples,)
        Unbiased estimates of each row's squared Frobenius norm.
    """
    with torch.enable_grad():
        x = X.detach().requires_grad_(True)
        z = module.encode(x)
        if training:
            probe = randn(z.shape, z)
        else:
            generator = torch.Generator(device=z.device).manual_seed(seed)
            probe = torch.randn(z.shape, generator=generator, device=z.device, dtype=z.dtype)
        (grad,) = torch.autograd.grad(z, x, probe, create_graph=training)
    return torch.sum(grad**2, dim=1)

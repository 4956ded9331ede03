"""The wide-table principal map: the decoder rebuilds principal coordinates.

On a wide table the network rebuilds nothing of the directions with the
least variance: on a 1,516-column table, a fitted network's held-out error
outside the leading 256 principal directions equals the data's variance
there (docs/design_notes.md). So the decoder may output the rows' whitened
scores on the leading principal directions instead of the rows: its last
layer shrinks, and ``expand`` maps its output back to rows, which are left
at the mean along the other directions. The encoder still sees every
column. ``NO_PRINCIPAL_MAP`` is the identity, for every other model.
"""

import numpy as np

from ._engine.torch_utils import as_tensor
from ._start import principal_axes

#: The decoder rebuilds the principal directions holding all but this share
#: of the variance, when they are at most half the columns.
PRINCIPAL_TAIL = 1e-3


class NoPrincipalMap:
    """The identity: the decoder rebuilds the rows themselves."""

    active = False

    def expand(self, out):
        """The decoder's output as scaled rows: itself."""
        return out


#: The map of every model whose decoder rebuilds the rows.
NO_PRINCIPAL_MAP = NoPrincipalMap()


class PrincipalMap(NoPrincipalMap):
    """Rows ``x`` (scaled) <-> whitened principal scores ``s``.

    ``s = (x - center) @ to_coordinates`` and ``x = center + s @
    from_coordinates``; ``weight`` are the loss weights of the scores that
    make the training loss the rows' loss, less the variance left out.
    """

    active = True

    def __init__(self, center, to_coordinates, from_coordinates, weight):
        self.center = center
        self.to_coordinates = to_coordinates
        self.from_coordinates = from_coordinates
        self.weight = weight

    @classmethod
    def fit(cls, X_scaled, weight, n_components):
        """``(map, axes)`` for the scaled rows and the loss ``weight``.

        The directions that hold all but ``PRINCIPAL_TAIL`` of the variance
        (as the loss weighs it; at least twice the code's width) are kept
        when they are at most half the columns; otherwise ``map`` is
        ``NO_PRINCIPAL_MAP``. ``axes`` are the ``principal_axes`` computed on
        the way, which the PCA start reuses.
        """
        n_features = X_scaled.shape[1]
        axes = center, lam, V = principal_axes(X_scaled, weight)
        if lam[0] <= 0:
            return NO_PRINCIPAL_MAP, axes
        kept = int(np.searchsorted(np.cumsum(lam), (1 - PRINCIPAL_TAIL) * lam.sum())) + 1
        kept = max(kept, 2 * n_components)
        if 2 * kept > n_features:
            return NO_PRINCIPAL_MAP, axes
        # Floored as pca_init floors them, so the start is PCA's exactly.
        gain = np.sqrt(np.maximum(lam[:kept], lam[0] * 1e-6))
        root_w = np.sqrt(weight)
        to_coordinates = root_w[:, None] * V[:, :kept] / gain
        from_coordinates = (V[:, :kept] * gain).T / root_w
        return cls(center, to_coordinates, from_coordinates, gain**2 * kept / n_features), axes

    @property
    def n_outputs(self):
        """The decoder's width: the number of principal coordinates."""
        return self.to_coordinates.shape[1]

    def targets(self, X_scaled, chunk_size=4096):
        """The whitened principal scores the decoder learns to output (float32)."""
        out = np.empty((len(X_scaled), self.n_outputs), dtype=np.float32)
        for start in range(0, len(X_scaled), chunk_size):
            chunk = X_scaled[start : start + chunk_size] - self.center
            out[start : start + chunk_size] = chunk @ self.to_coordinates
        return out

    def expand(self, out):
        """The rows that the decoder's principal scores ``out`` rebuild."""
        center, from_coordinates = (
            as_tensor(a).to(dtype=out.dtype, device=out.device)
            for a in (self.center, self.from_coordinates)
        )
        return out @ from_coordinates + center

    def linear_start(self, n_components):
        """PCA's linear encoder and decoder, as ``pca_init`` gives them: the
        targets are the whitened principal scores, so PCA's code is their
        first ``n_components`` and its decoder the identity on them."""
        enc_w = self.to_coordinates[:, :n_components].T
        enc_b = -enc_w @ self.center
        dec_w = np.eye(self.n_outputs, n_components)
        dec_b = np.zeros(self.n_outputs)
        return enc_w, enc_b, dec_w, dec_b

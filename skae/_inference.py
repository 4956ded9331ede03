"""Inference shared by every estimator: encode, decode, reconstruct, score rows.

Each method takes validated rows (``check_X``) and runs the trained module
in padded batches (``apply_batched``), converting between the data's units
and the network's scaled float32 units on the way in and out.
"""

import numpy as np
import torch
from sklearn.utils.validation import check_array, check_is_fitted

from ._engine.inference import apply_batched
from ._engine.torch_utils import as_tensor, torch_dtype


def _affine(scaling, dtype, device):
    """A ``(center, scale)`` pair as torch tensors of ``dtype``."""
    return tuple(as_tensor(a).to(dtype=dtype, device=device) for a in scaling)


class InferenceMixin:
    """Batched inference through the fitted ``net_``, for ``BaseAutoencoder``."""

    @property
    def module_(self):
        """The trained ``torch.nn.Module`` (the same object as ``net_.module_``)."""
        check_is_fitted(self, "net_")
        return self.net_.module_

    def _to_net(self, x):
        """Rows in the data's units -> the network's float32 input."""
        center, scale = _affine((self.center_, self.scale_), x.dtype, x.device)
        return ((x - center) / scale).float()

    def _from_net(self, out, dtype):
        """The network's output -> rows in the data's units, of torch ``dtype``
        (level probabilities in a categorical column's block)."""
        if self.loss == "bce":
            return torch.sigmoid(out).to(dtype)
        center, scale = _affine(self._output_scaling, dtype, out.device)
        rows = out.to(dtype) * scale + center
        blocks = self._output_columns.blocks()
        if blocks is not None:
            blocks = blocks.to(out.device)
            probabilities = blocks.softmax(out.float()).to(dtype)
            rows = torch.where(blocks.categorical, probabilities, rows)
        return rows

    def _scale(self, X, chunk_size=4096):
        """The network's float32 input for all of ``X`` (one copy, in chunks)."""
        out = np.empty(X.shape, dtype=np.float32)
        for start in range(0, len(X), chunk_size):
            chunk = as_tensor(X[start : start + chunk_size])
            out[start : start + chunk_size] = self._to_net(chunk).numpy()
        return out

    def _apply(self, fn, A, shape, dtype):
        """``fn`` over padded batches of the rows ``A`` (``apply_batched``)."""
        return apply_batched(self.net_.module_, fn, A, shape, dtype)

    def _encode(self, X, dtype=None):
        """Codes of validated ``X``, in ``dtype`` (default: ``X``'s float dtype)."""
        dtype = X.dtype if dtype is None else np.dtype(dtype)
        out_dtype = torch_dtype(dtype)
        encode, n = self.net_.module_.encode, self.n_components_
        return self._apply(
            lambda x: encode(self._to_net(x))[:, :n].to(out_dtype), X, (n,), dtype
        )

    def _decode(self, Z, dtype):
        """Reconstructions, in the data's units and ``dtype``, of codes ``Z``."""
        out_dtype = torch_dtype(dtype)
        decode, expand = self.net_.module_.decode, self._principal.expand
        return self._apply(
            lambda z: self._from_net(expand(decode(self._full_code(z.float()))), out_dtype),
            Z,
            (len(self._output_scaling[1]),),
            dtype,
        )

    def _full_code(self, z):
        """Codes of ``n_components_`` units as the module's width: zeros after."""
        width = self._module_args["n_components"]
        if z.shape[1] == width:
            return z
        return torch.cat([z, z.new_zeros(len(z), width - z.shape[1])], dim=1)

    def _reconstruct(self, X, dtype):
        """Reconstructions of validated rows ``X`` (of the targets, for an
        estimator trained on pairs), in the data's units and ``dtype``, in
        one pass of the network."""
        out_dtype = torch_dtype(dtype)
        return self._apply(
            lambda x: self._from_net(self._rebuild(self._to_net(x)), out_dtype),
            X, (len(self._output_scaling[1]),), dtype,
        )

    def _rebuild(self, x_net):
        """The module's reconstruction of scaled rows from the code's first
        ``n_components_`` units."""
        module = self.net_.module_
        code = module.encode(x_net)[:, : self.n_components_]
        return self._principal.expand(module.decode(self._full_code(code)))

    def _row_losses(self, out, x_net):
        """Each row's summed loss of the decoder's output ``out`` against the
        scaled rows ``x_net``, in float64, as the column map weighs it."""
        return self._output_columns.row_losses(out, x_net, self.loss, *self._output_scaling)

    def _reconstruction_errors(self, X):
        """Per-row reconstruction error in the data's units (float64), in one pass.

        The residual is taken in the network's scaled space, where values are
        moderate even for float32 data near the end of its range, then squared
        and weighted by ``scale_**2`` in float64: the mean squared error in
        the units of ``X``. For a table with categorical columns, the mean
        over its columns of each column's loss (``TableColumns.row_losses``).
        """

        def errors(x):
            x_net = self._to_net(x)
            out = self._rebuild(x_net)
            if self.loss == "bce":
                p = torch.sigmoid(out).double().clamp(1e-7, 1 - 1e-7)
                x = x.double()
                return -torch.mean(x * torch.log(p) + (1 - x) * torch.log1p(-p), dim=1)
            return self._row_losses(out, x_net) / self.n_features_in_

        return self._apply(errors, X, (), np.float64)

    def _check_codes(self, Z):
        """Validated codes for ``inverse_transform``."""
        Z = check_array(Z, dtype=[np.float64, np.float32])
        if Z.shape[1] != self.n_components_:
            raise ValueError(
                f"Codes have {Z.shape[1]} columns, but {type(self).__name__} "
                f"was fitted with n_components={self.n_components_}."
            )
        return Z

"""A fitted estimator's state as numpy arrays and plain lists, and back.

Pickle, joblib and skops then store plain arrays and lists, never torch or
skorch objects: loading needs no ``torch.load``, trusts no torch type, and
works on a machine without the device the model was fitted on.
"""

import numpy as np
import torch
from skorch.history import History

from .torch_utils import global_rng_untouched, loading_device


def _plain(value):
    """``value`` with numpy scalars as Python numbers, inside lists and dicts too."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.item() if isinstance(value, np.generic) else value


class NetStateMixin:
    """``__getstate__`` / ``__setstate__`` that keep ``net_`` as numpy arrays.

    The estimator rebuilds the network from ``_module_class`` and the
    ``_module_args`` it was built with, and a net around it with
    ``_build_net``. The optimizer's state is not kept: training after
    loading continues from the weights with a fresh optimizer.
    """

    def __getstate__(self):
        state = dict(super().__getstate__())  # a copy: object's is __dict__ itself
        net = state.pop("net_", None)
        if net is not None:
            module = net.module_
            state["_saved_net"] = {
                "weights": {
                    name: value.detach().cpu().numpy().copy()
                    for name, value in module.state_dict().items()
                },
                "history": _plain(list(net.history)),
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
        with global_rng_untouched():  # the saved weights replace the drawn ones
            module = self._module_class(**args)
        module.load_state_dict(
            {name: torch.from_numpy(np.array(value)) for name, value in saved["weights"].items()}
        )
        net = self._build_net(module, device).initialize()
        net.history = History(saved["history"])
        return net

"""Pretrained weights that ship inside the package.

Each file ``cnncore/assets/<name>.npz`` holds a plain state_dict (one array
per PyTorch key), written by ``python -m cnncore.pretrain`` and read with
``allow_pickle=False``.
"""
import io
from importlib import resources

import numpy as np

from ..errors import ModelFileError

__all__ = ["available", "load_pretrained", "asset_name"]


def asset_name(name):
    """The file name of zoo model ``name``'s weights inside ``cnncore/assets``."""
    return f"{name}.npz"


def _asset(name):
    return resources.files("cnncore").joinpath("assets", asset_name(name))


def available(name):
    """Whether pretrained weights for zoo model ``name`` ship with this installation."""
    return _asset(name).is_file()


def load_pretrained(model, name):
    """Load the shipped weights for ``name`` into ``model`` (strict) and return it in eval mode.

    Raises:
        ModelFileError: no weights ship for this model, or the file does not match it.
    """
    if not available(name):
        raise ModelFileError(f"no pretrained weights ship for {name!r}; "
                             f"train them with: python -m cnncore.pretrain {name}")
    with np.load(io.BytesIO(_asset(name).read_bytes()), allow_pickle=False) as f:
        state = {key: f[key] for key in f.files if not key.startswith("__")}
    model.load_state_dict(state, strict=True)
    return model.eval()

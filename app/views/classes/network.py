"""The "Your classes" network as a file: the trained network and the class names it answers with.

**The file** (``network_to_bytes``/``network_from_bytes``): a ``.npz`` read with
``allow_pickle=False``, so opening a file can never run code:

========== =================== ==============================================================
key        dtype, shape        meaning
========== =================== ==============================================================
format     str ()              ``"cnn-playground-classes-network/1"``
names      str (C,)            the class names the network was trained on, 2-6 of them
model      uint8 (B,)          the bytes of :func:`cnncore.io.to_bytes` (the project's model file:
                               architecture and weights, no pickle)
========== =================== ==============================================================

:func:`network_from_bytes` also opens, for a view that has ``C`` classes now,

* a PyTorch state dict saved as ``.npz`` (``np.savez("m.npz", **{k: v.numpy() for k, v in
  model.state_dict().items()})``) of the view's network with ``C`` outputs
  (:mod:`cnncore.import_torch`), and
* a plain cnncore model file that takes ``(N, 3, 32, 32)`` and gives ``(N, C)``;

both answer with the view's class names of now. Whatever it opens must take one
``3 x 32 x 32`` picture and give one score per class name; anything else raises
:class:`NetworkError` with a ``code`` the page translates.
"""
import io

import numpy as np

from cnncore import import_torch, io as model_io
from cnncore.errors import ModelFileError, StateDictError

from app.views.classes.data import FORMAT as DATA_FORMAT, MAX_CLASSES, MAX_FILE_BYTES, MIN_CLASSES, SIZE

__all__ = ["NETWORK_FORMAT", "NetworkError", "network_to_bytes", "network_from_bytes"]

NETWORK_FORMAT = "cnn-playground-classes-network/1"


class NetworkError(ValueError):
    """A file that is not a usable network. ``code``: ``too_big``, ``data_set`` (a data-set file),
    ``names`` (its class names), ``shape`` (what it takes or gives: fields ``classes``, ``want``),
    ``engine`` (the engine's English message in ``why``, see :func:`app.core.engine_strings.engine_message`)."""

    def __init__(self, code, message, **fields):
        self.code, self.fields = code, fields
        super().__init__(message)


def network_to_bytes(model, names):
    """The ``.npz`` of the table above, for ``model`` answering with ``names``."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, format=np.array(NETWORK_FORMAT), names=np.array([str(n) for n in names]),
                        model=np.frombuffer(model_io.to_bytes(model), np.uint8))
    return buffer.getvalue()


def _header(data):
    """``{"format", "names", "model"}`` present in the archive (``{}`` if it is not a readable .npz
    or has no string ``format``): only the small marker arrays are read here."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            if "format" not in archive.files:
                return {}
            out = {"format": archive["format"]}
            if out["format"].dtype.kind != "U" or out["format"].ndim != 0:
                return {}
            for key in ("names", "model"):
                if key in archive.files:
                    out[key] = archive[key]
            return out
    except Exception:  # not a zip, a truncated member, an object array: the engine says which below
        return {}


def network_from_bytes(data, names_now, build):
    """``(model, names, kind)`` from a file's bytes; ``kind`` is ``"network"`` (this page's file),
    ``"state_dict"`` or ``"model"``. ``build(C)`` gives the view's network with ``C`` outputs.

    Raises:
        NetworkError: not one of the three, or a network that does not fit (see the class).
    """

    data = bytes(data)
    if len(data) > MAX_FILE_BYTES:
        raise NetworkError("too_big", "the file is too large", mb=MAX_FILE_BYTES // 10 ** 6)
    header = _header(data)
    try:
        if header and str(header["format"]) == DATA_FORMAT:
            raise NetworkError("data_set", "this is a data set, not a network")
        if header and str(header["format"]) == NETWORK_FORMAT:
            names = header.get("names")
            if names is None or names.ndim != 1 or names.dtype.kind != "U" or \
                    not MIN_CLASSES <= len(names) <= MAX_CLASSES:
                raise NetworkError("names", "it needs 2-6 class names", min=MIN_CLASSES, max=MAX_CLASSES)
            raw = header.get("model")
            if raw is None or raw.dtype != np.uint8 or raw.ndim != 1:
                raise NetworkError("engine", "no model", why="model file: the file is empty")
            model, names, kind = model_io.load(raw.tobytes()), [str(n) for n in names], "network"
        elif import_torch.kind(data) == "state_dict":
            model, names, kind = import_torch.load(data, build(len(names_now))), list(names_now), "state_dict"
        else:
            model, names, kind = model_io.load(data), list(names_now), "model"
    except (ModelFileError, StateDictError) as exc:
        why = str(exc.args[0]) if exc.args else str(exc)      # (a KeyError's str() adds quotes)
        raise NetworkError("engine", why, why=why) from None
    _check(model, len(names))
    return model.eval(), names, kind


def _check(model, classes):
    """The network takes one ``(1, 3, 32, 32)`` picture and gives ``(1, classes)`` scores."""
    want = f"(1, {classes})"
    try:
        out = model.eval()(np.zeros((1, 3, SIZE, SIZE), np.float32))
        shape = tuple(np.shape(out))
        finite = bool(np.isfinite(np.asarray(out)).all())
    except Exception:  # a network for other pictures: any shape error of any layer
        raise NetworkError("shape", "it does not take 3 x 32 x 32 pictures", classes=classes, want=want) from None
    if shape != (1, classes) or not finite:
        raise NetworkError("shape", f"it gives {shape}, not {want}", classes=classes, want=want)

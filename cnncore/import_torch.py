"""Bring weights trained in PyTorch back: a ``state_dict`` saved as ``.npz``.

PyTorch's own files (``torch.save``) are pickles, which can run code when
opened, so they are never read here. Convert them first, in two lines::

    import numpy as np
    np.savez("m.npz", **{k: v.numpy() for k, v in model.state_dict().items()})

A plain ``state_dict`` does not say which layers sit between the weights
(activations and pooling have none), so the architecture is given: a cnncore
model whose keys and shapes the file must match exactly (the network the
builder shows, or a zoo model). :func:`match` picks, among candidates, the
architectures a file fits. This project's own model files (:func:`cnncore.io.save`)
carry their architecture and load without one.

Every problem raises :class:`~cnncore.errors.StateDictError` naming the key
and what was expected: a missing or unexpected key, a wrong shape, an array
that is not numbers or not finite, a file that is not a readable ``.npz``.
Names read from the file are quoted shortened and printable only.

Example::

    model = cnncore.import_torch.load(open("m.npz", "rb").read(), lenet5())
"""
import numpy as np

from . import io as model_io
from .errors import ModelFileError, StateDictError
from .nn.init import meta

__all__ = ["read", "load", "match", "problems", "kind"]

_LIST = 6   # at most this many names in a message
MAX_ARRAY_BYTES = 1 << 28   # 256 MiB: what read() allows one array to unpack to, unless told


def _names(keys):
    keys = [model_io._printable(k) for k in keys]
    more = f" and {len(keys) - _LIST} more" if len(keys) > _LIST else ""
    return ", ".join(keys[:_LIST]) + more


def _archive(file):
    try:
        return model_io._Archive(file, "state_dict file")
    except ModelFileError as e:
        raise StateDictError(str(e)) from None


def kind(file):
    """What ``file`` (bytes, path or binary file) holds: ``"model"`` (this project's model file, with
    its architecture, and an empty ``.npz``), ``"state_dict"`` (an ``.npz`` of arrays only), or ``None``
    (not a readable ``.npz``)."""
    try:
        archive = model_io._Archive(file, "file")
    except ModelFileError:
        return None
    try:
        if model_io.HEADER_KEY not in archive.keys():
            return "state_dict" if archive.keys() else "model"   # an empty .npz: the model-file message
        header = archive.get(model_io.HEADER_KEY, model_io._MAX_HEADER_BYTES)
        return "state_dict" if model_io.STATE_DICT_FORMAT.encode() in header.tobytes() else "model"
    except ModelFileError:
        return "model"            # a damaged header: reading it as a model file says what is wrong
    finally:
        archive.close()


def read(file, max_bytes=MAX_ARRAY_BYTES):
    """The ``state_dict`` in a ``.npz`` (path, bytes or binary file): ``{key: array}``, numbers only.

    Entries starting with ``__`` (this project's markers) are skipped. An array that would unpack
    to more than ``max_bytes`` is refused before it is unpacked (a small file can hold a huge one).

    Raises:
        StateDictError: not a readable ``.npz``, no arrays, or an array that is not numeric or finite.
    """
    archive = _archive(file)
    try:
        state = {}
        for key in archive.keys():
            if key.startswith("__"):
                continue
            try:
                value = archive.get(key, max_bytes)
            except ModelFileError as e:
                raise StateDictError(str(e)) from None
            if not (np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_) or \
                    np.issubdtype(value.dtype, np.complexfloating):
                raise StateDictError(f"state_dict file: array {model_io._printable(repr(key))} holds "
                                     f"{model_io._printable(value.dtype)}, not real numbers")
            if np.issubdtype(value.dtype, np.floating) and not np.isfinite(value).all():
                raise StateDictError(f"state_dict file: array {model_io._printable(repr(key))} holds "
                                     f"NaN or infinite values (did the training diverge?)")
            state[key] = value
    finally:
        archive.close()
    if not state:
        raise StateDictError("state_dict file: the .npz holds no arrays")
    return state


def _limit(*architectures):
    """The most bytes one array of these architectures can take (in float64)."""
    shapes = [shape for a in architectures for shape in _expected(a).values()]
    return max([int(np.prod(shape)) * 8 for shape in shapes] or [0])


def _expected(architecture):
    """``{key: shape}`` of the architecture's state_dict (built as placeholders: no memory)."""
    with meta():
        template = model_io.build(model_io.describe(architecture))
    return {k: tuple(a.shape) for k, (_, _, _, a) in model_io._slots(template).items()}


def problems(state, architecture):
    """What keeps ``state`` from loading into ``architecture``: a list of sentences ([] if it fits)."""
    want = _expected(architecture)
    missing = [k for k in want if k not in state]
    extra = [k for k in state if k not in want]
    found = []
    if missing:
        found.append(f"missing keys {_names(missing)}")
    if extra:
        found.append(f"unexpected keys {_names(extra)}")
    for key, shape in want.items():
        if key in state and tuple(np.shape(state[key])) != shape:
            found.append(f"{key}: shape {tuple(np.shape(state[key]))} in the file, {shape} in the network")
    return found


def load(file, architecture):
    """A copy of ``architecture`` (a cnncore model) with the weights of a ``state_dict`` file.

    ``file`` may also be this project's own model file, in which case its
    arrays must fit ``architecture`` in the same way. The model is returned
    in evaluation mode, in the architecture's dtype.

    Raises:
        StateDictError: the file is not a readable ``state_dict``, or its keys or shapes differ from
            the architecture's (the message lists which).
    """
    state = read(file, _limit(architecture))
    found = problems(state, architecture)
    if found:
        raise StateDictError(f"the weights do not fit this network: {'; '.join(found[:4])}"
                             + (f" (and {len(found) - 4} more problems)" if len(found) > 4 else ""))
    model = model_io.load(model_io.to_bytes(architecture))          # a fresh copy of the layers
    model.load_state_dict(state, strict=True)   # cast to the model's dtypes
    return model.eval()


def match(file, candidates):
    """The names of the candidate architectures (``{name: model}``) the state_dict file fits, in order.

    Raises:
        StateDictError: the file cannot be read as a ``state_dict``.
    """
    state = read(file, _limit(*candidates.values()))
    return [name for name, model in candidates.items() if not problems(state, model)]

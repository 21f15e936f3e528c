"""Saving and loading whole models, safely: one ``.npz`` file, no pickle.

A model file is an ordinary NumPy ``.npz`` archive holding

* one array per state_dict key (``conv1.weight``, ``bn1.running_mean``, ...),
  exactly what ``Module.state_dict()`` returns, so the weights also load
  into the same ``torch.nn`` model;
* ``__cnncore__``: a ``uint8`` array with JSON text describing the
  architecture, a tree of ``{"type": class name, "args": constructor
  arguments, "children": {name: subtree}}`` (children only for containers,
  ``Sequential`` and ``Concat``; other layers build their own), plus the
  format marker ``"cnncore-model"``, its version, the dtype and the mode.

Why not pickle (``torch.save``'s format)? Unpickling runs whatever code the
file names, so opening a model file from someone else could run anything.
Here the file is read with ``np.load(..., allow_pickle=False)`` and only
class names from :data:`LAYER_TYPES` are ever built, from plain numbers and
strings. A file that is truncated, tampered with or not a model raises
:class:`~cnncore.errors.ModelFileError` saying what is wrong; a field from the file is quoted by
its start (at most a line), so a 1 MB string makes a short message. Layer names in the file are
at most :data:`MAX_CHILD_NAME` printable characters, without a dot, and never the name of an
attribute of their container (a layer called ``forward`` would replace the method).

Example::

    cnncore.io.save(model, "lenet.npz")
    same = cnncore.io.load("lenet.npz")     # also bytes or an open file
"""
import inspect
import io as _io
import json
import os
from collections import OrderedDict

import numpy as np

from .errors import ModelFileError
from .nn.init import meta

__all__ = ['FORMAT', 'VERSION', 'LAYER_TYPES', 'save', 'load', 'to_bytes', 'describe', 'build',
           'save_state_dict', 'load_state_dict_file']

FORMAT, VERSION = "cnncore-model", 1
STATE_DICT_FORMAT = "cnncore-state-dict"
HEADER_KEY = "__cnncore__"

#: The layer classes a model file may name, looked up on :mod:`cnncore.nn` when
#: needed (so a layer that this version lacks is reported, not guessed).
LAYER_TYPES = (
    "Sequential", "Concat", "Identity", "Flatten",
    "Conv2d", "Conv1d", "Linear", "BatchNorm1d", "BatchNorm2d", "BasicBlock", "Bottleneck",
    "MaxPool2d", "AvgPool2d", "LPPool2d", "MinPool2d", "StochasticPool2d", "AdaptiveAvgPool2d",
    "AttentionPool2d", "BilinearPool2d",
    "MaxPool1d", "AvgPool1d", "AdaptiveAvgPool1d",
    "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Dropout",
    "CrossEntropyLoss", "NLLLoss", "MSELoss",
)
#: Containers: their children are listed in the file (every other layer builds its own).
CONTAINERS = ("Sequential", "Concat")
#: Constructor arguments that are not part of a layer's description.
_NOT_DESCRIBED = ("dtype", "generator")
_FLOAT_DTYPES = ("float32", "float64")
_MAX_HEADER_BYTES = 4 << 20
#: The longest name a layer may have in a model file (``features``, ``0``, ``block1``, ...).
MAX_CHILD_NAME = 64


def _printable(text, limit=40):
    """At most ``limit`` characters of ``text`` (bytes or str) that print as themselves: a message
    never carries raw bytes or control characters from a file, only a short readable quote."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("latin-1")
    text = "".join(c if c.isprintable() else "·" for c in str(text))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _starts_with(data):
    """How a file starts, in words: its printable prefix, or 'bytes that are not text'."""
    head = bytes(data[:8])
    prefix = head[:next((i for i, b in enumerate(head) if not 32 <= b < 127), len(head))]
    return f"starts with {prefix.decode('ascii')!r}" if prefix else "starts with bytes that are not text"


def _layer_class(name):
    """The ``cnncore.nn`` class called ``name``, or ``None`` if it is not a known layer."""
    from . import nn
    if name not in LAYER_TYPES:
        return None
    cls = getattr(nn, name, None)
    return cls if isinstance(cls, type) else None


def _constructor_params(cls):
    """The keyword arguments of ``cls.__init__`` that describe a layer."""
    params = inspect.signature(cls.__init__).parameters.values()
    return [p for p in params if p.name != "self" and p.name not in _NOT_DESCRIBED
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _jsonable(value, where):
    """Tuples -> lists, NumPy scalars -> Python numbers; refuse anything else."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)):
        return [_jsonable(v, where) for v in value]
    raise ValueError(f"cannot save {where}: setting of type {type(value).__name__} ({value!r}) "
                     f"is not a number, string or tuple")


def _read_arg(module, name):
    """A constructor argument read back off the layer, or ``inspect.Parameter.empty``."""
    if name == "bias" and hasattr(module, "weight"):      # Conv2d, Conv1d, Linear store the array
        return getattr(module, "bias", None) is not None
    if name == "branches":                                 # Concat: the children are the branches
        return inspect.Parameter.empty
    for attr in (name, "_" + name):
        if attr in vars(module):
            return getattr(module, attr)
    return inspect.Parameter.empty


def describe(module, where="model"):
    """The architecture of ``module`` as a JSON-ready tree (no weights).

    Raises:
        ValueError: a layer that is not a registered ``cnncore.nn`` class, or
            a setting that cannot be written as JSON.
    """
    name = type(module).__name__
    if _layer_class(name) is not type(module):
        raise ValueError(f"cannot save {where}: {name} is not one of the cnncore.nn layers that a "
                         f"model file can hold ({', '.join(LAYER_TYPES)})")
    args = {}
    for p in _constructor_params(type(module)):
        value = _read_arg(module, p.name)
        if value is inspect.Parameter.empty:
            if p.default is inspect.Parameter.empty and name not in CONTAINERS:
                raise ValueError(f"cannot save {where} ({name}): its argument {p.name!r} cannot be "
                                 f"read back from the layer")
            continue
        args[p.name] = _jsonable(value, f"{where} ({name}.{p.name})")
    node = {"type": name, "args": args}
    if name in CONTAINERS:
        node["children"] = {child: describe(m, f"{where}.{child}" if where != "model" else child)
                            for child, m in module.named_children()}
    return node


def _tuples(value):
    """JSON lists back to tuples (constructors take kernel sizes as pairs)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def build(node, where="model"):
    """Rebuild an architecture tree from :func:`describe` (weights are fresh).

    Only classes in :data:`LAYER_TYPES` are built, and only with arguments
    their constructor declares.

    Raises:
        ModelFileError: an unknown type, unknown or invalid arguments, or a malformed tree.
    """
    from . import nn
    if not isinstance(node, dict) or not isinstance(node.get("type"), str):
        raise ModelFileError(f"model file: the architecture entry for {_printable(where, 80)} is not a layer "
                             f"description")
    name = node["type"]
    cls = _layer_class(name)
    where = _printable(where, 80)      # every name in it was checked (below), but a path can be long
    if cls is None:
        raise ModelFileError(f"model file: {where} is of type {_printable(repr(name), 60)}, which is not a cnncore layer "
                             f"this version can build")
    args, children = node.get("args", {}), node.get("children", {})
    if not isinstance(args, dict) or not isinstance(children, dict) or set(node) - {"type", "args", "children"}:
        raise ModelFileError(f"model file: the description of {where} ({name}) is malformed")
    if children and name not in CONTAINERS:
        raise ModelFileError(f"model file: {where} ({name}) cannot have listed children")
    allowed = {p.name for p in _constructor_params(cls)} - {"branches"}
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise ModelFileError(f"model file: {where} ({name}) has unknown settings "
                             f"{[_printable(u) for u in unknown[:6]]}")
    for child in children:
        _check_child_name(cls, child, where)
    built = OrderedDict((child, build(sub, f"{where}.{child}" if where != "model" else child))
                        for child, sub in children.items())
    try:
        if name == "Sequential":
            return nn.Sequential(built)
        if name == "Concat":
            return nn.Concat(built)
        return cls(**{k: _tuples(v) for k, v in args.items()})
    except (ValueError, TypeError, OverflowError, MemoryError) as e:
        raise ModelFileError(f"model file: {where} ({name}) has invalid settings {_printable(args, 120)}: "
                             f"{_printable(e, 120)}") from None


def _check_child_name(container, child, where):
    """A layer name from a file: short, printable, no dot (keys are dotted paths), and not an
    attribute of the container (a layer called ``forward`` or ``_modules`` would replace it)."""
    from .nn import Module
    problem = None
    if not isinstance(child, str) or not child:
        problem = "is empty"
    elif len(child) > MAX_CHILD_NAME:
        problem = f"is {len(child):,} characters long (at most {MAX_CHILD_NAME})"
    elif not child.isprintable() or "." in child:
        problem = "holds a dot or a character that does not print"
    elif hasattr(container, child) or child in vars(Module()):
        problem = f"is the name of an attribute of {container.__name__}"
    if problem:
        raise ModelFileError(f"model file: a layer inside {where} is named {_printable(repr(child))}, which "
                             f"{problem}")


def _slots(model):
    """Every parameter and buffer: ``key -> (module, attribute name, is_parameter, array)``."""
    slots = OrderedDict()
    for module_name, module in model.named_modules():
        dot = f"{module_name}." if module_name else ""
        for name, p in module._parameters.items():
            slots[dot + name] = (module, name, True, p.data)
        for name in module._buffers:
            slots[dot + name] = (module, name, False, getattr(module, name))
    return slots


def _model_dtype(model):
    kinds = {str(a.dtype) for _, _, _, a in _slots(model).values() if np.issubdtype(a.dtype, np.floating)}
    if len(kinds) > 1:
        raise ValueError(f"cannot save a model with mixed dtypes {sorted(kinds)}: call .float() or .double()")
    dtype = kinds.pop() if kinds else "float32"
    if dtype not in _FLOAT_DTYPES:
        raise ValueError(f"cannot save a {dtype} model: only float32 and float64 are supported")
    return dtype


def _header_array(header):
    return np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8)


def _write(arrays, file):
    """Write ``arrays`` as a compressed ``.npz`` to a path or file object; or return the bytes."""
    if file is None:
        buffer = _io.BytesIO()
        np.savez_compressed(buffer, **arrays)
        return buffer.getvalue()
    if isinstance(file, (str, os.PathLike)):
        with open(file, "wb") as f:   # not np.savez(path): it would append ".npz" to other names
            np.savez_compressed(f, **arrays)
    else:
        np.savez_compressed(file, **arrays)
    return None


def save(model, file=None):
    """Save ``model`` (architecture, weights, buffers and mode) to one ``.npz`` file.

    Args:
        model: a model built from :data:`LAYER_TYPES` layers.
        file: a path, or a binary file object; ``None`` returns the file's bytes.

    Raises:
        ValueError: a layer or setting that a model file cannot describe.
    """
    architecture = describe(model)
    dtype = _model_dtype(model)
    with meta():  # check that the description rebuilds the same arrays (costs no memory)
        rebuilt = build(architecture)
    ours = {k: a.shape for k, (_, _, _, a) in _slots(model).items()}
    theirs = {k: a.shape for k, (_, _, _, a) in _slots(rebuilt).items()}
    if ours != theirs:
        raise ValueError(f"cannot save: the architecture description does not rebuild the same "
                         f"weights (keys {sorted(set(ours) ^ set(theirs))} or their shapes differ)")
    header = {"format": FORMAT, "version": VERSION, "dtype": dtype, "training": bool(model.training),
              "architecture": architecture}
    arrays = OrderedDict((k, np.asarray(v)) for k, v in model.state_dict().items())
    arrays[HEADER_KEY] = _header_array(header)
    return _write(arrays, file)


def to_bytes(model):
    """The bytes of :func:`save` (what the app offers for download)."""
    return save(model, None)


class _Archive:
    """An opened ``.npz`` whose every failure becomes a :class:`ModelFileError`."""

    def __init__(self, file, what):
        self.what = what
        if isinstance(file, (bytes, bytearray, memoryview)):
            data = bytes(file)
        elif isinstance(file, (str, os.PathLike)):
            with open(file, "rb") as f:
                data = f.read()
        elif hasattr(file, "read"):
            if isinstance(file, _io.TextIOBase):
                raise ModelFileError(f"{what}: open the file in binary mode ('rb'), not text mode")
            data = file.read()
            if not isinstance(data, (bytes, bytearray)):
                raise ModelFileError(f"{what}: open the file in binary mode ('rb'), not text mode")
        else:
            raise TypeError(f"{what}: expected a path, bytes or a binary file object, "
                            f"got {type(file).__name__}")
        if not data:
            raise ModelFileError(f"{what}: the file is empty")
        if not data.startswith(b"PK"):
            raise ModelFileError(f"{what}: not a .npz archive (a model file is a NumPy .npz "
                                 f"zip archive; this file {_starts_with(data)})")
        try:
            self.npz = np.load(_io.BytesIO(data), allow_pickle=False)
        except Exception as e:  # BadZipFile, EOFError, OSError, ... : all mean "not readable"
            raise ModelFileError(f"{what}: not a readable .npz archive (truncated or damaged?): {_printable(e, 120)}") from None
        if not isinstance(self.npz, np.lib.npyio.NpzFile):
            raise ModelFileError(f"{what}: not a .npz archive")

    def keys(self):
        return list(self.npz.files)

    def get(self, key, max_bytes=None):
        """Read one array; refuse members far larger than ``max_bytes`` before decompressing them."""
        try:
            if max_bytes is not None:
                size = self.npz.zip.getinfo(key + ".npy").file_size
                if size > max_bytes + 4096:
                    raise ModelFileError(f"{self.what}: array {key!r} holds {size} bytes, "
                                         f"far more than its shape allows")
            return self.npz[key]
        except ModelFileError:
            raise
        except Exception as e:  # a bad CRC, a truncated member, pickled objects, ...
            raise ModelFileError(f"{self.what}: array {key!r} cannot be read (truncated, damaged, "
                                 f"or an object array, which is refused for safety): {_printable(e, 120)}") from None

    def close(self):
        self.npz.close()


def _read_header(archive, expected_format):
    if HEADER_KEY not in archive.keys():
        raise ModelFileError(f"{archive.what}: this .npz is not a cnncore model (it has no "
                             f"{HEADER_KEY!r} entry; arrays found: {[_printable(k) for k in archive.keys()[:6]]})")
    raw = archive.get(HEADER_KEY, _MAX_HEADER_BYTES)
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ModelFileError(f"{archive.what}: the {HEADER_KEY!r} entry is not JSON text")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except RecursionError:
        raise ModelFileError(f"{archive.what}: the architecture is nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as e:
        raise ModelFileError(f"{archive.what}: the architecture description is not valid JSON ({e})") from None
    if not isinstance(header, dict) or header.get("format") != expected_format:
        found = header.get("format") if isinstance(header, dict) else None
        raise ModelFileError(f"{archive.what}: format marker is {_printable(repr(found))}, "
                             f"expected {expected_format!r}")
    if header.get("version") != VERSION:
        raise ModelFileError(f"{archive.what}: format version {_printable(repr(header.get('version')))} is not "
                             f"supported (this cnncore reads version {VERSION})")
    return header


def load(file):
    """Load a model written by :func:`save`: architecture, weights, buffers and mode.

    Args:
        file: a path, the file's bytes (what a browser upload gives), or a
            binary file object.

    Raises:
        ModelFileError: the file is empty, truncated, tampered with or not a
            cnncore model; the message says what is wrong.
        FileNotFoundError: no file at that path.
    """
    archive = _Archive(file, "model file")
    try:
        header = _read_header(archive, FORMAT)
        dtype = header.get("dtype")
        if dtype not in _FLOAT_DTYPES:
            raise ModelFileError(f"model file: dtype {_printable(repr(dtype))} is not float32 or float64")
        if not isinstance(header.get("training", False), bool):
            raise ModelFileError(f"model file: its mode 'training' is {_printable(repr(header['training']))}, "
                                 f"not true or false")
        try:
            with meta():  # placeholders only: every array will come from the file
                model = build(header.get("architecture"))
        except RecursionError:
            raise ModelFileError("model file: the architecture is nested too deeply") from None
        slots = _slots(model)
        present = [k for k in archive.keys() if k != HEADER_KEY]
        missing = [k for k in slots if k not in present]
        extra = [k for k in present if k not in slots]
        if missing or extra:
            raise ModelFileError(f"model file: the weights do not match the architecture: "
                                 f"missing arrays {missing[:8]}, unexpected arrays "
                                 f"{[_printable(k) for k in extra[:8]]}")
        for key, (module, name, is_param, placeholder) in slots.items():
            want = np.dtype(dtype) if np.issubdtype(placeholder.dtype, np.floating) else placeholder.dtype
            value = archive.get(key, int(np.prod(placeholder.shape)) * want.itemsize)
            if value.shape != placeholder.shape:
                raise ModelFileError(f"model file: array {key!r} has shape {value.shape}, the "
                                     f"architecture needs {placeholder.shape}")
            if value.dtype != want:
                raise ModelFileError(f"model file: array {key!r} is {value.dtype}, expected {want}")
            if is_param:
                module._parameters[name].data = value
            else:
                object.__setattr__(module, name, value)
    finally:
        archive.close()
    return model.train(bool(header.get("training", False)))


def save_state_dict(model_or_state, file=None):
    """Save only the weights (a state_dict) as ``.npz``; ``None`` returns the bytes.

    The file is what the zoo's pretrained weights use: one array per key
    (plus a small ``__cnncore__`` marker that readers skip).
    """
    state = model_or_state.state_dict() if hasattr(model_or_state, "state_dict") else model_or_state
    arrays = OrderedDict((str(k), np.asarray(v)) for k, v in state.items())
    arrays[HEADER_KEY] = _header_array({"format": STATE_DICT_FORMAT, "version": VERSION})
    return _write(arrays, file)


def load_state_dict_file(file):
    """Read a state_dict saved by :func:`save_state_dict` (or any ``.npz`` of numeric arrays).

    Pass the result to ``model.load_state_dict``. Keys starting with ``__``
    are skipped.

    Raises:
        ModelFileError: not a readable ``.npz``, or an array that is not numeric.
    """
    archive = _Archive(file, "state_dict file")
    try:
        state = OrderedDict()
        for key in archive.keys():
            if key.startswith("__"):
                continue
            value = archive.get(key)
            if not (np.issubdtype(value.dtype, np.number) or value.dtype == np.bool_):
                raise ModelFileError(f"state_dict file: array {key!r} has dtype {value.dtype}, not numbers")
            state[key] = value
    finally:
        archive.close()
    return state

"""Export a cnncore model to PyTorch: a zip with ``model.py``, the weights and a check script.

:func:`export` writes, for any model made of the layers a model file can hold
(:data:`cnncore.io.LAYER_TYPES`: every zoo model and every network the builder
makes), a zip archive holding

* ``model.py``: a plain ``torch.nn.Module`` called ``Net``, written out layer
  by layer with the output shape of each as a comment, whose ``state_dict``
  keys are exactly cnncore's (``0.weight``, ``layer1.0.bn1.running_mean``, ...);
  the few layers PyTorch lacks (``MinPool2d``, ``StochasticPool2d``,
  ``AttentionPool2d``, ``BilinearPool2d``) and the
  residual and multi-branch blocks are small classes in the same file;
  ``load_weights(path)`` turns the ``.npz`` into a ``state_dict``;
* ``weights.npz``: the model as cnncore saves it (:func:`cnncore.io.save`: one
  array per key, no pickle), so the same file also opens in the playground;
* ``test_input.npz``: a test input (``input``) and the logits cnncore computed
  for it (``logits``), in evaluation mode;
* ``check.py``: loads the model and the weights, runs the test input through
  PyTorch, prints the logits and the largest difference from cnncore's;
  ``--save model.pt`` also writes ``torch.save(model.state_dict())``;
* ``README.md``: the same in words.

Nothing here imports torch: the zip is written by NumPy alone (it runs in the
browser). Only numbers and PyTorch's layer names are written into the code:
names of layers that are not Python identifiers or digits are refused.

Example::

    data = cnncore.export_torch.export(model, images[:4])   # bytes of the zip
"""
import io as _io
import json
import math
import zipfile

import numpy as np

from . import io as model_io
from .export_templates import CHECK, CHECK_IMPORTS, EXTRA, HEADER, IMPORTS, LOADER, README

__all__ = ["export", "model_source", "TORCH_NATIVE"]

#: Layers written as ``nn.<name>(...)``: PyTorch has them with the same arguments.
TORCH_NATIVE = ("Identity", "Flatten", "Conv2d", "Conv1d", "Linear", "BatchNorm1d", "BatchNorm2d",
                "MaxPool2d", "AvgPool2d", "LPPool2d", "AdaptiveAvgPool2d", "MaxPool1d", "AvgPool1d",
                "AdaptiveAvgPool1d", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax",
                "Dropout", "CrossEntropyLoss", "NLLLoss", "MSELoss")
#: Arguments written without their name (as one would type them).
_POSITIONAL = {"Conv2d": 3, "Conv1d": 3, "Linear": 2, "BatchNorm1d": 1, "BatchNorm2d": 1, "LPPool2d": 2,
               "MaxPool2d": 1, "AvgPool2d": 1, "MaxPool1d": 1, "AvgPool1d": 1, "AdaptiveAvgPool2d": 1,
               "AdaptiveAvgPool1d": 1, "MinPool2d": 1, "StochasticPool2d": 1, "AttentionPool2d": 1, "BasicBlock": 3, "Bottleneck": 3}
#: Arguments cnncore keeps that PyTorch's layer does not take.
_NOT_IN_TORCH = {"StochasticPool2d": ("seed",)}

def _literal(value, where):
    """A Python literal for one setting: numbers, booleans, None, short strings and tuples only."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot export {where}: setting {value!r} is not a finite number")
        return repr(value)
    if isinstance(value, str):
        if not (value.isascii() and value.isprintable() and len(value) <= 20):
            raise ValueError(f"cannot export {where}: setting {model_io._printable(repr(value))} is not a layer option")
        return repr(value)
    if isinstance(value, (list, tuple)):
        items = [_literal(v, where) for v in value]
        if len(set(items)) == 1 and len(items) in (1, 2):
            return items[0]                     # (3, 3) -> 3, as one types it
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    raise ValueError(f"cannot export {where}: setting of type {type(value).__name__}")


def _defaults(cls):
    """``{argument: default}`` of a cnncore layer's constructor, in order."""
    return {p.name: p.default for p in model_io._constructor_params(cls)}


def _norm(value):
    """Lists -> tuples, and a pair of equal numbers -> the number (``(3, 3)`` is written ``3``)."""
    if isinstance(value, (list, tuple)):
        value = tuple(_norm(v) for v in value)
        return value[0] if len(value) == 1 or len(value) == 2 and value[0] == value[1] else value
    return value


def _same(a, b):
    a, b = _norm(a), _norm(b)
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def _arguments(node, where):
    """``"1, 8, 3, padding=1"``: the required settings, then those that differ from the default."""
    name, args = node["type"], dict(node.get("args", {}))
    defaults = _defaults(model_io._layer_class(name))
    for dropped in _NOT_IN_TORCH.get(name, ()):
        args.pop(dropped, None)
    if defaults.get("stride", 0) is None and "kernel_size" in args and _same(args.get("stride"), args["kernel_size"]):
        args.pop("stride")                      # pools: the stride is the window unless told otherwise
    positional, parts = _POSITIONAL.get(name, 0), []
    for i, key in enumerate(defaults):
        if key not in args:
            continue
        value, default = args[key], defaults[key]
        if default is not model_io.inspect.Parameter.empty and _same(value, default):
            continue
        text = _literal(value, f"{where or 'model'} ({name}.{key})")
        parts.append(text if i < positional and len(parts) == i else f"{key}={text}")
    return ", ".join(parts)


def _check_name(child, where):
    if not isinstance(child, str) or not (child.isidentifier() or child.isdigit()):
        raise ValueError(f"cannot export {where}: the layer name {model_io._printable(repr(child))} "
                         f"is not a Python name or a number")
    return child


class _Writer:
    """Turns a :func:`cnncore.io.describe` tree into Python source, one layer per line."""

    def __init__(self):
        self.used = set()    # the helper classes (and OrderedDict) the source needs

    def children(self, node, module, shape, indent, where, named=False):
        """The lines of a container's children, each ending with a comma, and the output shape.

        Children named ``0, 1, ...`` are listed as they are; others (and ``named``) as
        ``(name, layer)`` pairs for an ``OrderedDict``. A Sequential's children take each
        other's outputs; a Concat's all take its input.
        """
        items = list(node.get("children", {}).items())
        named = named or [c for c, _ in items] != [str(i) for i in range(len(items))]
        if named:
            self.used.add("OrderedDict")
        lines, chain = [], node["type"] == "Sequential"
        out = shape
        for child, sub in items:
            _check_name(child, where)
            sub_lines, sub_out = self.layer(sub, getattr(module, child), out if chain else shape, indent,
                                            f"{where}.{child}" if where else child)
            out = sub_out if chain else out
            if named:
                sub_lines[0] = f"{' ' * indent}({child!r}, {sub_lines[0].lstrip()}"
            sub_lines[-1] = _before_comment(sub_lines[-1], ")," if named else ",")
            lines += sub_lines
        return lines, out, named

    def layer(self, node, module, shape, indent, where):
        """``(lines, output shape)`` for one layer written at ``indent`` (no comma after it)."""
        name, pad = node["type"], " " * indent
        out = module.output_shape(shape)
        if name in ("Sequential", "Concat"):
            if name == "Concat":
                self.used.add("Concat")
            inner, _, named = self.children(node, module, shape, indent + 4, where, named=name == "Concat")
            opening = "nn.Sequential(" if name == "Sequential" else "Concat("
            if named:
                return [f"{pad}{opening}OrderedDict([", *inner, f"{pad}]))  # -> {_shape(out)}"], out
            return [f"{pad}{opening}", *inner, f"{pad})  # -> {_shape(out)}"], out
        if name in ("BasicBlock", "Bottleneck"):
            self.used.update(("_Residual", name))
        elif name in ("MinPool2d", "StochasticPool2d", "AttentionPool2d", "BilinearPool2d"):
            self.used.add(name)
        elif name not in TORCH_NATIVE:
            raise ValueError(f"cannot export {where or 'the model'}: PyTorch has no {name} layer")
        prefix = "nn." if name in TORCH_NATIVE else ""
        return [f"{pad}{prefix}{name}({_arguments(node, where)})  # -> {_shape(out)}"], out


def _before_comment(line, text):
    """Put ``text`` at the end of the code of ``line``, before its ``# ...`` comment."""
    code, sep, comment = line.partition("  # ")
    return f"{code}{text}{sep}{comment}"


def _shape(shape):
    return "(N, " + ", ".join(str(n) for n in shape[1:]) + ")"


def model_source(model, input_shape, title="A network from CNN Playground", verb="built"):
    """The text of ``model.py`` for ``model`` (shapes in the comments for ``input_shape``, with N).

    Raises:
        ValueError: a layer PyTorch has no equivalent for, or a setting that cannot be written.
    """
    tree = model_io.describe(model)
    writer = _Writer()
    shape = (1, *tuple(input_shape)[1:])
    if tree["type"] == "Sequential":
        lines, out, named = writer.children(tree, model, shape, 12, "")
        body = ["class Net(nn.Sequential):", f'    """{_first_line(title)}: (N, {_dims(shape)}) -> {_shape(out)}."""',
                "", "    def __init__(self):", "        super().__init__(" + ("OrderedDict([" if named else ""),
                *lines, "        ]))" if named else "        )"]
    else:
        lines, out = writer.layer(tree, model, shape, 0, "")
        if len(lines) > 1:
            raise ValueError("cannot export: the outermost layer of the model must be a Sequential or one layer")
        code = lines[0].split("  # ")[0]
        cls, args = code[:code.index("(")], code[code.index("(") + 1:-1]
        body = [f"class Net({cls}):", f'    """{_first_line(title)}: (N, {_dims(shape)}) -> {_shape(out)}."""',
                "", "    def __init__(self):", f"        super().__init__({args})"]
    imports = (EXTRA["OrderedDict"] + "\n" if "OrderedDict" in writer.used else "") + IMPORTS
    head = HEADER.format(title=_first_line(title), verb=verb, input_shape=_shape(shape), input_dims=_dims(shape),
                          imports=imports)
    extras = "".join(EXTRA[k] for k in ("_Residual", "BasicBlock", "Bottleneck", "Concat", "MinPool2d",
                                         "StochasticPool2d", "AttentionPool2d", "BilinearPool2d")
                      if k in writer.used)
    return head + extras + "\n\n" + "\n".join(_align(body)) + "\n" + LOADER


def _align(lines):
    """Line up the shape comments in one column (long lines keep theirs two spaces after the code)."""
    codes = [line.partition("  # ")[0] for line in lines]
    column = min(max((len(c) for c, line in zip(codes, lines) if "  # " in line), default=0), 72)
    return [f"{c.ljust(column)}  # {line.partition('  # ')[2]}" if "  # " in line else line
            for c, line in zip(codes, lines)]


def _dims(shape):
    return ", ".join(str(n) for n in shape[1:])


def _first_line(text):
    """A title that is safe inside a docstring and a comment: one printable line, no quotes."""
    text = model_io._printable(str(text), 80).replace('"', "'").replace("\\", "/")
    return text or "A network from CNN Playground"


def export(model, example, title="A network from CNN Playground", verb="built", class_names=None):
    """The zip of the PyTorch export of ``model`` (bytes): see the module docstring.

    Args:
        model: a cnncore model made of :data:`cnncore.io.LAYER_TYPES` layers.
        example: the test input, ``(N, ...)`` as the model takes it (a few real examples).
        title: one line naming the network (in ``model.py`` and the README).
        verb: "built" or "trained" (said in ``model.py``'s docstring).
        class_names: optional names of the outputs, stored in ``test_input.npz`` as ``classes``.

    Raises:
        ValueError: a layer or setting PyTorch cannot express (the message names it).

    Shape:
        - example: ``(N, C, H, W)`` (or what the model's first layer takes)
        - stored logits: ``(N, classes)``
    """
    example = np.asarray(example)
    dtype = model_io._model_dtype(model)
    was_training = model.training
    try:
        logits = np.asarray(model.eval()(example.astype(dtype)))
    finally:
        model.train(was_training)
    source = model_source(model, example.shape, title, verb)
    tolerance = "1e-5" if dtype == "float32" else "1e-10"
    check = CHECK.replace("__TOLERANCE__", tolerance).replace("__IMPORTS__", CHECK_IMPORTS)
    test = {"input": example.astype(dtype), "logits": logits.astype(np.float64)}
    if class_names is not None:
        test["classes"] = np.array([str(c) for c in class_names])
    buffer = _io.BytesIO()
    arrays = _io.BytesIO()
    np.savez_compressed(arrays, **test)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("model.py", source)
        zf.writestr("weights.npz", model_io.to_bytes(model))
        zf.writestr("test_input.npz", arrays.getvalue())
        zf.writestr("check.py", check)
        zf.writestr("README.md", README.format(title=_first_line(title), n=len(example),
                                                input_shape=_shape(example.shape)))
        zf.writestr("export.json", json.dumps({"format": "cnncore-torch-export", "version": 1, "dtype": dtype,
                                               "input_shape": list(example.shape)}))
    return buffer.getvalue()

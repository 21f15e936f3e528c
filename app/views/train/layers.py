"""A small network as a list of layer specs: parse, print, build, and explain shapes.

The network builder of the Train view edits a list of :class:`LayerSpec`.
Each spec says what a student chose (``conv 16 channels 3x3 pad 1``); the
number of *input* channels or features is never chosen: it is read off the
shape coming out of the layer before, as in Keras. A ``Linear`` after a
4-D feature map gets a ``Flatten`` put in front of it, and the output head
``Linear(..., 10)`` (one logit per digit) is always added at the end.

A stack is written compactly for the URL, layers joined by ``-``::

    c8k3p1-relu-max2-c16k3p1-relu-max2-fc32-relu
    c16k3p1-relu-max2-c32k3p1-relu-gap          (a NiN-style head: no big Linear)

=========  =============================  ==========================
token      layer                          options
=========  =============================  ==========================
c8k3s1p1   Conv2d(in, 8, 3, stride 1,     channels, kernel, stride,
           padding 1)                     padding
max2/avg2  MaxPool2d(2) / AvgPool2d(2)    window (= stride)
gap        AdaptiveAvgPool2d(1): global   average / attention /
attn       average pooling,               bilinear
bilinear   AttentionPool2d(in),
           BilinearPool2d()
relu ...   ReLU, LeakyReLU (lrelu),       function
           Tanh, Sigmoid
bn         BatchNorm2d (BatchNorm1d       -
           after a Linear)
drop25     Dropout(p=0.25)                percent dropped
res16s2    BasicBlock(in, 16, stride 2)   channels, stride
fc64       Linear(in, 64)                 features
=========  =============================  ==========================

A *global* pool (``gap``, ``attn``, ``bilinear``) sums up the whole map:
``gap`` gives one average per channel (``C × 1 × 1``), ``attn`` one
learned, softmax-weighted average per channel (``C``), ``bilinear`` the
average of every pair of channels multiplied (``C*C``). It needs a feature
map, so it goes after the convolutions and before any ``fc`` layer.

Shapes and parameter counts come from ``cnncore.inspect.summary``; a stack
that cannot work (a 5x5 kernel on a 2x2 map, a convolution after a Linear)
is reported with the engine's :class:`~cnncore.errors.ShapeError` message,
naming the layer that fails.
"""
import re
from dataclasses import dataclass, field, replace

import cnncore
from cnncore import nn
from cnncore.errors import ShapeError
from cnncore.inspect import summary

__all__ = ["LayerSpec", "LayerRow", "BuildResult", "KINDS", "OPTIONS", "DEFAULT_ARCH", "INPUT_SHAPE",
           "NUM_CLASSES", "MAX_LAYERS", "parse_arch", "format_arch", "default_spec", "spec_label",
           "build_network"]

INPUT_SHAPE = (1, 1, 28, 28)   # one grey 28x28 digit
NUM_CLASSES = 10
MAX_LAYERS = 16                # beyond this a browser step gets slow
DEFAULT_ARCH = "c8k3p1-relu-max2-c16k3p1-relu-max2-fc32-relu"

KINDS = ("conv", "pool", "global", "act", "bn", "dropout", "res", "linear")

# The choices each option offers in the builder (the first is the default).
OPTIONS = {
    "conv": {"channels": (8, 4, 6, 12, 16, 24, 32, 48, 64), "kernel": (3, 1, 5, 7), "stride": (1, 2),
             "padding": (1, 0, 2, 3)},
    "pool": {"type": ("max", "avg"), "size": (2, 3)},
    "global": {"type": ("gap", "attn", "bilinear")},
    "act": {"fn": ("relu", "lrelu", "tanh", "sigmoid")},
    "bn": {},
    "dropout": {"percent": (25, 10, 50, 75)},
    "res": {"channels": (16, 8, 12, 24, 32, 48, 64), "stride": (1, 2)},
    "linear": {"features": (64, 16, 32, 128, 256, 512)},
}


@dataclass(frozen=True)
class LayerSpec:
    """One layer the student chose: its ``kind`` (one of :data:`KINDS`) and options."""

    kind: str
    options: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.options[name]

    def with_option(self, name, value):
        """A copy with one option changed (specs are immutable)."""
        return replace(self, options={**self.options, name: value})

    @property
    def token(self):
        """The compact text of this layer (see the module docstring)."""
        o = self.options
        if self.kind == "conv":
            return f"c{o['channels']}k{o['kernel']}" + (f"s{o['stride']}" if o["stride"] != 1 else "") + \
                f"p{o['padding']}"
        if self.kind == "pool":
            return f"{o['type']}{o['size']}"
        if self.kind == "global":
            return o["type"]
        if self.kind == "act":
            return o["fn"]
        if self.kind == "bn":
            return "bn"
        if self.kind == "dropout":
            return f"drop{o['percent']}"
        if self.kind == "res":
            return f"res{o['channels']}s{o['stride']}"
        return f"fc{o['features']}"


def default_spec(kind):
    """A layer of ``kind`` with the default of every option."""
    if kind not in OPTIONS:
        raise ValueError(f"unknown layer kind {kind!r}; choose one of {', '.join(KINDS)}")
    return LayerSpec(kind, {name: values[0] for name, values in OPTIONS[kind].items()})


_PATTERNS = (
    ("conv", re.compile(r"c(?P<channels>\d+)k(?P<kernel>\d+)(?:s(?P<stride>\d+))?(?:p(?P<padding>\d+))?")),
    ("pool", re.compile(r"(?P<type>max|avg)(?P<size>\d+)")),
    ("global", re.compile(r"(?P<type>gap|attn|bilinear)")),
    ("act", re.compile(r"(?P<fn>relu|lrelu|tanh|sigmoid)")),
    ("bn", re.compile(r"bn")),
    ("dropout", re.compile(r"drop(?P<percent>\d+)")),
    ("res", re.compile(r"res(?P<channels>\d+)(?:s(?P<stride>\d+))?")),
    ("linear", re.compile(r"fc(?P<features>\d+)")),
)
_LIMITS = {"channels": (1, 64), "kernel": (1, 9), "stride": (1, 4), "padding": (0, 4), "size": (1, 4),
           "percent": (0, 95), "features": (1, 512)}


def _parse_token(token, position):
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(token)
        if match is None:
            continue
        spec = default_spec(kind)
        for name, text in match.groupdict().items():
            if text is None:
                value = 1 if name == "stride" else (0 if name == "padding" else spec[name])
            elif text.isdigit():
                value = int(text)
                low, high = _LIMITS[name]
                if not low <= value <= high:
                    raise ValueError(f"layer {position} ({token!r}): {name} must be between {low} and "
                                     f"{high}, got {value}")
            else:
                value = text
            spec = spec.with_option(name, value)
        return spec
    raise ValueError(f"layer {position}: {token!r} is not a layer (expected e.g. c8k3p1, max2, gap, relu, "
                     f"bn, drop25, res16s1, fc64)")


def parse_arch(text):
    """``"c8k3p1-relu-max2-fc32"`` -> a list of :class:`LayerSpec` (ValueError names the bad layer)."""
    tokens = [token for token in str(text).strip().lower().split("-") if token]
    if len(tokens) > MAX_LAYERS:
        raise ValueError(f"at most {MAX_LAYERS} layers, got {len(tokens)}")
    return [_parse_token(token, i + 1) for i, token in enumerate(tokens)]


def format_arch(specs):
    """The compact text of a list of specs (the inverse of :func:`parse_arch`)."""
    return "-".join(spec.token for spec in specs)


@dataclass
class LayerRow:
    """What the builder shows for one layer: its output shape and parameter count.

    ``shape``/``params`` are None for a layer that failed or comes after one.
    ``auto`` marks the layers the builder adds itself (flatten, output head).
    """

    index: int            # position in the student's list (-1 for an added layer)
    label: str            # e.g. "Conv2d(8, 16, 3, padding=1)"
    shape: tuple = None   # output shape of one example, e.g. (16, 14, 14)
    params: int = None
    auto: bool = False


@dataclass
class BuildResult:
    """The network built from a stack of specs, or why it cannot be built.

    ``model`` is None when ``error`` is set; ``error_index`` is the failing
    spec's position (0-based; ``len(specs)`` for the output head).
    """

    model: object
    rows: list
    params: int = 0
    macs: int = 0
    error: str = ""
    error_index: int = None

    @property
    def ok(self):
        return self.model is not None


def _make_layer(spec, shape):
    """The cnncore layer for ``spec`` when its input has ``shape`` (input sizes read off it)."""

    o, channels = spec.options, shape[1]
    if spec.kind == "conv":
        return nn.Conv2d(channels, o["channels"], o["kernel"], stride=o["stride"], padding=o["padding"])
    if spec.kind == "pool":
        return (nn.MaxPool2d if o["type"] == "max" else nn.AvgPool2d)(o["size"])
    if spec.kind == "global":
        if o["type"] == "gap":
            return nn.AdaptiveAvgPool2d(1)          # (N, C, H, W) -> (N, C, 1, 1)
        return nn.AttentionPool2d(channels) if o["type"] == "attn" else nn.BilinearPool2d()
    if spec.kind == "act":
        return {"relu": nn.ReLU, "lrelu": nn.LeakyReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[o["fn"]]()
    if spec.kind == "bn":
        return nn.BatchNorm2d(channels) if len(shape) == 4 else nn.BatchNorm1d(channels)
    if spec.kind == "dropout":
        return nn.Dropout(o["percent"] / 100)
    if spec.kind == "res":
        return nn.BasicBlock(channels, o["channels"], stride=o["stride"])
    return nn.Linear(channels, o["features"])


def _label(layer):
    """A short name for a built layer, e.g. ``Conv2d 8→16 3×3 p1``."""
    name = type(layer).__name__
    if name == "Conv2d":
        (k, _), (s, _), (p, _) = layer.kernel_size, layer.stride, layer.padding
        return f"Conv2d {layer.in_channels}→{layer.out_channels} {k}×{k}" + (f" s{s}" if s != 1 else "") + \
            (f" p{p}" if p else "")
    if name in ("MaxPool2d", "AvgPool2d"):
        k = layer.kernel_size if isinstance(layer.kernel_size, int) else layer.kernel_size[0]
        return f"{name} {k}×{k}"
    if name == "AdaptiveAvgPool2d":
        return "AdaptiveAvgPool2d 1×1"
    if name == "AttentionPool2d":
        return f"AttentionPool2d {layer.in_channels}"
    if name == "Linear":
        return f"Linear {layer.in_features}→{layer.out_features}"
    if name.startswith("BatchNorm"):
        return f"{name} {layer.num_features}"
    if name == "Dropout":
        return f"Dropout p={layer.p:g}"
    if name == "BasicBlock":
        conv = layer.conv1
        return f"BasicBlock {conv.in_channels}→{conv.out_channels}" + (f" s{layer.stride}" if layer.stride != 1 else "")
    return name


def spec_label(spec):
    """A short name for a spec that could not be built, e.g. ``conv 8 5×5``."""
    o = spec.options
    if spec.kind == "conv":
        return f"Conv2d →{o['channels']} {o['kernel']}×{o['kernel']}" + (f" s{o['stride']}" if o["stride"] != 1 else "") \
            + (f" p{o['padding']}" if o["padding"] else "")
    if spec.kind == "pool":
        return f"{'MaxPool2d' if o['type'] == 'max' else 'AvgPool2d'} {o['size']}×{o['size']}"
    if spec.kind == "global":
        return {"gap": "AdaptiveAvgPool2d 1×1", "attn": "AttentionPool2d", "bilinear": "BilinearPool2d"}[o["type"]]
    if spec.kind == "act":
        return {"relu": "ReLU", "lrelu": "LeakyReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}[o["fn"]]
    if spec.kind == "bn":
        return "BatchNorm"
    if spec.kind == "dropout":
        return f"Dropout p={o['percent'] / 100:g}"
    if spec.kind == "res":
        return f"BasicBlock →{o['channels']}" + (f" s{o['stride']}" if o["stride"] != 1 else "")
    return f"Linear →{o['features']}"


def _add(layer, shape, layers, rows, index, auto=False):
    """Append ``layer``; its output shape and parameters come from the cost ledger."""

    ledger = summary(nn.Sequential(layer), shape)       # raises ShapeError if the shape cannot work
    layers.append(layer)
    rows.append(LayerRow(index, _label(layer), tuple(ledger.output_shape[1:]), ledger.params, auto))
    return tuple(ledger.output_shape)


def build_network(specs, seed=0):
    """Build ``Sequential(specs..., [Flatten], Linear(..., 10))`` for 28x28 digits.

    Weights are drawn after ``cnncore.manual_seed(seed)``, so the same stack
    and seed give the same network.

    Shape:
        - Input of the model: ``(N, 1, 28, 28)``
        - Output: ``(N, 10)`` logits
    """

    cnncore.manual_seed(seed)
    shape, layers, rows = INPUT_SHAPE, [], []
    plan = list(enumerate(specs)) + [(len(specs), LayerSpec("linear", {"features": NUM_CLASSES}))]
    for index, spec in plan:
        head = index == len(specs)
        try:
            if spec.kind == "linear" and len(shape) == 4:
                shape = _add(nn.Flatten(), shape, layers, rows, -1, auto=True)   # (N, C, H, W) -> (N, C*H*W)
            shape = _add(_make_layer(spec, shape), shape, layers, rows, -1 if head else index, auto=head)
        except ShapeError as exc:
            rows.append(LayerRow(-1 if head else index, spec_label(spec), auto=head))
            rows.extend(LayerRow(i, spec_label(s)) for i, s in plan[index + 1:-1])
            if not head:
                rows.append(LayerRow(-1, spec_label(plan[-1][1]), auto=True))
            return BuildResult(None, rows, error=str(exc), error_index=index)
    model = nn.Sequential(*layers)
    ledger = summary(model, INPUT_SHAPE)
    return BuildResult(model, rows, params=ledger.params, macs=ledger.macs)

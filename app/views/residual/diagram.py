"""Block diagrams of residual blocks as inline SVG (no outside assets), with the engine's shapes.

Three diagrams, drawn from real ``cnncore.nn`` blocks (every shape comes from
the layers' ``output_shape``, every parameter count from
``cnncore.inspect.summary``):

* a basic block with an **identity** shortcut (solid arrow): input and output
  have the same shape, so ``x`` is added as it is;
* a basic block that halves the size and doubles the channels, with a
  **projection** shortcut (dashed arrow): ``downsample`` = 1x1 convolution with
  stride 2 + batch norm, so that ``x`` gets the output's shape before the addition;
* the **bottleneck** (1x1, 3x3, 1x1; 256-64-256 as in ResNet-50), identity shortcut.
"""
import html
from dataclasses import dataclass

from cnncore import nn
from cnncore.inspect import summary
from cnncore.nn.init import meta

__all__ = ["BlockFigure", "block_figures", "block_svg"]

BOX_W, BOX_H, GAP = 170, 34, 16
MAIN_X = 118                     # left edge of the main path's boxes
SHORT_X = 48                     # the shortcut's vertical line
COLOURS = {"conv": "#D6EAF8", "bn": "#FDEBD0", "add": "#FFFFFF"}


@dataclass
class BlockFigure:
    """One diagram's content: ``stages`` are ``(label, kind, shape after)``; ``shortcut`` is
    ``None`` (identity) or ``(label, shape after)``; ``params``: the block's parameter count."""
    key: str
    input_shape: tuple
    stages: list
    shortcut: tuple
    output_shape: tuple
    params: int


def _shape(s):
    return "×".join(str(int(v)) for v in s[1:])


def _figure(key, block, input_shape):

    stages, shape = [], tuple(input_shape)
    names = [n for n in ("conv1", "bn1", "conv2", "bn2", "conv3", "bn3") if hasattr(block, n)]
    for name in names:
        layer = getattr(block, name)
        shape = layer.output_shape(shape)
        if name.startswith("conv"):
            k, s = layer.kernel_size[0], layer.stride[0]
            label = f"{k}×{k} conv, {layer.out_channels}" + (f", /{s}" if s > 1 else "")
            stages.append((label, "conv", shape))
        else:
            last = name == names[-1]
            stages.append(("BN" if last else "BN, ReLU", "bn", shape))
    shortcut = None
    if block.downsample is not None:
        conv = block.downsample[0]
        out = block.downsample.output_shape(tuple(input_shape))
        shortcut = (f"1×1 conv, {conv.out_channels}, /{conv.stride[0]} + BN", out)
    return BlockFigure(key, tuple(input_shape), stages, shortcut, block.output_shape(tuple(input_shape)),
                       summary(block, tuple(input_shape)).params)


def block_figures(width=8, size=28):
    """The three diagrams' contents for the lab's ``width`` and image ``size`` (and ResNet-50's bottleneck)."""

    with meta():     # shapes and counts only: no weights are allocated
        identity = nn.BasicBlock(width, width)
        projection = nn.BasicBlock(width, 2 * width, stride=2)
        bottleneck = nn.Bottleneck(256, 64)
    return [_figure("identity", identity, (1, width, size, size)),
            _figure("projection", projection, (1, width, size, size)),
            _figure("bottleneck", bottleneck, (1, 256, 56, 56))]


def _text(x, y, text, size=14, anchor="start", weight="normal", colour="#1F2933"):
    return (f"<text x='{x}' y='{y}' font-size='{size}' text-anchor='{anchor}' font-weight='{weight}' "
            f"fill='{colour}'>{html.escape(text)}</text>")


def block_svg(fig, title, shortcut_label, params_label):
    """The SVG of one diagram; ``title``, ``shortcut_label`` (e.g. "identity (solid)") and
    ``params_label`` (e.g. "parameters: {n}") are in the page's language."""
    top = 58
    height = top + (len(fig.stages) + 2) * (BOX_H + GAP) + 84
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='380' height='{height}' role='img' "
             f"aria-label='{html.escape(title)}' font-family='system-ui, sans-serif'>",
             "<defs><marker id='ah' markerWidth='10' markerHeight='10' refX='9' refY='5' orient='auto' markerUnits='userSpaceOnUse'>"
             "<path d='M0,1 L9,5 L0,9 z' fill='#1F2933'/></marker></defs>",
             _text(4, 18, title, 16, weight="bold"),
             _text(MAIN_X + BOX_W / 2, 42, f"x: {_shape(fig.input_shape)}", 14, "middle", "bold")]
    y = top
    cx = MAIN_X + BOX_W / 2
    for label, kind, shape in fig.stages:
        parts.append(f"<line x1='{cx}' y1='{y - GAP + 2}' x2='{cx}' y2='{y}' stroke='#1F2933' stroke-width='2' "
                     f"marker-end='url(#ah)'/>")
        parts.append(f"<rect x='{MAIN_X}' y='{y}' width='{BOX_W}' height='{BOX_H}' rx='6' fill='{COLOURS[kind]}' "
                     f"stroke='#52606D'/>")
        parts.append(_text(cx, y + 22, label, 14, "middle"))
        if kind == "conv":
            parts.append(_text(MAIN_X + BOX_W + 6, y + 22, _shape(shape), 12, colour="#52606D"))
        y += BOX_H + GAP
    # the addition
    ay = y + 8
    parts.append(f"<line x1='{cx}' y1='{y - GAP + 2}' x2='{cx}' y2='{ay - 14}' stroke='#1F2933' stroke-width='2' "
                 f"marker-end='url(#ah)'/>")
    parts.append(f"<circle cx='{cx}' cy='{ay}' r='14' fill='#FFFFFF' stroke='#1F2933' stroke-width='2'/>")
    parts.append(_text(cx, ay + 6, "+", 20, "middle", "bold"))
    # the shortcut: from just below x, down the left side, into the addition
    dash = "" if fig.shortcut is None else " stroke-dasharray='8 5'"
    path = f"M{cx},{top - 10} L{SHORT_X},{top - 10} L{SHORT_X},{ay} L{cx - 16},{ay}"
    parts.append(f"<path d='{path}' fill='none' stroke='#0072B2' stroke-width='3'{dash} marker-end='url(#ah)'/>")
    if fig.shortcut is not None:
        label, shape = fig.shortcut
        my = (top + ay) / 2
        parts.append(f"<rect x='{SHORT_X - 40}' y='{my - 30}' width='80' height='60' rx='6' fill='#FFFFFF' "
                     f"stroke='#0072B2' stroke-dasharray='6 4'/>")
        for k, line in enumerate(label.replace(" + ", "\n+ ").replace(", /", "\n/").split("\n")):
            parts.append(_text(SHORT_X, my - 12 + 15 * k, line, 12, "middle", colour="#005A8C"))
        parts.append(_text(SHORT_X, my + 46, _shape(shape), 12, "middle", colour="#005A8C"))
    oy = ay + 14
    parts.append(f"<line x1='{cx}' y1='{oy}' x2='{cx}' y2='{oy + 18}' stroke='#1F2933' stroke-width='2' "
                 f"marker-end='url(#ah)'/>")
    parts.append(_text(cx, oy + 36, f"ReLU → {_shape(fig.output_shape)}", 14, "middle", "bold"))
    parts.append(_text(8, oy + 58, shortcut_label, 13, colour="#005A8C"))
    parts.append(_text(8, oy + 76, params_label, 13, colour="#52606D"))
    parts.append("</svg>")
    return "".join(parts)

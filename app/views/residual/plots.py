"""Plots of the residual learning lab (Bokeh figures, data streamed or replaced in place).

* :class:`LossRace` — the training loss of the plain net and the ResNet per step (streamed).
* :class:`GradHeatmap` — ``log10 ||dL/dW||`` of every layer (rows, input side at the
  bottom) at every step (columns), one cell per (layer, step), streamed.
* :class:`LayerProfile` — each layer's recent gradient norm against its depth, both nets, log scale.
* :class:`SplitBars` — at each residual block, the norm of ``dL/dx`` through the layers
  and through the shortcut.
"""
import math

import numpy as np
from bokeh.models import ColorBar, ColumnDataSource, FactorRange, LegendItem, LinearColorMapper, Range1d
from bokeh.plotting import figure
from bokeh.transform import dodge

from app.core.theme import ACCENT, ACTIVATION, HIGHLIGHT, TEXT
from app.widgets.plots import LegendLabels, add_legend, style_figure

__all__ = ["LossRace", "GradHeatmap", "LayerProfile", "SplitBars", "COLOURS"]

FONT = "15px"
COLOURS = {"plain": HIGHLIGHT, "resnet": ACCENT}
DASHES = {"plain": "dashed", "resnet": "solid"}
LEGEND = dict(spacing=3, padding=10)     # roomier legends than the other labs'


def _finite(v):
    return float(v) if v is not None and math.isfinite(v) else float("nan")


class LossRace(LegendLabels):
    """Loss per step of both networks; :meth:`stream` sends only the new points."""

    def __init__(self, width=560, height=300):
        self.source = ColumnDataSource(dict(step=[], plain=[], resnet=[]))
        self.figure = figure(width=width, height=height, tools="", min_border_left=56, x_range=Range1d(0, 10))
        style_figure(self.figure, FONT)
        self.items = []
        for key in ("plain", "resnet"):
            line = self.figure.line("step", key, source=self.source, color=COLOURS[key], line_dash=DASHES[key],
                                    line_width=3)
            self.items.append(LegendItem(label="", renderers=[line]))
        add_legend(self.figure, self.items, **LEGEND)

    def reset(self, total_steps):
        self.source.data = dict(step=[], plain=[], resnet=[])
        self.figure.x_range.update(start=0, end=max(int(total_steps), 1))

    def stream(self, steps, plain, resnet):
        if steps:
            self.source.stream(dict(step=list(steps), plain=[_finite(v) for v in plain],
                                    resnet=[_finite(v) for v in resnet]))


class GradHeatmap(LegendLabels):
    """``log10`` gradient norm per (step, layer); rows are layers (0 = first, at the bottom).

    Both networks' heatmaps share one colour mapper (pass it as ``mapper``),
    so their colours compare.
    """

    def __init__(self, width=560, height=300, mapper=None, colorbar=True):
        self.mapper = mapper or LinearColorMapper(palette=ACTIVATION, low=-4, high=0, nan_color="#FFFFFF")
        self.source = ColumnDataSource(dict(step=[], layer=[], value=[]))
        self.figure = figure(width=width, height=height, tools="", min_border_left=56,
                             x_range=Range1d(0, 10), y_range=Range1d(-0.5, 0.5))
        style_figure(self.figure, FONT)
        self.figure.rect(x="step", y="layer", width=1, height=1, source=self.source, line_color=None,
                         fill_color=dict(field="value", transform=self.mapper))
        self.figure.grid.visible = False
        if colorbar:
            self.figure.add_layout(ColorBar(color_mapper=self.mapper, width=14, major_label_text_font_size="13px",
                                            title="log₁₀", title_text_font_size="13px"), "right")

    def reset(self, layers, total_steps):
        self.source.data = dict(step=[], layer=[], value=[])
        self.figure.x_range.update(start=0.5, end=max(int(total_steps), 1) + 0.5)
        self.figure.y_range.update(start=-0.5, end=len(layers) - 0.5)

    def stream(self, steps, norms, layers):
        """``norms``: one ``{layer: norm}`` per step in ``steps``."""
        if not steps:
            return
        step, layer, value = [], [], []
        for s, row in zip(steps, norms):
            for i, name in enumerate(layers):
                v = row.get(name)
                step.append(s)
                layer.append(i)
                value.append(math.log10(v) if v is not None and math.isfinite(v) and v > 0 else float("nan"))
        self.source.stream(dict(step=step, layer=layer, value=value))


class LayerProfile(LegendLabels):
    """Each layer's gradient norm (recent average) against its position, both networks, log axis."""

    def __init__(self, width=560, height=300):
        self.source = ColumnDataSource(dict(layer=[], plain=[], resnet=[]))
        self.figure = figure(width=width, height=height, tools="", min_border_left=60, y_axis_type="log")
        style_figure(self.figure, FONT)
        self.items = []
        for key, marker in (("plain", "square"), ("resnet", "circle")):
            line = self.figure.line("layer", key, source=self.source, color=COLOURS[key], line_dash=DASHES[key],
                                    line_width=3)
            dots = self.figure.scatter("layer", key, source=self.source, color=COLOURS[key], size=7, marker=marker)
            self.items.append(LegendItem(label="", renderers=[line, dots]))
        add_legend(self.figure, self.items, "top_left", **LEGEND)

    def update(self, plain, resnet):
        n = max(len(plain), len(resnet))
        clean = lambda a: [v if math.isfinite(v) and v > 0 else float("nan") for v in map(float, a)]  # noqa: E731
        self.source.data = dict(layer=list(range(n)), plain=clean(plain), resnet=clean(resnet))


class SplitBars(LegendLabels):
    """At each block of the ResNet: ``||dL/dx||`` through the layers and through the shortcut."""

    def __init__(self, width=560, height=280):
        self.source = ColumnDataSource(dict(block=[], main=[], shortcut=[]))
        self.figure = figure(width=width, height=height, tools="", min_border_left=60,
                             x_range=FactorRange(factors=["-"]), y_range=Range1d(0, 1))
        style_figure(self.figure, FONT)
        main = self.figure.vbar(x=dodge("block", -0.18, range=self.figure.x_range), top="main", width=0.34,
                                source=self.source, color=HIGHLIGHT)
        short = self.figure.vbar(x=dodge("block", 0.18, range=self.figure.x_range), top="shortcut", width=0.34,
                                 source=self.source, color=ACCENT)
        self.items = [LegendItem(label="", renderers=[main]), LegendItem(label="", renderers=[short])]
        add_legend(self.figure, self.items, **LEGEND)
        self.figure.xgrid.visible = False
        self.figure.xaxis.major_label_orientation = 0.6
        self.figure.title.text_color = TEXT

    def update(self, split):
        """``split``: ``{block name: (main norm, shortcut norm)}``."""
        blocks = list(split) or ["-"]
        main = [_finite(split[b][0]) if b in split else 0.0 for b in blocks]
        short = [_finite(split[b][1]) if b in split else 0.0 for b in blocks]
        top = np.nanmax(main + short) if split else 1.0
        self.figure.x_range.factors = blocks
        self.figure.y_range.update(start=0, end=float(top) * 1.15 if np.isfinite(top) and top > 0 else 1.0)
        self.source.data = dict(block=blocks, main=main, shortcut=short)

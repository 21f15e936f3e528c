"""Plots of the BatchNorm lab, each a Bokeh figure updated in place (new data, same figure).

* :class:`Histogram` — the values of one channel over the batch, with the mean marked.
* :class:`RunningPlot` — running mean and variance after each fed batch, and each batch's own.
* :class:`BatchMosaic` — the batch's digits with their predicted labels; tiles whose
  prediction differs between training and evaluation mode are outlined.
* :class:`ShiftBars` — grouped bars: variance in training vs evaluation mode, per order.

The feature maps are :class:`app.widgets.plots.MapPlot` with :data:`MAP_OPTIONS` (signed values:
orange - white - purple; a mask, ``palette=MASK``: dark = dropped, white = kept).
"""
import numpy as np
from bokeh.models import ColumnDataSource, FactorRange, LabelSet, LegendItem, LinearColorMapper, Range1d, Span
from bokeh.plotting import figure
from bokeh.transform import factor_cmap

from app.core.theme import ACCENT, GREY, HIGHLIGHT, TEXT
from app.widgets.plots import LegendLabels, add_legend, style_figure

__all__ = ["Histogram", "RunningPlot", "BatchMosaic", "ShiftBars", "mosaic", "MASK", "MAP_OPTIONS"]

FONT = "15px"
MASK = ["#3E4C59", "#FFFFFF"]          # dropped, kept
MAP_OPTIONS = dict(colorbar=False, tools="", min_border=2)   # small maps side by side, no colour bars


class Histogram(LegendLabels):
    """A histogram of values (bars) with a dashed line at their mean."""

    def __init__(self, width=330, height=230, colour=ACCENT):
        self.source = ColumnDataSource(dict(left=[], right=[], top=[]))
        self.figure = figure(width=width, height=height, tools="", min_border_left=50)
        style_figure(self.figure, FONT)
        self.figure.quad(left="left", right="right", bottom=0, top="top", source=self.source, fill_color=colour,
                         line_color="#FFFFFF", fill_alpha=0.85)
        self.mean = Span(location=0, dimension="height", line_color=HIGHLIGHT, line_dash="dashed", line_width=3)
        self.figure.add_layout(self.mean)

    def update(self, values, bins=30):
        values = np.asarray(values, dtype=np.float64).ravel()
        counts, edges = np.histogram(values, bins=bins)
        self.source.data = dict(left=edges[:-1].tolist(), right=edges[1:].tolist(), top=counts.tolist())
        self.mean.location = float(values.mean())


class RunningPlot(LegendLabels):
    """Running mean and variance of one channel after each fed batch (lines), each batch's (dots)."""

    def __init__(self, width=520, height=280):
        self.source = ColumnDataSource(dict(fed=[], run_mean=[], run_var=[], batch_mean=[], batch_var=[]))
        self.figure = figure(width=width, height=height, tools="", min_border_left=56)
        style_figure(self.figure, FONT)
        f = self.figure
        lines = [f.line("fed", "run_mean", source=self.source, line_width=3.5, color=ACCENT),
                 f.scatter("fed", "batch_mean", source=self.source, size=8, color=ACCENT, alpha=0.5),
                 f.line("fed", "run_var", source=self.source, line_width=3.5, color=HIGHLIGHT, line_dash="dashed"),
                 f.scatter("fed", "batch_var", source=self.source, size=8, marker="square", color=HIGHLIGHT,
                           alpha=0.5)]
        self.items = [LegendItem(label="", renderers=[r]) for r in lines]
        add_legend(f, self.items, spacing=1, padding=4)

    def update(self, history, start):
        """``history``: ``[(running_mean, running_var, batch_mean, batch_var)]`` for one channel;
        ``start``: ``(mean, var)`` before any batch."""
        fed = list(range(len(history) + 1))
        run_mean = [start[0]] + [h[0] for h in history]
        run_var = [start[1]] + [h[1] for h in history]
        nan = float("nan")
        self.source.data = dict(fed=fed, run_mean=[float(v) for v in run_mean], run_var=[float(v) for v in run_var],
                                batch_mean=[nan] + [float(h[2]) for h in history],
                                batch_var=[nan] + [float(h[3]) for h in history])


def mosaic(images, columns=8, gap=1):
    """Digits side by side, ``gap`` NaN pixels between them.

    Shape:
        - images: ``(N, H, W)``; Output: ``(rows*(H+gap)-gap, columns*(W+gap)-gap)``
    """
    n, h, w = images.shape
    columns = min(columns, n)
    rows = -(-n // columns)
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        out[r * (h + gap):r * (h + gap) + h, c * (w + gap):c * (w + gap) + w] = image
    return out


class BatchMosaic:
    """The batch's digits, each labelled with its predicted digit; changed predictions outlined."""

    def __init__(self, width=430, columns=8):
        self.columns, self.width = columns, width
        self.figure = figure(width=width, height=width, tools="", min_border=2,
                             x_range=Range1d(0, 1), y_range=Range1d(1, 0))
        style_figure(self.figure, FONT, axes=False)
        self.image = ColumnDataSource(dict(image=[np.zeros((1, 1))], y=[1], dw=[1], dh=[1]))
        self.tiles = ColumnDataSource(dict(x=[], y=[], text=[], colour=[], changed=[]))
        self.boxes = ColumnDataSource(dict(x=[], y=[]))
        mapper = LinearColorMapper(palette=GREY, low=0, high=1, nan_color="#FFFFFF")
        self.figure.image(image="image", x=0, y="y", dw="dw", dh="dh", source=self.image, color_mapper=mapper,
                          origin="bottom_left", anchor="top_left")
        self.figure.rect(x="x", y="y", width=28, height=28, source=self.boxes, fill_alpha=0, line_color=HIGHLIGHT,
                         line_width=4)
        self.figure.add_layout(LabelSet(x="x", y="y", text="text", source=self.tiles, text_color="colour",
                                        text_font_size="15px", text_font_style="bold", x_offset=3, y_offset=3,
                                        background_fill_color="#000000", background_fill_alpha=0.6,
                                        text_baseline="bottom"))

    def update(self, images, first, second):
        """``images`` ``(N, 28, 28)``; ``first``/``second``: predictions in the two modes (``first`` shown)."""
        grid = mosaic(np.asarray(images), self.columns)
        h, w = grid.shape
        n = len(images)
        xs = [(i % self.columns) * 29 for i in range(n)]
        ys = [(i // self.columns) * 29 + 28 for i in range(n)]
        changed = [int(a) != int(b) for a, b in zip(first, second)]
        self.figure.x_range.update(start=0, end=w)
        self.figure.y_range.update(start=h, end=0)
        self.figure.height = round(self.width * h / w) + 4   # square pixels (+ the 2-pixel borders)
        self.image.data = dict(image=[grid], y=[h], dw=[w], dh=[h])
        self.tiles.data = dict(x=xs, y=ys, text=[str(int(a)) for a in first],
                               colour=[HIGHLIGHT if c else "#7BD389" for c in changed], changed=changed)
        self.boxes.data = dict(x=[x + 14 for x, c in zip(xs, changed) if c],
                               y=[y - 14 for y, c in zip(ys, changed) if c])


class ShiftBars:
    """Grouped bars: for each (order, quantity) the variance in training and in evaluation mode."""

    MODES = ("train", "eval")

    def __init__(self, width=560, height=320):
        self.source = ColumnDataSource(dict(x=[], value=[], key=[], text=[]))
        self.figure = figure(width=width, height=height, tools="", min_border_left=56,
                             x_range=FactorRange(factors=[("", "", "train")]), y_range=Range1d(0, 1))
        style_figure(self.figure, FONT)
        self.figure.vbar(x="x", top="value", width=0.85, source=self.source, line_color=None,
                         fill_color=factor_cmap("key", [ACCENT, HIGHLIGHT], list(self.MODES)))
        self.figure.add_layout(LabelSet(x="x", y="value", text="text", source=self.source, text_align="center",
                                        y_offset=3, text_font_size="13px", text_color=TEXT))
        self.figure.xgrid.visible = False
        self.figure.xaxis.major_label_text_font_size = "13px"
        self.figure.xaxis.group_text_font_size = "13px"
        self.figure.xaxis.subgroup_text_font_size = "13px"
        self.figure.xaxis.major_label_orientation = 0

    def update(self, groups, mode_names):
        """``groups``: ``[(order label, quantity label, train value, eval value)]``;
        ``mode_names``: ``{"train": ..., "eval": ...}`` shown under the bars."""
        x, value, key, text = [], [], [], []
        for order, quantity, train, evaluation in groups:
            for m, v in zip(self.MODES, (train, evaluation)):
                x.append((order, quantity, mode_names[m]))
                value.append(float(v))
                key.append(m)
                text.append(f"{v:.2f}")
        self.figure.x_range.factors = x
        self.figure.y_range.update(start=0, end=max(value) * 1.18 if value else 1)
        self.source.data = dict(x=x, value=value, key=key, text=text)

    def set_title(self, text):
        self.figure.title.text = text

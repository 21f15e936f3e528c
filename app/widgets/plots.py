"""Bokeh plots that are updated in place: change the data, not the figure.

Each plot owns one ``ColumnDataSource``; ``update(...)`` replaces the
source's columns, so the browser redraws without re-creating the figure.

* :class:`ImagePlot` — a picture (grey by default) with a fixed colour range.
* :class:`MapPlot` — a 2-D map (a feature map, a gradient, a mask) in the app's colours,
  with marked and outlined cells and clicks on cells.
* :class:`ProbabilityBars` — ten bars, one per digit.
* :class:`LegendLabels` — every plot's title, legend and axis texts in one call.

And the helpers every ``plots.py`` uses: :func:`style_figure` (the app's look),
:func:`add_legend`, :func:`label_figure`, :func:`glyph_renderer`, :func:`set_colors`.
"""
import numpy as np
from bokeh.events import Tap
from bokeh.models import (Circle, ColorBar, ColumnDataSource, FactorRange, GlyphRenderer, Image, LabelSet, Legend,
                          LinearColorMapper, Range1d, Rect, Segment)
from bokeh.plotting import figure

from app.core.theme import ACTIVATION, GREY, HIGHLIGHT, MUTED, SIGNED, TEXT, map_colours, symmetric_range

__all__ = ["ImagePlot", "MapPlot", "ProbabilityBars", "LegendLabels", "style_figure", "add_legend", "label_figure",
           "glyph_renderer", "grid_lines", "fit_cells", "set_colors"]

DIGITS = [str(d) for d in range(10)]
TITLE_PX = 26       # screen pixels a title takes above a plot
COLORBAR_PX = 70    # ... and a colour bar beside it


def style_figure(fig, font="14px", title=None, axes=True):
    """The app's look: no toolbar, white, no outline, ``font`` for the title and the axes.

    ``title``: another font size for the title; ``axes=False`` hides the axes and the grid
    (a picture, a map). Returns ``fig``.
    """
    fig.toolbar_location = None
    fig.toolbar.active_drag = None
    fig.background_fill_color = "#ffffff"
    fig.border_fill_color = "#ffffff"
    fig.outline_line_color = None
    fig.title.text_font_size = title or font
    fig.title.text_color = TEXT
    if not axes:
        fig.axis.visible = False
        fig.grid.visible = False
        return fig
    for axis in fig.axis:
        axis.major_label_text_font_size = font
        axis.axis_label_text_font_size = font
        axis.axis_label_text_font_style = "normal"
    return fig


def glyph_renderer(source, glyph):
    """A renderer built by hand: one glyph (``figure.image()`` & co. build five, slow to send)."""
    return GlyphRenderer(data_source=source, glyph=glyph)


def add_legend(fig, items, location="top_right", place="center", **options):
    """A legend of ``items`` (``LegendItem`` s) inside the plot at ``location`` (or beside it: ``place``).

    Legends share 14 px labels, tight rows on a light background; ``options`` are other ``Legend`` settings.
    """
    options = {"label_text_font_size": "14px", "background_fill_alpha": 0.85, "spacing": 2, "padding": 6, **options}
    legend = Legend(items=items, location=location, **options)
    fig.add_layout(legend, place)
    return legend


def label_figure(fig, title=None, names=(), xlabel=None, ylabel=None, items=()):
    """Set a figure's title, its legend ``items``' texts ``names`` and its axis labels (None: unchanged)."""
    if title is not None:
        fig.title.text = title
    for item, name in zip(items, names):
        item.label = dict(value=name)
    if xlabel is not None:
        fig.xaxis.axis_label = xlabel
    if ylabel is not None:
        fig.yaxis.axis_label = ylabel


class LegendLabels:
    """For a plot with a ``figure`` and legend ``items`` (one per series): its texts in one call.

    A plot without a legend keeps no ``items``: ``set_labels(title, xlabel=..., ylabel=...)``;
    a plot of two figures labels each with :func:`label_figure`.
    """

    items = ()

    def set_labels(self, title, names=(), xlabel=None, ylabel=None):
        label_figure(self.figure, title, names, xlabel, ylabel, self.items)


def grid_lines(h, w, max_cells=24):
    """Segments between the cells of an ``h`` x ``w`` map (none when it is larger than ``max_cells``)."""
    if max(h, w) > max_cells:
        return dict(x0=[], y0=[], x1=[], y1=[])
    xs, ys = list(range(1, w)), list(range(1, h))
    return dict(x0=xs + [0] * len(ys), y0=[0] * len(xs) + ys, x1=xs + [w] * len(ys), y1=[h] * len(xs) + ys)


def fit_cells(fig, h, w, cell=None, min_size=40):
    """Show ``h`` x ``w`` cells, row 0 on top; with ``cell`` (screen pixels per cell) resize ``fig`` to fit them.

    Cell ``(r, c)`` covers ``x`` in ``[c, c+1]`` and ``y`` in ``[r, r+1]``; the y axis is flipped.
    """
    fig.x_range.update(start=0, end=w)
    fig.y_range.update(start=h, end=0)
    if cell is not None:
        border = 2 * fig.min_border
        fig.width = max(int(round(w * cell)), min_size) + border
        fig.height = max(int(round(h * cell)), min_size) + border + (TITLE_PX if fig.title.text else 0)


class ImagePlot:
    """A 2-D array shown as pixels with a fixed colormap (``GREY`` by default).

    ``low``/``high`` fix the colour range (None: the data's range each update).

    Shape:
        - update(array): ``(H, W)``, row 0 at the top
    """

    def __init__(self, shape=(28, 28), palette=GREY, low=0.0, high=1.0, size=220, title=""):
        h, w = shape
        self.source = ColumnDataSource(dict(image=[np.zeros(shape, np.float32)]))
        self.figure = figure(width=size, height=int(size * h / w) + (30 if title else 0), title=title,
                             x_range=Range1d(0, w), y_range=Range1d(h, 0), tools="", min_border=4)
        style_figure(self.figure, axes=False)
        self.mapper = LinearColorMapper(palette=palette, low=low, high=high)
        self._fixed = (low, high)
        # Row 0 sits at y = 0 ("bottom_left" in data space); the flipped y range shows it on top.
        self.figure.image(image="image", x=0, y=0, dw=w, dh=h, source=self.source,
                          color_mapper=self.mapper, origin="bottom_left", anchor="bottom_left")

    def update(self, array):
        array = np.asarray(array, dtype=np.float32)
        if self._fixed[0] is None or self._fixed[1] is None:
            self.mapper.update(low=float(array.min()), high=float(array.max()) or 1.0)
        self.source.data = dict(image=[array])

    def set_title(self, text):
        self.figure.title.text = text


class MapPlot:
    """A 2-D map (a feature map, a gradient, a mask) as coloured cells, row 0 on top.

    Colours follow :func:`app.core.theme.map_colours`: the orange-white-purple ``SIGNED``
    palette with white at zero whenever the map has negative values (or ``signed=True``:
    gradients, differences), else viridis from 0. ``palette`` fixes the colours instead,
    over 0..1 unless ``update`` gets a range (a 0/1 mask). ``mark(cells)`` puts dots on
    cells, ``outline(...)`` frames a block of cells, ``on_click(cb)`` calls ``cb(row, col)``
    when a cell is clicked.

    What differs between the labs: ``colorbar`` (beside the map), ``grid`` (lines between
    the cells of a small map), ``frame`` (an outline colour), ``tools`` and ``min_border``
    (as in Bokeh's ``figure``). The figure is ``size`` pixels wide (plus the colour bar), with
    room for a title; ``update(..., cell=px)`` resizes it to ``px`` screen pixels per cell.

    Shape:
        - update(values): ``(H, W)``, row 0 at the top
    """

    def __init__(self, size=260, title="", signed=None, palette=None, colorbar=True, grid=False, frame=None,
                 tools="tap", min_border=4):
        self.size, self.signed, self.palette = size, signed, palette
        self.figure = figure(width=size + (COLORBAR_PX if colorbar else 0), height=size + TITLE_PX + 2 * min_border,
                             title=title, tools=tools, min_border=min_border,
                             x_range=Range1d(0, 1), y_range=Range1d(1, 0))
        style_figure(self.figure, "15px", axes=False)
        self.figure.outline_line_color = frame
        self.mapper = LinearColorMapper(palette=palette or (SIGNED if signed else ACTIVATION), low=0, high=1)
        self.source = ColumnDataSource(dict(image=[np.zeros((1, 1))], dw=[1], dh=[1]))
        self.marks = ColumnDataSource(dict(x=[], y=[], size=[]))
        self.cell = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))
        f = self.figure
        # Row 0 of the array at y = 0 ("bottom_left" in data space); the flipped y range shows it on top.
        f.renderers.append(glyph_renderer(self.source, Image(image="image", x=0, y=0, dw="dw", dh="dh",
                                                             color_mapper=self.mapper, origin="bottom_left")))
        self.grid = None
        if grid:
            self.grid = ColumnDataSource(grid_lines(0, 0))
            f.renderers.append(glyph_renderer(self.grid, Segment(x0="x0", y0="y0", x1="x1", y1="y1",
                                                                 line_color="#7B8794", line_alpha=0.35, line_width=1)))
        f.renderers.extend([
            glyph_renderer(self.marks, Circle(x="x", y="y", radius="size", radius_units="screen",
                                              fill_color=HIGHLIGHT, line_color="#000000", line_width=1.5)),
            glyph_renderer(self.cell, Rect(x="x", y="y", width="w", height="h", fill_alpha=0,
                                           line_color=HIGHLIGHT, line_width=4)),
            glyph_renderer(self.cell, Rect(x="x", y="y", width="w", height="h", fill_alpha=0,
                                           line_color="#000000", line_width=1)),
        ])
        self.colorbar = None
        if colorbar:
            self.colorbar = ColorBar(color_mapper=self.mapper, width=14, major_label_text_font_size="13px",
                                     padding=4, margin=6, label_standoff=4)
            f.add_layout(self.colorbar, "right")
        self.shape = (1, 1)
        self._click = []
        f.on_event(Tap, self._tapped)

    def update(self, values, low=None, high=None, cell=None):
        """Show ``values``; ``low``/``high``: a range shared with other maps (made symmetric if signed);
        ``cell``: screen pixels per value (the figure is resized to fit)."""
        values = np.asarray(values, dtype=np.float64)
        h, w = self.shape = values.shape
        if self.palette is not None:
            palette = self.palette
            low, high = (0.0, 1.0) if low is None or high is None else (low, high)
        else:
            given = [v for v in (low, high) if v is not None]
            signed = self.signed if self.signed is not None else bool(min([float(values.min()), *given]) < 0)
            palette, auto_low, auto_high = map_colours(values, signed)
            if low is None or high is None:
                low, high = auto_low, auto_high
            elif signed:                              # a shared range, made symmetric: white stays 0
                low, high = symmetric_range([low, high])
        set_colors(self.mapper, palette, low, high)
        fit_cells(self.figure, h, w, cell)
        if cell is not None and self.colorbar is not None:
            self.figure.width += COLORBAR_PX
        self.source.data = dict(image=[values], dw=[w], dh=[h])
        if self.grid is not None:
            self.grid.data = grid_lines(h, w)

    def mark(self, cells):
        """Put a dot on each ``(row, col)`` in ``cells``."""
        cells = list(cells)
        size = max(3.0, min(8.0, 0.22 * self.size / max(self.shape)))
        self.marks.data = dict(x=[c + 0.5 for _, c in cells], y=[r + 0.5 for r, _ in cells], size=[size] * len(cells))

    def outline(self, top=None, left=None, height=1, width=1):
        """Outline the cells ``top .. top+height-1`` x ``left .. left+width-1`` (None: nothing)."""
        if top is None:
            self.cell.data = dict(x=[], y=[], w=[], h=[])
        else:
            self.cell.data = dict(x=[left + width / 2], y=[top + height / 2], w=[width], h=[height])

    def on_click(self, callback):
        self._click.append(callback)

    def _tapped(self, event):
        if event.x is None or event.y is None:
            return
        i, j = int(np.floor(event.y)), int(np.floor(event.x))
        if 0 <= i < self.shape[0] and 0 <= j < self.shape[1]:
            for callback in self._click:
                callback(i, j)

    def set_title(self, text):
        self.figure.title.text = text


class ProbabilityBars(LegendLabels):
    """Ten bars, one per digit, with the most likely one highlighted and labelled in %.

    Shape:
        - update(probs): ``(10,)`` summing to 1, or None for "no prediction"
    """

    def __init__(self, width=420, height=260):
        self.source = ColumnDataSource(self._columns(None))
        self.figure = figure(x_range=FactorRange(*DIGITS), y_range=Range1d(0, 1.12),
                             width=width, height=height, tools="", min_border_left=50)
        style_figure(self.figure)
        self.figure.vbar(x="digit", top="prob", width=0.8, color="color", line_color=None, source=self.source)
        self.figure.add_layout(LabelSet(x="digit", y="prob", text="text", source=self.source,
                                        text_align="center", y_offset=4, text_font_size="13px",
                                        text_color=TEXT))
        self.figure.xgrid.visible = False
        self.figure.yaxis.ticker = [0, 0.25, 0.5, 0.75, 1]
        self.figure.yaxis.major_label_overrides = {0: "0", 0.25: "25%", 0.5: "50%", 0.75: "75%", 1: "100%"}
        self.figure.xaxis.major_label_text_font_size = "18px"
        self.figure.xaxis.major_label_text_font_style = "bold"

    @staticmethod
    def _columns(probs):
        if probs is None:
            probs = np.zeros(10)
            top = -1
        else:
            probs = np.asarray(probs, dtype=np.float64).reshape(10)
            top = int(np.argmax(probs))
        return dict(digit=list(DIGITS), prob=probs.tolist(),
                    color=[HIGHLIGHT if d == top else MUTED for d in range(10)],
                    text=[f"{p:.0%}" if (p >= 0.01 and top >= 0) else "" for p in probs])

    def update(self, probs):
        self.source.data = self._columns(probs)


def set_colors(mapper, palette, low, high):
    """Point a colour mapper at ``palette`` over ``[low, high]``.

    The palette is only sent when it changed: Bokeh validates a 256-colour list string by
    string, which cost ~5 ms per plot on every redraw (measured in bench/app_latency.py).
    """
    if list(mapper.palette) != list(palette):
        mapper.palette = palette
    mapper.update(low=float(low), high=float(high))

"""Plots of the "Inside the network" view, all updated in place.

:class:`TileMosaic` draws many small heatmaps (the channels of a feature
map, the kernels of a convolution) in one Bokeh figure: tile ``k`` sits in
column ``k % ncols`` and row ``k // ncols``, each tile one data unit wide,
so a click at ``(x, y)`` names a tile and a cell without any pixel
arithmetic. Overlays (the chosen tile, the chosen unit, a receptive-field
box on every tile, an effective-receptive-field heatmap) are separate glyphs
whose sources are replaced on each change; the figure is never re-created.

:class:`VectorCells` does the same for a vector of units (a ``Linear``
layer's outputs): one coloured cell per unit.
"""
import math

import numpy as np
from bokeh import events
from bokeh.models import ColumnDataSource, LinearColorMapper, Range1d
from bokeh.palettes import Oranges256
from bokeh.plotting import figure

from app.core.theme import ACTIVATION, HIGHLIGHT, TEXT, map_colours
from app.widgets.photo_input import rgba
from app.widgets.plots import set_colors, style_figure

__all__ = ["TileMosaic", "VectorCells", "colour_range", "mosaic_columns", "ERF_PALETTE"]

GAP = 0.12            # space between tiles, in tile widths
UNIT = "#D55E00"      # the chosen unit (Okabe-Ito vermillion)
REGION = HIGHLIGHT    # receptive-field boxes (Okabe-Ito orange)
TILE = "#0072B2"      # the chosen tile's outline
ERF_PALETTE = list(reversed(Oranges256))[40:]   # light -> dark orange; below `low` is transparent


def colour_range(values):
    """``(palette, low, high)``: :func:`app.core.theme.map_colours` (viridis from 0 for non-negative
    values, the signed orange-white-purple map with zero in the middle when some are negative)."""
    return map_colours(values)


def mosaic_columns(n):
    """How many tiles per row for ``n`` channels (taller than wide stays readable in a strip)."""
    if n <= 4:
        return 1 if n <= 3 else 2
    if n <= 12:
        return 2
    if n <= 24:
        return 3
    return 4


def _style(fig):
    """The app's look (:func:`app.widgets.plots.style_figure`), with titles in normal weight above the tiles."""
    style_figure(fig, "15px", axes=False)
    fig.title.text_font_style = "normal"


def _quads(boxes):
    """``[(left, top, right, bottom)]`` -> quad columns."""
    boxes = list(boxes)
    return dict(left=[b[0] for b in boxes], top=[b[1] for b in boxes],
                right=[b[2] for b in boxes], bottom=[b[3] for b in boxes])


class TileMosaic:
    """``n`` heatmaps of ``(h, w)`` cells in a grid of ``ncols`` columns, with click selection.

    Args:
        n, tile_shape: number of tiles and ``(h, w)`` of each.
        ncols: tiles per row.
        tile_px: screen size of one tile.
        title: shown above the tiles.
        overlay: add a heatmap layer for :meth:`show_overlay`.

    Shape:
        - update(tiles): ``(n, h, w)``
    """

    def __init__(self, n, tile_shape, ncols, tile_px, title="", min_border=2, overlay=False):
        self.n, (self.h, self.w), self.ncols = n, tile_shape, ncols
        self.nrows = math.ceil(n / ncols)
        width = self.ncols + GAP * (self.ncols - 1)
        height = self.nrows + GAP * (self.nrows - 1)
        title_px = 26 if title else 0
        self.figure = figure(width=int(round(width * tile_px)) + 2 * min_border,
                             height=int(round(height * tile_px)) + 2 * min_border + title_px,
                             x_range=Range1d(0, width), y_range=Range1d(height, 0), tools="",
                             min_border=min_border, title=title)
        _style(self.figure)
        origins = [self.origin(k) for k in range(n)]
        self.mapper = LinearColorMapper(palette=ACTIVATION, low=0, high=1, nan_color="rgba(0,0,0,0)")
        self.source = ColumnDataSource(dict(image=[np.zeros(tile_shape, np.float32)] * n,
                                            x=[o[0] for o in origins], y=[o[1] for o in origins]))
        # Row 0 of each array at its tile's smallest y ("bottom_left" in data space), which the
        # flipped y range shows on top, where the boxes and clicks (cell_box, locate) put it.
        self.figure.image(image="image", x="x", y="y", dw=1, dh=1, source=self.source,
                          color_mapper=self.mapper, origin="bottom_left", anchor="bottom_left")
        self.erf_source = None
        self.picture_source = None
        if overlay:      # an optional colour picture over tile 0 (a photo model's input)
            self.picture_source = ColumnDataSource(dict(image=[], x=[], y=[]))
            self.figure.image_rgba(image="image", x="x", y="y", dw=1, dh=1, source=self.picture_source,
                                   origin="bottom_left", anchor="bottom_left")
        if overlay:      # an optional heatmap over the tiles (the effective receptive field)
            self.erf_mapper = LinearColorMapper(palette=ERF_PALETTE, low=0.04, high=1.0,
                                                low_color="rgba(0,0,0,0)", nan_color="rgba(0,0,0,0)")
            self.erf_source = ColumnDataSource(dict(image=[], x=[], y=[]))
            self.figure.image(image="image", x="x", y="y", dw=1, dh=1, source=self.erf_source,
                              color_mapper=self.erf_mapper, origin="bottom_left", anchor="bottom_left",
                              global_alpha=0.6)
        # Every box (receptive field, chosen tile, chosen unit) is one row of one quad glyph.
        self._marks = {"region": [], "tile": [], "unit": []}
        self.marks = ColumnDataSource(self._mark_columns())
        self.figure.quad(source=self.marks, fill_color=REGION, fill_alpha="alpha", line_color="colour",
                         line_width="width")

    _MARK_STYLE = {"region": (REGION, 2.5, 0.12), "tile": (TILE, 3.0, 0.0), "unit": (UNIT, 3.0, 0.0)}

    def _mark_columns(self):
        columns = dict(left=[], top=[], right=[], bottom=[], colour=[], width=[], alpha=[])
        for kind, boxes in self._marks.items():
            colour, width, alpha = self._MARK_STYLE[kind]
            for box in boxes:
                for key, value in zip(("left", "top", "right", "bottom"), box):
                    columns[key].append(value)
                columns["colour"].append(colour)
                columns["width"].append(width)
                columns["alpha"].append(alpha)
        return columns

    def _mark(self, kind, boxes):
        boxes = list(boxes)
        if boxes != self._marks[kind]:
            self._marks[kind] = boxes
            self.marks.data = self._mark_columns()

    # -- geometry -----------------------------------------------------------
    def origin(self, k):
        """Top-left corner of tile ``k`` in data units."""
        return (k % self.ncols) * (1 + GAP), (k // self.ncols) * (1 + GAP)

    def cell_box(self, k, top, left, bottom, right):
        """``(left, top, right, bottom)`` in data units of cells ``[top:bottom, left:right]`` of tile ``k``."""
        x0, y0 = self.origin(k)
        return x0 + left / self.w, y0 + top / self.h, x0 + right / self.w, y0 + bottom / self.h

    def locate(self, x, y):
        """``(tile, i, j)`` under data point ``(x, y)``, or None in a gap or outside."""
        col, fx = divmod(x, 1 + GAP)
        row, fy = divmod(y, 1 + GAP)
        k = int(row) * self.ncols + int(col)
        if not (0 <= col < self.ncols and 0 <= row < self.nrows and k < self.n and fx < 1 and fy < 1):
            return None
        return k, min(int(fy * self.h), self.h - 1), min(int(fx * self.w), self.w - 1)

    # -- data -----------------------------------------------------------------
    def update(self, tiles, value_range=None):
        """Show ``tiles`` ``(n, h, w)``; colours from ``value_range`` ``(palette, low, high)`` or the data."""
        tiles = np.asarray(tiles, dtype=np.float32)
        palette, low, high = value_range or colour_range(tiles)
        set_colors(self.mapper, palette, low, high)
        self.source.data = dict(self.source.data, image=[tiles[k] for k in range(self.n)])

    def show_tiles(self, ks):
        """Outline tiles ``ks`` (e.g. the chosen channel)."""
        self._mark("tile", (self.cell_box(k, 0, 0, self.h, self.w) for k in ks))

    def show_unit(self, k=None, i=0, j=0):
        """Mark cell ``(i, j)`` of tile ``k``; ``k=None`` clears the mark."""
        self._mark("unit", [] if k is None else [self.cell_box(k, i, j, i + 1, j + 1)])

    def show_region(self, box=None, ks=None):
        """Draw ``box = (top, left, bottom, right)`` (cells) on tiles ``ks`` (all by default)."""
        ks = range(self.n) if ks is None else ks
        self._mark("region", [] if box is None else [self.cell_box(k, *box) for k in ks])

    def show_overlay(self, heat=None, k=0):
        """Overlay ``heat`` ``(h, w)`` in 0..1 (transparent below 0.04) on tile ``k``; None hides it.

        Only for a mosaic made with ``overlay=True``.
        """
        if heat is None:
            self.erf_source.data = dict(image=[], x=[], y=[])
            return
        x0, y0 = self.origin(k)
        self.erf_source.data = dict(image=[np.asarray(heat, np.float32)], x=[x0], y=[y0])

    def show_picture(self, image=None, k=0):
        """Show a colour picture ``(h, w, 3)`` uint8 on tile ``k`` (over its heatmap); None hides it.

        Only for a mosaic made with ``overlay=True``.
        """
        if image is None:
            self.picture_source.data = dict(image=[], x=[], y=[])
            return
        x0, y0 = self.origin(k)
        self.picture_source.data = dict(image=[rgba(image)], x=[x0], y=[y0])

    def on_click(self, callback):
        """``callback(tile, i, j)`` when a cell is clicked or tapped."""
        def handle(event):
            hit = self.locate(event.x, event.y)
            if hit is not None:
                callback(*hit)
        self.figure.on_event(events.Tap, handle)


class VectorCells:
    """The ``n`` units of a vector as coloured cells in ``ncols`` columns, with click selection.

    Shape:
        - update(values): ``(n,)``
    """

    def __init__(self, n, cell_px=14, ncols=None, labels=None, title="", min_border=2):
        self.n = n
        self.ncols = ncols or (1 if n <= 16 else max(4, math.ceil(math.sqrt(n / 2))))
        self.nrows = math.ceil(n / self.ncols)
        label_w = 1.6 if labels else 0
        width, height = self.ncols + label_w, self.nrows
        title_px = 26 if title else 0
        self.figure = figure(width=int(width * cell_px) + 2 * min_border,
                             height=int(height * cell_px) + 2 * min_border + title_px,
                             x_range=Range1d(-label_w, self.ncols), y_range=Range1d(height, 0),
                             tools="", min_border=min_border, title=title)
        _style(self.figure)
        k = np.arange(n)
        left, top = (k % self.ncols).astype(float), (k // self.ncols).astype(float)
        self.mapper = LinearColorMapper(palette=ACTIVATION, low=0, high=1)
        self.source = ColumnDataSource(dict(left=left + 0.06, right=left + 0.94, top=top + 0.06,
                                            bottom=top + 0.94, value=np.zeros(n)))
        self.figure.quad(source=self.source, line_color=None,
                         fill_color={"field": "value", "transform": self.mapper})
        if labels:
            self.figure.text(x=[-0.2] * n, y=list(top + 0.5), text=list(labels), text_align="right",
                             text_baseline="middle", text_font_size=f"{max(11, int(cell_px * 0.6))}px",
                             text_color=TEXT)
        self.unit_source = ColumnDataSource(_quads([]))
        self.figure.quad(source=self.unit_source, fill_alpha=0, line_color=UNIT, line_width=3)

    def update(self, values, value_range=None):
        values = np.asarray(values, dtype=np.float64).reshape(self.n)
        palette, low, high = value_range or colour_range(values)
        set_colors(self.mapper, palette, low, high)
        self.source.data = dict(self.source.data, value=values)

    def show_unit(self, k=None):
        if k is None:
            self.unit_source.data = _quads([])
            return
        left, top = k % self.ncols, k // self.ncols
        self.unit_source.data = _quads([(left, top, left + 1, top + 1)])

    def locate(self, x, y):
        if x < 0 or y < 0:
            return None
        k = int(y) * self.ncols + int(x)
        return k if int(x) < self.ncols and k < self.n else None

    def on_click(self, callback):
        """``callback(unit)`` when a cell is clicked."""
        def handle(event):
            hit = self.locate(event.x, event.y)
            if hit is not None:
                callback(hit)
        self.figure.on_event(events.Tap, handle)


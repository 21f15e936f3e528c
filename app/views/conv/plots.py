"""Bokeh plots of the convolution lab, updated in place through their ``ColumnDataSource``.

* :class:`PaddedInputPlot` - the input as the engine padded it (grey or RGB),
  the padding hatched, the original image framed, and the current window's
  taps outlined (with dilation the taps have gaps between them).
* :class:`MapPlot` - a 2-D map (the output, or one channel's partial result)
  with a fixed colormap range, the current cell outlined, a colour bar, and
  a click handler that reports the clicked ``(row, col)``.

Pixel ``(r, c)`` covers ``x`` in ``[c, c+1]`` and ``y`` in ``[r, r+1]``; the y
axis is flipped so row 0 is on top, as in an image.
"""
import numpy as np
from bokeh.events import Tap
from bokeh.models import ColorBar, ColumnDataSource, LinearColorMapper, Range1d
from bokeh.plotting import figure

from app.core.theme import ACTIVATION, HIGHLIGHT, SIGNED, TEXT, symmetric_range
from app.widgets.plots import set_colors

__all__ = ["PaddedInputPlot", "MapPlot", "to_rgba", "grid_lines"]

PAD_COLOUR = "#56B4E9"     # Okabe-Ito sky blue: the padding hatch
FRAME_COLOUR = "#009E73"   # Okabe-Ito bluish green: the original image's border


def to_rgba(image):
    """``(C, H, W)`` floats in 0..1 (C = 1 grey or 3 RGB) -> ``(H, W)`` uint32 RGBA for Bokeh.

    Shape:
        - image: ``(1, H, W)`` or ``(3, H, W)``; Output: ``(H, W)`` uint32
    """
    x = np.clip(np.asarray(image, dtype=np.float64), 0.0, 1.0)
    rgb = np.repeat(x, 3, axis=0) if x.shape[0] == 1 else x[:3]              # (C, H, W) -> (3, H, W)
    bytes_ = np.empty(x.shape[1:] + (4,), dtype=np.uint8)                     # (H, W, 4)
    bytes_[..., :3] = np.rint(rgb.transpose(1, 2, 0) * 255)                  # (3, H, W) -> (H, W, 3)
    bytes_[..., 3] = 255
    return bytes_.view(np.uint32)[..., 0]                                    # (H, W, 4) -> (H, W)


def grid_lines(h, w, max_cells=24):
    """Segments between pixels (none when the map is larger than ``max_cells``)."""
    if max(h, w) > max_cells:
        return dict(x0=[], y0=[], x1=[], y1=[])
    xs, ys = list(range(1, w)), list(range(1, h))
    return dict(x0=xs + [0] * len(ys), y0=[0] * len(xs) + ys, x1=xs + [w] * len(ys), y1=[h] * len(xs) + ys)


def _figure(size, title):
    fig = figure(width=size, height=size, x_range=Range1d(0, 1), y_range=Range1d(1, 0), tools="",
                 min_border=2, title=title, toolbar_location=None)
    fig.toolbar.active_drag = None
    fig.axis.visible = False
    fig.grid.visible = False
    fig.outline_line_color = "#9AA5B1"
    fig.background_fill_color = "#ffffff"
    fig.title.text_font_size = "15px"
    fig.title.text_color = TEXT
    fig.title.text_font_style = "bold"
    return fig


def _resize(fig, h, w, cell, min_size):
    fig.x_range.update(start=0, end=w)
    fig.y_range.update(start=h, end=0)
    extra = 30 if fig.title.text else 4
    fig.width = max(int(round(w * cell)), min_size) + 4
    fig.height = max(int(round(h * cell)), min_size) + extra


class PaddedInputPlot:
    """The padded input with the padding hatched and the current window's taps outlined.

    Shape:
        - update(padded, padding, ...): ``padded`` ``(C, Hp, Wp)`` in 0..1,
          ``padding`` ``(top, bottom, left, right)``
    """

    def __init__(self, size=360, title=""):
        self.size = size
        self.figure = _figure(size, title)
        self.image = ColumnDataSource(dict(image=[np.zeros((1, 1), np.uint32)], dw=[1], dh=[1]))
        self.pads = ColumnDataSource(dict(left=[], right=[], top=[], bottom=[]))
        self.frame = ColumnDataSource(dict(left=[0], right=[1], top=[0], bottom=[1]))
        self.grid = ColumnDataSource(grid_lines(0, 0))
        self.span = ColumnDataSource(dict(left=[], right=[], top=[], bottom=[]))
        self.taps = ColumnDataSource(dict(x=[], y=[]))
        f = self.figure
        f.image_rgba(image="image", x=0, y=0, dw="dw", dh="dh", source=self.image)
        f.quad(left="left", right="right", top="top", bottom="bottom", source=self.pads, fill_alpha=0,
               line_alpha=0, hatch_pattern="/", hatch_color=PAD_COLOUR, hatch_alpha=0.85, hatch_scale=9,
               hatch_weight=1.5)
        f.segment(x0="x0", y0="y0", x1="x1", y1="y1", source=self.grid, line_color="#7B8794",
                  line_alpha=0.45, line_width=1)
        f.quad(left="left", right="right", top="top", bottom="bottom", source=self.frame, fill_alpha=0,
               line_color=FRAME_COLOUR, line_width=3, line_dash="dashed")
        f.quad(left="left", right="right", top="top", bottom="bottom", source=self.span, fill_alpha=0,
               line_color=HIGHLIGHT, line_width=1.5, line_dash="dotted")
        f.rect(x="x", y="y", width=1, height=1, source=self.taps, fill_color=HIGHLIGHT, fill_alpha=0.3,
               line_color=HIGHLIGHT, line_width=3)

    def update(self, padded, padding, cell):
        """Show a new padded image; ``cell`` is the size of one pixel on screen."""
        c, hp, wp = padded.shape
        top, bottom, left, right = padding
        h, w = hp - top - bottom, wp - left - right
        _resize(self.figure, hp, wp, cell, 60)
        # image_rgba draws row 0 at y=0, which the flipped y range puts on top.
        self.image.data = dict(image=[to_rgba(padded)], dw=[wp], dh=[hp])
        strips = [(0, wp, 0, top), (0, wp, hp - bottom, hp), (0, left, top, hp - bottom),
                  (wp - right, wp, top, hp - bottom)]
        strips = [s for s in strips if s[1] > s[0] and s[3] > s[2]]
        self.pads.data = dict(left=[s[0] for s in strips], right=[s[1] for s in strips],
                              top=[s[2] for s in strips], bottom=[s[3] for s in strips])
        self.frame.data = dict(left=[left], right=[left + w], top=[top], bottom=[top + h])
        self.grid.data = grid_lines(hp, wp)

    def show_window(self, rows, cols):
        """Outline the taps at padded ``rows`` x ``cols`` (and their span when dilated)."""
        r, c = np.meshgrid(np.asarray(rows), np.asarray(cols), indexing="ij")
        self.taps.data = dict(x=(c.ravel() + 0.5).tolist(), y=(r.ravel() + 0.5).tolist())
        dilated = len(rows) > 1 and rows[1] - rows[0] > 1
        self.span.data = (dict(left=[cols[0]], right=[cols[-1] + 1], top=[rows[0]], bottom=[rows[-1] + 1])
                          if dilated else dict(left=[], right=[], top=[], bottom=[]))

    def set_title(self, text):
        self.figure.title.text = text


class MapPlot:
    """A map with a colormap, the current cell outlined and an optional colour bar.

    ``signed=True`` uses the diverging ``SIGNED`` palette (white at zero),
    else ``ACTIVATION`` (viridis). ``on_click(callback)`` calls ``callback(row, col)``.

    Shape:
        - update(values, low, high): ``values`` ``(H, W)``
    """

    def __init__(self, size=360, title="", colorbar=True):
        self.size = size
        self.figure = _figure(size, title)
        self.mapper = LinearColorMapper(palette=SIGNED, low=-1, high=1)
        self.source = ColumnDataSource(dict(image=[np.zeros((1, 1))], dw=[1], dh=[1]))
        self.grid = ColumnDataSource(grid_lines(0, 0))
        self.cell = ColumnDataSource(dict(x=[], y=[]))
        self.shape = (1, 1)
        f = self.figure
        f.image(image="image", x=0, y=0, dw="dw", dh="dh", source=self.source, color_mapper=self.mapper)
        f.segment(x0="x0", y0="y0", x1="x1", y1="y1", source=self.grid, line_color="#7B8794",
                  line_alpha=0.35, line_width=1)
        f.rect(x="x", y="y", width=1, height=1, source=self.cell, fill_alpha=0, line_color=HIGHLIGHT,
               line_width=4)
        f.rect(x="x", y="y", width=1, height=1, source=self.cell, fill_alpha=0, line_color="#000000",
               line_width=1)
        self.colorbar = None
        if colorbar:
            self.colorbar = ColorBar(color_mapper=self.mapper, width=14, major_label_text_font_size="13px",
                                     padding=4, margin=6, label_standoff=4)
            f.add_layout(self.colorbar, "right")
        self._click = []
        f.on_event(Tap, self._tapped)

    def update(self, values, cell, signed, low=None, high=None):
        """Show ``values`` with ``cell`` screen pixels per value; range symmetric if ``signed``."""
        values = np.asarray(values, dtype=np.float64)
        h, w = values.shape
        self.shape = (h, w)
        _resize(self.figure, h, w, cell, 40)
        if self.colorbar is not None:
            self.figure.width += 70
        if low is None or high is None:
            low, high = (symmetric_range(values) if signed
                         else (min(0.0, float(values.min())), max(float(values.max()), 1e-12)))
        set_colors(self.mapper, SIGNED if signed else ACTIVATION, low, high)
        self.source.data = dict(image=[values], dw=[w], dh=[h])
        self.grid.data = grid_lines(h, w)

    def show_cell(self, i, j):
        """Outline the cell at row ``i``, column ``j``."""
        self.cell.data = dict(x=[j + 0.5], y=[i + 0.5])

    def on_click(self, callback):
        self._click.append(callback)

    def _tapped(self, event):
        i, j = int(np.floor(event.y)), int(np.floor(event.x))
        if 0 <= i < self.shape[0] and 0 <= j < self.shape[1]:
            for callback in self._click:
                callback(i, j)

    def set_title(self, text):
        self.figure.title.text = text

"""Bokeh plots of the convolution lab, updated in place through their ``ColumnDataSource``.

* :class:`PaddedInputPlot` - the input as the engine padded it (grey or RGB),
  the padding hatched, the original image framed, and the current window's
  taps outlined (with dilation the taps have gaps between them).

The output map (and each channel's partial result) is :class:`app.widgets.plots.MapPlot`
with :data:`MAP_OPTIONS`: lines between the cells and a grey frame, as around the input.

Pixel ``(r, c)`` covers ``x`` in ``[c, c+1]`` and ``y`` in ``[r, r+1]``; the y
axis is flipped so row 0 is on top, as in an image.
"""
import numpy as np
from bokeh.models import ColumnDataSource, Range1d
from bokeh.plotting import figure

from app.core.theme import HIGHLIGHT
from app.widgets.plots import fit_cells, grid_lines, style_figure

__all__ = ["PaddedInputPlot", "MAP_OPTIONS", "to_rgba", "grid_lines"]

PAD_COLOUR = "#56B4E9"     # Okabe-Ito sky blue: the padding hatch
FRAME_COLOUR = "#009E73"   # Okabe-Ito bluish green: the original image's border
EDGE = "#9AA5B1"           # the plots' outline
MAP_OPTIONS = dict(grid=True, frame=EDGE, tools="", min_border=2)   # the output maps' look, beside the input


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


class PaddedInputPlot:
    """The padded input with the padding hatched and the current window's taps outlined.

    Shape:
        - update(padded, padding, ...): ``padded`` ``(C, Hp, Wp)`` in 0..1,
          ``padding`` ``(top, bottom, left, right)``
    """

    def __init__(self, size=360, title=""):
        self.size = size
        self.figure = figure(width=size, height=size, x_range=Range1d(0, 1), y_range=Range1d(1, 0), tools="",
                             min_border=2, title=title)
        style_figure(self.figure, "15px", axes=False)
        self.figure.outline_line_color = EDGE
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
        fit_cells(self.figure, hp, wp, cell, min_size=60)
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

"""One figure with every layer's gradient maps, input first (updated in place).

Each layer's mosaic (see :func:`app.views.gradients.compute.mosaic`) is
divided by its own largest ``|g|`` so that every panel uses the whole
blue-orange ``SIGNED`` range (white at zero); the scales differ by orders of
magnitude between layers, so the lab lists them in a table beside the plot.
Panels sit in a grid of square boxes, ``per_row`` to a row, each labelled.
"""
import numpy as np
from bokeh.models import ColumnDataSource, Image, LabelSet, LinearColorMapper, Range1d
from bokeh.plotting import figure

from app.core.theme import SIGNED
from app.widgets.plots import glyph_renderer, style_figure

__all__ = ["GradientGrid"]

BOX = 1.0        # side of a panel's box in data units
GAP = 0.18       # space between boxes (and for the labels above them)


class GradientGrid:
    """Signed heatmaps of several layers in one Bokeh figure.

    ``update([(label, image), ...])`` replaces every panel; each image is
    ``(H, W)`` with NaN for the gaps (shown light grey).
    """

    def __init__(self, per_row=7, box_pixels=150):
        self.per_row, self.box_pixels = per_row, box_pixels
        self.mapper = LinearColorMapper(palette=SIGNED, low=-1, high=1, nan_color="#E4E7EB")
        self.source = ColumnDataSource(dict(image=[], x=[], y=[], dw=[], dh=[]))
        self.labels = ColumnDataSource(dict(x=[], y=[], text=[]))
        self.figure = figure(width=per_row * box_pixels, height=box_pixels, tools="", min_border=2,
                             x_range=Range1d(0, 1), y_range=Range1d(0, 1))
        style_figure(self.figure, "14px", axes=False)
        self.figure.renderers.append(glyph_renderer(self.source, Image(
            image="image", x="x", y="y", dw="dw", dh="dh", color_mapper=self.mapper, origin="top_left")))
        self.figure.add_layout(LabelSet(x="x", y="y", text="text", source=self.labels, text_font_size="13px",
                                        text_align="center", text_baseline="bottom", text_color="#1F2933"))

    def update(self, panels):
        """``panels``: ``[(label, image)]`` in order; each image is scaled to its own ``max |value|``."""
        panels = list(panels)
        rows = max(1, -(-len(panels) // self.per_row))
        cell = BOX + GAP
        data = dict(image=[], x=[], y=[], dw=[], dh=[])
        labels = dict(x=[], y=[], text=[])
        for k, (label, image) in enumerate(panels):
            image = np.asarray(image, dtype=np.float64)
            m = np.nanmax(np.abs(image)) if np.isfinite(image).any() else 0.0
            scaled = image / m if m > 0 else image
            h, w = image.shape
            scale = BOX / max(h, w)                      # fit the box, keep the aspect ratio
            r, c = divmod(k, self.per_row)
            left = c * cell + (BOX - w * scale) / 2
            bottom = (rows - 1 - r) * cell + (BOX - h * scale) / 2
            data["image"].append(scaled)
            data["x"].append(left)
            data["y"].append(bottom)
            data["dw"].append(w * scale)
            data["dh"].append(h * scale)
            labels["x"].append(c * cell + BOX / 2)
            labels["y"].append((rows - 1 - r) * cell + BOX + 0.01)
            labels["text"].append(label)
        self.figure.x_range.update(start=-GAP / 2, end=self.per_row * cell - GAP / 2)
        self.figure.y_range.update(start=-GAP / 2, end=rows * cell)
        self.figure.height = int(rows * self.box_pixels * cell / cell) + 20
        self.source.data = data
        self.labels.data = labels

"""Bokeh plots that are updated in place: change the data, not the figure.

Each plot owns one ``ColumnDataSource``; ``update(...)`` replaces the
source's columns, so the browser redraws without re-creating the figure.
"""
import numpy as np
from bokeh.models import ColumnDataSource, FactorRange, LabelSet, LinearColorMapper, Range1d
from bokeh.plotting import figure

from app.core.theme import GREY, HIGHLIGHT, MUTED, TEXT

__all__ = ["ImagePlot", "ProbabilityBars", "LegendLabels"]

DIGITS = [str(d) for d in range(10)]


def _style(fig, font="14px"):
    fig.toolbar_location = None
    fig.toolbar.active_drag = None
    fig.background_fill_color = "#ffffff"
    fig.border_fill_color = "#ffffff"
    fig.outline_line_color = None
    fig.title.text_font_size = font
    fig.title.text_color = TEXT
    for axis in fig.axis:
        axis.major_label_text_font_size = font
        axis.axis_label_text_font_size = font
        axis.axis_label_text_font_style = "normal"


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
        _style(self.figure)
        self.figure.axis.visible = False
        self.figure.grid.visible = False
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


class ProbabilityBars:
    """Ten bars, one per digit, with the most likely one highlighted and labelled in %.

    Shape:
        - update(probs): ``(10,)`` summing to 1, or None for "no prediction"
    """

    def __init__(self, width=420, height=260):
        self.source = ColumnDataSource(self._columns(None))
        self.figure = figure(x_range=FactorRange(*DIGITS), y_range=Range1d(0, 1.12),
                             width=width, height=height, tools="", min_border_left=50)
        _style(self.figure)
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

    def set_labels(self, title, xlabel, ylabel):
        self.figure.title.text = title
        self.figure.xaxis.axis_label = xlabel
        self.figure.yaxis.axis_label = ylabel



class LegendLabels:
    """For a plot with a ``figure`` and legend ``items`` (one per series): its texts in one call."""

    def set_labels(self, title, names, xlabel, ylabel):
        self.figure.title.text = title
        for item, name in zip(self.items, names):
            item.label = dict(value=name)
        self.figure.xaxis.axis_label = xlabel
        self.figure.yaxis.axis_label = ylabel


def set_colors(mapper, palette, low, high):
    """Point a colour mapper at ``palette`` over ``[low, high]``.

    The palette is only sent when it changed: Bokeh validates a 256-colour list string by
    string, which cost ~5 ms per plot on every redraw (measured in bench/app_latency.py).
    """
    if list(mapper.palette) != list(palette):
        mapper.palette = palette
    mapper.update(low=float(low), high=float(high))

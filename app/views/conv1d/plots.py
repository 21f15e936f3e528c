"""Bokeh plots of the 1-D convolution lab, updated in place through their ``ColumnDataSource``.

All three share one time axis (the price's index), so a peak of a kernel's
output sits right under the pattern that caused it:

* :class:`SeriesPlot` — the price, its labelled pattern regions (shaded, one
  colour and legend entry per kind), the padding (hatched beyond both ends)
  and the window of the chosen output position (its taps marked).
* :class:`OutputPlot` — the convolution's output at the centre time of each
  window, the pooled output at the centre of its pooling windows, and the
  chosen output position.
* :class:`FiringPlot` — where each learned kernel fires on the series
  (channels × time, viridis).
"""
import numpy as np
from bokeh.models import (ColumnDataSource, Image, Legend, LegendItem, Line, LinearColorMapper, Quad, Range1d, Scatter,
                          Span, Step)
from bokeh.plotting import figure

from app.core.theme import ACTIVATION, HIGHLIGHT, TEXT
from app.widgets.plots import LegendLabels, glyph_renderer, style_figure

__all__ = ["SeriesPlot", "OutputPlot", "FiringPlot", "PATTERN_COLOURS"]

# Okabe-Ito: spike, step, head-and-shoulders (index 0, "none", is never drawn).
PATTERN_COLOURS = ("#FFFFFF", "#D55E00", "#009E73", "#CC79A7")
PAD_COLOUR = "#56B4E9"


class SeriesPlot(LegendLabels):
    """The price with its pattern regions, the padding and one window (see the module docstring)."""

    def __init__(self, width=1000, height=280, x_range=None):
        self.figure = figure(width=width, height=height, tools="xpan,xwheel_zoom,reset", min_border_left=56,
                             x_range=x_range or Range1d(0, 1))
        style_figure(self.figure, "15px")
        self.figure.toolbar_location = "right"
        self.price = ColumnDataSource(dict(x=[], y=[]))
        self.regions = [ColumnDataSource(dict(left=[], right=[], top=[], bottom=[])) for _ in PATTERN_COLOURS]
        self.pads = ColumnDataSource(dict(left=[], right=[], top=[], bottom=[]))
        self.window = ColumnDataSource(dict(left=[], right=[], top=[], bottom=[]))
        self.taps = ColumnDataSource(dict(x=[], y=[]))
        f = self.figure
        kinds = []
        for k, source in enumerate(self.regions[1:], 1):
            glyph = glyph_renderer(source, Quad(left="left", right="right", top="top", bottom="bottom",
                                                fill_color=PATTERN_COLOURS[k], fill_alpha=0.28, line_alpha=0))
            f.renderers.append(glyph)
            kinds.append(LegendItem(label="", renderers=[glyph]))
        f.renderers.append(glyph_renderer(self.pads, Quad(left="left", right="right", top="top", bottom="bottom",
                                                          fill_color=PAD_COLOUR, fill_alpha=0.15, hatch_pattern="/",
                                                          hatch_color=PAD_COLOUR, hatch_alpha=0.6, line_alpha=0)))
        f.renderers.append(glyph_renderer(self.window, Quad(left="left", right="right", top="top", bottom="bottom",
                                                            fill_color=HIGHLIGHT, fill_alpha=0.18,
                                                            line_color=HIGHLIGHT, line_width=2)))
        line = glyph_renderer(self.price, Line(x="x", y="y", line_color="#1F2933", line_width=2))
        f.renderers.append(line)
        f.renderers.append(glyph_renderer(self.taps, Scatter(x="x", y="y", size=8, fill_color=HIGHLIGHT,
                                                             line_color="#000000")))
        self.items = [LegendItem(label="", renderers=[line])] + kinds     # the price, then each kind of pattern
        self.legend = Legend(items=self.items, orientation="horizontal",
                             label_text_font_size="14px", location="center", spacing=12)
        f.add_layout(self.legend, "above")

    def update(self, price, events, pads=(0, 0), set_range=True):
        """Draw ``price`` ``(L,)``, the ``[(kind_index, start, stop)]`` regions and ``(before, after)`` padding.

        ``set_range=False`` leaves the (possibly shared) x range alone.
        """
        price = np.asarray(price, dtype=np.float64)
        n = len(price)
        low, high = float(price.min()), float(price.max())
        margin = 0.08 * (high - low or 1.0)
        self.bottom, self.top = low - margin, high + margin
        self.price.data = dict(x=np.arange(n, dtype=np.float64), y=price)
        for k, source in enumerate(self.regions):
            spans = [(a, b) for kind, a, b in events if kind == k]
            source.data = dict(left=[a - 0.5 for a, _ in spans], right=[b - 0.5 for _, b in spans],
                               top=[self.top] * len(spans), bottom=[self.bottom] * len(spans))
        before, after = pads
        boxes = [(-before - 0.5, -0.5)] if before else []
        boxes += [(n - 0.5, n - 0.5 + after)] if after else []
        self.pads.data = dict(left=[a for a, _ in boxes], right=[b for _, b in boxes],
                              top=[self.top] * len(boxes), bottom=[self.bottom] * len(boxes))
        if set_range:
            self.figure.x_range.update(start=-before - 1.5, end=n + after + 0.5)

    def show_window(self, taps, values):
        """Outline the window whose times are ``taps`` (padding beyond the ends allowed); mark the values read."""
        if len(taps) == 0:
            self.window.data = dict(left=[], right=[], top=[], bottom=[])
            self.taps.data = dict(x=[], y=[])
            return
        self.window.data = dict(left=[float(min(taps)) - 0.5], right=[float(max(taps)) + 0.5],
                                top=[self.top], bottom=[self.bottom])
        self.taps.data = dict(x=[float(t) for t in taps], y=[float(v) for v in values])


class OutputPlot(LegendLabels):
    """The convolution output and the pooled output on the series' time axis."""

    def __init__(self, x_range, width=1000, height=240):
        self.figure = figure(width=width, height=height, tools="", min_border_left=56, x_range=x_range)
        style_figure(self.figure, "15px")
        self.conv = ColumnDataSource(dict(x=[], y=[]))
        self.pool = ColumnDataSource(dict(x=[], y=[]))
        self.focus = ColumnDataSource(dict(x=[], y=[]))
        f = self.figure
        line = glyph_renderer(self.conv, Line(x="x", y="y", line_color="#0072B2", line_width=2.5))
        dots = glyph_renderer(self.conv, Scatter(x="x", y="y", size=4, fill_color="#0072B2", line_alpha=0))
        steps = glyph_renderer(self.pool, Step(x="x", y="y", mode="center", line_color="#E69F00", line_width=3,
                                               line_dash="dashed"))
        f.renderers.extend([line, dots, steps])
        f.renderers.append(glyph_renderer(self.focus, Scatter(x="x", y="y", size=13, marker="diamond",
                                                              fill_color=HIGHLIGHT, line_color="#000000")))
        f.add_layout(Span(location=0, dimension="width", line_color="#9AA5B1", line_width=1))
        self.items = [LegendItem(label="", renderers=[line, dots]), LegendItem(label="", renderers=[steps])]
        f.add_layout(Legend(items=self.items, orientation="horizontal", label_text_font_size="14px",
                            location="center"), "above")

    def update(self, times, values, pool_times=(), pool_values=(), focus=None):
        """Output ``values`` at ``times``; the pooled output; ``focus`` = an output index to mark."""
        self.conv.data = dict(x=[float(t) for t in times], y=[float(v) for v in values])
        self.pool.data = dict(x=[float(t) for t in pool_times], y=[float(v) for v in pool_values])
        self.items[1].visible = len(pool_times) > 0
        if focus is not None and 0 <= focus < len(values):
            self.focus.data = dict(x=[float(times[focus])], y=[float(values[focus])])
        else:
            self.focus.data = dict(x=[], y=[])


class FiringPlot(LegendLabels):
    """Responses ``(C, T)`` as a heatmap, one row per learned kernel, on the series' time axis."""

    def __init__(self, x_range, width=1000, height=200):
        self.figure = figure(width=width, height=height, tools="", min_border_left=56, x_range=x_range,
                             y_range=Range1d(0, 1))
        style_figure(self.figure, "15px")
        self.mapper = LinearColorMapper(palette=ACTIVATION, low=0, high=1)
        self.source = ColumnDataSource(dict(image=[], x=[], y=[], dw=[], dh=[]))
        self.figure.renderers.append(glyph_renderer(self.source, Image(image="image", x="x", y="y", dw="dw",
                                                                       dh="dh", color_mapper=self.mapper,
                                                                       origin="top_left")))
        self.figure.ygrid.visible = False
        self.figure.yaxis.major_label_text_color = TEXT

    def update(self, responses, start):
        """``responses[c, t]`` drawn from time ``start + t``; row 0 (kernel 0) on top."""
        r = np.asarray(responses, dtype=np.float64)
        c, n = r.shape
        self.mapper.update(low=0.0, high=float(max(r.max(), 1e-12)))
        self.source.data = dict(image=[r], x=[start - 0.5], y=[0], dw=[n], dh=[c])
        self.figure.y_range.update(start=0, end=c)
        self.figure.yaxis.ticker = [k + 0.5 for k in range(c)]
        self.figure.yaxis.major_label_overrides = {k + 0.5: str(c - 1 - k) for k in range(c)}

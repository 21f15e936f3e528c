"""Bokeh charts of the weights & SVD lab, updated in place (``ColumnDataSource``).

* :class:`SpectrumPlot` — singular values, log scale: the chosen layer's kept
  (first r) and dropped values, the other layers in grey.
* :class:`EnergyPlot` — cumulative energy ``E(r)`` of every layer.
* :class:`TradeoffPlot` — accuracy on the test digits vs rank, and the
  weights of the factored layer vs the full one.
* :class:`MatrixPlot` — a weight matrix as a blue-orange heatmap (white = 0).
"""
import numpy as np
from bokeh.models import (ColorBar, ColumnDataSource, FixedTicker, HoverTool, LegendItem, LinearColorMapper,
                          NumeralTickFormatter, Range1d, Span)
from bokeh.plotting import figure

from app.core.theme import ACCENT, HIGHLIGHT, SIGNED, TEXT
from app.widgets.plots import LegendLabels, add_legend, label_figure, style_figure

__all__ = ["SpectrumPlot", "EnergyPlot", "TradeoffPlot", "MatrixPlot"]

FONT = "15px"
OTHER = "#B0BEC5"    # the other layers' lines


def _figure(**kwargs):
    return style_figure(figure(tools="", min_border_left=64, **kwargs), FONT, title="16px")


def _marker():
    return Span(location=1, dimension="height", line_color=TEXT, line_dash="dashed", line_width=2)


class SpectrumPlot(LegendLabels):
    """Singular values ``s_i`` against ``i`` (log y): the chosen layer's kept ones filled, dropped ones hollow.

    Shape:
        - update(layers, chosen, rank): ``layers`` is ``[(name, s), ...]``, each ``s`` of shape ``(k,)``
    """

    def __init__(self, width=560, height=330):
        self.figure = _figure(width=width, height=height, y_axis_type="log")
        self.others = ColumnDataSource(dict(xs=[], ys=[], name=[]))
        self.kept = ColumnDataSource(dict(i=[], s=[]))
        self.dropped = ColumnDataSource(dict(i=[], s=[]))
        self.line = ColumnDataSource(dict(i=[], s=[]))
        others = self.figure.multi_line("xs", "ys", source=self.others, line_color=OTHER, line_width=2)
        self.figure.add_tools(HoverTool(renderers=[others], tooltips=[("", "@name")]))
        self.figure.line("i", "s", source=self.line, line_color=ACCENT, line_width=3)
        kept = self.figure.scatter("i", "s", source=self.kept, size=9, fill_color=ACCENT, line_color=ACCENT)
        dropped = self.figure.scatter("i", "s", source=self.dropped, size=9, fill_color="#ffffff",
                                      line_color=HIGHLIGHT, line_width=2)
        self.items = [LegendItem(label="kept", renderers=[kept]), LegendItem(label="dropped", renderers=[dropped]),
                      LegendItem(label="others", renderers=[others])]
        add_legend(self.figure, self.items)
        self.marker = _marker()
        self.figure.add_layout(self.marker)
        # 1, 2, 5 per decade (Bokeh's own ticks crowd when the values span less than two decades)
        self.figure.yaxis.ticker = FixedTicker(ticks=[m * 10.0 ** e for e in range(-12, 5) for m in (1, 2, 5)])

    def update(self, layers, chosen, rank):
        floor = lambda s: np.maximum(np.asarray(s, dtype=np.float64), 1e-12)  # noqa: E731  (log scale: no zeros)
        others = [(name, s) for name, s in layers if name != chosen]
        self.others.data = dict(xs=[list(range(1, len(s) + 1)) for _, s in others],
                                ys=[floor(s).tolist() for _, s in others], name=[name for name, _ in others])
        s = floor(dict(layers)[chosen])
        i = np.arange(1, len(s) + 1)
        self.line.data = dict(i=i.tolist(), s=s.tolist())
        self.kept.data = dict(i=i[:rank].tolist(), s=s[:rank].tolist())
        self.dropped.data = dict(i=i[rank:].tolist(), s=s[rank:].tolist())
        self.marker.location = rank + 0.5


class EnergyPlot(LegendLabels):
    """Cumulative energy ``E(r)`` of every layer (chosen one in blue), with the rank marked.

    Shape:
        - update(curves, chosen, rank): ``curves`` is ``[(name, E), ...]``, ``E`` of shape ``(k,)``
    """

    def __init__(self, width=560, height=330):
        self.figure = _figure(width=width, height=height, y_range=Range1d(0, 1.03))
        self.others = ColumnDataSource(dict(xs=[], ys=[], name=[]))
        self.chosen = ColumnDataSource(dict(r=[], e=[]))
        others = self.figure.multi_line("xs", "ys", source=self.others, line_color=OTHER, line_width=2)
        self.figure.add_tools(HoverTool(renderers=[others], tooltips=[("", "@name")]))
        line = self.figure.line("r", "e", source=self.chosen, line_color=ACCENT, line_width=3.5)
        self.figure.scatter("r", "e", source=self.chosen, size=6, color=ACCENT)
        self.point = ColumnDataSource(dict(r=[], e=[]))
        self.figure.scatter("r", "e", source=self.point, size=15, fill_color=HIGHLIGHT, line_color="#000000")
        self.items = [LegendItem(label="this layer", renderers=[line]), LegendItem(label="others", renderers=[others])]
        add_legend(self.figure, self.items, "bottom_right")
        self.marker = _marker()
        self.figure.add_layout(self.marker)
        self.figure.yaxis.ticker = [0, 0.25, 0.5, 0.75, 0.9, 1]

    def update(self, curves, chosen, rank):
        others = [(name, e) for name, e in curves if name != chosen]
        self.others.data = dict(xs=[list(range(1, len(e) + 1)) for _, e in others],
                                ys=[np.asarray(e).tolist() for _, e in others], name=[name for name, _ in others])
        e = np.asarray(dict(curves)[chosen])
        self.chosen.data = dict(r=list(range(1, len(e) + 1)), e=e.tolist())
        self.point.data = dict(r=[rank], e=[float(e[rank - 1])])
        self.marker.location = rank


class TradeoffPlot:
    """Two charts over the rank: accuracy on the test digits (with the full model's as a line),
    and the weights of the factored layer ``r (m + n)`` vs the full ``m n``.

    Shape:
        - update(rows, baseline, rank): ``rows`` are ``TradeoffRow`` s (rank, accuracy, factored_parameters,
          full_parameters, relative_error), sorted by rank
    """

    def __init__(self, width=560, height=300):
        self.source = ColumnDataSource(dict(rank=[], accuracy=[], factored=[], full=[], error=[]))
        self.current = ColumnDataSource(dict(rank=[], accuracy=[], factored=[]))
        self.accuracy = _figure(width=width, height=height, y_range=Range1d(0, 1.02))
        line = self.accuracy.line("rank", "accuracy", source=self.source, line_color=ACCENT, line_width=3)
        self.accuracy.scatter("rank", "accuracy", source=self.source, size=8, color=ACCENT)
        self.accuracy.scatter("rank", "accuracy", source=self.current, size=16, fill_color=HIGHLIGHT,
                              line_color="#000000")
        self.accuracy.add_tools(HoverTool(renderers=[line], tooltips=[("r", "@rank"), ("", "@accuracy{0.0%}")]))
        self.baseline = Span(location=1, dimension="width", line_color=TEXT, line_dash="dotted", line_width=2)
        self.accuracy.add_layout(self.baseline)
        self.accuracy.yaxis.ticker = [0, 0.2, 0.4, 0.6, 0.8, 1]
        self.accuracy.yaxis.major_label_overrides = {v: f"{v:.0%}" for v in (0, 0.2, 0.4, 0.6, 0.8, 1)}
        self.acc_items = [LegendItem(label="accuracy", renderers=[line])]
        add_legend(self.accuracy, self.acc_items, "bottom_right")

        self.params = _figure(width=width, height=height)
        factored = self.params.line("rank", "factored", source=self.source, line_color=ACCENT, line_width=3)
        self.params.scatter("rank", "factored", source=self.source, size=8, color=ACCENT)
        self.params.scatter("rank", "factored", source=self.current, size=16, fill_color=HIGHLIGHT,
                            line_color="#000000")
        full = self.params.line("rank", "full", source=self.source, line_color=HIGHLIGHT, line_width=3,
                                line_dash="dashed")
        self.par_items = [LegendItem(label="factored", renderers=[factored]), LegendItem(label="full", renderers=[full])]
        add_legend(self.params, self.par_items, "top_left")
        self.params.y_range.start = 0
        self.params.yaxis.formatter = NumeralTickFormatter(format="0,0")

    def update(self, rows, baseline, rank):
        self.source.data = dict(rank=[r.rank for r in rows], accuracy=[r.accuracy for r in rows],
                                factored=[r.factored_parameters for r in rows],
                                full=[r.full_parameters for r in rows], error=[r.relative_error for r in rows])
        now = [r for r in rows if r.rank == rank]
        self.current.data = dict(rank=[r.rank for r in now], accuracy=[r.accuracy for r in now],
                                 factored=[r.factored_parameters for r in now])
        self.baseline.location = baseline

    def set_labels(self, titles, names, xlabel, ylabels):
        """Two charts: ``titles`` and ``ylabels`` one each; ``names``: the accuracy's, then factored and full."""
        label_figure(self.accuracy, titles[0], names[:1], xlabel, ylabels[0], self.acc_items)
        label_figure(self.params, titles[1], names[1:], xlabel, ylabels[1], self.par_items)


class MatrixPlot:
    """A matrix as a heatmap, row 0 at the top, white at zero (blue-orange ``SIGNED``).

    The figure keeps its width; its height follows the matrix's aspect
    (clamped), so a 120×400 matrix is a wide strip and a 6×25 one a short band.

    Shape:
        - update(values): ``(m, n)``
    """

    def __init__(self, width=560, title=""):
        self.width = width
        self.figure = _figure(width=width, height=200, title=title, x_range=Range1d(0, 1), y_range=Range1d(0, 1))
        self.figure.min_border_left = 10
        self.figure.axis.visible = False
        self.figure.grid.visible = False
        self.mapper = LinearColorMapper(palette=SIGNED, low=-1, high=1)
        self.source = ColumnDataSource(dict(image=[np.zeros((1, 1))], dw=[1], dh=[1]))
        self.figure.image(image="image", x=0, y=0, dw="dw", dh="dh", source=self.source, color_mapper=self.mapper,
                          origin="top_left")
        self.figure.add_layout(ColorBar(color_mapper=self.mapper, width=12, major_label_text_font_size="13px",
                                        padding=4, margin=6), "right")

    def update(self, values, low, high):
        values = np.asarray(values, dtype=np.float64)
        m, n = values.shape
        plot_width = self.width - 90
        self.figure.height = int(np.clip(plot_width * m / n, 60, 320)) + 50
        self.mapper.update(low=float(low), high=float(high))
        self.figure.x_range.update(start=0, end=n)
        self.figure.y_range.update(start=0, end=m)
        self.source.data = dict(image=[values], dw=[n], dh=[m])

    def set_title(self, text):
        self.figure.title.text = text

"""Bokeh charts of the architectures lab, updated in place (``ColumnDataSource``).

* :class:`LayerProfile` — parameters, multiply-accumulates and activation
  memory of every layer, three bar charts on one shared layer axis (hover
  names the layer); the compute bottleneck is drawn in orange.
* :class:`KindShares` — the share of each layer type in the three totals.
* :class:`MemoryBars` / :class:`MemorySweep` — weights vs activations for
  the chosen batch size, and as the batch grows.
* :class:`SharingPlot` — each convolution's parameters beside those of an
  equivalent fully-connected layer (log scale).
* :class:`ComparisonPlot` — every architecture's parameters vs MACs (log-log).

Numbers arrive from :mod:`app.views.architectures.ledger` unchanged; these
classes only draw them.
"""
import math

from bokeh.models import (AdaptiveTicker, ColumnDataSource, CustomJSTickFormatter, HoverTool, LabelSet, LegendItem,
                          Range1d, Span, TapTool)
from bokeh.plotting import figure

from app.core.theme import ACCENT, HIGHLIGHT, MUTED, TEXT
from app.widgets.plots import LegendLabels, add_legend, style_figure

__all__ = ["LayerProfile", "KindShares", "MemoryBars", "MemorySweep", "SharingPlot", "ComparisonPlot",
           "KIND_COLOURS", "MB"]

FONT = "15px"
MB = 1e6   # bytes in a megabyte, as the page says
# Okabe-Ito, then greys: one colour per layer type.
KIND_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000",
                "#999999", "#BBBBBB", "#666666", "#DDDDDD")
# Where each dot's label goes (x offset, y offset in screen pixels, alignment), so neighbours do not overlap.
# (Screen pixels: a positive y offset moves the label up.)
LABEL_PLACES = {"vgg19": (10, 8, "left"), "vgg16": (10, -6, "left"), "vgg11": (10, -4, "left"),
                "resnet152": (-10, 8, "right"), "resnet101": (-10, -6, "right"), "resnet50": (10, -4, "left"),
                "resnet34": (-10, 6, "right"), "resnet18": (10, -8, "left"), "googlenet": (-10, 6, "right"),
                "nin": (-10, -8, "right"), "alexnet": (10, 0, "left"), "lenet5": (12, 0, "left")}
_SHORT_JS = """
const units = [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
for (const [size, unit] of units) {
  if (Math.abs(tick) >= size) return String(Number((tick / size).toPrecision(3))) + unit;
}
return String(Number(tick.toPrecision(3)));
"""


def short_numbers():
    """A tick formatter for counts: 138000000 -> 138M, 1.5e10 -> 15B (capital M, B: never read as milli).
    A new one per axis: a Bokeh model belongs to one page only."""
    return CustomJSTickFormatter(code=_SHORT_JS)


def _figure(**kwargs):
    return style_figure(figure(tools="", min_border_left=64, **kwargs), FONT, title="16px")


class LayerProfile:
    """Three bar charts over the layers in execution order: parameters, MACs, activation memory.

    Shape:
        - update(columns): ``arch_ledger.ledger_rows`` columns, ``n`` layers each
    """

    METRICS = ("params", "macs", "activation_bytes")

    def __init__(self, width=740, height=190):
        self.source = ColumnDataSource(dict(index=[], name=[], kind=[], output=[], params=[], macs=[],
                                            activation_bytes=[], colour=[], macs_colour=[]))
        self.x_range = Range1d(-0.5, 0.5)
        self.figures = {}
        for metric in self.METRICS:
            fig = _figure(width=width, height=height, x_range=self.x_range)
            colour = "macs_colour" if metric == "macs" else "colour"
            bars = fig.vbar(x="index", top=metric, width=0.85, source=self.source, fill_color=colour,
                            line_color=None)
            value = "@activation_bytes{0,0} B" if metric == "activation_bytes" else f"@{metric}{{0,0}}"
            fig.add_tools(HoverTool(renderers=[bars], tooltips=[("", "@index · @name"), ("", "@kind · @output"),
                                                                 ("", value)]))
            fig.yaxis.formatter = short_numbers()
            fig.xaxis.ticker = AdaptiveTicker(min_interval=1, num_minor_ticks=0)
            fig.xgrid.visible = False
            fig.y_range.start = 0
            self.figures[metric] = fig

    def update(self, columns, bottleneck_index):
        n = len(columns["index"])
        self.x_range.update(start=-0.5, end=max(n, 1) - 0.5)
        data = {key: columns[key] for key in ("index", "name", "kind", "output", *self.METRICS)}
        data["colour"] = [ACCENT] * n
        data["macs_colour"] = [HIGHLIGHT if i == bottleneck_index else ACCENT for i in range(n)]
        self.source.data = data

    def set_labels(self, titles, xlabel):
        for metric, title in zip(self.METRICS, titles):
            self.figures[metric].title.text = title
        self.figures[self.METRICS[-1]].xaxis.axis_label = xlabel

    @property
    def all_figures(self):
        return [self.figures[m] for m in self.METRICS]


class KindShares:
    """Three 100 % bars (parameters, MACs, activations), split by layer type.

    Shape:
        - update(by_kind): ``Summary.by_kind()`` -> ``{kind: {"params", "macs", "activation_bytes"}}``
    """

    METRICS = ("params", "macs", "activation_bytes")

    def __init__(self, width=560, height=300):
        self.source = ColumnDataSource(dict(y=[], left=[], right=[], colour=[], kind=[], share=[]))
        self.figure = _figure(width=width, height=height, x_range=Range1d(0, 100), y_range=Range1d(-0.6, 2.6))
        bars = self.figure.hbar(y="y", left="left", right="right", height=0.7, fill_color="colour",
                                line_color="#ffffff", source=self.source, legend_field="kind")
        self.figure.add_tools(HoverTool(renderers=[bars], tooltips=[("", "@kind: @share{0.0} %")]))
        self.figure.yaxis.ticker = [0, 1, 2]
        self.figure.xaxis.axis_label = "%"
        self.figure.ygrid.visible = False
        legend = self.figure.legend[0]
        legend.update(label_text_font_size="13px", orientation="horizontal", location="center",
                      spacing=4, padding=2, margin=4)
        self.figure.add_layout(legend, "below")

    def update(self, by_kind):
        kinds = list(by_kind)
        data = dict(y=[], left=[], right=[], colour=[], kind=[], share=[])
        for y, metric in enumerate(self.METRICS):
            total = sum(v[metric] for v in by_kind.values())
            left = 0.0
            for k, kind in enumerate(kinds):
                share = 100.0 * by_kind[kind][metric] / total if total else 0.0
                if share <= 0:
                    continue
                data["y"].append(2 - y)
                data["left"].append(left)
                data["right"].append(left + share)
                data["colour"].append(KIND_COLOURS[k % len(KIND_COLOURS)])
                data["kind"].append(kind)
                data["share"].append(share)
                left += share
        self.source.data = data

    def set_labels(self, title, metric_names):
        self.figure.title.text = title
        self.figure.yaxis.major_label_overrides = {2 - i: name for i, name in enumerate(metric_names)}


class MemoryBars:
    """Weights, activations and what backward keeps, in MB, for one batch size."""

    def __init__(self, width=560, height=220):
        self.source = ColumnDataSource(dict(y=[2, 1, 0], value=[0.0, 0.0, 0.0], label=["", "", ""],
                                            colour=[MUTED, ACCENT, HIGHLIGHT], text=["", "", ""]))
        self.figure = _figure(width=width, height=height, y_range=Range1d(-0.6, 2.6))
        self.figure.hbar(y="y", right="value", left=0, height=0.65, fill_color="colour", line_color=None,
                         source=self.source)
        self.figure.add_layout(LabelSet(x="value", y="y", text="text", source=self.source, x_offset=6, y_offset=-9,
                                        text_font_size="14px", text_color=TEXT))
        self.figure.yaxis.ticker = [0, 1, 2]
        self.figure.ygrid.visible = False
        self.figure.x_range = Range1d(0, 1)

    def update(self, split):
        values = [split["weights"] / MB, split["activations"] / MB, split["saved"] / MB]
        self.source.data = dict(y=[2, 1, 0], value=values, label=["weights", "activations", "saved"],
                                colour=[MUTED, ACCENT, HIGHLIGHT], text=[f"{v:,.1f} MB" for v in values])
        self.figure.x_range.update(start=0, end=max(values) * 1.35 or 1.0)

    def set_labels(self, title, names, xlabel):
        self.figure.title.text = title
        self.figure.yaxis.major_label_overrides = {2 - i: name for i, name in enumerate(names)}
        self.figure.xaxis.axis_label = xlabel


class MemorySweep(LegendLabels):
    """Weights (flat) vs activations (growing) as the batch size doubles, log-log, with the chosen batch marked."""

    def __init__(self, width=560, height=300):
        self.figure = _figure(width=width, height=height, x_axis_type="log", y_axis_type="log")
        self.source = ColumnDataSource(dict(batch=[], weights=[], activations=[], saved=[]))
        self.items = []
        for key, colour, dash in (("weights", MUTED, "solid"), ("activations", ACCENT, "dashed"),
                                  ("saved", HIGHLIGHT, "dotted")):
            line = self.figure.line("batch", key, source=self.source, line_width=3.5, line_color=colour,
                                    line_dash=dash)
            self.figure.scatter("batch", key, source=self.source, size=7, color=colour)
            self.items.append(LegendItem(label=key, renderers=[line]))
        self.legend = add_legend(self.figure, self.items, "top_left")
        self.marker = Span(location=1, dimension="height", line_color=TEXT, line_dash="dashed", line_width=2)
        self.figure.add_layout(self.marker)
        self.figure.xaxis.ticker = [1, 4, 16, 64, 256]

    def update(self, sweep, batch):
        self.source.data = dict(batch=sweep["batch"], **{k: [v / MB for v in sweep[k]]
                                                         for k in ("weights", "activations", "saved")})
        self.marker.location = float(batch)


class SharingPlot(LegendLabels):
    """Per convolution: its parameters (blue) beside a fully-connected layer's (orange), log scale.

    Shape:
        - update(rows): ``[(name, params, fc_params), ...]`` from ``arch_ledger.conv_sharing``
    """

    def __init__(self, width=740, height=320):
        self.source = ColumnDataSource(dict(x_conv=[], x_fc=[], params=[], fc_params=[], name=[], ratio=[]))
        self.x_range = Range1d(-0.7, 0.7)
        self.figure = _figure(width=width, height=height, y_axis_type="log", x_range=self.x_range)
        conv = self.figure.vbar(x="x_conv", top="params", bottom=1, width=0.4, source=self.source,
                                fill_color=ACCENT, line_color=None)
        fc = self.figure.vbar(x="x_fc", top="fc_params", bottom=1, width=0.4, source=self.source,
                              fill_color=HIGHLIGHT, line_color=None)
        tips = [("", "@name"), ("conv", "@params{0,0}"), ("FC", "@fc_params{0,0}"), ("×", "@ratio{0,0}")]
        self.figure.add_tools(HoverTool(renderers=[conv, fc], tooltips=tips))
        self.items = [LegendItem(label="conv", renderers=[conv]), LegendItem(label="fc", renderers=[fc])]
        add_legend(self.figure, self.items, spacing=3)
        self.figure.yaxis.formatter = short_numbers()
        self.figure.xaxis.ticker = AdaptiveTicker(min_interval=1, num_minor_ticks=0)
        self.figure.xgrid.visible = False

    def update(self, rows):
        n = len(rows)
        self.x_range.update(start=-0.7, end=max(n, 1) - 0.3)
        self.source.data = dict(x_conv=[i - 0.2 for i in range(n)], x_fc=[i + 0.2 for i in range(n)],
                                params=[max(p, 1) for _, p, _ in rows], fc_params=[max(f, 1) for _, _, f in rows],
                                name=[name for name, _, _ in rows],
                                ratio=[f / p if p else math.nan for _, p, f in rows])


class ComparisonPlot(LegendLabels):
    """Every architecture as a labelled dot: parameters (x) vs MACs per image (y), log-log.

    ``on_pick(callback)`` calls ``callback(name)`` when a dot is clicked.
    """

    def __init__(self, width=720, height=520):
        self.source = ColumnDataSource(dict(name=[], label=[], params=[], macs=[], year=[], colour=[], size=[],
                                            dx=[], dy=[], align=[]))
        self.figure = _figure(width=width, height=height, x_axis_type="log", y_axis_type="log")
        dots = self.figure.scatter("params", "macs", source=self.source, size="size", fill_color="colour",
                                   line_color="#000000", line_width=1, nonselection_fill_alpha=1.0,
                                   selection_fill_alpha=1.0)
        self.figure.add_layout(LabelSet(x="params", y="macs", text="label", source=self.source, x_offset="dx",
                                        y_offset="dy", text_align="align", text_baseline="middle",
                                        text_font_size="14px", text_color=TEXT))
        self.figure.add_tools(HoverTool(renderers=[dots], tooltips=[("", "@label (@year)"),
                                                                    ("params", "@params{0,0}"),
                                                                    ("MACs", "@macs{0,0}")]),
                              TapTool(renderers=[dots]))
        self.figure.xaxis.formatter = short_numbers()
        self.figure.yaxis.formatter = short_numbers()
        self.figure.x_range = Range1d(2e4, 2e9)
        self.figure.y_range = Range1d(1.5e5, 6e10)
        self._pick = []
        self.source.selected.on_change("indices", self._tapped)

    def update(self, rows, labels, chosen):
        self.source.data = dict(name=[r["name"] for r in rows], label=[labels[r["name"]] for r in rows],
                                params=[r["params"] for r in rows], macs=[r["macs"] for r in rows],
                                year=[r["year"] for r in rows],
                                colour=[HIGHLIGHT if r["name"] == chosen else MUTED for r in rows],
                                size=[18 if r["name"] == chosen else 11 for r in rows],
                                dx=[LABEL_PLACES.get(r["name"], (10, 0, "left"))[0] for r in rows],
                                dy=[LABEL_PLACES.get(r["name"], (10, 0, "left"))[1] for r in rows],
                                align=[LABEL_PLACES.get(r["name"], (10, 0, "left"))[2] for r in rows])

    def on_pick(self, callback):
        self._pick.append(callback)

    def _tapped(self, attr, old, new):
        if new:
            name = self.source.data["name"][new[0]]
            self.source.selected.indices = []
            for callback in self._pick:
                callback(name)

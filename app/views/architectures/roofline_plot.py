"""The architectures lab's roofline: every layer's arithmetic intensity against this machine's roof.

Numbers come from :mod:`cnncore.inspect.roofline` (``roofline`` on a model
built inside ``cnncore.nn.init.meta()``, cached per architecture and batch
size; ``measure_machine`` when the student asks); this module only arranges
and draws them.

* :func:`roofline_layers` — the layers with their MACs, bytes and intensity.
* :func:`roofline_points` — one dot per layer that computes, placed on the
  roof of a measured machine.
* :class:`RooflinePlot` — the log-log chart: the roof, the ridge point, the dots.
"""
import functools

from bokeh.models import ColumnDataSource, HoverTool, Label, Legend, LegendItem, Range1d, Span

from cnncore.inspect import attainable, bound, roofline

from app.core.theme import ACCENT, MUTED, TEXT
from app.views.architectures.ledger import build_meta, classic_models
from app.views.architectures.plots import _figure, short_numbers

__all__ = ["roofline_layers", "roofline_points", "one_by_one_numbers", "RooflinePlot", "BOUND_COLOURS"]

BOUND_COLOURS = {"memory": "#0072B2", "compute": "#D55E00", None: MUTED}   # Okabe-Ito blue / vermillion
_UNMEASURED_Y = 2e6          # where the dots wait (FLOP/s) until a machine is measured


@functools.lru_cache(maxsize=128)
def roofline_layers(name, batch=1):
    """``cnncore.inspect.roofline`` of architecture ``name`` for ``batch`` examples (cached; do not modify)."""
    return tuple(roofline(build_meta(name), (int(batch),) + classic_models()[name][0]))


def roofline_points(layers, machine=None):
    """Columns for the plot: the layers that compute (FLOPs > 0), each at its intensity.

    With a ``machine`` (``cnncore.inspect.Machine``) a dot sits on the roof,
    ``y = min(P, I * B)``, and ``bound`` says ``"memory"`` or ``"compute"``;
    without one, ``y`` is a placeholder and ``bound`` is None.
    """
    rows = [l for l in layers if l.flops > 0]
    x = [float(l.intensity) for l in rows]
    if machine is None:
        y, bounds = [_UNMEASURED_Y] * len(rows), [None] * len(rows)
    else:
        y = [float(v) for v in attainable(x, machine.peak_flops, machine.bandwidth)]
        bounds = [bound(v, machine) for v in x]
    return dict(name=[l.name for l in rows], kind=[l.kind for l in rows], detail=[l.detail for l in rows],
                intensity=x, y=y, flops=[int(l.flops) for l in rows], bytes=[int(l.bytes) for l in rows],
                bound=bounds)


def one_by_one_numbers(layers):
    """``(1x1 convolutions' intensities, fully-connected layers' intensities)`` of ``layers``."""
    ones = [l.intensity for l in layers if l.kind == "Conv2d" and l.detail.startswith("1x1")]
    fcs = [l.intensity for l in layers if l.kind == "Linear"]
    return ones, fcs


class RooflinePlot:
    """Log-log: arithmetic intensity (FLOPs per byte) against attainable FLOP/s.

    The roof ``min(P, I B)`` of the measured machine, a dashed line at the
    ridge point ``P / B``, and one dot per layer (hover: name, type,
    intensity, memory- or compute-bound), blue below the ridge, orange above.
    Before a measurement the dots wait in grey along the bottom.
    """

    def __init__(self, width=740, height=420):
        self.source = ColumnDataSource(dict(name=[], kind=[], detail=[], intensity=[], y=[], flops=[], bytes=[],
                                            bound=[], bound_text=[], colour=[]))
        self.roof = ColumnDataSource(dict(x=[], y=[]))
        fig = self.figure = _figure(width=width, height=height, x_axis_type="log", y_axis_type="log")
        fig.x_range, fig.y_range = Range1d(0.05, 1000), Range1d(1e6, 1e12)
        roof = fig.line("x", "y", source=self.roof, line_width=4, line_color=TEXT)
        dots = fig.scatter("intensity", "y", source=self.source, size=11, fill_color="colour", fill_alpha=0.85,
                           line_color="#000000", line_width=1)
        self.ridge = Span(location=1.0, dimension="height", line_dash="dashed", line_color=ACCENT, line_width=2,
                          visible=False)
        fig.add_layout(self.ridge)
        self.ridge_label = Label(x=1.0, y=1e6, text="", text_font_size="14px", text_color=ACCENT, x_offset=6,
                                 y_offset=8, visible=False)
        fig.add_layout(self.ridge_label)
        # the roof, and one entry per colour of dot (drawn with the glyph of the first dot of that colour)
        self.items = [LegendItem(label="roof", renderers=[roof]),
                      LegendItem(label="memory", renderers=[dots], index=0, visible=False),
                      LegendItem(label="compute", renderers=[dots], index=0, visible=False)]
        fig.add_layout(Legend(items=self.items, location="top_left", label_text_font_size="14px"))
        fig.add_tools(HoverTool(renderers=[dots], tooltips=[
            ("", "@name (@kind @detail)"), ("FLOP/byte", "@intensity{0.00}"), ("", "@bound_text"),
            ("FLOPs", "@flops{0,0}"), ("bytes", "@bytes{0,0}")]))
        fig.xaxis.formatter = short_numbers()
        fig.yaxis.formatter = short_numbers()
        self.machine = None

    def update(self, columns, machine, bound_names):
        """Draw ``roofline_points`` columns; ``bound_names`` maps ``"memory"``/``"compute"``/None to text."""
        x = columns["intensity"] or [1.0]
        low, high = max(min(x) / 3, 1e-3), max(max(x) * 3, 10.0)
        self.machine = machine
        if machine is not None:
            low, high = min(low, machine.ridge / 10), max(high, machine.ridge * 10)
            self.roof.data = dict(x=[low, machine.ridge, high],
                                  y=[low * machine.bandwidth, machine.peak_flops, machine.peak_flops])
            self.figure.y_range.update(start=low * machine.bandwidth / 2, end=machine.peak_flops * 4)
            self.ridge.update(location=machine.ridge, visible=True)
            self.ridge_label.update(x=machine.ridge, y=low * machine.bandwidth, visible=True)
        else:
            self.roof.data = dict(x=[], y=[])
            self.figure.y_range.update(start=1e6, end=1e12)
            self.ridge.visible = self.ridge_label.visible = False
        self.figure.x_range.update(start=low, end=high)
        self.source.data = dict(columns, bound_text=[bound_names[b] for b in columns["bound"]],
                                colour=[BOUND_COLOURS[b] for b in columns["bound"]])
        for item, kind in zip(self.items[1:], ("memory", "compute")):
            first = columns["bound"].index(kind) if kind in columns["bound"] else None
            item.update(index=first or 0, visible=first is not None, label=dict(value=bound_names[kind]))

    def set_labels(self, title, roof, ridge, xlabel, ylabel):
        self.figure.title.text = title
        self.items[0].label = dict(value=roof)
        self.ridge_label.text = ridge
        self.figure.xaxis.axis_label = xlabel
        self.figure.yaxis.axis_label = ylabel

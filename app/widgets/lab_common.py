"""Pieces the concept labs share: the digit to work on, layer pickers, plots, tables.

* :class:`DigitSource` — ten "sample digit" buttons and a small drawing canvas;
  the lab's ``digit`` param says which one is used (``0``-``9`` a test digit,
  ``-1`` the drawing), so a link can restore the sample.
* :func:`spatial_layers` — the layers of a model whose output is a stack of
  feature maps, with readable labels.
* :class:`CurvePlot` — a few named lines (and an optional vertical marker).
* :func:`html_table` — a small accessible table for numbers beside a plot.

The labs' feature maps are :class:`app.widgets.plots.MapPlot`.
"""
import html

import numpy as np
import panel as pn
import param
from bokeh.models import ColumnDataSource, LegendItem, Line, Range1d, Span
from bokeh.plotting import figure

from cnncore.data import sample_digits

from app.core.i18n import add_strings
from app.core.inference import prepare
from app.core.theme import TEXT
from app.widgets.canvas import DrawingCanvas
from app.widgets.plots import LegendLabels, add_legend, glyph_renderer, style_figure

__all__ = ["LayerName", "UrlInteger", "DigitSource", "load_samples", "spatial_layers", "layer_label", "CurvePlot",
           "html_table", "fmt", "LINE_COLOURS", "LINE_DASHES"]

# Okabe-Ito colours (colour-blind safe) and dash patterns, so lines differ in two ways.
LINE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
LINE_DASHES = ("solid", "dashed", "dotdash", "dotted", "dashdot", "solid")

STRINGS = {
    "lab_samples": {"en": "A test digit", "zh": "测试集中的数字"},
    "lab_or_draw": {"en": "… or draw one", "zh": "……或者自己写一个"},
    "lab_drawing": {"en": "your drawing", "zh": "你写的数字"},
    "lab_draw_first": {"en": "Draw a digit on the canvas (or pick a test digit).",
                       "zh": "请在画板上写一个数字（或选一个测试数字）。"},
}
add_strings(STRINGS)


class LayerName(param.String):
    """A layer name kept in the URL: ``?layer=3`` arrives as the number 3 and is read as the name ``"3"``."""

    @classmethod
    def deserialize(cls, value):
        return str(value)


class UrlInteger(param.Integer):
    """An integer kept in the URL: ``?dx=-2`` arrives as the float -2.0 and is read as -2."""

    @classmethod
    def deserialize(cls, value):
        number = float(value)
        return int(number) if number.is_integer() else value


def fmt(value, digits=3):
    """A number for people: ``0.25``, ``1.5e-05``, ``—`` for None."""
    if value is None:
        return "—"
    value = float(value)
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e5:
        return f"{value:.{digits}g}"
    return f"{value:.2e}"


def load_samples():
    """One test digit per class, ``(10, 28, 28)`` float32 in class order, or None."""
    try:
        images, labels = sample_digits(1)
    except Exception:
        return None
    return np.asarray(images[np.argsort(labels, kind="stable"), 0], dtype=np.float32)  # (10, 1, 28, 28) -> (10, 28, 28)


class DigitSource(param.Parameterized):
    """Sample-digit buttons and a small canvas, feeding ``owner.digit``.

    Clicking sample ``d`` sets ``owner.digit = d`` (and shows it on the
    canvas, to draw over); a stroke on the canvas sets ``owner.digit = -1``.
    ``image(digit)`` is the model input for the current choice.
    """

    def __init__(self, owner, canvas_size=196, **params):
        super().__init__(**params)
        self.owner = owner
        self.samples = load_samples()
        self.canvas = DrawingCanvas(brush_width=22, width=canvas_size, height=canvas_size, margin=(4, 10))
        self.buttons = [pn.widgets.Button(label=str(d), width=40, height=36, margin=(2, 2), color="light")
                        for d in range(10)]
        self.title = pn.pane.HTML("", margin=(4, 10, 0, 10))
        self.canvas_title = pn.pane.HTML("", margin=(6, 10, 0, 10))
        for d, button in enumerate(self.buttons):
            button.on_click(lambda e, d=d: self.pick(d))
        self.canvas.param.watch(self._stroke, "strokes")

    def pick(self, digit):
        """Use test digit ``digit``."""
        self.owner.digit = int(digit)
        if self.samples is not None:
            self.canvas.set_image(self.samples[int(digit)])

    def _stroke(self, event):
        if event.new > 0:
            self.owner.digit = -1
            self.owner.param.trigger("digit")   # a new stroke while already on the drawing

    def image(self, digit):
        """The model input ``(1, 1, 28, 28)`` float32, or None for an empty drawing.

        Raises:
            ValueError: no sample digits in this installation.
        """
        if digit >= 0:
            if self.samples is None:
                raise ValueError("no sample digits: cnncore.data is not available")
            return self.samples[digit][None, None].copy()           # (28, 28) -> (1, 1, 28, 28)
        if self.canvas.is_blank:
            return None
        prepared = prepare(self.canvas.array)
        return None if prepared.is_empty else prepared.input

    def relabel(self, t):
        """Texts via ``t(key, **fields)`` (the view's translator)."""
        self.title.object = f"<b>{html.escape(t('lab_samples'))}</b>"
        self.canvas_title.object = f"<b>{html.escape(t('lab_or_draw'))}</b>"
        self.canvas.label = t("draw_canvas_label")
        for d, button in enumerate(self.buttons):
            button.description = t("sample_button", digit=d)

    def panel(self):
        return pn.Column(self.title, pn.GridBox(*self.buttons, ncols=5, width=230, margin=(0, 8)),
                         self.canvas_title, self.canvas)


def layer_label(name, module_type, shape):
    """``"3 · Conv2d · 16×10×10"``."""
    dims = "×".join(str(int(s)) for s in shape)
    return f"{name} · {module_type} · {dims}"


def spatial_layers(model, activations):
    """``{label: name}`` for every captured output that is a stack of maps ``(1, C, H, W)``.

    ``activations`` is the second result of ``cnncore.inspect.capture``;
    whole blocks (``Sequential`` wrappers) are left out, their last layer is listed.
    """
    modules = dict(model.named_modules())
    out = {}
    for name, value in activations.items():
        module = modules.get(name)
        if module is None or not isinstance(value, np.ndarray) or value.ndim != 4:
            continue
        if type(module).__name__ == "Sequential":
            continue
        out[layer_label(name, type(module).__name__, value.shape[1:])] = name
    return out


class CurvePlot(LegendLabels):
    """Named lines over a shared x axis, with a legend and an optional vertical marker.

    ``set_lines({name: (x, y)})`` replaces the data of up to ``max_lines``
    lines in place (unused lines are emptied and hidden from the legend), and names them.
    """

    def __init__(self, width=520, height=320, max_lines=6, y_range=None, title="", legend_place=None):
        self.figure = figure(width=width, height=height, tools="", title=title, min_border_left=56)
        style_figure(self.figure, "15px")
        if y_range is not None:
            self.figure.y_range = Range1d(*y_range)
        self.sources, self.items = [], []
        for k in range(max_lines):
            source = ColumnDataSource(dict(x=[], y=[]))
            glyph = glyph_renderer(source, Line(x="x", y="y", line_width=3.5,
                                                line_color=LINE_COLOURS[k % len(LINE_COLOURS)],
                                                line_dash=LINE_DASHES[k % len(LINE_DASHES)]))
            self.figure.renderers.append(glyph)
            self.sources.append(source)
            self.items.append(LegendItem(label="", renderers=[glyph], visible=False))
        if legend_place == "below":   # many lines: a legend under the plot, side by side
            self.legend = add_legend(self.figure, self.items, "center", "below", orientation="horizontal",
                                     spacing=18, ncols=2)
            self.figure.height += 40
        else:
            self.legend = add_legend(self.figure, self.items, "bottom_left", legend_place or "center")
        self.marker = Span(location=0, dimension="height", line_color=TEXT, line_dash="dashed",
                           line_width=2, visible=False)
        self.figure.add_layout(self.marker)

    def set_lines(self, lines):
        lines = list(lines.items())
        for k, (source, item) in enumerate(zip(self.sources, self.items)):
            if k < len(lines):
                name, (x, y) = lines[k]
                source.data = dict(x=[float(v) for v in x], y=[float(v) for v in y])
                item.update(label=dict(value=name), visible=True)
            else:
                source.data = dict(x=[], y=[])
                item.visible = False

    def set_marker(self, x):
        self.marker.update(location=float(x), visible=x is not None) if x is not None else \
            self.marker.update(visible=False)


_TABLE_CSS = f"""
table.lab {{ border-collapse: collapse; font-size: 15px; color: {TEXT}; font-variant-numeric: tabular-nums; }}
table.lab th, table.lab td {{ padding: 3px 10px; border-bottom: 1px solid #D9E2EC; text-align: right; }}
table.lab th:first-child, table.lab td:first-child {{ text-align: left; }}
table.lab th {{ background: #F0F4F8; font-weight: 600; }}
table.lab tr.hi td {{ background: #FFF4DC; }}
table.lab caption {{ caption-side: top; text-align: left; font-weight: 600; padding: 4px 0; }}
"""


def html_table(headers, rows, caption="", testid="", highlight=None):
    """An HTML table (cells are escaped); row ``highlight`` gets a background."""
    head = "".join(f"<th scope='col'>{html.escape(str(h))}</th>" for h in headers)
    body = []
    for k, row in enumerate(rows):
        cls = " class='hi'" if k == highlight else ""
        body.append(f"<tr{cls}>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    test = f" data-testid='{html.escape(testid)}'" if testid else ""
    return (f"<style>{_TABLE_CSS}</style><table class='lab'{test}>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")

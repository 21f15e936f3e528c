"""Live training plots of the Train and Your classes views, each a Bokeh figure updated in place.

* :class:`TrainingCurves` — loss and accuracy against the step. New points
  are *streamed* (``ColumnDataSource.stream``): only the new rows travel to
  the browser, the figures are never redrawn from scratch.
* :class:`ConfusionPlot` — the confusion matrix of the last evaluation (the ten digits, or any classes).
* :class:`GradNormPlot` — each layer's weight-gradient norm per step, log scale,
  coloured from the first layer (dark) to the last (yellow).
* :class:`KernelMosaic` — the first convolution's kernels side by side,
  orange (negative) - white (0) - purple (positive).
"""
import math

import numpy as np
from bokeh.core.properties import value
from bokeh.models import ColumnDataSource, FactorRange, LegendItem, LinearColorMapper, LogColorMapper, Range1d, Span
from bokeh.plotting import figure

from app.core.theme import ACCENT, ACTIVATION, ERROR, HIGHLIGHT, SIGNED, symmetric_range
from app.widgets.plots import LegendLabels, add_legend, label_figure, style_figure

__all__ = ["TrainingCurves", "ConfusionPlot", "GradNormPlot", "KernelMosaic", "kernel_mosaic"]

FONT = "15px"
TITLE = "16px"
DIGITS = [str(d) for d in range(10)]


class TrainingCurves:
    """Loss and accuracy per step (streamed) and per evaluation on the test digits.

    ``steps`` holds one row per optimizer step (``step``, ``loss``,
    ``running_loss``, ``running_accuracy``); ``evals`` one row per evaluation
    (``step``, ``loss``, ``accuracy``).
    """

    STEP_COLUMNS = ("step", "loss", "running_loss", "running_accuracy")
    EVAL_COLUMNS = ("step", "loss", "accuracy")

    def __init__(self, width=520, height=300):
        self.steps = ColumnDataSource({c: [] for c in self.STEP_COLUMNS})
        self.evals = ColumnDataSource({c: [] for c in self.EVAL_COLUMNS})
        common = dict(width=width, height=height, tools="", min_border_left=60, min_border_right=16)
        self.loss = figure(**common, x_range=Range1d(0, 10), y_range=Range1d(0, 2.5))
        self.accuracy = figure(**common, x_range=self.loss.x_range, y_range=Range1d(0, 1.02))
        for fig in (self.loss, self.accuracy):
            style_figure(fig, FONT, title=TITLE)
        batch = self.loss.line("step", "loss", source=self.steps, color=ACCENT, alpha=0.3, line_width=1)
        running = self.loss.line("step", "running_loss", source=self.steps, color=ACCENT, line_width=3)
        test_loss = self.loss.line("step", "loss", source=self.evals, color=HIGHLIGHT, line_width=3)
        test_dots = self.loss.scatter("step", "loss", source=self.evals, color=HIGHLIGHT, size=8)
        train_acc = self.accuracy.line("step", "running_accuracy", source=self.steps, color=ACCENT, line_width=3)
        test_acc = self.accuracy.line("step", "accuracy", source=self.evals, color=HIGHLIGHT, line_width=3)
        acc_dots = self.accuracy.scatter("step", "accuracy", source=self.evals, color=HIGHLIGHT, size=8)
        self._items = {
            "batch": LegendItem(label=value("batch"), renderers=[batch]),
            "running": LegendItem(label=value("train"), renderers=[running]),
            "test_loss": LegendItem(label=value("test"), renderers=[test_loss, test_dots]),
            "train_acc": LegendItem(label=value("train"), renderers=[train_acc]),
            "test_acc": LegendItem(label=value("test"), renderers=[test_acc, acc_dots]),
        }
        add_legend(self.loss, [self._items[k] for k in ("batch", "running", "test_loss")], click_policy="hide")
        add_legend(self.accuracy, [self._items[k] for k in ("train_acc", "test_acc")], "bottom_right",
                   click_policy="hide")
        self.accuracy.yaxis.ticker = [0, 0.25, 0.5, 0.75, 1]
        self.accuracy.yaxis.major_label_overrides = {0: "0", 0.25: "25%", 0.5: "50%", 0.75: "75%", 1: "100%"}
        self.diverged = Span(location=0, dimension="height", line_color=ERROR, line_dash="dashed", line_width=3,
                             visible=False)
        self.loss.add_layout(self.diverged)
        self._max_loss = 0.0
        self._total = 10

    def reset(self, total_steps):
        """Empty curves for a new run of ``total_steps`` steps."""
        self.steps.data = {c: [] for c in self.STEP_COLUMNS}
        self.evals.data = {c: [] for c in self.EVAL_COLUMNS}
        self._total, self._max_loss = max(int(total_steps), 1), 0.0
        self.loss.x_range.update(start=0, end=self._total)
        self.loss.y_range.update(start=0, end=2.5)
        self.diverged.visible = False

    def stream(self, rows):
        """Append step rows (dicts with :attr:`STEP_COLUMNS`): only these rows are sent."""
        if not rows:
            return
        self.steps.stream({c: [r[c] for r in rows] for c in self.STEP_COLUMNS})
        self._grow([r["loss"] for r in rows])

    def add_eval(self, step, loss, accuracy):
        self.evals.stream({"step": [step], "loss": [loss], "accuracy": [accuracy]})
        self._grow([loss])

    def mark_divergence(self, step):
        self.diverged.update(location=step, visible=True)

    def _grow(self, losses):
        finite = [v for v in losses if math.isfinite(v)]
        if finite and max(finite) > self._max_loss:
            self._max_loss = max(finite)
            self.loss.y_range.end = max(2.5, min(self._max_loss * 1.1, 50.0))

    def set_labels(self, loss_title, accuracy_title, step, batch, train, test):
        """Both charts' titles, their x axis (``step``) and the legends' names of the three series."""
        items = self._items
        label_figure(self.loss, loss_title, (batch, train, test), step,
                     items=[items[k] for k in ("batch", "running", "test_loss")])
        label_figure(self.accuracy, accuracy_title, (train, test), step,
                     items=[items[k] for k in ("train_acc", "test_acc")])


class ConfusionPlot(LegendLabels):
    """Rows: the true class; columns: the class the model answered. The diagonal is right.

    ``names``: the classes, the ten digits by default (``update(confusion, names)`` changes them).
    With ``log=True`` colours use a log scale (viridis) up to the largest row total, so a handful
    of mistakes stand out next to a hundred correct answers, and empty cells stay white and blank;
    ``log=False`` colours linearly from 0 to the largest count and writes every count.
    ``app_style=False`` keeps Bokeh's own title and axis fonts (the "Your classes" view's look),
    with ``frame`` an outline colour and ``cell_font`` the size of the counts.

    Shape:
        - update(confusion): ``(K, K)`` counts, ``K = len(names)``
    """

    def __init__(self, size=430, names=DIGITS, log=True, app_style=True, cell_font="13px", frame=None,
                 min_border_left=60):
        names = list(names)
        self.log = log
        self.source = ColumnDataSource(self._columns(np.zeros((len(names),) * 2, np.int64), names))
        self.figure = figure(width=size, height=size, x_range=FactorRange(factors=names),
                             y_range=FactorRange(factors=names[::-1]), tools="hover",
                             tooltips="@true → @predicted: @count", x_axis_location="above",
                             min_border_left=min_border_left)
        if app_style:
            style_figure(self.figure, FONT, title=TITLE)
            self.figure.axis.major_label_text_font_style = "bold"
        else:
            self.figure.axis.major_label_text_font_size = "14px"
        self.figure.toolbar_location = None
        self.figure.outline_line_color = frame
        self.mapper = (LogColorMapper(palette=ACTIVATION, low=1, high=100, low_color="#FFFFFF") if log
                       else LinearColorMapper(palette=ACTIVATION, low=0, high=1))
        self.figure.rect("predicted", "true", 1, 1, source=self.source, line_color="#DDDDDD",
                         fill_color={"field": "count", "transform": self.mapper})
        self.figure.text("predicted", "true", text="label", source=self.source, text_align="center",
                         text_baseline="middle", text_font_size=cell_font, text_color="text_color")
        self.figure.grid.visible = False
        self.figure.axis.major_tick_line_color = None
        self.figure.axis.axis_line_color = None
        self.names = names

    def _high(self, confusion):
        """The top of the colour scale: the largest row total (log), or the largest count."""
        if self.log:
            return max(int(confusion.sum(axis=1).max(initial=1)), 2)
        return max(int(confusion.max(initial=1)), 1)

    def _columns(self, confusion, names):
        true, predicted = np.divmod(np.arange(confusion.size), confusion.shape[1])
        counts = confusion.ravel()
        high = self._high(confusion)
        if self.log:
            light = np.log(np.maximum(counts, 1)) / math.log(high) > 0.6      # yellow end of viridis: dark text
        else:
            light = counts > 0.6 * high
        return dict(true=[names[i] for i in true], predicted=[names[j] for j in predicted], count=counts.tolist(),
                    label=[str(c) if c or not self.log else "" for c in counts],
                    text_color=["#1F2933" if lt else "#FFFFFF" for lt in light])

    def update(self, confusion, names=None):
        confusion = np.asarray(confusion, dtype=np.int64)
        if names is not None:
            self.names = list(names)
            self.figure.x_range.factors = self.names
            self.figure.y_range.factors = self.names[::-1]
        self.mapper.high = self._high(confusion)
        self.source.data = self._columns(confusion, self.names)

    def reset(self):
        self.source.data = self._columns(np.zeros((len(self.names),) * 2, np.int64), self.names)

    def set_labels(self, title, true, predicted):
        """The title, the rows' axis (``true``) and the columns' (``predicted``)."""
        super().set_labels(title, xlabel=predicted, ylabel=true)


class GradNormPlot(LegendLabels):
    """``||dL/dW||`` of every layer with a weight, per step, on a log axis.

    Columns of the source: ``step`` and ``g0``, ``g1``, ... (one per layer,
    in model order); :meth:`set_layers` starts over for a new model.
    """

    def __init__(self, width=560, height=320):
        self.source = ColumnDataSource({"step": []})
        self.figure = figure(width=width, height=height, y_axis_type="log", tools="", min_border_left=60,
                             x_range=Range1d(0, 10))
        style_figure(self.figure, FONT, title=TITLE)
        self.legend = add_legend(self.figure, [], "top_left", "right", label_text_font_size="13px",
                                 click_policy="hide", spacing=0, padding=4, background_fill_alpha=0.9)
        self.layers = []

    def set_layers(self, names, total_steps, labels=None):
        """One line per layer ``names`` (from the input side to the output side), shown as ``labels``."""
        self.layers = list(names)
        labels = list(labels) if labels is not None else self.layers
        self.figure.renderers = []
        self.source.data = {"step": [], **{f"g{i}": [] for i in range(len(names))}}
        n = max(len(names) - 1, 1)
        items = []
        for i, name in enumerate(labels):
            colour = ACTIVATION[min(int(round(i / n * 215)), 255)]     # dark (input side) -> yellow-green
            line = self.figure.line("step", f"g{i}", source=self.source, color=colour, line_width=2.5)
            items.append(LegendItem(label=value(name), renderers=[line]))
        self.legend.items = items
        self.figure.x_range.update(start=0, end=max(int(total_steps), 1))

    def stream(self, steps, norms):
        """``steps``: list of step numbers; ``norms``: one ``{layer: norm}`` dict per step."""
        if not steps:
            return
        data = {"step": list(steps)}
        for i, name in enumerate(self.layers):
            data[f"g{i}"] = [_positive(n.get(name)) for n in norms]
        self.source.stream(data)

    def set_labels(self, title, step, norm):
        """The title and the axes: ``step`` (x) and the gradient norm (y)."""
        super().set_labels(title, xlabel=step, ylabel=norm)


def _positive(value):
    """A log axis cannot show 0, NaN or None: those become gaps."""
    return value if value is not None and math.isfinite(value) and value > 0 else float("nan")


def kernel_mosaic(weight, columns=8):
    """The kernels ``weight[:, 0]`` laid out in a grid, one NaN pixel between them.

    Shape:
        - weight: ``(out_channels, in_channels, k, k)``
        - Output: ``(rows * (k + 1) - 1, columns * (k + 1) - 1)``
    """
    kernels = np.asarray(weight, dtype=np.float64)[:, 0]                     # (O, I, k, k) -> (O, k, k)
    count, kh, kw = kernels.shape
    columns = min(columns, count)
    rows = math.ceil(count / columns)
    mosaic = np.full((rows * (kh + 1) - 1, columns * (kw + 1) - 1), np.nan)
    for i, kernel in enumerate(kernels):
        r, c = divmod(i, columns)
        mosaic[r * (kh + 1):r * (kh + 1) + kh, c * (kw + 1):c * (kw + 1) + kw] = kernel
    return mosaic


class KernelMosaic:
    """The first convolution's kernels, updated as they learn (signed colours, 0 = white).

    Shape:
        - update(weight): ``(out_channels, 1, k, k)``
    """

    def __init__(self, width=360, columns=8):
        self.width, self.columns = width, columns
        self.source = ColumnDataSource(dict(image=[np.full((1, 1), np.nan)], dw=[1], dh=[1]))
        self.figure = figure(width=width, height=width // 2, x_range=Range1d(0, 1), y_range=Range1d(1, 0),
                             tools="", min_border=4)
        style_figure(self.figure, FONT, title=TITLE, axes=False)
        self.mapper = LinearColorMapper(palette=SIGNED, low=-1, high=1, nan_color="#FFFFFF")
        # Row 0 at y = 0 ("bottom_left" in data space); the flipped y range shows it on top.
        self.figure.image(image="image", x=0, y=0, dw="dw", dh="dh", source=self.source, color_mapper=self.mapper,
                          origin="bottom_left", anchor="bottom_left")
        self.shape = None

    def update(self, weight):
        mosaic = kernel_mosaic(weight, self.columns)                         # (rows*(k+1)-1, cols*(k+1)-1)
        h, w = mosaic.shape
        if self.shape != (h, w):
            self.shape = (h, w)
            self.figure.x_range.update(start=0, end=w)
            self.figure.y_range.update(start=h, end=0)
            self.figure.height = max(60, int(self.width * h / w) + 34)
        low, high = symmetric_range(mosaic[np.isfinite(mosaic)])
        self.mapper.update(low=low, high=high)
        self.source.data = dict(image=[mosaic.astype(np.float32)], dw=[w], dh=[h])

    def set_title(self, text):
        self.figure.title.text = text

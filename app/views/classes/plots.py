"""The "Your classes" view's pictures and plots, each a Bokeh figure updated in place.

* :class:`PictureStrip` — the last pictures of a class side by side, as the network sees them.
* :class:`ClassProbabilities` — one bar per class, the answer in orange.

The confusion matrix (rows: the true class, columns: the answer, for any 2-6 names) is
:class:`app.widgets.training_plots.ConfusionPlot` with :data:`CONFUSION_OPTIONS`.
"""
import numpy as np
from bokeh.models import ColumnDataSource, FactorRange, Range1d
from bokeh.plotting import figure

from app.core.theme import ACCENT, HIGHLIGHT, MUTED

__all__ = ["PictureStrip", "ClassProbabilities", "CONFUSION_OPTIONS", "rgba"]

# The names arrive with the first update; every count written, in linear colours.
CONFUSION_OPTIONS = dict(names=(), log=False, app_style=False, cell_font="15px", frame=ACCENT, min_border_left=70)


def rgba(image):
    """``(H, W, 3)`` uint8 -> the ``(H, W)`` uint32 RGBA array Bokeh's ``image_rgba`` draws,
    flipped so row 0 is at the top."""
    image = np.ascontiguousarray(image[::-1], np.uint8)
    alpha = np.full(image.shape[:2] + (1,), 255, np.uint8)
    return np.concatenate([image, alpha], axis=2).view(np.uint32)[..., 0]   # (H, W, 4) -> (H, W)


def _bare(fig):
    fig.toolbar_location = None
    fig.axis.visible = False
    fig.grid.visible = False
    fig.outline_line_color = None
    fig.min_border = 0


class PictureStrip:
    """Up to ``count`` pictures in a row (newest last); light grey squares where there are none."""

    def __init__(self, count=8, side=32, scale=2):
        self.count, self.side = count, side
        self.source = ColumnDataSource({"image": [rgba(self._mosaic([]))]})
        width = round(count * (side + 2) * scale)
        self.figure = figure(width=width, height=round((side + 2) * scale), x_range=Range1d(0, count * (side + 2)),
                             y_range=Range1d(0, side + 2), tools="")
        _bare(self.figure)
        self.figure.image_rgba("image", x=0, y=0, dw=count * (side + 2), dh=side + 2, source=self.source)

    def _mosaic(self, pictures):
        s = self.side + 2
        out = np.full((s, self.count * s, 3), 255, np.uint8)
        for i in range(self.count):
            out[1:-1, i * s + 1:(i + 1) * s - 1] = 235
        for i, picture in enumerate(pictures[-self.count:]):
            out[1:-1, i * s + 1:(i + 1) * s - 1] = picture
        return out

    def update(self, pictures):
        self.source.data = {"image": [rgba(self._mosaic(pictures))]}


class ClassProbabilities:
    """Horizontal bars: the probability of each class; the answer in orange."""

    def __init__(self, width=420):
        self.source = ColumnDataSource({"name": [], "p": [], "color": [], "label": []})
        self.figure = figure(width=width, height=220, y_range=FactorRange(), x_range=Range1d(0, 1.15), tools="")
        self.figure.toolbar_location = None
        self.figure.hbar(y="name", right="p", height=0.7, color="color", source=self.source)
        self.figure.text(x="p", y="name", text="label", source=self.source, x_offset=4, text_baseline="middle",
                         text_font_size="14px")
        self.figure.xgrid.visible = self.figure.ygrid.visible = False
        self.figure.xaxis.visible = False
        self.figure.yaxis.major_label_text_font_size = "15px"

    def update(self, names, probabilities):
        probabilities = np.asarray(probabilities, np.float64)
        best = int(probabilities.argmax()) if len(probabilities) else -1
        self.figure.y_range.factors = list(reversed(names))
        self.source.data = {"name": list(names), "p": probabilities.tolist(),
                            "color": [HIGHLIGHT if i == best else MUTED for i in range(len(names))],
                            "label": [f"{p:.0%}" for p in probabilities]}

    def clear(self, names):
        self.figure.y_range.factors = list(reversed(names))
        self.source.data = {"name": [], "p": [], "color": [], "label": []}

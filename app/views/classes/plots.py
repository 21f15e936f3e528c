"""The "Your classes" view's pictures and plots, each a Bokeh figure updated in place.

* :class:`PictureStrip` — the last pictures of a class side by side, as the network sees them.
* :class:`ClassProbabilities` — one bar per class, the answer in orange.
* :class:`ClassConfusion` — rows: the true class, columns: the answer, for any 2-6 names.
"""
import numpy as np
from bokeh.models import ColumnDataSource, FactorRange, LinearColorMapper, Range1d
from bokeh.plotting import figure

from app.core.theme import ACCENT, ACTIVATION, HIGHLIGHT, MUTED

__all__ = ["PictureStrip", "ClassProbabilities", "ClassConfusion", "rgba"]


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


class ClassConfusion:
    """The confusion matrix of the held-out pictures, named by the classes."""

    def __init__(self, size=360):
        self.source = ColumnDataSource({"true": [], "predicted": [], "count": [], "label": [], "text_color": []})
        self.figure = figure(width=size, height=size, x_range=FactorRange(), y_range=FactorRange(), tools="hover",
                             tooltips="@true → @predicted: @count", x_axis_location="above", min_border_left=70)
        self.figure.toolbar_location = None
        self.mapper = LinearColorMapper(palette=ACTIVATION, low=0, high=1)
        self.figure.rect("predicted", "true", 1, 1, source=self.source, line_color="#DDDDDD",
                         fill_color={"field": "count", "transform": self.mapper})
        self.figure.text("predicted", "true", text="label", source=self.source, text_align="center",
                         text_baseline="middle", text_font_size="15px", text_color="text_color")
        self.figure.grid.visible = False
        self.figure.axis.major_tick_line_color = None
        self.figure.axis.axis_line_color = None
        self.figure.axis.major_label_text_font_size = "14px"
        self.figure.outline_line_color = ACCENT

    def update(self, names, confusion):
        confusion = np.asarray(confusion, np.int64)
        names = list(names)
        self.figure.x_range.factors = names
        self.figure.y_range.factors = list(reversed(names))
        true, predicted = np.divmod(np.arange(confusion.size), confusion.shape[1])
        counts = confusion.ravel()
        self.mapper.high = max(int(counts.max(initial=1)), 1)
        light = counts > 0.6 * self.mapper.high                   # the yellow end of viridis: dark text
        self.source.data = {"true": [names[i] for i in true], "predicted": [names[j] for j in predicted],
                            "count": counts.tolist(), "label": [str(c) for c in counts],
                            "text_color": ["#1F2933" if lt else "#FFFFFF" for lt in light]}

    def set_labels(self, title, true, predicted):
        self.figure.title.text = title
        self.figure.yaxis.axis_label = true
        self.figure.xaxis.axis_label = predicted

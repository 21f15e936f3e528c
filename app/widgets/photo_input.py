"""A photo as the input of a colour model, for the views that take digits or photos.

Inside the network, Gradients and Shift & rotate offer the session's photo models
(:attr:`app.core.session.ModelEntry.input` ``== "photo"``) beside the digit models. With a
photo model the input is a picture: one of the shipped photos and textures
(:mod:`cnncore.photos`) or the student's own (a file or a camera frame, through
:class:`~app.widgets.picture_source.PictureSource`). It is brought to the model's
32 x 32 by :func:`cnncore.images.fit` (cover the square keeping the aspect ratio, area
average, cut the middle) and normalised per channel as in training
(:func:`cnncore.models.photo_tiles.to_input`: ``(x / 255 - 0.5) / 0.25``, the same as the
"Your classes" view).

:class:`PhotoPicker` is the choice (a menu of the shipped pictures and "yours", the picture
card); :class:`RgbPlot` draws a colour picture with a marked cell; :func:`probabilities_html`
lists the class probabilities with the class names.
"""
import html

import numpy as np
import panel as pn
import param
from bokeh.events import Tap
from bokeh.models import ColumnDataSource, ImageRGBA, Range1d, Rect
from bokeh.plotting import figure

from cnncore.images import fit
from cnncore.models.photo_tiles import to_input
from cnncore.photos import photo, photo_names

from app.core.i18n import add_strings, t
from app.core.photo_credits import credit
from app.core.text import plain_html
from app.core.theme import HIGHLIGHT, TEXT
from app.widgets.picture_source import PictureSource

__all__ = ["PHOTO_SIZE", "YOURS", "picture_names", "model_input", "PhotoPicker", "RgbPlot",
           "probabilities_html", "model_note", "rgba", "shown_names"]

PHOTO_SIZE = (32, 32)
YOURS = "yours"

_NAMES = {
    "chelsea": ("Chelsea the cat", "猫咪 Chelsea"),
    "coffee": ("A cup of coffee", "一杯咖啡"),
    "astronaut": ("Astronaut Eileen Collins", "宇航员艾琳·柯林斯"),
    "rocket": ("A rocket launch", "火箭发射"),
    "brick": ("Texture: brick wall", "纹理：砖墙"),
    "grass": ("Texture: grass", "纹理：草地"),
    "gravel": ("Texture: gravel", "纹理：砾石"),
}

add_strings({
    **{f"photo_in_{k}": {"en": en, "zh": zh} for k, (en, zh) in _NAMES.items()},
    "photo_in_yours": {"en": "Your picture (a file or the camera)", "zh": "你的图片（文件或摄像头）"},
    "photo_in_picture": {"en": "Picture", "zh": "图片"},
    "photo_in_none_yet": {"en": "No picture of yours yet: choose a file or use the camera below. "
                                "Until then the network sees {name}.",
                          "zh": "还没有你的图片：请在下面选择文件或使用摄像头。在那之前网络看的是{name}。"},
    "photo_in_fitted": {"en": "The network sees it as 32 × 32 pixels (the middle square, area average), "
                              "3 channels R, G, B.",
                        "zh": "网络看到的是 32 × 32 像素（取中间的正方形，按面积平均），3 个通道 R、G、B。"},
    "photo_in_probabilities": {"en": "Probability of each class", "zh": "每个类别的概率"},
    "photo_in_prediction": {"en": "The model says <b>{name}</b> ({p:.0%} sure).",
                            "zh": "模型认为是 <b>{name}</b>（把握 {p:.0%}）。"},
    "photo_in_note_photo_tiles": {
        "en": ("This colour network learned which of the seven shipped pictures a 32 × 32 patch comes from "
               "(98.7% right on patches from a part of each picture it never trained on). A whole picture "
               "shrunk to 32 × 32 is not what it learned from: on a whole photo its answer is a guess from colours "
               "and textures. Train your own classes in Your classes to see it here too."),
        "zh": ("这个彩色网络学的是：一个 32 × 32 的图片块来自 7 张内置图片中的哪一张（在每张图片从未训练过的部分上，"
               "98.7% 的图片块判断正确）。整张图片缩小到 32 × 32 并不是它学过的东西：对整张照片，它的回答只是根据颜色和纹理的猜测。"
               "在“你的类别”里训练你自己的类别，也能在这里看到它。")},
    "photo_in_note_session": {
        "en": "This colour network was trained in Your classes, on your pictures: its classes are {names}.",
        "zh": "这个彩色网络是在“你的类别”里用你的图片训练的：它的类别是 {names}。"},
    "photo_in_channel": {"en": "{c} channel", "zh": "{c} 通道"},
    # the pretrained model's classes: English keeps the class names themselves
    **{f"photo_in_class_{k}": {"en": k, "zh": zh} for k, zh in (
        ("chelsea", "猫 chelsea"), ("coffee", "咖啡 coffee"), ("astronaut", "宇航员 astronaut"),
        ("rocket", "火箭 rocket"), ("brick", "砖墙 brick"), ("grass", "草地 grass"), ("gravel", "砾石 gravel"))},
})


def picture_names():
    """The pictures a photo model can be shown: the shipped ones, then ``"yours"``."""
    return [*photo_names(), YOURS]


def model_input(picture):
    """``(small, x)``: the picture as the model sees it, ``(32, 32, 3)`` uint8, and its input
    ``(1, 3, 32, 32)`` float32 (normalised per channel as the photo models were trained)."""

    small = fit(np.asarray(picture, np.uint8), PHOTO_SIZE)
    return small, to_input(small)                     # (32, 32, 3) -> (1, 3, 32, 32)


def rgba(image):
    """``(H, W, 3)`` uint8 -> ``(H, W)`` uint32 RGBA, as Bokeh's ``image_rgba`` takes it."""
    image = np.asarray(image, np.uint8)
    out = np.empty(image.shape[:2] + (4,), np.uint8)
    out[..., :3], out[..., 3] = image, 255
    return out.view(np.uint32).reshape(image.shape[:2])


def model_note(entry, lang):
    """What a photo model is, honestly, in ``lang`` (the pretrained one says what it learned)."""
    if entry.session:
        return t("photo_in_note_session", lang, names=", ".join(entry.class_names))
    return t(f"photo_in_note_{entry.arch}", lang)


def shown_names(entry, lang):
    """The class names as the page says them: the pretrained model's in ``lang``, a student's as typed."""
    if entry.session or entry.arch != "photo_tiles":
        return list(entry.class_names)
    return [t(f"photo_in_class_{n}", lang) for n in entry.class_names]


def probabilities_html(names, probabilities, lang, testid, shown=None):
    """Every class's probability as a bar, the largest marked; plain text names (``shown``: as said
    on the page, ``names`` in the ``data-class`` attributes)."""
    shown = list(names) if shown is None else list(shown)
    probabilities = np.asarray(probabilities, np.float64)
    best = int(np.argmax(probabilities))
    rows = []
    for k, (name, p) in enumerate(zip(names, probabilities)):
        weight = "font-weight:700;" if k == best else ""
        rows.append(
            f"<div style='display:flex;align-items:center;gap:8px;{weight}' data-class='{html.escape(str(name))}' "
            f"data-p='{p:.6f}'><span style='width:120px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap'>"
            f"{plain_html(str(shown[k]))}</span><span style='display:inline-block;height:12px;width:{max(1, round(150 * p))}px;"
            f"background:{HIGHLIGHT if k == best else '#7B8794'}'></span><span>{p:.1%}</span></div>")
    title = html.escape(t("photo_in_probabilities", lang))
    return (f"<div data-testid='{testid}' data-best='{html.escape(str(names[best]))}' style='font-size:14px;color:{TEXT}'>"
            f"<b>{title}</b>{''.join(rows)}</div>")


class PhotoPicker(param.Parameterized):
    """The picture a photo model is shown: ``owner.photo`` (a shipped name or ``"yours"``).

    ``picture()`` is the chosen picture, ``(H, W, 3)`` uint8; with ``"yours"`` and no picture
    of the student's yet, the first shipped photo (``fallback``), and the card says so.
    A picture taken by the card (a file or a camera frame) chooses ``"yours"``.
    """

    def __init__(self, owner, **params):
        super().__init__(**params)
        self.owner = owner
        self.select = pn.widgets.Select(width=240, margin=(4, 10))
        self.source = PictureSource(lang=owner.lang)
        self.card = self.source.__panel__()
        self.credit = pn.pane.HTML("", width=240, margin=(0, 10), styles={"color": "#52606D", "font-size": "13px",
                                                                          "overflow-wrap": "anywhere"})
        self.select.param.watch(lambda e: e.new and setattr(owner, "photo", e.new), "value")
        self.source.param.watch(self._taken, "image")

    @property
    def fallback(self):
        return photo_names("photo")[0]

    def _taken(self, event):
        if self.owner.photo == YOURS:
            self.owner.param.trigger("photo")
        else:
            self.owner.photo = YOURS

    def picture(self):
        name = self.owner.photo
        if name == YOURS:
            return self.source.image if self.source.image is not None else photo(self.fallback)
        return photo(name)

    def relabel(self):
        lang = self.owner.lang
        self.source.lang = lang
        self.select.name = t("photo_in_picture", lang)
        self.select.options = {t(f"photo_in_{n}", lang): n for n in picture_names()}
        self.select.value = self.owner.photo
        self.sync()

    def sync(self):
        """Show the credit (a shipped picture) or whether the student's picture is there yet."""
        lang, name = self.owner.lang, self.owner.photo
        self.select.value = name
        if name == YOURS:
            text = "" if self.source.image is not None else t("photo_in_none_yet", lang,
                                                               name=t(f"photo_in_{self.fallback}", lang))
        else:
            text = credit(name, lang)
        fitted = t("photo_in_fitted", lang)
        self.credit.object = f"{plain_html(text)}<br>{html.escape(fitted)}" if text else html.escape(fitted)


class RgbPlot:
    """A colour picture (row 0 at the top) with an outlined box, clickable by cell.

    Shape:
        - update(image): ``(H, W, 3)`` uint8
    """

    def __init__(self, size=160, title=""):
        self.figure = figure(width=size, height=size + (26 if title else 0), title=title, tools="tap",
                             min_border=4, x_range=Range1d(0, 1), y_range=Range1d(0, 1), toolbar_location=None)
        f = self.figure
        f.axis.visible = f.grid.visible = False
        f.outline_line_color = None
        f.title.text_font_size = "15px"
        f.title.text_font_style = "normal"
        self.source = ColumnDataSource(dict(image=[np.zeros((1, 1), np.uint32)], dw=[1], dh=[1]))
        f.add_glyph(self.source, ImageRGBA(image="image", x=0, y=0, dw="dw", dh="dh", origin="top_left"))
        self.box = ColumnDataSource(dict(x=[], y=[], w=[], h=[]))
        f.add_glyph(self.box, Rect(x="x", y="y", width="w", height="h", fill_alpha=0, line_color=HIGHLIGHT,
                                   line_width=3))
        self.shape = (1, 1)
        self._click = []
        f.on_event(Tap, self._tapped)

    def update(self, image):
        image = np.asarray(image, np.uint8)
        h, w = image.shape[:2]
        self.shape = (h, w)
        self.figure.x_range.update(start=0, end=w)
        self.figure.y_range.update(start=0, end=h)
        self.source.data = dict(image=[rgba(image)], dw=[w], dh=[h])   # origin top_left: row 0 on top

    def mark(self, box=None):
        """Outline ``box = (top, left, bottom, right)`` (cells, exclusive ends); None clears it."""
        if box is None:
            self.box.data = dict(x=[], y=[], w=[], h=[])
            return
        top, left, bottom, right = box
        h = self.shape[0]
        self.box.data = dict(x=[(left + right) / 2], y=[h - (top + bottom) / 2], w=[right - left], h=[bottom - top])

    def set_title(self, text):
        self.figure.title.text = text

    def on_click(self, callback):
        """``callback(row, col)`` when a pixel is clicked."""
        self._click.append(callback)

    def _tapped(self, event):
        h, w = self.shape
        if event.x is None or event.y is None:
            return
        row, col = int(h - event.y), int(event.x)
        if 0 <= row < h and 0 <= col < w:
            for callback in self._click:
                callback(row, col)

""""Your picture": a file or a camera snapshot, for any view that takes an image.

:class:`PictureSource` holds a file picker (PNG, JPEG, WebP, …, read by
:func:`app.core.image_input.read_picture`: EXIF rotation honoured, any mode made RGB, large files
shrunk; by Pillow in the served app, by the browser where the page has no Pillow, the static
site: there a picture longer than 1024 pixels is shrunk in the browser with its high-quality
smoothing, and the card says so) and a camera (:class:`~app.widgets.webcam.Webcam`; *Use this frame* takes one
snapshot, holding *Keep updating* sends a frame every 150 ms, so the view follows the camera
live). The last picture is ``image``, an ``(H, W, 3)`` uint8 array, and ``origin`` says where it
came from; a hidden ``data-testid="picture-info"`` holds its size and the mean colour of its
four quarters (``data-size="W×H"``, ``data-quarters``), for tests. Every refusal (not an image, too large, no camera, camera refused) is said in the
card, in the page's language, as plain text; the last good picture is kept.
"""
import numpy as np
import panel as pn
import param

from app.core.i18n import add_strings, t
from app.core.image_input import BrowserPicture, ImageInputError, decode_in_browser, read_picture
from app.core.text import Notice, shorten
from app.core.theme import card_css
from app.widgets.upload import FileUpload
from app.widgets.webcam import Webcam, decode_frame

__all__ = ["PictureSource", "MAX_PICTURE_BYTES"]

MAX_PICTURE_BYTES = 10 * 2 ** 20

add_strings({
    "picture_title": {"en": "Your picture", "zh": "你的图片"},
    "picture_file": {"en": "A picture file (PNG, JPEG, WebP, …; up to 10 MB)",
                     "zh": "图片文件（PNG、JPEG、WebP 等；最大 10 MB）"},
    "picture_file_button": {"en": "Choose a picture", "zh": "选择图片"},
    "picture_camera": {"en": "Or the camera", "zh": "或者使用摄像头"},
    "picture_use_frame": {"en": "Use this frame", "zh": "使用这一帧"},
    "picture_keep_updating": {"en": "Hold: keep updating", "zh": "按住：持续更新"},
    "picture_start_camera": {"en": "Start camera", "zh": "打开摄像头"},
    "picture_none": {"en": "No picture of yours yet: choose a file or use the camera.",
                     "zh": "还没有你的图片：请选择文件或使用摄像头。"},
    "picture_loaded": {"en": "Showing {name} ({width} × {height} pixels).",
                       "zh": "正在显示 {name}（{width} × {height} 像素）。"},
    "picture_loaded_shrunk": {"en": ("Showing {name} ({width} × {height} pixels: the file's {source_width} × "
                                     "{source_height}, shrunk in the browser with its high-quality smoothing)."),
                              "zh": "正在显示 {name}（{width} × {height} 像素：文件原为 {source_width} × {source_height}，"
                                    "已在浏览器中用高质量平滑缩小）。"},
    "picture_camera_frame": {"en": "the camera frame", "zh": "摄像头画面"},
    "picture_too_large": {"en": "{name} is {size:.1f} MB: pictures up to 10 MB can be used. The last picture is kept.",
                          "zh": "{name} 有 {size:.1f} MB：图片最大 10 MB。保留上一张图片。"},
    "picture_refused": {"en": "{reason} The last picture is kept.", "zh": "{reason}保留上一张图片。"},
    "picture_camera_off": {"en": "Camera off. Frames go only to this page, never to a server of ours.",
                           "zh": "摄像头未打开。画面只送到本页面。"},
    "picture_camera_starting": {"en": "Asking the browser for the camera…", "zh": "正在向浏览器请求摄像头……"},
    "picture_camera_on": {"en": "Camera on: press Use this frame, or hold Keep updating.",
                          "zh": "摄像头已打开：点击“使用这一帧”，或按住“持续更新”。"},
    "picture_camera_denied": {"en": ("The camera was refused (by you or the browser). Allow it in the address "
                                     "bar's site settings and press Start camera again, or choose a file."),
                              "zh": "摄像头被拒绝（由你或浏览器）。请在地址栏的网站设置中允许，然后再次点击“打开摄像头”，或者选择文件。"},
    "picture_camera_no_camera": {"en": "No camera was found. Choose a picture file instead.",
                                 "zh": "没有找到摄像头。请改为选择图片文件。"},
    "picture_camera_unsupported": {"en": ("This browser or page cannot use a camera (it needs https or "
                                          "localhost). Choose a picture file instead."),
                                   "zh": "此浏览器或页面无法使用摄像头（需要 https 或 localhost）。请改为选择图片文件。"},
    "picture_camera_error": {"en": "The camera did not start: {detail}", "zh": "摄像头没有启动：{detail}"},
})

def _info(image):
    """The hidden test handle: the picture's size and its four quarters' mean RGB (numbers only)."""
    h, w = image.shape[:2]
    quarters = [image[rows, cols].reshape(-1, 3).mean(axis=0) for rows in (slice(0, h // 2), slice(h // 2, h))
                for cols in (slice(0, w // 2), slice(w // 2, w))]    # top left, top right, bottom left, right
    text = ";".join(",".join(str(int(round(v))) for v in q) for q in quarters)
    return f'<span data-testid="picture-info" data-size="{w}×{h}" data-quarters="{text}" hidden></span>'


_ALERTS = {"denied": "warning", "no_camera": "warning", "unsupported": "warning", "error": "danger", "on": "success"}


class PictureSource(pn.viewable.Viewer):
    """A card with a picture file picker and a camera; watch ``image``.

    ``image``: the last picture, ``(H, W, 3)`` uint8, or None. ``origin``: its file name ('' for
    the camera). ``lang``: the card's language.
    """

    image = param.Parameter(default=None, doc="The last good picture, (H, W, 3) uint8, or None.")
    origin = param.String(default="", doc="Where the picture came from: a file name, '' for the camera.")
    lang = param.Selector(default="en", objects=["en", "zh"])

    def __init__(self, **params):
        super().__init__(**params)
        self.title = pn.pane.HTML("", margin=(0, 10))
        self.file_label = pn.pane.HTML("", margin=(4, 10, 0, 10))
        self.upload = FileUpload(accept="image/*", max_bytes=MAX_PICTURE_BYTES, decode_images=decode_in_browser(),
                                 width=320, height=40, margin=(4, 10))
        self.info = pn.pane.HTML("", margin=0, height=0)
        self.camera_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.webcam = Webcam(margin=(4, 10))
        self.webcam.on_frame = self._on_frame
        self.message = Notice("", alert_type="light", width=320, margin=(4, 10))
        self.camera_status = Notice("", alert_type="light", width=320, margin=(4, 10))
        self._said = ("picture_none", {})
        self.upload.param.watch(lambda e: self.take_file(self.upload.value, self.upload.filename), "value")
        self.upload.param.watch(self._refused, "refused")
        self.webcam.param.watch(lambda *e: self._show_camera(), ["status", "detail"])
        self.relabel()

    # -- taking pictures ------------------------------------------------------------
    def take_file(self, data, filename):
        """A picture file's bytes (or the pixels the browser decoded from it, a
        :class:`~app.core.image_input.BrowserPicture`); a bad file is named in the card and the last
        picture kept."""
        if data is None:
            return False
        name = shorten(filename or "file", 60)
        try:
            image = read_picture(data, name)
        except ImageInputError as exc:
            self._say("picture_refused", "danger", reason=exc.message(self.lang), _error=exc)
            return False
        shrunk = isinstance(data, BrowserPicture) and (data.width, data.height) != (image.shape[1], image.shape[0])
        self._set(image, name, source=(data.width, data.height) if shrunk else None)
        return True

    def take_frame(self, image):
        """A camera frame, ``(H, W, 3)`` uint8 (or base64 text of one, as the browser sends it)."""
        if isinstance(image, str):
            image = decode_frame(image)
        self._set(np.asarray(image, np.uint8), "")

    def _on_frame(self, purpose, frame):
        try:
            self.take_frame(frame)
        except ValueError as exc:          # a frame of the wrong size: say so, keep the last picture
            self._say("picture_refused", "danger", reason=str(exc))

    def _refused(self, event):
        if event.new:
            self._say("picture_too_large", "danger", name=shorten(event.new["name"], 60),
                      size=event.new["size"] / 2 ** 20)

    def _set(self, image, name, source=None):
        self.param.update(image=image, origin=name)
        self.info.object = _info(image)
        if source:
            self._say("picture_loaded_shrunk", "success", width=image.shape[1], height=image.shape[0],
                      source_width=source[0], source_height=source[1])
        else:
            self._say("picture_loaded", "success", width=image.shape[1], height=image.shape[0])

    # -- words ---------------------------------------------------------------------------
    def _say(self, key, alert, _error=None, **fields):
        self._said = (key, dict(fields, _alert=alert, _error=_error))
        self._render_message()

    def _render_message(self):
        key, fields = self._said
        fields = dict(fields)
        alert, error = fields.pop("_alert", "light"), fields.pop("_error", None)
        if error is not None:                     # re-said in the current language
            fields["reason"] = error.message(self.lang)
        if key in ("picture_loaded", "picture_loaded_shrunk"):
            fields["name"] = self.origin or t("picture_camera_frame", self.lang)
        self.message.param.update(object=t(key, self.lang, **fields), alert_type=alert)

    def _show_camera(self):
        status = self.webcam.status
        self.camera_status.param.update(object=t(f"picture_camera_{status}", self.lang, detail=self.webcam.detail),
                                        alert_type=_ALERTS.get(status, "light"))

    @param.depends("lang", watch=True)
    def relabel(self):
        lang = self.lang
        self.title.object = f"<h3 style='margin:4px 0'>{t('picture_title', lang)}</h3>"
        self.file_label.object = f"<b>{t('picture_file', lang)}</b>"
        self.camera_label.object = f"<b>{t('picture_camera', lang)}</b>"
        self.upload.param.update(lang=lang, label=t("picture_file_button", lang))
        self.webcam.param.update(start_label=t("picture_start_camera", lang),
                                 capture_label=t("picture_keep_updating", lang),
                                 predict_label=t("picture_use_frame", lang))
        self._render_message()
        self._show_camera()

    def __panel__(self):
        return pn.Column(self.title, self.file_label, self.upload, self.message, self.info, self.camera_label,
                         self.webcam, self.camera_status, css_classes=["cnn-card"], stylesheets=[card_css()],
                         margin=(8, 8), width=360)

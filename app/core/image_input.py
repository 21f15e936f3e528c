"""Any uploaded picture as an RGB array, or a clear message saying why not.

:func:`decode_image` turns the bytes of a file (PNG, JPEG, WebP, GIF, BMP, TIFF: whatever
Pillow reads) into an ``(H, W, 3)`` uint8 RGB array, the layout :mod:`cnncore.images` starts
from. On the way:

* **EXIF rotation** is honoured (``ImageOps.exif_transpose``): a phone photo taken upright
  comes out upright, not lying on its side.
* **Every mode** becomes RGB: grey (``L``, ``1``), palette (``P``), ``CMYK``, ``YCbCr``;
  transparent pictures (``RGBA``, ``LA``, ``P`` with a transparent colour) are laid on white,
  as a browser shows them on a white page; 16-bit grey (``I;16``, ``I``) is scaled
  65535 -> 255, float (``F``) from its 0-1 or 0-255 range.
* **Size**: Pillow's decompression-bomb limit (``Image.MAX_IMAGE_PIXELS``, about 89
  megapixels) is checked from the header before any pixel is decoded, and reported as a
  message (a 20000 x 20000 file would need 1.2 GB). Pictures with a longer side above
  ``max_side`` are shrunk on reading (JPEG decodes at 1/2, 1/4 or 1/8 scale directly, then
  Pillow's box filter: an area average). Pictures smaller than ``MIN_SIDE`` on a side
  (a 1 x 1 pixel) are refused: there is nothing to see.

Every refusal is an :class:`ImageInputError` with a ``code`` and a message in English and
中文 (:meth:`ImageInputError.message`).

**Without Pillow** (the static Pyodide site) the browser decodes the file instead
(``app/widgets/upload.py``: ``createImageBitmap`` with EXIF orientation, then a canvas; a
longer side above ``MAX_SIDE`` is shrunk there with the canvas's high-quality smoothing) and sends
its RGBA pixels: a :class:`BrowserPicture`. :func:`picture_from_rgba` turns them into the same
``(H, W, 3)`` uint8 RGB (alpha laid on white exactly as Pillow's ``alpha_composite`` does), and
:func:`read_picture` takes either kind of upload. :func:`decode_in_browser` says which road a page
takes (``CNN_DECODE_IN_BROWSER=1`` forces the browser's, e.g. to test it in the served app).
"""
import base64
import importlib.util
import io
import os
from dataclasses import dataclass

import numpy as np

from cnncore.images import resize

from app.core.i18n import add_strings, t
from app.core.text import shorten

__all__ = ["ImageInputError", "BrowserPicture", "decode_image", "picture_from_rgba", "read_picture",
           "decode_in_browser", "MIN_SIDE", "MAX_SIDE", "MAX_PIXELS"]

MIN_SIDE = 8          # pixels: anything smaller is not a picture to learn from
MAX_SIDE = 1024       # pixels: larger pictures are shrunk on reading (area average)
MAX_PIXELS = 89_478_485   # Pillow's decompression-bomb limit (Image.MAX_IMAGE_PIXELS), also without Pillow

add_strings({
    "image_error_empty": {"en": "The file {name} is empty.", "zh": "文件 {name} 是空的。"},
    "image_error_not_image": {"en": "{name} is not an image Pillow can read (PNG, JPEG, WebP, GIF, BMP, TIFF).",
                              "zh": "{name} 不是可读取的图片（支持 PNG、JPEG、WebP、GIF、BMP、TIFF）。"},
    "image_error_truncated": {"en": "{name} is cut off or damaged: its pixels could not be read ({detail}).",
                              "zh": "{name} 不完整或已损坏：无法读取其像素（{detail}）。"},
    "image_error_bomb": {"en": ("{name} is {width} × {height} pixels ({mpx:.0f} megapixels): more than the "
                                "{limit:.0f} megapixels that can be read safely. Shrink it first."),
                         "zh": "{name} 有 {width} × {height} 像素（{mpx:.0f} 百万像素），超过可安全读取的 "
                               "{limit:.0f} 百万像素。请先缩小它。"},
    "image_error_too_small": {"en": ("{name} is only {width} × {height} pixels: a picture needs at least "
                                     "{min} × {min}."),
                              "zh": "{name} 只有 {width} × {height} 像素：图片至少要 {min} × {min}。"},
    "image_error_no_decoder": {"en": ("{name} cannot be read: reading it here needs Pillow, which this page does "
                                      "not have, or a browser that decodes pictures itself. Try a newer browser, "
                                      "the camera or the starter pictures."),
                               "zh": "无法读取 {name}：在这里读取它需要 Pillow（本页面没有）或能自行解码图片的浏览器。"
                                     "请换用较新的浏览器，或使用摄像头或示例图片。"},
    "image_error_browser_cannot": {"en": ("{name} cannot be read as a picture by this browser: it is not an image "
                                          "file, or it is cut off or damaged (PNG, JPEG, WebP, GIF, BMP work)."),
                                   "zh": "此浏览器无法把 {name} 读取为图片：它不是图片文件，或不完整、已损坏"
                                         "（支持 PNG、JPEG、WebP、GIF、BMP）。"},
    "image_error_bad_pixels": {"en": "{name} arrived damaged from the browser ({detail}). Choose it again.",
                               "zh": "{name} 从浏览器传来时已损坏（{detail}）。请重新选择。"},
})


class ImageInputError(ValueError):
    """A file that cannot become a picture; ``code`` says why, :meth:`message` says it to a student.

    Codes: ``empty``, ``not_image``, ``truncated``, ``bomb``, ``too_small``, ``no_decoder``
    (bytes without Pillow), ``browser_cannot`` (the browser could not decode the file),
    ``bad_pixels`` (decoded pixels of the wrong type or size).
    """

    def __init__(self, code, **fields):
        self.code, self.fields = code, fields
        super().__init__(self.message("en"))

    def message(self, lang="en"):
        """The reason in ``lang`` (the file name and details as given: show it as plain text)."""
        return t(f"image_error_{self.code}", lang, **self.fields)


def _to_rgb(im):
    """Any Pillow mode to an ``(H, W, 3)`` uint8 array; transparency laid on white."""
    from PIL import Image  # (Pillow: in the served app only; the static site decodes in the browser)

    if im.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        values = np.asarray(im, dtype=np.float64)
        scale = 257.0 if im.mode.startswith("I;16") or values.max() > 255 else 1.0
        im = Image.fromarray(np.clip(np.rint(values / scale), 0, 255).astype(np.uint8), "L")
    elif im.mode == "F":
        values = np.asarray(im, dtype=np.float64)
        values = values * 255 if np.nanmax(values) <= 1.0 else values
        im = Image.fromarray(np.clip(np.rint(np.nan_to_num(values)), 0, 255).astype(np.uint8), "L")
    transparent = im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or "transparency" in im.info
    if transparent:
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        im = Image.alpha_composite(white, rgba)
    return np.asarray(im.convert("RGB"), dtype=np.uint8)


def decode_image(data, name="image", max_side=MAX_SIDE):
    """The bytes of a picture file as RGB, upright, at most ``max_side`` on its longer side.

    Args:
        data: the file's bytes.
        name: the file's name, for messages.
        max_side: longer pictures are shrunk to this (area average).

    Returns:
        ``(H, W, 3)`` uint8 array, RGB.

    Raises:
        ImageInputError: empty, not an image, truncated, too large (Pillow's limit), too
            small, or no Pillow.
    """
    if not data:
        raise ImageInputError("empty", name=name)
    try:
        from PIL import Image, ImageOps, UnidentifiedImageError
    except ImportError:
        raise ImageInputError("no_decoder", name=name) from None
    limit = Image.MAX_IMAGE_PIXELS
    try:
        # Opening reads the header only. Pillow's own check would refuse a bomb here without
        # saying its size, so it is switched off for the header and done below, with the size.
        Image.MAX_IMAGE_PIXELS = None
        im = Image.open(io.BytesIO(bytes(data)))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise ImageInputError("not_image", name=name) from None
    finally:
        Image.MAX_IMAGE_PIXELS = limit
    with im:
        width, height = im.size
        if limit and width * height > limit:
            raise ImageInputError("bomb", name=name, width=width, height=height, mpx=width * height / 1e6,
                                  limit=limit / 1e6)
        if min(width, height) < MIN_SIDE:
            raise ImageInputError("too_small", name=name, width=width, height=height, min=MIN_SIDE)
        try:
            if max(width, height) > max_side and im.format == "JPEG":
                im.draft("RGB", (max_side, max_side))  # decode at 1/2, 1/4 or 1/8 scale
            im.load()
            im = ImageOps.exif_transpose(im)
            if max(im.size) > max_side:
                im.thumbnail((max_side, max_side), Image.Resampling.BOX)
            return _to_rgb(im)
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise ImageInputError("truncated", name=name, detail=shorten(exc, 200) or type(exc).__name__) from None



# -- pictures the browser decoded (the static site has no Pillow) --------------------------------
def decode_in_browser():
    """True where picture files are decoded in the browser: pages without Pillow (the static
    site), or any page with ``CNN_DECODE_IN_BROWSER=1`` (``=0`` forces Pillow)."""
    forced = os.environ.get("CNN_DECODE_IN_BROWSER", "")
    if forced in ("0", "1"):
        return forced == "1"
    return importlib.util.find_spec("PIL") is None


@dataclass(frozen=True, eq=False)
class BrowserPicture:
    """A picture file as the browser decoded it (``app/widgets/upload.py``), or could not.

    ``rgba``: ``(H, W, 4)`` uint8, upright, already at most ``MAX_SIDE`` on its longer side (or
    None). ``width`` x ``height``: the file's picture, upright, before shrinking. ``problem``: ''
    or the :class:`ImageInputError` code the browser found (``browser_cannot``, ``bomb``).
    ``size``: the file's length in bytes.
    """

    rgba: object = None
    width: int = 0
    height: int = 0
    problem: str = ""
    size: int = 0

    @classmethod
    def from_message(cls, entry):
        """From the browser's ``{"kind": "pixels" | "undecodable" | "bomb", "width", "height",
        "source_width", "source_height", "size", "data" (base64 RGBA)}``."""
        def number(key):
            try:
                return max(0, int(entry.get(key) or 0))
            except (TypeError, ValueError):
                return 0
        kind, size = entry.get("kind"), number("size")
        source = (number("source_width") or number("width"), number("source_height") or number("height"))
        if kind == "bomb":
            return cls(None, *source, problem="bomb", size=size)
        if kind != "pixels":
            return cls(None, *source, problem="browser_cannot", size=size)
        try:
            pixels = np.frombuffer(base64.b64decode(entry.get("data") or ""), np.uint8)
        except (TypeError, ValueError):
            pixels = np.zeros(0, np.uint8)
        width, height = number("width"), number("height")
        if pixels.size == width * height * 4:
            pixels = pixels.reshape(height, width, 4)          # row-major RGBA, as getImageData gives it
        return cls(pixels, *source, size=size)

    def __len__(self):                   # what the size limit counts: the file's bytes
        return self.size

    def __bool__(self):                  # a picture, even of a file whose size is not known
        return True


def _on_white(rgba):
    """``(H, W, 4)`` uint8 -> ``(H, W, 3)`` uint8 laid on opaque white, to the bit as Pillow's
    ``Image.alpha_composite(white, picture)`` (its 7-bit fixed point and rounding)."""
    a = rgba[..., 3:].astype(np.uint32)
    colour = rgba[..., :3].astype(np.uint32)
    mixed = (colour * a + 255 * (255 - a)) << 7             # 128 x (c a + 255 (255 - a))
    mixed = mixed + (0x80 << 7)
    return ((((mixed >> 8) + mixed) >> 8) >> 7).astype(np.uint8)   # ~ / 255, rounded


def picture_from_rgba(rgba, name="image", max_side=MAX_SIDE, width=None, height=None):
    """Decoded RGBA pixels (what the browser sends) as the RGB picture :func:`decode_image` gives.

    Args:
        rgba: ``(H, W, 4)`` uint8, upright.
        name: the file's name, for messages.
        max_side: a longer picture is shrunk to this (area average, :func:`cnncore.images.resize`).
        width, height: the file's picture before the browser shrank it (default: ``rgba``'s).

    Returns:
        ``(H, W, 3)`` uint8, RGB; transparency laid on white.

    Raises:
        ImageInputError: ``bad_pixels`` (not ``(H, W, 4)`` uint8), ``bomb``, ``too_small``.

    Shape:
        - rgba: ``(H, W, 4)``
        - Output: ``(H', W', 3)`` with ``max(H', W') <= max_side`` and ``H'/W' ≈ H/W``
    """
    pixels = np.asarray(rgba) if rgba is not None else np.zeros(0, np.uint8)
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 4:
        raise ImageInputError("bad_pixels", name=name, detail=f"{pixels.dtype} {tuple(pixels.shape)}, not H × W × 4 bytes")
    width, height = int(width or pixels.shape[1]), int(height or pixels.shape[0])
    if width * height > MAX_PIXELS:
        raise ImageInputError("bomb", name=name, width=width, height=height, mpx=width * height / 1e6,
                              limit=MAX_PIXELS / 1e6)
    if min(width, height, *pixels.shape[:2]) < MIN_SIDE:
        raise ImageInputError("too_small", name=name, width=width, height=height, min=MIN_SIDE)
    rgb = _on_white(pixels)
    longest = max(rgb.shape[:2])
    if longest > max_side:
        scale = max_side / longest
        rgb = resize(rgb, (max(1, round(rgb.shape[0] * scale)), max(1, round(rgb.shape[1] * scale))))
    return rgb


def read_picture(data, name="image", max_side=MAX_SIDE):
    """An upload as RGB, whichever road it took: a file's bytes (:func:`decode_image`, Pillow)
    or a :class:`BrowserPicture` (:func:`picture_from_rgba`). Raises :class:`ImageInputError`."""
    if isinstance(data, BrowserPicture):
        if data.problem == "bomb":
            raise ImageInputError("bomb", name=name, width=data.width, height=data.height,
                                  mpx=data.width * data.height / 1e6, limit=MAX_PIXELS / 1e6)
        if data.problem:
            raise ImageInputError(data.problem, name=name)
        return picture_from_rgba(data.rgba, name, max_side, data.width, data.height)
    return decode_image(data, name, max_side)

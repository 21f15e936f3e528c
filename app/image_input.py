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
中文 (:meth:`ImageInputError.message`). Pillow is the served app's; the static site has no
Pillow, and says so (code ``no_decoder``); its webcam sends raw pixels, which need no decoder.
"""
import io

import numpy as np

from .i18n import add_strings, t
from .text import shorten

__all__ = ["ImageInputError", "decode_image", "MIN_SIDE", "MAX_SIDE"]

MIN_SIDE = 8          # pixels: anything smaller is not a picture to learn from
MAX_SIDE = 1024       # pixels: larger pictures are shrunk on reading (area average)

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
    "image_error_no_decoder": {"en": ("{name} cannot be read: reading image files needs Pillow, which this page "
                                      "does not have (the static site). Use the camera or the starter pictures."),
                               "zh": "无法读取 {name}：读取图片文件需要 Pillow，而本页面（静态网站）没有。请使用摄像头或示例图片。"},
})


class ImageInputError(ValueError):
    """A file that cannot become a picture; ``code`` says why, :meth:`message` says it to a student.

    Codes: ``empty``, ``not_image``, ``truncated``, ``bomb``, ``too_small``, ``no_decoder``.
    """

    def __init__(self, code, **fields):
        self.code, self.fields = code, fields
        super().__init__(self.message("en"))

    def message(self, lang="en"):
        """The reason in ``lang`` (the file name and details as given: show it as plain text)."""
        return t(f"image_error_{self.code}", lang, **self.fields)


def _to_rgb(im):
    """Any Pillow mode to an ``(H, W, 3)`` uint8 array; transparency laid on white."""
    from PIL import Image

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


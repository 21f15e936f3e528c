"""Inputs of the convolution lab: a test digit, a small built-in picture, a real photo or the
student's own picture, grey or RGB.

Nothing is downloaded: the digit comes from ``cnncore.data.sample_digits``
and the picture (a house under a sun, on a green hill, under a blue sky) is
drawn here with NumPy on a fine grid and shrunk with
``cnncore.data.area_resample``, so its edges are anti-aliased at every size.
Colours are chosen so that each channel sees something different: the
red house is bright in R, the hill in G, the sky in B.

The photos are the package's (``cnncore.photos``: scikit-image's CC0 / public-domain
pictures); a photo or the student's picture is fitted to ``size x size`` by
``cnncore.images.fit`` (area average, the middle square kept).

Grey is the ITU-R 601 luminance ``0.299 R + 0.587 G + 0.114 B`` (what
Pillow's ``convert("L")`` computes); a grey digit in RGB mode is drawn as
orange ink on blue paper, so its three channels differ too.
"""
import functools

import numpy as np

from cnncore.data import area_resample, sample_digits
from cnncore.images import fit
from cnncore.photos import photo

from app.views.conv.presets import LUMINANCE

__all__ = ["SOURCES", "CHANNEL_MODES", "picture_rgb", "photo_rgb", "digit_grey", "make_input", "to_grey"]

SOURCES = ("digit", "picture", "photo", "yours")
CHANNEL_MODES = ("grey", "rgb")
_FINE = 112          # the picture is drawn at this resolution, then area-averaged
_INK = np.array([0.95, 0.55, 0.05])     # orange ink of an RGB digit
_PAPER = np.array([0.10, 0.25, 0.60])   # blue paper of an RGB digit


@functools.lru_cache(maxsize=1)
def _digits():
    images, _ = sample_digits(1)                         # (10, 1, 28, 28), digit d at index d
    images = np.asarray(images, dtype=np.float64)
    images.setflags(write=False)
    return images


@functools.lru_cache(maxsize=1)
def _fine_picture():
    n = _FINE
    y, x = np.mgrid[0:n, 0:n] / n                        # (n, n) each, 0 at the top-left
    sky = np.stack([0.35 + 0.3 * y, 0.6 + 0.25 * y, 0.95 - 0.1 * y])     # (3, n, n), light blue
    img = sky.copy()
    sun = (x - 0.78) ** 2 + (y - 0.2) ** 2 < 0.12 ** 2
    img[:, sun] = np.array([1.0, 0.85, 0.1])[:, None]
    hill = (x - 0.5) ** 2 / 0.9 + (y - 1.25) ** 2 < 0.55 ** 2
    img[:, hill] = np.array([0.2, 0.65, 0.2])[:, None]
    wall = (x > 0.18) & (x < 0.5) & (y > 0.5) & (y < 0.82)
    img[:, wall] = np.array([0.85, 0.15, 0.1])[:, None]
    roof = (y > 0.3) & (y <= 0.5) & (np.abs(x - 0.34) < (y - 0.3) * 1.0)
    img[:, roof] = np.array([0.3, 0.15, 0.1])[:, None]
    door = (x > 0.3) & (x < 0.38) & (y > 0.66) & (y < 0.82)
    img[:, door] = np.array([0.95, 0.9, 0.6])[:, None]
    img.setflags(write=False)
    return img


def picture_rgb(size):
    """The built-in picture at ``size x size``, values in 0..1.

    Shape:
        - Output: ``(3, size, size)`` float64
    """
    fine = _fine_picture()
    return np.stack([area_resample(channel, (size, size)) for channel in fine])


def photo_rgb(image, size):
    """An ``(H, W, 3)`` uint8 picture fitted to ``size x size`` (area average, middle square).

    Shape:
        - image: ``(H, W, 3)`` uint8; Output: ``(3, size, size)`` float64 in 0..1
    """
    small = fit(np.asarray(image, np.float64) / 255.0, (size, size))   # (H, W, 3) -> (size, size, 3)
    return np.moveaxis(small, 2, 0)                                     # -> (3, size, size)


def digit_grey(digit, size):
    """Test digit ``digit`` (0-9) from ``sample_digits``, area-resampled to ``size x size``.

    Shape:
        - Output: ``(1, size, size)`` float64, white ink (1) on black (0)
    """
    image = _digits()[int(digit) % 10, 0]                # (10, 1, 28, 28) -> (28, 28)
    return area_resample(image, (size, size))[None]      # (size, size) -> (1, size, size)


def to_grey(rgb):
    """Luminance ``0.299 R + 0.587 G + 0.114 B``.

    Shape:
        - rgb: ``(3, H, W)``; Output: ``(1, H, W)``
    """
    return np.tensordot(np.asarray(LUMINANCE), rgb, axes=1)[None]   # (3,) . (3, H, W) -> (1, H, W)


def make_input(source="digit", channels="grey", size=14, digit=5, photo_name="chelsea", own=None):
    """The lab's input image.

    Args:
        source: ``"digit"``, ``"picture"``, ``"photo"`` or ``"yours"``.
        channels: ``"grey"`` (one channel) or ``"rgb"`` (three).
        size: side in pixels.
        digit: which test digit, for ``source="digit"``.
        photo_name: which shipped photo, for ``source="photo"`` (see ``cnncore.photos``).
        own: the student's picture, ``(H, W, 3)`` uint8, for ``source="yours"``.

    Shape:
        - Output: ``(1, size, size)`` for grey, ``(3, size, size)`` for RGB
    """
    if source not in SOURCES or channels not in CHANNEL_MODES:
        raise ValueError(f"unknown input {source!r} / {channels!r}")
    if source != "digit":
        if source == "yours" and own is None:
            raise ValueError("no picture of yours yet: choose a file or use the camera")
        rgb = (picture_rgb(size) if source == "picture" else
               photo_rgb(photo(photo_name) if source == "photo" else own, size))
        return to_grey(rgb) if channels == "grey" else rgb
    grey = digit_grey(digit, size)
    if channels == "grey":
        return grey
    return _PAPER[:, None, None] + (_INK - _PAPER)[:, None, None] * grey   # (1, H, W) -> (3, H, W)

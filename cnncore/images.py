"""Colour images as a network sees them: resizing, cropping, ``HWC uint8 -> NCHW float``.

A photo arrives as an ``(H, W, 3)`` array of bytes (height, width, then the red, green and
blue channel: the *HWC* layout of image files). A convolution layer wants ``(N, C, H, W)``
floats (*NCHW*, PyTorch's layout). Between the two:

1. **Resize** (:func:`resize`), one axis at a time, with a stated method:

   * **shrinking** an axis: *area averaging* (a box filter). Each output pixel is the mean of
     the input area it covers, counting a partly covered pixel by the covered fraction, so
     nothing is skipped and no aliasing (moiré) appears. Pillow's ``Image.BOX`` does the same;
     ``torch.nn.functional.interpolate(mode="area")`` agrees exactly when the factor is a
     whole number.
   * **enlarging** an axis: *bilinear* interpolation with half-pixel centres, identical to
     ``interpolate(mode="bilinear", align_corners=False)``: output pixel ``i`` samples the
     input at ``x = (i + 0.5) * n_in / n_out - 0.5`` (clamped to the image) and mixes the
     two nearest pixels by their distance.

   Both are linear, so each axis is one weight matrix and the resize is
   ``rows @ image @ cols.T``.
2. **Crop** to the network's aspect ratio (:func:`center_crop`, :func:`fit`).
3. **To a tensor** (:func:`to_tensor`): channels first, values ``/ 255`` into ``[0, 1]``,
   optionally ``(x - mean) / std`` per channel (e.g. ImageNet's statistics).

Only NumPy is used, so this runs unchanged in the browser (Pyodide). Reading files (PNG,
JPEG, EXIF rotation, odd modes) is the app's job (``app/core/image_input.py``, with Pillow).
"""
import numpy as np

from . import backend
from .errors import ShapeError

__all__ = ["resize_weights", "resize", "center_crop", "fit", "to_tensor", "to_image",
           "IMAGENET_MEAN", "IMAGENET_STD"]

IMAGENET_MEAN = (0.485, 0.456, 0.406)   # per RGB channel, of ImageNet's training photos
IMAGENET_STD = (0.229, 0.224, 0.225)


def _area_weights(n_in, n_out):
    """``(n_out, n_in)``: the fraction of output pixel i's span ``[i*s, (i+1)*s)`` that input
    pixel j covers (``s = n_in / n_out``); each row sums to 1."""
    step = n_in / n_out
    start = np.arange(n_out)[:, None] * step                 # (n_out, 1)
    j = np.arange(n_in)[None, :]                             # (1, n_in)
    overlap = np.minimum(start + step, j + 1) - np.maximum(start, j)
    return np.clip(overlap, 0, None) / step                  # (n_out, n_in)


def _bilinear_weights(n_in, n_out):
    """``(n_out, n_in)``: half-pixel-centre linear interpolation (``align_corners=False``)."""
    x = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
    x = np.clip(x, 0, n_in - 1)                              # the border pixel repeats outside
    left = np.floor(x).astype(np.int64)
    right = np.minimum(left + 1, n_in - 1)
    frac = x - left
    weights = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(weights, (rows, left), 1 - frac)
    np.add.at(weights, (rows, right), frac)
    return weights


def resize_weights(n_in, n_out):
    """The ``(n_out, n_in)`` matrix that resizes one axis: area average when shrinking (or
    keeping the size: then it is the identity), bilinear when enlarging."""
    n_in, n_out = int(n_in), int(n_out)
    if n_in < 1 or n_out < 1:
        raise ShapeError(f"resize: sizes must be at least 1, got {n_in} -> {n_out}")
    return _area_weights(n_in, n_out) if n_out <= n_in else _bilinear_weights(n_in, n_out)


def _check_image(image, who):
    image = np.asarray(image)
    if image.ndim not in (2, 3) or min(image.shape[:2]) < 1:
        raise ShapeError(f"{who}: expected a non-empty (H, W) or (H, W, C) image, got shape {image.shape}")
    return image


def resize(image, size):
    """Resize an image to ``size = (height, width)``: area average to shrink, bilinear to enlarge.

    Each axis is resized on its own (a 600x400 photo to 32x32 shrinks both; to 64x800 it
    shrinks one and enlarges the other). A ``uint8`` image comes back ``uint8`` (rounded to
    the nearest value); anything else comes back ``float64``.

    Shape:
        - image: ``(H, W)`` or ``(H, W, C)``
        - Output: ``(height, width)`` or ``(height, width, C)``
    """
    image = _check_image(image, "resize")
    out_h, out_w = (int(s) for s in size)
    rows = resize_weights(image.shape[0], out_h)            # (out_h, H)
    cols = resize_weights(image.shape[1], out_w)            # (out_w, W)
    x = image.astype(np.float64)
    grey = x.ndim == 2
    if grey:
        x = x[..., None]                                     # (H, W) -> (H, W, 1)
    x = np.moveaxis(x, 2, 0)                                 # (H, W, C) -> (C, H, W)
    out = backend.matmul(backend.matmul(rows, x), cols.T)    # (out_h, H) @ (C, H, W) @ (W, out_w)
    out = np.moveaxis(out, 0, 2)                             # (C, out_h, out_w) -> (out_h, out_w, C)
    if grey:
        out = out[..., 0]
    if image.dtype == np.uint8:
        return np.clip(np.rint(out), 0, 255).astype(np.uint8)
    return out


def center_crop(image, size):
    """The middle ``size = (height, width)`` of an image (no resampling).

    Shape:
        - image: ``(H, W, ...)`` with ``H >= height`` and ``W >= width``
        - Output: ``(height, width, ...)``
    """
    image = _check_image(image, "center_crop")
    h, w = (int(s) for s in size)
    if not (1 <= h <= image.shape[0] and 1 <= w <= image.shape[1]):
        raise ShapeError(f"center_crop: cannot cut {h}x{w} out of a {image.shape[0]}x{image.shape[1]} image")
    top, left = (image.shape[0] - h) // 2, (image.shape[1] - w) // 2
    return image[top:top + h, left:left + w]


def fit(image, size):
    """Resize so the image covers ``size = (height, width)`` keeping its aspect ratio, then cut
    the middle out: what a classifier of ``height x width`` inputs is given.

    Shape:
        - image: ``(H, W)`` or ``(H, W, C)``
        - Output: ``(height, width)`` or ``(height, width, C)``
    """
    image = _check_image(image, "fit")
    h, w = (int(s) for s in size)
    scale = max(h / image.shape[0], w / image.shape[1])
    cover = (max(h, round(image.shape[0] * scale)), max(w, round(image.shape[1] * scale)))
    return center_crop(resize(image, cover), (h, w))


def to_tensor(images, mean=None, std=None, dtype=np.float32):
    """``HWC`` bytes to the ``NCHW`` floats a network takes: RGB order kept, ``/ 255``, then
    ``(x - mean[c]) / std[c]`` per channel if ``mean``/``std`` are given.

    A single image ``(H, W, C)`` gets a batch axis; a grey ``(H, W)`` image gets a channel.
    Float input is taken as already in ``[0, 1]`` (not divided).

    Shape:
        - images: ``(H, W)``, ``(H, W, C)`` or ``(N, H, W, C)``
        - Output: ``(N, C, H, W)`` (``N = 1`` for one image)
    """
    x = np.asarray(images)
    if x.ndim == 2:
        x = x[None, :, :, None]                              # (H, W) -> (1, H, W, 1)
    elif x.ndim == 3:
        x = x[None]                                          # (H, W, C) -> (1, H, W, C)
    if x.ndim != 4:
        raise ShapeError(f"to_tensor: expected (H, W), (H, W, C) or (N, H, W, C), got shape {x.shape}")
    scaled = x.astype(dtype) / dtype(255) if x.dtype == np.uint8 else x.astype(dtype)
    out = np.ascontiguousarray(scaled.transpose(0, 3, 1, 2))  # (N, H, W, C) -> (N, C, H, W)
    channels = out.shape[1]
    if mean is not None or std is not None:
        mean = np.broadcast_to(np.asarray(0.0 if mean is None else mean, dtype), (channels,))
        std = np.broadcast_to(np.asarray(1.0 if std is None else std, dtype), (channels,))
        if not np.all(std > 0):
            raise ValueError(f"to_tensor: every std must be > 0, got {std.tolist()}")
        out = (out - mean[None, :, None, None]) / std[None, :, None, None]
    return out


def to_image(tensor, mean=None, std=None):
    """The inverse of :func:`to_tensor`: ``NCHW`` (or ``CHW``) floats back to ``HWC`` bytes.

    Shape:
        - tensor: ``(C, H, W)`` or ``(N, C, H, W)``
        - Output: ``(H, W, C)`` or ``(N, H, W, C)`` uint8
    """
    x = np.asarray(tensor, dtype=np.float64)
    if x.ndim not in (3, 4):
        raise ShapeError(f"to_image: expected (C, H, W) or (N, C, H, W), got shape {x.shape}")
    channels = x.shape[-3]
    shape = (channels, 1, 1)
    if std is not None:
        x = x * np.broadcast_to(np.asarray(std, np.float64), (channels,)).reshape(shape)
    if mean is not None:
        x = x + np.broadcast_to(np.asarray(mean, np.float64), (channels,)).reshape(shape)
    out = np.clip(np.rint(x * 255), 0, 255).astype(np.uint8)
    return np.moveaxis(out, -3, -1)                          # (..., C, H, W) -> (..., H, W, C)

"""Handwritten digits: the bundled MNIST sample, drawings made MNIST-like, augmentation
(and, from :mod:`cnncore.photos`, the shipped photos).

The data are 5,000 digits of the MNIST database of handwritten digits
(Yann LeCun, Corinna Cortes, Christopher J. C. Burges;
http://yann.lecun.com/exdb/mnist/), licensed CC BY-SA 3.0, stored in
``cnncore/assets/digits.npz`` by ``scripts/make_digits.py`` with a fixed,
stratified split: 4,000 train / 1,000 test, 100 test digits per class.

How MNIST was made, and what :func:`preprocess_drawing` repeats for a
digit drawn on a canvas: the ink is cropped to its bounding box, scaled
(keeping the aspect ratio, with anti-aliasing) so that its longer side is
20 pixels, and placed in a 28x28 field so that its centre of mass is at
the centre. The result is a white digit (1.0) on black (0.0).

Only NumPy is used, so this runs unchanged in the browser (Pyodide).
"""
import io
from dataclasses import dataclass
from importlib import resources

import numpy as np

from . import backend
from .errors import ShapeError
from .photos import photo, photo_credit, photo_names, photos, texture_patches  # noqa: F401  (the shipped photos)

__all__ = ["load_digits", "sample_digits", "digits_credit", "area_resample",
           "preprocess_drawing", "PreprocessedDrawing", "augment",
           "photos", "photo", "photo_names", "photo_credit", "texture_patches"]

SIZE = 28          # MNIST images are 28x28
BOX = 20           # ... with the digit scaled to fit a 20x20 box
SPLITS = ("train", "test", "all")

_raw = {}          # the file's arrays, read once, read-only


# --------------------------------------------------------------------------
# The bundled digits
# --------------------------------------------------------------------------

def _digits_file():
    """The arrays of ``assets/digits.npz``, read on first use and kept."""
    if not _raw:
        blob = (resources.files("cnncore") / "assets" / "digits.npz").read_bytes()
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            for key in archive.files:
                array = archive[key]
                array.flags.writeable = False
                _raw[key] = array
    return _raw


def _split_rows(split):
    if split not in SPLITS:
        raise ValueError(f"load_digits: split must be one of {SPLITS}, got {split!r}")
    raw = _digits_file()
    return np.arange(len(raw["labels"])) if split == "all" else raw[split].astype(np.int64)


def load_digits(split="train"):
    """The bundled MNIST digits as model inputs and labels.

    ``"train"`` has 4,000 digits (400 per class), ``"test"`` 1,000 (100 per
    class), ``"all"`` the 5,000 in file order (sorted by label). The split
    is fixed (stored in the file), so every run and every browser sees the
    same digits. The file is read once; each call returns fresh arrays.

    Data: MNIST (LeCun, Cortes, Burges), CC BY-SA 3.0 — see :func:`digits_credit`.

    Args:
        split: ``"train"``, ``"test"`` or ``"all"``.

    Returns:
        ``(images, labels)``: float32 images in [0, 1] (white digit on
        black) and int64 labels 0-9.

    Shape:
        - images: ``(N, 1, 28, 28)``
        - labels: ``(N,)``
    """
    rows = _split_rows(split)
    raw = _digits_file()
    images = raw["images"][rows].astype(np.float32) / np.float32(255)  # (N, 28, 28)
    return images[:, None], raw["labels"][rows].astype(np.int64)       # -> (N, 1, 28, 28)


def sample_digits(per_class=1, split="test"):
    """A few digits of every class, always the same ones: 0s first, then 1s, ...

    Takes the first ``per_class`` digits of each class in the split's stored
    order, for "start from a sample" buttons and example galleries.

    Shape:
        - images: ``(10 * per_class, 1, 28, 28)``
        - labels: ``(10 * per_class,)``
    """
    images, labels = load_digits(split)
    per_class = int(per_class)
    counts = np.bincount(labels, minlength=10)
    if not 1 <= per_class <= counts.min():
        raise ValueError(f"sample_digits: per_class must be 1..{counts.min()} for split "
                         f"{split!r}, got {per_class}")
    picks = np.concatenate([np.flatnonzero(labels == d)[:per_class] for d in range(10)])
    return images[picks], labels[picks]


def digits_credit():
    """Where the bundled digits come from and their licence (CC BY-SA 3.0)."""
    return str(_digits_file()["credit"])


# --------------------------------------------------------------------------
# Exact area resampling (what anti-aliased downscaling means)
# --------------------------------------------------------------------------

def _area_weights(n_in, n_out):
    """``(n_out, n_in)`` matrix: how much of input pixel j falls in output pixel i.

    Output pixel i covers ``[i * n_in / n_out, (i + 1) * n_in / n_out)`` in
    input coordinates; input pixel j covers ``[j, j + 1)``. The weight is
    the overlap divided by the output pixel's width, so each row sums to 1.
    """
    step = n_in / n_out
    start = np.arange(n_out)[:, None] * step                 # (n_out, 1)
    j = np.arange(n_in)[None, :]                             # (1, n_in)
    overlap = np.minimum(start + step, j + 1) - np.maximum(start, j)
    return np.clip(overlap, 0, None) / step                  # (n_out, n_in)


def area_resample(image, out_shape):
    """Resize a 2-D image by exact area averaging (a box filter).

    Every output pixel is the mean of the input area it covers, counting
    partly covered input pixels by the covered fraction. Shrinking a sharp
    drawing this way gives the grey, anti-aliased edges MNIST digits have;
    the total ink (mean value times area) is preserved.

    Args:
        image: 2-D array.
        out_shape: ``(out_h, out_w)``, each at least 1.

    Shape:
        - image: ``(H, W)``
        - Output: ``(out_h, out_w)`` float64
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2 or min(image.shape) < 1 or min(out_shape) < 1:
        raise ShapeError(f"area_resample: needs a non-empty 2-D image and an output size of at "
                         f"least 1x1, got image {image.shape} and out_shape {tuple(out_shape)}")
    rows = _area_weights(image.shape[0], int(out_shape[0]))  # (out_h, H)
    cols = _area_weights(image.shape[1], int(out_shape[1]))  # (out_w, W)
    return backend.matmul(backend.matmul(rows, image), cols.T)  # (out_h, H) @ (H, W) @ (W, out_w)


# --------------------------------------------------------------------------
# Small morphology: 3x3 max / min filters
# --------------------------------------------------------------------------

def _neighbours(x, cross):
    """The 3x3 (or plus-shaped) neighbourhood of every pixel, as shifted views.

    Works on the last two axes; the border is padded with the centre value.
    """
    h, w = x.shape[-2:]
    p = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(1, 1), (1, 1)], mode="edge")
    offsets = ([(0, 1), (1, 0), (1, 1), (1, 2), (2, 1)] if cross
               else [(dy, dx) for dy in range(3) for dx in range(3)])
    return [p[..., dy:dy + h, dx:dx + w] for dy, dx in offsets]


def _max_filter(x, cross=False):
    """Grey dilation: each pixel becomes the largest value around it (thicker strokes)."""
    return np.maximum.reduce(_neighbours(x, cross))


def _min_filter(x, cross=False):
    """Grey erosion: each pixel becomes the smallest value around it (thinner strokes)."""
    return np.minimum.reduce(_neighbours(x, cross))


# --------------------------------------------------------------------------
# From a drawing to an MNIST-style input
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class PreprocessedDrawing:
    """A drawing turned into a model input, with what was found on the way.

    Attributes:
        input: float32 ``(1, 1, 28, 28)``, white digit (1) on black (0),
            all zeros when ``is_empty``.
        is_empty: True when there is no digit to classify (blank canvas,
            a dot, a speck); the app then shows no prediction.
        ink_fraction: mean ink over the whole canvas, 0 (blank) to 1.
        bbox: ``(top, left, bottom, right)`` of the ink in the original
            image, bottom/right exclusive (``image[top:bottom, left:right]``),
            or None when there is no ink.
        center_of_mass: ``(row, col)`` of the ink in ``input``'s 28x28
            (about ``(14, 14)``), or None when empty.
        message: why the drawing counts as empty, or ``""``.
    """

    input: np.ndarray
    is_empty: bool
    ink_fraction: float
    bbox: tuple | None
    center_of_mass: tuple | None
    message: str = ""


def _to_ink(image):
    """A drawing of any polarity as an ink map: (H, W) float64, 0 background, 1 full ink.

    * RGBA with a transparent border: the strokes are what is painted, so
      the ink is the alpha channel.
    * Otherwise the grey level (luminance for colour) is compared with the
      background, taken as the median of the image's outer frame: a light
      background means dark ink (black on white), a dark one light ink.
      The background maps to 0, the colour farthest from it to 1.
    """
    x = np.asarray(image)
    if x.ndim == 3 and x.shape[2] == 1:
        x = x[..., 0]
    if not (x.ndim == 2 or (x.ndim == 3 and x.shape[2] in (3, 4))) or min(x.shape[:2]) < 1:
        raise ShapeError(f"preprocess_drawing: expected a grey (H, W) or RGB/RGBA (H, W, 3|4) "
                         f"image, got shape {x.shape}")
    if x.dtype == np.uint8:
        x = x / 255.0
    elif x.dtype == bool or np.issubdtype(x.dtype, np.number):
        x = x.astype(np.float64)
        if x.max() > 1.0:                          # 0-255 values in a float or int array
            x = x / 255.0
        x = np.clip(x, 0.0, 1.0)
    else:
        raise ShapeError(f"preprocess_drawing: pixel values must be numbers, got dtype {x.dtype}")

    def frame(a):  # the outer pixels, where the background is
        return np.concatenate([a[0], a[-1], a[:, 0], a[:, -1]])

    if x.ndim == 3 and x.shape[2] == 4:
        alpha = x[..., 3]
        if np.median(frame(alpha)) < 0.5:         # transparent background: ink is in alpha
            return alpha
        x = x[..., :3]
    if x.ndim == 3:
        x = 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]   # (H, W, 3) -> (H, W) luminance
    background = float(np.median(frame(x)))
    if background >= 0.5:                         # dark ink on a light background
        return np.clip((background - x) / background, 0.0, 1.0)
    return np.clip((x - background) / (1.0 - background), 0.0, 1.0)


def _bbox(mask):
    rows, cols = np.flatnonzero(mask.any(1)), np.flatnonzero(mask.any(0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def _stroke_width(mask):
    """Rough stroke width of a binary drawing: 2 * area / perimeter.

    A stroke of length L and width w has area L*w and perimeter about 2L.
    The perimeter counts pixel edges, so diagonal strokes come out up to
    ~30% thinner than they are; good enough to tell thin from thick.
    """
    p = np.pad(mask, 1)
    edges = np.count_nonzero(p[1:] != p[:-1]) + np.count_nonzero(p[:, 1:] != p[:, :-1])
    return 2.0 * np.count_nonzero(mask) / max(edges, 1)


def _thicken(ink, mask, target):
    """Dilate thin strokes so that, once scaled to the 20-pixel box, they are ``target`` wide.

    Solves ``(w + 2r) * 20 / (L + 2r) = target`` for the growth r (the box
    grows with the strokes), then grows r pixels with alternating 3x3
    square and plus-shaped max filters, which approximates a round pen.
    """
    width, extent = _stroke_width(mask), max(mask.shape)
    growth = (target * extent / BOX - width) / (2.0 * (1.0 - target / BOX))
    steps = int(round(growth))
    if steps < 1:
        return ink
    ink = np.pad(ink, steps)
    for step in range(steps):
        ink = _max_filter(ink, cross=step % 2 == 1)
    return ink


# Stroke width of MNIST digits (median of 2*area/perimeter over the bundled
# 5,000, pixels above 0.5): used by ``stroke_normalize``.
MNIST_STROKE_WIDTH = 1.9


def preprocess_drawing(image, *, threshold=0.05, min_contrast=0.2, min_size=0.05,
                       max_compactness=0.7, stroke_normalize=False):
    """Turn a drawing into a 28x28 MNIST-style model input, the way MNIST was made.

    1. Find the ink: polarity is detected from the background (see below),
       so black-on-white, white-on-black and transparent canvases all work.
    2. Crop to the ink's bounding box (pixels with ink above ``threshold``).
    3. Scale so the longer side is 20 pixels, keeping the aspect ratio,
       with exact area averaging (:func:`area_resample`), which gives the
       grey anti-aliased edges MNIST has; stretch so the darkest ink is 1.
    4. Paste into 28x28 so the centre of mass lands on pixel (14, 14),
       shifting by whole pixels (as MNIST did) and never off the field.

    Accepted images: grey ``(H, W)`` (uint8 0-255, float/bool in [0, 1], or
    other numbers 0-255),
    or ``(H, W, 3)`` RGB / ``(H, W, 4)`` RGBA uint8 or float; any size and
    position. For RGBA with a transparent background the ink is the alpha
    channel (what a browser canvas gives); otherwise the background is the
    median colour of the outer frame of pixels.

    The drawing counts as empty (``is_empty``, an all-zero input and a
    ``message``) when there is no ink clearly different from the
    background (peak ink below ``min_contrast``), when the ink's longer
    side is under ``min_size`` of the canvas's shorter side (or under 3
    pixels: a speck), or when it is a compact blob — the ink covers more
    than ``max_compactness`` of the square on its longer side (a dot is
    ~0.79; MNIST digits at most ~0.6).

    ``stroke_normalize=True`` thickens thin strokes (e.g. a 3-pixel mouse
    line on a 280-pixel canvas, which would be a faint 0.3-pixel line at
    28x28) to MNIST's typical width of ~2 pixels at 28x28 before scaling.
    Off by default: a canvas pen of about a tenth of the canvas (e.g. 20-28
    px on 280) already gives MNIST-like strokes.

    Args:
        image: the drawing.
        threshold: ink level (0-1) that counts for the bounding box.
        min_contrast: the strongest ink must reach this, or the canvas is blank.
        min_size: smallest ink extent, as a fraction of the canvas's shorter side.
        max_compactness: larger ink fill of its bounding square is a dot.
        stroke_normalize: thicken thin strokes to MNIST's width.

    Returns:
        :class:`PreprocessedDrawing`, with ``.input`` ready for the model.

    Shape:
        - image: ``(H, W)``, ``(H, W, 1)``, ``(H, W, 3)`` or ``(H, W, 4)``
        - Output ``.input``: ``(1, 1, 28, 28)`` float32
    """
    ink = _to_ink(image)                                   # (H, W) in [0, 1]
    ink_fraction = float(ink.mean())
    blank = np.zeros((1, 1, SIZE, SIZE), np.float32)

    def empty(message, bbox=None):
        return PreprocessedDrawing(blank, True, ink_fraction, bbox, None, message)

    mask = ink > threshold
    if ink.max() < min_contrast or not mask.any():
        return empty("The canvas is empty: draw a digit.")
    bbox = _bbox(mask)
    top, left, bottom, right = bbox
    extent = max(bottom - top, right - left)
    if extent < max(3, min_size * min(ink.shape)):
        return empty("Only a speck of ink: draw a bigger digit.", bbox)
    if np.count_nonzero(ink[top:bottom, left:right] > 0.5 * ink.max()) > max_compactness * extent ** 2:
        return empty("That looks like a dot or a blob, not a digit.", bbox)

    crop = ink[top:bottom, left:right]
    if stroke_normalize:
        crop = _thicken(crop, crop > 0.5 * crop.max(), MNIST_STROKE_WIDTH)
    h, w = crop.shape
    scale = BOX / max(h, w)
    digit = area_resample(crop, (max(1, round(h * scale)), max(1, round(w * scale))))
    digit /= digit.max()                                   # the darkest ink is 1, as in MNIST

    mass = digit.sum()
    rows, cols = np.arange(digit.shape[0]), np.arange(digit.shape[1])
    com = (digit.sum(1) @ rows / mass, digit.sum(0) @ cols / mass)
    dy = int(np.clip(round(SIZE / 2 - com[0]), 0, SIZE - digit.shape[0]))
    dx = int(np.clip(round(SIZE / 2 - com[1]), 0, SIZE - digit.shape[1]))
    field = blank.copy()
    field[0, 0, dy:dy + digit.shape[0], dx:dx + digit.shape[1]] = digit
    return PreprocessedDrawing(field, False, ink_fraction, bbox,
                               (float(com[0] + dy), float(com[1] + dx)), "")


# --------------------------------------------------------------------------
# Augmentation for training
# --------------------------------------------------------------------------

def _bilinear_affine(x, angle, scale, shift):
    """Rotate by ``angle`` (radians), scale and shift every image, bilinear, zeros outside.

    For each output pixel p we look up where it came from (the inverse
    map), ``source = c + R(-angle) (p - c - shift) / scale`` about the image
    centre c, and blend the four pixels around it. All images and pixels
    are done at once with a single gather. With rows running downwards, as
    images are shown, a positive angle turns the image clockwise.

    Shape:
        - x: ``(N, C, H, W)``; angle, scale: ``(N,)``; shift: ``(N, 2)`` as (dy, dx)
        - Output: ``(N, C, H, W)``
    """
    n, c, h, w = x.shape
    cy, cx = (h - 1) / 2, (w - 1) / 2
    yy, xx = np.meshgrid(np.arange(h) - cy, np.arange(w) - cx, indexing="ij")   # (H, W)
    py = yy[None] - shift[:, 0, None, None]                                      # (N, H, W)
    px = xx[None] - shift[:, 1, None, None]
    cos = (np.cos(angle) / scale)[:, None, None]
    sin = (np.sin(angle) / scale)[:, None, None]
    sy = cy + cos * py - sin * px                                                # (N, H, W)
    sx = cx + sin * py + cos * px

    # Pad with one ring of zeros; clipping to it makes far-away lookups read 0.
    padded = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))                          # (N, C, H+2, W+2)
    y0 = np.clip(np.floor(sy), -1, h)
    x0 = np.clip(np.floor(sx), -1, w)
    fy = np.clip(sy - y0, 0, 1)
    fx = np.clip(sx - x0, 0, 1)
    y0i = y0.astype(np.int64) + 1                                                # padded index
    x0i = x0.astype(np.int64) + 1
    y1i, x1i = np.minimum(y0i + 1, h + 1), np.minimum(x0i + 1, w + 1)
    wp = w + 2
    corners = np.stack([y0i * wp + x0i, y0i * wp + x1i, y1i * wp + x0i, y1i * wp + x1i], 1)
    weights = np.stack([(1 - fy) * (1 - fx), (1 - fy) * fx, fy * (1 - fx), fy * fx], 1)
    flat = padded.reshape(n, c, -1)                                              # (N, C, (H+2)(W+2))
    idx = corners.reshape(n, 1, -1)                                              # (N, 1, 4*H*W)
    picked = np.take_along_axis(flat, np.broadcast_to(idx, (n, c, idx.shape[2])), axis=2)
    picked = picked.reshape(n, c, 4, h, w)                                       # -> (N, C, 4, H, W)
    return (picked * weights[:, None].astype(x.dtype)).sum(2)                    # (N, C, H, W)


def augment(images, rng, max_shift=2.0, max_rotate=12.0, scale=(0.9, 1.1), thickness_prob=0.2):
    """Randomly move, turn, resize and re-ink digits, for training.

    Each image gets its own random affine map: a rotation of up to
    ``max_rotate`` degrees either way, a zoom in ``scale``, and a shift of up
    to ``max_shift`` pixels in each direction, applied with bilinear
    sampling (zeros enter from outside). With probability
    ``thickness_prob`` an image first gets its strokes thickened or thinned
    (half each): thickening is a plus-shaped 3x3 max filter (about 1.7x the
    ink of an MNIST digit); thinning is the mean of the image and a
    plus-shaped 3x3 min filter (about 0.65x the ink) — a full min filter
    would erase many 2-pixel MNIST strokes, so the strokes fade instead.

    The same ``rng`` state gives the same result; the input is not changed.

    Args:
        images: a batch of images.
        rng: a ``numpy.random.Generator`` (or an int seed).
        max_shift: largest shift in pixels.
        max_rotate: largest rotation in degrees.
        scale: ``(low, high)`` range of the zoom factor.
        thickness_prob: chance of thickening/thinning an image.

    Shape:
        - images: ``(N, C, H, W)`` or ``(N, H, W)``
        - Output: same shape, float32, clipped to [0, 1]
    """
    x = np.asarray(images)
    if x.ndim not in (3, 4) or x.shape[0] < 1:
        raise ShapeError(f"augment: expected images of shape (N, C, H, W) or (N, H, W), got {x.shape}")
    shape = x.shape
    x = x.reshape(shape[0], -1, *shape[-2:]).astype(np.float32)                  # (N, C, H, W), a copy
    rng = np.random.default_rng(rng)
    n = x.shape[0]
    angle = np.deg2rad(rng.uniform(-max_rotate, max_rotate, n))
    zoom = rng.uniform(scale[0], scale[1], n)
    shift = rng.uniform(-max_shift, max_shift, (n, 2))
    restroke = rng.random(n) < thickness_prob
    thicker = rng.random(n) < 0.5

    if restroke.any():
        chosen = x[restroke]
        thinned = 0.5 * (chosen + _min_filter(chosen, cross=True))
        x[restroke] = np.where(thicker[restroke][:, None, None, None],
                               _max_filter(chosen, cross=True), thinned)
    out = _bilinear_affine(x, angle, zoom, shift)
    return np.clip(out, 0, 1).astype(np.float32).reshape(shape)

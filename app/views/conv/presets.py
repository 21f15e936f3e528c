"""Kernel presets of the convolution lab: the classic image filters at any size ``k``.

Each preset is a recipe, not a fixed 3 x 3 table, so changing the kernel size
keeps the filter's meaning where it has one:

* ``identity`` - a single 1 in the centre (for even ``k`` at ``(k-1)//2``, the
  tap that ``padding='same'`` lines up with the input pixel);
* ``box`` - the mean of the window, ``1/k^2`` everywhere;
* ``gaussian`` - binomial coefficients (Pascal's triangle) outer product, the
  discrete Gaussian, normalised to sum 1;
* ``sobel_x`` / ``sobel_y`` - smoothing along one axis times a derivative along
  the other (``[1, 2, 1] x [-1, 0, 1]`` at ``k = 3``, the OpenCV extension for
  larger ``k``). Deep-learning "convolution" is cross-correlation, so
  ``sobel_x`` is positive where the image gets brighter to the right;
* ``laplacian``, ``sharpen``, ``emboss`` - the classic 3 x 3 tables, placed in
  the middle of a larger kernel (zeros around) and undefined below 3;
* ``luminance`` - the centre tap weighs the channels ``0.299 R + 0.587 G +
  0.114 B`` (ITU-R 601): at ``k = 1`` this is a 1 x 1 convolution.

Every channel of a multi-channel kernel gets the same filter (except
``luminance``), so the output adds up the filtered channels.
"""
import numpy as np

__all__ = ["PRESETS", "LUMINANCE", "binomial", "preset_kernel", "preset_note"]

PRESETS = ("identity", "box", "gaussian", "sharpen", "sobel_x", "sobel_y", "laplacian", "emboss",
           "luminance")
LUMINANCE = (0.299, 0.587, 0.114)

_LAPLACIAN3 = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float64)
_EMBOSS3 = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=np.float64)
_IDENTITY3 = np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float64)
_CLASSIC3 = {"laplacian": _LAPLACIAN3, "sharpen": _IDENTITY3 - _LAPLACIAN3, "emboss": _EMBOSS3}


def binomial(n):
    """Row ``n - 1`` of Pascal's triangle: ``binomial(3) -> [1, 2, 1]``.

    Shape:
        - Output: ``(n,)`` float64
    """
    row = np.ones(1)
    for _ in range(n - 1):
        row = np.convolve(row, [1.0, 1.0])
    return row


def _derivative(n):
    """A smoothed central difference of length ``n`` (``[-1, 0, 1]`` at 3), zeros below 2."""
    if n < 2:
        return np.zeros(n)
    if n == 2:
        return np.array([-1.0, 1.0])
    return np.convolve(binomial(n - 2), [1.0, 0.0, -1.0])[::-1]  # increasing to the right


def _embed(table, k):
    """Put a 3 x 3 ``table`` in the middle of a ``k x k`` zero kernel (``k >= 3``)."""
    out = np.zeros((k, k))
    c = (k - 1) // 2
    out[c - 1:c + 2, c - 1:c + 2] = table
    return out


def _single(name, k):
    if name in ("identity", "luminance"):
        out = np.zeros((k, k))
        out[(k - 1) // 2, (k - 1) // 2] = 1.0
        return out
    if name == "box":
        return np.full((k, k), 1.0 / (k * k))
    if name == "gaussian":
        g = np.outer(binomial(k), binomial(k))
        return g / g.sum()
    if name == "sobel_x":
        return np.outer(binomial(k), _derivative(k)) if k >= 2 else np.zeros((k, k))
    if name == "sobel_y":
        return np.outer(_derivative(k), binomial(k)) if k >= 2 else np.zeros((k, k))
    if name in _CLASSIC3:
        return _embed(_CLASSIC3[name], k) if k >= 3 else np.zeros((k, k))
    raise KeyError(f"unknown kernel preset {name!r}; choose one of {', '.join(PRESETS)}")


def preset_kernel(name, k, channels=1):
    """The preset ``name`` as a ``channels x k x k`` kernel.

    Shape:
        - Output: ``(channels, k, k)`` float64 (the weight of a one-output
          ``Conv2d`` is this with a leading axis of 1)
    """
    kernel = np.repeat(_single(name, k)[None], channels, axis=0)      # (k, k) -> (C, k, k)
    if name == "luminance" and channels == 3:
        kernel *= np.asarray(LUMINANCE)[:, None, None]
    return kernel


def preset_note(name, k, channels=1):
    """A string key explaining a preset at this size, or None.

    ``"conv_lab_note_needs3"`` (the preset is all zeros below ``k = 3``),
    ``"conv_lab_note_needs2"``, ``"conv_lab_note_embedded"`` (a 3 x 3 table in
    zeros) or ``"conv_lab_note_luminance_grey"`` (luminance of one channel is
    the identity).
    """
    if name in _CLASSIC3:
        if k < 3:
            return "conv_lab_note_needs3"
        if k > 3:
            return "conv_lab_note_embedded"
    if name in ("sobel_x", "sobel_y") and k < 2:
        return "conv_lab_note_needs2"
    if name == "luminance" and channels == 1:
        return "conv_lab_note_luminance_grey"
    return None

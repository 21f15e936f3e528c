"""Padding an image batch, and the backward pass of padding.

Four modes, as in PyTorch's ``Conv2d(padding_mode=...)``:

* ``zeros`` — a frame of zeros;
* ``reflect`` — mirror without repeating the edge: ``c b | a b c d | c b``;
* ``replicate`` — repeat the edge: ``a a | a b c d | d d``;
* ``circular`` — wrap around: ``c d | a b c d | a b``.

Every padded pixel is a copy of some input pixel (or zero), so the backward
pass sends each padded pixel's gradient back to the pixel it copied, adding
where one pixel was copied several times.
"""
import numpy as np

from ..errors import ShapeError

__all__ = ['MODES', 'pad2d', 'pad2d_backward']

MODES = ("zeros", "reflect", "replicate", "circular")


def _source_index(n, before, after, mode):
    """For each padded position, the input index it copies (``-1`` for zero)."""
    i = np.arange(-before, n + after)
    if mode == "zeros":
        return np.where((i >= 0) & (i < n), i, -1)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    if mode == "circular":
        return i % n
    period = 2 * (n - 1)  # reflect
    i = np.abs(i) % period if n > 1 else np.zeros_like(i)
    return np.where(i >= n, period - i, i)


def _check(shape, padding, mode):
    if mode not in MODES:
        raise ShapeError(f"padding_mode must be one of {', '.join(MODES)}, got {mode!r}")
    top, bottom, left, right = padding
    h, w = shape[-2:]
    if mode == "reflect" and max(top, bottom) >= h or mode == "reflect" and max(left, right) >= w:
        raise ShapeError(f"reflect padding must be smaller than the input: "
                         f"padding {padding} on a {h}x{w} input")
    if mode == "circular" and (max(top, bottom) > h or max(left, right) > w):
        raise ShapeError(f"circular padding cannot exceed the input: padding {padding} on a {h}x{w} input")


def pad2d(x, padding, mode="zeros", value=0.0):
    """Pad the last two axes by ``(top, bottom, left, right)``.

    The result keeps the memory order of ``x`` (a channels-first array stays
    channels-first), so convolution layers chain without extra copies.

    Shape:
        - Input: ``(..., H, W)``
        - Output: ``(..., H + top + bottom, W + left + right)``
    """
    top, bottom, left, right = padding
    if not any(padding):
        return x
    _check(x.shape, padding, mode)
    h, w = x.shape[-2:]
    out = np.empty_like(x, shape=x.shape[:-2] + (h + top + bottom, w + left + right))
    if mode == "zeros":
        out[...] = value
        out[..., top:top + h, left:left + w] = x
        return out
    rows = _source_index(h, top, bottom, mode)
    cols = _source_index(w, left, right, mode)
    out[...] = x[..., rows[:, None], cols[None, :]]
    return out


def pad2d_backward(grad_out, padding, mode="zeros"):
    """Gradient of :func:`pad2d`: fold the padded border back onto the input.

    Shape:
        - grad_out: ``(..., H + top + bottom, W + left + right)``
        - Output: ``(..., H, W)``
    """
    top, bottom, left, right = padding
    if not any(padding):
        return grad_out
    hp, wp = grad_out.shape[-2:]
    h, w = hp - top - bottom, wp - left - right
    if mode == "zeros":
        return grad_out[..., top:top + h, left:left + w]
    rows = _source_index(h, top, bottom, mode)
    cols = _source_index(w, left, right, mode)
    # Sum the rows that copied the same input row, then the same for columns:
    # one-hot matrices make the scatter-add an ordinary product.
    fold_rows = (rows[:, None] == np.arange(h)[None, :]).astype(grad_out.dtype)  # (Hp, H)
    fold_cols = (cols[:, None] == np.arange(w)[None, :]).astype(grad_out.dtype)  # (Wp, W)
    return np.einsum("...ab,ai,bj->...ij", grad_out, fold_rows, fold_cols)

"""Pooling: summarise every window of a feature map by one number.

A pooling window slides over each channel separately (no weights, no
mixing of channels), exactly like a convolution kernel: size ``k``,
stride ``s`` (by default ``s = k``: windows side by side), padding ``p``
and, for max pooling, dilation ``d``. What differs is the summary.

Per window ``x_1 .. x_K``, forward and the backward share of ``g = dL/dout``
that goes to ``x_i``:

* max: ``max_i x_i``; all of ``g`` to the arg-max, 0 elsewhere.
* min: ``min_i x_i = -max_i(-x_i)``; all of ``g`` to the arg-min.
* average: ``sum_i x_i / divisor``; ``g / divisor`` to every element.
* LP (power ``p``): ``(sum_i x_i^p)^(1/p)``; ``g * x_i^(p-1) * out^(1-p)``.
* stochastic, training: ``a_j``, with ``j`` drawn with probability
  ``a_j / sum a``; all of ``g`` to the sampled element.
* stochastic, evaluation: ``sum_i a_i^2 / sum_i a_i``; ``g * (2 a_i - out) / sum a``.
* adaptive average: the mean of each of PyTorch's bins; ``g / bin size``
  to every element of the bin.

Every op has ``op(...)`` with PyTorch's signature, and
``op_forward(...) -> (out, cache)`` / ``op_backward(grad_out, cache) -> dx``.

How the windows are computed: ``sliding_window_view`` gives every window
as a *view* of the (padded) input, shape ``(N, C, OH, OW, kh, kw)``, so
no Python loop runs over positions. The backward passes build the
gradient of every window element the same shape and then *fold* it back
onto the input (:func:`fold_windows`): one strided slice-add per kernel
offset, pixels shared by overlapping windows collecting the sum.

The 1-D poolings are the 2-D ones on the signal viewed as an image of
height 1 (:mod:`cnncore.functional.signal1d`).
"""
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .. import backend, random
from ..errors import ShapeError
from ..shapes import conv_output_size, pair
from .padding import pad2d
from .signal1d import as_image, as_signal, check_signal_shape, single

__all__ = [
    'PoolGeometry', 'pool_output_size', 'check_pool_args', 'pool2d_geometry', 'window_view',
    'fold_windows', 'window_flat_index',
    'max_pool2d_forward', 'max_pool2d_backward', 'max_pool2d',
    'min_pool2d_forward', 'min_pool2d_backward', 'min_pool2d',
    'avg_pool2d_forward', 'avg_pool2d_backward', 'avg_pool2d',
    'lp_pool2d_forward', 'lp_pool2d_shares', 'lp_pool2d_backward', 'lp_pool2d',
    'stochastic_pool2d_forward', 'stochastic_pool2d_backward', 'stochastic_pool2d',
    'adaptive_bins', 'adaptive_pool_matrix', 'adaptive_output_size',
    'adaptive_avg_pool2d_forward', 'adaptive_avg_pool2d_backward', 'adaptive_avg_pool2d',
    'pool1d_geometry', 'max_pool1d_forward', 'max_pool1d_backward', 'max_pool1d',
    'avg_pool1d_forward', 'avg_pool1d_backward', 'avg_pool1d', 'adaptive_output_size1d',
    'adaptive_avg_pool1d_forward', 'adaptive_avg_pool1d_backward', 'adaptive_avg_pool1d',
]


# -- geometry ---------------------------------------------------------------

class PoolGeometry(NamedTuple):
    """Everything about one pooling window except the numbers it reads."""
    x_shape: tuple      # (N, C, H, W)
    kernel_size: tuple  # (kh, kw)
    stride: tuple
    padding: tuple      # (ph, pw), the same on both sides
    dilation: tuple
    ceil_mode: bool
    out_hw: tuple       # (OH, OW)
    overhang: tuple     # (extra rows below, extra columns right): ceil_mode windows past the padding


def pool_output_size(n, kernel_size, stride, padding=0, dilation=1, ceil_mode=False,
                     layer="MaxPool2d", axis="size"):
    """PyTorch's pooling output length along one axis.

    ``floor((n + 2p - d(k-1) - 1) / s) + 1``, rounding up with
    ``ceil_mode`` as long as the last window starts inside the input or the
    left padding. This is :func:`cnncore.shapes.conv_output_size`, plus
    one case it refuses: in ``ceil_mode`` PyTorch accepts a window that is
    larger than the padded input by less than the stride (one output that
    overhangs the end), so this does too.
    """
    span = dilation * (kernel_size - 1) + 1
    padded = n + 2 * padding
    if not (ceil_mode and span > padded and stride >= 1 and dilation >= 1):
        return conv_output_size(n, kernel_size, stride, padding, dilation, ceil_mode, layer, axis)
    out = -((padded - span) // -stride) + 1                # ceil((padded - span) / s) + 1
    if out < 1:
        dil = f" (dilated {span})" if dilation > 1 else ""
        raise ShapeError(
            f"{layer}: kernel {axis} {kernel_size}{dil} is larger than the padded input "
            f"{padded} (input {n} + padding {padding} + {padding})")
    return out


def check_pool_args(kernel_size, stride, padding, dilation=1, layer="MaxPool2d", dims=2):
    """Check a pooling configuration before any input is seen.

    Returns ``(kernel_size, stride, padding, dilation)`` as pairs; ``stride``
    ``None`` becomes the kernel size. ``dims=1``: the arguments of a 1-D layer
    (ints or 1-tuples), returned as the pairs of its ``(N, C, 1, L)`` view.

    Raises:
        ShapeError: kernel, stride or dilation below 1, negative padding, or
            padding more than half the kernel size (PyTorch's rule, whatever
            the dilation: beyond it a window could see nothing but padding).
    """
    if dims == 1:
        kernel_size, padding = (1, single(kernel_size, "kernel_size")), (0, single(padding, "padding"))
        stride = None if stride is None else (1, single(stride, "stride"))
        dilation = (1, single(dilation, "dilation"))
    k = pair(kernel_size, "kernel_size")
    s = k if stride is None else pair(stride, "stride")
    p, d = pair(padding, "padding"), pair(dilation, "dilation")
    show = (lambda t: t[1]) if dims == 1 else (lambda t: t)  # 1-D layers see (1, L) pairs
    if min(k) < 1:
        raise ShapeError(f"{layer}: kernel_size must be at least 1, got {show(k)}")
    if min(s) < 1:
        raise ShapeError(f"{layer}: stride must be at least 1, got {show(s)}")
    if min(d) < 1:
        raise ShapeError(f"{layer}: dilation must be at least 1, got {show(d)}")
    if min(p) < 0:
        raise ShapeError(f"{layer}: padding must not be negative, got {show(p)}")
    for kk, pp in zip(k, p):
        if pp > kk // 2:  # PyTorch's rule, whatever the dilation
            raise ShapeError(f"{layer}: padding {pp} is more than half the kernel size {kk} "
                             f"(at most {kk // 2} is allowed)")
    return k, s, p, d


def pool2d_geometry(x_shape, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                    layer="MaxPool2d"):
    """Check a pooling configuration against an input shape and work out the output size.

    Raises:
        ShapeError: see :func:`check_pool_args`; also a wrong input rank or a
            window larger than the padded input.
    """
    args = check_pool_args(kernel_size, stride, padding, dilation, layer)
    if len(x_shape) != 4:
        raise ShapeError(f"{layer}: expected a 4-D input (N, C, H, W), got shape {tuple(x_shape)}")
    return _window_geometry(tuple(x_shape), *args, ceil_mode, layer, ("height", "width"))


def pool1d_geometry(x_shape, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                    layer="MaxPool1d"):
    """:func:`pool2d_geometry` of the ``(N, C, 1, L)`` view with a ``(1, k)`` window
    (the messages speak of lengths); its ``out_hw`` is ``(1, L_out)``."""
    args = check_pool_args(kernel_size, stride, padding, dilation, layer, dims=1)
    n, c, length = check_signal_shape(x_shape, layer)
    return _window_geometry((n, c, 1, length), *args, ceil_mode, layer, ("height", "length"))


def _window_geometry(x_shape, k, s, p, d, ceil_mode, layer, axes):
    """The :class:`PoolGeometry` of checked ``(kernel, stride, padding, dilation)`` pairs."""
    h, w = x_shape[2:]
    oh = pool_output_size(h, k[0], s[0], p[0], d[0], ceil_mode, layer, axes[0])
    ow = pool_output_size(w, k[1], s[1], p[1], d[1], ceil_mode, layer, axes[1])
    # With ceil_mode the last window may reach past the right padding: pad that too.
    overhang = tuple(max(0, (o - 1) * ss + dd * (kk - 1) + 1 - (n + 2 * pp))
                     for o, ss, dd, kk, n, pp in zip((oh, ow), s, d, k, (h, w), p))
    return PoolGeometry(x_shape, k, s, p, d, bool(ceil_mode), (oh, ow), overhang)


def _pad(x, geo, value):
    """Pad by ``padding`` on every side plus the ceil_mode overhang, with ``value``."""
    (ph, pw), (eh, ew) = geo.padding, geo.overhang
    return pad2d(x, (ph, ph + eh, pw, pw + ew), "zeros", value=value)


def window_view(xp, geo):
    """Every pooling window of the padded input, as a view (nothing is copied).

    Shape:
        - xp: ``(N, C, Hp, Wp)`` (already padded)
        - Output: ``(N, C, OH, OW, kh, kw)``
    """
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = geo.kernel_size, geo.stride, geo.dilation, geo.out_hw
    span = (dh * (kh - 1) + 1, dw * (kw - 1) + 1)
    win = sliding_window_view(xp, span, axis=(2, 3))   # (N, C, Hp-span+1, Wp-span+1, span_h, span_w)
    return win[:, :, ::sh, ::sw, ::dh, ::dw][:, :, :oh, :ow]  # (N, C, OH, OW, kh, kw)


def fold_windows(dwin, geo):
    """Add every window element's gradient back onto the input pixel it was read from.

    The adjoint of :func:`window_view`: a pixel in several overlapping windows
    collects the sum of its shares; shares that landed on padding are dropped.

    Shape:
        - dwin: ``(N, C, OH, OW, kh, kw)``
        - Output: ``(N, C, H, W)``
    """
    n, c, h, w = geo.x_shape
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = geo.kernel_size, geo.stride, geo.dilation, geo.out_hw
    (ph, pw), (eh, ew) = geo.padding, geo.overhang
    dxp = np.zeros((n, c, h + 2 * ph + eh, w + 2 * pw + ew), dtype=dwin.dtype)
    for u in range(kh):          # one strided slice-add per kernel offset
        for v in range(kw):
            dxp[:, :, u * dh:u * dh + sh * (oh - 1) + 1:sh,
                      v * dw:v * dw + sw * (ow - 1) + 1:sw] += dwin[:, :, :, :, u, v]
    return dxp[:, :, ph:ph + h, pw:pw + w]


def window_flat_index(k_index, geo):
    """Turn "element ``k_index`` of each window" into PyTorch's ``return_indices`` format.

    ``k_index`` counts within the window in row-major order (``u * kw + v``);
    the result is the flat index ``row * W + col`` into the (unpadded) input
    plane of each channel, as ``torch.nn.MaxPool2d(return_indices=True)``.

    Shape:
        - k_index: ``(N, C, OH, OW)`` integers
        - Output: ``(N, C, OH, OW)`` int64
    """
    w = geo.x_shape[3]
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = geo.kernel_size, geo.stride, geo.dilation, geo.out_hw
    u, v = np.divmod(k_index, kw)
    rows = np.arange(oh)[:, None] * sh + u * dh - geo.padding[0]
    cols = np.arange(ow)[None, :] * sw + v * dw - geo.padding[1]
    return (rows * w + cols).astype(np.int64)


def _route(grad_out, k_index, kh, kw):
    """Put each window's gradient on its chosen element, zeros elsewhere.

    ``k_index`` is the chosen position in each window (``-1``: none, no gradient).

    Shape:
        - grad_out, k_index: ``(N, C, OH, OW)``
        - Output: ``(N, C, OH, OW, kh, kw)``
    """
    dwin = np.zeros(k_index.shape + (kh * kw,), dtype=grad_out.dtype)
    np.put_along_axis(dwin, np.maximum(k_index, 0)[..., None],
                      np.where(k_index >= 0, grad_out, 0)[..., None], axis=-1)
    return dwin.reshape(k_index.shape + (kh, kw))        # (N, C, OH, OW, kh*kw) -> (N, C, OH, OW, kh, kw)


# -- max pooling ------------------------------------------------------------

class ArgCache(NamedTuple):
    """What stochastic pooling keeps: which window element was chosen."""
    geometry: PoolGeometry
    k_index: np.ndarray  # (N, C, OH, OW): position inside the window, row-major; -1 for none
    dtype: np.dtype


def _offset_views(xp, geo):
    """The ``kh*kw`` views "element (u, v) of every window", row-major: nothing is copied.

    Shape:
        - xp: ``(N, C, Hp, Wp)`` (already padded)
        - Output: ``kh*kw`` arrays of shape ``(N, C, OH, OW)``
    """
    # Element (u, v) of window (i, j) is xp[i*sh + u*dh, j*sw + v*dw]: for a fixed
    # (u, v) that is a strided slice, which is cheaper to make than window_view's
    # sliding_window_view (it matters at batch 1).
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = geo.kernel_size, geo.stride, geo.dilation, geo.out_hw
    return [xp[:, :, u * dh:u * dh + sh * (oh - 1) + 1:sh, v * dw:v * dw + sw * (ow - 1) + 1:sw]
            for u in range(kh) for v in range(kw)]


class MaxCache:
    """What max (and min) pooling keeps: the padded input and the output.

    Which element of each window won (``k_index``, row-major position in the
    window) is worked out only when it is needed — by the backward pass or
    the playground's "which input won" — so inference pays only for the maxima.
    """

    __slots__ = ("geometry", "dtype", "_xp", "_out", "_position")

    def __init__(self, geometry, xp, out, dtype):
        self.geometry, self.dtype, self._xp, self._out, self._position = geometry, dtype, xp, out, None

    @property
    def k_index(self):
        """``(N, C, OH, OW)`` intp: the first position (row-major) of each window's maximum."""
        return self.position.astype(np.intp)

    @property
    def position(self):
        """:attr:`k_index` in the smallest integer type that holds it (uint8 for windows up
        to 256 elements): the backward pass compares it once per offset, and bytes are
        compared 3-4x faster than 8-byte integers."""
        if self._position is None:
            views, out = _offset_views(self._xp, self.geometry), self._out
            # The first position of the maximum = how many positions before it hold
            # something else: count the leading "not equal"s of each window. Done in
            # bytes (a bool array viewed as 0/1 uint8), not with np.where: 4-5x faster
            # in CPython at batch 20-64, as fast in Pyodide.
            before = (views[0] != out).view(np.uint8)   # 1: the maximum is not at position 0 ...
            position = before.astype(np.uint8 if len(views) <= 256 else np.intp)
            for view in views[1:-1]:
                before = before * (view != out).view(np.uint8)   # ... nor at this one
                position += before
            if np.isnan(out).any():                      # NaN wins its window, as in PyTorch
                for k in range(len(views)):
                    np.copyto(position, k, where=np.isnan(views[k]))
            self._position = position
        return self._position


def max_pool2d_forward(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                       layer="MaxPool2d", geometry=None):
    """Max pooling that also returns what backward needs: ``(out, cache)``.

    The maximum of each window is taken element by element over the ``kh*kw``
    shifted views of the input (``np.maximum``), so no window is copied.
    Padding is ``-inf``, so a padded pixel never wins. Of equal values the
    first in the window (row-major order) wins, as in PyTorch.

    ``geometry``: the :func:`pool2d_geometry` of this configuration and input
    shape, if the caller already has it (``MaxPool2d`` keeps it per input shape).
    """
    geo = geometry or pool2d_geometry(x.shape, kernel_size, stride, padding, dilation, ceil_mode,
                                      layer)
    xp = _pad(x, geo, -np.inf)
    views = _offset_views(xp, geo)
    out = views[0].copy(order="K")                      # keep the input's memory order
    for view in views[1:]:
        np.maximum(out, view, out=out)                  # NaN propagates, as in PyTorch
    return out, MaxCache(geo, xp, out, x.dtype)


def max_pool2d_backward(grad_out, cache):
    """Gradient of max pooling: each window's gradient goes to its maximum.

    The other elements did not affect the output, so their gradient is 0;
    a pixel that is the maximum of several overlapping windows collects all
    of their gradients.

    Shape:
        - grad_out: ``(N, C, OH, OW)``
        - Output: ``(N, C, H, W)``
    """
    geo, k_index = cache.geometry, cache.position
    h, w = geo.x_shape[2:]
    (kh, kw), (sh, sw), (dh, dw), (oh, ow) = geo.kernel_size, geo.stride, geo.dilation, geo.out_hw
    ph, pw = geo.padding
    # grad_out copied into the output's memory order (channels-first after a
    # convolution): every op below then walks its arrays in one order.
    aligned = np.empty_like(cache._out, dtype=cache.dtype)
    aligned[...] = grad_out
    grad_out = aligned
    # (N, C, Hp, Wp) in the padded input's memory order (channels-first after a
    # convolution), so the layers before it work on arrays of one layout.
    dxp = np.zeros_like(cache._xp, dtype=cache.dtype)
    overlapping = sh < dh * (kh - 1) + 1 or sw < dw * (kw - 1) + 1
    for u in range(kh):          # offset (u, v) of every window gets the gradient where it won
        for v in range(kw):
            target = dxp[:, :, u * dh:u * dh + sh * (oh - 1) + 1:sh, v * dw:v * dw + sw * (ow - 1) + 1:sw]
            won = k_index == u * kw + v
            if overlapping:      # a pixel may win several windows: add up
                target += np.where(won, grad_out, 0)
            else:                # every pixel is in one window at most: write in place
                np.multiply(grad_out, won, out=target)
    return dxp[:, :, ph:ph + h, pw:pw + w]


def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-D max pooling, with the signature of ``torch.nn.functional.max_pool2d``.

    With ``return_indices`` returns ``(out, indices)``: the flat index
    ``row * W + col`` of each maximum in its input plane.

    Shape:
        - x: ``(N, C, H, W)``
        - Output: ``(N, C, H_out, W_out)`` with
          ``H_out = floor((H + 2p - d(kH-1) - 1) / s) + 1`` (``ceil`` with ``ceil_mode``)
    """
    out, cache = max_pool2d_forward(x, kernel_size, stride, padding, dilation, ceil_mode)
    return (out, window_flat_index(cache.k_index, cache.geometry)) if return_indices else out


# -- min pooling (no PyTorch twin) -------------------------------------------

def min_pool2d_forward(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                       layer="MinPool2d"):
    """Min pooling, ``min(window) = -max(-window)``: returns ``(out, cache)``.

    Padding acts as ``+inf`` (never the minimum); ties go to the first minimum.
    """
    out, cache = max_pool2d_forward(-x, kernel_size, stride, padding, dilation, ceil_mode, layer)
    return -out, cache


def min_pool2d_backward(grad_out, cache):
    """Gradient of min pooling: each window's gradient goes to its minimum.

    By the chain rule through the two negations: ``-max_pool_backward(-g) =
    max_pool_backward(g)``, the arg-min playing the arg-max's part.
    """
    return max_pool2d_backward(grad_out, cache)


def min_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-D min pooling: ``-max_pool2d(-x)``. Arguments as :func:`max_pool2d`.

    Shape:
        - x: ``(N, C, H, W)``
        - Output: ``(N, C, H_out, W_out)``, sizes as :func:`max_pool2d`
    """
    out, cache = min_pool2d_forward(x, kernel_size, stride, padding, dilation, ceil_mode)
    return (out, window_flat_index(cache.k_index, cache.geometry)) if return_indices else out


# -- average pooling ----------------------------------------------------------

class AvgCache(NamedTuple):
    geometry: PoolGeometry
    divisor: np.ndarray  # (OH, OW): what each window's sum was divided by


def _window_lengths(n, k, s, p, out, include_pad):
    """How many pixels each window covers along one axis.

    Windows are clipped to the padded input (``include_pad``) or to the
    input itself; the ceil_mode overhang never counts.
    """
    starts = np.arange(out) * s - p
    ends = np.minimum(starts + k, n + p)
    if not include_pad:
        starts, ends = np.maximum(starts, 0), np.minimum(ends, n)
    return ends - starts


def _avg_divisor(geo, count_include_pad, divisor_override, dtype):
    if divisor_override is not None:
        return np.full(geo.out_hw, divisor_override, dtype=dtype)
    rows, cols = (_window_lengths(n, k, s, p, o, count_include_pad)
                  for n, k, s, p, o in zip(geo.x_shape[2:], geo.kernel_size, geo.stride,
                                           geo.padding, geo.out_hw))
    return np.outer(rows, cols).astype(dtype)           # (OH, OW): pixels counted per window


def avg_pool2d_forward(x, kernel_size, stride=None, padding=0, ceil_mode=False,
                       count_include_pad=True, divisor_override=None, layer="AvgPool2d", geometry=None):
    """Average pooling that also returns what backward needs: ``(out, cache)``.

    Each window's sum is divided by the number of pixels it covers:
    padding included with ``count_include_pad`` (padding counts as zeros),
    excluded otherwise; ``divisor_override`` replaces the count. ``geometry``:
    the :func:`pool2d_geometry` of this configuration, if the caller has it.
    """
    if divisor_override is not None and divisor_override == 0:
        raise ShapeError(f"{layer}: divisor_override must not be zero")
    geo = geometry or pool2d_geometry(x.shape, kernel_size, stride, padding, 1, ceil_mode, layer)
    sums = window_view(_pad(x, geo, 0), geo).sum(axis=(-2, -1))     # (N, C, OH, OW)
    divisor = _avg_divisor(geo, count_include_pad, divisor_override, x.dtype)
    return sums / divisor, AvgCache(geo, divisor)


def avg_pool2d_backward(grad_out, cache):
    """Gradient of average pooling: each window spreads its gradient evenly.

    ``out = sum(window) / divisor``, so every element of the window gets
    ``g / divisor`` (the shares falling on padding are dropped).

    Shape:
        - grad_out: ``(N, C, OH, OW)``
        - Output: ``(N, C, H, W)``
    """
    geo, divisor = cache
    share = (grad_out / divisor)[..., None, None]                  # (N, C, OH, OW, 1, 1)
    dwin = np.broadcast_to(share, share.shape[:4] + geo.kernel_size)
    return fold_windows(dwin, geo)


def avg_pool2d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling, with the signature of ``torch.nn.functional.avg_pool2d``.

    Shape:
        - x: ``(N, C, H, W)``
        - Output: ``(N, C, H_out, W_out)`` with
          ``H_out = floor((H + 2p - kH) / s) + 1`` (``ceil`` with ``ceil_mode``)
    """
    return avg_pool2d_forward(x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                              divisor_override)[0]


# -- power-average (LP) pooling -----------------------------------------------

class LPCache(NamedTuple):
    geometry: PoolGeometry
    windows: np.ndarray  # (N, C, OH, OW, kh, kw), a view of the input
    out: np.ndarray
    scale: np.ndarray    # (OH, OW): kh*kw / pixels in the window (1 except ceil_mode overhang)
    norm_type: float


def lp_pool2d_forward(x, norm_type, kernel_size, stride=None, ceil_mode=False, layer="LPPool2d"):
    """Power-average pooling ``(sum x^p)^(1/p)``, returning ``(out, cache)``.

    ``p = 1`` is sum pooling, ``p = 2`` the L2 norm of the window, and
    ``p -> inf`` approaches max pooling. Like PyTorch it is computed as
    ``(avg_pool(x^p) * kh*kw)^(1/p)``, so a ceil_mode window that overhangs
    the input has its partial sum scaled up to a full window.
    """
    p = float(norm_type)
    if p == 0:
        raise ShapeError(f"{layer}: norm_type must not be zero")
    geo = pool2d_geometry(x.shape, kernel_size, stride, 0, 1, ceil_mode, layer)
    win = window_view(_pad(x, geo, 0), geo)                       # (N, C, OH, OW, kh, kw)
    kh, kw = geo.kernel_size
    scale = kh * kw / _avg_divisor(geo, True, None, x.dtype)
    with np.errstate(invalid="ignore"):                           # odd p, negative sum: NaN, as torch
        out = ((win ** p).sum(axis=(-2, -1)) * scale) ** (1.0 / p)
    return out, LPCache(geo, win, out, scale, p)


def lp_pool2d_shares(cache):
    """How much each window element counts: ``d out / d x_i = x_i^(p-1) * out^(1-p)``.

    For ``p = 2`` that is ``x_i / out``, so bigger activations count more;
    for ``p = 1`` every element counts 1. A window whose output is 0 gets
    shares 0 (PyTorch's gradient is NaN there).

    Shape:
        - Output: ``(N, C, OH, OW, kh, kw)``
    """
    geo, win, out, scale, p = cache
    with np.errstate(divide="ignore", invalid="ignore"):
        out_factor = np.where(out != 0, out ** (1 - p), 0) * scale   # (N, C, OH, OW)
        return (win ** (p - 1) * out_factor[..., None, None]).astype(win.dtype, copy=False)


def lp_pool2d_backward(grad_out, cache):
    """Gradient of LP pooling: the gradient is shared in proportion to ``x_i^(p-1)``.

    ``d/dx_i (sum_j x_j^p)^(1/p) = x_i^(p-1) * out^(1-p)`` (see
    :func:`lp_pool2d_shares`), times the upstream gradient.
    """
    dwin = lp_pool2d_shares(cache) * grad_out[..., None, None]      # (N, C, OH, OW, kh, kw)
    return fold_windows(dwin, cache.geometry)


def lp_pool2d(x, norm_type, kernel_size, stride=None, ceil_mode=False):
    """2-D power-average pooling, with the signature of ``torch.nn.functional.lp_pool2d``.

    Shape:
        - x: ``(N, C, H, W)``
        - Output: ``(N, C, H_out, W_out)`` with ``H_out = floor((H - kH) / s) + 1``
    """
    return lp_pool2d_forward(x, norm_type, kernel_size, stride, ceil_mode)[0]


# -- stochastic pooling (Zeiler & Fergus, 2013) --------------------------------

class StochasticCache(NamedTuple):
    geometry: PoolGeometry
    k_index: np.ndarray  # training: sampled element per window, -1 for an all-zero window
    activ: np.ndarray    # (N, C, OH, OW, kh*kw): max(x, 0) of every window
    total: np.ndarray    # (N, C, OH, OW): sum of each window
    out: np.ndarray
    training: bool


def stochastic_pool2d_forward(x, kernel_size, stride=None, training=True, generator=None,
                              layer="StochasticPool2d"):
    """Stochastic pooling, returning ``(out, cache)``.

    Inside a window of activations ``a_i`` (meant to be non-negative, e.g.
    after ReLU; negative values count as 0) element ``i`` has probability
    ``p_i = a_i / sum_j a_j``.

    * training: each window outputs one element, drawn with probability
      ``p_i`` using ``generator`` (default: :func:`cnncore.random.rng`);
    * evaluation: the expected value, ``sum_i p_i a_i = sum a_i^2 / sum a_i``.

    A window of zeros outputs 0.
    """
    geo = pool2d_geometry(x.shape, kernel_size, stride, 0, 1, False, layer)
    (kh, kw) = geo.kernel_size
    win = window_view(x, geo)
    activ = np.maximum(win.reshape(*win.shape[:4], kh * kw), 0)  # (N, C, OH, OW, kh*kw), a copy
    total = activ.sum(axis=-1)
    k_index = np.full(total.shape, -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if training:
            rng = random.rng() if generator is None else generator
            # Inverse-CDF sampling: the first element whose cumulative probability exceeds u.
            cdf = np.cumsum(activ, axis=-1) / total[..., None]       # last entry is exactly 1
            u = rng.random(total.shape)                               # uniform in [0, 1)
            k_index = np.where(total > 0, np.argmax(cdf > u[..., None], axis=-1), -1)
            out = np.take_along_axis(activ, np.maximum(k_index, 0)[..., None], axis=-1)[..., 0]
            out = np.where(total > 0, out, 0)
        else:
            out = np.where(total > 0, (activ * activ).sum(axis=-1) / total, 0)
    out = out.astype(x.dtype, copy=False)
    return out, StochasticCache(geo, k_index, activ, total, out, bool(training))


def stochastic_pool2d_backward(grad_out, cache):
    """Gradient of stochastic pooling.

    * training: the output *is* the sampled element, so (as in max pooling)
      the whole gradient goes to it; the random choice itself is treated as
      a constant.
    * evaluation: the exact derivative of ``f = S2 / S1`` with
      ``S1 = sum a_j``, ``S2 = sum a_j^2``:
      ``df/da_i = (2 a_i S1 - S2) / S1^2 = (2 a_i - f) / S1``,
      and 0 for elements clipped at 0.

    An all-zero window passes no gradient.
    """
    geo, k_index, activ, total, out, training = cache
    kh, kw = geo.kernel_size
    if training:
        dwin = _route(grad_out.astype(activ.dtype, copy=False), k_index, kh, kw)
        return fold_windows(dwin, geo)
    with np.errstate(divide="ignore", invalid="ignore"):
        local = np.where(activ > 0, (2 * activ - out[..., None]) / total[..., None], 0)
    dwin = (local * grad_out[..., None]).reshape(local.shape[:4] + (kh, kw))
    return fold_windows(dwin.astype(activ.dtype, copy=False), geo)


def stochastic_pool2d(x, kernel_size, stride=None, training=True, generator=None):
    """2-D stochastic pooling (Zeiler & Fergus, 2013); see :func:`stochastic_pool2d_forward`.

    Shape:
        - x: ``(N, C, H, W)``, non-negative
        - Output: ``(N, C, H_out, W_out)`` with ``H_out = floor((H - kH) / s) + 1``
    """
    return stochastic_pool2d_forward(x, kernel_size, stride, training, generator)[0]


# -- adaptive average pooling -------------------------------------------------

def adaptive_bins(in_size, out_size):
    """PyTorch's adaptive-pooling bins along one axis: ``(starts, ends)``.

    Output ``i`` averages input ``start_i <= j < end_i`` with
    ``start_i = floor(i * in / out)`` and ``end_i = ceil((i + 1) * in / out)``;
    neighbouring bins may overlap by one pixel when ``out`` does not divide ``in``.
    """
    i = np.arange(out_size)
    return (i * in_size) // out_size, -((-(i + 1) * in_size) // out_size)


def adaptive_pool_matrix(in_size, out_size, dtype=np.float64):
    """The averaging matrix ``A`` of one axis: ``A[i, j] = 1 / bin size`` if ``j`` is in bin ``i``.

    Adaptive average pooling is linear and separable: ``out = A_h @ x @ A_w^T``.

    Shape:
        - Output: ``(out_size, in_size)``
    """
    starts, ends = adaptive_bins(in_size, out_size)
    j = np.arange(in_size)
    inside = (j >= starts[:, None]) & (j < ends[:, None])          # (out, in)
    return (inside / (ends - starts)[:, None]).astype(dtype)


class AdaptiveCache(NamedTuple):
    rows: np.ndarray  # A_h, (OH, H)
    cols: np.ndarray  # A_w, (OW, W)


def adaptive_output_size(x_shape, output_size, layer="AdaptiveAvgPool2d"):
    """``(OH, OW)`` from ``output_size`` (int, pair, ``None`` = keep), checked against ``x_shape``."""
    if len(x_shape) != 4:
        raise ShapeError(f"{layer}: expected a 4-D input (N, C, H, W), got shape {tuple(x_shape)}")
    size = output_size if isinstance(output_size, (tuple, list)) else (output_size, output_size)
    if len(size) != 2:
        raise ShapeError(f"{layer}: output_size must be an int or a pair, got {output_size!r}")
    size = tuple(n if s is None else int(s) for s, n in zip(size, x_shape[2:]))
    if min(size) < 1:
        raise ShapeError(f"{layer}: output_size must be at least 1, got {output_size!r}")
    return size


def adaptive_avg_pool2d_forward(x, output_size, layer="AdaptiveAvgPool2d"):
    """Adaptive average pooling, returning ``(out, cache)``.

    The window size and stride follow from the sizes (see :func:`adaptive_bins`);
    the result is two small matrix products, ``A_h @ x @ A_w^T``.
    """
    oh, ow = adaptive_output_size(x.shape, output_size, layer)
    rows = adaptive_pool_matrix(x.shape[2], oh, x.dtype)           # (OH, H)
    cols = adaptive_pool_matrix(x.shape[3], ow, x.dtype)           # (OW, W)
    out = backend.matmul(backend.matmul(rows, x), cols.T)          # (N, C, H, W) -> (N, C, OH, W) -> (N, C, OH, OW)
    return out, AdaptiveCache(rows, cols)


def adaptive_avg_pool2d_backward(grad_out, cache):
    """Gradient of adaptive average pooling: ``dx = A_h^T @ g @ A_w``.

    Each bin spreads its gradient evenly over its pixels (the transpose of
    averaging); a pixel in two overlapping bins gets both shares.
    """
    rows, cols = cache
    return backend.matmul(backend.matmul(rows.T, grad_out), cols)  # (N, C, OH, OW) -> (N, C, H, W)


def adaptive_avg_pool2d(x, output_size):
    """2-D adaptive average pooling, as ``torch.nn.functional.adaptive_avg_pool2d``.

    ``output_size`` is an int or a pair; ``None`` keeps that input size.

    Shape:
        - x: ``(N, C, H, W)``
        - Output: ``(N, C, OH, OW)`` = ``output_size``
    """
    return adaptive_avg_pool2d_forward(x, output_size)[0]


# -- 1-D: the 2-D poolings of the (N, C, 1, L) view -----------------------------

def max_pool1d_forward(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                       layer="MaxPool1d", geometry=None):
    """1-D max pooling, ``(out, cache)``: :func:`max_pool2d_forward` of the ``(N, C, 1, L)`` view."""
    geo = geometry or pool1d_geometry(x.shape, kernel_size, stride, padding, dilation, ceil_mode, layer)
    out, cache = max_pool2d_forward(as_image(x), geo.kernel_size, geometry=geo)  # x (N, C, L) -> (N, C, 1, L)
    return as_signal(out), cache                                 # (N, C, 1, L_out) -> (N, C, L_out)


def max_pool1d_backward(grad_out, cache):
    """Gradient of 1-D max pooling: each window's gradient goes to its maximum.

    Shape:
        - grad_out: ``(N, C, L_out)``
        - Output: ``(N, C, L)``
    """
    return as_signal(max_pool2d_backward(as_image(grad_out), cache))   # via (N, C, 1, L_out) -> (N, C, 1, L)


def max_pool1d(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-D max pooling, with the signature of ``torch.nn.functional.max_pool1d``.

    With ``return_indices`` returns ``(out, indices)``: the index into ``L`` of each maximum.

    Shape:
        - x: ``(N, C, L)``
        - Output: ``(N, C, L_out)`` with ``L_out = floor((L + 2p - d(k-1) - 1) / s) + 1``
          (``ceil`` with ``ceil_mode``)
    """
    out, cache = max_pool1d_forward(x, kernel_size, stride, padding, dilation, ceil_mode)
    if not return_indices:
        return out
    return out, as_signal(window_flat_index(cache.k_index, cache.geometry))  # row 0: index = column


def avg_pool1d_forward(x, kernel_size, stride=None, padding=0, ceil_mode=False,
                       count_include_pad=True, layer="AvgPool1d", geometry=None):
    """1-D average pooling, ``(out, cache)``: :func:`avg_pool2d_forward` of the ``(N, C, 1, L)`` view."""
    geo = geometry or pool1d_geometry(x.shape, kernel_size, stride, padding, 1, ceil_mode, layer)
    out, cache = avg_pool2d_forward(as_image(x), geo.kernel_size, count_include_pad=count_include_pad,
                                    layer=layer, geometry=geo)   # x (N, C, L) -> (N, C, 1, L)
    return as_signal(out), cache                                 # (N, C, 1, L_out) -> (N, C, L_out)


def avg_pool1d_backward(grad_out, cache):
    """Gradient of 1-D average pooling: each window spreads its gradient evenly.

    Shape:
        - grad_out: ``(N, C, L_out)``
        - Output: ``(N, C, L)``
    """
    return as_signal(avg_pool2d_backward(as_image(grad_out), cache))   # via (N, C, 1, L_out) -> (N, C, 1, L)


def avg_pool1d(x, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling, with the signature of ``torch.nn.functional.avg_pool1d``.

    Shape:
        - x: ``(N, C, L)``
        - Output: ``(N, C, L_out)`` with ``L_out = floor((L + 2p - k) / s) + 1``
          (``ceil`` with ``ceil_mode``)
    """
    return avg_pool1d_forward(x, kernel_size, stride, padding, ceil_mode, count_include_pad)[0]


def adaptive_output_size1d(x_shape, output_size, layer="AdaptiveAvgPool1d"):
    """``(L_out,)`` from ``output_size`` (an int or a 1-tuple), checked against ``x_shape``."""
    check_signal_shape(x_shape, layer)
    if output_size is None:
        raise ShapeError(f"{layer}: output_size must be an int, got None")
    size = single(output_size, "output_size")
    if size < 1:
        raise ShapeError(f"{layer}: output_size must be at least 1, got {output_size!r}")
    return (size,)


def adaptive_avg_pool1d_forward(x, output_size, layer="AdaptiveAvgPool1d"):
    """1-D adaptive average pooling, ``(out, cache)``: the 2-D one of the ``(N, C, 1, L)`` view."""
    (size,) = adaptive_output_size1d(x.shape, output_size, layer)
    out, cache = adaptive_avg_pool2d_forward(as_image(x), (1, size), layer)  # x (N, C, L) -> (N, C, 1, L)
    return as_signal(out), cache                                 # (N, C, 1, L_out) -> (N, C, L_out)


def adaptive_avg_pool1d_backward(grad_out, cache):
    """Gradient of 1-D adaptive average pooling: each bin spreads its gradient evenly.

    Shape:
        - grad_out: ``(N, C, L_out)``
        - Output: ``(N, C, L)``
    """
    return as_signal(adaptive_avg_pool2d_backward(as_image(grad_out), cache))  # via (N, C, 1, L_out) -> (N, C, 1, L)


def adaptive_avg_pool1d(x, output_size):
    """1-D adaptive average pooling, as ``torch.nn.functional.adaptive_avg_pool1d``.

    Output ``i`` averages ``floor(i*L/L_out) <= j < ceil((i+1)*L/L_out)``.

    Shape:
        - x: ``(N, C, L)``
        - Output: ``(N, C, L_out)`` with ``L_out = output_size``
    """
    return adaptive_avg_pool1d_forward(x, output_size)[0]

"""2-D convolution (strictly: cross-correlation, as in every deep-learning library).

Forward, for output channel ``o`` at position ``(i, j)``:

.. math::
    y_{n,o,i,j} = b_o + \\sum_{c,u,v} w_{o,c,u,v}\\,
                  x_{n,\\,c,\\,s i + d u,\\,s j + d v}

computed as one matrix product: the *im2col* matrix holds every input
window as a column (built from a strided view of the input, so the windows
are not gathered by Python loops), and the kernel bank is one row per
output channel.

Backward, with ``g`` the upstream gradient ``dL/dy``:

* ``dL/db_o = sum of g over batch and positions``;
* ``dL/dw = g`` correlated with the input windows (``g @ cols^T``);
* ``dL/dx`` is the *full* convolution of ``g`` with the kernel rotated by
  180 degrees (for stride ``s`` the gradient is first spread out with
  ``s-1`` zeros between its values). Here it is computed in its im2col
  form: ``w^T @ g`` gives each window's share, and *col2im* adds the shares
  back onto the pixels they came from. :func:`conv2d_input_grad_full` does
  the literal rotated-kernel computation, for teaching and for tests.

The 1-D convolution is this one on the signal viewed as an image of height
1 (:mod:`cnncore.functional.signal1d`).
"""
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from .. import backend
from ..errors import ShapeError
from ..shapes import conv_output_size, pair, resolve_padding2d
from .padding import pad2d, pad2d_backward
from .signal1d import as_image, as_signal, check_signal_shape, single

__all__ = ['ConvGeometry', 'ConvCache', 'conv2d_geometry', 'im2col', 'col2im', 'conv2d_forward', 'conv2d_backward', 'conv2d', 'conv2d_input_grad_full',
           'conv1d_geometry', 'conv1d_forward', 'conv1d_backward', 'conv1d']


class ConvGeometry(NamedTuple):
    """Everything about one convolution except the numbers in it."""
    x_shape: tuple       # (N, C, H, W)
    weight_shape: tuple  # (O, C/groups, kh, kw)
    stride: tuple
    padding: tuple       # (top, bottom, left, right)
    dilation: tuple
    groups: int
    padding_mode: str
    out_hw: tuple        # (OH, OW)


class ConvCache(NamedTuple):
    """What the forward pass keeps for the backward pass."""
    geometry: ConvGeometry
    cols: tuple          # per batch slice: (groups, C/groups*kh*kw, B*OH*OW) im2col matrix
    weight: np.ndarray
    slices: tuple        # per batch slice: (start, stop, its geometry)


# The batch is convolved a slice of images at a time, each slice's im2col
# matrix at most this many columns (output positions). For a layer with few
# input channels and a large output (LeNet-5's first: 25 rows and 784 columns
# per image, 25 x 50,176 at batch 64) one matrix for the whole batch does not
# stay in the CPU's cache between im2col writing it and the product reading it,
# and its 50,176-long axis is a poor shape for the matrix library. In slices,
# LeNet-5's first convolution (forward and backward) ran 1.6x faster at batch
# 64 and 1.5x at batch 20 (measured, bench/README.md); its second layer (100
# columns per image) stays one or two slices. The numbers are the same; only
# the order of the work changes. Batch 1 (the playground's views) is one slice.
SLICE_COLUMNS = 4096


def batch_slices(geo):
    """Split the batch of ``geo`` into ``(start, stop, geometry)`` slices (see ``SLICE_COLUMNS``)."""
    n, c, h, w = geo.x_shape
    oh, ow = geo.out_hw
    size = max(1, min(n, SLICE_COLUMNS // max(oh * ow, 1)))   # images per slice
    if size >= n:
        return ((0, n, geo),)
    return tuple((start, min(start + size, n),
                  geo._replace(x_shape=(min(start + size, n) - start, c, h, w)))
                 for start in range(0, n, size))


def conv2d_geometry(x_shape, weight_shape, stride=1, padding=0, dilation=1, groups=1,
                    padding_mode="zeros", layer="Conv2d", axes=("height", "width")):
    """Check a convolution's configuration and work out its output size.

    ``axes``: the names of the two spatial axes in the error messages.

    Raises:
        ShapeError: wrong input rank, channels that do not match the weight
            or are not divisible by ``groups``, stride/dilation below 1, or a
            kernel larger than the padded input.
    """
    if len(x_shape) != 4:
        raise ShapeError(f"{layer}: expected a 4-D input (N, C, H, W), got shape {tuple(x_shape)}")
    n, c, h, w = x_shape
    o, cg, kh, kw = weight_shape
    if groups < 1 or c % groups or o % groups:
        raise ShapeError(f"{layer}: in_channels {c} and out_channels {o} must both be "
                         f"divisible by groups {groups}")
    if c != cg * groups:
        raise ShapeError(f"{layer}: expected {cg * groups} input channels, got {c} "
                         f"(input shape {tuple(x_shape)})")
    stride, dilation = pair(stride, "stride"), pair(dilation, "dilation")
    pads = resolve_padding2d(padding, (kh, kw), dilation, stride, layer)
    oh = conv_output_size(h, kh, stride[0], pads[0:2], dilation[0], layer=layer, axis=axes[0])
    ow = conv_output_size(w, kw, stride[1], pads[2:4], dilation[1], layer=layer, axis=axes[1])
    return ConvGeometry(tuple(x_shape), tuple(weight_shape), stride, pads, dilation, groups,
                        padding_mode, (oh, ow))


def im2col(x, geo):
    """Every input window as one column.

    Shape:
        - x: ``(N, C, H, W)``
        - Output: ``(groups, C/groups*kh*kw, N*OH*OW)``
    """
    (sh, sw), (dh, dw), (oh, ow) = geo.stride, geo.dilation, geo.out_hw
    _, _, kh, kw = geo.weight_shape
    n, c = geo.x_shape[:2]
    xp = pad2d(x, geo.padding, geo.padding_mode)
    # Tap (u, v) of window (i, j) is xp[:, :, i*sh + u*dh, j*sw + v*dw]: a view with
    # two more axes, whose strides are the row and column strides times the stride
    # (from window to window) and the dilation (from tap to tap). Nothing is copied.
    # (sliding_window_view + slicing gives the same view, but costs more at batch 1.)
    s_n, s_c, s_row, s_col = xp.strides
    win = as_strided(xp, (n, c, oh, ow, kh, kw),              # (N, C, OH, OW, kh, kw), a view
                     (s_n, s_c, s_row * sh, s_col * sw, s_row * dh, s_col * dw), writeable=False)
    cols = win.transpose(1, 4, 5, 0, 2, 3)                    # (C, kh, kw, N, OH, OW), a view
    return cols.reshape(geo.groups, c // geo.groups * kh * kw, -1)  # the one copy


def col2im(dcols, geo, batch_last=False):
    """Add every window's gradient back onto the pixels of that window.

    The adjoint of :func:`im2col`: pixels shared by overlapping windows
    collect the sum of their shares.

    With ``batch_last`` the columns are ordered ``(OH, OW, N)`` (batch index
    varying fastest) instead of ``(N, OH, OW)``; :func:`conv2d_backward`
    uses that order, see below.

    Shape:
        - dcols: ``(groups, C/groups*kh*kw, N*OH*OW)``
        - Output: ``(N, C, H, W)``
    """
    n, c, h, w = geo.x_shape
    _, _, kh, kw = geo.weight_shape
    (sh, sw), (dh, dw), (oh, ow) = geo.stride, geo.dilation, geo.out_hw
    top, bottom, left, right = geo.padding
    if batch_last:
        dcols = dcols.reshape(c, kh, kw, oh, ow, n)
    else:
        dcols = dcols.reshape(c, kh, kw, n, oh, ow).transpose(0, 1, 2, 4, 5, 3)  # (C, kh, kw, OH, OW, N), a view
    # Why batch-last: every slice-add below then runs over one contiguous
    # block of OW*N numbers per row instead of N*C short rows of OW
    # numbers, which makes col2im 2-4x faster (NumPy's per-row overhead).
    dxp = np.zeros((c, h + top + bottom, w + left + right, n), dtype=dcols.dtype)  # (C, Hp, Wp, N)
    for u in range(kh):
        for v in range(kw):
            dxp[:, u * dh:u * dh + sh * (oh - 1) + 1:sh,
                   v * dw:v * dw + sw * (ow - 1) + 1:sw] += dcols[:, u, v]
    dxp = dxp.transpose(3, 0, 1, 2)                           # (N, C, Hp, Wp), a view
    return pad2d_backward(dxp, geo.padding, geo.padding_mode)


def conv2d_forward(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1,
                   padding_mode="zeros", layer="Conv2d", geometry=None):
    """Convolution forward pass that also returns what backward needs.

    Returns ``(y, cache)``; pass ``cache`` to :func:`conv2d_backward`.
    ``geometry``: the :func:`conv2d_geometry` of this very configuration and
    input shape, if the caller already has it (``Conv2d`` keeps it per input
    shape: at batch 1, checking the configuration costs as much as the arithmetic).
    """
    geo = geometry or conv2d_geometry(x.shape, weight.shape, stride, padding, dilation, groups,
                                      padding_mode, layer)
    n = x.shape[0]
    o = weight.shape[0]
    (oh, ow), g = geo.out_hw, geo.groups
    wmat = weight.reshape(g, o // g, -1)                      # (G, O/G, C/G*kh*kw)
    y = np.empty((o, n, oh, ow), dtype=np.result_type(x.dtype, weight.dtype))  # channels-first
    slices = batch_slices(geo)
    cols = []
    for start, stop, slice_geo in slices:                     # a slice of images at a time
        slice_cols = im2col(x[start:stop], slice_geo)         # (G, C/G*kh*kw, B*OH*OW)
        y[:, start:stop] = backend.matmul(wmat, slice_cols).reshape(o, stop - start, oh, ow)
        cols.append(slice_cols)
    if bias is not None:
        y += bias.reshape(o, 1, 1, 1)
    return y.transpose(1, 0, 2, 3), ConvCache(geo, tuple(cols), weight, slices)  # (N, O, OH, OW), a view


def conv2d_backward(grad_out, cache, need_input_grad=True):
    """Gradients of a convolution: ``(dx, dweight, dbias)``.

    ``dx`` is ``None`` when ``need_input_grad`` is false (the first layer of
    a network, whose input is the image, skips the most expensive product).

    Shape:
        - grad_out: ``(N, O, OH, OW)``
        - dx: ``(N, C, H, W)``; dweight: ``(O, C/groups, kh, kw)``; dbias: ``(O,)``
    """
    geo, cols, weight, slices = cache
    o, g = weight.shape[0], geo.groups
    dbias = grad_out.sum(axis=(0, 2, 3))
    dweight_t = 0
    for (start, stop, _), slice_cols in zip(slices, cols):                 # the forward's slices
        g_cf = grad_out[start:stop].transpose(1, 0, 2, 3).reshape(g, o // g, -1)  # (G, O/G, B*OH*OW)
        # dL/dw = g @ cols^T, computed as (cols @ g^T)^T: the same numbers, but BLAS
        # is 1.4-1.7x faster with the long B*OH*OW axis walked this way (measured).
        dweight_t = dweight_t + backend.matmul(slice_cols, g_cf.transpose(0, 2, 1))  # (G, C/G*kh*kw, O/G)
    dweight = dweight_t.transpose(0, 2, 1).reshape(weight.shape)          # (O, C/G, kh, kw), a small copy
    dx = None
    if need_input_grad:      # the whole batch at once: col2im is faster with long rows, see there
        wmat = weight.reshape(g, o // g, -1)                              # (G, O/G, C/G*kh*kw)
        g_bl = grad_out.transpose(1, 2, 3, 0).reshape(g, o // g, -1)      # (G, O/G, OH*OW*N): batch last
        dcols = backend.matmul(wmat.transpose(0, 2, 1), g_bl)             # (G, C/G*kh*kw, OH*OW*N)
        dx = col2im(dcols, geo, batch_last=True)
    return dx, dweight, dbias


def conv2d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Applies a 2-D convolution, with the signature of ``torch.nn.functional.conv2d``.

    Shape:
        - x: ``(N, C_in, H, W)``
        - weight: ``(C_out, C_in/groups, kH, kW)``; bias: ``(C_out,)``
        - Output: ``(N, C_out, H_out, W_out)`` with
          ``H_out = floor((H + 2p - d(kH-1) - 1) / s) + 1`` (likewise ``W_out``)
    """
    return conv2d_forward(x, weight, bias, stride, padding, dilation, groups)[0]


def conv2d_input_grad_full(grad_out, weight, x_shape, stride=1, padding=0, dilation=1):
    """``dL/dx`` as a full convolution with the 180-degree-rotated kernel.

    The textbook form of the input gradient (``groups=1``, zero padding):

    1. spread ``grad_out`` out with ``s-1`` zeros between values (undoing the stride);
    2. pad it by ``d(k-1)`` on every side (a *full* convolution);
    3. correlate it with the kernel rotated by 180 degrees, input and output
       channels swapped;
    4. crop away the rows and columns that were padding in the forward pass.

    It equals ``conv2d_backward(...)[0]`` (the tests check this).

    Shape:
        - grad_out: ``(N, C_out, H_out, W_out)``; weight: ``(C_out, C_in, kH, kW)``
        - Output: ``x_shape`` = ``(N, C_in, H, W)``
    """
    n, c, h, w = x_shape
    o, _, kh, kw = weight.shape
    (sh, sw), (dh, dw) = pair(stride), pair(dilation)
    top, bottom, left, right = resolve_padding2d(padding, (kh, kw), (dh, dw), (sh, sw))
    _, _, oh, ow = grad_out.shape
    spread = np.zeros((n, o, sh * (oh - 1) + 1, sw * (ow - 1) + 1), dtype=grad_out.dtype)
    spread[:, :, ::sh, ::sw] = grad_out
    rotated = weight[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)         # (C_in, C_out, kH, kW)
    full = conv2d(spread, np.ascontiguousarray(rotated),
                  padding=(dh * (kh - 1), dw * (kw - 1)), dilation=(dh, dw))
    # Rows/columns the forward pass never read (cut off by the stride) get no gradient.
    padded = np.zeros((n, c, h + top + bottom, w + left + right), dtype=grad_out.dtype)
    padded[:, :, :full.shape[2], :full.shape[3]] = full
    return padded[:, :, top:top + h, left:left + w]


# -- 1-D: the 2-D convolution of the (N, C, 1, L) view --------------------------

def conv1d_geometry(x_shape, weight_shape, stride=1, padding=0, dilation=1, groups=1,
                    padding_mode="zeros", layer="Conv1d"):
    """Check a 1-D convolution (the messages speak of lengths) and work out its output length.

    Returns the :func:`conv2d_geometry` of the input viewed as ``(N, C, 1, L)``
    and the kernel as ``(1, k)``; its ``out_hw`` is ``(1, L_out)``.
    """
    n, c, length = check_signal_shape(x_shape, layer)
    o, cg, k = weight_shape
    if c != cg * groups:
        raise ShapeError(f"{layer}: expected {cg * groups} input channels, got {c} "
                         f"(input shape {tuple(x_shape)})")
    stride, dilation = (1, single(stride, "stride")), (1, single(dilation, "dilation"))
    padding = padding if isinstance(padding, str) else (0, single(padding, "padding"))
    before, after = resolve_padding2d(padding, (1, k), dilation, stride, layer)[2:]
    if padding_mode == "reflect" and max(before, after) >= length:
        raise ShapeError(f"{layer}: reflect padding {max(before, after)} must be smaller than "
                         f"the input length {length}")
    if padding_mode == "circular" and max(before, after) > length:
        raise ShapeError(f"{layer}: circular padding {max(before, after)} cannot exceed "
                         f"the input length {length}")
    return conv2d_geometry((n, c, 1, length), (o, cg, 1, k), stride, padding, dilation, groups,
                           padding_mode, layer, axes=("height", "length"))


def conv1d_forward(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1,
                   padding_mode="zeros", layer="Conv1d", geometry=None):
    """1-D convolution forward pass: ``(y, cache)``, as :func:`conv2d_forward` of the
    ``(N, C, 1, L)`` view. ``geometry``: the :func:`conv1d_geometry`, if the caller has it."""
    geo = geometry or conv1d_geometry(x.shape, weight.shape, stride, padding, dilation, groups,
                                      padding_mode, layer)
    # x (N, C, L) -> (N, C, 1, L) and weight (O, C/G, k) -> (O, C/G, 1, k), views
    y, cache = conv2d_forward(as_image(x), as_image(weight), bias, geometry=geo)
    return as_signal(y), cache                                   # (N, O, 1, L_out) -> (N, O, L_out)


def conv1d_backward(grad_out, cache, need_input_grad=True):
    """Gradients of a 1-D convolution: ``(dx, dweight, dbias)``, as :func:`conv2d_backward`.

    Shape:
        - grad_out: ``(N, O, L_out)``
        - dx: ``(N, C, L)``; dweight: ``(O, C/groups, k)``; dbias: ``(O,)``
    """
    dx, dweight, dbias = conv2d_backward(as_image(grad_out), cache, need_input_grad)
    # dx (N, C, 1, L) -> (N, C, L) and dweight (O, C/G, 1, k) -> (O, C/G, k), views
    return None if dx is None else as_signal(dx), as_signal(dweight), dbias


def conv1d(x, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """Applies a 1-D convolution, with the signature of ``torch.nn.functional.conv1d``.

    Shape:
        - x: ``(N, C_in, L)``
        - weight: ``(C_out, C_in/groups, k)``; bias: ``(C_out,)``
        - Output: ``(N, C_out, L_out)`` with ``L_out = floor((L + 2p - d(k-1) - 1) / s) + 1``
    """
    return conv1d_forward(x, weight, bias, stride, padding, dilation, groups)[0]

"""1-D layers for sequences and signals: ``(N, C, L)`` inputs.

A 1-D signal of length ``L`` is an image of height 1: viewing the input
as ``(N, C, 1, L)`` and the kernel as ``(1, k)`` turns every 1-D layer into
the 2-D layer that is already here, so the 1-D layers below only translate
shapes and arguments (and check them in 1-D terms, so that error messages
speak of ``Conv1d`` and lengths, not heights and widths).
"""
import numpy as np

from .. import functional as F
from ..errors import ShapeError
from ..functional.padding import MODES
from ..functional.pooling import pool2d_geometry
from ..shapes import conv_output_size, same_padding
from .init import uniform_fan_in
from .module import Module, Parameter

__all__ = ['Conv1d', 'MaxPool1d', 'AvgPool1d', 'AdaptiveAvgPool1d']


def _single(value, name):
    """``3 -> 3``; ``(3,) -> 3``. Rejects anything else."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ShapeError(f"{name} of a 1-D layer must be an int or a 1-tuple, got {value!r}")
        value = value[0]
    return int(value)


def _check_3d(x_shape, layer):
    if len(x_shape) != 3:
        raise ShapeError(f"{layer}: expected a 3-D input (N, C, L), got shape {tuple(x_shape)}")


def _as_2d(x):
    return x[:, :, None, :]  # (N, C, L) -> (N, C, 1, L), a view


def _as_1d(y):
    return y[:, :, 0, :]     # (N, C, 1, L) -> (N, C, L), a view


class Conv1d(Module):
    """1-D convolution over an ``(N, C, L)`` batch, as ``torch.nn.Conv1d``.

    Each of the ``out_channels`` kernels has shape ``(in_channels/groups, k)``
    and slides along the sequence. Computed as a :class:`Conv2d` with a
    ``(1, k)`` kernel on the input viewed as ``(N, C, 1, L)``.

    Args:
        in_channels, out_channels: channels in and out.
        kernel_size, stride, dilation: ints (or 1-tuples).
        padding: int, ``'same'`` or ``'valid'``.
        groups: split channels into groups convolved separately.
        bias: add a learnable bias per output channel.
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.

    Shape:
        - Input: ``(N, C_in, L)``
        - Output: ``(N, C_out, L_out)`` with ``L_out = floor((L + 2p - d(k-1) - 1) / s) + 1``

    Attributes:
        weight: ``(C_out, C_in/groups, k)``. bias: ``(C_out,)``.
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1,
                 groups=1, bias=True, padding_mode="zeros", dtype=np.float32):
        super().__init__()
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = (_single(kernel_size, "kernel_size"),)
        self.stride, self.dilation = (_single(stride, "stride"),), (_single(dilation, "dilation"),)
        self.padding = padding if isinstance(padding, str) else (_single(padding, "padding"),)
        self.groups, self.padding_mode = int(groups), padding_mode
        self._check_args()
        k = self.kernel_size[0]
        fan_in = self.in_channels // self.groups * k
        self.weight = Parameter(uniform_fan_in((self.out_channels, self.in_channels // self.groups, k),
                                               fan_in, dtype))
        self.bias = Parameter(uniform_fan_in((self.out_channels,), fan_in, dtype)) if bias else None
        self.needs_input_grad = True

    def _check_args(self):
        c, o, g = self.in_channels, self.out_channels, self.groups
        (k,), (s,), (d,) = self.kernel_size, self.stride, self.dilation
        if c < 1 or o < 1:
            raise ShapeError(f"Conv1d: in_channels and out_channels must be at least 1, got {c} and {o}")
        if g < 1 or c % g or o % g:
            raise ShapeError(f"Conv1d: in_channels {c} and out_channels {o} must both be "
                             f"divisible by groups {g}")
        if min(k, s, d) < 1:
            raise ShapeError(f"Conv1d: kernel_size, stride and dilation must be at least 1, "
                             f"got {k}, {s}, {d}")
        if self.padding_mode not in MODES:
            raise ShapeError(f"Conv1d: padding_mode must be one of {', '.join(MODES)}, "
                             f"got {self.padding_mode!r}")
        if isinstance(self.padding, str) and self.padding not in ("same", "valid"):
            raise ShapeError(f"Conv1d: padding must be an int, 'same' or 'valid', got {self.padding!r}")
        if self.padding == "same" and s != 1:
            raise ShapeError(f"Conv1d: padding='same' needs stride 1, got stride {s}")
        if not isinstance(self.padding, str) and self.padding[0] < 0:
            raise ShapeError(f"Conv1d: padding must not be negative, got {self.padding[0]}")

    def _pads(self):
        """``(before, after)`` padding of the sequence."""
        if self.padding == "same":
            return same_padding(self.kernel_size[0], self.dilation[0])
        if self.padding == "valid":
            return 0, 0
        return self.padding[0], self.padding[0]

    def output_shape(self, input_shape):
        _check_3d(input_shape, "Conv1d")
        n, c, length = input_shape
        if c != self.in_channels:
            raise ShapeError(f"Conv1d: expected {self.in_channels} input channels, got {c} "
                             f"(input shape {tuple(input_shape)})")
        before, after = self._pads()
        if self.padding_mode == "reflect" and max(before, after) >= length:
            raise ShapeError(f"Conv1d: reflect padding {max(before, after)} must be smaller than "
                             f"the input length {length}")
        if self.padding_mode == "circular" and max(before, after) > length:
            raise ShapeError(f"Conv1d: circular padding {max(before, after)} cannot exceed "
                             f"the input length {length}")
        out = conv_output_size(length, self.kernel_size[0], self.stride[0], (before, after),
                               self.dilation[0], layer="Conv1d", axis="length")
        return (n, self.out_channels, out)

    def forward(self, x):
        self.output_shape(x.shape)                          # 1-D checks and messages first
        padding = self.padding if isinstance(self.padding, str) else (0, self.padding[0])
        y, self._cache = F.conv2d_forward(
            _as_2d(x), self.weight.data[:, :, None, :],     # weight (O, C/g, k) -> (O, C/g, 1, k)
            None if self.bias is None else self.bias.data,
            (1, self.stride[0]), padding, (1, self.dilation[0]), self.groups, self.padding_mode,
            layer="Conv1d")
        return _as_1d(y)

    def backward(self, grad_out):
        dx, dw, db = F.conv2d_backward(_as_2d(grad_out), self._cache, self.needs_input_grad)
        self.weight.accumulate(dw[:, :, 0, :])              # (O, C/g, 1, k) -> (O, C/g, k)
        if self.bias is not None:
            self.bias.accumulate(db)
        return None if dx is None else _as_1d(dx)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding not in ((0,), "valid"):
            s += f", padding={self.padding}"
        if self.dilation != (1,):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode!r}"
        return s


class _Pool1d(Module):
    """Shared 1-D pooling plumbing: the ``(1, k)`` window on the ``(N, C, 1, L)`` view."""

    _dilation, _ceil_mode = 1, False

    def _args2d(self):
        """Kernel, stride, padding, dilation as the 2-D op's ``(height, length)`` pairs."""
        k = _single(self.kernel_size, "kernel_size")
        s = _single(self.stride, "stride")
        return (1, k), (1, s), (0, _single(self.padding, "padding")), (1, _single(self._dilation, "dilation"))

    def _geometry(self, input_shape):
        name = type(self).__name__
        _check_3d(input_shape, name)
        n, c, length = input_shape
        return pool2d_geometry((n, c, 1, length), *self._args2d(), self._ceil_mode, name,
                               axes=("height", "length"))

    def output_shape(self, input_shape):
        return (*tuple(input_shape)[:2], self._geometry(input_shape).out_hw[1])

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool1d(_Pool1d):
    """1-D max pooling, as ``torch.nn.MaxPool1d``: the largest value of each window.

    Computed by :func:`cnncore.functional.max_pool2d` with a ``(1, k)`` window.

    Shape:
        - Input: ``(N, C, L)``
        - Output: ``(N, C, L_out)`` with ``L_out = floor((L + 2p - d(k-1) - 1) / s) + 1``
          (``ceil`` with ``ceil_mode``)
    """

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)
        self._dilation, self._ceil_mode = dilation, self.ceil_mode
        F.check_pool_args(*self._args2d(), "MaxPool1d", dims=1)

    def forward(self, x):
        self._geometry(x.shape)
        out, self._cache = F.max_pool2d_forward(_as_2d(x), *self._args2d(), self.ceil_mode,
                                                layer="MaxPool1d")
        return (_as_1d(out), self.last_argmax()) if self.return_indices else _as_1d(out)

    def backward(self, grad_out):
        return _as_1d(F.max_pool2d_backward(_as_2d(grad_out), self._cache))

    def last_argmax(self):
        """Where each maximum of the last forward pass came from: indices into ``L``, shape ``(N, C, L_out)``."""
        return _as_1d(F.window_flat_index(self._cache.k_index, self._cache.geometry))  # row 0: index = column


class AvgPool1d(_Pool1d):
    """1-D average pooling, as ``torch.nn.AvgPool1d``.

    Computed by :func:`cnncore.functional.avg_pool2d` with a ``(1, k)`` window.

    Shape:
        - Input: ``(N, C, L)``
        - Output: ``(N, C, L_out)`` with ``L_out = floor((L + 2p - k) / s) + 1``
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        self.ceil_mode, self.count_include_pad = bool(ceil_mode), bool(count_include_pad)
        self._ceil_mode = self.ceil_mode
        F.check_pool_args(*self._args2d(), "AvgPool1d", dims=1)

    def forward(self, x):
        self._geometry(x.shape)
        k, s, p, _ = self._args2d()
        out, self._cache = F.avg_pool2d_forward(_as_2d(x), k, s, p, self.ceil_mode,
                                                self.count_include_pad, layer="AvgPool1d")
        return _as_1d(out)

    def backward(self, grad_out):
        return _as_1d(F.avg_pool2d_backward(_as_2d(grad_out), self._cache))


class AdaptiveAvgPool1d(Module):
    """1-D adaptive average pooling, as ``torch.nn.AdaptiveAvgPool1d``.

    Output ``i`` averages ``floor(i*L/L_out) <= j < ceil((i+1)*L/L_out)``.

    Shape:
        - Input: ``(N, C, L)``
        - Output: ``(N, C, L_out)`` with ``L_out = output_size``
    """

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def output_shape(self, input_shape):
        _check_3d(input_shape, "AdaptiveAvgPool1d")
        if self.output_size is None:
            raise ShapeError("AdaptiveAvgPool1d: output_size must be an int, got None")
        size = _single(self.output_size, "output_size")
        if size < 1:
            raise ShapeError(f"AdaptiveAvgPool1d: output_size must be at least 1, got {self.output_size!r}")
        return (*tuple(input_shape)[:2], size)

    def forward(self, x):
        size = self.output_shape(x.shape)[2]
        out, self._cache = F.adaptive_avg_pool2d_forward(_as_2d(x), (1, size), layer="AdaptiveAvgPool1d")
        return _as_1d(out)

    def backward(self, grad_out):
        return _as_1d(F.adaptive_avg_pool2d_backward(_as_2d(grad_out), self._cache))

    def extra_repr(self):
        return f"output_size={self.output_size}"

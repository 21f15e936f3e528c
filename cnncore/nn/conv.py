"""Convolution layers: ``Conv1d`` and ``Conv2d``, two settings of one ``_ConvNd``."""
import math

import numpy as np

from .. import functional as F
from ..errors import ShapeError
from ..functional.padding import MODES
from ..functional.signal1d import single
from ..shapes import pair
from .init import uniform_fan_in
from .module import Module, Parameter

__all__ = ['Conv1d', 'Conv2d']


def _show(values):
    """A setting as the user typed it: ``(3,) -> 3`` for a 1-D layer, pairs as they are."""
    return values[0] if len(values) == 1 else values


class _ConvNd(Module):
    """What every convolution layer shares, as PyTorch's ``_ConvNd``.

    The arguments and their checks, the weights and their initialisation,
    the forward and backward passes, the output shape and the printed form.
    A subclass sets ``dims`` (the number of spatial axes) and the functional
    ops of that dimensionality; ``Conv1d`` runs the 2-D ops on the input
    viewed as ``(N, C, 1, L)`` (see :mod:`cnncore.functional.signal1d`).
    """

    dims = 2
    _geometry_op = staticmethod(F.conv2d_geometry)
    _forward_op = staticmethod(F.conv2d_forward)
    _backward_op = staticmethod(F.conv2d_backward)

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", dtype=np.float32):
        super().__init__()
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = self._ntuple(kernel_size, "kernel_size")
        self.stride, self.dilation = self._ntuple(stride, "stride"), self._ntuple(dilation, "dilation")
        self.padding = padding if isinstance(padding, str) else self._ntuple(padding, "padding")
        self.groups, self.padding_mode = int(groups), padding_mode
        self._check_args()
        fan_in = self.in_channels // self.groups * math.prod(self.kernel_size)
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight = Parameter(uniform_fan_in(shape, fan_in, dtype))
        self.bias = Parameter(uniform_fan_in((self.out_channels,), fan_in, dtype)) if bias else None
        # The first layer of a network may skip dL/dx (its input is the image).
        self.needs_input_grad = True

    def _ntuple(self, value, name):
        """An int or a ``dims``-tuple as a ``dims``-tuple of ints: ``3 -> (3, 3)`` in 2-D, ``(3,)`` in 1-D."""
        return pair(value, name) if self.dims == 2 else (single(value, name),)

    def _check_args(self):
        name, c, o, g = type(self).__name__, self.in_channels, self.out_channels, self.groups
        if c < 1 or o < 1:
            raise ShapeError(f"{name}: in_channels and out_channels must be at least 1, got {c} and {o}")
        if g < 1 or c % g or o % g:
            raise ShapeError(f"{name}: in_channels {c} and out_channels {o} must both be "
                             f"divisible by groups {g}")
        if min(self.kernel_size + self.stride + self.dilation) < 1:
            raise ShapeError(f"{name}: kernel_size, stride and dilation must be at least 1, got "
                             f"{_show(self.kernel_size)}, {_show(self.stride)}, {_show(self.dilation)}")
        if self.padding_mode not in MODES:
            raise ShapeError(f"{name}: padding_mode must be one of {', '.join(MODES)}, "
                             f"got {self.padding_mode!r}")
        if isinstance(self.padding, str) and self.padding not in ("same", "valid"):
            raise ShapeError(f"{name}: padding must be an int, {'a pair, ' if self.dims == 2 else ''}"
                             f"'same' or 'valid', got {self.padding!r}")
        if self.padding == "same" and max(self.stride) != 1:
            raise ShapeError(f"{name}: padding='same' needs stride 1, got stride {_show(self.stride)}")
        if not isinstance(self.padding, str) and min(self.padding) < 0:
            raise ShapeError(f"{name}: padding must not be negative, got {_show(self.padding)}")

    def _geometry(self, input_shape):
        """The checked geometry for this input shape, worked out once and reused
        while the input shape and the layer's settings stay the same."""
        key = (tuple(input_shape), self.weight.shape, self.stride, self.padding, self.dilation,
               self.groups, self.padding_mode)
        if getattr(self, "_geometry_key", None) != key:
            self._geometry_value = self._geometry_op(*key)      # raises ShapeError if it does not fit
            self._geometry_key = key
        return self._geometry_value

    def output_shape(self, input_shape):
        return (input_shape[0], self.out_channels, *self._geometry(input_shape).out_hw[-self.dims:])

    def forward(self, x):
        y, self._cache = self._forward_op(
            x, self.weight.data, None if self.bias is None else self.bias.data,
            self.stride, self.padding, self.dilation, self.groups, self.padding_mode,
            geometry=self._geometry(x.shape))
        return y

    def backward(self, grad_out):
        dx, dw, db = self._backward_op(grad_out, self._cache, self.needs_input_grad)
        self.weight.accumulate(dw)
        if self.bias is not None:
            self.bias.accumulate(db)
        return dx

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding not in ((0,) * self.dims, "valid"):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self.dims:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode!r}"
        return s


class Conv1d(_ConvNd):
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

    dims = 1
    _geometry_op = staticmethod(F.conv1d_geometry)
    _forward_op = staticmethod(F.conv1d_forward)
    _backward_op = staticmethod(F.conv1d_backward)


class Conv2d(_ConvNd):
    """2-D convolution over an ``(N, C, H, W)`` batch, as ``torch.nn.Conv2d``.

    Each of the ``out_channels`` kernels has shape ``(in_channels/groups,
    kH, kW)`` and slides over the input with the given stride, padding and
    dilation; the same kernel is used at every position (weight sharing).

    Args:
        in_channels, out_channels: channels in and out.
        kernel_size: int or ``(kH, kW)``.
        stride: int or pair. padding: int, pair, ``'same'`` or ``'valid'``.
        dilation: int or pair: gaps between kernel taps.
        groups: split channels into groups convolved separately.
        bias: add a learnable bias per output channel.
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.

    Shape:
        - Input: ``(N, C_in, H, W)``
        - Output: ``(N, C_out, H_out, W_out)`` with
          ``H_out = floor((H + 2p - d(kH-1) - 1) / s) + 1`` (likewise ``W_out``)

    Attributes:
        weight: ``(C_out, C_in/groups, kH, kW)``. bias: ``(C_out,)``.
    """

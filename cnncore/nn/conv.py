"""Convolution layers."""
import numpy as np

from .. import functional as F
from ..errors import ShapeError
from ..functional.padding import MODES
from ..shapes import pair, resolve_padding2d
from .init import uniform_fan_in
from .module import Module, Parameter

__all__ = ['Conv2d']


class Conv2d(Module):
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

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", dtype=np.float32):
        super().__init__()
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size, self.stride = pair(kernel_size, "kernel_size"), pair(stride, "stride")
        self.padding = padding if isinstance(padding, str) else pair(padding, "padding")
        self.dilation, self.groups, self.padding_mode = pair(dilation, "dilation"), int(groups), padding_mode
        self._check_args()
        fan_in = self.in_channels // self.groups * self.kernel_size[0] * self.kernel_size[1]
        shape = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        self.weight = Parameter(uniform_fan_in(shape, fan_in, dtype))
        self.bias = Parameter(uniform_fan_in((self.out_channels,), fan_in, dtype)) if bias else None
        # The first layer of a network may skip dL/dx (its input is the image).
        self.needs_input_grad = True

    def _check_args(self):
        c, o, g = self.in_channels, self.out_channels, self.groups
        if c < 1 or o < 1:
            raise ShapeError(f"Conv2d: in_channels and out_channels must be at least 1, got {c} and {o}")
        if g < 1 or c % g or o % g:
            raise ShapeError(f"Conv2d: in_channels {c} and out_channels {o} must both be "
                             f"divisible by groups {g}")
        if min(self.kernel_size) < 1 or min(self.stride) < 1 or min(self.dilation) < 1:
            raise ShapeError(f"Conv2d: kernel_size, stride and dilation must be at least 1, got "
                             f"{self.kernel_size}, {self.stride}, {self.dilation}")
        if self.padding_mode not in MODES:
            raise ShapeError(f"Conv2d: padding_mode must be one of {', '.join(MODES)}, "
                             f"got {self.padding_mode!r}")
        resolve_padding2d(self.padding, self.kernel_size, self.dilation, self.stride)

    def forward(self, x):
        y, self._cache = F.conv2d_forward(
            x, self.weight.data, None if self.bias is None else self.bias.data,
            self.stride, self.padding, self.dilation, self.groups, self.padding_mode,
            geometry=self._geometry(x.shape))
        return y

    def _geometry(self, input_shape):
        """The checked geometry for this input shape, worked out once and reused
        while the input shape and the layer's settings stay the same."""
        key = (tuple(input_shape), self.weight.shape, self.stride, self.padding, self.dilation,
               self.groups, self.padding_mode)
        if getattr(self, "_geometry_key", None) != key:
            self._geometry_value = F.conv2d_geometry(*key)      # raises ShapeError if it does not fit
            self._geometry_key = key
        return self._geometry_value

    def output_shape(self, input_shape):
        return (input_shape[0], self.out_channels, *self._geometry(input_shape).out_hw)

    def backward(self, grad_out):
        dx, dw, db = F.conv2d_backward(grad_out, self._cache, self.needs_input_grad)
        self.weight.accumulate(dw)
        if self.bias is not None:
            self.bias.accumulate(db)
        return dx

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding not in ((0, 0), "valid"):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode!r}"
        return s

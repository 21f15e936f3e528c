"""Residual blocks (He et al., 2015) with torchvision's structure and state_dict keys.

A residual block computes ``relu(F(x) + shortcut(x))``: the layers ``F``
only have to learn the *change* to their input. The shortcut is the
identity (the "solid" arrow of the paper's figures) when input and output
have the same shape, and a 1x1 convolution with batch norm (the "dashed"
projection, torchvision's ``downsample``) when the block changes the
number of channels or the size.

Why shortcuts help deep networks train: at the addition the gradient is
*copied* into both paths, and at the block's input the two are *added*::

    dL/dx = dL/dx through F  +  dL/dx through the shortcut

Through an identity shortcut the second term is the upstream gradient
itself, untouched by any weight or saturating activation. So however small
the gradient through ``F`` becomes (the *vanishing gradient* of deep plain
networks), the gradient reaching early layers is at least what came in: a
stack of blocks passes gradients down an "express lane".

``shortcut=False`` builds the same layers without the addition (a *plain*
block), for comparing plain and residual networks of equal depth.
"""
import numpy as np

from .. import functional as F
from .container import Sequential
from .conv import Conv2d
from .init import kaiming_normal
from .normalization import BatchNorm2d
from .activation import ReLU
from .module import Module

__all__ = ['BasicBlock', 'Bottleneck']


def _conv(in_planes, out_planes, kernel_size, stride=1, dtype=np.float32):
    """A bias-free convolution ("same" padding for 3x3) with torchvision's ResNet init.

    Weights are drawn from ``N(0, 2 / fan_out)``, ``fan_out = out_planes * k * k``
    (Kaiming normal, mode ``fan_out``).
    """
    conv = Conv2d(in_planes, out_planes, kernel_size, stride=stride, padding=kernel_size // 2,
                  bias=False, dtype=dtype)
    conv.weight.data = kaiming_normal(conv.weight.shape, out_planes * kernel_size * kernel_size, dtype)
    return conv


class _ResidualBlock(Module):
    """Shared forward/backward: a main path of (conv, bn[, relu]) stages, plus a shortcut."""

    expansion = 1
    _stages = ()  # names of (conv, bn) pairs; a ReLU follows every pair but the last

    def _make_shortcut(self, inplanes, planes, stride, shortcut, dtype):
        self.stride, self.shortcut = stride, bool(shortcut)
        out = planes * self.expansion
        self.downsample = None  # identity ("solid") shortcut, or no shortcut at all
        if shortcut and (stride != 1 or inplanes != out):
            self.downsample = Sequential(_conv(inplanes, out, 1, stride, dtype),  # the "dashed" projection
                                         BatchNorm2d(out, dtype=dtype))

    def forward(self, x):
        out, self._relu_outputs = x, []
        for i, (conv, bn) in enumerate(self._stages):
            out = getattr(self, bn)(getattr(self, conv)(out))
            if i < len(self._stages) - 1:
                out = F.relu(out)
                self._relu_outputs.append(out)   # each ReLU use keeps its own output
        if self.shortcut:
            out = out + (x if self.downsample is None else self.downsample(x))
        self._out = F.relu(out)
        return self._out

    def backward(self, grad_out):
        g = F.relu_backward(grad_out, self._out)
        # The addition copies g into both paths ...
        g_main = g
        for i, (conv, bn) in reversed(list(enumerate(self._stages))):
            if i < len(self._stages) - 1:
                g_main = F.relu_backward(g_main, self._relu_outputs[i])
            g_main = getattr(self, conv).backward(getattr(self, bn).backward(g_main))
        #: dL/dx through the layers and through the shortcut, from the last backward pass.
        self.grad_main, self.grad_shortcut = g_main, None
        if not self.shortcut:
            return g_main
        self.grad_shortcut = g if self.downsample is None else self.downsample.backward(g)
        # ... and the block's input collects both.
        return g_main + self.grad_shortcut

    def output_shape(self, input_shape):
        shape = tuple(input_shape)
        for conv, bn in self._stages:
            shape = getattr(self, bn).output_shape(getattr(self, conv).output_shape(shape))
        return shape

    def extra_repr(self):
        return "" if self.shortcut else "shortcut=False"


class BasicBlock(_ResidualBlock):
    """ResNet-18/34's block: two 3x3 convolutions, as torchvision's ``BasicBlock``.

    ``out = relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))``, where the
    shortcut is the identity, or ``downsample`` (1x1 convolution with
    ``stride`` + batch norm) when ``stride != 1`` or ``inplanes != planes``.

    Args:
        inplanes: input channels. planes: output channels (``expansion = 1``).
        stride: stride of ``conv1`` (2 halves the size).
        shortcut: ``False`` for a plain block (no addition, no ``downsample``).

    Shape:
        - Input: ``(N, inplanes, H, W)``
        - Output: ``(N, planes, H_out, W_out)`` with ``H_out = floor((H - 1) / stride) + 1``

    Attributes:
        conv1, bn1, relu, conv2, bn2, downsample (``None`` for the identity):
            torchvision's names, so the state_dict keys match.
        grad_main, grad_shortcut: ``dL/dx`` through each path in the last backward.
    """

    expansion = 1
    _stages = (("conv1", "bn1"), ("conv2", "bn2"))

    def __init__(self, inplanes, planes, stride=1, shortcut=True, dtype=np.float32):
        super().__init__()
        self.inplanes, self.planes = int(inplanes), int(planes)
        self.conv1 = _conv(inplanes, planes, 3, stride, dtype)
        self.bn1 = BatchNorm2d(planes, dtype=dtype)
        self.relu = ReLU()  # has no weights; the forward pass uses F.relu to keep one cache per use
        self.conv2 = _conv(planes, planes, 3, 1, dtype)
        self.bn2 = BatchNorm2d(planes, dtype=dtype)
        self._make_shortcut(inplanes, planes, stride, shortcut, dtype)


class Bottleneck(_ResidualBlock):
    """ResNet-50/101/152's block: 1x1 reduce, 3x3, 1x1 expand, as torchvision's ``Bottleneck``.

    ``out = relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x))``.
    The 1x1 convolutions squeeze the channels to ``planes`` for the costly
    3x3 and expand them to ``planes * 4`` after it. The stride sits on the
    3x3 convolution (torchvision's "ResNet v1.5").

    Args:
        inplanes: input channels. planes: channels inside; the output has
            ``planes * expansion`` = ``4 * planes``.
        stride: stride of ``conv2``.
        shortcut: ``False`` for a plain block (no addition, no ``downsample``).

    Shape:
        - Input: ``(N, inplanes, H, W)``
        - Output: ``(N, 4*planes, H_out, W_out)`` with ``H_out = floor((H - 1) / stride) + 1``

    Attributes:
        conv1, bn1, conv2, bn2, conv3, bn3, relu, downsample: torchvision's names.
        grad_main, grad_shortcut: ``dL/dx`` through each path in the last backward.
    """

    expansion = 4
    _stages = (("conv1", "bn1"), ("conv2", "bn2"), ("conv3", "bn3"))

    def __init__(self, inplanes, planes, stride=1, shortcut=True, dtype=np.float32):
        super().__init__()
        self.inplanes, self.planes = int(inplanes), int(planes)
        self.conv1 = _conv(inplanes, planes, 1, 1, dtype)
        self.bn1 = BatchNorm2d(planes, dtype=dtype)
        self.conv2 = _conv(planes, planes, 3, stride, dtype)
        self.bn2 = BatchNorm2d(planes, dtype=dtype)
        self.conv3 = _conv(planes, planes * self.expansion, 1, 1, dtype)
        self.bn3 = BatchNorm2d(planes * self.expansion, dtype=dtype)
        self.relu = ReLU()
        self._make_shortcut(inplanes, planes, stride, shortcut, dtype)

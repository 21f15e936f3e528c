"""The attention pooling layer (the maths is in :mod:`cnncore.functional.attention_pool`)."""
import numpy as np

from .. import functional as F
from ..errors import ShapeError
from .init import uniform_fan_in
from .module import Module, Parameter

__all__ = ['AttentionPool2d']


class AttentionPool2d(Module):
    """Global attention pooling: a learned, softmax-weighted average over all positions.

    A 1x1 convolution scores every position, ``s = w . x_p + b``; a softmax
    over the ``H W`` positions of each example turns the scores into
    weights ``a`` (positive, summing to 1); the output is ``sum_p a_p x_p``.
    With ``w = 0`` it is global average pooling; a large ``w`` makes it
    close to picking the single best-scored position. PyTorch has no such
    layer; the exported model writes it as a 1x1 ``conv2d``, a softmax and
    a weighted sum.

    Args:
        in_channels: ``C``, the number of channels of the input.
        bias: give the score a bias (it cancels in the softmax; kept so the
            weights are those of ``nn.Conv2d(C, 1, 1)``).

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C)`` (one window covering all ``H x W`` positions)

    Attributes:
        weight: ``(1, C, 1, 1)``, the score's 1x1 kernel. bias: ``(1,)``.
    """

    def __init__(self, in_channels, bias=True, dtype=np.float32):
        super().__init__()
        if int(in_channels) < 1:
            raise ShapeError(f"AttentionPool2d: in_channels must be at least 1, got {in_channels}")
        self.in_channels = int(in_channels)
        self.weight = Parameter(uniform_fan_in((1, self.in_channels, 1, 1), self.in_channels, dtype))
        self.bias = Parameter(uniform_fan_in((1,), self.in_channels, dtype)) if bias else None

    def forward(self, x):
        out, self._cache = F.attention_pool2d_forward(x, self.weight.data,
                                                      None if self.bias is None else self.bias.data)
        return out

    def backward(self, grad_out):
        dx, dweight, dbias = F.attention_pool2d_backward(grad_out, self._cache)
        self.weight.accumulate(dweight)
        if self.bias is not None:
            self.bias.accumulate(dbias)
        return dx

    def last_weights(self):
        """The softmax weights of the last forward pass, shape ``(N, H, W)`` (each map sums to 1)."""
        cache = getattr(self, "_cache", None)
        if cache is None:
            raise RuntimeError("AttentionPool2d: no forward pass yet")
        n, _, h, w = cache.x.shape
        return cache.weights.reshape(n, h, w)

    def output_shape(self, input_shape):
        if len(input_shape) != 4 or input_shape[1] != self.in_channels:
            raise ShapeError(f"AttentionPool2d: expected input (N, {self.in_channels}, H, W), "
                             f"got shape {tuple(input_shape)}")
        return (input_shape[0], self.in_channels)

    def extra_repr(self):
        return f"in_channels={self.in_channels}, bias={self.bias is not None}"

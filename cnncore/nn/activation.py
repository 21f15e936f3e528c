"""Activation layers: thin wrappers over :mod:`cnncore.functional.activation`."""
from .. import functional as F
from .module import Module

__all__ = ['ReLU']


class ReLU(Module):
    """``max(x, 0)``: passes positive values, zeroes the rest.

    Its gradient is 1 where the unit was active and 0 where it was not,
    so a unit that is never active never learns (a "dead" ReLU).

    Shape:
        - Input: any
        - Output: same as the input
    """

    def forward(self, x):
        self._y = F.relu(x)
        return self._y

    def backward(self, grad_out):
        return F.relu_backward(grad_out, self._y)

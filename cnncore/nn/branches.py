"""Multi-branch blocks: run several paths on the same input and concatenate.

GoogLeNet's Inception block is the classic example: 1x1, 3x3 and 5x5
convolutions and a pooling path look at the same input at different scales,
and their feature maps are stacked along the channel axis.
"""
from collections import OrderedDict

import numpy as np

from ..errors import ShapeError
from .module import Module

__all__ = ["Concat"]


class Concat(Module):
    """Apply each branch to the input and concatenate the outputs on the channel axis.

    Backward: the upstream gradient is cut back into one slice per branch
    (the channels that branch produced); each branch's input gradient is
    added up, because every branch read the same input.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, sum of the branches' channels, H', W')`` (all branches
          must produce the same ``H', W'``)
    """

    def __init__(self, branches):
        super().__init__()
        items = branches.items() if isinstance(branches, (dict, OrderedDict)) else (
            (f"branch{i + 1}", b) for i, b in enumerate(branches))
        for name, branch in items:
            setattr(self, name, branch)

    def forward(self, x):
        outputs = [branch(x) for branch in self._modules.values()]
        self._channels = [y.shape[1] for y in outputs]
        return np.concatenate(outputs, axis=1)

    def backward(self, grad_out):
        grad_in = None
        edges = np.cumsum([0] + self._channels)
        for branch, lo, hi in zip(self._modules.values(), edges[:-1], edges[1:]):
            g = branch.backward(grad_out[:, lo:hi])
            grad_in = g if grad_in is None else grad_in + g
        return grad_in

    def output_shape(self, input_shape):
        shapes = [branch.output_shape(input_shape) for branch in self._modules.values()]
        if len({s[2:] for s in shapes}) != 1:
            raise ShapeError(f"Concat: branches produce different sizes {[s[2:] for s in shapes]}")
        return (shapes[0][0], sum(s[1] for s in shapes), *shapes[0][2:])

"""Activation functions, each beside its derivative.

Every ``*_backward`` takes the upstream gradient and what the forward pass
kept, and returns ``dL/dx``.
"""
import numpy as np

__all__ = ['relu', 'relu_backward']


def relu(x):
    """``max(x, 0)``. Shape: any; the output has the input's shape."""
    return np.maximum(x, 0)


def relu_backward(grad_out, y):
    """``d relu / dx = 1 where x > 0, else 0`` (taken from the output ``y``)."""
    return grad_out * (y > 0)

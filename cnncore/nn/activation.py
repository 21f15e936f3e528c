"""Activation layers: thin wrappers over :mod:`cnncore.functional.activation`.

The element-wise ones (ReLU, LeakyReLU, Sigmoid, Tanh) also have
``derivative(x)``: the slope ``f'(x)`` at each input, which the playground
plots next to ``f(x)``.
"""
from .. import functional as F
from .module import Module

__all__ = ['ReLU', 'LeakyReLU', 'Sigmoid', 'Tanh', 'Softmax', 'LogSoftmax']


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

    def derivative(self, x):
        """``relu'(x)``: 1 where ``x > 0``, else 0."""
        return F.relu_grad(x)


class LeakyReLU(Module):
    """``x`` for ``x > 0``, ``negative_slope * x`` otherwise, as ``torch.nn.LeakyReLU``.

    Unlike ReLU, a unit that is off still passes a small gradient
    (``negative_slope``), so it can recover.

    Args:
        negative_slope: the slope for negative inputs. Default: 0.01.

    Shape:
        - Input: any
        - Output: same as the input
    """

    def __init__(self, negative_slope=0.01):
        super().__init__()
        self.negative_slope = float(negative_slope)

    def forward(self, x):
        self._x = x
        return F.leaky_relu(x, self.negative_slope)

    def backward(self, grad_out):
        return F.leaky_relu_backward(grad_out, self._x, self.negative_slope)

    def derivative(self, x):
        """``leaky_relu'(x)``: 1 where ``x > 0``, else ``negative_slope``."""
        return F.leaky_relu_grad(x, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class Sigmoid(Module):
    """``1 / (1 + exp(-x))``, as ``torch.nn.Sigmoid``: any number to ``(0, 1)``.

    Its slope is at most 1/4 and nearly 0 for large ``|x|`` (saturation), so
    gradients shrink as they pass through many sigmoids.

    Shape:
        - Input: any
        - Output: same as the input
    """

    def forward(self, x):
        self._y = F.sigmoid(x)
        return self._y

    def backward(self, grad_out):
        return F.sigmoid_backward(grad_out, self._y)

    def derivative(self, x):
        """``sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))``."""
        return F.sigmoid_grad(x)


class Tanh(Module):
    """Hyperbolic tangent, as ``torch.nn.Tanh``: any number to ``(-1, 1)``, zero-centred.

    Shape:
        - Input: any
        - Output: same as the input
    """

    def forward(self, x):
        self._y = F.tanh(x)
        return self._y

    def backward(self, grad_out):
        return F.tanh_backward(grad_out, self._y)

    def derivative(self, x):
        """``tanh'(x) = 1 - tanh(x)^2``."""
        return F.tanh_grad(x)


class _Normalize(Module):
    """Shared code of Softmax and LogSoftmax: the dimension they work along."""

    def __init__(self, dim=None):
        super().__init__()
        if dim is None:
            raise ValueError(f"{type(self).__name__}: give the dimension to normalise over, "
                             f"e.g. {type(self).__name__}(dim=1) for (N, C) class scores")
        self.dim = int(dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax(_Normalize):
    """``exp(x_i) / sum_j exp(x_j)`` along ``dim``, as ``torch.nn.Softmax``.

    Turns class scores (logits) into probabilities. For training, give the
    logits to ``CrossEntropyLoss`` instead, which includes the softmax.

    Args:
        dim: the dimension that sums to 1 (``1`` for ``(N, C)`` scores).
            Required: PyTorch's implicit choice is deprecated.

    Shape:
        - Input: any
        - Output: same as the input, in ``[0, 1]``, summing to 1 along ``dim``
    """

    def forward(self, x):
        self._y = F.softmax(x, self.dim)
        return self._y

    def backward(self, grad_out):
        return F.softmax_backward(grad_out, self._y, self.dim)


class LogSoftmax(_Normalize):
    """``log(softmax(x))`` along ``dim``, as ``torch.nn.LogSoftmax`` (stable for tiny probabilities).

    Args:
        dim: the dimension to normalise over. Required.

    Shape:
        - Input: any
        - Output: same as the input, values ``<= 0``
    """

    def forward(self, x):
        self._y = F.log_softmax(x, self.dim)
        return self._y

    def backward(self, grad_out):
        return F.log_softmax_backward(grad_out, self._y, self.dim)

"""Activation functions, each beside its derivative.

Every ``*_backward`` takes the upstream gradient and what the forward pass
kept, and returns ``dL/dx``. Every element-wise activation also has a
``*_grad(x)``: its derivative as a function of the input, for plotting
``f'(x)`` next to ``f(x)``.
"""
import numpy as np

from ..errors import ShapeError

__all__ = ['relu', 'relu_backward', 'relu_grad',
           'leaky_relu', 'leaky_relu_backward', 'leaky_relu_grad',
           'sigmoid', 'sigmoid_backward', 'sigmoid_grad',
           'tanh', 'tanh_backward', 'tanh_grad',
           'softmax', 'softmax_backward', 'log_softmax', 'log_softmax_backward']


# -- ReLU -------------------------------------------------------------------

def relu(x):
    """``max(x, 0)``. Shape: any; the output has the input's shape."""
    return np.maximum(x, 0)


def relu_backward(grad_out, y):
    """``d relu / dx = 1 where x > 0, else 0`` (taken from the output ``y``)."""
    return grad_out * (y > 0)


def relu_grad(x):
    """``relu'(x)``: 1 for ``x > 0``, 0 otherwise (0 at ``x = 0``, as in PyTorch)."""
    return (np.asarray(x) > 0).astype(_float_dtype(x))


# -- Leaky ReLU -------------------------------------------------------------

def leaky_relu(x, negative_slope=0.01):
    """``x`` for ``x > 0``, ``negative_slope * x`` otherwise, as ``torch.nn.functional.leaky_relu``.

    The small slope keeps a gradient flowing through units that are off,
    so they cannot "die" the way ReLU units can.

    Shape: any; the output has the input's shape.
    """
    return np.where(x > 0, x, x * negative_slope)


def leaky_relu_backward(grad_out, x, negative_slope=0.01):
    """``dL/dx = g`` where ``x > 0``, ``negative_slope * g`` elsewhere (taken from the input ``x``)."""
    return np.where(x > 0, grad_out, grad_out * negative_slope)


def leaky_relu_grad(x, negative_slope=0.01):
    """``leaky_relu'(x)``: 1 for ``x > 0``, ``negative_slope`` otherwise."""
    x = np.asarray(x)
    return np.where(x > 0, 1, negative_slope).astype(_float_dtype(x))


# -- Sigmoid ----------------------------------------------------------------

def sigmoid(x):
    """``1 / (1 + exp(-x))``, squashing any number into ``(0, 1)``.

    Computed without overflow for large ``|x|``: with ``z = exp(-|x|)``
    (always in ``(0, 1]``), ``sigmoid(x) = 1 / (1 + z)`` for ``x >= 0`` and
    ``z / (1 + z)`` for ``x < 0`` -- the same number, rearranged so that
    ``exp`` never sees a large positive argument.

    Shape: any; the output has the input's shape.
    """
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1, z) / (1 + z)


def sigmoid_backward(grad_out, y):
    """``d sigmoid / dx = y (1 - y)``, from the output ``y``: at most 1/4, so deep
    stacks of sigmoids shrink gradients (the vanishing-gradient problem)."""
    return grad_out * y * (1 - y)


def sigmoid_grad(x):
    """``sigmoid'(x) = sigmoid(x) (1 - sigmoid(x))``."""
    y = sigmoid(np.asarray(x, dtype=_float_dtype(x)))
    return y * (1 - y)


# -- Tanh -------------------------------------------------------------------

def tanh(x):
    """``(e^x - e^-x) / (e^x + e^-x)``, squashing into ``(-1, 1)``; ``tanh(x) = 2 sigmoid(2x) - 1``.

    Shape: any; the output has the input's shape.
    """
    return np.tanh(x)


def tanh_backward(grad_out, y):
    """``d tanh / dx = 1 - y^2``, from the output ``y`` (at most 1, at ``x = 0``)."""
    return grad_out * (1 - y * y)


def tanh_grad(x):
    """``tanh'(x) = 1 - tanh(x)^2``."""
    y = np.tanh(np.asarray(x, dtype=_float_dtype(x)))
    return 1 - y * y


# -- Softmax and log-softmax ------------------------------------------------

def softmax(x, dim):
    """``exp(x_i) / sum_j exp(x_j)`` along ``dim``: turns scores into probabilities.

    Subtracting the maximum first (``softmax(x) = softmax(x - max x)``)
    keeps ``exp`` from overflowing; the largest term becomes ``exp(0) = 1``.

    Shape: any; the output has the input's shape and sums to 1 along ``dim``.
    """
    x = np.asarray(x)
    dim = _check_dim(x, dim, "softmax")
    e = np.exp(x - x.max(axis=dim, keepdims=True))
    return e / e.sum(axis=dim, keepdims=True)


def softmax_backward(grad_out, y, dim):
    """``dL/dx = y * (g - sum(g * y, dim))``, from the output ``y``.

    Each output depends on every input along ``dim`` (the Jacobian is
    ``diag(y) - y y^T``); this is that matrix times ``g`` without building it.
    """
    return y * (grad_out - (grad_out * y).sum(axis=dim, keepdims=True))


def log_softmax(x, dim):
    """``log(softmax(x))`` along ``dim``, computed as ``x - max - log(sum exp(x - max))``.

    More accurate than taking the log of :func:`softmax`: a tiny probability
    that would round to 0 (and give ``-inf``) keeps its exact log here.

    Shape: any; the output has the input's shape.
    """
    x = np.asarray(x)
    dim = _check_dim(x, dim, "log_softmax")
    shifted = x - x.max(axis=dim, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))


def log_softmax_backward(grad_out, y, dim):
    """``dL/dx = g - softmax(x) * sum(g, dim)``, from the output ``y = log_softmax(x)``."""
    return grad_out - np.exp(y) * grad_out.sum(axis=dim, keepdims=True)


# -- helpers ----------------------------------------------------------------

def _float_dtype(x):
    """The dtype a derivative of ``x`` is returned in: ``x``'s if floating, else float64."""
    dtype = np.asarray(x).dtype
    return dtype if np.issubdtype(dtype, np.floating) else np.float64


def _check_dim(x, dim, name):
    """``dim`` as an axis of ``x`` (negative counts from the end); ShapeError if it is not one."""
    if dim is None:
        raise ShapeError(f"{name}: give the dimension to normalise over, e.g. dim=1 for (N, C) scores")
    if not -x.ndim <= dim < x.ndim:
        raise ShapeError(f"{name}: dim {dim} is out of range for a {x.ndim}-D input "
                         f"of shape {tuple(x.shape)} (valid: {-x.ndim} to {x.ndim - 1})")
    return dim

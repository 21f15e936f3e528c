"""The singular values of a layer's weights, and what low-rank layers cost in accuracy.

A linear layer's weight is an ``m x n`` matrix ``W`` (``m`` outputs, ``n``
inputs); a convolution's kernel bank, one row per output channel, is the
``C_out x (C_in/groups * kh * kw)`` matrix that multiplies the im2col
columns. Its singular value decomposition ``W = U diag(s) V^T``, with
``s_1 >= s_2 >= ... >= 0``, says how many independent directions the layer
really uses. Keeping only the ``r`` largest,

.. math:: W_r = U_{:, :r}\\, \\mathrm{diag}(s_{:r})\\, V_{:, :r}^T

is the best rank-``r`` approximation (Eckart–Young): its error is
``||W - W_r||_F^2 = sum_{i>r} s_i^2``. Factored as two layers
(``n -> r -> m``) it needs ``r(m + n)`` weights instead of ``mn``, fewer
when ``r < mn / (m + n)``.
"""
import copy
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from ..errors import ShapeError

__all__ = ['weight_matrix', 'singular_values', 'LowRankResult', 'low_rank_approximation',
           'TradeoffRow', 'low_rank_tradeoff']


def weight_matrix(module):
    """A layer's weight as the matrix it multiplies by.

    Shape:
        - Linear weight ``(out, in)``: unchanged
        - Conv2d weight ``(C_out, C_in/groups, kh, kw)`` -> ``(C_out, C_in/groups*kh*kw)``
          (for ``groups > 1`` the true operator is block-diagonal; this stacks the blocks)
    """
    w = module.weight.data
    return w.reshape(w.shape[0], -1)  # (C_out, C_in/g, kh, kw) -> (C_out, C_in/g*kh*kw)


def _weighted_layers(model):
    for name, module in model.named_modules():
        weight = module._parameters.get("weight")
        if weight is not None and weight.data.ndim in (2, 4):
            yield name, module


def singular_values(model):
    """The singular values of every convolution and linear layer's weight matrix.

    Returns:
        ``OrderedDict`` layer name -> 1-D array of singular values, largest
        first, ``min(m, n)`` of them (computed in float64).
    """
    return OrderedDict((name, np.linalg.svd(weight_matrix(m).astype(np.float64), compute_uv=False))
                       for name, m in _weighted_layers(model))


@dataclass
class LowRankResult:
    """A copy of a model with one layer's weight replaced by its rank-``r`` truncation.

    Attributes:
        model: the new model (the original is unchanged).
        layer, rank: which layer, which rank.
        shape: ``(m, n)`` of the weight matrix.
        full_parameters: ``m * n``, the weights of the layer as it is.
        factored_parameters: ``r * (m + n)``, the weights if it were two layers ``n -> r -> m``.
        saved_parameters: ``full - factored`` (negative: factoring would cost more).
        singular_values: all of them, largest first.
        error: ``||W - W_r||_F``, equal to ``sqrt(sum of the dropped s_i^2)``.
        relative_error: ``error / ||W||_F``.
    """
    model: object
    layer: str
    rank: int
    shape: tuple
    full_parameters: int
    factored_parameters: int
    saved_parameters: int
    singular_values: np.ndarray
    error: float
    relative_error: float


def _layer(model, layer_name):
    modules = dict(_weighted_layers(model))
    if layer_name not in modules:
        raise KeyError(f"no convolution or linear layer named {layer_name!r}; "
                       f"layers: {', '.join(modules)}")
    return modules[layer_name]


def low_rank_approximation(model, layer_name, rank):
    """A copy of ``model`` whose layer ``layer_name`` has the best rank-``rank`` weight.

    The copy is ``copy.deepcopy(model)``; its layer's weight is set to
    ``U_r diag(s_r) V_r^T`` reshaped back to the weight's shape. The bias
    and every other layer are unchanged.

    Raises:
        KeyError: no such convolution or linear layer.
        ShapeError: ``rank`` outside ``1 .. min(m, n)``.

    Returns:
        A :class:`LowRankResult`.
    """
    module = _layer(model, layer_name)
    w = weight_matrix(module).astype(np.float64)
    m, n = w.shape
    if not 1 <= rank <= min(m, n):
        raise ShapeError(f"{layer_name}: rank must be between 1 and {min(m, n)} for a {m}x{n} "
                         f"weight matrix, got {rank}")
    u, s, vt = np.linalg.svd(w, full_matrices=False)   # (m, k), (k,), (k, n), k = min(m, n)
    w_r = (u[:, :rank] * s[:rank]) @ vt[:rank]          # (m, r) @ (r, n)
    new = copy.deepcopy(model)
    target = _layer(new, layer_name)
    target.weight.data = w_r.reshape(target.weight.shape).astype(target.weight.data.dtype)
    target.weight.grad = None
    error = float(np.linalg.norm(w - w_r))
    total = float(np.linalg.norm(w))
    factored = rank * (m + n)
    return LowRankResult(new, layer_name, int(rank), (m, n), m * n, factored, m * n - factored, s,
                         error, error / total if total > 0 else 0.0)


@dataclass
class TradeoffRow:
    """Accuracy of the model with one layer at rank ``rank`` (see :class:`LowRankResult`)."""
    rank: int
    accuracy: float
    factored_parameters: int
    full_parameters: int
    relative_error: float


def _accuracy(model, images, labels, batch_size):
    correct = 0
    for lo in range(0, len(images), batch_size):
        logits = model(images[lo:lo + batch_size])
        correct += int((logits.argmax(axis=1) == labels[lo:lo + batch_size]).sum())
    return correct / len(images)


def low_rank_tradeoff(model, layer_name, ranks, images, labels, batch_size=100):
    """Accuracy against rank: how far can one layer be compressed?

    For each rank, :func:`low_rank_approximation` and the accuracy of the
    copy on ``images`` (in eval mode; the original model is not touched).

    Args:
        ranks: the ranks to try, each in ``1 .. min(m, n)``.
        images: ``(N, C, H, W)``; labels: ``(N,)`` class indices.

    Returns:
        A list of :class:`TradeoffRow`, one per rank, in the order given.
    """
    images, labels = np.asarray(images), np.asarray(labels)
    rows = []
    for rank in ranks:
        result = low_rank_approximation(model, layer_name, int(rank))
        accuracy = _accuracy(result.model.eval(), images, labels, batch_size)
        rows.append(TradeoffRow(int(rank), accuracy, result.factored_parameters, result.full_parameters,
                                result.relative_error))
    return rows

"""Pooling one feature map, and where its gradient goes.

Pick a pooling layer, apply it to one channel's ``(H, W)`` map and send a
gradient back through the layer's own ``backward``: ones on every output
cell, or 1 on one cell and 0 elsewhere. Where the gradient lands is the
lesson: all of it on each window's arg-max for max pooling, ``1/k^2`` on
every element for average pooling, ``x_i / y`` for L2 pooling, on the drawn
element for stochastic pooling, ``1/(HW)`` everywhere for global average
pooling. The pools that read every channel at once (attention, bilinear)
are in :mod:`.channel_pooling`.

Every number comes from the ``cnncore.nn`` layers (``last_argmax()``,
``last_sample()``, ``last_probabilities()``, ``last_divisor()``, ``backward``).
"""
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .. import nn
from ..shapes import pair

__all__ = ["POOL_KINDS", "CHANNEL_POOLS", "PoolResult", "make_pool", "pool_and_route", "clamp_cell",
           "gradient_of_ones_or_cell"]

POOL_KINDS = ("max", "avg", "min", "l2", "stochastic", "gap")    # each pools one channel
CHANNEL_POOLS = ("attention", "bilinear")                          # these read every channel (.channel_pooling)

# The method of each picking pool that says which element every window picked (flat index, -1 for none).
_PICKED = {"max": "last_argmax", "min": "last_argmin", "stochastic": "last_sample"}


def make_pool(kind, window, stride, seed=0):
    """The ``cnncore.nn`` pooling layer for ``kind`` (one of :data:`POOL_KINDS`).

    ``"l2"`` is ``LPPool2d`` with norm 2; ``"stochastic"`` is in training mode
    (it draws) with the generator seeded by ``seed``; ``"gap"`` is
    ``AdaptiveAvgPool2d(1)`` and ignores ``window`` and ``stride``.

    Raises:
        ValueError: ``kind`` is a pool over every channel, or unknown.
    """
    if kind in CHANNEL_POOLS:
        raise ValueError(f"{kind} pooling reads every channel: use {kind}_and_route(maps, ...)")
    if kind == "max":
        return nn.MaxPool2d(window, stride)
    if kind == "avg":
        return nn.AvgPool2d(window, stride)
    if kind == "min":
        return nn.MinPool2d(window, stride)
    if kind == "l2":
        return nn.LPPool2d(2, window, stride)
    if kind == "stochastic":
        return nn.StochasticPool2d(window, stride, seed=seed).train()
    if kind == "gap":
        return nn.AdaptiveAvgPool2d(1)
    raise ValueError(f"unknown pooling {kind!r}; choose one of {', '.join(POOL_KINDS + CHANNEL_POOLS)}")


def clamp_cell(cell, shape):
    """``cell = (row, col)`` moved inside a map of ``shape = (rows, cols)`` (a cell past the edge
    becomes the last row or column)."""
    return min(int(cell[0]), shape[0] - 1), min(int(cell[1]), shape[1] - 1)


def gradient_of_ones_or_cell(out, cell=None):
    """The gradient to send back from ``out``: ones everywhere (``cell=None``), or 1 at the index
    ``cell`` and 0 elsewhere."""
    if cell is None:
        return np.ones_like(out)
    grad = np.zeros_like(out)
    grad[cell] = 1.0
    return grad


@dataclass
class PoolResult:
    """One pooling layer applied to one map, and its backward pass.

    Attributes:
        out: the pooled map ``(OH, OW)``.
        grad_out: the gradient sent back, ``(OH, OW)`` (ones, or one-hot at ``cell``).
        grad_in: what ``backward`` returned, ``(H, W)``.
        chosen: ``(row, col)`` of the element each window picked (max, min,
            stochastic), in output order; empty for the others.
        shares: for the selected cell (or cell ``(0, 0)``), how much of its
            gradient each window element got, ``(kH, kW)``.
        window: ``(top, left, height, width)`` of that cell's window in the input.
        probabilities: stochastic pooling's ``a_i / sum a`` for that window, else None.
        divisor: average pooling's divisor for that window, else None.
    """
    out: np.ndarray
    grad_out: np.ndarray
    grad_in: np.ndarray
    chosen: list
    shares: np.ndarray
    window: tuple
    probabilities: Optional[np.ndarray] = None
    divisor: Optional[float] = None


def pool_and_route(fmap, kind, window, stride, cell=None, seed=0):
    """Pool ``fmap`` with :func:`make_pool` and send a gradient back through the layer.

    The gradient is ones everywhere (``cell=None``) or 1 at output ``cell``
    ``(row, col)`` and 0 elsewhere (a cell past the edge is moved inside);
    the layer's ``backward`` says where it goes. The *focus* cell (``cell``,
    or ``(0, 0)``) also gets its window and the share of its gradient that
    each element of the window received on its own.

    Args:
        fmap: one channel's feature map.
        kind: one of :data:`POOL_KINDS`.
        window, stride: ``k`` and ``s`` (an int or a pair), ignored by ``"gap"``.
        cell: the output cell the gradient comes from, or None for all of them.
        seed: stochastic pooling's draw (the same seed, the same picks).

    Shape:
        - fmap: ``(H, W)``
        - result ``out``/``grad_out``: ``(OH, OW)`` with
          ``OH = floor((H - kH) / sH) + 1`` and ``OW = floor((W - kW) / sW) + 1``
          (``(1, 1)`` for ``"gap"``); ``grad_in``: ``(H, W)``; ``shares``: ``(kH, kW)``
          (``(H, W)`` for ``"gap"``)
    """
    x = np.asarray(fmap, dtype=np.float64)[None, None]               # (H, W) -> (1, 1, H, W)
    layer = make_pool(kind, window, stride, seed)
    out = layer(x)                                                    # (1, 1, OH, OW)
    focus = (0, 0) if cell is None else clamp_cell(cell, out.shape[2:])
    grad_out = gradient_of_ones_or_cell(out, None if cell is None else (0, 0) + focus)
    grad_in = layer.backward(grad_out)[0, 0]                          # (1, 1, H, W) -> (H, W)
    h, w = fmap.shape
    chosen = []
    if kind in _PICKED:
        flat = getattr(layer, _PICKED[kind])()[0, 0].reshape(-1)      # (OH, OW) -> (OH*OW,)
        chosen = [divmod(int(f), w) for f in flat if f >= 0]
    if kind == "gap":
        top, left, kh, kw = 0, 0, h, w
    else:
        (kh, kw), (sh, sw) = pair(window), pair(stride)
        top, left = focus[0] * sh, focus[1] * sw
    # What each element of the focus window received from that one output cell, from a twin
    # layer that has seen the same input (and, for stochastic pooling, made the same draw).
    twin = make_pool(kind, window, stride, seed)
    twin(x)
    shares = twin.backward(gradient_of_ones_or_cell(out, (0, 0) + focus))[0, 0]
    shares = shares[top:top + kh, left:left + kw]
    probabilities = layer.last_probabilities()[0, 0][focus] if kind == "stochastic" else None
    divisor = float(layer.last_divisor()[focus]) if kind == "avg" else None
    return PoolResult(out[0, 0], grad_out[0, 0], grad_in, chosen, shares, (top, left, kh, kw),
                      probabilities, divisor)

"""Pooling that reads every channel at once: attention and bilinear pooling, and their gradients.

The pools of :mod:`.pooling` summarise one channel's windows; these two read
the whole ``(C, H, W)`` stack of a layer:

* attention pooling (``cnncore.nn.AttentionPool2d``): a 1x1 convolution
  scores every position, a softmax over the ``H W`` positions gives weights
  that sum to 1, the output is one weighted average per channel. In a
  network the score weights are learned; here they are set by hand so a
  student can steer them: weight ``beta`` on the chosen channel, 0 on the
  others, bias 0, so the score is ``s = beta * x_c`` ("attend where this
  channel fires"). ``beta = 0`` is global average pooling; a large ``beta``
  comes close to max pooling.
* bilinear pooling (``cnncore.nn.BilinearPool2d``): the ``C x C`` matrix
  ``B_ij = mean over positions of x_i * x_j``.

Both send a gradient back through the layer's own ``backward``.
"""
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .. import functional as F
from .. import nn
from .pooling import CHANNEL_POOLS, clamp_cell, gradient_of_ones_or_cell

__all__ = ["CHANNEL_POOLS", "ChannelPoolResult", "attention_and_route", "bilinear_and_route"]


@dataclass
class ChannelPoolResult:
    """A pool over all channels of one layer, and its backward pass.

    Attributes:
        out: attention: the output vector as ``(1, C)``; bilinear: ``B``, ``(C, C)``.
        grad_out: the gradient sent back, the shape of ``out``.
        grad_in: what ``backward`` returned for channel ``shown``, ``(H, W)``.
        grad_all: what it returned for every channel, ``(C, H, W)``.
        channel: the chosen channel ``c``.
        scores, weights: attention's score map ``s`` and softmax weights ``a``, ``(H, W)``.
        product: bilinear: the map ``x_i * x_j`` whose mean is the focus entry ``B_ij``, ``(H, W)``.
        focus: the entry of ``out`` the gradient came from (``(0, c)`` for attention).
        shown: the channel whose gradient is ``grad_in``: ``c``, or ``i`` of a chosen entry ``B_ij``.
    """
    out: np.ndarray
    grad_out: np.ndarray
    grad_in: np.ndarray
    grad_all: np.ndarray
    channel: int
    focus: tuple
    scores: Optional[np.ndarray] = None
    weights: Optional[np.ndarray] = None
    product: Optional[np.ndarray] = None
    shown: int = 0


def _batch_of_one(maps, channel):
    """``maps`` as a float64 batch of one, and ``channel`` moved inside ``0 .. C-1``."""
    x = np.asarray(maps, dtype=np.float64)[None]                       # (C, H, W) -> (1, C, H, W)
    return x, min(int(channel), x.shape[1] - 1)


def attention_and_route(maps, channel, beta):
    """Attention pooling of ``maps`` with the score ``s = beta * x_channel``; gradient 1 on ``y_channel``.

    ``a = softmax(s)`` over the ``H W`` positions and ``y_c = sum_p a_p x_{c,p}``
    for every channel ``c`` (a channel past the last is the last).

    Shape:
        - maps: ``(C, H, W)``
        - result ``out``/``grad_out``: ``(1, C)``; ``scores``, ``weights``, ``grad_in``: ``(H, W)``;
          ``grad_all``: ``(C, H, W)``
    """
    x, channel = _batch_of_one(maps, channel)
    c = x.shape[1]
    layer = nn.AttentionPool2d(c, dtype=np.float64)
    weight = np.zeros((1, c, 1, 1))                                    # a 1x1 convolution to one score map
    weight[0, channel] = float(beta)
    layer.weight.data, layer.bias.data = weight, np.zeros(1)
    y = layer(x)                                                       # (1, C)
    grad_out = gradient_of_ones_or_cell(y, (0, channel))
    dx = layer.backward(grad_out)[0]                                   # (1, C, H, W) -> (C, H, W)
    scores = F.attention_scores(x, layer.weight.data, layer.bias.data)[0]   # (1, H, W) -> (H, W)
    return ChannelPoolResult(y, grad_out, dx[channel], dx, channel, (0, channel), scores=scores,
                             weights=layer.last_weights()[0], shown=channel)


def bilinear_and_route(maps, channel, cell=None):
    """Bilinear pooling of ``maps``; the gradient is ones on ``B`` or 1 on the entry ``cell = (i, j)``.

    ``B_ij = (1 / HW) sum_p x_{i,p} x_{j,p}``. With ``cell=None`` the focus
    entry is ``B_cc`` of ``channel``; an entry ``B_ij`` sends its gradient to
    channels ``i`` and ``j`` only, and ``grad_in`` shows channel ``i``'s.

    Shape:
        - maps: ``(C, H, W)``
        - result ``out``/``grad_out``: ``(C, C)``; ``product``, ``grad_in``: ``(H, W)``;
          ``grad_all``: ``(C, H, W)``
    """
    x, channel = _batch_of_one(maps, channel)
    c = x.shape[1]
    layer = nn.BilinearPool2d()
    out = layer(x).reshape(c, c)                                       # (1, C*C) -> (C, C)
    i, j = (channel, channel) if cell is None else clamp_cell(cell, out.shape)
    grad_out = gradient_of_ones_or_cell(out, None if cell is None else (i, j))
    dx = layer.backward(grad_out.reshape(1, c * c))[0]                 # (1, C, H, W) -> (C, H, W)
    shown = channel if cell is None else i
    return ChannelPoolResult(out, grad_out, dx[shown], dx, channel, (i, j), product=x[0, i] * x[0, j],
                             shown=shown)

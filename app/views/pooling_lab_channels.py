"""The Pooling lab's two pools that look at every channel at once: attention and bilinear pooling.

The other pools summarise one channel's windows; these two read the whole
``(C, H, W)`` stack of a layer:

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

__all__ = ["CHANNEL_POOLS", "ChannelPoolResult", "attention_and_route", "bilinear_and_route"]

CHANNEL_POOLS = ("attention", "bilinear")


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


def attention_and_route(maps, channel, beta):
    """Attention pooling of ``maps`` with the score ``s = beta * x_channel``; gradient 1 on ``y_channel``.

    Shape:
        - maps: ``(C, H, W)``
        - result ``out``: ``(1, C)``; ``scores``, ``weights``, ``grad_in``: ``(H, W)``
    """
    from cnncore import nn
    x = np.asarray(maps, dtype=np.float64)[None]                       # (C, H, W) -> (1, C, H, W)
    c = x.shape[1]
    channel = min(int(channel), c - 1)
    layer = nn.AttentionPool2d(c, dtype=np.float64)
    weight = np.zeros((1, c, 1, 1))
    weight[0, channel] = float(beta)
    layer.weight.data, layer.bias.data = weight, np.zeros(1)
    y = layer(x)                                                       # (1, C)
    grad_out = np.zeros_like(y)
    grad_out[0, channel] = 1.0
    dx = layer.backward(grad_out)[0]                                   # (1, C, H, W) -> (C, H, W)
    from cnncore import functional as F
    scores = F.attention_scores(x, layer.weight.data, layer.bias.data)[0]
    return ChannelPoolResult(y, grad_out, dx[channel], dx, channel, (0, channel), scores=scores,
                             weights=layer.last_weights()[0], shown=channel)


def bilinear_and_route(maps, channel, cell=None):
    """Bilinear pooling of ``maps``; the gradient is ones on ``B`` or 1 on the entry ``cell = (i, j)``.

    Shape:
        - maps: ``(C, H, W)``
        - result ``out``: ``(C, C)``; ``product``, ``grad_in``: ``(H, W)``
    """
    from cnncore import nn
    x = np.asarray(maps, dtype=np.float64)[None]                       # (C, H, W) -> (1, C, H, W)
    c = x.shape[1]
    channel = min(int(channel), c - 1)
    layer = nn.BilinearPool2d()
    out = layer(x).reshape(c, c)                                       # (1, C*C) -> (C, C)
    i, j = (channel, channel) if cell is None else (min(int(cell[0]), c - 1), min(int(cell[1]), c - 1))
    grad_out = np.ones_like(out)
    if cell is not None:
        grad_out = np.zeros_like(out)
        grad_out[i, j] = 1.0
    dx = layer.backward(grad_out.reshape(1, c * c))[0]                 # (1, C, H, W) -> (C, H, W)
    shown = channel if cell is None else i          # the entry B_ij sends its gradient to channels i and j
    return ChannelPoolResult(out, grad_out, dx[shown], dx, channel, (i, j), product=x[0, i] * x[0, j],
                             shown=shown)

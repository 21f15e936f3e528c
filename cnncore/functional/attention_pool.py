"""Attention pooling: a learned, softmax-weighted average over every position.

Average pooling gives every position of a feature map the same weight
``1 / (H W)``. Attention pooling lets the network choose: a 1x1
convolution (one weight per channel and a bias) gives every position ``p``
a score, a softmax over all ``H W`` positions of each example turns the
scores into weights that are positive and sum to 1, and the output is the
weighted sum of the feature vectors. It is *global* (one window: the whole
map, like ``AdaptiveAvgPool2d(1)``), as in the course notes'
"softmax-weighted average"::

    s_p = b + sum_c w_c x_{c,p}                 scores     (N, H*W)
    a_p = exp(s_p) / sum_q exp(s_q)             weights    (N, H*W), sum_p a_p = 1
    y_c = sum_p a_p x_{c,p}                     output     (N, C)

Backward, for ``g = dL/dy``: the weighted sum sends ``g_c a_p`` to
``x_{c,p}`` and ``da_p = sum_c g_c x_{c,p}`` to the weights; the softmax
turns that into ``ds_p = a_p (da_p - sum_q a_q da_q)``; the 1x1 convolution
sends ``w_c ds_p`` to ``x_{c,p}``, ``sum_{n,p} ds_p x_{c,p}`` to ``w_c``
and ``sum_{n,p} ds_p`` to ``b``. With all scores equal (``w = 0``) this is
exactly global average pooling.
"""
from typing import NamedTuple

import numpy as np

from .. import backend
from ..errors import ShapeError

__all__ = ['AttentionCache', 'attention_scores', 'attention_pool2d_forward', 'attention_pool2d_backward',
           'attention_pool2d']


class AttentionCache(NamedTuple):
    x: np.ndarray        # (N, C, H, W)
    weight: np.ndarray   # (1, C, 1, 1)
    weights: np.ndarray  # the softmax weights a, (N, H*W)


def _check(x, weight, bias, layer="AttentionPool2d"):
    if x.ndim != 4:
        raise ShapeError(f"{layer}: expected a 4-D input (N, C, H, W), got shape {tuple(x.shape)}")
    c = x.shape[1]
    if tuple(weight.shape) != (1, c, 1, 1):
        raise ShapeError(f"{layer}: the score weight must have shape (1, {c}, 1, 1) for an input with {c} "
                         f"channels, got {tuple(weight.shape)}")
    if bias is not None and tuple(np.shape(bias)) != (1,):
        raise ShapeError(f"{layer}: the score bias must have shape (1,), got {tuple(np.shape(bias))}")


def attention_scores(x, weight, bias=None):
    """The score of every position, ``s = conv2d(x, weight, bias)`` with a 1x1 kernel.

    Shape:
        - x: ``(N, C, H, W)``; weight: ``(1, C, 1, 1)``; bias: ``(1,)`` or ``None``
        - Output: ``(N, H, W)``
    """
    _check(x, weight, bias)
    n, c, h, w = x.shape
    s = backend.matmul(weight.reshape(1, c), x.reshape(n, c, h * w))   # (1, C) @ (N, C, H*W) -> (N, 1, H*W)
    if bias is not None:
        s = s + bias[0]
    return s.reshape(n, h, w)


def _softmax(s):
    e = np.exp(s - s.max(axis=1, keepdims=True))                       # shifted: exp never overflows
    return e / e.sum(axis=1, keepdims=True)


def attention_pool2d_forward(x, weight, bias=None):
    """``(y, cache)``: ``y_c = sum_p softmax(s)_p x_{c,p}``; see :func:`attention_pool2d`."""
    n, c, h, w = x.shape if x.ndim == 4 else (0, 0, 0, 0)
    a = _softmax(attention_scores(x, weight, bias).reshape(n, h * w))  # (N, H*W)
    y = backend.matmul(x.reshape(n, c, h * w), a[:, :, None])[:, :, 0]  # (N, C, H*W) @ (N, H*W, 1) -> (N, C)
    return y, AttentionCache(x, weight, a)


def attention_pool2d_backward(grad_out, cache):
    """``(dx, dweight, dbias)`` for ``grad_out = dL/dy`` of shape ``(N, C)``."""
    x, weight, a = cache
    n, c, h, w = x.shape
    xf = x.reshape(n, c, h * w)                                         # (N, C, H*W)
    dx = grad_out[:, :, None] * a[:, None, :]                           # the weighted sum: g_c a_p
    da = backend.matmul(grad_out[:, None, :], xf)[:, 0, :]              # (N, 1, C) @ (N, C, H*W) -> (N, H*W)
    ds = a * (da - (a * da).sum(axis=1, keepdims=True))                 # through the softmax
    dx = dx + weight.reshape(1, c, 1) * ds[:, None, :]                  # through the 1x1 convolution
    dweight = np.einsum("np,ncp->c", ds, xf).reshape(1, c, 1, 1)
    dbias = ds.sum().reshape(1)
    return dx.reshape(n, c, h, w), dweight, dbias


def attention_pool2d(x, weight, bias=None):
    """Attention pooling: a softmax over all positions of learned scores, then a weighted sum.

    Args:
        x: feature maps.
        weight: the 1x1 convolution that scores each position (one weight per channel).
        bias: its bias (it cancels in the softmax, but a layer has one, as ``nn.Conv2d``).

    Shape:
        - x: ``(N, C, H, W)``; weight: ``(1, C, 1, 1)``; bias: ``(1,)``
        - Output: ``(N, C)`` (one window: all ``H W`` positions)
    """
    return attention_pool2d_forward(x, weight, bias)[0]

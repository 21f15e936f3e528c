"""Dropout: randomly silence units during training, as ``torch.nn.functional.dropout``.

*Inverted* dropout: in training each element is zeroed with probability
``p`` and the survivors are multiplied by ``1 / (1 - p)``, so the expected
value of every unit is unchanged and evaluation needs no rescaling (it is
the identity). The backward pass lets the gradient through exactly the
units the forward pass kept, with the same scale.
"""
from typing import NamedTuple

import numpy as np

from .. import random

__all__ = ['DropoutCache', 'check_dropout_p', 'dropout_forward', 'dropout_backward', 'dropout']


class DropoutCache(NamedTuple):
    """What dropout's forward pass keeps: which units survived and their multiplier."""
    mask: np.ndarray     # bool, the input's shape: True = kept; None = identity (eval or p = 0)
    noise: np.ndarray    # mask / (1 - p) in the input's dtype (0 everywhere when p = 1)


def check_dropout_p(p, layer="dropout"):
    """``p`` as a float; ValueError unless ``0 <= p <= 1``."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{layer}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def dropout_forward(x, p=0.5, training=True, rng=None, layer="dropout"):
    """Dropout that also returns what backward needs: ``(y, cache)``.

    Args:
        rng: a ``numpy.random.Generator``; default the engine's seeded
            generator, :func:`cnncore.random.rng`.
    """
    p = check_dropout_p(p, layer)
    x = np.asarray(x)
    if not training or p == 0.0:
        return x, DropoutCache(None, None)
    rng = random.rng() if rng is None else rng
    mask = rng.random(x.shape) >= p                           # kept with probability 1 - p
    if p == 1.0:
        noise = np.zeros(x.shape, dtype=x.dtype)              # everything dropped, as in PyTorch
    else:
        noise = mask.astype(x.dtype) / x.dtype.type(1 - p)    # 0 or 1/(1-p)
    return x * noise, DropoutCache(mask, noise)


def dropout_backward(grad_out, cache):
    """``dL/dx = g * mask / (1 - p)``: the same units and scale as the forward pass.

    Shape:
        - grad_out, Output: the input's shape
    """
    return grad_out if cache.noise is None else grad_out * cache.noise


def dropout(x, p=0.5, training=True, *, rng=None):
    """Zero each element with probability ``p`` and scale the rest by ``1/(1-p)``.

    The identity when ``training`` is false. ``rng`` (keyword-only; PyTorch
    has ``inplace`` in that position) is a ``numpy.random.Generator``,
    default :func:`cnncore.random.rng`.

    Shape:
        - x: any
        - Output: same as the input
    """
    return dropout_forward(x, p, training, rng)[0]

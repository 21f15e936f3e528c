"""Weight initialisation, matching PyTorch's defaults, and shape-only models.

``Conv2d`` and ``Linear`` draw weights and biases from
``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` (PyTorch's ``kaiming_uniform_`` with
``a=sqrt(5)``), where ``fan_in = in_channels/groups * kh * kw``.

Inside ``with meta():`` layers get *placeholder* weights: arrays of the
right shape and dtype that take no memory (every element is the same zero).
That is how the cost ledger describes VGG-16's 138 million parameters
without allocating half a gigabyte.
"""
import contextlib
import math

import numpy as np

from .. import random

_meta = False


@contextlib.contextmanager
def meta():
    """Build models whose weights are memory-free placeholders (for shapes and counts only)."""
    global _meta
    previous, _meta = _meta, True
    try:
        yield
    finally:
        _meta = previous


def is_meta():
    return _meta


def placeholder(shape, dtype=np.float32):
    """A read-only array of ``shape`` that uses no memory (a broadcast zero)."""
    return np.broadcast_to(np.zeros((), dtype), shape)


def uniform_fan_in(shape, fan_in, dtype=np.float32):
    if _meta:
        return placeholder(shape, dtype)
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return random.rng().uniform(-bound, bound, size=shape).astype(dtype)


def kaiming_normal(shape, fan_out, dtype=np.float32):
    """``N(0, 2/fan_out)``: torchvision's ResNet initialisation for convolutions."""
    if _meta:
        return placeholder(shape, dtype)
    return (random.rng().standard_normal(shape) * math.sqrt(2.0 / fan_out)).astype(dtype)

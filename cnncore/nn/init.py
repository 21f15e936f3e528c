"""Weight initialisation, matching PyTorch's defaults.

``Conv2d`` and ``Linear`` draw weights and biases from
``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` (PyTorch's ``kaiming_uniform_`` with
``a=sqrt(5)``), where ``fan_in = in_channels/groups * kh * kw``.
"""
import math

import numpy as np

from .. import random


def uniform_fan_in(shape, fan_in, dtype=np.float32):
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return random.rng().uniform(-bound, bound, size=shape).astype(dtype)


def kaiming_normal(shape, fan_out, dtype=np.float32):
    """``N(0, 2/fan_out)``: torchvision's ResNet initialisation for convolutions."""
    return (random.rng().standard_normal(shape) * math.sqrt(2.0 / fan_out)).astype(dtype)

"""Stateless operations with PyTorch's signatures, each beside its backward.

For every operation ``op`` there is ``op(...)`` (PyTorch's signature,
returns the output), and where the backward needs saved state,
``op_forward(...) -> (output, cache)`` and ``op_backward(grad_out, cache)``.
"""
from .activation import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .attention_pool import *  # noqa: F401,F403
from .bilinear_pool import *  # noqa: F401,F403

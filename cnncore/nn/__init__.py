"""Layers and networks with PyTorch's names, arguments and weight layouts."""
from .activation import *  # noqa: F401,F403
from .branches import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .linear import *  # noqa: F401,F403
from .loss import *  # noqa: F401,F403
from .module import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .residual import *  # noqa: F401,F403
from .attention_pool import *  # noqa: F401,F403
from .bilinear_pool import *  # noqa: F401,F403

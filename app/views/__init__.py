"""The playground's views: each a ``pn.viewable.Viewer`` with its state in ``param``."""
from .base import *  # noqa: F401,F403
from .draw import *  # noqa: F401,F403

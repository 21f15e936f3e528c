"""Reusable widgets and plots of the playground."""
from .canvas import *  # noqa: F401,F403
from .plots import *  # noqa: F401,F403

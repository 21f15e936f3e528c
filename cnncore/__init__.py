"""cnncore — a convolutional-network engine in pure NumPy, for learning.

Layers with PyTorch's names and weight layouts, each with a readable
forward and backward pass; it runs unchanged in the browser (Pyodide).
"""
from . import backend, data, functional, images, inspect, io, models, nn, optim, train  # noqa: F401
from .io import load, save  # noqa: F401
from .errors import ModelFileError, ShapeError, StateDictError  # noqa: F401
from .random import manual_seed  # noqa: F401

__version__ = "0.1.0"

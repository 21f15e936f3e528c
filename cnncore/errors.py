"""Typed exceptions: every way the engine refuses bad input.

They subclass the built-in exception a Python user would expect
(``ValueError``), so ``except ValueError`` still catches them, while the
app can tell a bad layer configuration from a bad model file.
"""


class ShapeError(ValueError):
    """A layer configuration or an input shape that cannot work.

    The message names the layer and the numbers, e.g. ``Conv2d: kernel
    size 7 (dilated 7) is larger than the padded input 5 (input 5 +
    padding 0 + 0)``.
    """


class ModelFileError(ValueError):
    """A model file that is truncated, tampered with or not a cnncore model."""


class StateDictError(KeyError):
    """A state_dict whose keys or shapes do not match the model."""

    def __str__(self):  # KeyError quotes its message; we want it plain
        return str(self.args[0]) if self.args else ""

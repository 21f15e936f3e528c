"""A 1-D signal is an image of height 1.

Viewing an ``(N, C, L)`` batch as ``(N, C, 1, L)`` and a kernel of size
``k`` as a ``(1, k)`` kernel turns every 1-D convolution and pooling into
the 2-D op that is already here: the 1-D ops (``conv1d``, ``max_pool1d``,
``avg_pool1d``, ``adaptive_avg_pool1d``) only translate shapes and
arguments, and check them in 1-D terms, so that their error messages speak
of lengths, not of heights and widths.
"""
from ..errors import ShapeError

__all__ = ['single', 'check_signal_shape', 'as_image', 'as_signal']


def single(value, name):
    """``3 -> 3``; ``(3,) -> 3``. Rejects anything else."""
    if isinstance(value, (tuple, list)):
        if len(value) != 1:
            raise ShapeError(f"{name} of a 1-D layer must be an int or a 1-tuple, got {value!r}")
        value = value[0]
    return int(value)


def check_signal_shape(x_shape, layer):
    """Raise a :class:`ShapeError` naming ``layer`` unless ``x_shape`` is ``(N, C, L)``; return it."""
    if len(x_shape) != 3:
        raise ShapeError(f"{layer}: expected a 3-D input (N, C, L), got shape {tuple(x_shape)}")
    return tuple(x_shape)


def as_image(x):
    """The signal batch as an image batch of height 1, a view (nothing is copied)."""
    return x[:, :, None, :]     # (N, C, L) -> (N, C, 1, L)


def as_signal(y):
    """The image batch of height 1 back as a signal batch, a view: the inverse of :func:`as_image`."""
    return y[:, :, 0, :]        # (N, C, 1, L) -> (N, C, L)

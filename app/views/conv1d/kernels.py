"""Preset 1-D kernels of the 1-D convolution lab, and typed-in kernels.

Every preset works for a range of kernel sizes ``k`` (a preset needing more
taps than ``k`` raises the size to its minimum, see :data:`MIN_SIZE`):

* ``moving_average`` — ``1/k`` everywhere: smooths the series;
* ``difference`` — the slope of the straight line fitted through the window,
  ``(u - c) / Σ (u - c)²`` (``[-1, 1]`` for ``k = 2``, ``[-½, 0, ½]`` for ``k = 3``);
* ``second_difference`` — ``[1, -2, 1]`` with its taps spread over the window:
  large where the series bends (peaks, troughs, spikes);
* ``step`` — ``-1/h`` on the first half, ``+1/h`` on the second: the jump
  between the two halves' averages, large at a step.
"""
import numpy as np

__all__ = ["PRESETS", "CUSTOM", "MIN_SIZE", "preset_kernel", "parse_weights", "format_weights"]

PRESETS = ("moving_average", "difference", "second_difference", "step")
CUSTOM = "custom"
MIN_SIZE = {"moving_average": 1, "difference": 2, "second_difference": 3, "step": 2}


def preset_kernel(name, k):
    """The preset ``name`` with ``k`` taps.

    Raises:
        ValueError: an unknown preset, or ``k`` below :data:`MIN_SIZE`.

    Shape:
        - Output: ``(k,)`` float64
    """
    if name not in MIN_SIZE:
        raise ValueError(f"unknown kernel preset {name!r}; choose one of {', '.join(PRESETS)}")
    k = int(k)
    if k < MIN_SIZE[name]:
        raise ValueError(f"the {name} kernel needs at least {MIN_SIZE[name]} taps, got k = {k}")
    u = np.arange(k, dtype=np.float64)
    if name == "moving_average":
        return np.full(k, 1.0 / k)
    if name == "difference":
        centred = u - u.mean()
        return centred / np.sum(centred ** 2)
    if name == "second_difference":
        h = (k - 1) // 2
        w = np.zeros(k)
        w[0], w[h], w[2 * h] = 1.0, -2.0, 1.0
        return w
    h = k // 2
    w = np.zeros(k)
    w[:h], w[k - h:] = -1.0 / h, 1.0 / h
    return w


def parse_weights(text, k=None):
    """``"1, -2, 1"`` -> ``array([1., -2., 1.])``.

    Raises:
        ValueError: not numbers, not finite, or not ``k`` of them (when ``k`` is given).
    """
    try:
        values = np.array([float(v) for v in str(text).replace(";", ",").split(",") if v.strip()])
    except ValueError:
        raise ValueError(f"the kernel must be numbers separated by commas, got {text!r}") from None
    if values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError(f"the kernel must be finite numbers separated by commas, got {text!r}")
    if k is not None and values.size != int(k):
        raise ValueError(f"the kernel has {values.size} numbers but k = {k}")
    return values


def format_weights(values):
    """The inverse of :func:`parse_weights`: ``"1,-2,1"`` (short, exact enough for a link)."""
    return ",".join(f"{float(v):.6g}" for v in values)

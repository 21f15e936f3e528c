"""Output-size and receptive-field arithmetic, shared by every layer.

A sliding window of size ``k`` with dilation ``d`` covers ``d(k-1)+1``
pixels. Sliding it with stride ``s`` over an input of ``n`` pixels padded
with ``p`` on each side gives

.. math:: n_{out} = \\left\\lfloor \\frac{n + 2p - d(k-1) - 1}{s} \\right\\rfloor + 1

These functions are used by the layers themselves, so the numbers shown in
the playground are the numbers the engine computes with.
"""
import math

from .errors import ShapeError


def pair(value, name="value"):
    """``3 -> (3, 3)``; ``(3, 5) -> (3, 5)``. Rejects anything else."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ShapeError(f"{name} must be an int or a pair, got {value!r}")
        return int(value[0]), int(value[1])
    return int(value), int(value)


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1,
                     ceil_mode=False, layer="Conv2d", axis="size"):
    """Output length of a sliding window along one axis.

    ``padding`` is the amount on each side, or a ``(before, after)`` pair
    for asymmetric padding (``padding='same'`` with an even kernel).

    ``floor((n + p_before + p_after - d(k-1) - 1) / s) + 1``; with
    ``ceil_mode`` the division rounds up, as in PyTorch's pooling, but a
    window may not start inside the right padding.

    Raises:
        ShapeError: stride or dilation below 1, negative padding, or a
            window larger than the padded input. The message names the
            layer and the numbers.
    """
    before, after = (padding, padding) if not isinstance(padding, (tuple, list)) else padding
    if kernel_size < 1:
        raise ShapeError(f"{layer}: kernel {axis} must be at least 1, got {kernel_size}")
    if stride < 1:
        raise ShapeError(f"{layer}: stride must be at least 1, got {stride}")
    if dilation < 1:
        raise ShapeError(f"{layer}: dilation must be at least 1, got {dilation}")
    if before < 0 or after < 0:
        raise ShapeError(f"{layer}: padding must not be negative, got {padding}")
    span = dilation * (kernel_size - 1) + 1
    padded = n + before + after
    if span > padded:
        dil = f" (dilated {span})" if dilation > 1 else ""
        raise ShapeError(
            f"{layer}: kernel {axis} {kernel_size}{dil} is larger than the padded input "
            f"{padded} (input {n} + padding {before} + {after})")
    if not ceil_mode:
        return (padded - span) // stride + 1
    out = math.ceil((padded - span) / stride) + 1
    if (out - 1) * stride >= n + before:  # last window would start in the padding
        out -= 1
    return out


def same_padding(kernel_size, dilation=1):
    """``(before, after)`` padding that keeps the size at stride 1.

    The total ``d(k-1)`` is split with the extra pixel after, as PyTorch does
    for ``padding='same'``.
    """
    total = dilation * (kernel_size - 1)
    return total // 2, total - total // 2


def resolve_padding2d(padding, kernel_size, dilation, stride, layer="Conv2d"):
    """Turn a ``padding`` argument into ``(top, bottom, left, right)``.

    Accepts an int, an ``(h, w)`` pair, ``'valid'`` (no padding) or
    ``'same'`` (output size equals input size; stride must be 1).
    """
    (kh, kw), (dh, dw) = kernel_size, dilation
    if isinstance(padding, str):
        if padding == "valid":
            return 0, 0, 0, 0
        if padding == "same":
            if tuple(stride) != (1, 1):
                raise ShapeError(f"{layer}: padding='same' needs stride 1, got stride {tuple(stride)}")
            return (*same_padding(kh, dh), *same_padding(kw, dw))
        raise ShapeError(f"{layer}: padding must be an int, a pair, 'same' or 'valid', got {padding!r}")
    ph, pw = pair(padding, "padding")
    return ph, ph, pw, pw


def receptive_field_step(r, j, start, kernel_size, stride=1, padding=0, dilation=1):
    """One layer of the receptive-field recurrence.

    ``r`` is the receptive field size, ``j`` the jump (distance in input
    pixels between neighbouring units) and ``start`` the input coordinate
    of the centre of the first unit, all measured before this layer:

    .. math::
        k' = d(k-1)+1,\\quad r_l = r_{l-1} + (k'-1)j_{l-1},\\quad
        j_l = j_{l-1}s_l,\\quad
        start_l = start_{l-1} + \\left(\\tfrac{k'-1}{2} - p_l\\right) j_{l-1}

    Returns ``(r_l, j_l, start_l)``.
    """
    span = dilation * (kernel_size - 1) + 1
    return r + (span - 1) * j, j * stride, start + ((span - 1) / 2 - padding) * j

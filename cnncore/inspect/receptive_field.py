"""Receptive fields: which input pixels can change a unit's value.

A unit of layer ``l`` looks at a window of the layer below, whose units
look at windows of the layer below them, and so on down to the image. Per
axis, three numbers describe every layer (Araujo et al., 2019):

* ``r`` — the receptive field size: how many input pixels one unit sees;
* ``j`` — the jump: how many input pixels apart two neighbouring units are
  (the product of the strides so far);
* ``start`` — the input coordinate of the centre of the first unit.

A layer with kernel ``k``, stride ``s``, padding ``p`` and dilation ``d``
(which spreads a kernel over ``k' = d(k-1)+1`` pixels) updates them by

.. math::
    r_l = r_{l-1} + (k'-1)\\,j_{l-1},\\qquad j_l = j_{l-1}\\,s_l,\\qquad
    start_l = start_{l-1} + \\left(\\tfrac{k'-1}{2} - p_l\\right) j_{l-1}

starting from the image itself: ``r = 1, j = 1, start = 0``
(:func:`cnncore.shapes.receptive_field_step`). Unit ``i`` of layer ``l`` is
centred on input pixel ``start_l + i j_l`` and sees the ``r_l`` pixels
around it; the part outside the image is padding.

This is the *theoretical* receptive field. Not all of it matters equally:
the *effective* receptive field (Luo et al., 2016) measures how strongly
each pixel actually influences the unit (:func:`effective_receptive_field`).
"""
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..errors import ShapeError
from ..shapes import pair, receptive_field_step, resolve_padding2d
from .activations import _gradient_pass, _wrapped

__all__ = ['ReceptiveFieldRow', 'SHORTCUT_NAMES', 'receptive_fields', 'input_window',
           'effective_receptive_field']

#: Child names taken for the shortcut of a residual block (torchvision calls it ``downsample``).
SHORTCUT_NAMES = ("downsample", "shortcut", "skip", "projection")


@dataclass
class ReceptiveFieldRow:
    """The receptive-field numbers of one layer, per axis as ``(height, width)`` pairs.

    Attributes:
        name: module name (``'features.0'``), as in :func:`~cnncore.inspect.capture`.
        type: the module's class name.
        kernel, stride, dilation: the window of this layer, ``None`` if it has none.
        padding: padding before the first row and column, ``(top, left)``.
        output_size: ``(H_l, W_l)`` of the output, ``None`` if it is not a feature map.
        r: receptive field size in input pixels (may exceed the image).
        j: jump (cumulative stride), ``None`` after the feature maps end; ``(0, 0)``
            after adaptive pooling with uneven bins (all units share one window).
        start: input coordinate of the first unit's centre, ``None`` likewise.
        whole_input: every unit of this layer sees the whole image.
        note: how the row was computed, where it is not a plain window.
    """
    name: str
    type: str
    kernel: Optional[tuple]
    stride: Optional[tuple]
    padding: Optional[tuple]
    dilation: Optional[tuple]
    output_size: Optional[tuple]
    r: tuple
    j: Optional[tuple]
    start: Optional[tuple]
    whole_input: bool = False
    note: str = field(default="")


class _State:
    """``r, j, start`` per axis and the current tensor shape, while walking a model."""

    def __init__(self, r, j, start, shape, flat=False):
        self.r, self.j, self.start, self.shape, self.flat = r, j, start, tuple(shape), flat

    def step(self, kernel, stride, padding, dilation, shape):
        axes = [receptive_field_step(self.r[a], self.j[a], self.start[a], kernel[a], stride[a],
                                     padding[a], dilation[a]) for a in (0, 1)]
        r, j, start = (tuple(v[i] for v in axes) for i in range(3))
        return _State(r, j, start, shape)


def _covers_image(state, image_hw):
    """Does every unit's window contain the whole image?"""
    if state.flat:
        return True
    out = state.shape[2:]
    for a in (0, 1):
        first_bottom = state.start[a] + (state.r[a] - 1) / 2 + 1
        last_top = state.start[a] + (out[a] - 1) * state.j[a] - (state.r[a] - 1) / 2
        if last_top > 0 or first_bottom < image_hw[a]:
            return False
    return True


def _row(name, module, state, image_hw, kernel=None, stride=None, padding=None, dilation=None, note=""):
    if state.flat:
        return ReceptiveFieldRow(name, type(module).__name__, kernel, stride, padding, dilation, None,
                                 tuple(image_hw), None, None, True, note or "not a feature map: sees the whole input")
    r = tuple(int(v) for v in state.r)
    j = tuple(int(v) for v in state.j)
    start = tuple(float(v) for v in state.start)
    return ReceptiveFieldRow(name, type(module).__name__, kernel, stride, padding, dilation,
                             tuple(state.shape[2:]), r, j, start, _covers_image(state, image_hw), note)


def _window_args(module):
    """``(kernel, stride, (top, left), dilation)`` of a convolution or pooling layer."""
    kernel = pair(module.kernel_size, "kernel_size")
    stride = getattr(module, "stride", None)
    stride = kernel if stride is None or stride == [] else pair(stride, "stride")
    dilation = pair(getattr(module, "dilation", 1), "dilation")
    padding = getattr(module, "padding", 0)
    top, _, left, _ = resolve_padding2d(padding, kernel, dilation, stride, type(module).__name__)
    return kernel, stride, (top, left), dilation


def _is_residual(module):
    """A block with a shortcut: a child named like one, or a ResNet block class with its shortcut on."""
    if getattr(module, "shortcut", None) is False:  # a "plain" block: the same layers, no addition
        return False
    name = type(module).__name__
    return any(s in module._modules for s in SHORTCUT_NAMES) or "Block" in name or "Bottleneck" in name


def _walk(name, module, state, rows, image_hw):
    """Follow ``module`` from ``state``; append its rows; return the state after it."""
    kind = type(module).__name__
    children = list(module._modules.items())
    if state.flat:  # past the feature maps: everything sees everything
        after = state
        for child_name, child in children:
            after = _walk(f"{name}.{child_name}" if name else child_name, child, after, rows, image_hw)
        if not children:
            after = _State(state.r, state.j, state.start, module.output_shape(state.shape), flat=True)
        if name:
            rows.append(_row(name, module, after, image_hw))
        return after

    if not children:
        after = _leaf(module, state)
        kernel = stride = padding = dilation = None
        note = ""
        if hasattr(module, "kernel_size") and not after.flat:
            kernel, stride, padding, dilation = _window_args(module)
        elif hasattr(module, "output_size") and not after.flat:
            note = _adaptive_note(state, after)
        if name:
            rows.append(_row(name, module, after, image_hw, kernel, stride, padding, dilation, note))
        return after

    qualified = [(f"{name}.{c}" if name else c, c, m) for c, m in children]
    if kind == "Concat":  # parallel branches: the largest receptive field
        ends = [_walk(q, m, state, rows, image_hw) for q, _, m in qualified]
        after = max(ends, key=lambda s: (not s.flat) and s.r[0] * s.r[1])
        after = _State(after.r, after.j, after.start, _block_shape(module, state, after), after.flat)
        note = "parallel branches: the largest branch receptive field"
    else:  # a sequence; in a residual block, the convolution path
        residual = kind != "Sequential" and _is_residual(module)
        path = [(q, m) for q, c, m in qualified if not (residual and c in SHORTCUT_NAMES)]
        after = state
        for q, m in path:
            after = _walk(q, m, after, rows, image_hw)
        for q, c, m in qualified:
            if residual and c in SHORTCUT_NAMES:
                _walk(q, m, state, rows, image_hw)  # its own rows, from the block's input
        note = ""
        if residual:
            note = ("residual block: the receptive field of the convolution path (the larger); "
                    "the shortcut sees a smaller window")
        if not after.flat and kind != "Sequential":
            after = _State(after.r, after.j, after.start, _block_shape(module, state, after))
    if name:
        rows.append(_row(name, module, after, image_hw, note=note))
    return after


def _block_shape(module, before, after):
    """A block's output shape: its own ``output_shape`` if it has one, else its path's."""
    try:
        return tuple(module.output_shape(before.shape))
    except NotImplementedError:
        return after.shape


def _leaf(module, state):
    """The state after one layer without children."""
    out_shape = tuple(module.output_shape(state.shape))
    if len(out_shape) != 4:  # Flatten, Linear: the feature maps end here
        return _State(state.r, state.j, state.start, out_shape, flat=True)
    if hasattr(module, "kernel_size"):  # convolution, max/avg/LP pooling
        kernel, stride, padding, dilation = _window_args(module)
        return state.step(kernel, stride, padding, dilation, out_shape)
    if hasattr(module, "output_size"):  # adaptive pooling: bins of size in/out when that divides
        (h, w), (oh, ow) = state.shape[2:], out_shape[2:]
        if h % oh == 0 and w % ow == 0:
            k = (h // oh, w // ow)
            return state.step(k, k, (0, 0), (1, 1), out_shape)
        # Uneven bins: every unit is taken to see all of the map (jump 0: one shared window).
        size = tuple((state.shape[2 + a] - 1) * state.j[a] + state.r[a] for a in (0, 1))
        centre = tuple(state.start[a] + (state.shape[2 + a] - 1) * state.j[a] / 2 for a in (0, 1))
        return _State(size, (0, 0), centre, out_shape)
    if out_shape[2:] != state.shape[2:]:
        raise NotImplementedError(f"receptive_fields: {type(module).__name__} changes the feature-map "
                                  f"size {state.shape[2:]} -> {out_shape[2:]} without a kernel_size")
    return _State(state.r, state.j, state.start, out_shape)  # element-wise layer


def _adaptive_note(before, after):
    (h, w), (oh, ow) = before.shape[2:], after.shape[2:]
    if h % oh == 0 and w % ow == 0:
        return f"adaptive pooling {h}x{w} -> {oh}x{ow}: windows of {h // oh}x{w // ow}, stride {h // oh}x{w // ow}"
    return f"adaptive pooling {h}x{w} -> {oh}x{ow}: uneven bins, taken as covering the whole input"


def _image_shape(input_shape):
    shape = tuple(int(v) for v in input_shape)
    if len(shape) == 3:
        shape = (1, *shape)
    if len(shape) != 4:
        raise ShapeError(f"receptive_fields: expected an input shape (N, C, H, W) or (C, H, W), got {shape}")
    return shape


def receptive_fields(model, input_shape):
    """The receptive field of every layer, from shapes alone (no data is computed).

    Walks the module tree in the order the layers run. Convolutions and
    pooling layers apply the recurrence; element-wise layers (activations,
    batch norm, dropout) keep the numbers; adaptive pooling whose bins
    divide the input evenly acts as pooling with kernel = stride = in/out,
    otherwise its units are taken to see the whole input; after ``Flatten``
    or ``Linear`` every unit sees the whole input. In a residual block the
    rows describe the convolution path, the larger receptive field (noted
    in the row); in parallel branches (``Concat``) the largest branch.

    Args:
        model: a :class:`~cnncore.nn.Module` (shape-only models from
            ``cnncore.nn.init.meta()`` work too).
        input_shape: ``(N, C, H, W)`` or ``(C, H, W)``.

    Returns:
        A list of :class:`ReceptiveFieldRow`, one per module below the
        root, named as in :func:`~cnncore.inspect.capture`.
    """
    shape = _image_shape(input_shape)
    rows = []
    _walk("", model, _State((1, 1), (1, 1), (0.0, 0.0), shape), rows, shape[2:])
    return rows


def _find_row(rows, layer):
    for row in rows:
        if row.name == layer:
            return row
    raise KeyError(f"no layer named {layer!r}; layers: {', '.join(r.name for r in rows)}")


def input_window(rows, layer, i, j, input_hw, clip=True):
    """The input rectangle that output position ``(i, j)`` of ``layer`` sees.

    Unit ``i`` is centred on input row ``start + i * jump`` and covers
    ``r`` rows around it: rows ``start + i*jump - (r-1)/2`` up to
    ``start + i*jump + (r-1)/2`` (likewise for columns).

    Args:
        rows: from :func:`receptive_fields`.
        layer: the layer's name.
        i, j: output row and column.
        input_hw: ``(H, W)`` of the image.
        clip: clip to the image (the part outside is padding).

    Returns:
        ``(top, left, bottom, right)`` with ``bottom`` and ``right``
        exclusive, so ``image[..., top:bottom, left:right]`` is the window.

    Raises:
        ShapeError: ``(i, j)`` outside the layer's output.
    """
    row = _find_row(rows, layer)
    h, w = input_hw
    if row.j is None:
        return 0, 0, h, w
    oh, ow = row.output_size
    if not (0 <= i < oh and 0 <= j < ow):
        raise ShapeError(f"input_window: position ({i}, {j}) is outside the {oh}x{ow} output of {layer}")
    top = int(round(row.start[0] + i * row.j[0] - (row.r[0] - 1) / 2))
    left = int(round(row.start[1] + j * row.j[1] - (row.r[1] - 1) / 2))
    bottom, right = top + row.r[0], left + row.r[1]
    if clip:  # a window entirely in the padding clips to an empty rectangle
        top, left = min(max(top, 0), h), min(max(left, 0), w)
        bottom, right = max(min(bottom, h), top), max(min(right, w), left)
    return top, left, bottom, right


def effective_receptive_field(model, x, layer_name, position, channel=None):
    """How much each input pixel influences one unit: ``|d unit / d x|`` (Luo et al., 2016).

    One forward pass; then a backward pass that starts at ``layer_name``
    with gradient 1 at ``position`` (in ``channel``, or in every channel,
    i.e. the sum of the channels) and 0 everywhere else. The input gradient
    is nonzero only inside the theoretical receptive field, and usually
    concentrated near its centre (roughly Gaussian in deep networks).

    For a batch, the magnitudes are averaged over the images (Luo et al.
    average over many random inputs). Parameter gradients are left as they
    were.

    Args:
        model: the network. x: ``(N, C, H, W)`` or one image ``(C, H, W)``.
        layer_name: a name from :func:`~cnncore.inspect.capture`.
        position: ``(i, j)`` in the layer's output.
        channel: one output channel, or ``None`` for all.

    Returns:
        ``(H, W)`` array: ``sum over input channels of |d unit / d x|``
        averaged over the batch, divided by its maximum (all zeros if the
        unit does not depend on the input, e.g. a dead ReLU).
    """
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[None]
    modules = dict(model.named_modules())
    if layer_name not in modules:
        raise KeyError(f"no layer named {layer_name!r}")
    target = modules[layer_name]
    i, j = position
    seen = {}

    def seed_for(shape, dtype):
        if len(shape) != 4:
            raise ShapeError(f"effective_receptive_field: {layer_name} has no feature map (output shape {shape})")
        n, c, oh, ow = shape
        if not (0 <= i < oh and 0 <= j < ow):
            raise ShapeError(f"effective_receptive_field: position ({i}, {j}) is outside the "
                             f"{oh}x{ow} output of {layer_name}")
        seed = np.zeros(shape, dtype=dtype)
        seed[:, slice(None) if channel is None else channel, i, j] = 1
        return seed

    def wrap_forward(name, module, original):
        def forward(*args):
            y = original(*args)
            seen["shape"], seen["dtype"] = y.shape, y.dtype
            return y
        return forward

    def wrap_backward(name, module, original):
        def backward(grad_out):  # the gradient starts here, not at the output
            return original(seed_for(seen["shape"], seen["dtype"]))
        return backward

    with _gradient_pass(model):
        if target is model:
            out = model(x)
            dx = model.backward(seed_for(out.shape, out.dtype))
        else:
            with _wrapped([(layer_name, target)], "forward", wrap_forward):
                out = model(x)
            with _wrapped([(layer_name, target)], "backward", wrap_backward):
                dx = model.backward(np.zeros_like(out))
    erf = np.abs(dx).sum(axis=1).mean(axis=0)  # (N, C, H, W) -> (H, W)
    peak = erf.max()
    return erf / peak if peak > 0 else erf

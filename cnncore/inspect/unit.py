"""One unit, taken apart: exactly how a single activation was computed.

Click a unit of a feature map and see its arithmetic: for a convolution,
the input window it saw (padding included, as the layer saw it), the
kernel, their element-wise products, the sum, the bias and the result;
for max pooling, which input won; for average pooling, the divisor; for a
fully-connected unit, inputs times weights. The result is the value the
layer really produced (the tests check this), and the rectangle of the
image the unit can see is its theoretical receptive field.
"""
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from ..functional.padding import pad2d
from ..shapes import pair, resolve_padding2d
from .activations import _named_submodules, _wrapped
from .receptive_field import input_window, receptive_fields

__all__ = ['UnitExplanation', 'explain_unit']


@dataclass
class UnitExplanation:
    """How one activation was computed.

    Attributes:
        layer, layer_type: the module's name and class.
        kind: ``'conv'``, ``'max_pool'``, ``'min_pool'``, ``'avg_pool'``,
            ``'lp_pool'``, ``'linear'``, ``'batch_norm'`` or ``'elementwise'``.
        channel: the output channel (for a linear layer, the output feature).
        position: ``(i, j)`` in the output map, ``None`` for a linear layer.
        window: the input values the unit combined, as the layer saw them:
            conv ``(C_in/groups, kh, kw)`` (padding values included), pooling
            ``(kh, kw)`` (max pooling pads with ``-inf``), linear ``(in_features,)``,
            element-wise a single value.
        input_channels: the layer-input channels the window comes from.
        input_rows, input_cols: layer-input coordinates of the window's rows
            and columns (outside ``0 .. H-1`` means padding).
        padding_mask: ``(kh, kw)``, True where the window reads padding.
        kernel: the weights, the shape of ``window`` (conv, linear).
        products: ``window * kernel``.
        total: the sum of the products (conv, linear), of the window (average
            pooling), of its ``p``-th powers (LP pooling), or the maximum
            (minimum) for max (min) pooling.
        bias: the bias added, or ``None``.
        result: the unit's value, equal to the layer's output there.
        winner: ``(row, col)`` of the winning input pixel (max/min pooling).
        details: layer-specific numbers (``divisor``; ``winner_index`` =
            ``row * W + col`` as PyTorch's ``return_indices``; batch norm's
            ``mean``, ``var``, ``eps``, ``gamma``, ``beta``).
        activation_layer, activation_type, activation_result: the activation
            applied right after this layer (if the next layer is one) and its
            value at this unit.
        receptive_field: ``(top, left, bottom, right)`` of the image this unit
            can see (bottom/right exclusive, clipped), from
            :func:`~cnncore.inspect.input_window`.
    """
    layer: str
    layer_type: str
    kind: str
    channel: int
    position: Optional[tuple]
    window: np.ndarray
    result: float
    input_channels: Optional[np.ndarray] = None
    input_rows: Optional[np.ndarray] = None
    input_cols: Optional[np.ndarray] = None
    padding_mask: Optional[np.ndarray] = None
    kernel: Optional[np.ndarray] = None
    products: Optional[np.ndarray] = None
    total: Optional[float] = None
    bias: Optional[float] = None
    winner: Optional[tuple] = None
    details: dict = field(default_factory=dict)
    activation_layer: Optional[str] = None
    activation_type: Optional[str] = None
    activation_result: Optional[float] = None
    receptive_field: Optional[tuple] = None


def _record(model, x, layer_name):
    """Forward pass keeping the layer's input and output and the layer that consumes the output."""
    seen = {}

    def wrap(name, module, original):
        def forward(*args, **kwargs):
            if name == layer_name:
                seen["input"] = np.array(args[0], copy=True)
            elif "raw" in seen and "next" not in seen and not module._modules and args and args[0] is seen["raw"]:
                seen["next"] = name
            y = original(*args, **kwargs)
            if name == layer_name:
                seen["raw"], seen["output"] = y, np.array(y, copy=True)
            elif seen.get("next") == name and "next_output" not in seen:
                seen["next_output"] = np.array(y, copy=True)
            return y
        return forward

    with _wrapped(list(_named_submodules(model)), "forward", wrap):
        model(x)
    return seen


def _taps(index, stride, padding, dilation, size):
    """Layer-input coordinates of a window's taps along one axis."""
    return index * stride - padding + dilation * np.arange(size)


def _conv(module, xin, channel, i, j):
    (kh, kw), (sh, sw), (dh, dw) = module.kernel_size, module.stride, module.dilation
    top, bottom, left, right = resolve_padding2d(module.padding, (kh, kw), (dh, dw), (sh, sw))
    xp = pad2d(xin[None], (top, bottom, left, right), module.padding_mode)[0]   # (C, Hp, Wp)
    per_group_out = module.out_channels // module.groups
    per_group_in = module.in_channels // module.groups
    group = channel // per_group_out
    channels = np.arange(group * per_group_in, (group + 1) * per_group_in)
    window = xp[channels[0]:channels[-1] + 1,
                i * sh:i * sh + dh * (kh - 1) + 1:dh,
                j * sw:j * sw + dw * (kw - 1) + 1:dw]                          # (C/g, kh, kw)
    kernel = module.weight.data[channel]                                        # (C/g, kh, kw)
    products = window * kernel
    total = products.sum()
    bias = None if module.bias is None else module.bias.data[channel]
    result = total if bias is None else total + bias
    rows, cols = _taps(i, sh, top, dh, kh), _taps(j, sw, left, dw, kw)
    return dict(kind="conv", window=window, kernel=kernel, products=products, total=float(total),
                bias=None if bias is None else float(bias), result=float(result), input_channels=channels,
                input_rows=rows, input_cols=cols, padding_mask=_outside(rows, cols, xin.shape[1:]),
                details=dict(padding_mode=module.padding_mode))


def _outside(rows, cols, hw):
    return ((rows < 0) | (rows >= hw[0]))[:, None] | ((cols < 0) | (cols >= hw[1]))[None, :]


def _gather(plane, rows, cols, fill):
    """``plane[rows][:, cols]`` with ``fill`` where a coordinate is outside."""
    h, w = plane.shape
    values = plane[np.clip(rows, 0, h - 1)][:, np.clip(cols, 0, w - 1)]
    return np.where(_outside(rows, cols, (h, w)), fill, values).astype(plane.dtype)


def _pool(module, xin, channel, i, j):
    name = type(module).__name__
    plane = xin[channel]
    h, w = plane.shape
    if hasattr(module, "output_size"):  # adaptive pooling: PyTorch's bins
        oh, ow = module.output_shape((1, *xin.shape))[2:]
        r0, r1 = (i * h) // oh, -(-((i + 1) * h) // oh)
        c0, c1 = (j * w) // ow, -(-((j + 1) * w) // ow)
        rows, cols = np.arange(r0, r1), np.arange(c0, c1)
        ph = pw = 0
        divisor = len(rows) * len(cols)
    else:
        k = pair(module.kernel_size)
        s = k if getattr(module, "stride", None) in (None, []) else pair(module.stride)
        (ph, pw), (dh, dw) = pair(module.padding), pair(getattr(module, "dilation", 1))
        rows, cols = _taps(i, s[0], ph, dh, k[0]), _taps(j, s[1], pw, dw, k[1])
    mask = _outside(rows, cols, (h, w))
    out = dict(input_channels=np.array([channel]), input_rows=rows, input_cols=cols, padding_mask=mask)
    if "Max" in name or "Min" in name:
        largest = "Max" in name
        window = _gather(plane, rows, cols, -np.inf if largest else np.inf)
        u, v = np.unravel_index(int(np.argmax(window) if largest else np.argmin(window)), window.shape)
        winner = (int(rows[u]), int(cols[v]))
        return dict(out, kind="max_pool" if largest else "min_pool", window=window, total=float(window[u, v]),
                    result=float(window[u, v]), winner=winner, details=dict(winner_index=winner[0] * w + winner[1]))
    window = _gather(plane, rows, cols, 0)
    if "LP" in name:
        p = float(module.norm_type)
        total = (window.astype(np.float64) ** p).sum()
        return dict(out, kind="lp_pool", window=window, total=float(total), result=float(total ** (1 / p)),
                    details=dict(norm_type=p))
    if "Avg" not in name:
        raise NotImplementedError(f"explain_unit: cannot take apart a {name} unit")
    if not hasattr(module, "output_size"):
        override = getattr(module, "divisor_override", None)
        if override:
            divisor = override
        elif getattr(module, "count_include_pad", True):  # padding counts, overhang past it does not
            divisor = int(((rows >= -ph) & (rows < h + ph)).sum() * ((cols >= -pw) & (cols < w + pw)).sum())
        else:
            divisor = int((~mask).sum())
    total = window.sum()
    return dict(out, kind="avg_pool", window=window, total=float(total), result=float(total / divisor),
                details=dict(divisor=divisor))


def _linear(module, xin, channel):
    kernel = module.weight.data[channel]                                        # (in,)
    products = xin * kernel
    total = products.sum()
    bias = None if module.bias is None else module.bias.data[channel]
    result = total if bias is None else total + bias
    return dict(kind="linear", window=xin, kernel=kernel, products=products, total=float(total),
                bias=None if bias is None else float(bias), result=float(result),
                input_channels=np.arange(xin.shape[0]))


def _batch_norm(module, x_all, channel, i, j, sample):
    if module.training or getattr(module, "running_mean", None) is None:
        values = x_all[:, channel].astype(np.float64)
        mean, var = float(values.mean()), float(values.var())
    else:
        mean, var = float(module.running_mean[channel]), float(module.running_var[channel])
    gamma = 1.0 if module.weight is None else float(module.weight.data[channel])
    beta = 0.0 if module.bias is None else float(module.bias.data[channel])
    value = x_all[sample, channel, i, j]
    result = (value - mean) / np.sqrt(var + module.eps) * gamma + beta
    return dict(kind="batch_norm", window=np.asarray(value), bias=beta, result=float(result),
                input_channels=np.array([channel]),
                details=dict(mean=mean, var=var, eps=float(module.eps), gamma=gamma, beta=beta))


def explain_unit(model, x, layer_name, channel, i=None, j=None, sample=0):
    """Take apart the activation ``layer_name[sample, channel, i, j]``.

    Runs one forward pass (recording only what this unit needs) and
    recomputes the unit from its inputs, step by step.

    Args:
        model: the network (run as it is; call ``model.eval()`` first).
        x: ``(N, C, H, W)`` or one image ``(C, H, W)``.
        layer_name: a module name from :func:`~cnncore.inspect.capture`.
        channel: the output channel (for a linear layer, the output feature).
        i, j: the output row and column (omit for a linear layer).
        sample: which image of the batch.

    Returns:
        A :class:`UnitExplanation`.

    Raises:
        KeyError: no such layer. IndexError: the unit is outside the output.
        NotImplementedError: a layer type this function cannot take apart.
    """
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[None]
    modules = dict(model.named_modules())
    if layer_name not in modules or modules[layer_name] is model:
        raise KeyError(f"no layer named {layer_name!r}")
    module = modules[layer_name]
    seen = _record(model, x, layer_name)
    x_all, y_all = seen["input"], seen["output"]
    position = None if y_all.ndim == 2 else (int(i), int(j))
    index = (sample, channel) if position is None else (sample, channel, *position)
    if any(not 0 <= v < n for v, n in zip(index, y_all.shape)):
        raise IndexError(f"explain_unit: unit {index[1:]} is outside the output {y_all.shape[1:]} of {layer_name}")
    kind = type(module).__name__
    if kind == "Conv2d":
        parts = _conv(module, x_all[sample], channel, *position)
    elif "Pool" in kind and position is not None:
        parts = _pool(module, x_all[sample], channel, *position)
    elif kind == "Linear":
        parts = _linear(module, x_all[sample], channel)
    elif "BatchNorm" in kind and position is not None:
        parts = _batch_norm(module, x_all, channel, *position, sample)
    elif x_all.shape == y_all.shape:
        parts = dict(kind="elementwise", window=np.asarray(x_all[index]), result=float(y_all[index]),
                     input_channels=np.array([channel]))
    else:
        raise NotImplementedError(f"explain_unit: cannot take apart a {kind} unit")
    explanation = UnitExplanation(layer=layer_name, layer_type=kind, channel=int(channel), position=position,
                                  **parts)
    follower = seen.get("next")
    if follower is not None and type(modules[follower]).__module__.rsplit(".", 1)[-1] == "activation":
        explanation.activation_layer = follower
        explanation.activation_type = type(modules[follower]).__name__
        explanation.activation_result = float(seen["next_output"][index])
    try:
        rows = receptive_fields(model, x.shape)
        if position is None:
            explanation.receptive_field = (0, 0, *x.shape[2:])
        else:
            explanation.receptive_field = input_window(rows, layer_name, *position, x.shape[2:])
    except NotImplementedError:
        pass
    return explanation

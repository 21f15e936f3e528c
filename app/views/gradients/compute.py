"""The numbers of the Gradients lab, all from ``cnncore`` (this file only gathers them).

* :func:`layer_input` — what one module of a network received in a forward pass.
* :func:`conv_backward` — the backward pass of one ``Conv2d`` layer, two ways:
  the engine's ``conv2d_backward`` (im2col form) and the textbook full
  convolution with the 180-degree-rotated kernel (``conv2d_input_grad_full``),
  plus the weight gradient as a correlation of the layer input with the
  upstream gradient (``conv2d`` with the gradient as the kernel).
* :func:`weight_grad_terms` — one weight's gradient written out term by term.
* :func:`finite_difference` — nudge one weight or one input pixel by ±ε in a
  float64 copy of the model and compare with the backward pass.
* :func:`mosaic` — a layer's gradient maps tiled into one image for a heatmap.
"""
import copy
from dataclasses import dataclass

import numpy as np

from cnncore import functional as F, nn
from cnncore.functional import conv2d_input_grad_full
from cnncore.inspect import input_gradient, output_gradient
from cnncore.shapes import resolve_padding2d

__all__ = ["layer_input", "conv_layers", "weighted_layers", "ConvBackward", "conv_backward", "weight_grad_terms",
           "FDResult", "finite_difference", "loss_value", "relative_error", "mosaic", "EPSILONS"]

EPSILONS = tuple(10.0 ** -k for k in range(1, 7))    # 1e-1 ... 1e-6


def layer_input(model, x, name):
    """The array module ``name`` of ``model`` received when ``model(x)`` ran.

    The module's ``forward`` is wrapped on the instance for one pass (and
    put back afterwards), the way ``cnncore.inspect.capture`` records outputs.
    """
    module = dict(model.named_modules())[name]
    seen = {}
    original = module.forward

    def forward(inp, *args, **kwargs):
        seen["x"] = inp
        return original(inp, *args, **kwargs)

    object.__setattr__(module, "forward", forward)
    try:
        model(x)
    finally:
        object.__delattr__(module, "forward")
    return seen["x"]


def conv_layers(model):
    """Names of the ``Conv2d`` layers of ``model``, input side first."""
    return [name for name, m in model.named_modules() if isinstance(m, nn.Conv2d)]


def weighted_layers(model):
    """``{name: module}`` of the layers with a ``weight`` (convolutions, linear layers, ...)."""
    return {name: m for name, m in model.named_modules()
            if name and "weight" in m._parameters and m.weight is not None}


@dataclass
class ConvBackward:
    """The backward pass through one convolution layer.

    Shape:
        - x, x_padded: the layer input ``(C, H, W)`` and as the layer padded it ``(C, Hp, Wp)``
        - g: the upstream gradient ``dL/dy``, ``(O, OH, OW)``
        - weight: ``(O, C, kH, kW)``
        - dx_backward (engine, im2col form), dx_full (rotated kernel): ``(C, H, W)``
        - dweight (engine), dweight_corr (correlation of x with g): ``(O, C, kH, kW)``
        - dbias: ``(O,)``
    """
    name: str
    x: np.ndarray
    x_padded: np.ndarray
    g: np.ndarray
    weight: np.ndarray
    dx_backward: np.ndarray
    dx_full: np.ndarray
    dweight: np.ndarray
    dweight_corr: np.ndarray
    dbias: np.ndarray
    stride: tuple
    padding: object      # the layer's own setting (a pair or 'same'/'valid')
    pads: tuple          # (top, bottom, left, right)
    dilation: tuple

    def partial_full(self, o, c):
        """Output channel ``o``'s share of ``dx[c]``: ``g[o]`` fully convolved with ``rot180(w[o, c])``.

        Shape:
            - Output: ``(H, W)``
        """
        g = self.g[o][None, None]                                   # (OH, OW) -> (1, 1, OH, OW)
        w = self.weight[o:o + 1, c:c + 1]                           # (1, 1, kH, kW)
        h, wd = self.x.shape[1:]
        return conv2d_input_grad_full(g, w, (1, 1, h, wd), self.stride, self.padding, self.dilation)[0, 0]


def conv_backward(model, x, name, upstream):
    """Backward through the ``Conv2d`` called ``name``, given its upstream gradient.

    ``upstream`` is the layer's entry of ``cnncore.inspect.capture_gradients``
    (``dL/dy``, ``(1, O, OH, OW)``). Everything is float64, so the two ways
    of computing ``dx`` can be compared to rounding.
    """

    module = dict(model.named_modules())[name]
    if module.groups != 1:
        raise ValueError(f"{name}: grouped convolutions (groups={module.groups}) are not shown here")
    xin = np.asarray(layer_input(model, x, name), dtype=np.float64)         # (1, C, H, W)
    w = module.weight.data.astype(np.float64)
    b = None if module.bias is None else module.bias.data.astype(np.float64)
    g = np.asarray(upstream, dtype=np.float64)
    pads = resolve_padding2d(module.padding, module.kernel_size, module.dilation, module.stride)
    _, cache = F.conv2d_forward(xin, w, b, module.stride, module.padding, module.dilation, 1, module.padding_mode)
    dx, dw, db = F.conv2d_backward(g, cache)
    if module.padding_mode == "zeros":
        dx_full = F.conv2d_input_grad_full(g, w, xin.shape, module.stride, module.padding, module.dilation)
    else:   # the textbook form pads with zeros; other modes fold the border back (shown by the engine)
        dx_full = np.full_like(dx, np.nan)
    xp = F.pad2d(xin, pads, module.padding_mode)[0]                          # (1, C, Hp, Wp) -> (C, Hp, Wp)
    # dL/dw[o, c] = x_padded[c] correlated with g[o]: a convolution whose kernel is the gradient,
    # its taps spread by the stride; every d-th output is a kernel tap (dilation d).
    (sh, sw), (dh, dw_) = module.stride, module.dilation
    kh, kw = module.kernel_size
    corr = np.empty_like(w)
    for c in range(xp.shape[0]):
        out = F.conv2d(xp[c][None, None], g[0][:, None], dilation=(sh, sw))    # (1, O, ., .)
        corr[:, c] = out[0, :, ::dh, ::dw_][:, :kh, :kw]
    return ConvBackward(name, xin[0], xp, g[0], w, dx[0], dx_full[0], dw, corr, db,
                        module.stride, module.padding, pads, module.dilation)


def weight_grad_terms(cb, o, c, u, v):
    """``dL/dw[o, c, u, v] = sum_ij g[o, i, j] * x_padded[c, s i + d u, s j + d v]``, term by term.

    Returns ``(terms, total)``: ``terms`` lists ``(i, j, g, x, g*x)`` for every
    output position; ``total`` is their sum.
    """
    (sh, sw), (dh, dw) = cb.stride, cb.dilation
    oh, ow = cb.g.shape[1:]
    rows = sh * np.arange(oh) + dh * u
    cols = sw * np.arange(ow) + dw * v
    xs = cb.x_padded[c][np.ix_(rows, cols)]                      # (OH, OW): the inputs w[u, v] touched
    gs = cb.g[o]
    products = gs * xs
    terms = [(i, j, float(gs[i, j]), float(xs[i, j]), float(products[i, j]))
             for i in range(oh) for j in range(ow)]
    return terms, float(products.sum())


def loss_value(logits, target, loss):
    """``z_t`` (``loss='score'``) or the cross-entropy ``-log softmax(z)_t`` of one example."""
    if loss == "cross_entropy":
        return float(F.cross_entropy(logits, np.array([target])))
    return float(logits[0, target])


def relative_error(a, b):
    """``|a - b| / max(|a|, |b|)`` (0 when both are 0)."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


@dataclass
class FDResult:
    """One finite-difference check: ``(L(θ+ε) - L(θ-ε)) / 2ε`` next to the backward pass's ``dL/dθ``."""
    eps: float
    value: float          # θ itself
    loss_plus: float
    loss_minus: float
    numeric: float
    analytic: float
    target: int
    loss: float           # L(θ)

    @property
    def abs_error(self):
        return abs(self.numeric - self.analytic)

    @property
    def rel_error(self):
        return relative_error(self.numeric, self.analytic)


def finite_difference(model, x, target=None, loss="score", kind="weight", layer=None, index=0, pixel=(0, 0),
                      epsilons=EPSILONS, channel=0):
    """Check one gradient by central differences, in float64 on a copy of ``model``.

    Args:
        kind: ``'weight'`` (element ``index`` of ``layer``'s weight, counted
            flat in PyTorch's layout) or ``'pixel'`` (input pixel ``(row, col)`` of input
            channel ``channel``: 0 for a grey digit; 0, 1, 2 = R, G, B for a colour picture).
        target: a class index, or None for the predicted class.
        loss: ``'score'`` (the logit ``z_t``) or ``'cross_entropy'``.

    Returns:
        One :class:`FDResult` per ``epsilon`` (the analytic value is the same in all).
    """

    net = copy.deepcopy(model).double().eval()
    x64 = np.asarray(x, dtype=np.float64)
    grad_loss = None if loss == "score" else loss
    if kind == "pixel":
        logits, dx, t = input_gradient(net, x64, target, grad_loss)
        k, r, c = int(channel), int(pixel[0]), int(pixel[1])
        analytic, value = float(dx[0, k, r, c]), float(x64[0, k, r, c])
    elif kind == "weight":
        param = weighted_layers(net)[layer].weight
        index = int(index)
        if not 0 <= index < param.data.size:
            raise IndexError(f"{layer}: weight index {index} is outside 0..{param.data.size - 1}")
        net.zero_grad()
        logits = net(x64)
        seed, t = output_gradient(logits, target, grad_loss)
        net.backward(seed)
        analytic, value = float(param.grad.flat[index]), float(param.data.flat[index])
    else:
        raise ValueError(f"kind must be 'weight' or 'pixel', got {kind!r}")
    t = int(t[0])
    base = loss_value(logits, t, loss)
    results = []
    for eps in epsilons:
        sides = []
        for sign in (1.0, -1.0):
            if kind == "pixel":
                nudged = x64.copy()
                nudged[0, k, r, c] += sign * eps
                sides.append(loss_value(net(nudged), t, loss))
            else:
                param.data.flat[index] = value + sign * eps
                sides.append(loss_value(net(x64), t, loss))
                param.data.flat[index] = value
        results.append(FDResult(eps, value, sides[0], sides[1], (sides[0] - sides[1]) / (2 * eps), analytic, t, base))
    return results


def mosaic(grad, max_cols=None):
    """A layer's gradient as one 2-D image: channels tiled in a grid, NaN between them.

    A vector (a linear layer's) is wrapped into rows of at most 20 values.

    Shape:
        - grad: ``(1, C, H, W)`` or ``(1, K)``
        - Output: ``(rows*(H+1)-1, cols*(W+1)-1)``, or ``(ceil(K/20), min(K, 20))``
    """
    g = np.asarray(grad, dtype=np.float64)[0]
    if g.ndim == 1:
        cols = min(g.size, 20)
        rows = -(-g.size // cols)
        out = np.full(rows * cols, np.nan)
        out[:g.size] = g
        return out.reshape(rows, cols)                           # (K,) -> (rows, cols)
    if g.ndim != 3:
        g = g.reshape(1, 1, -1)
    c, h, w = g.shape
    cols = max_cols or int(np.ceil(np.sqrt(c)))
    rows = -(-c // cols)
    out = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), np.nan)
    for k in range(c):
        r, q = divmod(k, cols)
        out[r * (h + 1):r * (h + 1) + h, q * (w + 1):q * (w + 1) + w] = g[k]
    return out

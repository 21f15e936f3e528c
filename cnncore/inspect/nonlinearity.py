"""Activation functions at work: their curves and slopes, dead ReLUs, saturated sigmoid/tanh units.

An activation's slope ``f'(x)`` is what multiplies the gradient on its way
back (``dL/dx = f'(x) dL/dy``), so where the slope is 0 (ReLU below 0) or
nearly 0 (sigmoid and tanh far from 0, "saturated") nothing flows back. This
module applies an activation to a layer's real *pre-activations* (the
output of the convolution or linear layer feeding it) and counts, over many
images, the ReLU units that are never active ("dead") and the values where a
sigmoid or tanh would be saturated. Slopes come from the modules' own
``derivative`` (``cnncore.nn.ReLU().derivative``, ...).
"""
from dataclasses import dataclass

import numpy as np

from .. import functional as F
from .. import nn
from .activations import capture

__all__ = ["ACTIVATION_KINDS", "LEAKY_SLOPE", "SATURATION", "activation_module", "activation_curves",
           "ActivationOnMap", "apply_activation", "preactivation_layers", "UnitStats", "unit_statistics"]

ACTIVATION_KINDS = ("relu", "leaky_relu", "sigmoid", "tanh")
LEAKY_SLOPE = 0.1       # PyTorch's default is 0.01; 0.1 is visible on a plot
SATURATION = 0.01       # a sigmoid/tanh unit is "saturated" where its derivative is below this

_MODULES = {"relu": lambda: nn.ReLU(), "leaky_relu": lambda: nn.LeakyReLU(LEAKY_SLOPE),
            "sigmoid": lambda: nn.Sigmoid(), "tanh": lambda: nn.Tanh()}
_PRODUCERS = ("Conv2d", "Linear", "BatchNorm2d", "BatchNorm1d")   # layers whose output feeds an activation


def activation_module(kind):
    """The ``cnncore.nn`` activation for ``kind`` (one of :data:`ACTIVATION_KINDS`;
    ``"leaky_relu"`` has slope :data:`LEAKY_SLOPE`)."""
    if kind not in _MODULES:
        raise ValueError(f"unknown activation {kind!r}; choose one of {', '.join(ACTIVATION_KINDS)}")
    return _MODULES[kind]()


def activation_curves(kind, low=-6.0, high=6.0, n=241):
    """``(x, f(x), f'(x))`` on ``n`` points from ``low`` to ``high``, from the module and its ``derivative``.

    Shape:
        - each: ``(n,)``
    """
    x = np.linspace(low, high, n)
    module = activation_module(kind)
    return x, module(x), module.derivative(x)


@dataclass
class ActivationOnMap:
    """An activation applied to one map of pre-activations.

    Attributes:
        pre: the pre-activations ``x``; post: ``f(x)``; slope: ``f'(x)`` (all the same shape).
    """
    pre: np.ndarray
    post: np.ndarray
    slope: np.ndarray

    @property
    def values(self):
        """How many values the map has."""
        return int(self.pre.size)

    @property
    def negative_fraction(self):
        """The fraction of pre-activations ``x <= 0`` (where a ReLU outputs 0)."""
        return float((self.pre <= 0).mean())

    @property
    def flat_fraction(self):
        """The fraction of values where the slope is below :data:`SATURATION` (nearly no gradient passes)."""
        return float((self.slope < SATURATION).mean())

    @property
    def low(self):
        """The smallest pre-activation."""
        return float(self.pre.min())

    @property
    def high(self):
        """The largest pre-activation."""
        return float(self.pre.max())


def apply_activation(kind, pre):
    """The activation ``kind`` applied to the pre-activations ``pre``: its values and its slope.

    Shape:
        - pre: any, e.g. ``(H, W)``; the result's ``post`` and ``slope``: the same
    """
    module = activation_module(kind)
    pre = np.asarray(pre)
    return ActivationOnMap(pre, module(pre), module.derivative(pre))


def preactivation_layers(model, activations):
    """``[(pre_name, act_name)]``: each ReLU-like layer and the layer feeding it.

    The layer feeding it is the previous captured output of the same shape
    made by a Conv2d, Linear or BatchNorm (in capture order); its output is
    the ReLU's input, the *pre-activation*.

    Args:
        model: the network.
        activations: ``{name: output}`` in capture order, from :func:`~.activations.capture`.
    """
    modules = dict(model.named_modules())
    names = list(activations)
    pairs = []
    for k, name in enumerate(names):
        module = modules.get(name)
        if type(module).__name__ not in ("ReLU", "LeakyReLU", "Sigmoid", "Tanh") or k == 0:
            continue
        prev = names[k - 1]
        if (type(modules.get(prev)).__name__ in _PRODUCERS
                and np.shape(activations[prev]) == np.shape(activations[name])):
            pairs.append((prev, name))
    return pairs


@dataclass
class UnitStats:
    """How the units of one layer behaved over a set of images.

    Attributes:
        layer: the name of the layer producing the pre-activations (``"0"``).
        activation: the name of the ReLU after it (``"1"``).
        type, shape: the producing layer's class and output shape (one image).
        units: units in the layer (every channel at every position).
        dead: units never active (ReLU output 0) on any image.
        channels, dead_channels: feature maps, and those never active anywhere.
        saturated_sigmoid: fraction of pre-activation values ``x`` with
            ``sigmoid'(x) < SATURATION`` (``|x|`` above about 4.6).
        saturated_tanh: likewise ``tanh'(x) < SATURATION`` (``|x|`` above about 3).
        images: how many images were used.
    """
    layer: str
    activation: str
    type: str
    shape: tuple
    units: int
    dead: int
    channels: int
    dead_channels: int
    saturated_sigmoid: float
    saturated_tanh: float
    images: int

    @property
    def dead_fraction(self):
        return self.dead / self.units


def unit_statistics(model, images, batch=250):
    """Dead ReLUs and saturated sigmoid/tanh values of ``model`` over ``images``, one row a layer.

    Runs :func:`~.activations.capture` on batches of ``batch`` images (in
    eval mode); a unit is dead if its ReLU output is 0 for every image.

    Shape:
        - images: ``(N, C, H, W)``, e.g. ``(N, 1, 28, 28)``
    """
    model.eval()
    modules = dict(model.named_modules())
    active, sat_sig, sat_tanh, pairs, shapes = {}, {}, {}, None, {}
    count = 0
    for start in range(0, len(images), batch):
        _, acts = capture(model, images[start:start + batch])
        if pairs is None:
            pairs = preactivation_layers(model, acts)
        for pre, act in pairs:
            on = (acts[act] > 0).any(axis=0)                             # (N, ...) -> (...)
            active[pre] = on | active.get(pre, False)
            x = acts[pre]
            sat_sig[pre] = sat_sig.get(pre, 0) + int((F.sigmoid_grad(x) < SATURATION).sum())
            sat_tanh[pre] = sat_tanh.get(pre, 0) + int((F.tanh_grad(x) < SATURATION).sum())
            shapes[pre] = x.shape[1:]
        count += len(images[start:start + batch])
    rows = []
    for pre, act in pairs or []:
        on = active[pre]
        values = count * on.size
        per_channel = on.reshape(on.shape[0], -1).any(axis=1) if on.ndim > 1 else on   # (C, H, W) -> (C,)
        rows.append(UnitStats(pre, act, type(modules[pre]).__name__, tuple(shapes[pre]), int(on.size),
                              int((~on).sum()), int(per_channel.size), int((~per_channel).sum()),
                              sat_sig[pre] / values, sat_tanh[pre] / values, count))
    return rows

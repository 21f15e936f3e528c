"""What the "Inside the network" view shows, computed once per model and once per input.

No plotting here, and no maths of its own: the numbers come from
``cnncore.inspect`` (``capture`` for every layer's output, ``receptive_fields``
and ``input_window`` for the windows, ``explain_unit`` for one unit's
arithmetic, ``effective_receptive_field`` for the gradient overlay). This
module only decides *which* layers to draw and keeps the results together.

* :func:`network_layers` lists the layers worth a picture: every module that
  produces an output, except plain containers (``Sequential``) and
  ``Flatten`` (the same numbers as the layer before, in one row).
* :class:`Snapshot` is one forward pass: the activations of those layers.
* :func:`dependency_box` answers "which units of an earlier layer can change
  this unit?": those whose own input window lies inside this unit's window.
"""
from dataclasses import dataclass

import numpy as np

from cnncore.inspect import capture, input_window

__all__ = ["INPUT_SHAPE", "LayerInfo", "Snapshot", "network_layers", "dependency_box", "conv_layers",
           "layer_kind_key", "normalise_input"]

INPUT_SHAPE = (1, 1, 28, 28)
_SKIP = {"Sequential", "Flatten", "ModuleList", "Identity", "Dropout", "Dropout2d"}


@dataclass(frozen=True)
class LayerInfo:
    """One drawable layer.

    Attributes:
        name: module name as in ``cnncore.inspect.capture`` (``'0'``, ``'layer1.0.conv1'``).
        type: the module's class name (``'Conv2d'``).
        shape: its output for one image, ``(C, H, W)`` for a feature map, ``(n,)`` for a vector.
        index: position in the list (0 = the first layer after the input).
    """

    name: str
    type: str
    shape: tuple
    index: int

    @property
    def is_map(self):
        """True for a feature map ``(C, H, W)``, False for a vector of ``n`` units."""
        return len(self.shape) == 3

    @property
    def channels(self):
        """Channels of a feature map, units of a vector."""
        return self.shape[0]

    @property
    def hw(self):
        """``(H, W)`` of a feature map; ``(1, 1)`` for a vector."""
        return tuple(self.shape[1:]) if self.is_map else (1, 1)


def layer_kind_key(type_name):
    """The i18n key naming a layer type (``'Conv2d'`` -> ``'inside_kind_conv'``)."""
    for word, key in (("Conv", "conv"), ("MaxPool", "max_pool"), ("AvgPool", "avg_pool"),
                      ("BatchNorm", "batch_norm"), ("Linear", "linear"), ("Block", "block"),
                      ("Bottleneck", "block"), ("ReLU", "relu"), ("Tanh", "tanh"), ("Sigmoid", "sigmoid")):
        if word in type_name:
            return f"inside_kind_{key}"
    return ""


def normalise_input(x):
    """Any 28x28 image (``(28, 28)``, ``(1, 28, 28)`` or ``(1, 1, 28, 28)``; 0-1 or 0-255) -> ``(1, 1, 28, 28)`` float32.

    Raises:
        ValueError: not 784 pixels, or not finite.
    """
    a = np.asarray(x, dtype=np.float32)
    if a.size != 28 * 28:
        raise ValueError(f"the input must be a 28 x 28 image, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError("the input image contains NaN or infinite values")
    if a.max(initial=0) > 1.0:
        a = a / 255.0
    return a.reshape(INPUT_SHAPE)                                  # (28, 28) -> (1, 1, 28, 28)


def network_layers(model, input_shape=INPUT_SHAPE):
    """The layers to draw, in the order they run, with their output shapes.

    Runs the model once on zeros (``capture``) to learn the shapes.

    Returns:
        A list of :class:`LayerInfo`.
    """

    _, activations = capture(model, np.zeros(input_shape, np.float32))
    modules = dict(model.named_modules())
    layers = []
    for name, value in activations.items():
        module = modules.get(name)
        if module is None or type(module).__name__ in _SKIP or np.ndim(value) not in (2, 4):
            continue
        layers.append(LayerInfo(name, type(module).__name__, tuple(np.shape(value)[1:]), len(layers)))
    return layers


def conv_layers(model):
    """``[(name, weight)]`` of every ``Conv2d``, weights ``(C_out, C_in/groups, kh, kw)``."""
    return [(name, np.asarray(m.weight.data)) for name, m in model.named_modules()
            if type(m).__name__ == "Conv2d"]


class Snapshot:
    """One forward pass of ``model`` on ``x``: every drawn layer's output for that image.

    Attributes:
        x: the input, ``(1, 1, 28, 28)`` (a digit) or ``(1, 3, 32, 32)`` (a photo model's picture).
        output: the model's logits ``(1, classes)``.
        activations: ``{layer name: (C, H, W) or (n,)}`` for the layers of ``layers``.
    """

    def __init__(self, model, x, layers):

        x = np.asarray(x, dtype=np.float32)
        # a colour picture (1, 3, H, W) is taken as it is; a digit in any form is made (1, 1, 28, 28)
        self.x = x if x.ndim == 4 and x.shape[1] != 1 else normalise_input(x)
        output, captured = capture(model, self.x)
        self.output = np.asarray(output)
        self.activations = {info.name: np.asarray(captured[info.name])[0] for info in layers}  # drop N

    def value(self, info, channel, i=0, j=0):
        """The captured activation of one unit."""
        a = self.activations[info.name]
        return float(a[channel, i, j] if info.is_map else a[channel])

    def value_range(self, info):
        """``(min, max)`` over every unit of the layer."""
        a = self.activations[info.name]
        return float(a.min()), float(a.max())


def _unclipped_window(rows, name, i, j):
    return input_window(rows, name, i, j, (1, 1), clip=False)


def dependency_box(rows, target, i, j, earlier):
    """The units of layer ``earlier`` that unit ``(i, j)`` of ``target`` depends on.

    A unit of ``earlier`` counts when its own input window (from
    ``cnncore.inspect.input_window``, unclipped) lies inside the target's
    window; in a chain of convolutions and pooling these are exactly the
    units the target reads, directly or through the layers in between.

    Args:
        rows: ``cnncore.inspect.receptive_fields(model, input_shape)``.
        target, earlier: :class:`LayerInfo`; ``earlier`` runs before ``target``.

    Returns:
        ``(top, left, bottom, right)`` in ``earlier``'s units (bottom/right
        exclusive), the whole map if ``target`` sees everything, or ``None``
        if ``earlier`` is not a feature map or no unit qualifies.
    """
    if not earlier.is_map:
        return None
    h, w = earlier.hw
    if not target.is_map:
        return 0, 0, h, w
    t_top, t_left, t_bottom, t_right = _unclipped_window(rows, target.name, i, j)
    inside_rows = [u for u in range(h) if _within(_unclipped_window(rows, earlier.name, u, 0)[0::2], t_top, t_bottom)]
    inside_cols = [v for v in range(w) if _within(_unclipped_window(rows, earlier.name, 0, v)[1::2], t_left, t_right)]
    if not inside_rows or not inside_cols:
        return None
    return inside_rows[0], inside_cols[0], inside_rows[-1] + 1, inside_cols[-1] + 1


def _within(span, low, high):
    return low <= span[0] and span[1] <= high

"""Modules that hold or reshape others: Sequential, Identity, Flatten."""
from collections import OrderedDict

from .module import Module

__all__ = ['Sequential', 'Identity', 'Flatten']


class Sequential(Module):
    """Layers applied one after another; children are named ``0``, ``1``, ...

    The backward pass runs the children's ``backward`` in reverse order:
    the chain rule, one layer at a time.

    Shape:
        - Input: what the first layer takes
        - Output: what the last layer gives (see :meth:`output_shape`)
    """

    def __init__(self, *layers):
        super().__init__()
        if len(layers) == 1 and isinstance(layers[0], OrderedDict):
            for name, layer in layers[0].items():
                setattr(self, name, layer)
        else:
            for i, layer in enumerate(layers):
                setattr(self, str(i), layer)

    def forward(self, x):
        for layer in self._modules.values():
            x = layer(x)
        return x

    def backward(self, grad_out):
        for layer in reversed(self._modules.values()):
            grad_out = layer.backward(grad_out)
        return grad_out

    def output_shape(self, input_shape):
        for layer in self._modules.values():
            input_shape = layer.output_shape(input_shape)
        return tuple(input_shape)

    def append(self, layer):
        setattr(self, str(len(self._modules)), layer)
        return self

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __getitem__(self, index):
        layers = list(self._modules.values())
        if isinstance(index, slice):
            return Sequential(*layers[index])
        return layers[index]


class Identity(Module):
    """Returns its input unchanged (the "solid" shortcut of a residual block).

    Shape:
        - Input: any
        - Output: same as the input
    """

    def forward(self, x):
        return x

    def backward(self, grad_out):
        return grad_out


class Flatten(Module):
    """Flattens dimensions ``start_dim..end_dim`` into one.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C*H*W)`` with the defaults
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        self._in_shape = x.shape
        end = self.end_dim % x.ndim
        shape = x.shape[:self.start_dim] + (-1,) + x.shape[end + 1:]
        return x.reshape(shape)  # (N, C, H, W) -> (N, C*H*W)

    def backward(self, grad_out):
        return grad_out.reshape(self._in_shape)  # (N, C*H*W) -> (N, C, H, W)

    def output_shape(self, input_shape):
        shape = tuple(input_shape)
        end = self.end_dim % len(shape)
        flat = 1
        for n in shape[self.start_dim:end + 1]:
            flat *= n
        return shape[:self.start_dim] + (flat,) + shape[end + 1:]

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"

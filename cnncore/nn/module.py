"""The shape every layer has: ``forward``, ``backward``, parameters.

Like ConvNetJS, each layer is one object that remembers what its forward
pass needs for its backward pass; like PyTorch, layers nest, and their
parameters are named by where they sit (``features.0.weight``), so a
``state_dict`` loads into the same ``torch.nn`` model unchanged.
"""
from collections import OrderedDict

import numpy as np

from ..errors import StateDictError

__all__ = ['Parameter', 'Module']


class Parameter:
    """A trainable array and the gradient of the loss with respect to it.

    ``data`` holds the values; ``grad`` is ``None`` until a backward pass
    fills it, and backward passes *add* to it (as in PyTorch), so call the
    optimizer's ``zero_grad()`` between steps.
    """

    __slots__ = ("data", "grad")

    def __init__(self, data):
        self.data = np.asarray(data)
        self.grad = None

    @property
    def shape(self):
        return self.data.shape

    @property
    def size(self):
        return self.data.size

    def accumulate(self, grad):
        """Add ``grad`` to ``self.grad`` (the backward pass of every layer ends here)."""
        grad = np.asarray(grad, dtype=self.data.dtype).reshape(self.data.shape)
        self.grad = grad.copy() if self.grad is None else self.grad + grad

    def __repr__(self):
        return f"Parameter(shape={self.data.shape}, dtype={self.data.dtype})"


class Module:
    """Base class of every layer and network.

    Subclasses implement ``forward(x)`` and ``backward(grad_out)``. Assigning
    a :class:`Parameter` or a :class:`Module` as an attribute registers it,
    as in PyTorch; ``register_buffer`` registers a non-trainable array
    (BatchNorm's running statistics).
    """

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "training", True)

    def __setattr__(self, name, value):
        own = self.__dict__
        if "_parameters" not in own:
            raise AttributeError(f"call Module.__init__() before assigning {name!r}")
        if (not isinstance(value, (Parameter, Module)) and name not in own["_parameters"]
                and name not in own["_modules"] and name not in own["_buffers"]):
            # A plain attribute (what forward keeps for backward, several per layer
            # and step): nothing to register or unregister.
            object.__setattr__(self, name, value)
            return
        if name in self._buffers and not isinstance(value, (Parameter, Module)):
            object.__setattr__(self, name, np.asarray(value))  # still a buffer
            return
        for table in (self._parameters, self._buffers, self._modules):
            table.pop(name, None)
        if isinstance(value, Parameter):
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._modules[name] = value
        object.__setattr__(self, name, value)

    def register_buffer(self, name, array):
        """Register an array that is saved in the state_dict but not trained."""
        setattr(self, name, np.asarray(array))
        self._buffers[name] = None  # the value lives in the attribute; this records the name

    # -- the layer contract ------------------------------------------------
    def forward(self, x):
        raise NotImplementedError(f"{type(self).__name__}.forward")

    def backward(self, grad_out):
        """Gradient of the loss w.r.t. the input of the last ``forward``.

        Also adds the gradients of this layer's parameters to their ``.grad``.
        """
        raise NotImplementedError(f"{type(self).__name__}.backward")

    def __call__(self, x):
        return self.forward(x)

    def output_shape(self, input_shape):
        """The output shape for an input of ``input_shape``, without computing anything.

        The default suits element-wise layers (activations, dropout); layers
        that change the shape override it. The cost ledger relies on it.
        """
        if self._modules:
            raise NotImplementedError(f"{type(self).__name__}.output_shape")
        return tuple(input_shape)

    # -- tree walking ------------------------------------------------------
    def named_children(self):
        return iter(self._modules.items())

    def children(self):
        return iter(self._modules.values())

    def named_modules(self, prefix=""):
        """Yield ``(name, module)`` for this module and all below it, depth first."""
        yield prefix, self
        for name, child in self._modules.items():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def modules(self):
        return (m for _, m in self.named_modules())

    def named_parameters(self, prefix=""):
        for module_name, module in self.named_modules(prefix):
            for name, p in module._parameters.items():
                yield (f"{module_name}.{name}" if module_name else name), p

    def parameters(self):
        return (p for _, p in self.named_parameters())

    def named_buffers(self, prefix=""):
        for module_name, module in self.named_modules(prefix):
            for name in module._buffers:
                yield (f"{module_name}.{name}" if module_name else name), getattr(module, name)

    # -- modes and dtypes --------------------------------------------------
    def train(self, mode=True):
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        return self.train(False)

    def zero_grad(self):
        for p in self.parameters():
            p.grad = None

    def to(self, dtype):
        """Cast every parameter and floating-point buffer to ``dtype`` (in place)."""
        dtype = np.dtype(dtype)
        for m in self.modules():
            for p in m._parameters.values():
                p.data = p.data.astype(dtype)
                p.grad = None if p.grad is None else p.grad.astype(dtype)
            for name in m._buffers:
                value = getattr(m, name)
                if np.issubdtype(value.dtype, np.floating):
                    object.__setattr__(m, name, value.astype(dtype))
        return self

    def double(self):
        return self.to(np.float64)

    def float(self):
        return self.to(np.float32)

    # -- state -------------------------------------------------------------
    def state_dict(self):
        """Every parameter and buffer by its PyTorch key, as array copies."""
        state = OrderedDict()
        for module_name, module in self.named_modules():
            dot = f"{module_name}." if module_name else ""
            for name, p in module._parameters.items():
                state[dot + name] = p.data.copy()
            for name in module._buffers:
                state[dot + name] = np.array(getattr(module, name), copy=True)
        return state

    def load_state_dict(self, state_dict, strict=True):
        """Copy arrays into this model's parameters and buffers.

        Raises:
            StateDictError: with ``strict``, a missing or unexpected key; and
                always, an array whose shape does not match.
        """
        own = {}
        for module_name, module in self.named_modules():
            dot = f"{module_name}." if module_name else ""
            for name in module._parameters:
                own[dot + name] = (module, name, True)
            for name in module._buffers:
                own[dot + name] = (module, name, False)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        if strict and (missing or unexpected):
            raise StateDictError(
                f"state_dict does not match {type(self).__name__}: "
                f"missing keys {missing}, unexpected keys {unexpected}")
        for key, (module, name, is_param) in own.items():
            if key not in state_dict:
                continue
            value = np.asarray(state_dict[key])
            current = module._parameters[name].data if is_param else getattr(module, name)
            if value.shape != current.shape:
                raise StateDictError(
                    f"{key}: shape {tuple(value.shape)} in the state_dict, "
                    f"{tuple(current.shape)} in the model")
            value = value.astype(current.dtype, copy=True)
            if is_param:
                module._parameters[name].data = value
            else:
                object.__setattr__(module, name, value)
        return missing, unexpected

    # -- printing ----------------------------------------------------------
    def extra_repr(self):
        return ""

    def __repr__(self):
        lines = [f"({name}): " + repr(m).replace("\n", "\n  ") for name, m in self._modules.items()]
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not lines:
            return head + ")"
        return head + "\n  " + "\n  ".join(lines) + "\n)"

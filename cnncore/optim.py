"""Optimizers and learning-rate schedules, as ``torch.optim``.

An optimizer holds the model's parameters and, after each backward pass,
moves every parameter a little against its gradient::

    optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)
    for x, y in batches:
        optimizer.zero_grad()
        loss = criterion(model(x), y)
        model.backward(criterion.backward())
        optimizer.step()

The update equations, and the order of their operations, are PyTorch's
(``torch/optim/sgd.py`` and ``adam.py``, single-tensor path), so the same
gradients give the same weights. There are no parameter groups: one
``lr`` (and one set of hyperparameters) for all parameters; ``lr`` may be
changed between steps (by the user or by a scheduler).
"""
import math

import numpy as np

from .errors import StateDictError
from .nn.module import Parameter

__all__ = ['Optimizer', 'SGD', 'Adam', 'LRScheduler', 'StepLR', 'CosineAnnealingLR']


class Optimizer:
    """Base class: the parameters, their per-parameter state, ``zero_grad`` and ``state_dict``.

    Args:
        params: an iterable of :class:`~cnncore.nn.Parameter`, e.g.
            ``model.parameters()``.
        lr: the learning rate (step size), ``>= 0``.

    Attributes:
        params: the list of parameters, in the order given.
        state: one dict per parameter (momentum buffers, Adam's moments);
            empty until that parameter's first step.
        lr: the learning rate; set it between steps to change it.
        initial_lr: the ``lr`` a scheduler started from (set by the scheduler).
    """

    _hyper = ()  # names of the hyperparameters besides lr, saved in the state_dict

    def __init__(self, params, lr):
        name = type(self).__name__
        if isinstance(params, (Parameter, np.ndarray)):
            raise TypeError(f"{name}: params should be an iterable of Parameters (e.g. "
                            f"model.parameters()), got a single {type(params).__name__}")
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{name}: optimizer got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Parameter):
                raise TypeError(f"{name}: can only optimize Parameters, got {type(p).__name__} at position {i}")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{name}: a parameter appears more than once in the parameter list")
        self.lr = lr
        self.initial_lr = None
        self.state = [{} for _ in self.params]

    @property
    def lr(self):
        """The learning rate used by the next ``step()``."""
        return self._lr

    @lr.setter
    def lr(self, value):
        value = float(value)
        if not value >= 0.0:  # also refuses NaN
            raise ValueError(f"{type(self).__name__}: Invalid learning rate: {value} (must be >= 0)")
        self._lr = value

    def zero_grad(self, set_to_none=True):
        """Forget the gradients of the last backward pass (they accumulate otherwise).

        ``set_to_none=True`` (PyTorch's default) sets each ``grad`` to
        ``None``; ``False`` fills the arrays with zeros instead.
        """
        for p in self.params:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad = np.zeros_like(p.grad)

    def step(self):
        """Update every parameter that has a gradient (those whose ``grad`` is None are skipped)."""
        for i, p in enumerate(self.params):
            if p.grad is not None:
                p.data = self._update(p.data, np.asarray(p.grad, dtype=p.data.dtype), self.state[i])

    def _update(self, param, grad, state):
        """The new value of one parameter; subclasses implement it and may fill ``state``."""
        raise NotImplementedError(f"{type(self).__name__}._update")

    # -- state -------------------------------------------------------------
    def hyperparameters(self):
        """``lr`` and the other settings, as a dict of plain numbers."""
        h = {"lr": self.lr}
        h.update({k: getattr(self, k) for k in self._hyper})
        if self.initial_lr is not None:
            h["initial_lr"] = self.initial_lr
        return h

    def state_dict(self):
        """The optimizer's state in PyTorch's layout, with NumPy arrays for tensors.

        ``{'state': {index: {name: array}}, 'param_groups': [{'lr': ..., ..., 'params': [0, 1, ...]}]}``;
        only arrays, numbers and tuples (no pickled objects). Parameters that
        never took a step have no entry in ``state``.
        """
        state = {i: {k: np.array(v, copy=True) for k, v in s.items()}
                 for i, s in enumerate(self.state) if s}
        group = self.hyperparameters()
        group["params"] = list(range(len(self.params)))
        return {"state": state, "param_groups": [group]}

    def load_state_dict(self, state_dict):
        """Restore what :meth:`state_dict` returned (hyperparameters included, as PyTorch does).

        Raises:
            StateDictError: a different number of parameters, or a buffer
                whose shape does not match its parameter.
        """
        name = type(self).__name__
        groups = state_dict["param_groups"]
        if len(groups) != 1 or len(groups[0]["params"]) != len(self.params):
            counts = [len(g["params"]) for g in groups]
            raise StateDictError(f"{name}: the state_dict holds {sum(counts)} parameters (groups of "
                                 f"sizes {counts}), this optimizer has {len(self.params)} parameters")
        order = list(groups[0]["params"])
        new_state = [{} for _ in self.params]
        for key, entries in state_dict["state"].items():
            i = order.index(int(key))
            p = self.params[i]
            for k, v in entries.items():
                v = np.array(v, copy=True)
                if k != "step" and v.shape != p.shape:
                    raise StateDictError(f"{name}: state {k!r} of parameter {i} has shape {v.shape}, "
                                         f"the parameter has shape {p.shape}")
                new_state[i][k] = v.astype(p.data.dtype) if k != "step" else v
        group = groups[0]
        for k in self._hyper:
            if k in group:
                setattr(self, k, tuple(group[k]) if isinstance(group[k], list) else group[k])
        self.lr = group["lr"]
        self.initial_lr = group.get("initial_lr", self.initial_lr)
        self.state = new_state

    def __repr__(self):
        lines = [f"    {k}: {v}" for k, v in sorted(self.hyperparameters().items())]
        return f"{type(self).__name__} (\nParameter Group 0\n" + "\n".join(lines) + "\n)"


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, as ``torch.optim.SGD``.

    For each parameter ``w`` with gradient ``g``, per step:

    1. weight decay (L2): ``g = g + weight_decay * w``
    2. momentum: ``b = g`` on the first step, afterwards
       ``b = momentum * b + (1 - dampening) * g``;
       then ``g = g + momentum * b`` (Nesterov) or ``g = b``
    3. ``w = w - lr * g``

    Args:
        params: iterable of Parameters. lr: learning rate (default 1e-3).
        momentum: factor ``>= 0``; 0 is plain gradient descent.
        dampening: how much of the new gradient *not* to add to the buffer.
        weight_decay: L2 penalty ``>= 0``.
        nesterov: look-ahead momentum; needs ``momentum > 0`` and ``dampening = 0``.

    State:
        ``momentum_buffer`` per parameter (with ``momentum > 0``).
    """

    _hyper = ("momentum", "dampening", "weight_decay", "nesterov")

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False):
        if lr < 0.0:
            raise ValueError(f"SGD: Invalid learning rate: {lr} (must be >= 0)")
        if momentum < 0.0:
            raise ValueError(f"SGD: Invalid momentum value: {momentum} (must be >= 0)")
        if weight_decay < 0.0:
            raise ValueError(f"SGD: Invalid weight_decay value: {weight_decay} (must be >= 0)")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(f"SGD: Nesterov momentum requires a momentum and zero dampening, "
                             f"got momentum={momentum}, dampening={dampening}")
        super().__init__(params, lr)
        self.momentum, self.dampening = momentum, dampening
        self.weight_decay, self.nesterov = weight_decay, bool(nesterov)

    def _update(self, w, g, state):
        if self.weight_decay != 0:
            g = g + self.weight_decay * w
        if self.momentum != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = g.copy()                              # first step: no dampening
            else:
                buf = buf * self.momentum + (1 - self.dampening) * g
            state["momentum_buffer"] = buf
            g = g + self.momentum * buf if self.nesterov else buf
        return w + (-self.lr) * g


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam``: momentum plus a per-weight step size.

    For each parameter ``w`` with gradient ``g``, at step ``t = 1, 2, ...``:

    1. weight decay (L2, added to the gradient): ``g = g + weight_decay * w``
    2. first moment (mean of gradients): ``m = beta1 m + (1 - beta1) g``
    3. second moment (mean of squares): ``v = beta2 v + (1 - beta2) g^2``
    4. bias correction (``m`` and ``v`` start at 0):
       ``m_hat = m / (1 - beta1^t)``, ``v_hat = v / (1 - beta2^t)``
    5. ``w = w - lr * m_hat / (sqrt(v_hat) + eps)``

    Step 5 is computed as PyTorch does, with ``eps`` added after dividing
    ``sqrt(v)`` by ``sqrt(1 - beta2^t)``:
    ``w = w - (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)``.

    Args:
        params: iterable of Parameters. lr: learning rate (default 1e-3).
        betas: ``(beta1, beta2)``, each in ``[0, 1)``.
        eps: added to the denominator, ``>= 0``.
        weight_decay: L2 penalty ``>= 0``.

    State:
        ``step``, ``exp_avg`` (``m``) and ``exp_avg_sq`` (``v``) per parameter.
    """

    _hyper = ("betas", "eps", "weight_decay")

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        if lr < 0.0:
            raise ValueError(f"Adam: Invalid learning rate: {lr} (must be >= 0)")
        if eps < 0.0:
            raise ValueError(f"Adam: Invalid epsilon value: {eps} (must be >= 0)")
        for i, beta in enumerate(betas):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"Adam: Invalid beta parameter at index {i}: {beta} (must be in [0, 1))")
        if weight_decay < 0.0:
            raise ValueError(f"Adam: Invalid weight_decay value: {weight_decay} (must be >= 0)")
        super().__init__(params, lr)
        self.betas, self.eps, self.weight_decay = tuple(betas), eps, weight_decay

    def _update(self, w, g, state):
        beta1, beta2 = self.betas
        if not state:
            state.update(step=np.array(0.0), exp_avg=np.zeros_like(w), exp_avg_sq=np.zeros_like(w))
        state["step"] = step = state["step"] + 1
        t = float(step)
        if self.weight_decay != 0:
            g = g + self.weight_decay * w
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m = m + (1 - beta1) * (g - m)                       # = beta1 m + (1 - beta1) g
        v = v * beta2 + (1 - beta2) * (g * g)
        state["exp_avg"], state["exp_avg_sq"] = m, v
        step_size = self.lr / (1 - beta1 ** t)
        denom = np.sqrt(v) / (1 - beta2 ** t) ** 0.5 + self.eps
        return w + (-step_size) * (m / denom)


class LRScheduler:
    """Base class of learning-rate schedules, as ``torch.optim.lr_scheduler.LRScheduler``.

    Creating a scheduler records ``optimizer.initial_lr`` (the base rate)
    and takes step 0; each ``step()`` (call it after ``optimizer.step()``,
    usually once per epoch) sets ``optimizer.lr`` for the next steps.
    Like PyTorch's, the schedules below are *chainable*: they scale the
    optimizer's current ``lr``, so a rate changed by hand between steps
    is carried on from.

    Attributes:
        last_epoch: how many times ``step()`` was called since step 0.
        base_lr: the optimizer's ``lr`` when the scheduler was created.
    """

    def __init__(self, optimizer):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: {type(optimizer).__name__} is not an Optimizer")
        self.optimizer = optimizer
        if optimizer.initial_lr is None:
            optimizer.initial_lr = optimizer.lr
        self.base_lr = optimizer.initial_lr
        self.last_epoch = -1
        self._step_count = 0
        self._initial = True
        self.step()
        self._initial = False

    def get_lr(self):
        """The learning rate for the new ``last_epoch`` (subclasses implement it)."""
        raise NotImplementedError(f"{type(self).__name__}.get_lr")

    def step(self):
        """Advance the schedule by one and set the optimizer's ``lr``."""
        self._step_count += 1
        self.last_epoch += 1
        self.optimizer.lr = self.get_lr()
        self._last_lr = [self.optimizer.lr]

    def get_last_lr(self):
        """``[lr]``: the rate set by the last ``step()`` (a list, as PyTorch's one per group)."""
        return list(self._last_lr)

    def state_dict(self):
        """Everything but the optimizer, as plain numbers."""
        return {k: (list(v) if isinstance(v, list) else v)
                for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict):
        self.__dict__.update(state_dict)


class StepLR(LRScheduler):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs, as ``torch.optim.lr_scheduler.StepLR``.

    ``lr = base_lr * gamma ** (epoch // step_size)`` (when nothing else changes ``lr``).

    Args:
        optimizer: the optimizer whose ``lr`` is set.
        step_size: epochs between decays, ``>= 1``.
        gamma: the factor. Default: 0.1.
    """

    def __init__(self, optimizer, step_size, gamma=0.1):
        if int(step_size) != step_size or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive integer, got {step_size}")
        self.step_size, self.gamma = int(step_size), gamma
        super().__init__(optimizer)

    def get_lr(self):
        lr = self.optimizer.lr
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return lr
        return lr * self.gamma


class CosineAnnealingLR(LRScheduler):
    """Cosine decay from the base rate to ``eta_min`` over ``T_max`` epochs, as PyTorch's.

    Closed form: ``lr = eta_min + (base_lr - eta_min) (1 + cos(pi epoch / T_max)) / 2``.
    Like PyTorch it is applied as a ratio to the current ``lr`` each step
    (the same numbers unless ``lr`` is changed by hand), and after
    ``T_max`` epochs it rises again along the same cosine.

    Args:
        optimizer: the optimizer whose ``lr`` is set.
        T_max: epochs from the base rate to ``eta_min``, ``>= 1``.
        eta_min: the lowest rate. Default: 0.
    """

    def __init__(self, optimizer, T_max, eta_min=0.0):
        if T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be at least 1, got {T_max}")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer)

    def get_lr(self):
        lr, epoch, t_max, eta_min = self.optimizer.lr, self.last_epoch, self.T_max, self.eta_min
        if self._initial:
            return lr
        if (epoch - 1 - t_max) % (2 * t_max) == 0:      # at the bottom: start climbing back
            return lr + (self.base_lr - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
        return ((1 + math.cos(math.pi * epoch / t_max))
                / (1 + math.cos(math.pi * (epoch - 1) / t_max))
                * (lr - eta_min) + eta_min)

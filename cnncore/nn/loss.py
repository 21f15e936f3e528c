"""Loss layers: the last step of a forward pass and the first of a backward pass.

Unlike other layers, a loss takes two arguments, the network's output and
the target::

    loss = criterion(logits, labels)    # a number
    grad = criterion.backward()         # dL/dlogits, the start of model.backward(grad)

Arguments are keyword-only (``CrossEntropyLoss(reduction='sum')``): PyTorch's
first positional argument is a class ``weight``, which is not supported.
"""
from .. import functional as F
from ..functional.loss import REDUCTIONS
from .module import Module

__all__ = ['CrossEntropyLoss', 'NLLLoss', 'MSELoss']


class _Loss(Module):
    """Shared code: ``reduction``, two-argument call, ``backward(grad=1.0)``."""

    _backward = None  # the functional backward matching the forward

    def __init__(self, *, reduction="mean"):
        super().__init__()
        if reduction not in REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of "
                             f"{', '.join(map(repr, REDUCTIONS))}, got {reduction!r}")
        self.reduction = reduction
        self._cache = None

    def __call__(self, input, target):
        return self.forward(input, target)

    def backward(self, grad=1.0):
        """``dL/dinput`` for the last ``forward``; ``grad`` is ``dLoss_total/dloss`` (1 for the loss itself)."""
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}: backward() called before forward()")
        return type(self)._backward(grad, self._cache)

    def output_shape(self, input_shape):
        return () if self.reduction != "none" else tuple(input_shape[:1])

    def extra_repr(self):
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class CrossEntropyLoss(_Loss):
    """Softmax and negative log-likelihood in one stable step, as ``torch.nn.CrossEntropyLoss``.

    ``loss_n = -log softmax(z_n)[t_n]``: small when the correct class gets
    most of the probability. Its gradient is simply
    ``softmax(z) - onehot(t)`` (divided by ``N`` for ``'mean'``).

    Args:
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``.
        label_smoothing: in ``[0, 1]``; the target becomes
            ``(1 - e) onehot + e / C``.

    Shape:
        - Input: ``(N, C)`` logits (not probabilities)
        - Target: ``(N,)`` integer class indices in ``0 .. C-1``
        - Output: scalar, or ``(N,)`` with ``reduction='none'``
    """

    _backward = staticmethod(F.cross_entropy_backward)

    def __init__(self, *, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction=reduction)
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"CrossEntropyLoss: label_smoothing must be between 0.0 and 1.0, "
                             f"got {label_smoothing}")
        self.label_smoothing = float(label_smoothing)

    def forward(self, input, target):
        loss, self._cache = F.cross_entropy_forward(input, target, self.reduction, self.label_smoothing,
                                                    layer="CrossEntropyLoss")
        return loss

    def extra_repr(self):
        parts = [super().extra_repr()]
        if self.label_smoothing:
            parts.append(f"label_smoothing={self.label_smoothing}")
        return ", ".join(p for p in parts if p)


class NLLLoss(_Loss):
    """Negative log-likelihood, as ``torch.nn.NLLLoss``: ``loss_n = -input[n, t_n]``.

    Give it log-probabilities (``LogSoftmax(dim=1)`` output);
    ``LogSoftmax`` + ``NLLLoss`` equals ``CrossEntropyLoss``.

    Shape:
        - Input: ``(N, C)`` log-probabilities
        - Target: ``(N,)`` integer class indices
        - Output: scalar, or ``(N,)`` with ``reduction='none'``
    """

    _backward = staticmethod(F.nll_loss_backward)

    def forward(self, input, target):
        loss, self._cache = F.nll_loss_forward(input, target, self.reduction, layer="NLLLoss")
        return loss


class MSELoss(_Loss):
    """Mean squared error, as ``torch.nn.MSELoss``: the average of ``(input - target)^2``.

    Shape:
        - Input: any
        - Target: same as the input
        - Output: scalar, or the input's shape with ``reduction='none'``
    """

    _backward = staticmethod(F.mse_loss_backward)

    def forward(self, input, target):
        loss, self._cache = F.mse_loss_forward(input, target, self.reduction, layer="MSELoss")
        return loss

    def output_shape(self, input_shape):
        return () if self.reduction != "none" else tuple(input_shape)

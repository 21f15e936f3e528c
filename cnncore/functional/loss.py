"""Loss functions, each beside its gradient.

A loss turns the network's output and the right answer into one number to
make smaller. Its backward pass starts the whole chain: ``dL/d(output)``.

``reduction`` is as in PyTorch: ``'mean'`` (default) averages the
per-sample losses, ``'sum'`` adds them, ``'none'`` returns them all. It is
keyword-only, because PyTorch's functions take other arguments (``weight``,
``size_average``) in those positions.
"""
from typing import NamedTuple

import numpy as np

from ..errors import ShapeError
from .activation import log_softmax

__all__ = ['cross_entropy', 'cross_entropy_forward', 'cross_entropy_backward',
           'nll_loss', 'nll_loss_forward', 'nll_loss_backward',
           'mse_loss', 'mse_loss_forward', 'mse_loss_backward']

REDUCTIONS = ("mean", "sum", "none")


class LossCache(NamedTuple):
    """What a loss's forward pass keeps for its backward pass."""
    layer: str           # the name used in error messages
    shape: tuple         # the input's shape
    dtype: np.dtype      # the input's dtype
    reduction: str
    count: int           # how many losses 'mean' divides by
    saved: tuple         # loss-specific arrays


# -- cross-entropy ----------------------------------------------------------

def cross_entropy_forward(input, target, reduction="mean", label_smoothing=0.0, layer="cross_entropy"):
    """Cross-entropy of class scores against class indices; returns ``(loss, cache)``.

    Per sample ``n`` with correct class ``t_n``:
    ``loss_n = -log softmax(z_n)[t_n] = -z_{n,t_n} + log sum_c exp(z_{n,c})``.
    With label smoothing ``e``, the target is the distribution
    ``q = (1 - e) onehot(t_n) + e / C`` and ``loss_n = -sum_c q_c log softmax(z_n)_c``.
    """
    x, t = _check_class_target(input, target, layer)
    _check_reduction(reduction, layer)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{layer}: label_smoothing must be between 0.0 and 1.0, got {label_smoothing}")
    n, c = x.shape
    logp = log_softmax(x, dim=1)                                   # (N, C)
    per_sample = -logp[np.arange(n), t]                            # (N,)
    if label_smoothing:
        per_sample = (1 - label_smoothing) * per_sample - label_smoothing * logp.mean(axis=1)
    cache = LossCache(layer, x.shape, x.dtype, reduction, n, (np.exp(logp), t, label_smoothing))
    return _reduce(per_sample, reduction), cache


def cross_entropy_backward(grad_out, cache):
    """``dL/dz = (softmax(z) - q) * grad_out``, divided by ``N`` for ``'mean'``.

    ``q`` is the one-hot target (smoothed if ``label_smoothing > 0``): the
    gradient pushes the correct class's score up and every other down, in
    proportion to how much probability each one got.

    Shape:
        - grad_out: scalar (``'mean'``, ``'sum'``) or ``(N,)`` (``'none'``)
        - Output: ``(N, C)``
    """
    p, t, smoothing = cache.saved
    n, c = cache.shape
    if smoothing:
        q = np.full(cache.shape, smoothing / c, dtype=cache.dtype)    # (N, C)
        q[np.arange(n), t] += 1 - smoothing
        grad = p - q
    else:                       # q is one-hot: subtract 1 at each target, nothing elsewhere
        grad = p.copy()                                           # (N, C)
        grad[np.arange(n), t] -= 1
    if cache.reduction == "none":
        return grad * _per_sample_grad(grad_out, cache)[:, None]
    grad *= _batch_grad(grad_out, cache)                           # one number for every sample
    return grad


def cross_entropy(input, target, *, reduction="mean", label_smoothing=0.0):
    """Cross-entropy loss of logits and class indices, as ``torch.nn.functional.cross_entropy``.

    It is :func:`log_softmax` followed by :func:`nll_loss`, in one stable step.

    Args:
        input: class scores (logits), not probabilities.
        target: the correct class of each sample, integers ``0 .. C-1``.
        reduction: ``'mean'`` | ``'sum'`` | ``'none'``.
        label_smoothing: in ``[0, 1]``; mixes the one-hot target with the
            uniform distribution.

    Shape:
        - input: ``(N, C)``
        - target: ``(N,)``, integer
        - Output: scalar, or ``(N,)`` with ``reduction='none'``
    """
    return cross_entropy_forward(input, target, reduction, label_smoothing)[0]


# -- negative log-likelihood ------------------------------------------------

def nll_loss_forward(input, target, reduction="mean", layer="nll_loss"):
    """Negative log-likelihood of log-probabilities; returns ``(loss, cache)``.

    ``loss_n = -input[n, t_n]``: it only picks out the log-probability of
    the right class, so ``input`` should come from :func:`log_softmax`.
    """
    x, t = _check_class_target(input, target, layer)
    _check_reduction(reduction, layer)
    per_sample = -x[np.arange(len(t)), t]                          # (N,)
    return _reduce(per_sample, reduction), LossCache(layer, x.shape, x.dtype, reduction, len(t), (t,))


def nll_loss_backward(grad_out, cache):
    """``dL/dinput = -grad_out`` at each sample's target class, 0 elsewhere (``/N`` for ``'mean'``).

    Shape:
        - Output: ``(N, C)``
    """
    (t,) = cache.saved
    grad = np.zeros(cache.shape, dtype=cache.dtype)                # (N, C)
    grad[np.arange(len(t)), t] = -_per_sample_grad(grad_out, cache)
    return grad


def nll_loss(input, target, *, reduction="mean"):
    """Negative log-likelihood loss, as ``torch.nn.functional.nll_loss``.

    Shape:
        - input: ``(N, C)`` log-probabilities
        - target: ``(N,)``, integer
        - Output: scalar, or ``(N,)`` with ``reduction='none'``
    """
    return nll_loss_forward(input, target, reduction)[0]


# -- mean squared error -----------------------------------------------------

def mse_loss_forward(input, target, reduction="mean", layer="mse_loss"):
    """Squared error ``(input - target)^2`` per element, reduced; returns ``(loss, cache)``."""
    x, y = np.asarray(input), np.asarray(target)
    if x.shape != y.shape:
        raise ShapeError(f"{layer}: input shape {tuple(x.shape)} and target shape "
                         f"{tuple(y.shape)} must be equal")
    _check_reduction(reduction, layer)
    diff = x - y.astype(x.dtype, copy=False)
    return _reduce(diff * diff, reduction), LossCache(layer, x.shape, x.dtype, reduction, max(x.size, 1), (diff,))


def mse_loss_backward(grad_out, cache):
    """``dL/dinput = 2 (input - target) * grad_out``, divided by the element count for ``'mean'``.

    Shape:
        - Output: the input's shape
    """
    (diff,) = cache.saved
    if cache.reduction == "none":
        return 2 * diff * np.asarray(grad_out, dtype=cache.dtype)
    scale = np.asarray(grad_out, dtype=cache.dtype) * 2
    if cache.reduction == "mean":
        scale = scale / cache.count
    return diff * scale


def mse_loss(input, target, *, reduction="mean"):
    """Mean squared error, as ``torch.nn.functional.mse_loss``.

    Shape:
        - input: any
        - target: same as the input
        - Output: scalar, or the input's shape with ``reduction='none'``
    """
    return mse_loss_forward(input, target, reduction)[0]


# -- helpers ----------------------------------------------------------------

def _check_reduction(reduction, layer):
    if reduction not in REDUCTIONS:
        raise ValueError(f"{layer}: reduction must be one of {', '.join(map(repr, REDUCTIONS))}, "
                         f"got {reduction!r}")


def _check_class_target(input, target, layer):
    """``(scores, labels)`` as arrays; ShapeError naming the numbers if they do not fit together."""
    x, t = np.asarray(input), np.asarray(target)
    if x.ndim != 2:
        raise ShapeError(f"{layer}: expected class scores of shape (N, C), got shape {tuple(x.shape)}")
    n, c = x.shape
    if not np.issubdtype(t.dtype, np.integer):
        raise ShapeError(f"{layer}: target must hold integer class indices 0..{c - 1}, got dtype "
                         f"{t.dtype} (class probabilities as targets are not supported)")
    if t.shape != (n,):
        raise ShapeError(f"{layer}: expected target of shape (N,) = ({n},), one class index per "
                         f"sample, got shape {tuple(t.shape)}")
    bad = (t < 0) | (t >= c)
    if bad.any():
        i = int(np.argmax(bad))
        raise ShapeError(f"{layer}: label {int(t[i])} (sample {i}) is out of range for {c} classes "
                         f"(labels must be 0..{c - 1})")
    return x, t.astype(np.intp, copy=False)


def _reduce(per_sample, reduction):
    if reduction == "mean":
        return per_sample.mean()
    if reduction == "sum":
        return per_sample.sum()
    return per_sample


def _per_sample_grad(grad_out, cache):
    """The upstream gradient of each sample's loss, shape ``(N,)``."""
    g = np.asarray(grad_out, dtype=cache.dtype)
    if cache.reduction == "none":
        if g.shape not in ((), (cache.count,)):
            raise ShapeError(f"{cache.layer} backward: with reduction='none' expected a gradient of shape "
                             f"({cache.count},), got {tuple(g.shape)}")
        return np.broadcast_to(g, (cache.count,))
    return np.broadcast_to(_batch_grad(g, cache), (cache.count,))


def _batch_grad(grad_out, cache):
    """``'mean'``/``'sum'``: the upstream gradient of every sample's loss, one number."""
    g = np.asarray(grad_out, dtype=cache.dtype)
    if g.size != 1:
        raise ShapeError(f"{cache.layer} backward: expected a scalar gradient, got shape {tuple(g.shape)}")
    g = g.reshape(())
    return g / cache.count if cache.reduction == "mean" else g

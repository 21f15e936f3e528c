"""Batch normalization (Ioffe & Szegedy, 2015), beside its backward pass.

Forward, for every channel ``c`` (statistics over the batch and, for images,
every position — all axes except the channel axis 1):

.. math::
    \\mu_c = \\frac{1}{N}\\sum x,\\qquad
    \\sigma_c^2 = \\frac{1}{N}\\sum (x-\\mu_c)^2,\\qquad
    \\hat x = \\frac{x-\\mu_c}{\\sqrt{\\sigma_c^2+\\epsilon}},\\qquad
    y = \\gamma_c \\hat x + \\beta_c

where ``N`` is the number of values per channel (``batch * H * W``).

In training mode the batch's own statistics are used and the running
statistics move towards them:
``running = (1 - momentum) * running + momentum * batch_statistic``, where
the running *variance* uses the unbiased batch variance ``sigma^2 * N/(N-1)``
(as PyTorch does) while the normalization itself uses the biased one. In
evaluation mode the running statistics are used instead, so the layer is a
fixed per-channel ``y = a x + b``.

Backward, with ``g = dL/dy`` and sums over all axes but the channels:

* ``dL/dgamma = sum(g * xhat)``, ``dL/dbeta = sum(g)``;
* training mode (the mean and variance depend on every input, so every
  input's gradient depends on every other's)::

      dL/dx = (1/N) * gamma * invstd * (N*g - sum(g) - xhat * sum(g * xhat))

* evaluation mode (the statistics are constants): ``dL/dx = g * gamma * invstd``.
"""
from typing import NamedTuple

import numpy as np

from ..errors import ShapeError

__all__ = ['BatchNormCache', 'check_batch_norm_input', 'batch_norm_forward', 'batch_norm_backward', 'batch_norm']


class BatchNormCache(NamedTuple):
    """What the forward pass keeps for the backward pass (and shows the playground)."""
    xhat: np.ndarray            # (N, C, ...) the normalized input
    invstd: np.ndarray          # (C,) 1 / sqrt(var + eps) of the statistics used
    weight: np.ndarray          # (C,) gamma, or None
    used_batch_stats: bool      # True: training-mode backward (statistics depend on x)
    batch_mean: np.ndarray      # (C,) mean of this batch
    batch_var: np.ndarray       # (C,) biased variance of this batch


def _channel_axes(x):
    """Every axis except the channel axis 1: ``(0, 2, 3)`` for images."""
    return (0,) + tuple(range(2, x.ndim))


def _per_channel(v, ndim):
    """``(C,) -> (1, C, 1, 1)`` (for 4-D), so it broadcasts along the channel axis."""
    return v.reshape((1, -1) + (1,) * (ndim - 2))


def check_batch_norm_input(x_shape, num_features, training, layer="batch_norm", ndims=(2, 3, 4)):
    """Raise :class:`ShapeError` for an input batch normalization cannot handle.

    Checks the rank, the channel count, and that in training mode every
    channel has more than one value (the variance of one value is zero, and
    the normalized output would be all zeros).
    """
    shape = tuple(x_shape)
    if len(shape) not in ndims:
        wanted = " or ".join(f"{d}-D" for d in ndims)
        layouts = {2: "(N, C)", 3: "(N, C, L)", 4: "(N, C, H, W)"}
        forms = " or ".join(layouts[d] for d in ndims)
        raise ShapeError(f"{layer}: expected a {wanted} input {forms}, got a {len(shape)}-D input "
                         f"of shape {shape}")
    if shape[1] != num_features:
        raise ShapeError(f"{layer}: expected {num_features} channels, got {shape[1]} "
                         f"(input shape {shape})")
    per_channel = int(np.prod(shape)) // max(shape[1], 1)
    if training and per_channel <= 1:
        raise ShapeError(f"{layer}: expected more than 1 value per channel when training, got input "
                         f"shape {shape} ({per_channel} value per channel): the batch variance "
                         f"would be 0; use a batch of 2 or more, or call eval()")


def batch_norm_forward(x, running_mean, running_var, weight=None, bias=None, training=False,
                       momentum=0.1, eps=1e-5, layer="batch_norm"):
    """Batch normalization forward pass that also returns what backward needs.

    ``running_mean`` and ``running_var`` are updated *in place* in training
    mode (as in PyTorch). Pass ``None`` for both to always use the batch's
    statistics (``track_running_stats=False``). ``momentum`` is the weight
    of the new batch in the running average.

    Returns ``(y, cache)``; pass ``cache`` to :func:`batch_norm_backward`.

    Shape:
        - x: ``(N, C)``, ``(N, C, L)`` or ``(N, C, H, W)``
        - running_mean, running_var, weight, bias: ``(C,)``
        - Output: same as ``x``
    """
    x = np.asarray(x)
    c = next((len(v) for v in (running_mean, weight) if v is not None), x.shape[1] if x.ndim > 1 else 0)
    use_batch = training or running_mean is None or running_var is None
    check_batch_norm_input(x.shape, c, use_batch, layer)
    axes, nd = _channel_axes(x), x.ndim
    count = x.size // c                                       # values per channel
    batch_mean = x.mean(axis=axes)                            # (C,)
    centred = x - _per_channel(batch_mean, nd)
    batch_var = (centred * centred).mean(axis=axes)           # (C,) biased
    if use_batch:
        invstd = 1.0 / np.sqrt(batch_var + eps)
        xhat = centred * _per_channel(invstd, nd)
        if training and running_mean is not None and running_var is not None:
            if momentum is None:
                raise ValueError(f"{layer}: momentum=None (a cumulative average) needs the number of "
                                 f"batches so far; BatchNorm1d/BatchNorm2d keep it (num_batches_tracked)")
            unbiased = batch_var * (count / (count - 1))
            running_mean[...] = (1 - momentum) * running_mean + momentum * batch_mean
            running_var[...] = (1 - momentum) * running_var + momentum * unbiased
    else:
        invstd = (1.0 / np.sqrt(running_var + eps)).astype(x.dtype)
        xhat = (x - _per_channel(running_mean.astype(x.dtype), nd)) * _per_channel(invstd, nd)
    y = xhat
    if weight is not None:
        y = y * _per_channel(weight, nd)
    if bias is not None:
        y = y + _per_channel(bias, nd)
    return y, BatchNormCache(xhat, invstd, weight, use_batch, batch_mean, batch_var)


def batch_norm_backward(grad_out, cache):
    """Gradients of batch normalization: ``(dx, dweight, dbias)``.

    ``dweight = sum(g * xhat)`` and ``dbias = sum(g)`` are returned even
    when the layer has no ``weight``/``bias`` (``affine=False``); the caller
    ignores them then.

    Shape:
        - grad_out: same as the input ``x``
        - dx: same as ``x``; dweight, dbias: ``(C,)``
    """
    xhat, invstd, weight, used_batch, _, _ = cache
    axes, nd = _channel_axes(grad_out), grad_out.ndim
    dbias = grad_out.sum(axis=axes)                            # sum(g)
    dweight = (grad_out * xhat).sum(axis=axes)                 # sum(g * xhat)
    scale = invstd if weight is None else weight * invstd      # gamma / sqrt(var + eps), (C,)
    if used_batch:
        count = grad_out.size // grad_out.shape[1]
        dx = (_per_channel(scale / count, nd)
              * (count * grad_out - _per_channel(dbias, nd) - xhat * _per_channel(dweight, nd)))
    else:
        dx = grad_out * _per_channel(scale, nd)
    return dx, dweight, dbias


def batch_norm(x, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Batch normalization, with the signature of ``torch.nn.functional.batch_norm``.

    In training mode normalizes with the batch statistics and updates
    ``running_mean``/``running_var`` in place; otherwise uses them.

    Shape:
        - x: ``(N, C)``, ``(N, C, L)`` or ``(N, C, H, W)``
        - Output: same as ``x``
    """
    return batch_norm_forward(x, running_mean, running_var, weight, bias, training, momentum, eps)[0]

"""Batch normalization layers: thin wrappers over :mod:`cnncore.functional.normalization`.

Each channel is shifted and scaled to mean 0 and variance 1 over the batch,
then given a learnable scale ``weight`` (gamma) and shift ``bias`` (beta).
In training mode the statistics come from the batch and a running average
of them is kept; :meth:`~cnncore.nn.Module.eval` switches to the running
average, so a single image is classified the same way whatever else is in
its batch.
"""
import numpy as np

from .. import functional as F
from ..functional.normalization import check_batch_norm_input
from .init import is_meta
from .module import Module, Parameter

__all__ = ['BatchNorm1d', 'BatchNorm2d']


def _filled(shape, value, dtype):
    """An array of ``value``; under :func:`~cnncore.nn.init.meta`, a memory-free placeholder."""
    if is_meta():
        return np.broadcast_to(np.asarray(value, dtype), shape)
    return np.full(shape, value, dtype)


class _BatchNorm(Module):
    """Shared by :class:`BatchNorm1d` and :class:`BatchNorm2d` (they differ only in input rank)."""

    _ndims = ()

    def __init__(self, num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True,
                 dtype=np.float32):
        super().__init__()
        self.num_features, self.eps, self.momentum = int(num_features), float(eps), momentum
        self.affine, self.track_running_stats = bool(affine), bool(track_running_stats)
        c = self.num_features
        self.weight = Parameter(_filled((c,), 1, dtype)) if affine else None
        self.bias = Parameter(_filled((c,), 0, dtype)) if affine else None
        if track_running_stats:
            self.register_buffer("running_mean", _filled((c,), 0, dtype))
            self.register_buffer("running_var", _filled((c,), 1, dtype))
            self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None
        #: Per-channel mean and (biased) variance of the last input batch, ``(C,)``,
        #: computed in both modes (in eval mode they are shown, not used).
        self.batch_mean = self.batch_var = None
        #: The last input after normalization, before ``weight`` and ``bias``
        #: (``xhat``, same shape as the input).
        self.normalized = None

    def _check(self, shape, training):
        check_batch_norm_input(shape, self.num_features, training, type(self).__name__, self._ndims)

    def forward(self, x):
        use_batch = self.training or not self.track_running_stats
        self._check(x.shape, use_batch)
        momentum = self.momentum
        if self.training and self.track_running_stats:
            self.num_batches_tracked = self.num_batches_tracked + 1
            if momentum is None:  # cumulative moving average: every batch weighs the same
                momentum = 1.0 / float(self.num_batches_tracked)
        track = self.track_running_stats
        y, self._cache = F.batch_norm_forward(
            x, self.running_mean if track else None, self.running_var if track else None,
            None if self.weight is None else self.weight.data,
            None if self.bias is None else self.bias.data,
            self.training, momentum, self.eps, type(self).__name__)
        self.batch_mean, self.batch_var = self._cache.batch_mean, self._cache.batch_var
        self.normalized = self._cache.xhat
        return y

    def backward(self, grad_out):
        dx, dweight, dbias = F.batch_norm_backward(grad_out, self._cache)
        if self.weight is not None:
            self.weight.accumulate(dweight)
            self.bias.accumulate(dbias)
        return dx

    def output_shape(self, input_shape):
        self._check(tuple(input_shape), False)
        return tuple(input_shape)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"track_running_stats={self.track_running_stats}")


class BatchNorm2d(_BatchNorm):
    """Batch normalization over an ``(N, C, H, W)`` batch, as ``torch.nn.BatchNorm2d``.

    Each channel is normalized with the mean and variance of all its
    ``N*H*W`` values, then scaled and shifted:
    ``y = (x - mean) / sqrt(var + eps) * weight + bias``.

    Args:
        num_features: the number of channels ``C``.
        eps: added to the variance, so a constant channel does not divide by zero.
        momentum: weight of the new batch in the running averages; ``None``
            for a cumulative average of all batches so far.
        affine: learn ``weight`` and ``bias`` (otherwise ``y = xhat``).
        track_running_stats: keep running averages and use them in eval
            mode; if false, the batch statistics are always used.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H, W)`` (same shape)

    Attributes:
        weight, bias: ``(C,)`` gamma (initially 1) and beta (initially 0).
        running_mean, running_var: ``(C,)`` buffers; the running variance
            averages the *unbiased* batch variances.
        num_batches_tracked: 0-d int64 buffer, batches seen in training mode.
        batch_mean, batch_var: ``(C,)`` statistics of the last batch (biased variance).
        normalized: the last input normalized, before ``weight`` and ``bias``.
    """

    _ndims = (4,)


class BatchNorm1d(_BatchNorm):
    """Batch normalization over ``(N, C)`` features or ``(N, C, L)`` sequences, as ``torch.nn.BatchNorm1d``.

    The same as :class:`BatchNorm2d` with statistics over ``N`` (or ``N*L``)
    values per channel; used after ``Linear`` layers and 1-D convolutions.

    Shape:
        - Input: ``(N, C)`` or ``(N, C, L)``
        - Output: same shape as the input

    Attributes:
        weight, bias, running_mean, running_var, num_batches_tracked,
        batch_mean, batch_var, normalized: as in :class:`BatchNorm2d`.
    """

    _ndims = (2, 3)

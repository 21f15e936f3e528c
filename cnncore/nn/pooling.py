"""Pooling layers: no weights, one number per window and channel.

Each layer remembers what its last forward pass chose, for the
playground's "which input won" view: ``MaxPool2d.last_argmax()``,
``MinPool2d.last_argmin()``, ``StochasticPool2d.last_sample()`` and
``last_probabilities()``, ``AvgPool2d.last_divisor()``,
``LPPool2d.last_shares()`` and ``AdaptiveAvgPool2d.bins(input_shape)``.
Every layer has ``output_shape(input_shape)`` (shape arithmetic only).

``MaxPool1d``, ``AvgPool1d`` and ``AdaptiveAvgPool1d`` are their 2-D twins
with ``dims = 1``: the same layer, run by the 1-D functional ops (the 2-D
ops on the input viewed as ``(N, C, 1, L)``).
"""
import numpy as np

from .. import functional as F
from ..functional.pooling import check_pool_args
from ..functional.signal1d import as_signal
from .module import Module

__all__ = ['MaxPool1d', 'MaxPool2d', 'AvgPool1d', 'AvgPool2d', 'LPPool2d', 'MinPool2d', 'StochasticPool2d',
           'AdaptiveAvgPool1d', 'AdaptiveAvgPool2d']


class _PoolNd(Module):
    """Shared bookkeeping: the cache of the last forward pass and the output shape.

    ``dims``: the number of spatial axes (1: ``(N, C, L)``, 2: ``(N, C, H, W)``),
    and the functional ops of that dimensionality.
    """

    dims = 2
    _geometry_op = staticmethod(F.pool2d_geometry)
    _padding, _dilation, _ceil_mode = 0, 1, False

    def _last(self):
        cache = getattr(self, "_cache", None)
        if cache is None:
            raise RuntimeError(f"{type(self).__name__}: no forward pass yet")
        return cache

    def _geometry(self, input_shape):
        """The checked geometry for this input shape, worked out once and reused
        while the input shape and the layer's settings stay the same."""
        key = (tuple(input_shape), self.kernel_size, self.stride, self._padding, self._dilation,
               self._ceil_mode, type(self).__name__)
        if getattr(self, "_geometry_key", None) != key:
            self._geometry_value = self._geometry_op(*key)      # raises ShapeError if it does not fit
            self._geometry_key = key
        return self._geometry_value

    def output_shape(self, input_shape):
        return (*tuple(input_shape)[:2], *self._geometry(input_shape).out_hw[-self.dims:])

    def backward(self, grad_out):
        return self._backward_op(grad_out, self._last())

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self._padding}"


class _MaxPoolNd(_PoolNd):
    """Max pooling of any dimensionality, as PyTorch's ``_MaxPoolNd``."""

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        super().__init__()
        self.kernel_size, self.padding, self.dilation = kernel_size, padding, dilation
        self.stride = kernel_size if stride is None else stride
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)
        self._padding, self._dilation, self._ceil_mode = padding, dilation, self.ceil_mode
        check_pool_args(kernel_size, self.stride, padding, dilation, type(self).__name__, self.dims)

    def forward(self, x):
        out, self._cache = self._forward_op(x, self.kernel_size, self.stride, self.padding, self.dilation,
                                            self.ceil_mode, geometry=self._geometry(x.shape))
        return (out, self.last_argmax()) if self.return_indices else out

    def last_argmax(self):
        """Where each maximum of the last forward pass came from.

        Flat indices ``row * W + col`` into each input plane, shape
        ``(N, C, H_out, W_out)``: PyTorch's ``return_indices`` format (what
        ``MaxUnpool2d`` takes). In 1-D: indices into ``L``, shape ``(N, C, L_out)``.
        """
        cache = self._last()
        index = F.window_flat_index(cache.k_index, cache.geometry)
        return index if self.dims == 2 else as_signal(index)    # row 0: the flat index is the column

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
                f"dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """1-D max pooling, as ``torch.nn.MaxPool1d``: the largest value of each window.

    Arguments as :class:`MaxPool2d`, ints (or 1-tuples). Computed by
    :func:`cnncore.functional.max_pool2d` with a ``(1, k)`` window.

    Shape:
        - Input: ``(N, C, L)``
        - Output: ``(N, C, L_out)`` with ``L_out = floor((L + 2p - d(k-1) - 1) / s) + 1``
          (``ceil`` with ``ceil_mode``)
    """

    dims = 1
    _geometry_op = staticmethod(F.pool1d_geometry)
    _forward_op = staticmethod(F.max_pool1d_forward)
    _backward_op = staticmethod(F.max_pool1d_backward)


class MaxPool2d(_MaxPoolNd):
    """2-D max pooling, as ``torch.nn.MaxPool2d``: the largest value of each window.

    Args:
        kernel_size: int or ``(kH, kW)``.
        stride: int or pair; default ``kernel_size`` (windows side by side).
        padding: implicit ``-inf`` padding on both sides, at most half the kernel.
        dilation: gaps between the window's taps.
        return_indices: ``forward`` returns ``(out, indices)`` as in PyTorch.
        ceil_mode: round the output size up instead of down.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H_out, W_out)`` with
          ``H_out = floor((H + 2p - d(kH-1) - 1) / s) + 1`` (likewise ``W_out``)
    """

    _forward_op = staticmethod(F.max_pool2d_forward)
    _backward_op = staticmethod(F.max_pool2d_backward)


class MinPool2d(_PoolNd):
    """2-D min pooling: the smallest value of each window, ``-MaxPool2d(-x)``.

    PyTorch has no such layer; it is here to show that pooling is just a
    choice of summary. Arguments as :class:`MaxPool2d` (padding acts as
    ``+inf``).

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H_out, W_out)`` with ``H_out = floor((H + 2p - kH) / s) + 1``
    """

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        self._padding = padding
        check_pool_args(kernel_size, self.stride, padding, 1, "MinPool2d")

    def forward(self, x):
        out, self._cache = F.min_pool2d_forward(x, self.kernel_size, self.stride, self.padding)
        return out

    _backward_op = staticmethod(F.min_pool2d_backward)

    def last_argmin(self):
        """Where each minimum of the last forward pass came from (format of :meth:`MaxPool2d.last_argmax`)."""
        cache = self._last()
        return F.window_flat_index(cache.k_index, cache.geometry)


class _AvgPoolNd(_PoolNd):
    """Average pooling of any dimensionality: the arguments PyTorch's ``AvgPool1d`` and ``AvgPool2d`` share."""

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
        super().__init__()
        self.kernel_size, self.padding = kernel_size, padding
        self.stride = kernel_size if stride is None else stride
        self.ceil_mode, self.count_include_pad = bool(ceil_mode), bool(count_include_pad)
        self._padding, self._ceil_mode = padding, self.ceil_mode
        check_pool_args(kernel_size, self.stride, padding, 1, type(self).__name__, self.dims)

    def last_divisor(self):
        """What each window's sum was divided by in the last forward pass.

        Shape ``(H_out, W_out)``; ``(1, L_out)`` for a 1-D layer.
        """
        return self._last().divisor


class AvgPool1d(_AvgPoolNd):
    """1-D average pooling, as ``torch.nn.AvgPool1d``.

    Arguments as :class:`AvgPool2d`, ints (or 1-tuples). Computed by
    :func:`cnncore.functional.avg_pool2d` with a ``(1, k)`` window.

    Shape:
        - Input: ``(N, C, L)``
        - Output: ``(N, C, L_out)`` with ``L_out = floor((L + 2p - k) / s) + 1``
    """

    dims = 1
    _geometry_op = staticmethod(F.pool1d_geometry)
    _backward_op = staticmethod(F.avg_pool1d_backward)

    def forward(self, x):
        out, self._cache = F.avg_pool1d_forward(x, self.kernel_size, self.stride, self.padding,
                                                self.ceil_mode, self.count_include_pad,
                                                geometry=self._geometry(x.shape))
        return out


class AvgPool2d(_AvgPoolNd):
    """2-D average pooling, as ``torch.nn.AvgPool2d``.

    Args:
        kernel_size, stride, padding, ceil_mode: as :class:`MaxPool2d` (zero padding).
        count_include_pad: divide by the whole window including padding
            (default), or only by the input pixels it covers.
        divisor_override: divide every window's sum by this number instead.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H_out, W_out)`` with ``H_out = floor((H + 2p - kH) / s) + 1``
    """

    _backward_op = staticmethod(F.avg_pool2d_backward)

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None):
        super().__init__(kernel_size, stride, padding, ceil_mode, count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, x):
        out, self._cache = F.avg_pool2d_forward(x, self.kernel_size, self.stride, self.padding,
                                                self.ceil_mode, self.count_include_pad,
                                                self.divisor_override, geometry=self._geometry(x.shape))
        return out


class LPPool2d(_PoolNd):
    """2-D power-average pooling ``(sum x^p)^(1/p)``, as ``torch.nn.LPPool2d``.

    ``norm_type=1`` sums the window, ``2`` takes its Euclidean norm, large
    values approach max pooling. No padding.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H_out, W_out)`` with ``H_out = floor((H - kH) / s) + 1``
    """

    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type, self.kernel_size = norm_type, kernel_size
        self.stride = kernel_size if stride is None else stride
        self.ceil_mode = self._ceil_mode = bool(ceil_mode)
        check_pool_args(kernel_size, self.stride, 0, 1, "LPPool2d")

    def forward(self, x):
        out, self._cache = F.lp_pool2d_forward(x, self.norm_type, self.kernel_size, self.stride,
                                               self.ceil_mode)
        return out

    _backward_op = staticmethod(F.lp_pool2d_backward)

    def last_shares(self):
        """How much each window element counted in the last forward pass.

        ``x_i^(p-1) * out^(1-p)`` (the derivative of the output by that
        element), shape ``(N, C, H_out, W_out, kH, kW)``: for ``p = 2``
        each element's share is ``x_i / out``.
        """
        return F.lp_pool2d_shares(self._last())

    def extra_repr(self):
        return f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, stride={self.stride}"


class StochasticPool2d(_PoolNd):
    """Stochastic pooling (Zeiler & Fergus, 2013): a random element of each window.

    In training mode each window outputs one of its activations ``a_i``,
    drawn with probability ``a_i / sum_j a_j`` (bigger activations win more
    often, but not always: a regulariser). In evaluation mode it outputs
    the expected value ``sum a_i^2 / sum a_i``. Inputs should be
    non-negative (put it after a ReLU); negative values count as 0.

    Args:
        kernel_size, stride: as :class:`MaxPool2d` (no padding).
        seed: seed of this layer's own random generator; ``None`` uses the
            engine's generator (:func:`cnncore.manual_seed`).

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, H_out, W_out)`` with ``H_out = floor((H - kH) / s) + 1``
    """

    def __init__(self, kernel_size, stride=None, seed=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.seed = seed
        self._generator = None if seed is None else np.random.default_rng(seed)
        check_pool_args(kernel_size, self.stride, 0, 1, "StochasticPool2d")

    def forward(self, x):
        out, self._cache = F.stochastic_pool2d_forward(x, self.kernel_size, self.stride,
                                                       self.training, self._generator)
        return out

    _backward_op = staticmethod(F.stochastic_pool2d_backward)

    def last_sample(self):
        """Which element each window drew in the last (training) forward pass.

        Flat indices ``row * W + col`` into each input plane, shape
        ``(N, C, H_out, W_out)``, as :meth:`MaxPool2d.last_argmax`; ``-1``
        for a window of zeros. ``None`` after an evaluation-mode pass (no draw).
        """
        cache = self._last()
        if not cache.training:
            return None
        flat = F.window_flat_index(np.maximum(cache.k_index, 0), cache.geometry)
        return np.where(cache.k_index >= 0, flat, -1)

    def last_probabilities(self):
        """Each window element's probability in the last forward pass, shape ``(N, C, H_out, W_out, kH, kW)``."""
        cache = self._last()
        with np.errstate(divide="ignore", invalid="ignore"):
            prob = np.where(cache.total[..., None] > 0, cache.activ / cache.total[..., None], 0)
        return prob.reshape(prob.shape[:4] + tuple(cache.geometry.kernel_size))

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, seed={self.seed}"


class _AdaptiveAvgPoolNd(Module):
    """Adaptive average pooling of any dimensionality: ``dims`` and the functional ops."""

    dims = 2
    _size_op = staticmethod(F.adaptive_output_size)
    _forward_op = staticmethod(F.adaptive_avg_pool2d_forward)
    _backward_op = staticmethod(F.adaptive_avg_pool2d_backward)

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, x):
        out, self._cache = self._forward_op(x, self.output_size, type(self).__name__)
        return out

    def backward(self, grad_out):
        return self._backward_op(grad_out, self._cache)

    def output_shape(self, input_shape):
        size = self._size_op(tuple(input_shape), self.output_size, type(self).__name__)
        return (*tuple(input_shape)[:2], *size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptiveAvgPoolNd):
    """1-D adaptive average pooling, as ``torch.nn.AdaptiveAvgPool1d``.

    Output ``i`` averages ``floor(i*L/L_out) <= j < ceil((i+1)*L/L_out)``.

    Shape:
        - Input: ``(N, C, L)``
        - Output: ``(N, C, L_out)`` with ``L_out = output_size``
    """

    dims = 1
    _size_op = staticmethod(F.adaptive_output_size1d)
    _forward_op = staticmethod(F.adaptive_avg_pool1d_forward)
    _backward_op = staticmethod(F.adaptive_avg_pool1d_backward)


class AdaptiveAvgPool2d(_AdaptiveAvgPoolNd):
    """2-D adaptive average pooling, as ``torch.nn.AdaptiveAvgPool2d``.

    You choose the output size; the windows follow: output ``i`` averages
    input rows ``floor(i*H/OH) <= r < ceil((i+1)*H/OH)`` (likewise columns).
    ``AdaptiveAvgPool2d(1)`` is global average pooling.

    Args:
        output_size: int or ``(OH, OW)``; ``None`` keeps that input size.

    Shape:
        - Input: ``(N, C, H, W)``
        - Output: ``(N, C, OH, OW)``
    """

    def bins(self, input_shape):
        """The input region each output averages: ``((row_starts, row_ends), (col_starts, col_ends))``.

        Output ``(i, j)`` averages rows ``row_starts[i] <= r < row_ends[i]`` and
        columns ``col_starts[j] <= c < col_ends[j]``.
        """
        _, _, oh, ow = self.output_shape(input_shape)
        return F.adaptive_bins(input_shape[2], oh), F.adaptive_bins(input_shape[3], ow)

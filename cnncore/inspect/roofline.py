"""The roofline: is a layer limited by arithmetic or by memory, on this machine?

A layer does ``F`` floating-point operations (FLOPs: a multiply-accumulate
is two, ``F = 2 MACs``) and moves ``Q`` bytes between memory and the
processor. Its **arithmetic intensity** is ``I = F / Q`` FLOPs per byte.
A machine computes at most ``P`` FLOP/s (its peak) and moves at most ``B``
bytes/s (its memory bandwidth), so the layer runs at most at

    attainable(I) = min(P, I * B)          the roof (Williams, Waterman & Patterson, 2009)

Below the **ridge point** ``I* = P / B`` a layer waits for memory
(memory-bound); above it, for arithmetic (compute-bound).

The bytes model (stated, and the same for every layer): a layer reads its
input once, reads its weights once and writes its output once, at the
dtype's size (4 bytes for float32): ``Q = (inputs + weights + outputs) *
itemsize``. That is the least traffic a layer can have (perfect reuse
inside the layer, none between layers); an element-wise add reads both of
its inputs, a concatenation reads every branch's output. Layers without
arithmetic (ReLU, max pooling, flatten) have ``F = 0``: pure data movement.

Why a 1x1 convolution reuses data well: it is a fully-connected layer
applied at every position with the same weights, so each weight fetched
once is used ``N H W`` times and each input value ``C_out`` times; its
intensity grows with the map size and the channels. A fully-connected
layer at batch 1 uses each weight once: ``I`` is about 0.5 FLOP/byte.

:func:`measure_machine` estimates ``P`` and ``B`` in the running Python
(CPython or Pyodide) in about a second: ``P`` from square matrix products
through :func:`cnncore.backend.matmul` (the engine's own GEMM: BLAS, or
``einsum`` in the browser), ``B`` from copying a 32 MiB array (larger than
most caches; a copy reads and writes, ``2 * 32 MiB`` per copy); each is the
median of a few short repeats.
"""
import time
from dataclasses import dataclass

import numpy as np

from .. import backend
from .summary import summary

__all__ = ["LayerTraffic", "Machine", "layer_traffic", "roofline", "measure_machine", "attainable",
           "ridge_point", "bound"]


@dataclass
class LayerTraffic:
    """One layer on the roofline."""
    name: str
    kind: str
    macs: int
    input_bytes: int
    weight_bytes: int
    output_bytes: int
    detail: str = ""

    @property
    def flops(self):
        return 2 * self.macs

    @property
    def bytes(self):
        return self.input_bytes + self.weight_bytes + self.output_bytes

    @property
    def intensity(self):
        """FLOPs per byte moved (0 for a layer without arithmetic)."""
        return self.flops / self.bytes if self.bytes else 0.0


@dataclass
class Machine:
    """What :func:`measure_machine` found.

    Attributes:
        peak_flops: FLOP/s of the fastest matrix product measured (median of its repeats).
        bandwidth: bytes/s of a large copy (read + write; median of its repeats).
        gemm_size: ``n`` of the ``n x n`` products; copy_bytes: the size of the copied array.
        matmul: ``cnncore.backend``'s formulation (``"matmul"`` or ``"einsum"``).
        seconds: how long the measurement took; repeats: timed runs of each.
    """
    peak_flops: float
    bandwidth: float
    gemm_size: int = 0
    copy_bytes: int = 0
    matmul: str = ""
    dtype: str = "float32"
    seconds: float = 0.0
    repeats: int = 0

    @property
    def ridge(self):
        return ridge_point(self.peak_flops, self.bandwidth)


def ridge_point(peak_flops, bandwidth):
    """``P / B``: the intensity (FLOPs/byte) above which a layer is compute-bound."""
    return peak_flops / bandwidth


def attainable(intensity, peak_flops, bandwidth):
    """The roof: ``min(P, I * B)`` FLOP/s for intensity ``I`` (a number or an array)."""
    return np.minimum(peak_flops, np.asarray(intensity, dtype=np.float64) * bandwidth)


def bound(intensity, machine):
    """``"compute"`` if ``intensity`` reaches the ridge point of ``machine``, else ``"memory"``."""
    return "compute" if intensity >= machine.ridge else "memory"


def _count(shape):
    return int(np.prod(shape, dtype=np.int64))


def layer_traffic(row, itemsize):
    """A ledger row (:class:`~cnncore.inspect.summary.LayerCost`) with its bytes moved."""
    inputs = _count(row.input_shape)
    if row.kind == "Add":
        inputs *= 2                                   # the block's output and its shortcut
    elif row.kind == "Concat":
        inputs = _count(row.output_shape)            # every branch's output, once
    return LayerTraffic(row.name, row.kind, int(row.macs), inputs * itemsize, int(row.params) * itemsize,
                        _count(row.output_shape) * itemsize, row.detail)


def roofline(model, input_shape, dtype=np.float32):
    """Every layer of ``model`` for inputs of ``input_shape``: MACs, bytes moved, intensity.

    Built on :func:`cnncore.inspect.summary` (shapes only: a model made in
    ``cnncore.nn.init.meta()`` works).

    Shape:
        - input_shape: ``(N, C, H, W)`` or ``(C, H, W)`` (one example)
    """
    itemsize = np.dtype(dtype).itemsize
    return [layer_traffic(row, itemsize) for row in summary(model, input_shape, dtype).rows]


def _median_time(run, repeats, deadline):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        if time.perf_counter() > deadline:
            break
    return float(np.median(times)), len(times)


def measure_machine(budget=1.0, repeats=5, dtype=np.float32, copy_bytes=32 << 20, max_gemm=1024):
    """Peak FLOP/s and memory bandwidth of this Python, measured in about ``budget`` seconds.

    The matrix size doubles from 64 while one product takes under 20 ms and
    the next would take under 1/20 of the budget (up to ``max_gemm``), so a
    slow machine (NumPy without BLAS in the browser) measures a small
    product and a fast one a large product; then the product of that size
    is timed ``repeats`` times and the copy of ``copy_bytes`` too, each
    stopping early when its share of the budget is spent. Medians, not
    means: a busy machine's slow outliers do not count.
    """
    start = time.perf_counter()
    dtype = np.dtype(dtype)
    rng = np.random.default_rng(0)
    n = 64
    while True:
        a = rng.standard_normal((n, n)).astype(dtype)
        b = rng.standard_normal((n, n)).astype(dtype)
        backend.matmul(a, b)                                # warm up (BLAS starts its threads)
        t0 = time.perf_counter()
        backend.matmul(a, b)
        took = time.perf_counter() - t0
        # twice the size takes 8 times as long: stop before one product would take 1/20 of the budget
        if took > 0.02 or 8 * took > budget * 0.05 or n >= max_gemm:
            break
        n *= 2
    gemm, runs = _median_time(lambda: backend.matmul(a, b), repeats, start + budget * 0.6)
    peak = 2.0 * n ** 3 / max(gemm, 1e-9)
    src = np.ones(copy_bytes // dtype.itemsize, dtype)
    dst = np.empty_like(src)
    np.copyto(dst, src)                                     # touch the pages before timing
    copy, copy_runs = _median_time(lambda: np.copyto(dst, src), repeats, start + budget)
    bandwidth = 2.0 * src.nbytes / max(copy, 1e-9)          # read every byte, write every byte
    return Machine(peak, bandwidth, n, int(src.nbytes), backend.get_matmul(), dtype.name,
                   time.perf_counter() - start, min(runs, copy_runs))

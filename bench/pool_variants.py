"""Max pooling: cnncore's formulation against a per-offset one (a benchmark, not a test).

    python bench/pool_variants.py
    node bench/pyodide_run.mjs bench/pool_variants.py

cnncore's ``max_pool2d_forward`` copies every window into a last axis of
length ``kh*kw`` and calls ``argmax`` on it; with 2x2 windows that axis is
only 4 long, and the per-window overhead dominates. The *offset* form
visits the ``kh*kw`` kernel offsets instead, each one a strided view of the
whole input, and works with whole-array ufuncs:

    best = maximum of view(u, v) over the offsets       (np.maximum, SIMD in CPython)
    k_index = first offset k whose view(k) == best      (np.copyto(..., where=), last to first)

and its backward adds ``where(k_index == k, grad, 0)`` onto the strided
slice of offset ``k``. Same ``k_index`` (same cache), same results.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cnncore.functional import pooling as P  # noqa: E402

from timing import IN_PYODIDE, cpu_clock, fmt_ms, machine_info, median_times  # noqa: E402


def _offset_slices(geo, u, v):
    (sh, sw), (dh, dw), (oh, ow) = geo.stride, geo.dilation, geo.out_hw
    return (slice(None), slice(None),
            slice(u * dh, u * dh + sh * (oh - 1) + 1, sh),
            slice(v * dw, v * dw + sw * (ow - 1) + 1, sw))


def max_pool2d_forward_offsets(x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    """Max over the kh*kw offset views (np.maximum), then the first position that holds it.

    This is the formulation of /work/notes/bench_maxpool_forward.patch (NaN windows aside).
    """
    geo = P.pool2d_geometry(x.shape, kernel_size, stride, padding, dilation, ceil_mode, "MaxPool2d")
    kh, kw = geo.kernel_size
    xp = P._pad(x, geo, -np.inf)
    views = [xp[_offset_slices(geo, u, v)] for u in range(kh) for v in range(kw)]
    best = views[0].copy()
    for view in views[1:]:
        np.maximum(best, view, out=best)
    k_index = np.full(best.shape, len(views) - 1, dtype=np.intp)
    for k in range(len(views) - 2, -1, -1):     # last to first: the first maximum wins
        np.copyto(k_index, k, where=views[k] == best)
    return best, P.ArgCache(geo, k_index, x.dtype)


def max_pool2d_backward_offsets(grad_out, cache):
    geo, k_index, dtype = cache
    n, c, h, w = geo.x_shape
    (kh, kw), (ph, pw), (eh, ew) = geo.kernel_size, geo.padding, geo.overhang
    g = grad_out.astype(dtype, copy=False)
    dxp = np.zeros((n, c, h + 2 * ph + eh, w + 2 * pw + ew), dtype=dtype)
    zero = np.zeros((), dtype=dtype)
    for k in range(kh * kw):
        dxp[_offset_slices(geo, *divmod(k, kw))] += np.where(k_index == k, g, zero)
    return dxp[:, :, ph:ph + h, pw:pw + w]


CASES = [  # (name, x shape, kernel, stride, padding); conv outputs are channels-first views
    ("LeNet pool1 b64", (64, 6, 28, 28), 2, 2, 0),
    ("LeNet pool2 b64", (64, 16, 10, 10), 2, 2, 0),
    ("LeNet pool1 b20", (20, 6, 28, 28), 2, 2, 0),
    ("ConvNetJS pool2 3x3 b20", (20, 16, 12, 12), 3, 3, 0),
    ("overlapping 3x3 s2 p1", (32, 32, 28, 28), 3, 2, 1),
    ("LeNet pool1 b1", (1, 6, 28, 28), 2, 2, 0),
]


def main():
    print(f"# max pooling, float32, median ms ({'Pyodide' if IN_PYODIDE else 'CPython'}; {machine_info()})")
    print("| case | cnncore fwd | offsets fwd | cnncore bwd | offsets bwd |")
    print("|---|---:|---:|---:|---:|")
    rng = np.random.default_rng(0)
    for name, (n, c, h, w), k, s, p in CASES:
        # a transposed view, as a convolution layer hands it on
        x = rng.standard_normal((c, n, h, w)).astype(np.float32).transpose(1, 0, 2, 3)
        out_ref, cache_ref = P.max_pool2d_forward(x, k, s, p)
        out, cache = max_pool2d_forward_offsets(x, k, s, p)
        g = rng.standard_normal(out.shape).astype(np.float32)
        assert np.array_equal(out, out_ref) and np.array_equal(cache.k_index, cache_ref.k_index), name
        assert np.array_equal(max_pool2d_backward_offsets(g, cache),
                              P.max_pool2d_backward(g, cache_ref)), name
        t = median_times({
            "fwd": lambda: P.max_pool2d_forward(x, k, s, p),
            "fwd_off": lambda: max_pool2d_forward_offsets(x, k, s, p),
            "bwd": lambda: P.max_pool2d_backward(g, cache_ref),
            "bwd_off": lambda: max_pool2d_backward_offsets(g, cache),
        }, repeats=7, budget=1.0, clock=cpu_clock())
        print(f"| {name} {(n, c, h, w)} k{k} s{s} p{p} | {fmt_ms(t['fwd'])} | {fmt_ms(t['fwd_off'])} "
              f"| {fmt_ms(t['bwd'])} | {fmt_ms(t['bwd_off'])} |", flush=True)


if __name__ == "__main__":
    from_cpython = not IN_PYODIDE
    if from_cpython:
        from threadpoolctl import threadpool_limits
        threadpool_limits(1)
    main()

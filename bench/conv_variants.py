"""Which way of computing a convolution is fastest here? (a benchmark, not a test)

    python bench/conv_variants.py                     # CPython (NumPy with BLAS)
    node bench/pyodide_run.mjs bench/conv_variants.py # Pyodide (NumPy without BLAS)

For stride-1, dilation-1 convolutions it times, per shape, several
formulations of the three products of a convolution layer and checks that
they agree with cnncore's:

forward  ``y[n,o,i,j] = sum_{c,u,v} w[o,c,u,v] x[n,c,i+u,j+v]``
  * ``im2col+matmul`` / ``im2col+einsum``: cnncore's conv2d_forward with
    ``backend.set_matmul('matmul')`` / ``('einsum')``; ``+einsum_blocked``:
    the same with einsum run on column blocks (bench/blocked_gemm.py);
  * ``offsets+einsum``: no im2col matrix: for each kernel offset ``(u, v)``
    add ``einsum('oc,cnhw->onhw', w[:, :, u, v], shifted view of x)``;
  * ``window-einsum``: one ``einsum('ocuv,ncuvhw->onhw')``-style call on the
    sliding-window view (no copy at all).

weight gradient ``dw[o,c,u,v] = sum_{n,i,j} g[n,o,i,j] x[n,c,i+u,j+v]``
  * ``cols+matmul`` / ``cols+einsum``: ``g @ cols^T`` with the im2col matrix kept from forward;
  * ``offsets+einsum``: per offset ``einsum('onhw,cnhw->oc', g, shifted x)``.

input gradient ``dx``
  * ``col2im+matmul`` / ``col2im+einsum``: ``w^T @ g`` then col2im (cnncore's conv2d_backward);
  * ``fullconv+matmul`` / ``fullconv+einsum``: full convolution of ``g`` with
    the 180-degree-rotated kernel (cnncore's conv2d_input_grad_full);
  * ``offsets+einsum``: per offset add ``einsum('oc,onhw->cnhw', w[:, :, u, v], g)``
    into a shifted slice of ``dx`` (col2im without the column matrix).
"""
import argparse
import os
import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from cnncore import backend  # noqa: E402
from cnncore.functional import conv as C  # noqa: E402

from timing import IN_PYODIDE, cpu_clock, fmt_ms, machine_info, median_times  # noqa: E402
import blocked_gemm  # noqa: E402

blocked_gemm.register()   # backend kind 'einsum_blocked' (benchmark-only)

SHAPES = [  # (name, x shape, out channels, kernel, padding)
    ("lenet conv1", (64, 1, 28, 28), 6, 5, 2),
    ("lenet conv2", (64, 6, 14, 14), 16, 5, 0),
    ("wide 32->32 3x3", (64, 32, 28, 28), 32, 3, 1),
    ("convnetjs conv1", (20, 1, 24, 24), 8, 5, 2),
    ("convnetjs conv2", (20, 8, 12, 12), 16, 5, 2),
    ("lenet conv1 b1", (1, 1, 28, 28), 6, 5, 2),
    ("lenet conv2 b1", (1, 6, 14, 14), 16, 5, 0),
]


# ---- alternative formulations (stride 1, dilation 1, groups 1) ----

def _padded_channels_first(x, p):
    """(N, C, H, W) -> zero-padded (C, N, H+2p, W+2p), contiguous."""
    n, c, h, w = x.shape
    xp = np.zeros((c, n, h + 2 * p, w + 2 * p), dtype=x.dtype)
    xp[:, :, p:p + h, p:p + w] = x.transpose(1, 0, 2, 3)
    return xp


def forward_offsets(x, w, p):
    """Sum over kernel offsets of a channel-mixing product on a shifted view."""
    o, c, kh, kw = w.shape
    xp = _padded_channels_first(x, p)                       # (C, N, Hp, Wp)
    oh, ow = xp.shape[2] - kh + 1, xp.shape[3] - kw + 1
    y = np.zeros((o, x.shape[0], oh, ow), dtype=x.dtype)     # (O, N, OH, OW)
    for u in range(kh):
        for v in range(kw):
            y += np.einsum("oc,cnhw->onhw", w[:, :, u, v], xp[:, :, u:u + oh, v:v + ow])
    return y.transpose(1, 0, 2, 3)


def forward_window_einsum(x, w, p):
    """One einsum over the sliding-window view: no im2col copy."""
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    win = sliding_window_view(xp, (kh, kw), axis=(2, 3))    # (N, C, OH, OW, kh, kw)
    return np.einsum("ncijuv,ocuv->noij", win, w)


def weight_grad_offsets(g, x, w_shape, p):
    o, c, kh, kw = w_shape
    xp = _padded_channels_first(x, p)
    g_cf = g.transpose(1, 0, 2, 3)                           # (O, N, OH, OW)
    oh, ow = g.shape[2:]
    dw = np.empty(w_shape, dtype=g.dtype)
    for u in range(kh):
        for v in range(kw):
            dw[:, :, u, v] = np.einsum("onhw,cnhw->oc", g_cf, xp[:, :, u:u + oh, v:v + ow])
    return dw


def input_grad_offsets(g, w, x_shape, p):
    n, c, h, wd = x_shape
    o, _, kh, kw = w.shape
    g_cf = g.transpose(1, 0, 2, 3)                           # (O, N, OH, OW)
    oh, ow = g.shape[2:]
    dxp = np.zeros((c, n, h + 2 * p, wd + 2 * p), dtype=g.dtype)
    for u in range(kh):
        for v in range(kw):
            dxp[:, :, u:u + oh, v:v + ow] += np.einsum("oc,onhw->cnhw", w[:, :, u, v], g_cf)
    return dxp[:, :, p:p + h, p:p + wd].transpose(1, 0, 2, 3)


# ---- the engine's formulations, with the backend's kind chosen per call ----

def with_kind(kind, fn):
    def run(*a):
        prev = backend.set_matmul(kind)
        try:
            return fn(*a)
        finally:
            backend.set_matmul(prev)
    return run


def engine_forward(x, w, p):
    return C.conv2d_forward(x, w, None, 1, p)[0]


def engine_weight_grad(g, cache):
    return C.conv2d_backward(g, cache, need_input_grad=False)[1]


def engine_input_grad(g, cache):
    geo, w = cache.geometry, cache.weight
    wmat = w.reshape(w.shape[0], -1)
    g_cf = g.transpose(1, 0, 2, 3).reshape(w.shape[0], -1)
    return C.col2im(backend.matmul(wmat.T, g_cf), geo)


def engine_input_grad_full(g, w, x_shape, p):
    return C.conv2d_input_grad_full(g, w, x_shape, padding=p)


def run(shapes, repeats, budget, dtype):
    rng = np.random.default_rng(0)
    print(f"# conv formulations, {dtype.__name__}, median ms per call "
          f"({'Pyodide' if IN_PYODIDE else 'CPython'}; {machine_info()})")
    print("| shape | product | " + " | ".join(["variant", "ms"]) + " |")
    best = {}
    for name, xs, o, k, p in shapes:
        x = rng.standard_normal(xs).astype(dtype)
        w = rng.standard_normal((o, xs[1], k, k)).astype(dtype)
        y_ref, cache = C.conv2d_forward(x, w, None, 1, p)
        g = rng.standard_normal(y_ref.shape).astype(dtype)
        _, dw_ref, _ = C.conv2d_backward(g, cache, need_input_grad=False)
        dx_ref = engine_input_grad(g, cache)
        groups = {
            "forward": (y_ref, {
                "im2col+matmul": lambda: with_kind("matmul", engine_forward)(x, w, p),
                "im2col+einsum": lambda: with_kind("einsum", engine_forward)(x, w, p),
                "im2col+einsum_blocked": lambda: with_kind("einsum_blocked", engine_forward)(x, w, p),
                "offsets+einsum": lambda: forward_offsets(x, w, p),
                "window-einsum": lambda: forward_window_einsum(x, w, p),
            }),
            "weight grad": (dw_ref, {
                "cols+matmul": lambda: with_kind("matmul", engine_weight_grad)(g, cache),
                "cols+einsum": lambda: with_kind("einsum", engine_weight_grad)(g, cache),
                "cols+einsum_blocked": lambda: with_kind("einsum_blocked", engine_weight_grad)(g, cache),
                "offsets+einsum": lambda: weight_grad_offsets(g, x, w.shape, p),
            }),
            "input grad": (dx_ref, {
                "col2im+matmul": lambda: with_kind("matmul", engine_input_grad)(g, cache),
                "col2im+einsum": lambda: with_kind("einsum", engine_input_grad)(g, cache),
                "col2im+einsum_blocked": lambda: with_kind("einsum_blocked", engine_input_grad)(g, cache),
                "fullconv+matmul": lambda: with_kind("matmul", engine_input_grad_full)(g, w, xs, p),
                "fullconv+einsum": lambda: with_kind("einsum", engine_input_grad_full)(g, w, xs, p),
                "offsets+einsum": lambda: input_grad_offsets(g, w, xs, p),
            }),
        }
        tol = 1e-3 if dtype == np.float32 else 1e-9
        for product, (ref, variants) in groups.items():
            for vname, fn in variants.items():
                out = fn()
                scale = np.abs(ref).max()
                if not np.allclose(out, ref, atol=tol * scale, rtol=tol):
                    raise AssertionError(f"{name} {product} {vname} disagrees with cnncore")
            # interleaved samples: load from other processes hits every variant alike
            times = median_times(variants, repeats=repeats, budget=budget, clock=cpu_clock())
            fastest = min(times, key=times.get)
            best[(name, product)] = (fastest, times)
            cells = ", ".join(f"{v} {fmt_ms(t)}" + (" *" if v == fastest else "")
                              for v, t in times.items())
            print(f"| {name} {xs}->{o}@{k}x{k} p{p} | {product} | {cells} |", flush=True)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--budget", type=float, default=0.6, help="seconds per timing (cap)")
    ap.add_argument("--float64", action="store_true")
    ap.add_argument("--only", default=None, help="substring of the shape names to run")
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (CPython)")
    ap.add_argument("--block", type=int, default=blocked_gemm.BLOCK, help="columns per einsum block")
    a = ap.parse_args(argv)
    if not IN_PYODIDE:
        from threadpoolctl import threadpool_limits
        threadpool_limits(a.threads)
    blocked_gemm.BLOCK = a.block
    shapes = [s for s in SHAPES if a.only is None or a.only in f"{s[0]} {s[1]}"]
    run(shapes, a.repeats, a.budget, np.float64 if a.float64 else np.float32)


if __name__ == "__main__":
    main()

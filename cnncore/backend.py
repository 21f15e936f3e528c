"""The one place where the engine multiplies matrices.

Every GEMM in ``cnncore`` (convolution, linear layers and their backward
passes) goes through :func:`matmul`, so the formulation can be swapped in
one place:

* ``"matmul"`` — ``a @ b``: NumPy hands the product to BLAS. Fastest on
  CPython, where NumPy links OpenBLAS.
* ``"einsum"`` — ``np.einsum('...ij,...jk->...ik', a, b)``: NumPy's own
  summation loops. NumPy in Pyodide has no BLAS, and there this is
  1.1-6x faster than ``@`` on convolution-shaped products (measured; see
  ``bench/README.md``).

The default is chosen by platform: ``einsum`` under Pyodide
(``sys.platform == "emscripten"``), ``matmul`` everywhere else.
"""
import sys

import numpy as np

IN_BROWSER = sys.platform == "emscripten"


def _matmul_blas(a, b):
    return np.matmul(a, b)


def _matmul_einsum(a, b):
    return np.einsum("...ij,...jk->...ik", a, b)


_KINDS = {"matmul": _matmul_blas, "einsum": _matmul_einsum}
_current = "einsum" if IN_BROWSER else "matmul"


def matmul(a, b):
    """Batched matrix product ``a @ b`` with the current formulation.

    Shape:
        - a: ``(..., M, K)``
        - b: ``(..., K, P)``
        - Output: ``(..., M, P)``
    """
    return _KINDS[_current](a, b)


def set_matmul(kind):
    """Choose how :func:`matmul` multiplies: ``"matmul"`` or ``"einsum"``.

    Returns the previous choice, so a benchmark can restore it.
    """
    global _current
    if kind not in _KINDS:
        raise ValueError(f"matmul kind must be one of {sorted(_KINDS)}, got {kind!r}")
    previous, _current = _current, kind
    return previous


def get_matmul():
    """The name of the current matrix-product formulation."""
    return _current


def limit_blas_threads(n=1):
    """Ask NumPy's BLAS to use ``n`` threads; returns whether it could.

    The engine's products are small (a LeNet-5 step is a few million
    multiply-adds), and on a busy machine a multi-threaded BLAS spends more
    time waiting for its threads than computing: measured here, a LeNet-5
    training step took 0.5 s of CPU with OpenBLAS's default threads on a
    loaded 2-core machine and 10 ms with one. Needs the optional
    ``threadpoolctl`` package (not in the browser, where there are no threads).
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return False
    threadpool_limits(n)
    return True

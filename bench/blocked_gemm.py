"""A candidate third formulation for ``cnncore.backend.matmul``: einsum in column blocks.

Benchmark-only (cnncore is not changed). Without BLAS, ``np.einsum('ij,jk->ik')``
streams whole rows of ``b`` and of the output for every term of the sum;
for a convolution's GEMM those rows are ``N*OH*OW`` long (50,176 floats for
64x28x28), far larger than the CPU caches. Cutting the columns into blocks
of ``BLOCK`` keeps a block of the output and of ``b`` in cache while it is
summed. :func:`register` adds the kind ``'einsum_blocked'`` to the backend's
table so that ``backend.set_matmul('einsum_blocked')`` routes every GEMM of
the engine through it.
"""
import numpy as np

from cnncore import backend

__all__ = ["BLOCK", "matmul_einsum_blocked", "register"]

BLOCK = 2048


def matmul_einsum_blocked(a, b, block=None):
    """``a @ b`` by ``einsum``, ``block`` columns of ``b`` at a time.

    Shape:
        - a: ``(..., M, K)``; b: ``(..., K, P)``; Output: ``(..., M, P)``
    """
    block = block or BLOCK
    p = b.shape[-1]
    if p < 2 * block:
        return np.einsum("...ij,...jk->...ik", a, b)
    shape = np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) + (a.shape[-2], p)
    out = np.empty(shape, dtype=np.result_type(a, b))
    for s in range(0, p, block):
        np.einsum("...ij,...jk->...ik", a, b[..., s:s + block], out=out[..., s:s + block])
    return out


def register():
    """Make ``backend.set_matmul('einsum_blocked')`` available (touches a private table)."""
    backend._KINDS["einsum_blocked"] = matmul_einsum_blocked

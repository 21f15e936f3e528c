"""Bilinear pooling: the average outer product of two feature vectors over every position.

At each position ``p`` two feature vectors meet, ``x_p`` (``C1`` channels)
and ``z_p`` (``C2`` channels; by default the same map, ``z = x``). Their
outer product ``x_p z_p^T`` holds every pairwise product of channels
("this feature *and* that one, here"); averaging it over all ``P = H W``
positions forgets where, and keeps which features occur together::

    B_{ij} = (1 / P) sum_p x_{i,p} z_{j,p}      (N, C1, C2) -> flattened (N, C1*C2), index i*C2 + j

For one stream ``B`` is the (uncentred) second moment of the channels, a
``C x C`` matrix much like a Gram matrix. Lin et al. (2015) follow it by
the signed square root ``r = sign(B) sqrt(|B|)`` and the L2 normalisation
``u = r / ||r||``; both are options here.

Backward, for ``g = dL/dB`` (shape ``(N, C1, C2)``):
``dx_{i,p} = (1/P) sum_j g_{ij} z_{j,p}`` and
``dz_{j,p} = (1/P) sum_i g_{ij} x_{i,p}`` (both when ``z = x``);
the signed square root has derivative ``1 / (2 sqrt(|B|))`` (taken at
``max(|B|, 1e-12)``, finite at 0); the normalisation
``du -> (g - u (u . g)) / ||r||``.
"""
from typing import NamedTuple

import numpy as np

from .. import backend
from ..errors import ShapeError

__all__ = ['BilinearCache', 'bilinear_pool2d_forward', 'bilinear_pool2d_backward', 'bilinear_pool2d']

SQRT_EPS = 1e-12   # the signed square root's derivative is taken at max(|B|, SQRT_EPS)
NORM_EPS = 1e-12   # as torch.nn.functional.normalize: divide by max(||r||, NORM_EPS)


class BilinearCache(NamedTuple):
    x: np.ndarray            # (N, C1, H, W)
    z: object                # (N, C2, H, W), or None for one stream
    pooled: np.ndarray       # B before the options, (N, C1*C2)
    rooted: object           # sign(B) sqrt(|B|), or None
    norm: object             # ||r|| per example, (N, 1), or None
    out: np.ndarray          # the output, (N, C1*C2)


def _check(x, z, layer="BilinearPool2d"):
    if x.ndim != 4:
        raise ShapeError(f"{layer}: expected a 4-D input (N, C, H, W), got shape {tuple(x.shape)}")
    if z is not None:
        if z.ndim != 4 or z.shape[0] != x.shape[0] or z.shape[2:] != x.shape[2:]:
            raise ShapeError(f"{layer}: the two streams must have the same N, H and W; got shapes "
                             f"{tuple(x.shape)} and {tuple(z.shape)}")


def bilinear_pool2d_forward(x, z=None, signed_sqrt=False, normalize=False):
    """``(out, cache)``; see :func:`bilinear_pool2d`."""
    _check(x, z)
    n, c1, h, w = x.shape
    zz = x if z is None else z
    c2 = zz.shape[1]
    p = h * w
    b = backend.matmul(x.reshape(n, c1, p), zz.reshape(n, c2, p).transpose(0, 2, 1)) / p  # (N, C1, P) @ (N, P, C2)
    pooled = b.reshape(n, c1 * c2)                                      # (N, C1, C2) -> (N, C1*C2), i*C2 + j
    rooted = norm = None
    out = pooled
    if signed_sqrt:
        out = rooted = np.sign(pooled) * np.sqrt(np.abs(pooled))
    if normalize:
        norm = np.maximum(np.sqrt((out * out).sum(axis=1, keepdims=True)), NORM_EPS)  # (N, 1)
        out = out / norm
    return out, BilinearCache(x, z, pooled, rooted, norm, out)


def bilinear_pool2d_backward(grad_out, cache):
    """``dx`` for one stream, ``(dx, dz)`` for two; ``grad_out`` has shape ``(N, C1*C2)``."""
    x, z, pooled, rooted, norm, out = cache
    g = grad_out
    if norm is not None:                                                # u = r / ||r||
        g = (g - out * (out * g).sum(axis=1, keepdims=True)) / norm
    if rooted is not None:                                              # r = sign(B) sqrt(|B|)
        g = g * 0.5 / np.sqrt(np.maximum(np.abs(pooled), SQRT_EPS))
    n, c1, h, w = x.shape
    zz = x if z is None else z
    c2, p = zz.shape[1], h * w
    g = g.reshape(n, c1, c2) / p                                        # (N, C1*C2) -> (N, C1, C2)
    xf, zf = x.reshape(n, c1, p), zz.reshape(n, c2, p)
    dx = backend.matmul(g, zf)                                          # (N, C1, C2) @ (N, C2, P) -> (N, C1, P)
    dz = backend.matmul(g.transpose(0, 2, 1), xf)                       # (N, C2, C1) @ (N, C1, P) -> (N, C2, P)
    if z is None:                                                       # x is both streams: both shares
        return (dx + dz).reshape(x.shape)
    return dx.reshape(x.shape), dz.reshape(z.shape)


def bilinear_pool2d(x, z=None, signed_sqrt=False, normalize=False):
    """Bilinear pooling: the outer product of features, averaged over all positions.

    Args:
        x: feature maps (the first stream).
        z: a second stream at the same positions, or ``None``: ``x`` with itself.
        signed_sqrt: apply ``sign(B) sqrt(|B|)`` to every entry.
        normalize: divide each example's vector by its L2 norm.

    Shape:
        - x: ``(N, C1, H, W)``; z: ``(N, C2, H, W)`` (default ``C2 = C1``)
        - Output: ``(N, C1 * C2)``; entry ``i * C2 + j`` pairs channel ``i`` of ``x``
          with channel ``j`` of ``z``
    """
    return bilinear_pool2d_forward(x, z, signed_sqrt, normalize)[0]

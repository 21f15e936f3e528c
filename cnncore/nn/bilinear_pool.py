"""The bilinear pooling layer (the maths is in :mod:`cnncore.functional.bilinear_pool`)."""
from .. import functional as F
from ..errors import ShapeError
from .module import Module

__all__ = ['BilinearPool2d']


class BilinearPool2d(Module):
    """Bilinear pooling: every pair of channels multiplied at each position, averaged over positions.

    ``B_ij = (1 / (H W)) sum_p x_{i,p} x_{j,p}``, flattened to ``C*C``
    numbers per example (entry ``i * C + j``): which features occur
    *together*, wherever they are. Lin et al.'s bilinear CNN (2015) adds the
    signed square root and the L2 normalisation. No weights; PyTorch has no
    such layer (the exported model writes it with ``torch.einsum``).

    ``forward(x, z)`` also takes a second stream ``z`` of shape
    ``(N, C2, H, W)`` (output ``C * C2``); ``backward`` then returns
    ``(dx, dz)``.

    Args:
        signed_sqrt: apply ``sign(B) sqrt(|B|)`` to every entry.
        normalize: divide each example's vector by its L2 norm.

    Shape:
        - Input: ``(N, C, H, W)`` (and ``(N, C2, H, W)`` for a second stream)
        - Output: ``(N, C * C)`` (or ``(N, C * C2)``)
    """

    def __init__(self, signed_sqrt=False, normalize=False):
        super().__init__()
        self.signed_sqrt, self.normalize = bool(signed_sqrt), bool(normalize)

    def forward(self, x, z=None):
        out, self._cache = F.bilinear_pool2d_forward(x, z, self.signed_sqrt, self.normalize)
        return out

    def backward(self, grad_out):
        cache = getattr(self, "_cache", None)
        if cache is None:
            raise RuntimeError("BilinearPool2d: no forward pass yet")
        return F.bilinear_pool2d_backward(grad_out, cache)

    def last_matrix(self):
        """The ``(N, C1, C2)`` matrix ``B`` of the last forward pass, before the square root and norm."""
        cache = getattr(self, "_cache", None)
        if cache is None:
            raise RuntimeError("BilinearPool2d: no forward pass yet")
        c1 = cache.x.shape[1]
        return cache.pooled.reshape(cache.pooled.shape[0], c1, -1)   # (N, C1*C2) -> (N, C1, C2)

    def output_shape(self, input_shape):
        if len(input_shape) != 4:
            raise ShapeError(f"BilinearPool2d: expected a 4-D input (N, C, H, W), got shape {tuple(input_shape)}")
        return (input_shape[0], input_shape[1] * input_shape[1])

    def extra_repr(self):
        return f"signed_sqrt={self.signed_sqrt}, normalize={self.normalize}"

"""The dropout layer."""
from .. import functional as F
from .module import Module

__all__ = ['Dropout']


class Dropout(Module):
    """Inverted dropout, as ``torch.nn.Dropout``.

    In training mode each element is zeroed with probability ``p`` and the
    others are scaled by ``1 / (1 - p)``; a different random mask every
    forward pass, so no unit can rely on another always being there. In
    evaluation mode (``model.eval()``) it is the identity.

    Args:
        p: probability of zeroing an element, in ``[0, 1]``. Default: 0.5.
        generator: keyword-only, a ``numpy.random.Generator``; default the
            engine's generator (seeded with ``cnncore.manual_seed``).

    Attributes:
        mask: the last forward pass's mask, a bool array of the input's
            shape (True = kept), or ``None`` if nothing was dropped
            (evaluation mode or ``p = 0``). The playground draws it.

    Shape:
        - Input: any
        - Output: same as the input
    """

    def __init__(self, p=0.5, *, generator=None):
        super().__init__()
        self.p = F.check_dropout_p(p, "Dropout")
        self.generator = generator
        self.mask = None
        self._cache = None

    def forward(self, x):
        y, self._cache = F.dropout_forward(x, self.p, self.training, self.generator, "Dropout")
        self.mask = self._cache.mask
        return y

    def backward(self, grad_out):
        if self._cache is None:
            raise RuntimeError("Dropout: backward() called before forward()")
        return F.dropout_backward(grad_out, self._cache)

    def extra_repr(self):
        return f"p={self.p}"

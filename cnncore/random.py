"""The engine's random numbers: one seeded generator, like ``torch.manual_seed``."""
import numpy as np

_rng = np.random.default_rng(0)


def manual_seed(seed):
    """Reseed the generator used for weight initialisation, dropout and sampling."""
    global _rng
    _rng = np.random.default_rng(seed)
    return _rng


def rng():
    """The current ``numpy.random.Generator``."""
    return _rng

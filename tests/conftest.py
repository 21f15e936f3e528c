"""Test-session settings shared by every test folder."""
import cnncore

# One BLAS thread (and one torch thread): the engine's products are small, and on a
# shared 2-core machine extra threads only wait for each other (see backend.limit_blas_threads).
cnncore.backend.limit_blas_threads(1)
try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    pass

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


def pytest_collection_modifyitems(config, items):
    """Browser tests (tests/e2e, tests/site) run one after another on one xdist worker, while
    the other workers run the rest: two Chromiums and two page builds at once on a 2-core
    machine make timing-sensitive pages flaky."""
    import pytest
    for item in items:
        parts = item.path.parts
        if "e2e" in parts or "site" in parts:
            item.add_marker(pytest.mark.xdist_group("browser"))

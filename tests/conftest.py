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
    """Browser tests run one after another on one xdist worker per folder, while the other
    workers run the rest: several Chromiums and page builds at once on a 2-core machine make
    timing-sensitive pages flaky. tests/e2e and tests/site each start their own Playwright,
    and Playwright's sync API allows one per process, so the two folders get separate workers."""
    import pytest
    for item in items:
        parts = item.path.parts
        for folder in ("e2e", "site"):
            if folder in parts:
                item.add_marker(pytest.mark.xdist_group(f"browser-{folder}"))

"""Test-session settings shared by every test folder."""
import pytest

import cnncore

# One BLAS thread (and one torch thread): the engine's products are small, and on a
# shared 2-core machine extra threads only wait for each other (see backend.limit_blas_threads).
cnncore.backend.limit_blas_threads(1)
try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    pass


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
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


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium, driven by Playwright's sync API: one for the whole test session,
    shared by tests/e2e and tests/site (the sync API allows one Playwright per process)."""
    import os
    import shutil

    def no_browser(reason):
        if os.environ.get("CNN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (CNN_REQUIRE_BROWSER=1: browser tests must run)", pytrace=False)
        pytest.skip(reason)

    executable = shutil.which("chromium")
    if executable is None:
        no_browser("chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        no_browser("the playwright Python package is not installed")
    expect.set_options(timeout=20_000)  # ms; generous for busy CI machines (a passing check returns at once)
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=args, headless=True)
        yield browser
        browser.close()

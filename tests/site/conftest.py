"""Fixtures for the static-site tests: build once per session, serve on 127.0.0.1, drive Chromium.

``offline_site``        site built with ``build.sh --offline`` WITHOUT NumPy (as in CI).
``numpy_site``          the same with NumPy (skips unless $CNN_PYODIDE_NUMPY_WHEEL is set).
``cdn_site``            the default build (CDN mode), checked statically and, with the CDN
                        hosts answered from local files, in the browser.
``serve(folder)``       a static HTTP server on a free 127.0.0.1 port -> base URL.
``browser_page()``      a Chromium page that records requests, console lines and errors;
                        the test fails if a request leaves 127.0.0.1.
Builds go to test-output/site-*/; downloads are cached in ~/.cache/cnn-playground.
"""
import fcntl
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "test-output"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
BOOT_TIMEOUT_MS = 180_000  # a cold Pyodide start on a slow 2-core CI machine


def build_site(out, numpy_wheel=None, offline=True):
    """Run build.sh into ``out`` (one build at a time per folder, even across processes)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.parent / f".{out.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            return _build_site(out, numpy_wheel, offline)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _build_site(out, numpy_wheel, offline):
    env = {k: v for k, v in os.environ.items() if k not in ("CNN_PYODIDE_NUMPY_WHEEL", "CNN_PYODIDE_DIST")}
    if numpy_wheel:
        env["CNN_PYODIDE_NUMPY_WHEEL"] = numpy_wheel
    env["PYTHON"] = sys.executable
    result = subprocess.run(["bash", str(ROOT / "build.sh"), *(["--offline"] if offline else []), "--out", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"build.sh failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return Path(out), result.stdout


@pytest.fixture(scope="session")
def offline_site():
    return build_site(OUT / "site-offline-nonumpy")


@pytest.fixture(scope="session")
def cdn_site():
    """The default build: Pyodide and NumPy from Pyodide's CDN, the wheels from the site."""
    return build_site(OUT / "site-cdn", offline=False)


@pytest.fixture(scope="session")
def numpy_site():
    wheel = os.environ.get("CNN_PYODIDE_NUMPY_WHEEL")
    if not wheel or not Path(wheel).is_file():
        no_pyodide("CNN_PYODIDE_NUMPY_WHEEL does not name NumPy's wasm wheel (see DEVELOPERS.md)")
    return build_site(OUT / "site-offline-numpy", wheel)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def serve():
    servers = []

    def start(folder):
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def no_pyodide(reason):
    """Skip a test that needs Pyodide's NumPy; with CNN_REQUIRE_PYODIDE=1 (CI) fail instead."""
    if os.environ.get("CNN_REQUIRE_PYODIDE") == "1":
        pytest.fail(f"{reason} (CNN_REQUIRE_PYODIDE=1: the in-browser tests must run)", pytrace=False)
    pytest.skip(reason)


def _no_browser(reason):
    if os.environ.get("CNN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (CNN_REQUIRE_BROWSER=1: browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium(chromium_browser):
    """The session's one Chromium (tests/conftest.py): Playwright's sync API allows one per process."""
    return chromium_browser


class Recorder:
    """Requests, failed responses, console lines (the worker's too) and page errors."""

    def __init__(self, context, page):
        self.requests, self.failed, self.console, self.errors = [], [], [], []
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        page.on("console", lambda m: self.console.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def outside(self):
        return sorted({u for u in self.requests if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                       and urlsplit(u).hostname not in ("127.0.0.1", "localhost")})


@pytest.fixture
def browser_page(chromium):
    opened = []

    def make(locale="en-US"):
        context = chromium.new_context(locale=locale, viewport={"width": 1400, "height": 950})
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.recorder = Recorder(context, page)
        opened.append((context, page.recorder))
        return page

    yield make
    problems = []
    for context, recorder in opened:
        context.close()
        if recorder.outside():
            problems.append("requests left 127.0.0.1: " + ", ".join(recorder.outside()))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)

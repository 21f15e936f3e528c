"""Browser-test harness: serve a Panel app on 127.0.0.1 and drive Debian's Chromium.

Fixtures
--------
``panel_app(path, **query)``  start (once per test session) ``panel serve <path>`` on a
                              free port and return the URL of its page.
``app_page``                  a fresh Playwright page (English browser) that records every
                              request; the test fails if one leaves 127.0.0.1/localhost or
                              if the page throws an uncaught JavaScript error.
``open_page(locale)``          more pages, e.g. ``open_page("zh-CN")`` for a Chinese browser.
``screenshot(page, name)``    save ``test-output/screenshots/<name>.png``.

The browser is ``shutil.which("chromium")`` (never ``playwright install``). Without it the
tests skip, unless ``CNN_REQUIRE_BROWSER=1`` (set in CI), where they fail.
Panel renders inside shadow DOM: use Playwright locators (``get_by_test_id``,
``get_by_role``, ``expect``), which pierce it.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
EXPECT_TIMEOUT = 20_000   # ms; generous, for busy CI machines (a passing check returns at once)
SERVER_START_TIMEOUT = 90  # seconds; the first import of panel + numpy is the slow part


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


def _no_browser(reason):
    if os.environ.get("CNN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (CNN_REQUIRE_BROWSER=1: browser tests must run)", pytrace=False)
    pytest.skip(reason)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """One ``panel serve`` subprocess."""

    def __init__(self, app_path):
        self.app_path = Path(app_path)
        self.port = _free_port()
        self.log = (ROOT / "test-output" / f"panel-{self.app_path.stem}-{self.port}.log")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
        host = f"127.0.0.1:{self.port}"
        self._log_file = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "panel", "serve", str(self.app_path),
             "--port", str(self.port), "--address", "127.0.0.1", "--liveness",
             "--allow-websocket-origin", host, "--allow-websocket-origin", f"localhost:{self.port}"],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)
        self.base = f"http://{host}/{self.app_path.stem}"
        self._wait()

    def _wait(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"panel serve exited with {self.proc.returncode}:\n"
                                   + self.log.read_text(errors="replace")[-3000:])
            try:
                # /liveness answers as soon as the server is up, without building a page
                # (a page build takes seconds on a busy machine; every retry would start another).
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/liveness", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"panel serve {self.app_path} did not answer within "
                           f"{SERVER_START_TIMEOUT} s:\n" + self.log.read_text(errors="replace")[-3000:])

    def url(self, **query):
        return self.base + (f"?{urlencode(query)}" if query else "")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


@pytest.fixture(scope="session")
def _servers():
    servers = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture(scope="session")
def panel_app(_servers):
    """``panel_app("app/pages/draw.py", lang="zh")`` -> URL; the server starts once per session."""
    def start(app_path, **query):
        path = (ROOT / app_path).resolve()
        if path not in _servers:
            _servers[path] = _Server(path)
        return _servers[path].url(**query)
    return start


class _Recorder:
    """Every request a page makes, and every uncaught error it throws."""

    def __init__(self):
        self.requests, self.errors = [], []

    def attach(self, page):
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def outside(self):
        return [url for url in self.requests
                if urlsplit(url).scheme in ("http", "https", "ws", "wss")
                and urlsplit(url).hostname not in LOCAL_HOSTS]


# Chromium's fake camera: a moving test pattern, and the permission prompt answers yes.
FAKE_CAMERA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture(scope="module")
def camera_browser(chromium_browser):
    """A second Chromium with a fake camera, launched through the session's Playwright
    (the sync API allows one per process)."""
    import shutil
    browser = chromium_browser.browser_type.launch(executable_path=shutil.which("chromium"), headless=True,
                                                   args=CHROMIUM_ARGS + FAKE_CAMERA)
    yield browser
    browser.close()


@pytest.fixture
def open_page(chromium_browser):
    """``open_page(locale="en-US")`` -> a page; checked for outside requests at teardown."""
    opened = []

    def make(locale="en-US", width=1400, height=950):
        context = chromium_browser.new_context(locale=locale, viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        page = context.new_page()
        recorder = _Recorder()
        recorder.attach(page)
        opened.append((context, recorder))
        return page

    yield make
    problems = []
    for context, recorder in opened:
        context.close()
        if recorder.outside():
            problems.append("requests left 127.0.0.1: " + ", ".join(sorted(set(recorder.outside()))))
        if recorder.errors:
            problems.append("uncaught JavaScript errors: " + " | ".join(recorder.errors))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def app_page(open_page):
    """A page in an English-language browser, 1400x950."""
    return open_page()


@pytest.fixture
def screenshot():
    """``screenshot(page, "draw-en")`` saves test-output/screenshots/draw-en.png."""
    def take(page, name, **kwargs):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        kwargs.setdefault("timeout", 60_000)   # a busy page waits for its fonts and paint
        page.screenshot(path=str(path), **kwargs)
        return path
    return take

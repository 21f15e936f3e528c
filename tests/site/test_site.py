"""The static site: build.sh's output, its URL hygiene, and the pages in headless Chromium."""
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_site  # noqa: E402

from .conftest import BOOT_TIMEOUT_MS  # noqa: E402

STAGE = "document.documentElement.getAttribute('data-site-stage')"


def built_pages():
    return [p for p in build_site.PAGES if (ROOT / p.path).exists()]


# --------------------------------------------------------------------------- fast unit tests
def test_url_table_rewrites_every_cdn_prefix_offline():
    table = build_site.url_table(True, "1.9.4", "3.9.2")
    text = ('<script src="https://cdn.bokeh.org/bokeh/release/bokeh-3.9.2.min.js"></script>'
            '<link href="https://cdn.holoviz.org/panel/1.9.4/dist/css/loading.css">'
            'importScripts("https://cdn.jsdelivr.net/pyodide/v0.29.3/full/pyodide.js")')
    out = build_site.rewrite_urls(text, table)
    assert build_site.outside_urls(text)
    assert not build_site.outside_urls(out), out
    assert "./bokeh/bokeh-3.9.2.min.js" in out and "./panel-cdn/1.9.4/dist/css/loading.css" in out
    assert "./pyodide/pyodide.js" in out


def test_url_table_is_empty_in_cdn_mode():
    assert build_site.url_table(False, "1.9.4", "3.9.2") == []


def test_outside_urls_finds_protocol_relative_and_ignores_namespaces():
    assert build_site.outside_urls('<link href="//fonts.googleapis.com/css?family=Roboto">')
    assert not build_site.outside_urls('document.createElementNS("http://www.w3.org/2000/svg", "g")')
    assert not build_site.outside_urls("x = 1 // fonts.googleapis.com is not loaded")


def test_make_wheel_is_pure_and_lists_its_files(tmp_path):
    whl = build_site.make_wheel(tmp_path, "demo-pkg", "1.0", {"demo/__init__.py": b"x = 1\n"})
    assert whl.name == "demo_pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(whl) as zf:
        names = zf.namelist()
        assert "demo/__init__.py" in names
        assert "demo/__init__.py" in zf.read("demo_pkg-1.0.dist-info/RECORD").decode()


# --------------------------------------------------------------------------- the offline build
@pytest.mark.slow
def test_offline_build_has_every_page_and_asset(offline_site):
    site, log = offline_site
    assert "MISSING: numpy" in log
    pages = built_pages()
    assert pages, "no page of PAGES exists"
    for page in pages:
        assert (site / f"{page.slug}.html").is_file(), page
        assert (site / f"{page.slug}.js").is_file(), page
        assert f'href="./{page.slug}.html"' in (site / "index.html").read_text(encoding="utf-8")
    for name in ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"):
        assert (site / "pyodide" / name).is_file(), name
    lock = json.loads((site / "pyodide" / "pyodide-lock.json").read_text())
    assert lock["info"]["python"].startswith("3.13")
    for name, entry in lock["packages"].items():
        assert (site / "pyodide" / entry["file_name"]).is_file(), name
        assert build_site.sha256(site / "pyodide" / entry["file_name"]) == entry["sha256"], name
    assert {"panel", "bokeh", "cnncore", "pyyaml", "markupsafe"} <= set(lock["packages"])
    assert "numpy" not in lock["packages"]
    # Every script and stylesheet a page names is in the site.
    for page in pages:
        text = (site / f"{page.slug}.html").read_text(encoding="utf-8")
        for ref in re.findall(r'(?:src|href)="(\./[^"?#]+)"', text):
            assert (site / ref.replace("%5E", "^")).is_file(), f"{page.slug}.html names missing {ref}"


@pytest.mark.slow
def test_offline_build_names_no_outside_host(offline_site):
    site, _ = offline_site
    files = list(site.glob("*.html")) + list(site.glob("*.js")) + list(site.glob("pyodide/*.json"))
    problems = {f.name: sorted(build_site.outside_urls(f.read_text(encoding="utf-8"))) for f in files}
    assert not {k: v for k, v in problems.items() if v}


@pytest.mark.slow
def test_shipped_wheels_are_pure_and_slim(offline_site):
    site, _ = offline_site
    for whl in (site / "pyodide").glob("*.whl"):
        with zipfile.ZipFile(whl) as zf:
            names = zf.namelist()
        assert not [n for n in names if n.endswith((".so", ".pyi")) or "__pycache__/" in n], whl.name
        assert not [n for n in names if "/tests/" in n and not n.startswith(("cnncore", "app"))], whl.name
    panel_whl = next((site / "pyodide").glob("panel-*.whl"))
    with zipfile.ZipFile(panel_whl) as zf:
        assert not [n for n in zf.namelist() if n.startswith("panel/dist/bundled/")]
    cnncore_whl = next((site / "pyodide").glob("cnncore-*.whl"))
    with zipfile.ZipFile(cnncore_whl) as zf:
        assert "cnncore/assets/digits.npz" in zf.namelist()


# --------------------------------------------------------------------------- in the browser
def _error_text(page):
    error = page.get_by_test_id("site-error")
    return error.inner_text() + "\n" + error.locator("pre").text_content() if error.count() else ""


def _open(page, url):
    page.goto(url)
    page.wait_for_function(f"['ready', 'error'].includes({STAGE})", timeout=BOOT_TIMEOUT_MS)


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.parametrize("locale, lang, words", [
    ("en-US", None, "NumPy is missing"),
    ("en-US", "zh", "缺少 NumPy"),
    ("zh-CN", None, "缺少 NumPy"),
])
def test_without_numpy_the_page_says_so(offline_site, serve, browser_page, locale, lang, words):
    site, _ = offline_site
    base = serve(site)
    page = browser_page(locale)
    slug = built_pages()[0].slug
    _open(page, f"{base}/{slug}.html" + (f"?lang={lang}" if lang else ""))
    error = page.get_by_test_id("site-error")
    assert error.get_attribute("data-error") == "numpy-missing"
    assert words in error.inner_text()
    assert "--pyodide-dist" in error.inner_text()
    # Pyodide did boot in the worker: Python ran before NumPy was needed.
    assert any("python-ready 3.13" in line for line in page.recorder.console), page.recorder.console
    assert not page.recorder.failed, page.recorder.failed


@pytest.mark.slow
@pytest.mark.e2e
def test_prerendered_page_paints_before_python(offline_site, serve, browser_page):
    site, _ = offline_site
    page = browser_page()
    page.goto(f"{serve(site)}/{built_pages()[0].slug}.html")
    page.wait_for_function("document.querySelectorAll('[data-root-id]').length > 0")
    page.get_by_test_id("site-loading").wait_for()


# --------------------------------------------------------------------------- with NumPy
def _stroke(page):
    canvas = page.get_by_test_id("draw-canvas")
    canvas.wait_for()
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + 0.5 * w, y + 0.2 * h)
    page.mouse.down()
    for i in range(1, 21):
        page.mouse.move(x + 0.5 * w, y + (0.2 + 0.6 * i / 20) * h)
    page.mouse.up()


@pytest.mark.slow
@pytest.mark.e2e
def test_draw_page_predicts_in_the_browser(numpy_site, serve, browser_page):
    site, _ = numpy_site
    if not (site / "draw.html").exists():
        pytest.skip("app/draw.py is not written yet")
    page = browser_page()
    _open(page, f"{serve(site)}/draw.html")
    assert page.evaluate(STAGE) == "ready", _error_text(page)
    from playwright.sync_api import expect
    prediction = page.get_by_test_id("prediction")
    before = prediction.inner_text() if prediction.count() else ""
    _stroke(page)
    expect(prediction).not_to_have_text(before, timeout=60_000)  # locators pierce shadow DOM
    assert re.search(r"[0-9]", prediction.inner_text())
    assert not page.recorder.failed, page.recorder.failed


@pytest.mark.slow
@pytest.mark.e2e
def test_pages_switch_and_speak_chinese(numpy_site, serve, browser_page):
    site, _ = numpy_site
    base = serve(site)
    page = browser_page("zh-CN")
    page.goto(f"{base}/index.html")
    links = page.get_by_test_id("page-list").locator("a")
    assert links.count() == len(built_pages())
    href = links.last.get_attribute("href")
    _open(page, f"{base}/{href.lstrip('./')}")
    assert page.evaluate(STAGE) == "ready", _error_text(page)
    _open(page, f"{base}/{built_pages()[0].slug}.html?lang=zh")
    assert page.evaluate(STAGE) == "ready"
    assert re.search(r"[\u4e00-\u9fff]", page.locator("body").inner_text())

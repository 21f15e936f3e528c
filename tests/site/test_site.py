"""The static site: build.sh's output, its URL hygiene, and the pages in headless Chromium."""
import json
import os
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import build_site  # noqa: E402

from .conftest import BOOT_TIMEOUT_MS, no_pyodide  # noqa: E402

STAGE = "document.documentElement.getAttribute('data-site-stage')"


def built_pages(site):
    """The slugs of the pages a built site lists in its index.html, in its order."""
    return re.findall(r'<a href="\./([\w-]+)\.html">', (site / "index.html").read_text(encoding="utf-8"))


def site_config(site, slug):
    """The worker's site configuration (window.CNN_SITE) of one built page."""
    text = (site / f"{slug}.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"^const SITE = (\{.*\});$", text, re.M).group(1))


# --------------------------------------------------------------------------- the page list
def test_pages_are_exactly_the_app_pages():
    on_disk = sorted(p.stem for p in (ROOT / "app" / "pages").glob("*.py") if not p.stem.startswith("_"))
    assert sorted(p.slug for p in build_site.discover_pages()) == on_disk
    assert [p.path for p in build_site.PAGES] == [f"app/pages/{p.slug}.py" for p in build_site.PAGES]
    assert build_site.PAGES[0].slug == "playground"
    for page in build_site.discover_pages():
        assert page.title_en != page.slug and page.title_zh != page.slug, f"{page.slug} has no title"
        assert re.search(r"[\u4e00-\u9fff]", page.title_zh), page


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
    pages = built_pages(site)
    # every app page is in the site (a page added to app/pages/ while the tests run is not)
    assert set(pages) >= {p.slug for p in build_site.discover_pages()}, pages
    for slug in pages:
        assert (site / f"{slug}.html").is_file(), slug
        assert (site / f"{slug}.js").is_file(), slug
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
    for slug in pages:
        text = (site / f"{slug}.html").read_text(encoding="utf-8")
        for ref in re.findall(r'(?:src|href)="(\./[^"?#]+)"', text):
            assert (site / ref.replace("%5E", "^")).is_file(), f"{slug}.html names missing {ref}"
    # The worker downloads what the lock lists, with the right integrity.
    config = site_config(site, pages[0])
    assert config["mode"] == "offline" and config["indexURL"] == "./pyodide/" and config["missing"] == ["numpy"]
    for url, sri in config["prefetch"].items():
        assert build_site.integrity(site / url) == sri, url


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
        own = whl.name.startswith(("cnncore-", "cnn_playground_app-"))
        assert not [n for n in names if n.endswith((".so", ".pyi")) or ("__pycache__/" in n and not own)], whl.name
        assert not [n for n in names if "/tests/" in n and not n.startswith(("cnncore", "app"))], whl.name
        if own and build_site.pyc_python():   # the project's code: sources and their bytecode
            sources = {n for n in names if n.endswith(".py")}
            assert sources and all(
                f"{n.rpartition('/')[0]}/__pycache__/{n.rpartition('/')[2][:-3]}.cpython-313.pyc" in names
                for n in sources), whl.name
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
    """Open ``url`` and wait until the page is live or shows an error."""
    page.goto(url)
    page.wait_for_function(f"['ready', 'error'].includes({STAGE})", timeout=BOOT_TIMEOUT_MS)


def _open_live(page, url):
    """Open ``url``; the page must come to life (else the test fails with the page's error)."""
    _open(page, url)
    assert page.evaluate(STAGE) == "ready", _error_text(page)


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
    slug = built_pages(site)[0]
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
    page.goto(f"{serve(site)}/{built_pages(site)[0]}.html")
    page.wait_for_function("document.querySelectorAll('[data-root-id]').length > 0")
    # the loading bar over the prerendered page (or already the missing-NumPy box: the worker
    # starts with the page's first script and may get there before this line)
    page.locator("[data-testid=site-loading], [data-testid=site-error]").first.wait_for()
    assert page.locator("[data-root-id]").count() > 0


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
    page = browser_page()
    _open_live(page, f"{serve(site)}/draw.html")
    from playwright.sync_api import expect
    prediction = page.get_by_test_id("prediction")
    before = prediction.inner_text() if prediction.count() else ""
    _stroke(page)
    expect(prediction).not_to_have_text(before, timeout=60_000)  # locators pierce shadow DOM
    assert re.search(r"[0-9]", prediction.inner_text())
    # a second stroke: the answer comes back as one patch (no "reference ... isn't known")
    second = prediction.inner_text()
    page.get_by_test_id("draw-canvas").focus()
    page.keyboard.press("Delete")
    expect(prediction).to_have_text("", timeout=60_000)
    _stroke(page)
    expect(prediction).to_have_text(second, timeout=60_000)
    assert not page.recorder.failed, page.recorder.failed
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.parametrize("slug", [p.slug for p in build_site.discover_pages()])
def test_every_page_starts_in_the_browser(numpy_site, serve, browser_page, slug):
    """Each page builds its view in the browser's Python (e.g. no package that the site does not ship)."""
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/{slug}.html")
    assert page.get_by_text("could not be loaded").count() == 0
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.slow
@pytest.mark.e2e
def test_the_playground_opens_every_view(numpy_site, serve, browser_page):
    """Behind the playground's navigation, every view builds (each is built when first shown)."""
    from playwright.sync_api import expect
    from app.core.i18n import t
    from app.views.playground.view import ALL_VIEWS
    site, _ = numpy_site
    page = browser_page()
    *others, last = ALL_VIEWS
    _open_live(page, f"{serve(site)}/playground.html?lang=en&view={last}")
    for key in others:   # (the URL names the view once it is not the page's first)
        # (a view is built in the page's Python: on a busy machine the page answers late)
        page.get_by_role("button", name=t(ALL_VIEWS[key][0], "en"), exact=True).click(timeout=60_000)
        expect(page).to_have_url(re.compile(rf"[?&]view={key}\b"), timeout=150_000)
        page.wait_for_timeout(300)
        assert page.get_by_text("could not be loaded").count() == 0, key
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.slow
@pytest.mark.e2e
def test_pages_switch_and_speak_chinese(numpy_site, serve, browser_page):
    """Every page is listed; the last one starts; ?lang=zh and a Chinese browser build the page in
    Chinese at once (the worker knows the page's URL and languages before the page is built)."""
    site, _ = numpy_site
    base = serve(site)
    page = browser_page("zh-CN")
    page.goto(f"{base}/index.html")
    links = page.get_by_test_id("page-list").locator("a")
    assert links.count() == len(built_pages(site))
    href = links.last.get_attribute("href")
    _open_live(page, f"{base}/{href.removeprefix('./')}")
    from playwright.sync_api import expect
    zh_draw, en_draw = build_site.page_title("draw")[1], build_site.page_title("draw")[0]
    for url in (f"{base}/playground.html?lang=zh&view=conv", f"{base}/playground.html?view=conv"):
        _open_live(page, url)   # the second: no ?lang, the browser's language (zh-CN)
        expect(page.get_by_role("button", name="手写识别")).to_be_visible(timeout=30_000)
        assert page.get_by_role("button", name=en_draw).count() == 0
        assert zh_draw == "手写识别"
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.slow
@pytest.mark.e2e
def test_training_runs_and_pauses_in_the_browser(numpy_site, serve, browser_page):
    """The training loop (a periodic callback) leaves the worker free to update the page and
    to hear the Pause button."""
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/train.html?model=lenet5&subset=4000&epochs=20")
    from playwright.sync_api import expect
    step = page.get_by_test_id("train-step")
    page.get_by_role("button", name=re.compile("Start")).click()
    expect(step).to_have_attribute("data-steps", re.compile(r"^[1-9]\d*$"), timeout=60_000)
    first = int(step.get_attribute("data-steps"))
    expect(step).not_to_have_attribute("data-steps", str(first), timeout=30_000)   # it goes on
    page.get_by_role("button", name=re.compile("Pause")).click()
    expect(page.get_by_test_id("train-status")).to_have_attribute("data-status", "paused", timeout=30_000)
    paused = step.get_attribute("data-steps")
    page.wait_for_timeout(1500)
    assert step.get_attribute("data-steps") == paused
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.slow
@pytest.mark.e2e
def test_lecture_mode_in_the_static_site(numpy_site, serve, browser_page):
    site, _ = numpy_site
    page = browser_page()
    page.goto(f"{serve(site)}/draw.html?embed=1&theme=projector&brush=30")
    # the header is hidden before Python starts (a class set by the page's first script)
    page.wait_for_function("document.documentElement.classList.contains('cnn-embed')")
    from playwright.sync_api import expect
    expect(page.locator("#header")).to_be_hidden()
    page.wait_for_function(f"['ready', 'error'].includes({STAGE})", timeout=BOOT_TIMEOUT_MS)
    assert page.evaluate(STAGE) == "ready", _error_text(page)
    expect(page.get_by_text("What happens here")).to_be_hidden(timeout=30_000)   # no explanation
    expect(page.get_by_test_id("draw-canvas")).to_be_visible()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 22
    assert not page.recorder.errors, page.recorder.errors


@pytest.mark.slow
@pytest.mark.e2e
def test_keys_step_the_animation_in_the_static_site(numpy_site, serve, browser_page):
    """A lecturer's slide: the Convolution lab embedded without controls, stepped with the keys."""
    from playwright.sync_api import expect
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/conv.html?size=10&kernel=3&embed=1&controls=0&theme=projector")
    window = page.get_by_test_id("conv-window")
    expect(window).to_have_text("0,0", use_inner_text=False, timeout=60_000)
    expect(page.get_by_role("slider")).to_have_count(0)                    # controls hidden
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("ArrowRight")
    expect(window).to_have_text("0,1", use_inner_text=False, timeout=60_000)
    page.keyboard.press("ArrowDown")
    expect(window).to_have_text("1,1", use_inner_text=False, timeout=60_000)
    assert not page.recorder.errors, page.recorder.errors


# --------------------------------------------------------------------------- the CDN build
@pytest.mark.slow
def test_cdn_build_names_only_the_allowed_cdns(cdn_site):
    site, log = cdn_site
    assert "mode cdn" in log
    assert not (site / "pyodide").exists()          # Pyodide itself is not vendored
    assert not build_site.site_url_problems(site, offline=False)
    hosts = set()
    for f in list(site.glob("*.html")) + list(site.glob("*.js")):
        hosts |= {urlsplit(u).hostname for u in build_site.outside_urls(f.read_text(encoding="utf-8"))}
    assert hosts <= set(build_site.CDN_HOSTS), hosts
    assert "cdn.jsdelivr.net" in hosts
    slugs = built_pages(site)
    assert set(slugs) == {p.slug for p in build_site.discover_pages()}
    for slug in slugs:
        config = site_config(site, slug)
        assert config["mode"] == "cdn"
        assert config["pyodideURL"] == f"https://cdn.jsdelivr.net/pyodide/v{build_site.PYODIDE_VERSION}/full/pyodide.js"
        assert config["indexURL"] == f"https://cdn.jsdelivr.net/pyodide/v{build_site.PYODIDE_VERSION}/full/"
        assert config["packages"] == ["numpy"]     # NumPy by loadPackage, from the CDN's lock
        names = {Path(w).name.split("-")[0].lower() for w in config["wheels"]}
        assert {"panel", "bokeh", "param", "cnncore", "cnn_playground_app", "nh3", "pyyaml", "markupsafe"} <= names
        for url in config["wheels"]:
            assert url.startswith("./wheels/") and (site / url).is_file(), url
            assert build_site.integrity(site / url) == config["prefetch"][url]
    # The CDN's lock (shipped in the npm package) names NumPy 2.2.5 for this Pyodide.
    core = Path(os.environ.get("CNN_PYODIDE_DIR", "/nonexistent"))
    for lock_path in (core / "pyodide-lock.json", core / "node_modules" / "pyodide" / "pyodide-lock.json"):
        if lock_path.is_file():
            assert json.loads(lock_path.read_text())["packages"]["numpy"]["version"] == "2.2.5"


def _local_cdn(core, numpy_wheel):
    """Answers for the CDN hosts from local files: Pyodide's npm package (its lock naming the local
    NumPy wheel's hash), NumPy's wheel, Bokeh's and Panel's JS/CSS from the installed packages."""
    import bokeh
    import panel
    lock = json.loads((core / "pyodide-lock.json").read_text())
    lock["packages"]["numpy"]["sha256"] = build_site.sha256(numpy_wheel)
    pyodide_prefix = f"https://cdn.jsdelivr.net/pyodide/v{build_site.PYODIDE_VERSION}/full/"
    bokeh_js = Path(bokeh.__file__).parent / "server" / "static" / "js"
    panel_prefix = f"https://cdn.holoviz.org/panel/{panel.__version__}/dist/"
    panel_dist = Path(panel.__file__).parent / "dist"

    def answer(url):
        path = urlsplit(url).path
        if url.startswith(pyodide_prefix):
            name = url[len(pyodide_prefix):].split("?")[0]
            if name == "pyodide-lock.json":
                return json.dumps(lock).encode(), "application/json"
            if name == lock["packages"]["numpy"]["file_name"]:
                return Path(numpy_wheel).read_bytes(), "application/octet-stream"
            if (core / name).is_file():
                kind = "application/wasm" if name.endswith(".wasm") else "text/javascript"
                return (core / name).read_bytes(), kind
        elif url.startswith("https://cdn.bokeh.org/bokeh/release/"):
            name = re.sub(r"-\d+\.\d+\.\d+(\.min\.js)$", r"\1", path.rsplit("/", 1)[1])
            if (bokeh_js / name).is_file():
                return (bokeh_js / name).read_bytes(), "text/javascript"
        elif url.startswith(panel_prefix):
            rel = url[len(panel_prefix):].split("?")[0].replace("%5E", "^")
            if (panel_dist / rel).is_file():
                kind = "text/css" if rel.endswith(".css") else "text/javascript"
                return (panel_dist / rel).read_bytes(), kind
        return None
    return answer


@pytest.mark.slow
@pytest.mark.e2e
def test_cdn_build_runs_with_the_cdns_answered_locally(cdn_site, serve, chromium):
    """The default build in the browser, the CDN hosts answered from local copies of the same
    files (this machine has no internet): the draw page starts and predicts."""
    core = Path(os.environ.get("CNN_PYODIDE_DIR", "/nonexistent"))
    core = core if (core / "pyodide.asm.wasm").is_file() else core / "node_modules" / "pyodide"
    wheel = os.environ.get("CNN_PYODIDE_NUMPY_WHEEL")
    if not (core / "pyodide.asm.wasm").is_file() or not wheel or not Path(wheel).is_file():
        no_pyodide("needs CNN_PYODIDE_DIR (npm pyodide@0.29.3) and CNN_PYODIDE_NUMPY_WHEEL")
    site, _ = cdn_site
    answer, unanswered, requested = _local_cdn(core, wheel), [], []
    context = chromium.new_context(viewport={"width": 1400, "height": 950})
    context.set_default_timeout(20_000)

    def route(r):
        requested.append(r.request.url)
        found = answer(r.request.url)
        if found is None:
            unanswered.append(r.request.url)
            r.abort()
        else:
            r.fulfill(status=200, body=found[0], content_type=found[1],
                      headers={"Access-Control-Allow-Origin": "*"})
    blocked = []   # (Playwright tries the routes registered last first)
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1)"),
                  lambda r: (blocked.append(r.request.url), r.abort()))
    for host in build_site.CDN_HOSTS:
        context.route(f"https://{host}/**", route)
    page = context.new_page()
    try:
        _open_live(page, f"{serve(site)}/draw.html")
        from playwright.sync_api import expect
        _stroke(page)
        expect(page.get_by_test_id("prediction")).to_have_text(re.compile(r"^[0-9]$"), timeout=60_000)
    finally:
        context.close()
    assert not unanswered, unanswered
    assert not blocked, blocked
    assert any(u.endswith("numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl") for u in requested)

"""Build the static site: the whole playground running in the browser under Pyodide.

    python scripts/build_site.py [--offline] [--pyodide-dist DIR] [--out site] [--pages app/x.py ...]

(``build.sh`` is the friendly front end.) Every page (``PAGES``: the pages of
``app/view_registry.py``, each ``app/pages/<key>.py``, the playground first) is converted with
Panel's own converter (``panel.io.convert``, the code behind ``panel convert --to
pyodide-worker``) into ``<out>/<slug>.html`` (the prerendered page) and ``<out>/<slug>.js``
(its web worker). Two modes:

* default (CDN): Pyodide 0.29.3 and NumPy come from Pyodide's CDN (cdn.jsdelivr.net; NumPy by
  ``pyodide.loadPackage`` from the CDN's own lock file), Bokeh's and Panel's JavaScript from
  cdn.bokeh.org and cdn.holoviz.org, as ``panel convert`` does. The pure-Python wheels (Panel,
  Bokeh, param, ..., slimmed and precompiled) and the project's wheels are served by the site
  itself from ``wheels/``. No other host is named (checked after the build).
* ``--offline``: everything is vendored and the site makes no request outside its own origin:
  Pyodide's core (npm package ``pyodide@0.29.3``), the same wheels, Bokeh's and Panel's JS/CSS,
  and NumPy's wasm wheel from ``--pyodide-dist`` / ``$CNN_PYODIDE_NUMPY_WHEEL``. A generated
  ``pyodide/pyodide-lock.json`` lists exactly these files.

With a CPython 3.13 on the build machine (``python3.13`` or ``$CNN_PYC_PYTHON``) the standard
library and the packages ship as bytecode (third-party sourceless, the project's own code with
its sources), which roughly halves Python's start in the browser.
The worker and the loading screen are this project's (``static/site_worker.js``,
``static/loading.js``, ``static/loading.css``): they start Python before the page's own
scripts load, download the packages while Pyodide boots, show what is being downloaded and how
much, and say in Chinese or English what to do when something cannot be loaded.
Downloads are cached in ``$CNN_SITE_CACHE`` (default ``~/.cache/cnn-playground``).
"""
from __future__ import annotations

import argparse
import base64
import concurrent.futures
import csv
import hashlib
import html
import io
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"
PYODIDE_VERSION = "0.29.3"
PYTHON_TAG = "3.13"


@dataclass(frozen=True)
class Page:
    """One servable view: ``app/<file>.py`` becomes ``<slug>.html`` + ``<slug>.js``."""

    path: str
    title_en: str
    title_zh: str

    @property
    def slug(self):
        return Path(self.path).stem


if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from app import view_registry  # noqa: E402  (data only: no view, no Panel)


def page_title(slug):
    """(English, Chinese) title of page ``slug``, from app/view_registry.py (the slug if it has none)."""
    try:
        title = view_registry.spec(slug).title
    except KeyError:
        return slug, slug
    return title["en"], title["zh"]


def discover_pages():
    """THE list of pages: app/view_registry.py's ``PAGES`` (the playground first, then the views
    in the playground's navigation order), each ``app/pages/<key>.py``."""
    return [Page(s.page_path, *page_title(s.key)) for s in view_registry.PAGES]


PAGES = discover_pages()

# Python packages the worker loads (besides NumPy, which is compiled and comes from the
# Pyodide distribution). Found by running the pages in Pyodide: `import panel` needs these;
# pandas, pillow, contourpy, tornado, requests, nh3 and narwhals are not imported by a
# Panel app running in a Pyodide worker, so they are not shipped.
# Versions: None = the version installed here (bokeh and panel MUST match the converter's).
PURE_PACKAGES = {
    "bokeh": None, "panel": None, "param": "2.4.2", "pyviz_comms": "3.0.6", "jinja2": "3.1.6",
    "packaging": "26.2", "typing_extensions": "4.15.0", "markdown": "3.11.3",
    "markdown-it-py": "4.3.0", "mdit-py-plugins": "0.7.0", "mdurl": "0.1.2",
    "linkify-it-py": "2.2.0", "uc-micro-py": "2.0.0", "xyzservices": "2026.9.1", "tqdm": "4.70.1",
    # With pyodide-http present, panel.io.pyodide does not import pandas (saves ~10 MB).
    "pyodide-http": "0.2.2",
}
# No py3-none-any wheel on PyPI; their pure-Python fallback works in Pyodide.
SDIST_PURE_PACKAGES = {"pyyaml": ("6.0.3", "lib/yaml"), "markupsafe": ("3.0.3", "src/markupsafe")}

# What never goes into a shipped wheel (saves megabytes of the first visit).
ALWAYS_DROP = (re.compile(r"(^|/)(tests?|__pycache__)/"), re.compile(r"\.(pyi|pyc|map|c|h|pyx)$"))
WHEEL_DROP = {
    # Panel's and Bokeh's JS/CSS are served as files next to the pages, not from the wheel.
    "panel": [re.compile(r"^panel/dist/(bundled|lib|dts|wheels)/"),
              re.compile(r"^panel/dist/[^/]+\.(js|json)$"), re.compile(r"^panel/(tests|examples)/")],
    "bokeh": [re.compile(r"^bokeh/server/static/"), re.compile(r"^bokeh/sampledata/"),
              re.compile(r"^bokeh/_sri/(?!{version}\.json)")],  # keep this version's hashes
}


def log(msg):
    print(f"[build_site] {msg}", flush=True)


def cache_dir():
    path = Path(os.environ.get("CNN_SITE_CACHE", Path.home() / ".cache" / "cnn-playground"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


# --------------------------------------------------------------------------- URL rewriting
def url_table(offline, panel_version, bokeh_version):
    """The one table of CDN prefixes and what they become in the built site.

    In the default mode the table is empty: the pages use the official CDNs. In offline
    mode every CDN prefix panel's converter writes is mapped into the site's own folders.
    """
    if not offline:
        return []
    return [
        ("https://cdn.bokeh.org/bokeh/release/", "./bokeh/"),
        (f"https://cdn.holoviz.org/panel/{panel_version}/dist/", f"./panel-cdn/{panel_version}/dist/"),
        ("https://cdn.holoviz.org/panel/", "./panel-cdn/"),
        (f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/", "./pyodide/"),
        (f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/pyc/", "./pyodide/"),
    ]


def rewrite_urls(text, table):
    """Replace every URL prefix of ``table`` in ``text`` (longest prefixes first)."""
    for prefix, target in sorted(table, key=lambda row: -len(row[0])):
        text = text.replace(prefix, target)
    return text


# Not requests: XML namespaces and the like that appear as strings in HTML/JS.
HARMLESS_URL = re.compile(r"^https?://(www\.w3\.org|www\.bokeh\.org|bokeh\.org|docs\.bokeh\.org"
                          r"|github\.com|panel\.holoviz\.org|holoviz\.org|json-schema\.org)(/|$)")
URL_IN_TEXT = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`)<>]*""")


def outside_urls(text):
    """URLs in ``text`` that would leave the site's origin (harmless namespaces excluded)."""
    found = set()
    for match in URL_IN_TEXT.finditer(text):
        url = match.group(0)
        if url.startswith("//"):
            before = text[max(0, match.start() - 1):match.start()]
            if before not in ("'", '"', "(", "="):
                continue  # a // comment or part of a regex, not a protocol-relative URL
            url = "https:" + url
        if not HARMLESS_URL.match(url):
            found.add(url)
    return found


# --------------------------------------------------------------------------- wheels
def make_wheel(out_dir, name, version, files, requires=()):
    """Write a py3-none-any wheel holding ``files`` ({archive path: bytes})."""
    dist = f"{name.replace('-', '_')}-{version}"
    info = f"{dist}.dist-info"
    files = dict(files)
    files[f"{info}/METADATA"] = ("Metadata-Version: 2.1\n" f"Name: {name}\nVersion: {version}\n"
                                 + "".join(f"Requires-Dist: {r}\n" for r in requires)).encode()
    files[f"{info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: cnn-playground build_site\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    return _write_wheel(Path(out_dir) / f"{dist}-py3-none-any.whl", files, info)


def _write_wheel(path, files, info):
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for arc, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([arc, f"sha256={digest}", len(data)])
    writer.writerow([f"{info}/RECORD", "", ""])
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arc in sorted(files):
            zf.writestr(zipfile.ZipInfo(arc, (2020, 1, 1, 0, 0, 0)), files[arc], zipfile.ZIP_DEFLATED)
        zf.writestr(zipfile.ZipInfo(f"{info}/RECORD", (2020, 1, 1, 0, 0, 0)), record.getvalue(), zipfile.ZIP_DEFLATED)
    return path


def pyc_python():
    """A CPython 3.13 to precompile with ($CNN_PYC_PYTHON or python3.13 on PATH), or None."""
    candidates = [os.environ.get("CNN_PYC_PYTHON"), shutil.which("python3.13")]
    candidates += sorted(map(str, Path.home().glob(".pyenv/versions/3.13*/bin/python3.13")))
    for exe in filter(None, candidates):
        out = subprocess.run([exe, "-c", "import sys; print(sys.version_info[:2] == (3, 13))"],
                             capture_output=True, text=True)
        if out.stdout.strip() == "True":
            return exe
    return None


def to_pyc(files, python, keep_source=False):
    """Compile every .py in ``files`` ({archive path: bytes}) to 3.13 bytecode.

    Pyodide then skips compiling thousands of modules at start-up (the slow part of
    `import panel` in the browser). Third-party packages and the standard library go
    sourceless (``x.py`` -> ``x.pyc``: smaller; tracebacks show no source lines). With
    ``keep_source`` (the project's own code) the sources stay and the bytecode goes to
    ``__pycache__/x.cpython-313.pyc`` (unchecked hash, so it is used without a check),
    and tracebacks keep their lines.
    """
    import tempfile
    digest = hashlib.sha256(python.encode() + (b"keep" if keep_source else b""))
    for arc in sorted(files):
        digest.update(arc.encode() + b"\0" + hashlib.sha256(files[arc]).digest())
    cached = cache_dir() / "pyc" / f"{digest.hexdigest()}.zip"
    if cached.exists():  # compiling is slow; reruns reuse the result
        with zipfile.ZipFile(cached) as zf:
            return {n: zf.read(n) for n in zf.namelist()}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for arc, data in files.items():
            if arc.endswith(".py"):
                (tmp / arc).parent.mkdir(parents=True, exist_ok=True)
                (tmp / arc).write_bytes(data)
        subprocess.run([python, "-m", "compileall", "-q", *([] if keep_source else ["-b"]), "-j", "0",
                        "--invalidation-mode", "unchecked-hash", str(tmp)], check=True, stdout=subprocess.DEVNULL)
        result = {}
        for arc, data in files.items():
            if not arc.endswith(".py"):
                result[arc] = data
                continue
            folder, _, name = arc.rpartition("/")
            cached_pyc = f"{folder + '/' if folder else ''}__pycache__/{name[:-3]}.cpython-313.pyc"
            pyc = tmp / (cached_pyc if keep_source else arc + "c")
            if not pyc.exists():
                result[arc] = data
            elif keep_source:
                result[arc] = data
                result[cached_pyc] = pyc.read_bytes()
            else:
                result[arc + "c"] = pyc.read_bytes()
    cached.parent.mkdir(parents=True, exist_ok=True)
    _write_zip(cached, result)
    return result


def _write_zip(path, files):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arc in sorted(files):
            zf.writestr(zipfile.ZipInfo(arc, (2020, 1, 1, 0, 0, 0)), files[arc], zipfile.ZIP_DEFLATED)


def slim_wheel(src, out_dir, drop=(), pyc=None):
    """Copy a wheel without tests, type stubs, caches, maps and the ``drop`` patterns
    (with ``pyc`` = a Python 3.13 executable, as bytecode)."""
    src = Path(src)
    patterns = list(ALWAYS_DROP) + list(drop)
    with zipfile.ZipFile(src) as zf:
        info = next(n.split("/")[0] for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        files = {n: zf.read(n) for n in zf.namelist()
                 if not n.endswith("/") and n != f"{info}/RECORD"
                 and not any(p.search(n) for p in patterns)}
    if pyc:
        files = to_pyc(files, pyc)
    return _write_wheel(Path(out_dir) / src.name, files, info)


def pip_download(spec, dest, sdist=False):
    """A wheel (or sdist) of ``spec`` from PyPI, cached in ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    name, version = spec.split("==")
    stem = re.compile(rf"^{re.sub(r'[-_.]+', '[-_.]', name)}-{re.escape(version)}[-.]", re.I)
    want = (".tar.gz", ".zip") if sdist else (".whl",)
    have = [p for p in dest.iterdir() if stem.match(p.name) and p.name.endswith(want)]
    if have:
        return have[0]
    log(f"downloading {spec} from PyPI{' (source)' if sdist else ''}")
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(dest), spec]
    # --no-build-isolation: pip only reads the sdist's metadata; no build tools are fetched.
    cmd += (["--no-binary", ":all:", "--no-build-isolation"] if sdist else
            ["--only-binary", ":all:", "--python-version", PYTHON_TAG, "--platform", "any",
             "--implementation", "py", "--abi", "none"])
    subprocess.run(cmd, check=True)
    return pip_download(spec, dest, sdist)


def pure_wheel_from_sdist(name, version, package_dir, cache, out_dir, pyc=None):
    """PyYAML/MarkupSafe as py3-none-any wheels: the sdist's Python files, no C extension."""
    sdist = pip_download(f"{name}=={version}", cache / "sdists", sdist=True)
    files = {}
    with tarfile.open(sdist) as tf:
        for member in tf.getmembers():
            parts = member.name.split("/", 1)
            if member.isfile() and len(parts) == 2 and parts[1].startswith(package_dir + "/") \
                    and member.name.endswith((".py", ".typed")):
                rel = parts[1][len(package_dir) - len(package_dir.split("/")[-1]):]
                files[rel] = tf.extractfile(member).read()
    if not files:
        raise RuntimeError(f"no Python files under {package_dir}/ in {sdist.name}")
    if pyc:
        files = to_pyc(files, pyc)
    return make_wheel(out_dir, name, version, files)


def project_wheels(out_dir, pyc=None):
    """cnncore (with its assets) and the app package, as wheels (with ``pyc`` = a Python 3.13
    executable, with bytecode beside the sources)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    version = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.M).group(1)
    wheels = []
    for package, name in (("cnncore", "cnncore"), ("app", "cnn-playground-app")):
        files = {}
        for path in sorted((ROOT / package).rglob("*")):
            rel = path.relative_to(ROOT).as_posix()
            if path.is_file() and (path.suffix == ".py" or (package == "cnncore" and rel.startswith("cnncore/assets/") and path.suffix == ".npz")) \
                    and not any(p.search(rel) for p in ALWAYS_DROP):
                files[rel] = path.read_bytes()
        if files:
            if pyc:   # only the sources go through the compile cache, not the assets
                files.update(to_pyc({k: v for k, v in files.items() if k.endswith(".py")}, pyc, keep_source=True))
            wheels.append((name, make_wheel(out_dir, name, version, files, ["numpy"])))
    return wheels


# --------------------------------------------------------------------------- Pyodide core
def pyodide_core(cache):
    """The folder of the npm package pyodide@0.29.3 (CNN_PYODIDE_DIR, else npm install)."""
    candidates = []
    if os.environ.get("CNN_PYODIDE_DIR"):
        base = Path(os.environ["CNN_PYODIDE_DIR"])
        candidates += [base, base / "node_modules" / "pyodide"]
    candidates.append(cache / "npm" / "node_modules" / "pyodide")
    for folder in candidates:
        pkg = folder / "package.json"
        if pkg.exists() and json.loads(pkg.read_text()).get("version") == PYODIDE_VERSION:
            return folder
    npm_dir = cache / "npm"
    npm_dir.mkdir(parents=True, exist_ok=True)
    log(f"npm install pyodide@{PYODIDE_VERSION} into {npm_dir}")
    subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(npm_dir),
                    f"pyodide@{PYODIDE_VERSION}"], check=True)
    return npm_dir / "node_modules" / "pyodide"


def find_numpy(dist_dir):
    """NumPy's wasm wheel from --pyodide-dist or $CNN_PYODIDE_NUMPY_WHEEL, else None."""
    if dist_dir:
        hits = sorted(Path(dist_dir).glob("numpy-*-cp313-*wasm32.whl"))
        if hits:
            return hits[-1]
        log(f"WARNING: no numpy-*-cp313-*wasm32.whl in --pyodide-dist {dist_dir}")
    env = os.environ.get("CNN_PYODIDE_NUMPY_WHEEL")
    if env and Path(env).is_file():
        return Path(env)
    return None


def wheel_imports(path):
    """Top-level importable names in a wheel."""
    with zipfile.ZipFile(path) as zf:
        tops = {n.split("/")[0] for n in zf.namelist() if not n.split("/")[0].endswith((".dist-info", ".data"))}
    return sorted(t[:-3] if t.endswith(".py") else t for t in tops if "." not in t or t.endswith(".py"))


def lock_entry(name, version, path, depends=()):
    return {"name": name, "version": version, "file_name": path.name, "install_dir": "site",
            "sha256": sha256(path), "package_type": "package", "imports": wheel_imports(path),
            "depends": list(depends), "unvendored_tests": False}


# --------------------------------------------------------------------------- page conversion
# The first script of every page. Lecture mode: ?embed=1 and ?theme=projector become classes of
# <html> before anything paints (app.core.theme.lecture_css styles them). Then it starts Python's
# worker before the page's own scripts (Bokeh, Panel: a few MB of JavaScript) load, so both
# happen at once. The page's location rides in the worker URL's #fragment; messages that come
# before static/loading.js runs are kept for it.
EARLY_WORKER = """<script>(function () {
  var q = new URLSearchParams(window.location.search), root = document.documentElement;
  if (/^(1|true|yes|on)$/i.test(q.get("embed") || "")) root.classList.add("cnn-embed");
  if ((q.get("theme") || "").toLowerCase() === "projector") root.classList.add("cnn-projector");
  try {
    var w = new Worker("./{slug}.js#" + encodeURIComponent(JSON.stringify(window.location)));
    w.early = [];
    w.onmessage = function (e) { w.early.push(e) };
    w.onerror = function (e) { w.early.push({data: {type: "error", code: "worker", detail: e.message || "worker"}}) };
    window.CNN_WORKER = w;
  } catch (e) { window.CNN_WORKER_ERROR = String(e) }
})()</script>"""


class _Template:
    """A Jinja template with extra variables, standing in for one of panel's templates."""

    def __init__(self, source, extra):
        from jinja2 import Environment
        self.template = Environment(autoescape=False).from_string(source)
        self.extra = extra

    def render(self, context=None, **kw):
        return self.template.render({**(context or {}), **kw, **self.extra})


def convert_page(page_path, out_dir, site_config, offline):
    """Convert one page with panel's converter, using this project's worker and loading screen."""
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    # Panel writes its CDN URLs; the URL table maps them into the site afterwards (a relative
    # PANEL_CDN_ROOT here would break Panel's template resource lookup).
    import panel.io.convert as convert
    loading_js = (STATIC / "loading.js").read_text(encoding="utf-8")
    loading_css = (STATIC / "loading.css").read_text(encoding="utf-8")
    convert.WORKER_HANDLER_TEMPLATE = _Template(
        "window.CNN_SITE = {{ site_json }};\n" + loading_js,
        {"site_json": json.dumps(site_config, ensure_ascii=False)})
    convert.WEB_WORKER_TEMPLATE = _Template(
        (STATIC / "site_worker.js").read_text(encoding="utf-8"),
        {"site_json": json.dumps(site_config, ensure_ascii=False)})
    # Every package is loaded by the worker (site_worker.js), none from panel's requirement list.
    with convert.set_resource_mode("cdn"):  # as convert_app does
        html_text, worker = convert.script_to_html(
            page_path, requirements=[], runtime="pyodide-worker",
            prerender=True, panel_version="auto", inline=False, compiled=False,
            css_resources=[f'<style type="text/css">\n{loading_css}\n</style>'])
    slug = Path(page_path).stem
    html_text = html_text.replace("<head>", "<head>\n" + EARLY_WORKER.replace("{slug}", slug), 1)
    (Path(out_dir) / f"{slug}.html").write_text(html_text, encoding="utf-8")
    (Path(out_dir) / f"{slug}.js").write_text(worker, encoding="utf-8")
    return slug


# Panel's dist/bundled holds 94 MB of third-party assets; the site serves only these folders
# (themes loaded at run time, the ES-module shim) and the files the pages name.
BUNDLED_ALWAYS = ("theme", "reactiveesm")


def vendor_panel_bundled(out, panel_version):
    """Copy the needed part of Panel's dist/bundled into the offline site."""
    import panel
    bundled = Path(panel.__file__).parent / "dist" / "bundled"
    target = out / "panel-cdn" / panel_version / "dist" / "bundled"
    for name in BUNDLED_ALWAYS:
        shutil.copytree(bundled / name, target / name, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("*.map"))
    pattern = re.compile(rf"panel-cdn/{re.escape(panel_version)}/dist/bundled/([^\s\"'`)<>?#]+)")
    for page in out.glob("*.html"):
        for rel in pattern.findall(page.read_text(encoding="utf-8")):
            src = bundled / rel.replace("%5E", "^")
            if src.is_file():
                (target / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, target / rel.replace("%5E", "^"))


def index_html(pages):
    """A plain bilingual list of the pages (no scripts from anywhere)."""
    items = "\n".join(
        f'    <li><a href="./{p.slug}.html"><span lang="en">{html.escape(p.title_en)}</span>'
        f' · <span lang="zh">{html.escape(p.title_zh)}</span></a></li>' for p in pages)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>CNN Playground · CNN 游乐场</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#222}}
a{{color:#0b5cad;text-decoration:none}}a:hover{{text-decoration:underline}}li{{margin:.4rem 0}}</style></head>
<body><h1>CNN Playground · CNN 游乐场</h1>
<p>Learn convolutional networks by playing with them — everything runs in your browser.<br>
在浏览器中动手学习卷积神经网络 —— 全部在本地运行。</p>
<ul data-testid="page-list">
{items}
</ul></body></html>
"""


# --------------------------------------------------------------------------- the build
# Hosts the default (CDN) build may name: Pyodide's CDN, Bokeh's and Panel's.
CDN_HOSTS = ("cdn.jsdelivr.net", "cdn.bokeh.org", "cdn.holoviz.org")
PYODIDE_CDN = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
# What the CDN mode downloads from Pyodide's CDN, in bytes (for the loading bar's total only).
CDN_SIZES = {"pyodide.asm.wasm": 8_647_684, "pyodide.asm.js": 1_074_322, "python_stdlib.zip": 2_423_989,
             "pyodide-lock.json": 120_010, "numpy-2.2.5-cp313-cp313-pyodide_2025_0_wasm32.whl": 3_110_297}


def pure_wheels(out_dir, cache, pyc):
    """Every pure-Python package the pages need, slimmed (and precompiled with ``pyc``), in
    ``out_dir``: {lock name: (version, wheel path)}. Includes the pure nh3 stand-in."""
    wheels = {}
    for pkg, version in PURE_PACKAGES.items():
        version = version or metadata.version(pkg)
        whl = pip_download(f"{pkg}=={version}", cache / "wheels")
        drop = [re.compile(p.pattern.replace("{version}", re.escape(version)))
                for p in WHEEL_DROP.get(norm(pkg), ())]
        wheels[norm(pkg)] = (version, slim_wheel(whl, out_dir, drop, pyc))
    for pkg, (version, folder) in SDIST_PURE_PACKAGES.items():
        wheels[pkg] = (version, pure_wheel_from_sdist(pkg, version, folder, cache, out_dir, pyc))
    # Panel's HTML cleaner nh3 is compiled (Rust); the site ships a pure-Python stand-in.
    wheels["nh3"] = ("0.0.0+site", make_wheel(out_dir, "nh3", "0.0.0+site",
                                              {"nh3.py": (ROOT / "scripts" / "site_nh3_shim.py").read_bytes()}))
    return wheels


def integrity(path):
    """The Subresource Integrity string of a file (``sha256-<base64>``)."""
    return "sha256-" + base64.b64encode(hashlib.sha256(Path(path).read_bytes()).digest()).decode()


def build(out, offline, pyodide_dist=None, pages=None, jobs=4):
    """Build the site into ``out`` (see the module docstring); returns the worker's site config."""
    import bokeh
    import panel
    out = Path(out)
    cache = cache_dir()
    panel_version, bokeh_version = panel.__version__, bokeh.__version__
    pages = pages or [p for p in PAGES if (ROOT / p.path).exists()]
    if not pages:
        raise SystemExit("no page to build: app/pages/ holds no page")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    pyc = pyc_python()
    if pyc:
        log(f"precompiling Python to bytecode with {pyc}")
    else:
        log("no python3.13 found: shipping .py sources (start-up is slower; set CNN_PYC_PYTHON)")

    # The same wheels in both modes: the site serves them itself (offline: with Pyodide).
    wheel_dir = out / ("pyodide" if offline else "wheels")
    log("building the project's wheels (cnncore with its assets, app) and the pure-Python packages")
    own = {norm(name): (whl.name.split("-")[1], whl) for name, whl in project_wheels(wheel_dir, pyc)}
    pure = pure_wheels(wheel_dir, cache, pyc)
    missing = []

    if offline:
        pyo = out / "pyodide"
        core = pyodide_core(cache)
        log(f"vendoring Pyodide {PYODIDE_VERSION} core from {core}")
        for name in ("pyodide.js", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"):
            shutil.copy2(core / name, pyo / name)
        if pyc:
            with zipfile.ZipFile(core / "python_stdlib.zip") as zf:
                std = {n: zf.read(n) for n in zf.namelist() if not n.endswith("/")}
            _write_zip(pyo / "python_stdlib.zip", to_pyc(std, pyc))
        base_lock = json.loads((core / "pyodide-lock.json").read_text())
        lock = {"info": base_lock["info"], "packages": {}}
        for name, (version, whl) in {**pure, **own}.items():
            lock["packages"][name] = lock_entry(name, version, whl, ["numpy"] if name in own else ())
        numpy = find_numpy(pyodide_dist)
        if numpy is None:
            missing.append("numpy")
            log("WARNING: no NumPy wasm wheel (give --pyodide-dist DIR or CNN_PYODIDE_NUMPY_WHEEL); "
                "the site will say so instead of starting")
        else:   # NumPy's own Python files precompiled too (its import is ~1 s from source)
            whl = slim_wheel(numpy, pyo, pyc=pyc)
            entry = dict(base_lock["packages"]["numpy"])
            entry.update(file_name=whl.name, sha256=sha256(whl))
            lock["packages"]["numpy"] = entry
        (pyo / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
        packages = sorted(lock["packages"]) + missing
        served = {f"./pyodide/{e['file_name']}": pyo / e["file_name"] for e in lock["packages"].values()}
        wheels = []
        # Bokeh's JS and Panel's dist folder, served next to the pages.
        bokeh_js = Path(bokeh.__file__).parent / "server" / "static" / "js"
        (out / "bokeh").mkdir()
        for f in bokeh_js.glob("bokeh*.min.js"):
            shutil.copy2(f, out / "bokeh" / f.name.replace(".min.js", f"-{bokeh_version}.min.js"))
        dist = Path(panel.__file__).parent / "dist"
        shutil.copytree(dist, out / "panel-cdn" / panel_version / "dist",
                        ignore=shutil.ignore_patterns("*.map", "wheels", "dts", "panel.js", "panel.json", "lib", "bundled"))
    else:
        # Pyodide and NumPy (compiled) from Pyodide's CDN, by its own lock file; the wheels above
        # are loaded by URL from the site.
        packages = ["numpy"]
        served = {f"./wheels/{whl.name}": whl for _, whl in {**pure, **own}.values()}
        wheels = sorted(served)
    sizes = {Path(k).name: v.stat().st_size for k, v in served.items()}
    if offline:
        sizes.update({n: (out / "pyodide" / n).stat().st_size
                      for n in ("pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")})
    else:
        sizes.update(CDN_SIZES)

    site_config = {
        "mode": "offline" if offline else "cdn",
        "pyodideURL": "./pyodide/pyodide.js" if offline else PYODIDE_CDN + "pyodide.js",
        "indexURL": "./pyodide/" if offline else PYODIDE_CDN,
        "packages": packages,
        "wheels": wheels,
        "prefetch": {url: integrity(path) for url, path in sorted(served.items())},
        "missing": missing,
        "sizes": sizes,
        "panelCdnRoot": "./panel-cdn/" if offline else None,
        "appDir": "/home/pyodide/app/",
        "pages": [{"slug": p.slug, "en": p.title_en, "zh": p.title_zh} for p in pages],
    }
    (out / "static").mkdir()
    log(f"converting {len(pages)} page(s) with panel's converter: {', '.join(p.path for p in pages)}")
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(pages)), mp_context=ctx) as pool:
        futures = {pool.submit(convert_page, str(ROOT / p.path), str(out.resolve()), site_config, offline): p
                   for p in pages}
        for fut in concurrent.futures.as_completed(futures):
            log(f"  converted {futures[fut].path} -> {fut.result()}.html")
    (out / "index.html").write_text(index_html(pages), encoding="utf-8")
    # Panel's templates name ./favicon.ico.
    shutil.copy2(Path(panel.__file__).parent / "dist" / "images" / "favicon.ico", out / "favicon.ico")

    table = url_table(offline, panel_version, bokeh_version)
    for path in list(out.glob("*.html")) + list(out.glob("*.js")):
        path.write_text(rewrite_urls(path.read_text(encoding="utf-8"), table), encoding="utf-8")
    if offline:
        vendor_panel_bundled(out, panel_version)
    problems = site_url_problems(out, offline)
    if problems:
        raise SystemExit(f"URLs outside the allowed hosts in the site: {json.dumps(problems, indent=1)}")
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    log(f"done: {out} ({total / 1e6:.1f} MB, {len(pages)} page(s), mode {site_config['mode']}"
        + (f", MISSING: {', '.join(missing)}" if missing else "") + ")")
    return site_config


def site_url_problems(out, offline):
    """{file: [URLs]} naming a host the site may not use: none offline, CDN_HOSTS in CDN mode."""
    allowed = () if offline else CDN_HOSTS
    files = list(out.glob("*.html")) + list(out.glob("*.js")) + list(out.glob("pyodide/*.json"))
    problems = {}
    for path in files:
        bad = sorted(u for u in outside_urls(path.read_text(encoding="utf-8", errors="replace"))
                     if urlsplit(u).hostname not in allowed)
        if bad:
            problems[str(path.relative_to(out))] = bad
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "site"))
    parser.add_argument("--offline", action="store_true", help="vendor everything; no outside request")
    parser.add_argument("--pyodide-dist", default=os.environ.get("CNN_PYODIDE_DIST"),
                        help="folder holding NumPy's wasm wheel (numpy-*-cp313-*wasm32.whl)")
    parser.add_argument("--pages", nargs="*", help="build these page files instead of PAGES")
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args(argv)
    pages = [Page(p, *page_title(Path(p).stem)) for p in args.pages] if args.pages else None
    build(args.out, args.offline, args.pyodide_dist, pages, args.jobs)


if __name__ == "__main__":
    main()

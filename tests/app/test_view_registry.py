"""The one list of views (app/view_registry.py): the pages, the playground and the static-site
build all read it, and every page file is the same three lines."""
import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import panel as pn
import param
import pytest

from app import view_registry
from app.core.i18n import LANGUAGES, STRINGS
from app.views.lesson.view import LessonView
from app.views.playground.view import Playground

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "app" / "pages"
THREE_LINES = (
    "import pathlib, sys  # noqa: E401\n"
    "sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))  # the repo root, for `import app`\n"
    'from app.page import serve; serve("{key}")  # noqa: E402,E702\n'
)


def _build_site():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_site
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return build_site


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.py")), ids=lambda p: p.stem)
def test_every_page_file_is_its_docstring_and_the_same_three_lines(path):
    text = path.read_text(encoding="utf-8")
    module = ast.parse(text)
    doc = ast.get_docstring(module, clean=False)
    assert doc and "URL query" in doc, f"{path.name}: its docstring names the URL query"
    assert text == f'"""{doc}"""\n' + THREE_LINES.format(key=path.stem)


def test_every_entry_has_a_page_is_in_the_playground_and_in_the_site_and_nothing_else_is():
    from app.views.playground.view import ALL_VIEWS, LABS, VIEWS
    keys = [s.key for s in view_registry.PAGES]
    assert len(set(keys)) == len(keys), keys
    assert keys[0] == "playground" and view_registry.PAGES[0] is view_registry.PLAYGROUND
    assert sorted(p.stem for p in PAGES.glob("*.py")) == sorted(keys)
    views = [s.key for s in view_registry.VIEWS]
    assert list(ALL_VIEWS) == views                                   # the navigation's order
    assert list(VIEWS) == [s.key for s in view_registry.VIEWS if s.row == "views"]
    assert list(LABS) == [s.key for s in view_registry.VIEWS if s.row == "labs"]
    assert {s.row for s in view_registry.VIEWS} == {"views", "labs"}
    for entry in view_registry.VIEWS:
        assert ALL_VIEWS[entry.key] == (entry.nav, entry.module, entry.cls)
    build_site = _build_site()
    assert [p.slug for p in build_site.PAGES] == keys
    assert [p.path for p in build_site.PAGES] == [s.page_path for s in view_registry.PAGES]
    assert [(p.title_en, p.title_zh) for p in build_site.PAGES] == [(s.title["en"], s.title["zh"])
                                                                   for s in view_registry.PAGES]


def test_the_site_build_reads_the_registry_not_the_sources(monkeypatch):
    build_site = _build_site()
    source = (ROOT / "scripts" / "build_site.py").read_text(encoding="utf-8")
    assert "ast.parse" not in source and "playground.py" not in source
    extra = view_registry.ViewSpec("extra", "nav_extra", "app.views.extra", "Extra", "view_extra",
                                   {"en": "Extra lab", "zh": "额外实验室"})
    monkeypatch.setattr(view_registry, "PAGES", view_registry.PAGES + (extra,))
    assert build_site.discover_pages()[-1] == build_site.Page("app/pages/extra.py", "Extra lab", "额外实验室")
    assert build_site.page_title("extra") == ("Extra lab", "额外实验室")
    assert build_site.page_title("no_such_page") == ("no_such_page", "no_such_page")


def test_the_registry_and_the_site_build_import_no_view_and_no_panel():
    probe = ("import sys; sys.path.insert(0, 'scripts'); import build_site, app.view_registry; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('panel', 'bokeh') or m.startswith('app.views')))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


@pytest.mark.parametrize("entry", view_registry.PAGES, ids=lambda s: s.key)
def test_every_entry_names_a_class_its_strings_and_its_methods(entry):
    cls = getattr(importlib.import_module(entry.module), entry.cls)
    for name in entry.options:
        assert name in cls.param or name in inspect.signature(cls.__init__).parameters, f"{entry.cls}: {name}?"
    if entry.later:
        assert callable(getattr(cls, entry.later, None)), f"{entry.cls}.{entry.later}"
    if entry.loading:
        importlib.import_module(entry.strings_module)
    keys = [entry.title_key, entry.header] + [k for k in (entry.nav, entry.loading) if k]
    for key in keys:
        assert key in STRINGS and set(STRINGS[key]) == set(LANGUAGES), key
    assert STRINGS[entry.title_key] == entry.title
    assert re.search(r"[\u4e00-\u9fff]", entry.title["zh"]) and entry.title["en"] != entry.key
    assert entry.tab_title.startswith("CNN Playground")


def test_a_misspelt_page_names_the_known_ones():
    with pytest.raises(KeyError, match="pooling"):
        view_registry.spec("poolnig")


@pytest.mark.parametrize("folder, above", [("core", "widgets|views|page"), ("widgets", "views|page")])
def test_core_and_widgets_import_nothing_above_them(folder, above):
    """The layering: app.core is below app.widgets, which is below app.views, then app.page."""
    paths = sorted((ROOT / "app" / folder).glob("*.py"))
    assert len(paths) > 5, paths
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                assert not re.match(rf"^(\.\.|app\.)({above})\b", name), f"{path.name} imports {name}"


class FakeView(pn.viewable.Viewer):
    """A stand-in view for a registry entry: records what the page does with it."""

    lang = param.Selector(default="en", objects=list(LANGUAGES))
    calls = []

    def __init__(self, held_back=False, **params):
        super().__init__(**params)
        self.calls.append(("made", held_back))

    def sync_url(self):
        self.calls.append("sync_url")

    def slow_work(self):
        self.calls.append("slow_work")

    def __panel__(self):
        return pn.pane.HTML("fake view")


@pytest.fixture
def served(monkeypatch):
    """``served(entry)`` -> (the page's body, its header's string key), as ``app.page.serve`` made them."""
    import app.page as page_mod
    made = []
    real_page = page_mod.page

    def page(target, subtitle_key="app_subtitle"):
        made.append((target, subtitle_key))
        return real_page(target, subtitle_key)

    monkeypatch.setattr(page_mod, "page", page)

    def serve(entry):
        monkeypatch.setattr(page_mod, "spec", lambda key: entry)
        FakeView.calls = []
        page_mod.serve(entry.key)
        return made[-1]
    return serve


@pytest.mark.parametrize("defer", [True, False])
def test_serve_makes_the_page_of_an_entry_with_its_extras(served, defer):
    """Without a server the view is built at once (a deferred one too), the URL applied, then the
    work the entry held back is done; the header line comes from the entry."""
    from app.page import DeferredView
    entry = view_registry.ViewSpec("fake", "nav_fake", __name__, "FakeView", "view_lesson",
                                   {"en": "Fake", "zh": "假"}, defer=defer, subtitle="grad_subtitle",
                                   options={"held_back": True}, later="slow_work")
    body, header = served(entry)
    assert header == "grad_subtitle"
    assert FakeView.calls == [("made", True), "sync_url", "slow_work"]
    view = body.view if defer else body
    assert isinstance(body, DeferredView) == defer and isinstance(view, FakeView)
    body.lang = "zh"
    assert view.lang == "zh"                                          # the header's switch reaches the view
    view.lang = "en"
    assert body.lang == "en"


def test_the_lesson_and_the_playground_pages(served):
    lesson, header = served(view_registry.spec("lesson"))
    assert isinstance(lesson.view, LessonView) and header == "view_lesson"
    playground, header = served(view_registry.spec("playground"))
    assert isinstance(playground, Playground) and header == "app_subtitle" and list(playground.views) == ["draw"]


def test_a_deferred_view_shows_a_spinner_and_its_loading_line_until_built():
    from app.page import DeferredView
    body = DeferredView(lambda lang: FakeView(lang=lang), loading="view_lesson", lang="zh")
    waiting = body._holder[0]
    assert isinstance(waiting[0], pn.indicators.LoadingSpinner) and "课程" in waiting[1].object
    body.build()
    assert len(body._holder) == 1 and body._holder[0] is not waiting            # the view took its place


def test_every_page_title_is_written_in_the_registry_only():
    """A title lives in app/view_registry.py; a string table that said it again could drift."""
    sources = [p for p in (ROOT / "app").rglob("*.py") if p.name != "view_registry.py"]
    assert len(sources) > 50
    for entry in view_registry.PAGES:
        written = [p.relative_to(ROOT) for p in sources if f'"{entry.title_key}": {{' in p.read_text(encoding="utf-8")]
        assert not written, f"{entry.title_key} is written again in {written}"

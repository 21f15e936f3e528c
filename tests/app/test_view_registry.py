"""The one list of views (app/view_registry.py): the pages, the playground and the static-site
build all read it, and every page file is the same three lines."""
import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from app import view_registry
from app.i18n import LANGUAGES, STRINGS, t

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
    from app.views.playground import ALL_VIEWS, LABS, VIEWS
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
        importlib.import_module(entry.module + "_strings")
    keys = [entry.title_key, entry.header] + [k for k in (entry.nav, entry.loading) if k]
    for key in keys:
        assert key in STRINGS and set(STRINGS[key]) == set(LANGUAGES), key
    assert STRINGS[entry.title_key] == entry.title
    assert re.search(r"[\u4e00-\u9fff]", entry.title["zh"]) and entry.title["en"] != entry.key
    assert entry.tab_title.startswith("CNN Playground")


def test_a_misspelt_page_names_the_known_ones():
    with pytest.raises(KeyError, match="pooling"):
        view_registry.spec("poolnig")


def test_components_import_neither_the_views_nor_the_pages():
    """The layering: app.components is below app.views, which is below app.page."""
    for path in sorted((ROOT / "app" / "components").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                assert not re.match(r"^(\.\.|app\.)(views|page)\b", name), f"{path.name} imports {name}"


def test_serve_makes_the_page_of_an_entry(monkeypatch):
    """Without a server the view is built at once (a deferred one too), its slow work done; the
    page's header line and tab title come from the entry."""
    import app.page as page_mod
    made = []
    real_page = page_mod.page

    def page(target, subtitle_key="app_subtitle"):
        made.append((target, subtitle_key))
        return real_page(target, subtitle_key)

    monkeypatch.setattr(page_mod, "page", page)
    for key in ("lesson", "playground"):
        page_mod.serve(key)
    (lesson, lesson_header), (playground, playground_header) = made
    assert isinstance(lesson, page_mod.DeferredView) and type(lesson.view).__name__ == "LessonView"
    assert lesson_header == "view_lesson" and playground_header == "app_subtitle"
    lesson.lang = "zh"
    assert lesson.view.lang == "zh"                                  # the header's switch reaches the view
    lesson.view.lang = "en"
    assert lesson.lang == "en"
    assert type(playground).__name__ == "Playground" and list(playground.views) == ["draw"]


def test_a_deferred_page_runs_its_slow_work_once_built():
    from app.page import DeferredView
    calls = []
    body = DeferredView(lambda lang: _Fake(lang, calls), after_build=lambda v: calls.append("later"),
                        loading="view_lesson", lang="zh")
    assert "课程" in str(body._holder[0][1].object)                   # the loading line, in the page's language
    body.build()
    assert calls == ["sync_url", "later"] and body.view.lang == "zh"
    assert "fake" in str(body._holder[0].object) and len(body._holder) == 1       # the view took the spinner's place


class _Fake:
    """A stand-in view: a ``lang`` parameter and ``sync_url``."""

    def __new__(cls, lang, calls):
        import panel as pn
        import param

        class Fake(pn.viewable.Viewer):
            lang = param.String(default="en")

            def sync_url(self):
                calls.append("sync_url")

            def __panel__(self):
                return pn.pane.HTML("fake")

        return Fake(lang=lang)

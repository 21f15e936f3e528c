"""The whole-app page: navigation, shared language and models (no browser)."""
import pytest
from panel.io.location import Location

from app.core.i18n import t
import numpy as np

from app.views.playground.view import ALL_VIEWS, LABS, VIEWS, Playground


def make():
    return Playground(lang="en")


def test_only_the_shown_view_is_built():
    app = make()
    assert list(app.views) == ["draw"]
    assert [p.visible for p in app.panels.values()] == [k == "draw" for k in ALL_VIEWS]


def test_language_reaches_every_view_and_the_navigation():
    app = make()
    app.lang = "zh"
    assert list(app.nav.options) == [t(title, "zh") for title, _, _ in VIEWS.values()]
    assert list(app.labs_nav.options) == [t(title, "zh") for title, _, _ in LABS.values()]
    assert app.views["draw"].clear_button.label == "清除"


def test_views_share_the_session_registry_and_sessions_do_not():
    a, b = make(), make()
    assert a.views["draw"].session is a.session
    assert a.session is not b.session


def test_a_broken_view_shows_a_message(monkeypatch):
    monkeypatch.setitem(ALL_VIEWS, "train", ("view_train", "app.views.no_such_module", "Nope"))
    app = make()
    app.nav.value = "train"
    view = app.views["train"]
    assert view._error.visible and "no_such_module" in view._error.object
    assert [p.visible for p in app.panels.values()] == [k == "train" for k in ALL_VIEWS]


def test_url_state_with_view_prefixes():
    location = Location(search="?lang=zh&draw_brush=34")
    app = make()
    app.sync_url(location)
    assert (app.lang, app.view, app.views["draw"].brush) == ("zh", "draw", 34)
    assert app.views["draw"].lang == "zh"
    app.views["draw"].brush = 10
    assert location.query_params["draw_brush"] == 10
    app.nav.value = "conv"
    assert location.query_params["view"] == "conv"


def test_labs_row_and_main_row_select_one_view():
    app = make()
    app.labs_nav.value = "pooling"
    assert app.view == "pooling" and app.nav.value is None
    app.nav.value = "draw"
    assert app.view == "draw" and app.labs_nav.value is None


def test_the_drawing_follows_into_views_that_look_at_it():
    app = make()
    digit = np.zeros((28, 28), np.float32)
    digit[4:24, 12:16] = 1.0
    app.session.drawing = digit
    app.view = "inside"
    inside = app.views["inside"]
    np.testing.assert_array_equal(inside.image, digit)
    later = np.roll(digit, 3, axis=1)
    app.session.drawing = later
    np.testing.assert_array_equal(inside.image, later)


@pytest.mark.parametrize("key", [k for k in ALL_VIEWS if k != "draw"])
def test_every_view_builds_with_the_shared_registry(key):
    app = make()
    app.view = key
    view = app.views[key]
    assert not view._error.visible, view._error.object
    assert view.session is app.session
    app.lang = "zh"
    assert view.lang == "zh"


def test_url_names_only_changed_settings_and_a_shared_link_restores_them():
    """Switching through every view wrote every setting of every view (a URL of ~1,500 characters)."""
    location = Location(search="?lang=en")
    app = make()
    app.sync_url(location)
    for key in ALL_VIEWS:
        app.view = key
        assert app.view == key and app.panels[key].visible    # building it did not switch back
    assert set(app.views) == set(ALL_VIEWS)
    assert len(location.search) < 200, location.search
    draw = app.views["draw"]
    start = draw.brush
    draw.brush = start + 7                                     # a change is in the URL ...
    assert location.query_params["draw_brush"] == start + 7
    shared = location.search
    draw.brush = start                                         # ... and leaves it when undone
    assert "draw_brush" not in location.query_params
    draw.brush = start + 7
    other = make()                                             # the shared link restores the change
    other.sync_url(Location(search=shared))
    other.view = "draw"
    assert other.views["draw"].brush == start + 7


def test_every_browser_component_exists_before_the_first_render():
    """The page learns a custom component's type only from the document it is first rendered
    with; views built later (on first show) must not bring a new one ("could not resolve type")."""
    import subprocess
    import sys
    probe = """
import importlib, pkgutil
from panel.custom import ReactiveESM
import app, app.views.playground.view
def every(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from every(sub)
before = {c.__qualname__ for c in every(ReactiveESM) if c.__module__.startswith("app.")}
for mod in pkgutil.walk_packages(app.__path__, "app."):
    if not mod.name.startswith("app.pages"):
        importlib.import_module(mod.name)
after = {c.__qualname__ for c in every(ReactiveESM) if c.__module__.startswith("app.")}
print(sorted(before), sorted(after - before))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    before, late = out.rsplit("] [", 1)
    assert "FileUpload" in before and "Webcam" in before, out
    assert late.strip() == "]", f"imported only by a view built later: {late}"


def test_a_playing_lesson_hides_the_navigation():
    """The lesson's play mode hides the page's header; in the playground, the navigation too."""
    app = make()
    app.view = "lesson"
    lesson = app.views["lesson"]
    lesson.__panel__()
    assert app.nav.visible and app.labs_row.visible
    lesson.open_example("convolution")
    lesson.start()
    assert lesson.play and not app.nav.visible and not app.labs_row.visible
    lesson.play = False
    assert app.nav.visible and app.labs_row.visible
    lesson.start()
    app.view = "draw"                              # (the lesson keeps playing, hidden)
    assert app.nav.visible
    app.view = "lesson"
    assert not app.nav.visible


def test_your_classes_pictures_and_training_survive_switching_views():
    """A student's captured pictures and training run are kept while they look at another view."""
    app = make()
    app.view = "classes"
    classes = app.views["classes"]
    classes.autoplay = False
    classes.load_starter()
    classes.step_once()
    counts, steps = classes.data.counts(), classes.steps
    assert steps == 1 and sum(counts) > 0
    app.view = "inside"
    app.view = "train"
    app.view = "classes"
    assert app.views["classes"] is classes
    assert classes.data.counts() == counts and classes.steps == steps and classes.status == "paused"
    classes.step_once()                                 # the same run goes on
    assert classes.steps == steps + 1

"""The whole-app page: navigation, shared language and models (no browser)."""
from panel.io.location import Location

from app.i18n import t


def make():
    from app.playground import Playground
    return Playground(lang="en")


def test_language_reaches_every_view_and_the_navigation():
    app = make()
    app.lang = "zh"
    assert list(app.nav.options) == [t(k, "zh") for k in ("view_draw", "view_inside", "view_conv", "view_train")]
    assert all(view.lang == "zh" for view in app.views.values())
    assert app.views["draw"].clear_button.label == "清除"


def test_navigation_shows_one_view():
    app = make()
    app.nav.value = "train"
    assert app.view == "train"
    assert [p.visible for p in app.panels.values()] == [False, False, False, True]


def test_views_share_the_session_registry_and_sessions_do_not():
    a, b = make(), make()
    assert all(view.registry is a.registry for view in a.views.values())
    assert a.registry is not b.registry


def test_url_state_with_view_prefixes():
    location = Location(search="?lang=zh&view=conv&draw_brush=34")
    app = make()
    app.sync_url(location)
    assert (app.lang, app.view, app.views["draw"].brush) == ("zh", "conv", 34)
    assert app.views["draw"].lang == "zh"
    app.views["draw"].brush = 10
    assert location.query_params["draw_brush"] == 10

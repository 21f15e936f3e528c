"""Links with bad values: each is refused on its own, named, and shown as plain text."""
import importlib
import logging
from urllib.parse import urlencode

import pytest
from bokeh.document import Document
from panel.io.location import Location

from app.core.text import Notice, plain_html, shorten
from app.core.url_check import allowed_values, url_problems
from app.views.draw.view import DrawView
from app.views.playground.view import ALL_VIEWS, Playground
from tests.hostile import PAYLOADS, SHORT_PAYLOAD


def _view(key, **params):
    _, module, cls = ALL_VIEWS[key]
    return getattr(importlib.import_module(module), cls)(**params)


def _rendered(pane):
    """The text a Notice sends to the browser (Bokeh's Div un-escapes it once more there)."""
    model = pane.get_root(Document())
    return model.text


def test_notice_sends_markup_as_text():
    pane = Notice(SHORT_PAYLOAD + "\n__cnncore__ $$x$$")
    sent = _rendered(pane)
    assert "<img" not in sent.replace("&lt;img", "") and "&amp;lt;img" in sent
    assert pane.object.startswith(SHORT_PAYLOAD)          # the object stays the text itself
    assert plain_html("a<b>\n") == "a&lt;b&gt;<br>"


def test_shorten_names_a_long_value_by_its_start():
    assert shorten("x" * 10_000, 40) == "x" * 39 + "…" and shorten("abc") == "abc"


@pytest.mark.parametrize("value", [SHORT_PAYLOAD, float("nan"), float("inf"), -float("inf"), 1e308, "x" * 10_000,
                                   3.5, [1, 2], {"a": 1}, True])
def test_bad_brush_values_are_refused(value):
    assert [p.name for p in url_problems(DrawView(), {"brush": "brush"}, {"brush": value})] == ["brush"]


def test_good_values_pass():
    assert url_problems(DrawView(), {"brush": "brush", "model": "model"}, {"brush": 30, "model": "tiny_vgg"}) == []


def test_only_the_bad_value_falls_back_and_is_explained_in_both_languages():
    location = Location(search="?" + urlencode({"brush": 30, "model": SHORT_PAYLOAD, "lang": "zh"}))
    view = DrawView()
    view.sync_url(location)
    assert view.brush == 30 and view.lang == "zh" and view.model == "lenet5"
    assert view._error.visible and view._error.alert_type == "warning"
    assert "model" in view._error.object and SHORT_PAYLOAD in view._error.object and "必须是" in view._error.object
    view.lang = "en"
    assert "must be one of lenet5" in view._error.object
    view.model = "tiny_vgg"                # the student sets it: the note goes
    assert not view._error.visible


def test_when_the_browser_sends_the_original_link_again_the_good_values_still_apply():
    location = Location(search="?brush=30")
    view = DrawView()
    view.sync_url(location)
    location.search = "?brush=12&model=nope"        # what Panel applies all at once, or not at all
    assert view.brush == 12 and view.model == "lenet5" and "nope" in view._error.object


@pytest.mark.parametrize("key", list(ALL_VIEWS))
def test_every_view_survives_hostile_values_in_every_parameter(key, caplog):
    view = _view(key)
    query = urlencode({name: PAYLOADS[0] for name in view.url_params})
    with caplog.at_level(logging.WARNING, logger="cnn_playground"):
        view.sync_url(Location(search="?" + query))
        view.lang = "zh"
    assert view._error.visible
    assert not [r for r in caplog.records if r.exc_info], "a handled bad value left a traceback"


def test_the_playground_explains_its_own_bad_values_in_the_view_it_shows():
    playground = Playground()
    playground.sync_url(Location(search="?" + urlencode({"view": SHORT_PAYLOAD, "draw_brush": 999})))
    shown = playground.views[playground.view]
    assert playground.view == "draw" and "view" in shown._error.object and "draw_brush" in shown._error.object


def test_allowed_values_say_what_is_allowed():
    view = DrawView()
    assert allowed_values(view.param.brush, "en") == "a whole number from 4 to 48"
    assert allowed_values(view.param.brush, "zh") == "从 4 到 48 的整数"
    assert allowed_values(view.param.model, "en").startswith("one of lenet5")

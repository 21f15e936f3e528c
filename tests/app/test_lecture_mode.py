"""Lecture mode without a browser: the URL flags, what they hide in every view, the
projector figures, the embed URL and snippet, the page and the Playground."""
import importlib
import re
from html import unescape

import panel as pn
import pytest
from panel.io.location import Location
from panel.util import edit_readonly

from app.core import lecture as embed_mod
from app.core.lecture import (EmbedButton, LectureMode, apply_lecture_mode, embed_snippet, embed_url,
                              lecture_mode)
from app.core.i18n import STRINGS
from app.core.theme import lecture_css
from app.views.base import View
from app.views.draw.view import DrawView
from app.views.playground.view import ALL_VIEWS, Playground


def _location(search="", hostname="127.0.0.1", port="5006", protocol="http:"):
    loc = Location()
    with edit_readonly(loc):
        loc.param.update(protocol=protocol, hostname=hostname, port=port, search=search)
    return loc


@pytest.mark.parametrize("query, expected", [
    ({}, LectureMode()),
    ({"embed": "1"}, LectureMode(embed=True)),
    ({"embed": "true", "explain": "1"}, LectureMode(embed=True, explain=True)),
    ({"controls": "0"}, LectureMode(controls=False)),
    ({"explain": "no"}, LectureMode(explain=False)),
    ({"theme": "Projector"}, LectureMode(projector=True)),
    ({"embed": "0", "controls": "yes", "theme": "dark"}, LectureMode()),
])
def test_flags_from_the_url(query, expected):
    assert LectureMode.from_query(query) == expected


def test_embed_implies_no_explanations_unless_asked():
    assert LectureMode(embed=True).explanations is False
    assert LectureMode(embed=True, explain=True).explanations is True
    assert LectureMode().explanations is True and LectureMode().is_default
    assert not LectureMode(projector=True).is_default
    assert lecture_mode(_location("?embed=1&theme=projector")) == LectureMode(embed=True, projector=True)
    assert LectureMode(embed=True, projector=True).html_classes == ["cnn-embed", "cnn-projector"]


def _visible_widgets(layout):
    return [w for w in layout.select(pn.widgets.WidgetBase) if w.visible]


def test_default_mode_changes_nothing():
    view = DrawView()
    layout = apply_lecture_mode(view, view.__panel__.__wrapped__(view), LectureMode())
    assert view.explanation.visible and view.clear_button.visible
    assert all(obj.visible for obj in layout.select(pn.layout.ListLike))


def test_controls_and_explanations_hidden_and_emptied_cards_too():
    view = DrawView()
    raw = view.__panel__.__wrapped__(view)
    assert _visible_widgets(raw) and view.explanation.visible
    layout = apply_lecture_mode(view, raw, LectureMode(controls=False, explain=False))
    assert not _visible_widgets(layout)
    assert not view.explanation.visible
    explain_card = next(c for c in layout.select(pn.Column) if view.explanation in c.objects)
    assert not explain_card.visible                      # nothing left in it
    canvas_card = next(c for c in layout.select(pn.Column) if view.canvas in c.objects)
    assert canvas_card.visible and view.canvas.visible   # the drawing stays


def test_explanations_only():
    view = DrawView()
    apply_lecture_mode(view, view.__panel__.__wrapped__(view), LectureMode(embed=True))
    assert not view.explanation.visible and view.clear_button.visible


def test_projector_enlarges_figure_texts_and_lines_once():
    view = DrawView()
    axis = view.bars.figure.xaxis[0]
    before = float(re.match(r"[\d.]+", axis.major_label_text_font_size).group())
    layout = view.__panel__.__wrapped__(view)
    apply_lecture_mode(view, layout, LectureMode(projector=True))
    after = float(re.match(r"[\d.]+", axis.major_label_text_font_size).group())
    assert after > 1.3 * before
    apply_lecture_mode(view, layout, LectureMode(projector=True))     # a re-render: not again
    assert float(re.match(r"[\d.]+", axis.major_label_text_font_size).group()) == after


def test_every_view_class_applies_lecture_mode():
    classes = [getattr(importlib.import_module(module), cls) for _, module, cls in ALL_VIEWS.values()]
    for cls in classes:
        assert issubclass(cls, View), cls
        assert getattr(cls.__panel__, "_lecture", False), f"{cls.__name__}.__panel__ is not wrapped"


def test_view_panel_reads_the_session_url(monkeypatch):
    monkeypatch.setattr(embed_mod, "lecture_mode", lambda location=None: LectureMode(controls=False))
    view = DrawView()
    layout = view.__panel__()
    assert not _visible_widgets(layout) and view.explanation.visible


def test_embed_url_keeps_the_state_and_adds_embed():
    loc = _location("?lang=zh&brush=30&embed=0")
    url = embed_url(loc)
    assert url.startswith("http://127.0.0.1:5006?") and "lang=zh" in url and "brush=30" in url
    assert url.count("embed=") == 1 and url.endswith("embed=1")
    assert embed_url(_location("", port="")) == "http://127.0.0.1?embed=1"


def test_snippet_is_escaped_html():
    snippet = embed_snippet('http://x/draw?a=1&b="2"', "Draw & predict", 800, 600)
    assert snippet.startswith("<iframe ") and snippet.endswith("</iframe>")
    assert 'src="http://x/draw?a=1&amp;b=&quot;2&quot;"' in snippet
    assert 'width="800" height="600"' in snippet and 'title="Draw &amp; predict"' in snippet
    src = unescape(re.search(r'src="([^"]+)"', snippet).group(1))
    assert src == 'http://x/draw?a=1&b="2"'


def test_embed_button_follows_the_url_and_the_language():
    loc = _location("?lang=en&kernel=3")
    button = EmbedButton(title_key="view_conv", location=loc, size=(900, 700))
    assert "kernel=3" in button.snippet and "embed=1" in button.snippet and 'width="900"' in button.snippet
    assert button.area.value == button.snippet and not button.panel.visible
    button.button.value = True
    assert button.panel.visible
    loc.update_query(kernel=5)
    assert "kernel=5" in button.snippet
    assert button.button.name == STRINGS["embed_button"]["en"]
    button.lang = "zh"
    assert button.button.name == STRINGS["embed_button"]["zh"]
    assert STRINGS["view_conv"]["zh"] in button.snippet and button.copy.name == STRINGS["embed_copy"]["zh"]


def test_strings_have_both_languages():
    for key in ("embed_button", "embed_tip", "embed_title", "embed_copy", "embed_help"):
        assert set(STRINGS[key]) == {"en", "zh"} and all(STRINGS[key].values())


def test_page_css_hides_the_header_when_embedded():
    css = lecture_css()
    assert "html.cnn-embed #header" in css and "html.cnn-projector" in css and "html:root" not in css
    embedded = lecture_css(LectureMode(embed=True))
    assert "html:root #header { display: none" in embedded
    assert "html:root body" not in embedded                     # projector rules stay conditional
    assert "html:root body" in lecture_css(LectureMode(projector=True))


def test_page_has_the_embed_button_and_panel(monkeypatch):
    from app import page as page_mod
    monkeypatch.setattr(page_mod, "lecture_mode", lambda: LectureMode(embed=True))
    view = DrawView()
    template = page_mod.page(view, "view_draw")
    header_buttons = [w for item in template.header for w in item.select(pn.widgets.Toggle)]
    assert header_buttons and header_buttons[0].name == STRINGS["embed_button"]["en"]
    assert any("cnn-embed-panel" in (obj.css_classes or []) for obj in template.main)
    assert any("html:root #header { display: none" in css for css in template.config.raw_css)
    view.lang = "zh"
    assert header_buttons[0].name == STRINGS["embed_button"]["zh"]


def test_playground_embedded_hides_the_navigation(monkeypatch):
    import app.views.playground.view as playground_mod
    monkeypatch.setattr(playground_mod, "lecture_mode", lambda: LectureMode(embed=True))
    playground = Playground(view="draw")
    layout = playground.__panel__()
    assert not playground.nav.visible
    assert not layout.objects[1].visible                       # the labs row
    monkeypatch.setattr(playground_mod, "lecture_mode", lambda: LectureMode())
    normal = Playground(view="draw")
    normal.__panel__()
    assert normal.nav.visible


def test_snippet_follows_a_url_change_of_search_and_href_at_once():
    """The browser reports a new URL as ``search`` and ``href`` in one change (a page load does):
    the snippet's watcher gets both events in one call."""
    loc = _location(search="?kernel=3")
    button = EmbedButton(title_key="view_conv", location=loc)
    with edit_readonly(loc):
        loc.param.update(search="?kernel=7", href="http://127.0.0.1:5006/conv?kernel=7")
    assert "kernel=7" in button.snippet and button.area.value == button.snippet

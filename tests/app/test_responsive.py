"""fit_layout in Python: every part of a view gets the phone stylesheets, cards and rows their
own, projector mode enlarges widgets (stylesheet and fixed widths) and cards grow to hold them,
parts added later are fitted too; the Convolution lab puts its picture first when embedded.
(How it looks in a browser: tests/e2e/test_layout.py.)"""
import panel as pn

from app.core import lecture as embed_mod
from app.core.lecture import LectureMode
from app.core.responsive import PROJECTOR_SCALE, fit_layout
from app.core.theme import (META_VIEWPORT, NARROW_CARD_CSS, NARROW_CSS, NARROW_ROW_CSS, PROJECTOR_WIDGET_CSS,
                            make_template)
from app.views.conv import view as conv_mod


def _layout():
    button = pn.widgets.Button(name="Go", width=100)
    select = pn.widgets.Select(options=["a", "b"], width=300)
    card = pn.Column(select, width=320, css_classes=["cnn-card"])
    row = pn.Row(button, pn.pane.HTML("<span class='x-note'>hint</span>"))
    return pn.Column(pn.FlexBox(card, row), sizing_mode="stretch_width"), button, select, card, row


def test_every_part_gets_the_phone_stylesheets_and_the_groups_are_centred():
    root, button, select, card, row = _layout()
    fit_layout(root, LectureMode())
    for obj in (root, button, select, card, row):
        assert NARROW_CSS in obj.stylesheets, obj
        assert PROJECTOR_WIDGET_CSS not in obj.stylesheets
    assert NARROW_CARD_CSS in card.stylesheets and NARROW_CARD_CSS not in row.stylesheets
    assert NARROW_ROW_CSS in row.stylesheets and NARROW_ROW_CSS not in card.stylesheets
    assert root.objects[0].justify_content == "center"
    assert (button.width, card.width) == (100, 320)         # nothing grows without a projector
    fit_layout(root, LectureMode())                           # a second pass adds nothing
    assert button.stylesheets.count(NARROW_CSS) == 1


def test_projector_enlarges_widgets_and_cards_grow_to_hold_them():
    root, button, select, card, row = _layout()
    fit_layout(root, LectureMode(projector=True))
    assert PROJECTOR_WIDGET_CSS in button.stylesheets and PROJECTOR_WIDGET_CSS in select.stylesheets
    assert button.width == round(100 * PROJECTOR_SCALE) and select.width == round(300 * PROJECTOR_SCALE)
    assert card.width >= select.width + 32


def test_parts_added_later_are_fitted():
    root, *_ , card, _row = _layout()
    fit_layout(root, LectureMode(projector=True))
    late = pn.widgets.Toggle(name="late", width=80)
    card.append(late)
    assert NARROW_CSS in late.stylesheets and PROJECTOR_WIDGET_CSS in late.stylesheets
    assert late.width == round(80 * PROJECTOR_SCALE)


def test_pages_carry_the_viewport_meta():
    assert make_template("t").meta_viewport == META_VIEWPORT
    assert "width=device-width" in META_VIEWPORT


def _first_cards(view):
    layout = view.__panel__()
    flex = next(o for o in layout.objects if isinstance(o, pn.FlexBox))
    return [o for o in flex.objects]


def test_embedded_conv_lab_puts_the_picture_first(monkeypatch):
    monkeypatch.setattr(conv_mod, "lecture_mode", lambda: LectureMode(embed=True))
    monkeypatch.setattr(embed_mod, "lecture_mode", lambda location=None: LectureMode(embed=True))
    view = conv_mod.ConvLab()
    first = _first_cards(view)[0]
    assert view.heading in first.objects            # the stage (the sliding window) comes first
    monkeypatch.setattr(conv_mod, "lecture_mode", lambda: LectureMode())
    monkeypatch.setattr(embed_mod, "lecture_mode", lambda location=None: LectureMode())
    view = conv_mod.ConvLab()
    assert view.settings_title in _first_cards(view)[0].objects


def test_projector_raises_small_hint_text_only():
    hint = pn.pane.HTML("hint", styles={"font-size": "14px", "color": "#52606D"})
    big = pn.pane.HTML("title", styles={"font-size": "28px"})
    fit_layout(pn.Column(hint, big), LectureMode(projector=True))
    assert hint.styles["font-size"] == "20px" and hint.styles["color"] == "#000"
    assert big.styles["font-size"] == "28px"
    plain = pn.pane.HTML("hint", styles={"font-size": "14px"})
    fit_layout(pn.Column(plain), LectureMode())
    assert plain.styles["font-size"] == "14px"

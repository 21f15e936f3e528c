"""Draw & predict in a real browser: strokes in, a digit out, in two languages."""
import math
import re

import pytest
from playwright.sync_api import expect

from app.core.i18n import t
from app.views.draw import strings  # noqa: F401  (registers the texts)
from app.core.session import SessionState

pytestmark = pytest.mark.e2e

DIGIT = re.compile(r"^[0-9]$")


def draw_line(page, canvas, start, end, steps=16):
    """Drag the mouse from ``start`` to ``end``, given as fractions of the canvas size."""
    box = canvas.bounding_box()
    x = lambda f: box["x"] + f * box["width"]   # noqa: E731
    y = lambda f: box["y"] + f * box["height"]  # noqa: E731
    page.mouse.move(x(start[0]), y(start[1]))
    page.mouse.down()
    for i in range(1, steps + 1):
        s = i / steps
        page.mouse.move(x(start[0] + s * (end[0] - start[0])), y(start[1] + s * (end[1] - start[1])))
    page.mouse.up()


def default_model_is_pretrained():
    session = SessionState()
    return session.entry(session.default).pretrained


def test_draw_predict_clear_undo_and_language(app_page, panel_app, screenshot):
    page = app_page
    page.goto(panel_app("app/pages/draw.py"))
    canvas = page.get_by_test_id("draw-canvas")
    prediction = page.get_by_test_id("prediction")
    expect(canvas).to_be_visible()
    expect(prediction).to_have_text("")
    expect(page.get_by_test_id("prediction-hint")).to_have_text(t("hint_draw", "en"))

    # A vertical stroke: a "1" for a trained model, some digit for an untrained one.
    draw_line(page, canvas, (0.5, 0.15), (0.5, 0.85))
    expect(prediction).to_have_text("1" if default_model_is_pretrained() else DIGIT)
    expect(page.get_by_test_id("prediction-hint")).to_have_text("")
    screenshot(page, "draw-en")

    # Undo removes the stroke; drawing again and Clear empties the canvas.
    page.get_by_role("button", name=t("undo", "en"), exact=True).click()
    expect(prediction).to_have_text("")
    draw_line(page, canvas, (0.3, 0.2), (0.7, 0.8))
    expect(prediction).to_have_text(DIGIT)
    page.get_by_role("button", name=t("clear", "en"), exact=True).click()
    expect(prediction).to_have_text("")

    # Keyboard: the canvas takes focus; Ctrl+Z undoes, Delete clears.
    draw_line(page, canvas, (0.5, 0.15), (0.5, 0.85))
    draw_line(page, canvas, (0.3, 0.5), (0.7, 0.5))
    expect(prediction).to_have_text(DIGIT)
    canvas.focus()
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    expect(prediction).to_have_text("")

    # Switch to Chinese and back: labels change, the drawing and prediction stay.
    draw_line(page, canvas, (0.5, 0.15), (0.5, 0.85))
    expect(prediction).to_have_text(DIGIT)
    digit = prediction.text_content()
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_role("button", name=t("clear", "zh"), exact=True)).to_be_visible()
    expect(page.get_by_text(t("draw_heading", "zh"), exact=True)).to_be_visible()
    expect(prediction).to_have_text(digit)
    expect(page).to_have_url(re.compile(r"[?&]lang=zh"))
    screenshot(page, "draw-zh")
    page.get_by_role("button", name="English", exact=True).click()
    expect(page.get_by_role("button", name=t("clear", "en"), exact=True)).to_be_visible()
    canvas.focus()
    page.keyboard.press("Delete")
    expect(prediction).to_have_text("")


def test_sample_digit_and_url_state(app_page, panel_app):
    page = app_page
    page.goto(panel_app("app/pages/draw.py", lang="zh", brush=30))
    expect(page.get_by_role("button", name=t("clear", "zh"), exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(t("brush", "zh")))).to_be_visible()
    page.get_by_role("button", name="7", exact=True).click()
    prediction = page.get_by_test_id("prediction")
    expect(prediction).to_have_text("7" if default_model_is_pretrained() else DIGIT)


def test_chinese_browser_gets_chinese(open_page, panel_app):
    page = open_page("zh-CN")
    page.goto(panel_app("app/pages/draw.py"))
    expect(page.get_by_role("button", name=t("clear", "zh"), exact=True)).to_be_visible()


def test_playground_navigation(app_page, panel_app, screenshot):
    page = app_page
    page.goto(panel_app("app/pages/playground.py"))
    for key in ("view_draw", "view_inside", "view_conv", "view_train"):
        expect(page.get_by_role("button", name=t(key, "en"), exact=True)).to_be_visible()
    canvas = page.get_by_test_id("draw-canvas")
    draw_line(page, canvas, (0.5, 0.15), (0.5, 0.85))
    prediction = page.get_by_test_id("prediction")
    expect(prediction).to_have_text(DIGIT)
    digit = prediction.text_content()
    screenshot(page, "playground-en")

    page.get_by_role("button", name=t("view_conv", "en"), exact=True).click()
    expect(canvas).to_be_hidden()
    expect(page).to_have_url(re.compile(r"[?&]view=conv"))
    page.get_by_role("button", name="中文", exact=True).click()
    for key in ("view_draw", "view_inside", "view_conv", "view_train"):
        expect(page.get_by_role("button", name=t(key, "zh"), exact=True)).to_be_visible()
    page.get_by_role("button", name=t("view_draw", "zh"), exact=True).click()
    expect(canvas).to_be_visible()
    expect(prediction).to_have_text(digit)          # the drawing survived both switches
    page.get_by_role("button", name=t("undo", "zh"), exact=True).click()
    expect(prediction).to_have_text("")              # ... and so did its undo history
    screenshot(page, "playground-zh")


def draw_polyline(page, canvas, points):
    """One stroke through ``points`` (fractions of the canvas size)."""
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + points[0][0] * box["width"], box["y"] + points[0][1] * box["height"])
    page.mouse.down()
    for x, y in points[1:]:
        for _ in range(2):   # two moves per point, like a real pointer's coalesced events
            page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
    page.mouse.up()


def set_brush(page, width, then_click=None):
    """Move the brush slider to ``width`` with the keyboard (Home, then → in steps of 2).

    With ``then_click`` (a button locator), the button is clicked in the same browser task
    as the last key press, the way a quick student clicks while the slider's change is still
    on its way: the server then runs the click while that change is pending.
    """
    handle = page.locator(".noUi-handle").first
    handle.focus()
    handle.press("Home")
    for _ in range((width - 4) // 2 - (1 if then_click is not None else 0)):
        handle.press("ArrowRight")
    if then_click is not None:
        handle.evaluate("(h, b) => { h.dispatchEvent(new KeyboardEvent('keydown', "
                        "{key: 'ArrowRight', bubbles: true})); b.click(); }",
                        then_click.element_handle())
    expect(page.get_by_text(re.compile(rf"{re.escape(t('brush', 'en'))}.*\b{width}\b"))).to_be_visible()


def test_brush_changes_clear_and_draw_again(app_page, panel_app, screenshot):
    """Issue 15.4: brush 4, a 5, brush 22, Clear, brush 48, a 0 showed a raw Bokeh error
    ("_pending_writes should be non-None …") and kept the 5: Panel runs a click without the
    document lock while a slider change is pending, and the view changed its plots there."""
    page = app_page
    page.goto(panel_app("app/pages/draw.py"))
    canvas = page.get_by_test_id("draw-canvas")
    prediction = page.get_by_test_id("prediction")
    expect(canvas).to_be_visible()

    set_brush(page, 4)
    five = [(0.68, 0.15), (0.35, 0.15), (0.32, 0.48), (0.55, 0.42), (0.68, 0.6), (0.6, 0.8),
            (0.45, 0.86), (0.3, 0.8)]
    draw_polyline(page, canvas, five)
    expect(prediction).to_have_text("5" if default_model_is_pretrained() else DIGIT)
    set_brush(page, 22, then_click=page.get_by_role("button", name=t("clear", "en"), exact=True))
    expect(prediction).to_have_text("")
    set_brush(page, 48)
    ring = [(0.5 + 0.24 * math.sin(2 * math.pi * i / 40), 0.5 - 0.32 * math.cos(2 * math.pi * i / 40))
            for i in range(41)]
    draw_polyline(page, canvas, ring)
    expect(prediction).to_have_text("0" if default_model_is_pretrained() else DIGIT)
    expect(page.get_by_text(re.compile("pending_writes|RuntimeError|Traceback"))).to_have_count(0)
    expect(page.get_by_text(re.compile(re.escape(t("error", "en", message="").strip())))).to_have_count(0)
    screenshot(page, "draw-brush-clear-draw")

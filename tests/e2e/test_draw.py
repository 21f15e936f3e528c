"""Draw & predict in a real browser: strokes in, a digit out, in two languages."""
import re

import pytest
from playwright.sync_api import expect

from app.i18n import t
from app.model_registry import ModelRegistry

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
    registry = ModelRegistry()
    return registry.entry(registry.default).pretrained


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

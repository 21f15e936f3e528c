"""The Equivariance & invariance lab in a real browser: the shift slider moves the numbers, two languages."""
import re

import pytest
from playwright.sync_api import expect

from app.core.i18n import t
from app.views.equivariance import strings  # noqa: F401  (registers the texts)

pytestmark = pytest.mark.e2e

TIMEOUT = 60_000


def test_shift_slider_language_and_screenshots(open_page, panel_app, screenshot):
    page = open_page(height=2000)   # tall, so one screenshot shows the whole lab
    page.goto(panel_app("app/pages/equivariance.py"))
    expected, measured = page.get_by_test_id("eq-expected"), page.get_by_test_id("eq-measured")
    # Default: LeNet-5's first convolution (stride 1), the digit moved 3 pixels right.
    expect(expected).to_have_text("(3, 0)", timeout=TIMEOUT)
    expect(measured).to_have_text("(3, 0)")
    expect(page.get_by_test_id("eq-error")).to_have_text("0")
    expect(page.get_by_test_id("eq-compare-table").locator("tbody tr").first).to_be_visible()

    # The main control: Δx. One step right -> the stride-1 maps move 4 pixels.
    dx = page.get_by_role("slider").first
    dx.focus()
    page.keyboard.press("ArrowRight")
    expect(expected).to_have_text("(4, 0)", timeout=TIMEOUT)
    expect(measured).to_have_text("(4, 0)")
    expect(page).to_have_url(re.compile(r"dx=4"))

    # A layer after the first pooling (jump 2): Δx = 5 moves it 2.5 pixels, not a whole number.
    page.keyboard.press("ArrowRight")
    expect(expected).to_have_text("(5, 0)", timeout=TIMEOUT)
    table = page.get_by_test_id("eq-layer-table")
    expect(table.get_by_role("cell", name="(2.5, 0)").first).to_be_visible(timeout=TIMEOUT)
    page.get_by_text(t("eq_heading_move", "en"), exact=True).scroll_into_view_if_needed()
    screenshot(page, "equivariance-en")
    page.get_by_text(t("eq_heading_compare", "en"), exact=True).scroll_into_view_if_needed()
    screenshot(page, "equivariance-compare-en")

    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_text(t("eq_heading_move", "zh"), exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(t("eq_col_expected", "zh"), exact=True)).to_be_visible()
    expect(expected).to_have_text("(5, 0)")
    expect(page).to_have_url(re.compile(r"lang=zh"))
    page.get_by_text(t("eq_heading_move", "zh"), exact=True).scroll_into_view_if_needed()
    screenshot(page, "equivariance-zh")


def test_link_restores_shift_and_layer(app_page, panel_app):
    page = app_page
    page.goto(panel_app("app/pages/equivariance.py", dx=-2, dy=1, layer="2", lang="zh"))
    # Layer 2 is LeNet-5's first max pooling (jump 2): (-2, 1) -> (-1, 0.5).
    expect(page.get_by_test_id("eq-expected")).to_have_text("(-1, 0.5)", timeout=TIMEOUT)
    expect(page.get_by_text(t("eq_heading_move", "zh"), exact=True)).to_be_visible()

"""Inside the network in a real browser: click a unit (mouse and keyboard), read its arithmetic, switch language."""
import re

import pytest
from playwright.sync_api import expect

from app.views.inside.explain import fmt
from app.views.inside.plots import GAP, mosaic_columns
from app.core.session import SessionState
from app.views.inside.view import load_samples
from cnncore.inspect import capture, input_window, receptive_fields

pytestmark = pytest.mark.e2e

LAYER = "3"          # LeNet-5's second convolution: 16 maps of 10 x 10


@pytest.fixture(scope="module")
def truth():
    """What the page should show, computed here with the engine: activations and windows."""
    session = SessionState()
    net = session.get(session.default).eval()
    x = load_samples()[3][None, None]
    _, acts = capture(net, x)
    rows = receptive_fields(net, x.shape)
    return dict(acts=acts, rows=rows, key=session.default)


def click_unit(page, layer, shape, channel, i, j):
    """Click cell ``(i, j)`` of channel ``channel`` in the overview mosaic of ``layer``."""
    plot = page.locator(f".inside-plot-{layer}")
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    c, h, w = shape
    ncols = mosaic_columns(c)
    nrows = -(-c // ncols)
    data_w, data_h = ncols + GAP * (ncols - 1), nrows + GAP * (nrows - 1)
    col, row = channel % ncols, channel // ncols
    x = col * (1 + GAP) + (j + 0.5) / w
    y = row * (1 + GAP) + (i + 0.5) / h
    border = 2                                   # TileMosaic's min_border
    page.mouse.click(box["x"] + border + x / data_w * (box["width"] - 2 * border),
                     box["y"] + border + y / data_h * (box["height"] - 2 * border))


def test_click_a_unit_see_its_arithmetic_and_switch_language(open_page, panel_app, screenshot, truth):
    page = open_page(height=1900)
    acts, rows = truth["acts"], truth["rows"]
    # The URL chooses the unit: layer 3, channel 0, unit (1, 1).
    page.goto(panel_app("app/pages/inside.py", lang="en", layer=LAYER, channel=0, i=1, j=1, sample=3))
    title = page.get_by_test_id("inside-unit-title")
    result = page.get_by_test_id("inside-result")
    expect(title).to_have_text("Conv 3 · channel 0 · unit (1, 1)", timeout=60_000)
    expect(result).to_have_text(fmt(acts[LAYER][0, 0, 1, 1], 4))

    # Mouse: click unit (4, 4) of channel 2 in the overview.
    click_unit(page, LAYER, acts[LAYER].shape[1:], 2, 4, 4)
    expect(title).to_have_text("Conv 3 · channel 2 · unit (4, 4)", timeout=30_000)
    expect(result).to_have_text(fmt(acts[LAYER][0, 2, 4, 4], 4))
    top, left, bottom, right = input_window(rows, LAYER, 4, 4, (28, 28))
    expect(page.get_by_test_id("inside-rf")).to_contain_text(
        f"rows {top}–{bottom - 1}, columns {left}–{right - 1} ({bottom - top} × {right - left} pixels)")
    expect(page).to_have_url(re.compile(r"layer=3.*i=4.*j=4|j=4.*i=4"))

    # Keyboard: the Column slider moves the unit one step to the right.
    column = page.get_by_role("slider").nth(2)
    column.focus()
    page.keyboard.press("ArrowRight")
    expect(title).to_have_text("Conv 3 · channel 2 · unit (4, 5)", timeout=30_000)
    expect(result).to_have_text(fmt(acts[LAYER][0, 2, 4, 5], 4))
    expect(page.get_by_test_id("inside-value")).to_contain_text(fmt(acts[LAYER][0, 2, 4, 5], 4))
    expect(page).to_have_url(re.compile(r"j=5"))
    title.scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "inside-en")

    # Another sample digit: the same unit, new numbers.
    page.get_by_role("button", name="8", exact=True).click()
    x8 = load_samples()[8][None, None]
    net = SessionState().get(truth["key"]).eval()
    _, acts8 = capture(net, x8)
    expect(result).to_have_text(fmt(acts8[LAYER][0, 2, 4, 5], 4), timeout=30_000)

    # 中文: the same unit, every label translated.
    page.get_by_role("button", name="中文", exact=True).click()
    expect(title).to_have_text("卷积 3 · 第 2 通道 · 单元 (4, 5)", timeout=30_000)
    expect(page.get_by_test_id("inside-rf")).to_contain_text("理论感受野")
    expect(result).to_have_text(fmt(acts8[LAYER][0, 2, 4, 5], 4))
    screenshot(page, "inside-zh")
    page.set_viewport_size({"width": 1400, "height": 2700})     # the whole page: kernels and explanation
    expect(page.get_by_text("学到的卷积核", exact=True)).to_be_visible()
    screenshot(page, "inside-zh-full")

"""The convolution lab in a real browser: settings change the shown output size, the
animation plays and steps, an impossible setting explains itself, the language switches,
and nothing is requested from outside 127.0.0.1 (checked by the ``open_page`` fixture)."""
import re

import pytest

from cnncore.shapes import conv_output_size

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

SLOW = 30_000   # ms: the machine is shared and busy


def _size(page):
    return page.get_by_test_id("conv-output-size")


def _window(page):
    return page.get_by_test_id("conv-window")


def _url(panel_app, **query):
    """The page's URL; a second try if the busy machine made the server miss the harness's deadline."""
    try:
        return panel_app("app/pages/conv.py", **query)
    except RuntimeError:
        return panel_app("app/pages/conv.py", **query)


def test_conv_lab_page(panel_app, app_page, screenshot):
    page = app_page
    page.goto(_url(panel_app, size=14, kernel=3, preset="sobel_x"))
    expect(_size(page)).to_have_text(f"{conv_output_size(14, 3)} × {conv_output_size(14, 3)}", timeout=SLOW)
    expect(page.get_by_test_id("kernel-cell-0-1-2")).to_have_value("2", timeout=SLOW)
    screenshot(page, "conv-lab-en")

    # padding 1 -> same size; stride 2 halves it (the numbers are the engine's)
    page.get_by_role("button", name="1", exact=True).click()
    n = conv_output_size(14, 3, 1, 1)
    expect(_size(page)).to_have_text(f"{n} × {n}", timeout=SLOW)
    expect(page.get_by_test_id("conv-formula-text")).to_contain_text(f"= {n}", timeout=SLOW)

    # step: the window moves right by the stride
    expect(_window(page)).to_have_text("0,0", use_inner_text=False, timeout=SLOW)
    page.get_by_role("button", name="Step ▶").click()
    expect(_window(page)).to_have_text("0,1", use_inner_text=False, timeout=SLOW)
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("ArrowRight")
    expect(_window(page)).to_have_text("0,2", use_inner_text=False, timeout=SLOW)
    page.keyboard.press("ArrowDown")
    expect(_window(page)).to_have_text("1,2", use_inner_text=False, timeout=SLOW)

    # play: the window moves by itself; pause stops it
    page.get_by_role("button", name="▶ Play").click()
    expect(_window(page)).not_to_have_text("1,2", use_inner_text=False, timeout=SLOW)
    page.get_by_role("button", name="❚❚ Pause").click()
    expect(page.get_by_role("button", name="▶ Play")).to_be_visible(timeout=SLOW)

    # an impossible setting: reflect padding as wide as a tiny input
    page.goto(_url(panel_app, size=3, kernel=3, padding="3", mode="reflect"))
    problem = page.get_by_test_id("conv-problem")
    expect(problem).to_be_visible(timeout=SLOW)
    expect(problem).to_contain_text("reflect padding must be smaller than the input", timeout=SLOW)
    screenshot(page, "conv-lab-problem")

    # language: Chinese labels, state kept
    page.goto(_url(panel_app, size=10, kernel=5, stride=2, padding="1", channels="rgb",
                        source="picture"))
    n = conv_output_size(10, 5, 2, 1)
    expect(_size(page)).to_have_text(f"{n} × {n}", timeout=SLOW)
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_text("让卷积核在图像上滑动")).to_be_visible(timeout=SLOW)
    expect(_size(page)).to_have_text(f"{n} × {n}", timeout=SLOW)
    screenshot(page, "conv-lab-zh-rgb")
    expect(page.get_by_test_id("kernel-cell-2-0-0")).to_be_visible(timeout=SLOW)  # re-rendered after the switch
    page.get_by_test_id("kernel-cell-2-0-0").hover()                              # hover scrolls it into view
    screenshot(page, "conv-lab-zh-rgb-kernel")
    expect(page).to_have_url(re.compile(r"lang=zh"), timeout=SLOW)  # the URL follows a moment later

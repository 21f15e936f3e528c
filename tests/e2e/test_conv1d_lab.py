"""The 1-D convolution lab in a real browser: kernel size and stride change the output length (the
engine's), the kernel grid edits the kernel, the learned network shows up, the language switches, and
nothing is requested from outside 127.0.0.1 (``open_page``)."""
import re

import pytest

from app.core.i18n import t
from app.views.conv1d import strings  # noqa: F401  (registers the texts)

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

SLOW = 60_000   # ms: the machine is shared and busy


def test_conv1d_lab_page(open_page, panel_app, screenshot):
    page = open_page(height=2300)
    page.goto(panel_app("app/pages/conv1d.py", k=5, stride=1, padding=0))
    lout = page.get_by_test_id("c1d-lout")
    expect(lout).to_have_text("396", timeout=SLOW)                     # 400 - 5 + 1
    expect(page.get_by_test_id("kernel-cell-0-0-4")).to_have_value("0.2", timeout=SLOW)
    expect(page.get_by_test_id("c1d-acc")).to_have_text(re.compile(r"^\d+%$"), timeout=SLOW)   # trained after load
    acc = int(page.get_by_test_id("c1d-acc").text_content().rstrip("%"))
    assert acc > 50                                                   # chance is 25%

    # The main controls: kernel size (slider 0) and stride (slider 1) change L_out = floor((L + 2p - k)/s) + 1.
    k = page.get_by_role("slider").nth(0)
    k.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(lout).to_have_text("394", timeout=SLOW)                     # k = 7
    expect(page.get_by_test_id("c1d-formula")).to_contain_text("(400 + 2·0 − 7) / 1", timeout=SLOW)
    stride = page.get_by_role("slider").nth(1)
    stride.focus()
    page.keyboard.press("ArrowRight")
    expect(lout).to_have_text(str((400 - 7) // 2 + 1), timeout=SLOW)
    expect(page).to_have_url(re.compile(r"stride=2"), timeout=SLOW)

    # Typing a weight makes a custom kernel; the written-out output follows it.
    value = page.get_by_test_id("c1d-value").text_content()
    cell = page.get_by_test_id("kernel-cell-0-0-0")
    cell.fill("-3")
    cell.press("Enter")
    expect(page).to_have_url(re.compile(r"preset=custom"), timeout=SLOW)
    expect(page.get_by_test_id("c1d-value")).not_to_have_text(value, timeout=SLOW)
    expect(page.get_by_test_id("c1d-sum")).to_have_text(page.get_by_test_id("c1d-value").text_content())
    screenshot(page, "conv1d-en")

    # Chinese: labels change, the numbers stay.
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_text(t("c1d_learned_heading", "zh"), exact=True)).to_be_visible(timeout=SLOW)
    expect(lout).to_have_text(str((400 - 7) // 2 + 1))
    expect(page).to_have_url(re.compile(r"lang=zh"), timeout=SLOW)
    screenshot(page, "conv1d-zh")

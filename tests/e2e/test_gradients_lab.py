"""The Gradients lab in a real browser: the class and ε change the numbers, the two ways of computing
∂L/∂x agree, the language switches, and nothing is requested from outside 127.0.0.1 (``open_page``)."""
import re

import pytest

from app.core.i18n import t
from app.views.gradients import strings  # noqa: F401  (registers the texts)

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

SLOW = 60_000   # ms: the machine is shared and busy


def test_gradients_lab_page(open_page, panel_app, screenshot):
    page = open_page(height=2900)          # tall: one screenshot shows the whole lab
    page.goto(panel_app("app/pages/gradients.py", fd_layer="3", fd_exp=3))
    pred = page.get_by_test_id("grad-pred")
    expect(pred).to_have_text("7", timeout=SLOW)                         # the test digit 7
    expect(page.get_by_test_id("grad-sal-check")).to_have_text("0")     # saliency == capture_gradients' input
    expect(page.get_by_test_id("grad-conv-agree")).to_have_text(re.compile(r"^(0|[0-9.]+e-1[5-9])$"))
    rel = page.get_by_test_id("grad-fd-rel")
    expect(rel).to_have_text(re.compile(r"e-(0[7-9]|1\d)$"), timeout=SLOW)   # FD agrees below 1e-6
    screenshot(page, "gradients-en")

    # The main control: the class whose score is differentiated. The saliency numbers change.
    sal_max = page.get_by_test_id("grad-sal-max").text_content()
    numeric = page.get_by_test_id("grad-fd-numeric").text_content()
    page.get_by_role("combobox").nth(1).select_option(label="3")
    expect(page.get_by_test_id("grad-sal-max")).not_to_have_text(sal_max, timeout=SLOW)
    expect(page.get_by_test_id("grad-fd-numeric")).not_to_have_text(numeric, timeout=SLOW)
    expect(pred).to_have_text("7")
    expect(page).to_have_url(re.compile(r"target=3"), timeout=SLOW)

    # ε = 1e-1: the finite difference moves (a ReLU or max pool may switch), the analytic value does not.
    analytic = page.get_by_test_id("grad-fd-analytic").text_content()
    shown = page.get_by_test_id("grad-fd-numeric").text_content()
    eps = page.get_by_role("slider").last
    eps.focus()
    for _ in range(2):
        page.keyboard.press("Home")
    expect(page).to_have_url(re.compile(r"fd_exp=1"), timeout=SLOW)
    expect(page.get_by_test_id("grad-fd-table").locator("tr.hi td").first).to_have_text("1e-01", timeout=SLOW)
    expect(page.get_by_test_id("grad-fd-analytic")).to_have_text(analytic)
    assert page.get_by_test_id("grad-fd-numeric").text_content() != "" and shown

    # Chinese: labels change, the numbers stay.
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_text(t("grad_fd_heading", "zh"), exact=True)).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("grad-fd-analytic")).to_have_text(analytic)
    expect(page).to_have_url(re.compile(r"lang=zh"), timeout=SLOW)
    screenshot(page, "gradients-zh")

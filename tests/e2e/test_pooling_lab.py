"""The Pooling & activations lab in a real browser: controls change the numbers, two languages."""
import re

import pytest
from playwright.sync_api import expect

from app.core.i18n import t
from app.views.pooling import strings  # noqa: F401  (registers the texts)

pytestmark = pytest.mark.e2e

TIMEOUT = 60_000


def test_pooling_lab_controls_language_and_screenshots(open_page, panel_app, screenshot):
    page = open_page(height=2300)   # tall, so one screenshot shows the whole lab
    page.goto(panel_app("app/pages/pooling.py"))
    shape = page.get_by_test_id("pool-out-shape")
    grad_sum = page.get_by_test_id("pool-grad-sum")
    # LeNet-5's first ReLU is 28 x 28; max pooling 2 x 2, stride 2 -> 14 x 14, all 196 ones arrive.
    expect(shape).to_have_text("14 × 14", timeout=TIMEOUT)
    expect(grad_sum).to_have_text("196")
    expect(page.get_by_test_id("unit-stats")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("unit-stats").locator("tbody tr")).to_have_count(4)

    # The main control: the stride. Stride 1 -> 27 x 27 windows.
    stride = page.get_by_role("slider").nth(2)
    stride.focus()
    page.keyboard.press("ArrowLeft")
    expect(shape).to_have_text("27 × 27", timeout=TIMEOUT)
    expect(grad_sum).to_have_text("729")

    # L2 pooling shares the gradient in proportion: the total changes, the shape does not.
    page.get_by_role("button", name=t("pool_kind_l2", "en"), exact=True).click()
    expect(grad_sum).not_to_have_text("729", timeout=TIMEOUT)
    expect(shape).to_have_text("27 × 27")
    expect(page).to_have_url(re.compile(r"pool=l2"))

    # Activations: sigmoid blocks almost no gradient where ReLU blocks half.
    zero_grad = page.get_by_test_id("act-zero-grad")
    relu_text = zero_grad.text_content()
    page.get_by_role("button", name=t("pool_act_sigmoid", "en"), exact=True).click()
    expect(zero_grad).not_to_have_text(relu_text, timeout=TIMEOUT)
    page.get_by_text(t("pool_heading", "en"), exact=True).scroll_into_view_if_needed()
    screenshot(page, "pooling-en")

    # Chinese: labels change, the numbers stay.
    shown = grad_sum.text_content()
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_role("button", name=t("pool_kind_max", "zh"), exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(t("pool_act_heading", "zh"), exact=True)).to_be_visible()
    expect(grad_sum).to_have_text(shown)
    expect(page).to_have_url(re.compile(r"lang=zh"))
    page.get_by_text(t("pool_heading", "zh"), exact=True).scroll_into_view_if_needed()
    screenshot(page, "pooling-zh")


def test_pooling_lab_link_restores_state(app_page, panel_app):
    page = app_page
    page.goto(panel_app("app/pages/pooling.py", pool="avg", window=3, stride=3, lang="zh"))
    expect(page.get_by_test_id("pool-out-shape")).to_have_text("9 × 9", timeout=TIMEOUT)
    expect(page.get_by_role("button", name=t("pool_kind_avg", "zh"), exact=True)).to_be_visible()


def test_attention_and_bilinear_pooling_in_the_browser(open_page, panel_app, screenshot):
    page = open_page(height=1400)
    page.goto(panel_app("app/pages/pooling.py"))
    shape = page.get_by_test_id("pool-out-shape")
    expect(shape).to_have_text("14 × 14", timeout=TIMEOUT)
    # Attention: one number per channel (LeNet-5's first ReLU has 6), the weighted average shown.
    page.get_by_role("button", name=t("pool_kind_attention", "en"), exact=True).click()
    expect(shape).to_have_text("6", timeout=TIMEOUT)
    value = page.get_by_test_id("pool-attn-value")
    expect(value).to_be_visible()
    expect(page.get_by_test_id("pool-window").locator("tbody tr")).to_have_count(6)   # the largest weights
    expect(page).to_have_url(re.compile(r"pool=attention"))
    page.get_by_text(t("pool_heading", "en"), exact=True).scroll_into_view_if_needed()
    screenshot(page, "pooling-attention-en")
    # Bilinear: the 6 x 6 matrix of channel products.
    page.get_by_role("button", name=t("pool_kind_bilinear", "en"), exact=True).click()
    expect(shape).to_have_text("6 × 6", timeout=TIMEOUT)
    expect(page.get_by_test_id("pool-bilinear-entry")).to_be_visible()
    expect(page).to_have_url(re.compile(r"pool=bilinear"))
    screenshot(page, "pooling-bilinear-en")

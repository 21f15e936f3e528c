"""The weights & SVD lab in a real browser: the rank slider changes the numbers shown (the engine's
low_rank_tradeoff), the tradeoff curve fills in a rank at a time, the language switches, and nothing is
requested from outside 127.0.0.1 (checked by the ``open_page`` fixture)."""
import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from app.views.svd.analysis import digit_subset  # noqa: E402
from app.core.i18n import t  # noqa: E402
from app.views.svd import strings  # noqa: F401, E402  (registers the texts)

SLOW = 60_000   # ms: the machine is shared and busy


def engine_row(layer, rank):
    from cnncore.inspect import low_rank_tradeoff
    from cnncore.models import get_model
    images, labels = digit_subset()
    return low_rank_tradeoff(get_model("lenet5", pretrained=True), layer, [rank], images, labels)[0]


def test_svd_lab_page(open_page, panel_app, screenshot):
    page = open_page(height=2500)   # tall, so the screenshots show the whole lab
    page.goto(panel_app("app/pages/svd.py", model="lenet5", layer="7", rank=30))
    summary = page.get_by_test_id("svd-summary")
    expect(summary).to_have_attribute("data-rank", "30", timeout=SLOW)
    row = engine_row("7", 30)
    expect(summary).to_have_attribute("data-accuracy", str(row.accuracy))
    expect(summary).to_have_attribute("data-factored", str(row.factored_parameters))
    expect(summary).to_contain_text(f"{row.factored_parameters:,}")
    curve = page.get_by_test_id("svd-curve")
    total = curve.get_attribute("data-total", timeout=SLOW)
    expect(curve).to_have_attribute("data-done", total, timeout=SLOW)   # streamed in, a rank per tick
    screenshot(page, "svd-en")

    # the main control: the rank slider (keyboard), one step down
    slider = page.get_by_role("slider").first
    slider.focus()
    page.keyboard.press("ArrowLeft")
    expect(summary).to_have_attribute("data-rank", "29", timeout=SLOW)
    row = engine_row("7", 29)
    expect(summary).to_have_attribute("data-accuracy", str(row.accuracy), timeout=SLOW)
    expect(summary).to_have_attribute("data-error", str(row.relative_error))
    expect(summary).to_contain_text(f"{row.factored_parameters:,}")
    expect(page).to_have_url(re.compile(r"rank=29"), timeout=SLOW)
    screenshot(page, "svd-rank29-en")

    # another layer: its own rank range
    page.get_by_role("combobox").nth(1).select_option(value=None, label="0 · Conv2d · 6×25 matrix")
    expect(summary).to_have_attribute("data-layer", "0", timeout=SLOW)
    expect(summary).to_contain_text("of 6")

    # language: Chinese labels, the same state
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_text(t("svdlab_heading_tradeoff", "zh"), exact=True)).to_be_visible(timeout=SLOW)
    expect(summary).to_contain_text("准确率", timeout=SLOW)
    expect(summary).to_have_attribute("data-layer", "0")
    expect(page).to_have_url(re.compile(r"lang=zh"), timeout=SLOW)
    screenshot(page, "svd-zh")

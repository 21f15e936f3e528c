"""The classic architectures lab in a real browser: the architecture picker changes the ledger's numbers
(the engine's), the batch size the memory, the timeline picks a family, the language switches, and
nothing is requested from outside 127.0.0.1 (checked by the ``open_page`` fixture)."""
import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

from app.views.architectures.ledger import ledger  # noqa: E402
from app.core.i18n import t  # noqa: E402
from app.views.architectures import strings  # noqa: F401, E402  (registers the texts)

SLOW = 60_000   # ms: the machine is shared and busy


def test_architectures_lab_page(open_page, panel_app, screenshot):
    page = open_page(height=1300)
    page.goto(panel_app("app/pages/architectures.py", arch="vgg16", batch=32))
    totals = page.get_by_test_id("arch-totals")
    vgg16 = ledger("vgg16", 1)
    expect(totals).to_have_attribute("data-params", str(vgg16.params), timeout=SLOW)
    expect(totals).to_contain_text("138,357,544")
    # the ledger table shows the engine's rows: VGG-16's first convolution has 1,792 parameters
    table = page.get_by_test_id("arch-ledger")
    expect(table).to_have_attribute("data-rows", str(len(vgg16.rows)), timeout=SLOW)
    expect(table.get_by_text(f"{vgg16.rows[0].params:,}", exact=True).first).to_be_visible(timeout=SLOW)
    # sorted by MACs, the bottleneck comes first
    page.get_by_role("button", name=t("archlab_sort_macs", "en"), exact=True).click()
    expect(table).to_have_attribute("data-sort", "macs", timeout=SLOW)
    expect(table.locator("tbody tr").first).to_have_attribute("data-name", vgg16.bottleneck.name)
    expect(page).to_have_url(re.compile(r"sort=macs"), timeout=SLOW)
    page.get_by_role("button", name=t("archlab_sort_order", "en"), exact=True).click()
    expect(table).to_have_attribute("data-sort", "order", timeout=SLOW)
    expect(page.get_by_test_id("arch-bottleneck")).to_have_attribute("data-layer", vgg16.bottleneck.name)
    screenshot(page, "architectures-en")

    # the main control: the architecture picker
    picker = page.get_by_role("combobox").first
    picker.select_option(value=None, label="ResNet-50 (2015)")
    resnet = ledger("resnet50", 1)
    expect(totals).to_have_attribute("data-arch", "resnet50", timeout=SLOW)
    expect(totals).to_have_attribute("data-params", str(resnet.params))
    expect(totals).to_contain_text(f"{resnet.params:,}")
    expect(page).to_have_url(re.compile(r"arch=resnet50"), timeout=SLOW)
    expect(page.get_by_test_id("arch-memory")).to_have_attribute(
        "data-act", str(ledger("resnet50", 32).activation_bytes), timeout=SLOW)

    # the batch size moves the memory numbers, not the totals
    page.get_by_role("combobox").nth(1).select_option(label="128")
    expect(page.get_by_test_id("arch-memory")).to_have_attribute(
        "data-act", str(ledger("resnet50", 128).activation_bytes), timeout=SLOW)
    expect(page).to_have_url(re.compile(r"batch=128"), timeout=SLOW)

    # the timeline picks a family's model
    page.get_by_role("button", name=re.compile(r"^LeNet · 1998")).click()
    expect(totals).to_have_attribute("data-params", str(ledger("lenet5", 1).params), timeout=SLOW)
    page.get_by_text(t("archlab_profile", "en"), exact=True).scroll_into_view_if_needed()
    screenshot(page, "architectures-charts-en")
    page.get_by_text(t("archlab_compare", "en"), exact=True).scroll_into_view_if_needed()
    expect(page.get_by_test_id("arch-compare-table").locator("tbody tr")).to_have_count(len(
        __import__("cnncore.models", fromlist=["CLASSIC_MODELS"]).CLASSIC_MODELS))
    screenshot(page, "architectures-compare-en")

    # language: Chinese labels, the same numbers
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_text(t("archlab_ledger", "zh"), exact=True)).to_be_visible(timeout=SLOW)
    expect(totals).to_contain_text("个参数", timeout=SLOW)
    expect(totals).to_have_attribute("data-params", str(ledger("lenet5", 1).params))
    expect(page.get_by_text(t("archlab_col_params", "zh"), exact=True).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"lang=zh"), timeout=SLOW)
    page.get_by_text(t("archlab_timeline", "zh"), exact=True).scroll_into_view_if_needed()
    screenshot(page, "architectures-zh")


def test_roofline_measure_button(open_page, panel_app, screenshot):
    from app.views.architectures import roofline_strings  # noqa: F401  (registers the texts)
    page = open_page(height=1300)
    page.goto(panel_app("app/pages/architectures.py", arch="nin", batch=1))
    roof = page.get_by_test_id("arch-roofline")
    expect(roof).to_have_attribute("data-measured", "0", timeout=SLOW)   # nothing is measured at page load
    button = page.get_by_role("button", name=t("archlab_roof_measure", "en"), exact=True)
    button.scroll_into_view_if_needed()
    button.click()
    expect(roof).to_have_attribute("data-measured", "1", timeout=SLOW)
    expect(roof).to_contain_text("GFLOP/s")
    expect(button).to_be_enabled(timeout=SLOW)                          # the label is back, ready again
    points = int(roof.get_attribute("data-points"))
    assert int(roof.get_attribute("data-compute")) + int(roof.get_attribute("data-memory")) == points > 0
    assert float(roof.get_attribute("data-ridge")) > 0
    expect(page.get_by_test_id("arch-roofline-1x1")).to_contain_text("1×1")
    screenshot(page, "architectures-roofline-en")

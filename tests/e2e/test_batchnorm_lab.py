"""The BatchNorm & Dropout lab in a real browser: the batch size and the train/eval switch change
the shown numbers, feeding a batch moves the running statistics, the language switches, and
nothing is requested from outside 127.0.0.1 (checked by the ``open_page`` fixture)."""
import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

SLOW = 60_000   # ms: the machine is shared and busy


def _slider(page, label):
    """The handle of the slider whose title starts with ``label``."""
    block = page.locator(".bk-slider-title").filter(has_text=label).first
    return block.locator("xpath=..").locator(".noUi-handle").first


def test_batchnorm_lab_page(panel_app, open_page, screenshot):
    page = open_page(height=3300)     # tall: the whole lab in one screenshot
    page.goto(panel_app("app/pages/batchnorm.py", batch_size=8))
    summary = page.get_by_test_id("bn-summary")
    expect(summary).to_contain_text("8 digits", timeout=SLOW)
    mean = page.get_by_test_id("bn-mean")
    first_mean = mean.inner_text()
    expect(page.get_by_test_id("bn-stats")).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("bn-order")).to_be_visible(timeout=SLOW)
    screenshot(page, "batchnorm-lab-en", full_page=True)

    # batch size: the keyboard moves the slider; the batch and its mean change
    handle = _slider(page, "Batch size")
    handle.focus()
    for _ in range(4):
        handle.press("ArrowRight")
    expect(summary).to_contain_text("12 digits", timeout=SLOW)
    expect(mean).not_to_have_text(first_mean, timeout=SLOW)
    expect(page).to_have_url(re.compile(r"batch_size=12"), timeout=SLOW)  # the URL follows a moment later

    # train/eval switch: the output statistics change, dropout becomes the identity
    stats = page.get_by_test_id("bn-stats").inner_text()
    page.get_by_role("button", name="eval", exact=True).click()
    expect(summary).to_contain_text("mode: eval", timeout=SLOW)
    expect(page.get_by_test_id("bn-stats")).not_to_have_text(stats, timeout=SLOW)
    expect(page.get_by_test_id("bn-dropout")).to_contain_text("identity", timeout=SLOW)

    # feeding a batch moves the running statistics and draws the next batch
    page.get_by_role("button", name="Feed this batch (train mode)").click()
    expect(summary).to_contain_text("batches fed so far: 1", timeout=SLOW)
    expect(summary).to_contain_text("Batch #1", timeout=SLOW)
    expect(page.get_by_test_id("bn-running")).to_contain_text("Batches fed: 1.", timeout=SLOW)
    screenshot(page, "batchnorm-lab-eval", full_page=True)

    # language: Chinese labels, state kept
    page.get_by_role("button", name="中文").click()
    expect(summary).to_contain_text("已送入 1 个批量", timeout=SLOW)
    expect(summary).to_contain_text("评估", timeout=SLOW)
    expect(page.get_by_text("每个通道的统计量")).to_be_visible(timeout=SLOW)
    screenshot(page, "batchnorm-lab-zh", full_page=True)
    expect(page).to_have_url(re.compile(r"lang=zh"), timeout=SLOW)  # the URL follows a moment later

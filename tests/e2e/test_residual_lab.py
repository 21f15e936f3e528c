"""The residual learning lab in a real browser: a depth that is not 6n+2 explains itself, training
both networks for a few steps fills the numbers and plots, the language switches, and nothing is
requested from outside 127.0.0.1 (checked by the ``open_page`` fixture)."""
import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

SLOW = 90_000   # ms: the machine is shared and busy


def test_residual_lab_page(panel_app, open_page, screenshot):
    page = open_page(height=2600)     # tall: the whole lab in one screenshot
    page.goto(panel_app("app/pages/residual.py", depth=9, width=4, steps=100, batch_size=8, subset=500))
    problem = page.get_by_test_id("resid-depth-problem")
    expect(problem).to_contain_text("6n+2", timeout=SLOW)
    expect(page.get_by_role("button", name="▶ Train both")).to_be_disabled(timeout=SLOW)

    # the main control: depth 8, then train a few steps
    page.get_by_role("button", name="8", exact=True).first.click()     # the depth buttons come before the widths
    expect(problem).to_be_hidden(timeout=SLOW)
    status = page.get_by_test_id("resid-status")
    expect(status).to_have_attribute("data-steps", "0", timeout=SLOW)
    step = page.get_by_role("button", name="Step", exact=True)
    expect(step).to_be_enabled(timeout=SLOW)     # enabled by the same answer that hid the problem
    page.wait_for_timeout(500)                   # (a click while Bokeh redraws the button is lost)
    step.click()
    expect(status).to_have_attribute("data-steps", "1", timeout=SLOW)
    page.get_by_role("button", name="▶ Resume").click()
    expect(status).to_have_attribute("data-steps", re.compile(r"^([3-9]|\d\d)$"), timeout=SLOW)
    page.get_by_role("button", name="Pause").click()
    expect(status).to_contain_text(re.compile("paused|finished"), timeout=SLOW)
    latest = page.get_by_test_id("resid-latest")
    expect(latest).to_contain_text("plain", timeout=SLOW)
    expect(page.get_by_test_id("resid-split")).to_contain_text("shortcut", timeout=SLOW)
    expect(page.get_by_test_id("resid-diagrams")).to_be_visible(timeout=SLOW)
    expect(page).to_have_url(re.compile(r"depth=8"), timeout=SLOW)  # the URL follows a moment later
    screenshot(page, "residual-lab-en", full_page=True)

    # language: Chinese labels, the run is kept
    steps = status.get_attribute("data-steps")
    page.get_by_role("button", name="中文").click()
    expect(status).to_contain_text(re.compile("已暂停|已完成"), timeout=SLOW)
    expect(status).to_have_attribute("data-steps", steps, timeout=SLOW)
    expect(page.get_by_text("残差块").first).to_be_visible(timeout=SLOW)
    screenshot(page, "residual-lab-zh", full_page=True)

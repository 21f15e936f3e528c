"""A lesson in the static site (Pyodide): the same lesson link as with ``panel serve`` opens,
plays with a clicker's keys, and its presenter window follows (BroadcastChannel works without a
server); the share link points at ``lesson.html``."""
import re

import pytest

from app.views.lesson import format as lf
from app.views.lesson.format import Lesson, Step
from tests.site.test_site import _open_live

SLOW = 120_000   # ms: every step's view is built by Python in the browser


@pytest.mark.slow
@pytest.mark.e2e
def test_a_lesson_link_opens_plays_and_presents_in_the_static_site(numpy_site, serve, browser_page):
    from playwright.sync_api import expect
    site, _ = numpy_site
    assert (site / "lesson.html").is_file()
    lesson = Lesson("Kernels · 卷积核", [Step("conv", {"kernel": "5", "stride": "2"}, "Five by five.", "五乘五。"),
                                        Step("conv", {}, "The defaults.", "默认设置。")])
    page = browser_page()
    _open_live(page, f"{serve(site)}/lesson.html?lesson={lf.to_code(lesson)}")
    expect(page.get_by_test_id("lesson-step")).to_have_count(2, timeout=SLOW)
    expect(page.locator(".cnn-lesson-share textarea")).to_have_value(
        re.compile(r"^http://127\.0\.0\.1:\d+/lesson\.html\?lesson=" + re.escape(lf.to_code(lesson)) + "$"), timeout=SLOW)

    page.get_by_role("button", name="▶ Play full screen").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\bcnn-embed\b"), timeout=SLOW)   # playing: keys work
    counter = page.get_by_test_id("lesson-counter")
    expect(counter).to_have_attribute("data-step", "1", timeout=SLOW)
    expect(page.get_by_test_id("lesson-note")).to_have_text("Five by five.", timeout=SLOW)
    size = page.locator("[data-testid=conv-output-size]:visible")
    expect(size).to_have_text("5 × 5", timeout=SLOW)
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("PageDown")
    expect(counter).to_have_attribute("data-step", "2", timeout=SLOW)
    expect(size).to_have_text("12 × 12", timeout=SLOW)

    with page.context.expect_page(timeout=SLOW) as opened:
        page.locator("[data-testid=lesson-presenter-link]:visible").click()
    presenter = opened.value
    expect(presenter).to_have_url(re.compile(r"/lesson\.html\?.*presenter=true"), timeout=SLOW)
    now = presenter.get_by_test_id("lesson-presenter-now")
    expect(now).to_have_attribute("data-step", "2", timeout=240_000)         # a second Pyodide boots
    page.keyboard.press("PageUp")
    expect(now).to_have_attribute("data-step", "1", timeout=SLOW)
    expect(now).to_contain_text("Five by five.", timeout=SLOW)
    assert not page.recorder.errors, page.recorder.errors

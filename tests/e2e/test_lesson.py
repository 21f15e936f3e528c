"""The Lesson page in Chromium with ``panel serve``: build a lesson from the views set up in the
page and from a pasted link, write a note, reorder, play it with the keys a clicker sends, follow
it in a presenter window (both ways), and reopen it from its shared link; nothing is requested
from outside 127.0.0.1 (the ``open_page`` fixture checks)."""
import re

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

SLOW = 45_000   # ms: the machine is shared and busy


def _url(panel_app, **query):
    try:
        return panel_app("app/pages/lesson.py", **query)
    except RuntimeError:       # the busy machine made the server miss the harness's deadline
        return panel_app("app/pages/lesson.py", **query)


def _playing(page):
    """Until the page plays: the lesson's keys work once <html> has the play mode's classes."""
    expect(page.locator("html")).to_have_class(re.compile(r"\bcnn-embed\b"), timeout=SLOW)
    expect(page.get_by_test_id("lesson-counter")).to_be_visible(timeout=SLOW)


def _counter(page, step, total):
    expect(page.get_by_test_id("lesson-counter")).to_have_attribute("data-step", str(step), timeout=SLOW)
    expect(page.get_by_test_id("lesson-counter")).to_have_attribute("data-total", str(total), timeout=SLOW)


def test_build_play_present_and_reopen_a_lesson(panel_app, app_page, screenshot):
    page = app_page
    page.goto(_url(panel_app))
    add = page.get_by_role("button", name="＋ Add this view as a step")
    expect(add).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("conv-window")).to_be_attached(timeout=SLOW)     # the preview: the Convolution lab

    # build: the view as set up, then a pasted link of another setting
    add.click()
    expect(page.get_by_test_id("lesson-step")).to_have_count(1, timeout=SLOW)
    page.get_by_role("textbox", name="…or paste a link of a view").fill("http://127.0.0.1/conv?kernel=5&stride=2")
    page.get_by_role("button", name="＋ Add the link's view").click()
    expect(page.get_by_test_id("lesson-step")).to_have_count(2, timeout=SLOW)
    expect(page.get_by_test_id("lesson-step").nth(1)).to_contain_text("kernel=5, stride=2", timeout=SLOW)
    page.get_by_role("textbox", name="Title of the lesson").fill("Kernels")
    page.get_by_role("textbox", name="Title of the lesson").press("Tab")
    note = page.get_by_role("textbox", name="Note in English (Step 2)")
    note.fill("A 5 × 5 kernel, stride 2.")
    note.press("Tab")
    # reorder: step 2 goes first (its note with it)
    page.get_by_role("button", name="↑ Up").nth(1).click()
    expect(page.get_by_test_id("lesson-step").first).to_contain_text("kernel=5", timeout=SLOW)
    expect(page.get_by_role("textbox", name="Note in English (Step 1)")).to_have_value("A 5 × 5 kernel, stride 2.",
                                                                                      timeout=SLOW)
    share = page.locator(".cnn-lesson-share textarea")
    expect(share).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/lesson\?lesson=[A-Za-z0-9_-]+$"), timeout=SLOW)
    link = share.input_value()
    screenshot(page, "lesson-build-en")

    # play: the step's view with its settings, the note, the keys of a clicker
    page.get_by_role("button", name="▶ Play full screen").click()
    _playing(page)
    _counter(page, 1, 2)
    expect(page.get_by_test_id("lesson-note")).to_have_text("A 5 × 5 kernel, stride 2.", timeout=SLOW)
    expect(page.locator("#header")).to_be_hidden(timeout=SLOW)                 # the stage takes the page
    size = page.locator("[data-testid=conv-output-size]:visible")       # the step's view, its settings applied
    expect(size).to_have_text("5 × 5", timeout=SLOW)                     # (14 - 5) / 2 + 1
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("PageDown")
    _counter(page, 2, 2)
    expect(size).to_have_text("12 × 12", timeout=SLOW)                   # the defaults: 14 - 3 + 1
    page.keyboard.press("PageUp")
    _counter(page, 1, 2)
    page.keyboard.press("ArrowRight")
    _counter(page, 2, 2)
    page.keyboard.press("ArrowLeft")
    _counter(page, 1, 2)
    page.keyboard.press("Space")
    _counter(page, 2, 2)
    screenshot(page, "lesson-play-en")

    # the presenter window follows the lesson, and leads it
    with page.context.expect_page(timeout=SLOW) as opened:
        page.locator("[data-testid=lesson-presenter-link]:visible").click()
    presenter = opened.value
    expect(presenter.get_by_test_id("lesson-presenter-now")).to_have_attribute("data-step", "2", timeout=SLOW)
    expect(presenter.get_by_test_id("lesson-clock")).to_have_text(re.compile(r"Time since you started: \d+:\d\d"),
                                                                 timeout=SLOW)
    expect(page.get_by_test_id("lesson-clock")).to_be_hidden()            # only the presenter has a clock
    presenter.get_by_role("button", name="◀ Previous").click()
    _counter(page, 1, 2)
    expect(presenter.get_by_test_id("lesson-presenter-now")).to_contain_text("A 5 × 5 kernel", timeout=SLOW)
    expect(presenter.get_by_test_id("lesson-presenter-next")).to_have_attribute("data-step", "2", timeout=SLOW)
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("PageDown")
    expect(presenter.get_by_test_id("lesson-presenter-now")).to_have_attribute("data-step", "2", timeout=SLOW)
    screenshot(presenter, "lesson-presenter-en")
    page.get_by_role("button", name="✕ Back to editing").click()
    expect(page.get_by_role("button", name="▶ Play full screen")).to_be_visible(timeout=SLOW)

    # the shared link opens the same lesson elsewhere
    again = page.context.new_page()
    again.goto(link + "&lang=zh")
    expect(again.get_by_test_id("lesson-step")).to_have_count(2, timeout=SLOW)
    expect(again.get_by_role("textbox", name="英文备注 (第 1 步)")).to_have_value("A 5 × 5 kernel, stride 2.",
                                                                              timeout=SLOW)
    again.get_by_role("button", name="▶ 全屏放映").click()
    _playing(again)
    _counter(again, 1, 2)
    again.locator("body").click(position={"x": 5, "y": 5})
    again.keyboard.press("PageDown")
    _counter(again, 2, 2)
    expect(again.get_by_test_id("lesson-counter")).to_have_text("第 2 步，共 2 步", timeout=SLOW)


def test_an_example_plays_from_its_link_and_a_bad_link_says_why(panel_app, app_page):
    from app.views.lesson import format as lf
    from app.views.lesson.examples import example
    page = app_page
    page.goto(_url(panel_app, lesson=lf.to_code(example("convolution")), step=6, play="true"))
    _playing(page)
    _counter(page, 6, 6)
    expect(page.get_by_test_id("lesson-note")).to_contain_text("Sobel", timeout=SLOW)
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Home")
    _counter(page, 1, 6)
    page.keyboard.press("End")
    _counter(page, 6, 6)
    page.goto(_url(panel_app, lesson="eNo-damaged"))
    expect(page.get_by_text("The lesson in this link could not be opened")).to_be_visible(timeout=SLOW)
    expect(page.get_by_role("button", name="Open the example")).to_be_visible(timeout=SLOW)


def test_hostile_lesson_files_and_fields_show_as_text(panel_app, app_page, _servers):
    """A lesson file named with markup, and a lesson whose title, notes and settings hold it: the
    page names and shows them as the characters typed; nothing runs; the server logs no traceback."""
    from pathlib import Path

    from app.views.lesson import format as lf
    from app.views.lesson.format import Lesson, Step
    from app.core.text import shorten
    from tests.hostile import PAYLOADS, probe
    clean = {"found": [], "ran": None}
    page = app_page
    page.goto(_url(panel_app))
    server = _servers[(Path(__file__).resolve().parents[2] / "app/pages/lesson.py").resolve()]
    start = server.log.stat().st_size
    picker = page.locator("input[type=file][accept^=\".json\"]")   # (the Convolution lab's picture picker is another)
    expect(picker).to_be_attached(timeout=SLOW)
    for payload in PAYLOADS:
        name = payload.replace("/", "") + ".json"
        picker.set_input_files(files=[{"name": name, "mimeType": "application/json", "buffer": b"{not json"}])
        expect(page.get_by_text(f"The file {shorten(name, 60)} could not be opened")).to_be_visible(timeout=SLOW)
        page.wait_for_timeout(500)
        assert probe(page) == clean
        hostile = Lesson(payload[:lf.MAX_TITLE], [Step("conv", {"weights": payload}, payload, payload),
                                                   Step("conv", {}, "second", "二")])
        picker.set_input_files(files=[{"name": "fields.json", "mimeType": "application/json",
                                       "buffer": hostile.to_file()}])
        expect(page.get_by_text("Opened the lesson file fields.json")).to_be_visible(timeout=SLOW)
        expect(page.get_by_test_id("lesson-step").first).to_contain_text("weights=" + payload[:40], timeout=SLOW)
        page.get_by_role("button", name="▶ Play full screen").click()
        expect(page.get_by_test_id("lesson-note")).to_have_text(payload, timeout=SLOW)
        page.wait_for_timeout(500)
        assert probe(page) == clean
        page.get_by_role("button", name="✕ Back to editing").click()
        expect(picker).to_be_attached(timeout=SLOW)
    log = server.log.read_bytes()[start:].decode("utf-8", "replace")
    assert "Traceback" not in log, log[-3000:]


def test_a_lesson_playing_in_the_playground_hides_its_navigation(panel_app, app_page):
    """The play mode hides the page's header; inside /playground, the navigation bar too, until
    the lecturer goes back to editing."""
    from app.views.lesson import format as lf
    from app.core.i18n import t
    from app.views.lesson.examples import example
    page = app_page
    page.goto(panel_app("app/pages/playground.py", lang="en", view="lesson",
                        lesson_lesson=lf.to_code(example("convolution")), lesson_play="true"))
    _playing(page)
    nav = page.get_by_role("button", name=t("view_draw", "en"), exact=True)
    lab = page.get_by_role("button", name=t("nav_pooling", "en"), exact=True)
    expect(nav).to_be_hidden(timeout=SLOW)
    expect(lab).to_be_hidden(timeout=SLOW)
    expect(page.locator("#header")).to_be_hidden(timeout=SLOW)
    page.get_by_role("button", name="✕ Back to editing").click()
    expect(nav).to_be_visible(timeout=SLOW)
    expect(lab).to_be_visible(timeout=SLOW)
    expect(page).not_to_have_url(re.compile(r"lesson_play="), timeout=SLOW)

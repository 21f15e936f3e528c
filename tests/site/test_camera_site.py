"""Your classes in the static site with a camera: Chromium's fake camera fills two classes, the
network trains in the browser's Python (Pyodide), and a camera frame is predicted.

The fake camera (``--use-fake-device-for-media-stream``: a moving test pattern;
``--use-fake-ui-for-media-stream``: the permission prompt answers yes) runs in a second
Chromium, launched through the session's Playwright (the sync API allows one per process).
"""
import re
import shutil

import pytest
from playwright.sync_api import expect

from app.core.i18n import t
from app.views.classes import strings  # noqa: F401  (registers the texts)
from tests.e2e.conftest import CHROMIUM_ARGS, FAKE_CAMERA
from tests.e2e.test_classes import SOME, counts, hold_capture

from .conftest import Recorder
from .test_site import _open_live

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


@pytest.fixture(scope="module")
def camera_chromium(chromium):
    browser = chromium.browser_type.launch(executable_path=shutil.which("chromium"), headless=True,
                                           args=CHROMIUM_ARGS + FAKE_CAMERA)
    yield browser
    browser.close()


def test_fake_camera_fills_two_classes_trains_and_predicts_in_the_static_site(numpy_site, serve, camera_chromium):
    site, _ = numpy_site
    context = camera_chromium.new_context(locale="en-US", viewport={"width": 1400, "height": 950})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.recorder = Recorder(context, page)
    try:
        _open_live(page, f"{serve(site)}/classes.html?epochs=1")
        expect(page.get_by_test_id("classes-counts")).to_have_attribute("data-counts", "0,0", timeout=60_000)
        page.get_by_test_id("webcam-start").click()
        expect(page.get_by_text(t("classes_camera_on", "en", name="class 1"))).to_be_visible(timeout=60_000)
        expect(page.get_by_test_id("webcam-capture")).to_be_enabled()

        hold_capture(page, 4)                                          # a burst into class 1
        page.get_by_role("button", name=re.compile(r"^class 2 \(0\)$")).click()
        expect(page.get_by_text(t("classes_camera_on", "en", name="class 2"))).to_be_visible(timeout=60_000)
        first = counts(page)
        assert first[0] >= 4 and first[1] == 0
        hold_capture(page, 4)                                          # and into class 2
        assert counts(page)[1] >= 4

        page.get_by_role("button", name=t("classes_train", "en"), exact=True).click()
        status = page.get_by_test_id("classes-status")
        expect(status).to_have_attribute("data-status", "finished", timeout=120_000)
        expect(status).to_have_attribute("data-steps", SOME)

        page.get_by_test_id("webcam-predict").click()
        prediction = page.get_by_test_id("classes-prediction")
        expect(prediction).to_have_attribute("data-class", re.compile(r"^class [12]$"), timeout=60_000)
    finally:
        context.close()
    assert not page.recorder.outside(), page.recorder.outside()
    assert not page.recorder.errors, page.recorder.errors

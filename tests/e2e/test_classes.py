"""Your classes in a real browser: a fake camera fills two classes, the network trains, a frame is
predicted; a browser with no camera says so; the starter set trains and shows its confusion matrix.

Chromium's fake camera (``--use-fake-device-for-media-stream``: a moving test pattern;
``--use-fake-ui-for-media-stream``: the permission prompt answers yes) runs in a second
browser, launched through the shared fixture's Playwright (the sync API allows one per process).
"""
import re

import pytest
from playwright.sync_api import expect

from app.core.i18n import t
from app.views.classes import strings  # noqa: F401  (registers the texts)
from tests.e2e.conftest import _Recorder

pytestmark = pytest.mark.e2e

SOME = re.compile(r"^([1-9]\d*)$")


def counts(page):
    return [int(c) for c in page.get_by_test_id("classes-counts").get_attribute("data-counts").split(",")]


def hold_capture(page, frames_at_least):
    """Press and hold the capture button until the target class has grown by ``frames_at_least``."""
    button = page.get_by_test_id("webcam-capture")
    before = sum(counts(page))
    button.hover()
    page.mouse.down()
    try:
        expect(page.get_by_test_id("classes-counts")).to_have_attribute(
            "data-counts", re.compile("|".join(_totals_at_least(before + frames_at_least))), timeout=30_000)
    finally:
        page.mouse.up()


def _totals_at_least(total):
    # data-counts is "a,b": match any pair whose sum is >= total (at most 60 of each here)
    return [rf"^{a},{b}$" for a in range(61) for b in range(61) if a + b >= total]


def test_fake_camera_capture_two_classes_train_and_predict(camera_browser, panel_app, screenshot):
    context = camera_browser.new_context(locale="en-US", viewport={"width": 1400, "height": 950})
    recorder = _Recorder()
    page = context.new_page()
    recorder.attach(page)
    try:
        page.goto(panel_app("app/pages/classes.py", epochs=2))
        expect(page.get_by_test_id("classes-counts")).to_have_attribute("data-counts", "0,0", timeout=60_000)
        page.get_by_test_id("webcam-start").click()
        expect(page.get_by_text(t("classes_camera_on", "en", name="class 1"))).to_be_visible()
        expect(page.get_by_test_id("webcam-capture")).to_be_enabled()
        screenshot(page, "classes-camera-on")

        hold_capture(page, 6)                                          # a burst into class 1
        page.get_by_role("button", name=re.compile(r"^class 2 \(0\)$")).click()
        expect(page.get_by_text(t("classes_camera_on", "en", name="class 2"))).to_be_visible()
        first = counts(page)        # (read after the switch: frames sent before it have all arrived)
        assert first[0] >= 6 and first[1] == 0
        hold_capture(page, 6)                                          # and into class 2
        second = counts(page)
        assert second[0] == first[0] and second[1] >= 6
        screenshot(page, "classes-captured", full_page=True)

        page.get_by_role("button", name=t("classes_train", "en"), exact=True).click()
        status = page.get_by_test_id("classes-status")
        expect(status).to_have_attribute("data-status", "finished", timeout=60_000)
        expect(status).to_have_attribute("data-steps", SOME)

        page.get_by_test_id("webcam-predict").click()
        prediction = page.get_by_test_id("classes-prediction")
        expect(prediction).to_have_attribute("data-class", re.compile(r"^class [12]$"))
        expect(prediction).to_contain_text("It says:")
        screenshot(page, "classes-trained-predicted", full_page=True)
    finally:
        context.close()
    assert not recorder.outside(), recorder.outside()
    assert not recorder.errors, recorder.errors


def test_no_camera_is_explained_and_the_starter_set_trains(app_page, panel_app, screenshot):
    page = app_page                                                    # the shared browser has no camera
    page.goto(panel_app("app/pages/classes.py", epochs=1))
    expect(page.get_by_test_id("classes-counts")).to_have_attribute("data-counts", "0,0", timeout=60_000)

    page.get_by_role("button", name=t("classes_train", "en"), exact=True).click()
    expect(page.get_by_text(re.compile("Cannot train yet: .* and “class 1” has 0."))).to_be_visible()

    page.get_by_test_id("webcam-start").click()
    refused = re.compile("|".join(re.escape(t(f"classes_camera_{s}", "en")[:30])
                                  for s in ("no_camera", "denied", "unsupported")))
    expect(page.get_by_text(refused)).to_be_visible()
    expect(page.get_by_test_id("webcam-capture")).to_be_disabled()
    screenshot(page, "classes-no-camera")

    page.get_by_role("button", name=t("classes_starter", "en"), exact=True).click()
    expect(page.get_by_test_id("classes-counts")).to_have_attribute("data-counts", "64,64,64")
    page.get_by_role("button", name=t("classes_train", "en"), exact=True).click()
    expect(page.get_by_test_id("classes-status")).to_have_attribute("data-status", "finished", timeout=60_000)
    expect(page.get_by_text(re.compile(r"^brick: \d+ of 16 right$"))).to_be_visible()
    screenshot(page, "classes-starter-trained", full_page=True)

    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_text(t("classes_heading_data", "zh"), exact=True)).to_be_visible()
    expect(page.get_by_test_id("classes-status")).to_have_text(t("classes_status_finished", "zh"))
    screenshot(page, "classes-zh", full_page=True)


def test_download_the_network_and_open_it_again(app_page, panel_app, tmp_path, screenshot):
    """One step on the starter set, download the network, reload the page, open the file: the
    network answers at once (status "opened from ...", a prediction for a picture file)."""
    import io

    from PIL import Image

    from cnncore.data import photo

    page = app_page
    page.goto(panel_app("app/pages/classes.py", epochs=1))
    expect(page.get_by_test_id("classes-counts")).to_have_attribute("data-counts", "0,0", timeout=60_000)
    page.get_by_role("button", name=t("classes_starter", "en"), exact=True).click()
    expect(page.get_by_test_id("classes-counts")).to_have_attribute("data-counts", "64,64,64")
    page.get_by_role("button", name=t("classes_step", "en"), exact=True).click()
    expect(page.get_by_test_id("classes-status")).to_have_attribute("data-steps", "1", timeout=60_000)
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name=t("classes_download_network", "en")).click()
    download = info.value
    assert download.suggested_filename == "my-classes-network.npz"
    path = tmp_path / "network.npz"
    download.save_as(path)

    page.goto(panel_app("app/pages/classes.py", epochs=1))               # a fresh page: nothing trained
    status = page.get_by_test_id("classes-status")
    expect(status).to_have_attribute("data-status", "idle", timeout=60_000)
    label = t("classes_open_network", "en")
    page.locator(f'input[data-testid="file-upload"][aria-label="{label}"]').set_input_files(
        files=[{"name": "network.npz", "mimeType": "application/octet-stream", "buffer": path.read_bytes()}])
    expect(status).to_have_attribute("data-status", "finished", timeout=60_000)
    expect(page.get_by_text(re.compile("opened from network.npz"))).to_be_visible()
    buffer = io.BytesIO()
    Image.fromarray(photo("grass")[100:164, 100:164]).save(buffer, format="PNG")
    test_label = t("classes_test_upload", "en")
    page.locator(f'input[data-testid="file-upload"][aria-label="{test_label}"]').set_input_files(
        files=[{"name": "grass.png", "mimeType": "image/png", "buffer": buffer.getvalue()}])
    expect(page.get_by_test_id("classes-prediction")).to_have_attribute(
        "data-class", re.compile("^(brick|grass|gravel)$"), timeout=60_000)
    screenshot(page, "classes-network-opened", full_page=True)

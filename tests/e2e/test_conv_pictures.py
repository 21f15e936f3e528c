"""Real pictures in the convolution lab, in a real browser: a shipped photo with its credit, a
picture file chosen with the file picker, a camera frame (Chromium's fake camera), and each
RGB channel's share of the output beside their sum."""
import io
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from app.core.i18n import t
from app.widgets import picture_source  # noqa: F401  (registers the texts)
from app.views.conv import strings  # noqa: F401
from tests.e2e.conftest import _Recorder

pytestmark = pytest.mark.e2e


def _png(image):
    from PIL import Image
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG")
    return out.getvalue()


def test_a_photo_then_a_file_of_your_own(app_page, panel_app, screenshot):
    page = app_page
    page.goto(panel_app("app/pages/conv.py", source="photo", photo="chelsea", channels="rgb", size=24),
              timeout=90_000)
    expect(page.get_by_text(re.compile("Photograph by Stefan van der Walt, CC0"))).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name=t("conv_lab_channels_title", "en"))).to_be_visible()
    shares = page.get_by_text(re.compile(r"R [−-]?[\d.]+ \+ G [−-]?[\d.]+ \+ B [−-]?[\d.]+ \+ b 0 = ")).first
    expect(shares).to_be_visible()                                 # each channel's share, then their sum
    value = page.get_by_test_id("conv-value")
    cat = value.inner_text()
    assert shares.inner_text().rsplit("= ", 1)[1].strip() == cat     # the sum is the output value
    screenshot(page, "conv-photo-chelsea", full_page=True)

    page.get_by_role("button", name=t("conv_lab_source_yours", "en"), exact=True).click()
    expect(page.get_by_text(t("picture_none", "en"))).to_be_visible()
    image = np.zeros((90, 120, 3), np.uint8)
    image[:, 60:] = (250, 200, 10)                                 # a yellow right half: a strong edge
    page.get_by_test_id("file-upload").set_input_files(
        files=[{"name": "my edge.png", "mimeType": "image/png", "buffer": _png(image)}])
    expect(page.get_by_text("Showing my edge.png (120 × 90 pixels).")).to_be_visible(timeout=30_000)
    expect(value).not_to_have_text(cat)
    page.get_by_test_id("file-upload").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a picture"}])
    expect(page.get_by_text(re.compile(r"notes\.txt is not an image .* The last picture is kept\."))).to_be_visible()
    screenshot(page, "conv-your-picture", full_page=True)


def test_a_camera_frame_becomes_the_input(camera_browser, panel_app, screenshot):
    context = camera_browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 950})
    recorder = _Recorder()
    page = context.new_page()
    recorder.attach(page)
    try:
        page.goto(panel_app("app/pages/conv.py", source="yours", channels="rgb", lang="zh"), timeout=90_000)
        expect(page.get_by_text(t("picture_none", "zh"))).to_be_visible(timeout=60_000)
        page.get_by_test_id("webcam-start").click()
        expect(page.get_by_text(t("picture_camera_on", "zh"))).to_be_visible(timeout=30_000)
        page.get_by_test_id("webcam-predict").click()               # "Use this frame"
        expect(page.get_by_text(re.compile("正在显示 摄像头画面"))).to_be_visible(timeout=30_000)
        screenshot(page, "conv-camera-frame-zh", full_page=True)
    finally:
        context.close()
    assert not recorder.outside(), recorder.outside()
    assert not recorder.errors, recorder.errors

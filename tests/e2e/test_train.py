"""Train in a real browser: start, watch the curve grow, pause, one step, a bad upload, 中文."""
import re

import pytest
from playwright.sync_api import expect

from app.core.i18n import t
from app.views.train import strings  # noqa: F401  (registers the texts)

pytestmark = pytest.mark.e2e

TINY = dict(model="custom", arch="c4k3p1-relu-max2-max2", subset=4000, batch_size=8, epochs=20)  # long enough to pause
AT_LEAST_3 = re.compile(r"^([3-9]|\d{2,})$")


def steps(counter):
    return int(counter.get_attribute("data-steps"))


def test_train_pause_step_upload_and_language(app_page, panel_app, screenshot):
    page = app_page
    page.goto(panel_app("app/pages/train.py", **TINY))
    counter = page.get_by_test_id("train-step")
    status = page.get_by_test_id("train-status")
    expect(counter).to_have_attribute("data-steps", "0", timeout=60_000)

    # Start: the periodic callback trains and streams points into the loss curve.
    page.get_by_role("button", name=t("train_start", "en"), exact=True).click()
    expect(status).to_have_attribute("data-status", "running")
    expect(counter).to_have_attribute("data-points", AT_LEAST_3, timeout=30_000)
    screenshot(page, "train-running-en")

    # Pause: no more steps; Step +1: exactly one more.
    page.get_by_role("button", name=t("train_pause", "en"), exact=True).click()
    expect(status).to_have_attribute("data-status", "paused")
    paused_at = steps(counter)
    page.wait_for_timeout(1500)
    assert steps(counter) == paused_at
    page.get_by_role("button", name=t("train_step", "en"), exact=True).click()
    expect(counter).to_have_attribute("data-steps", str(paused_at + 1))
    expect(counter).to_have_attribute("data-points", str(paused_at + 1))

    # A file that is not a model: the page says why, and nothing breaks.
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "broken.npz", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04 not a zip"}])
    message = page.get_by_text(re.compile(re.escape(t("train_upload_bad", "en", name="broken.npz", message="")[:-1])))
    expect(message).to_be_visible(timeout=20_000)
    expect(message).to_contain_text("model file")
    screenshot(page, "train-bad-upload-en")

    # 中文: labels change, the run (and its step count) stays.
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_role("button", name=t("train_resume", "zh"), exact=True)).to_be_visible(timeout=60_000)
    expect(page.get_by_text(t("train_heading_model", "zh"), exact=True)).to_be_visible()
    expect(status).to_have_text(t("train_status_paused", "zh"))
    expect(counter).to_have_attribute("data-steps", str(paused_at + 1))
    expect(page.get_by_text(re.compile(re.escape(t("train_upload_bad", "zh", name="broken.npz", message="")[:-1])))).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]lang=zh"))
    screenshot(page, "train-zh", full_page=True)


def test_upload_limit_is_checked_in_the_browser(app_page, panel_app, screenshot):
    """A file over the limit is refused before it is sent (the page stays connected); one just
    under it arrives and is explained; an empty file gets a message too."""
    from app.views.train.view import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB

    page = app_page
    page.goto(panel_app("app/pages/train.py", **TINY))
    expect(page.get_by_text(t("train_upload", "en", mb=MAX_UPLOAD_MB))).to_be_visible(timeout=60_000)
    picker = page.get_by_test_id("file-upload")

    def upload(name, data):
        picker.set_input_files(files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}])

    upload("huge.npz", b"x" * (MAX_UPLOAD_BYTES + 1))
    too_big = page.get_by_text(re.compile(re.escape(f"at most {MAX_UPLOAD_MB} MB can be uploaded")))
    expect(too_big).to_be_visible()
    screenshot(page, "train-upload-too-big-en")

    upload("almost.npz", b"x" * (MAX_UPLOAD_BYTES - 1))             # arrives: not a model, and says so
    expect(page.get_by_text(re.compile(re.escape("this file starts with 'xxxxxxxx'")))).to_be_visible(timeout=60_000)
    expect(too_big).to_have_count(0)                                 # the old message is gone

    upload("empty.npz", b"")
    expect(page.get_by_text(re.compile("the file is empty"))).to_be_visible()

    page.get_by_role("button", name="中文", exact=True).click()       # still connected
    expect(page.get_by_text(t("train_heading_model", "zh"), exact=True)).to_be_visible()
    screenshot(page, "train-upload-zh")
    expect(page.get_by_text(re.compile(re.escape(f"最大 {MAX_UPLOAD_MB} MB")))).to_be_visible()


def test_builder_adds_a_global_pool_and_trains_it(app_page, panel_app, screenshot):
    """The builder in Chromium: add a global pool after the convolutions, see its row's shape and
    explanation, switch it to attention pooling (one number per channel), then take a training step."""
    page = app_page
    page.goto(panel_app("app/pages/train.py", model="custom", arch="c4k3p1-relu-max2", subset=500, batch_size=16,
                        epochs=1))
    counter = page.get_by_test_id("train-step")
    expect(counter).to_have_attribute("data-steps", "0", timeout=60_000)
    page.get_by_role("combobox", name=t("builder_add_kind", "en")).select_option(label=t("builder_kind_global", "en"))
    page.get_by_role("button", name=t("builder_add", "en"), exact=True).click()
    shape = page.locator(".nb-shape b")
    expect(shape.filter(has_text=re.compile(r"^4 × 1 × 1$"))).to_have_count(1, timeout=30_000)
    expect(page.get_by_text(t("builder_explain_gap", "en"))).to_be_visible()
    expect(page.get_by_text(t("builder_head", "en", label="Linear 4→10"))).to_be_visible()
    expect(page.get_by_text("Something went wrong")).to_have_count(0)     # a picked kind, then Add: no error
    page.wait_for_function("() => location.search.includes('arch=c4k3p1-relu-max2-gap')", timeout=30_000)
    screenshot(page, "train-builder-gap-en")

    page.locator("select", has=page.locator("option", has_text="attention")).select_option(label="attention")
    expect(shape.filter(has_text=re.compile(r"^4$"))).to_have_count(1, timeout=30_000)
    expect(page.get_by_text(t("builder_explain_attn", "en"))).to_be_visible()
    expect(page.get_by_text(t("builder_params", "en", n=5))).to_be_visible()      # a 1x1 score kernel + bias
    page.wait_for_function("() => location.search.includes('arch=c4k3p1-relu-max2-attn')", timeout=30_000)

    # Step +1 right after editing a row trains the edited network (the click waits for the page's lock).
    page.get_by_role("button", name=t("train_step", "en"), exact=True).click()
    expect(counter).to_have_attribute("data-steps", "1", timeout=60_000)
    expect(page.get_by_test_id("train-status")).to_have_attribute("data-status", "paused")
    expect(page.get_by_text("Something went wrong")).to_have_count(0)

    # The link keeps the network: opened afresh, it builds the same stack, and it trains.
    page.goto(page.evaluate("location.href"))
    expect(counter).to_have_attribute("data-steps", "0", timeout=60_000)
    expect(shape.filter(has_text=re.compile(r"^4$"))).to_have_count(1, timeout=30_000)
    page.get_by_role("button", name=t("train_step", "en"), exact=True).click()   # it trains
    expect(counter).to_have_attribute("data-steps", "1", timeout=60_000)
    screenshot(page, "train-builder-attn-en")

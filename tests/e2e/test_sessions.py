"""Two students on one server never share state: each browser session has its own language,
model, drawing and trained models (one SessionState and one set of views per session)."""
import re

import pytest
from playwright.sync_api import expect

from app.core.i18n import t
from app.core.session import SessionState
from app.views.train import strings  # noqa: F401  (registers the texts)
from tests.e2e.test_draw import DIGIT, draw_line

pytestmark = pytest.mark.e2e

# B trains a tiny network on 500 digits for one epoch: it finishes and registers a model.
SHORT_RUN = dict(lang="en", view="train", train_model="custom", train_arch="c4k3p1-relu-max2-max2",
                 train_subset=500, train_batch_size=128, train_epochs=1)


def test_two_sessions_keep_their_own_language_model_drawing_and_training(open_page, panel_app):
    a, b = open_page("zh-CN"), open_page("en-US")
    a.goto(panel_app("app/pages/playground.py", lang="zh", view="draw", draw_model="tiny_vgg"))
    b.goto(panel_app("app/pages/playground.py", **SHORT_RUN))

    # A draws a "1" with its model while B trains.
    canvas_a, prediction_a = a.get_by_test_id("draw-canvas"), a.get_by_test_id("prediction")
    expect(canvas_a).to_be_visible(timeout=60_000)
    start = b.get_by_role("button", name=t("train_start", "en"), exact=True)
    expect(start).to_be_visible(timeout=60_000)
    start.click()
    draw_line(a, canvas_a, (0.5, 0.15), (0.5, 0.85))
    expect(prediction_a).to_have_text(DIGIT)
    digit = prediction_a.text_content()
    expect(b.get_by_test_id("train-status")).to_have_attribute("data-status", "finished", timeout=120_000)

    # B: its trained model is offered in its own Draw view, whose canvas is empty (not A's drawing).
    b.get_by_role("button", name=t("view_draw", "en"), exact=True).click()
    expect(b.get_by_test_id("draw-canvas")).to_be_visible()
    expect(b.get_by_test_id("prediction")).to_have_text("")
    expect(b.locator("option").filter(has_text=t("trained_here", "en")).first).to_be_attached()

    # A: still Chinese, still its model and prediction, and no model trained in B's session.
    expect(a.get_by_role("button", name=t("clear", "zh"), exact=True)).to_be_visible()
    expect(a).to_have_url(re.compile(r"[?&]lang=zh"))
    expect(prediction_a).to_have_text(digit)
    tiny_vgg = {key: label for label, key in SessionState().options("zh").items()}["tiny_vgg"]
    expect(a.locator("select").first).to_have_value(tiny_vgg)
    for lang in ("zh", "en"):
        expect(a.locator("option").filter(has_text=t("trained_here", lang))).to_have_count(0)

    # B drawing does not change A's prediction; B stayed English.
    draw_line(b, b.get_by_test_id("draw-canvas"), (0.3, 0.2), (0.7, 0.8))
    expect(b.get_by_test_id("prediction")).to_have_text(DIGIT)
    expect(b.get_by_role("button", name=t("clear", "en"), exact=True)).to_be_visible()
    expect(prediction_a).to_have_text(digit)

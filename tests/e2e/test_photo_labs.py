"""Gradients and Shift & rotate in Chromium with the colour model: choose it in the picker, see the
saliency of a photo and the moved photo, the predictions by class name, both languages; and the
phone layout (390x844) of Inside, Gradients and Shift & rotate in photo mode has no sideways scroll.
Screenshots: test-output/screenshots/{gradients,equivariance}-photo-{en,zh}.png, layout-phone-*-photo.png."""
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from app.widgets.photo_input import model_input
from app.widgets.lab_common import fmt
from app.core.i18n import t
from app.views.equivariance import strings  # noqa: F401
from app.views.gradients import strings as _  # noqa: F401  (registers the texts)
from app.core.session import SessionState
from cnncore.inspect import class_probabilities, saliency, shift_image
from cnncore.models.photo_tiles import PHOTO_CLASSES
from cnncore.photos import photo

from .test_layout import PHONE, TOLERANCE, _cards, _page_width, _url, _wait_for_view, phone  # noqa: F401

pytestmark = pytest.mark.e2e
SLOW = 60_000   # ms: the machine is shared and busy


@pytest.fixture(scope="module")
def photo_model():
    session = SessionState()
    label = next(label for label, key in session.options("en", ("digit", "photo")).items() if key == "photo_tiles")
    return session.get("photo_tiles").eval(), label


def _name(k, lang):
    return t(f"photo_in_class_{PHOTO_CLASSES[k]}", lang)


def test_gradients_of_a_photo(open_page, panel_app, screenshot, photo_model):
    net, label = photo_model
    x = model_input(photo("rocket"))[1]
    expected = saliency(net, x[0])
    best = int(np.argmax(expected["probabilities"]))
    page = open_page(height=1500)
    page.goto(panel_app("app/pages/gradients.py", lang="en"))
    expect(page.get_by_test_id("grad-pred")).to_have_text("7", timeout=SLOW)      # a digit model first
    page.get_by_role("combobox").first.select_option(label=label)
    expect(page).to_have_url(re.compile(r"model=photo_tiles"), timeout=SLOW)
    page.get_by_role("combobox").nth(2).select_option(label=t("photo_in_rocket", "en"))
    expect(page).to_have_url(re.compile(r"photo=rocket"), timeout=SLOW)
    expect(page.get_by_test_id("grad-pred")).to_have_text(_name(best, "en"), timeout=SLOW)
    expect(page.get_by_test_id("grad-sal-max")).to_have_text(fmt(expected["map"].max(), 4))
    expect(page.get_by_test_id("grad-sal-check")).to_have_text("0")               # saliency == the layers' input
    expect(page.locator(".grad-saliency canvas").first).to_be_visible()
    expect(page.locator(".grad-photo canvas").first).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "gradients-photo-en", full_page=True)
    page.get_by_test_id("grad-fd-table").scroll_into_view_if_needed()
    screenshot(page, "gradients-photo-check-en")
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_test_id("grad-pred")).to_have_text(_name(best, "zh"), timeout=SLOW)
    expect(page.get_by_text(t("grad_explain_sal_photo", "zh")[:20])).to_be_visible()
    screenshot(page, "gradients-photo-zh", full_page=True)


def test_shift_and_rotate_a_photo(open_page, panel_app, screenshot, photo_model):
    net, label = photo_model
    x = model_input(photo("chelsea"))[1]                                           # the default picture
    before, after = (class_probabilities(net, v)[0][0] for v in (x, shift_image(x, 3, 0)))
    page = open_page(height=1500)
    page.goto(panel_app("app/pages/equivariance.py", lang="en", dx=3))
    expect(page.get_by_test_id("eq-pred-before")).to_have_text(re.compile(r"^[0-9]$"), timeout=SLOW)
    page.get_by_role("combobox").first.select_option(label=label)
    expect(page).to_have_url(re.compile(r"model=photo_tiles"), timeout=SLOW)
    expect(page.get_by_test_id("eq-pred-before")).to_have_text(_name(int(before.argmax()), "en"), timeout=SLOW)
    expect(page.get_by_test_id("eq-pred-after")).to_have_text(_name(int(after.argmax()), "en"))
    expect(page.get_by_test_id("eq-probs-after")).to_have_attribute("data-best", PHOTO_CLASSES[int(after.argmax())])
    for k, p in enumerate(after):                                                  # every class, by name
        row = page.get_by_test_id("eq-probs-after").locator(f"[data-class='{PHOTO_CLASSES[k]}']")
        expect(row).to_have_attribute("data-p", f"{p:.6f}")
    expect(page.get_by_text(t("eq_heading_move_photo", "en"), exact=True)).to_be_visible()
    expect(page.locator(".eq-input-after canvas:visible").first).to_be_visible()
    expect(page.get_by_test_id("eq-error")).to_have_text(re.compile(r"\d"))
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "equivariance-photo-en", full_page=True)
    page.get_by_test_id("eq-compare-table").scroll_into_view_if_needed()
    screenshot(page, "equivariance-photo-predict-en")
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_text(t("eq_heading_move_photo", "zh"), exact=True)).to_be_visible(timeout=SLOW)
    expect(page.get_by_test_id("eq-pred-after")).to_have_text(_name(int(after.argmax()), "zh"))
    screenshot(page, "equivariance-photo-zh", full_page=True)


@pytest.mark.parametrize("path, shown", [("app/pages/inside.py", "inside-probabilities"),
                                         ("app/pages/gradients.py", "grad-pred"),
                                         ("app/pages/equivariance.py", "eq-probs-after")])
def test_phone_photo_mode_fits_the_screen(panel_app, phone, screenshot, path, shown):  # noqa: F811
    page = phone
    page.goto(_url(panel_app, path, model="photo_tiles", photo="coffee"))
    _wait_for_view(page)
    classes = re.compile("|".join(PHOTO_CLASSES))                                  # photo mode: class names
    expect(page.get_by_test_id(shown)).to_contain_text(classes, timeout=SLOW)
    page.wait_for_timeout(1000)                                                    # the photo mode's layout settles
    assert _page_width(page) <= PHONE["width"] + TOLERANCE, _page_width(page)
    for box in _cards(page):
        assert box["x"] >= -TOLERANCE and box["x"] + box["width"] <= PHONE["width"] + TOLERANCE, box
    screenshot(page, f"layout-phone-{path.split('/')[-1][:-3]}-photo")

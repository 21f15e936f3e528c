"""Inside the network in Chromium with the colour model: choose it, see a photo's feature maps and classes."""
import re

import pytest
from playwright.sync_api import expect

from app.views.inside.explain import fmt
from app.widgets.photo_input import model_input
from app.core.session import SessionState
from cnncore.inspect import capture, class_probabilities
from cnncore.models.photo_tiles import PHOTO_CLASSES
from cnncore.photos import photo

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def truth():
    """What the page should show for the rocket photo, computed here with the engine."""
    net = SessionState().get("photo_tiles").eval()
    _, x = model_input(photo("rocket"))
    _, acts = capture(net, x)
    probabilities, _ = class_probabilities(net, x)
    return dict(acts=acts, best=PHOTO_CLASSES[int(probabilities[0].argmax())])


def test_choose_the_photo_model_and_see_the_feature_maps_of_a_photo(open_page, panel_app, screenshot, truth):
    page = open_page(height=1900)
    page.goto(panel_app("app/pages/inside.py", lang="en", layer=0, channel=0, i=14, j=14, sample=3))
    expect(page.get_by_test_id("inside-unit-title")).to_contain_text("channel 0", timeout=60_000)
    expect(page.get_by_test_id("inside-layer-input")).to_contain_text("1 × 28 × 28")
    page.get_by_role("combobox").first.select_option(value=None, label="Photo-patch CNN (7 shipped pictures) · colour 32 × 32")
    expect(page.get_by_test_id("inside-layer-input")).to_contain_text("3 × 32 × 32", timeout=60_000)
    expect(page).to_have_url(re.compile(r"model=photo_tiles"))
    page.get_by_role("combobox").nth(1).select_option(label="A rocket launch")
    expect(page).to_have_url(re.compile(r"photo=rocket"), timeout=30_000)
    expect(page.get_by_test_id("inside-probabilities")).to_have_attribute("data-best", truth["best"])
    expect(page.get_by_test_id("inside-layer-0")).to_contain_text("8 × 32 × 32")
    expect(page.get_by_test_id("inside-layer-3")).to_contain_text("16 × 16 × 16")
    low, high = truth["acts"]["3"][0].min(), truth["acts"]["3"][0].max()
    expect(page.get_by_test_id("inside-layer-3")).to_contain_text(f"{fmt(low)} … {fmt(high)}")
    expect(page.locator(".inside-plot-3 canvas").first).to_be_visible()
    value = truth["acts"]["0"][0, 0, 14, 14]
    expect(page.get_by_test_id("inside-value")).to_contain_text(fmt(value, 4), timeout=30_000)
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "inside-photo-en")
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_test_id("inside-probabilities")).to_contain_text("每个类别的概率", timeout=30_000)
    screenshot(page, "inside-photo-zh")

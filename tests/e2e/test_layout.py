"""Layout in a real browser: a phone (390x844, touch) gets every page at its own width (the
viewport meta tag, no horizontal scroll, the cards in one column, a drawing canvas a finger can
use); ``?theme=projector`` enlarges every kind of widget, not only the text; an embedded
Convolution lab (the default 1100x760 <iframe>) shows its picture first; a wide window is used.
The screenshots (test-output/screenshots/layout-*.png) are for looking at."""
import re
from pathlib import Path

import pytest

pytest.importorskip("playwright")
from playwright.sync_api import expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SLOW = 30_000   # ms: the machine is shared and busy
PHONE = {"width": 390, "height": 844}
DIGIT = re.compile(r"^[0-9]$")
TOLERANCE = 2   # px of rounding
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "app" / "pages").glob("*.py"))


def _url(panel_app, path, **query):
    """The page's URL; a second try if the busy machine made the server miss the harness's deadline."""
    try:
        return panel_app(path, **query)
    except RuntimeError:
        return panel_app(path, **query)


@pytest.fixture
def phone(chromium_browser):
    """A page in a 390x844 touch phone (device pixel ratio 3), English."""
    context = chromium_browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                           device_scale_factor=3, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def _page_width(page):
    """The page's scroll width, with the page's overflow-x safety net (which would hide it) lifted."""
    return page.evaluate("""() => {
        for (const el of [document.documentElement, document.body]) el.style.overflowX = "visible";
        const main = document.getElementById('main');
        return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth, main ? main.scrollWidth : 0);
    }""")


def _wait_for_view(page):
    """Until the view's cards are drawn and stop moving."""
    expect(page.locator("#main .cnn-card:visible").first).to_be_visible(timeout=SLOW)
    page.wait_for_timeout(1500)


def _inside(box, outer):
    return (box is not outer and box["x"] >= outer["x"] - TOLERANCE and box["y"] >= outer["y"] - TOLERANCE
            and box["x"] + box["width"] <= outer["x"] + outer["width"] + TOLERANCE
            and box["y"] + box["height"] <= outer["y"] + outer["height"] + TOLERANCE)


def _cards(page):
    """Boxes (x, y, width, height) of the view's shown cards, without the cards inside a card."""
    boxes = [b for b in (c.bounding_box() for c in page.locator(".cnn-card").all()) if b and b["width"] > 0]
    return [b for b in boxes if not any(_inside(b, other) for other in boxes)]


def _touch_stroke(page, canvas, points):
    """A finger drawn along ``points`` (fractions of the canvas), as real touch events."""
    box = canvas.bounding_box()
    xy = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": xy[0][0], "y": xy[0][1]}]})
    for x, y in xy[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize("path", PAGES)
def test_phone_page_fits_the_screen(panel_app, phone, screenshot, path):
    page = phone
    page.goto(_url(panel_app, path))
    _wait_for_view(page)
    content = page.locator('meta[name="viewport"]').get_attribute("content")
    assert "width=device-width" in content, content
    assert page.evaluate("window.innerWidth") == PHONE["width"]     # not a zoomed-out 980 px page
    assert _page_width(page) <= PHONE["width"] + TOLERANCE, _page_width(page)
    cards = _cards(page)
    assert cards
    for box in cards:   # one column: every card inside the screen, none beside another
        assert box["x"] >= -TOLERANCE and box["x"] + box["width"] <= PHONE["width"] + TOLERANCE, box
    cards.sort(key=lambda b: b["y"])
    for above, below in zip(cards, cards[1:]):
        assert below["y"] >= above["y"] + above["height"] - TOLERANCE, (above, below)
    screenshot(page, f"layout-phone-{path.split('/')[-1][:-3]}")


def test_phone_touch_drawing_predicts(panel_app, phone, screenshot):
    page = phone
    page.goto(_url(panel_app, "app/pages/draw.py"))
    canvas = page.get_by_test_id("draw-canvas")
    expect(canvas).to_be_visible(timeout=SLOW)
    box = canvas.bounding_box()
    assert box["width"] >= 300 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    prediction = page.get_by_test_id("prediction")
    expect(prediction).to_have_text("", timeout=SLOW)
    scroll = page.evaluate("window.scrollY")
    _touch_stroke(page, canvas, [(0.5, 0.15 + 0.7 * i / 16) for i in range(17)])
    expect(prediction).to_have_text(DIGIT, timeout=SLOW)
    assert page.evaluate("window.scrollY") == scroll   # the finger drew; it did not scroll the page
    screenshot(page, "layout-phone-draw-touched")


def _font_px(locator):
    return locator.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def test_projector_enlarges_every_widget_kind(panel_app, open_page, screenshot):
    sizes = {}
    for theme in ("default", "projector"):
        page = open_page()
        query = {"theme": "projector"} if theme == "projector" else {}
        page.goto(_url(panel_app, "app/pages/conv.py", **query))
        expect(page.get_by_test_id("conv-window")).to_be_attached(timeout=SLOW)
        main = page.locator("#main")
        sizes[theme] = {
            "button": _font_px(main.get_by_role("button", name="Step ▶")),
            "select": _font_px(main.locator("select").first),
            "radio": _font_px(main.get_by_role("button", name="Drawing", exact=True)),
            "hint": _font_px(page.get_by_test_id("conv-keys-hint")),
        }
        if theme == "projector":
            screenshot(page, "layout-projector-conv")
    for kind, default in sizes["default"].items():
        projector = sizes["projector"][kind]
        assert projector >= 20 and projector >= default * 1.25, (kind, sizes)


def test_embedded_conv_shows_the_picture_first(panel_app, open_page, screenshot):
    page = open_page(width=1100, height=760)
    page.goto(_url(panel_app, "app/pages/conv.py", embed=1))
    window = page.get_by_test_id("conv-window")
    expect(window).to_be_attached(timeout=SLOW)
    picture = page.locator("#main canvas").first       # the padded input, the lab's main picture
    expect(picture).to_be_visible(timeout=SLOW)
    box = picture.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 760, box      # above the fold
    assert page.evaluate("window.scrollY") == 0
    screenshot(page, "layout-embed-conv")


def test_wide_window_is_used(panel_app, open_page, screenshot):
    width = 1900
    page = open_page(width=width, height=1000)
    page.goto(_url(panel_app, "app/pages/conv.py"))
    expect(page.get_by_test_id("conv-window")).to_be_attached(timeout=SLOW)
    expect(page.locator("#main canvas").first).to_be_visible(timeout=SLOW)
    page.wait_for_timeout(500)
    cards = _cards(page)
    top = min(b["y"] for b in cards)
    first_row = [b for b in cards if abs(b["y"] - top) < 40]
    left = min(b["x"] for b in first_row)
    right = max(b["x"] + b["width"] for b in first_row)
    assert right - left >= 0.75 * width, first_row          # the first row fills the window
    assert abs(left - (width - right)) <= 0.05 * width, (left, right)   # centred
    screenshot(page, "layout-wide-conv")

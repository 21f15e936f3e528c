"""In the static site: Inside the network with the colour model runs in Pyodide (its weights,
``cnncore/assets/photo_tiles.npz``, and the shipped photos are packed into the site's wheel)."""
import pytest

from tests.site.test_site import _open_live


@pytest.mark.slow
@pytest.mark.e2e
def test_inside_shows_a_photos_feature_maps_and_class_names(numpy_site, serve, browser_page):
    from playwright.sync_api import expect
    from app.views.inside.explain import fmt
    from app.widgets.photo_input import model_input
    from cnncore.inspect import capture, class_probabilities
    from cnncore.models.photo_tiles import NAME, PHOTO_CLASSES, photo_tiles
    from cnncore.photos import photo

    net = photo_tiles(pretrained=True).eval()
    _, x = model_input(photo("rocket"))
    _, acts = capture(net, x)
    best = PHOTO_CLASSES[int(class_probabilities(net, x)[0][0].argmax())]

    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/inside.html?model={NAME}&photo=rocket&lang=en")
    expect(page.get_by_test_id("inside-layer-input")).to_contain_text("3 × 32 × 32", timeout=120_000)
    probabilities = page.get_by_test_id("inside-probabilities")
    expect(probabilities).to_have_attribute("data-best", best, timeout=60_000)
    for name in PHOTO_CLASSES:                                     # every class, by name
        expect(probabilities.locator(f"[data-class='{name}']")).to_contain_text(name)
    low, high = acts["3"][0].min(), acts["3"][0].max()
    expect(page.get_by_test_id("inside-layer-3")).to_contain_text(f"{fmt(low)} … {fmt(high)}")
    expect(page.locator(".inside-plot-3 canvas").first).to_be_visible()
    assert not page.recorder.errors, page.recorder.errors

"""In the static site: the roofline measures the browser's own Python, and the attention and
bilinear pools run in Pyodide."""
import re

import pytest

from tests.site.test_site import _open_live


@pytest.mark.slow
@pytest.mark.e2e
def test_roofline_measures_the_browser_and_channel_pools_run(numpy_site, serve, browser_page):
    from playwright.sync_api import expect
    from app.core.i18n import t
    from app.views.architectures import roofline_strings  # noqa: F401
    from app.views.pooling import strings  # noqa: F401
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/architectures.html?arch=nin&batch=1&lang=en")
    roof = page.get_by_test_id("arch-roofline")
    expect(roof).to_have_attribute("data-measured", "0", timeout=120_000)
    page.get_by_role("button", name=t("archlab_roof_measure", "en"), exact=True).click(timeout=60_000)
    expect(roof).to_have_attribute("data-measured", "1", timeout=120_000)
    expect(roof).to_contain_text("einsum")                  # NumPy without BLAS: the engine's einsum GEMM
    assert float(roof.get_attribute("data-ridge")) > 0

    _open_live(page, f"{serve(site)}/pooling.html?pool=attention&beta=4&lang=en")
    expect(page.get_by_test_id("pool-attn-value")).to_be_visible(timeout=120_000)
    page.get_by_role("button", name=t("pool_kind_bilinear", "en"), exact=True).click(timeout=60_000)
    expect(page.get_by_test_id("pool-out-shape")).to_have_text(re.compile(r"^\d+ × \d+$"), timeout=120_000)
    expect(page.get_by_test_id("pool-bilinear-entry")).to_be_visible()
    assert not page.recorder.errors, page.recorder.errors

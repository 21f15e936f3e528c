"""The static site switches language everywhere at once: the Draw view's chart too.

The chart's title and axis labels are Bokeh models drawn on canvas: the page's copy of them must
change when 中文 is clicked, not at the next stroke (when the chart is redrawn anyway).
"""
import pytest
from playwright.sync_api import expect

from app.core.i18n import t
from app.views.draw import strings  # noqa: F401  (registers the texts)

from .test_site import _open_live, _stroke

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

# The live document only: the prerendered page's document stays in Bokeh.documents, first.
CHART_TEXTS = """() => {
  const out = [];
  const docs = (window.Bokeh && window.Bokeh.documents) || [];
  for (const doc of docs.slice(-1))
    for (const m of doc.all_models) {
      if (m.constructor.__name__ === 'Title' && m.text) out.push(m.text);
      if (typeof m.axis_label === 'string' && m.axis_label) out.push(m.axis_label);
    }
  return out;
}"""


def chart_texts(page):
    return page.evaluate(CHART_TEXTS)


@pytest.mark.parametrize("stroke_first", [False, True])
def test_draw_chart_follows_the_language_switch(numpy_site, serve, browser_page, stroke_first):
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/draw.html?lang=en")
    assert t("probabilities", "en") in chart_texts(page)
    if stroke_first:                     # a chart that has already shown a prediction
        _stroke(page)
        expect(page.get_by_test_id("prediction")).to_have_text(__import__("re").compile(r"\d"), timeout=60_000)
    page.get_by_role("button", name="中文", exact=True).click()
    expect(page.get_by_text(t("draw_heading", "zh"), exact=True)).to_be_visible(timeout=60_000)
    page.wait_for_function(f"() => ({CHART_TEXTS})().includes({t('probabilities', 'zh')!r})", timeout=30_000)
    texts = chart_texts(page)
    for key in ("probabilities", "digit", "probability"):
        assert t(key, "zh") in texts and t(key, "en") not in texts, texts
    assert not page.recorder.errors, page.recorder.errors

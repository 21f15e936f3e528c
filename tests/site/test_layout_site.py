"""The static site's pages are phone pages: each built HTML file (every app page and the index)
carries ``<meta name="viewport" content="width=device-width, ...">``, once, in its ``<head>``,
so a phone shows it at its own width instead of a zoomed-out 980 px desktop page."""
import re

from .test_site import built_pages

VIEWPORT = re.compile(r'<meta\s+name="viewport"\s+content="([^"]*)"', re.IGNORECASE)


def _head(text):
    match = re.search(r"<head[^>]*>(.*?)</head>", text, re.IGNORECASE | re.DOTALL)
    assert match, "no <head>"
    return match.group(1)


def test_every_built_page_has_the_viewport_meta(offline_site):
    site, _ = offline_site
    pages = built_pages(site)
    assert pages
    for name in [f"{slug}.html" for slug in pages] + ["index.html"]:
        text = (site / name).read_text(encoding="utf-8")
        found = VIEWPORT.findall(_head(text))
        assert len(found) == 1, (name, found)
        assert "width=device-width" in found[0] and "initial-scale=1" in found[0], (name, found)

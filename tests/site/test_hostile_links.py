"""A shared link can never run script in the static site's pages either.

The site builds each page in the browser's Python from the page's URL, so the same hostile
values reach the same views by another road (the worker, the page patches).
"""
import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.hostile import PAYLOADS, hostile_query, probe

from .test_site import _open_live, build_site

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


@pytest.mark.parametrize("slug", [p.slug for p in build_site.discover_pages()])
def test_hostile_values_in_every_parameter(numpy_site, serve, browser_page, slug):
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/{slug}.html?{urlencode(hostile_query(slug, PAYLOADS[0]))}")
    expect(page.get_by_text(re.compile("cannot use; each was ignored")).first).to_be_visible(timeout=60_000)
    page.wait_for_timeout(1500)
    assert probe(page) == {"found": [], "ran": None}
    assert not page.recorder.errors, page.recorder.errors

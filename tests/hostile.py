"""Hostile values for links, file names and file fields, and a probe for what they did.

Each payload, if it were ever put into the page as HTML, would leave a trace the probe finds:
an element with id ``probe``, an ``<img src=x>``, an event-handler attribute or a script naming
``__xss``, a ``javascript:`` link, or ``window.__xss`` set by a handler that ran.
"""
import importlib
from pathlib import Path

from app.views.playground.view import ALL_VIEWS

PAGES = Path(__file__).resolve().parents[1] / "app" / "pages"

# One value tries every trick at once (quotes to break out of attributes, handlers, a script,
# a javascript: link, an element to find); the second is the classic one on its own.
PAYLOADS = (
    '"><img src=x onerror=window.__xss=1><svg onload=window.__xss=2><b id=probe>b</b>'
    '<script>window.__xss=3</script><a id=probe-link href="javascript:window.__xss=4">a</a>',
    "<img src=x onerror=window.__xss=5>",
)
SHORT_PAYLOAD = PAYLOADS[1]   # short enough to be quoted whole in a message

PROBE_JS = """() => {
  const found = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.id === 'probe' || el.id === 'probe-link') found.push('#' + el.id);
      if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') found.push('img[src=x]');
      for (const name of el.getAttributeNames()) {
        const value = el.getAttribute(name) || '';
        if (name.startsWith('on') && value.includes('__xss')) found.push(el.tagName + '[' + name + ']');
        if (/^\\s*javascript:/i.test(value)) found.push(el.tagName + '[' + name + '=javascript:]');
      }
      if (el.tagName === 'SCRIPT' && el.textContent.includes('__xss')) found.push('script');
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  return {found, ran: window.__xss === undefined ? null : window.__xss};
}"""


def page_names():
    """Every page ``panel serve app/pages/*.py`` serves, by its URL path."""
    return sorted(p.stem for p in PAGES.glob("*.py") if not p.name.startswith("_"))


def view_class(key):
    _, module, cls = ALL_VIEWS[key]
    return getattr(importlib.import_module(module), cls)


def hostile_query(page, value):
    """Every URL parameter ``page`` reads, set to ``value`` (the playground: its own and the
    Draw view's, which it shows first)."""
    if page == "playground":
        return {"lang": value, "view": value, **{f"draw_{n}": value for n in view_class("draw").url_params}}
    return {"lang": value, **{name: value for name in view_class(page).url_params}}


def probe(page):
    """What the payloads left in ``page`` (a Playwright page): ``{"found": [...], "ran": None}``
    when nothing was injected and no handler ran."""
    return page.evaluate(PROBE_JS)

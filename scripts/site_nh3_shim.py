"""A pure-Python stand-in for ``nh3`` (Rust, compiled) in the static site.

Panel imports ``nh3`` lazily to clean HTML that components send (``nh3.clean``). In the
offline site Pyodide's compiled nh3 is used when the Pyodide distribution folder has it;
otherwise this module is shipped as ``nh3``: an allowlist cleaner on ``html.parser`` that
drops <script>/<style>/<iframe>/<object>/<embed> elements, ``on*`` event attributes and
``javascript:`` URLs. In the static site all HTML comes from the playground's own code.
"""
from html import escape
from html.parser import HTMLParser

__all__ = ["clean", "ALLOWED_TAGS"]

DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "frame", "frameset", "template"}
ALLOWED_TAGS = None  # any other tag is kept


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out, self.skip = [], 0

    def _attrs(self, attrs):
        kept = []
        for name, value in attrs:
            if name.lower().startswith("on"):
                continue
            if value is not None and value.strip().lower().startswith(("javascript:", "vbscript:")):
                continue
            kept.append(f' {name}="{escape(value, quote=True)}"' if value is not None else f" {name}")
        return "".join(kept)

    def handle_starttag(self, tag, attrs):
        if tag in DROP_WITH_CONTENT:
            self.skip += 1
        elif not self.skip:
            self.out.append(f"<{tag}{self._attrs(attrs)}>")

    def handle_startendtag(self, tag, attrs):
        if tag not in DROP_WITH_CONTENT and not self.skip:
            self.out.append(f"<{tag}{self._attrs(attrs)} />")

    def handle_endtag(self, tag):
        if tag in DROP_WITH_CONTENT:
            self.skip = max(0, self.skip - 1)
        elif not self.skip:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)

    def handle_entityref(self, name):
        if not self.skip:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.skip:
            self.out.append(f"&#{name};")


def clean(html, **kwargs):
    """Return ``html`` without scripts, event handlers and ``javascript:`` URLs."""
    parser = _Cleaner()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)

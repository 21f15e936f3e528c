"""Inside the network on its own page: ``panel serve app/pages/inside.py`` -> http://localhost:5006/inside

URL query: ``?lang=zh|en&model=<key>&layer=<name>&channel=<c>&i=<row>&j=<col>&sample=<0..9>``.

The page answers at once with a "loading" line and builds the view (a few
seconds of figures) once the browser is connected, so a busy server still
serves the page quickly and no work is done for a request without a browser.
"""
import html
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repo root, for `import app`

import panel as pn  # noqa: E402
import param  # noqa: E402

from app.i18n import LANGUAGES, t  # noqa: E402
from app.page import extension, page  # noqa: E402
from app.views.base import detect_language  # noqa: E402


class InsidePage(pn.viewable.Viewer):
    """The page's body: a loading line, replaced by the view when the browser has loaded."""

    lang = param.Selector(default="en", objects=list(LANGUAGES))

    def __init__(self, **params):
        super().__init__(**params)
        self.view = None
        loading = pn.pane.HTML(f"<p style='font-size:18px'>{html.escape(t('inside_loading', self.lang))}</p>",
                               margin=(20, 20))
        self.body = pn.Column(loading, sizing_mode="stretch_width")

    def load(self):
        from app.views.inside import InsideView

        self.view = InsideView(lang=self.lang)
        self.param.watch(lambda e: setattr(self.view, "lang", e.new), "lang")     # header switch -> view
        self.view.param.watch(lambda e: setattr(self, "lang", e.new), "lang")     # URL -> header
        self.view.sync_url()
        self.body[:] = [self.view]

    def __panel__(self):
        return self.body


if __name__.startswith(("bokeh", "__main__")):  # run by `panel serve` or the browser build
    import app.views.inside_strings  # noqa: E402,F401  (the loading line's text)

    extension()
    body = InsidePage(lang=detect_language())
    pn.state.onload(body.load)
    page(body, "view_inside").servable(title="CNN Playground · Inside the network")

"""A page body that builds its (heavy) view only once the browser has connected.

``panel serve`` answers the first request only after the page script has
run; a lab with several plots and a network pass would keep the browser
waiting for seconds. :class:`DeferredView` answers at once with a spinner,
builds the view in ``pn.state.onload`` (then applies the URL with
``sync_url``) and swaps it in. Its ``lang`` follows the view's both ways,
so the header's language switch works before and after.
"""
import panel as pn
import param

from ..i18n import LANGUAGES

__all__ = ["DeferredView", "serve_lab"]


class DeferredView(pn.viewable.Viewer):
    """Holds the place of ``factory(lang=...)`` until :meth:`build` runs."""

    lang = param.Selector(default="en", objects=list(LANGUAGES))

    def __init__(self, factory, after_build=None, **params):
        super().__init__(**params)
        self.factory, self.after_build, self.view = factory, after_build, None
        self._holder = pn.Column(pn.indicators.LoadingSpinner(value=True, size=48, margin=40),
                                 sizing_mode="stretch_width")

    def build(self):
        """Make the view, restore its state from the URL and show it."""
        view = self.factory(lang=self.lang)
        view.sync_url()
        self.view = view
        self.lang = view.lang
        view.param.watch(lambda e: setattr(self, "lang", e.new), "lang")
        self.param.watch(lambda e: setattr(view, "lang", e.new), "lang")
        self._holder[:] = [view]
        if self.after_build is not None:
            self.after_build(view)

    def __panel__(self):
        return self._holder


def serve_lab(factory, subtitle_key, title, after_build=None):
    """The servable page of a lab: header, language switch, deferred body."""
    from ..page import extension, page
    from ..views.base import detect_language
    extension()
    body = DeferredView(factory, after_build=after_build, lang=detect_language())
    if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
        pn.state.onload(body.build)
    else:
        body.build()
    return page(body, subtitle_key).servable(title=title)

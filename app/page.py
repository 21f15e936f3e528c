"""The pages: a template, a header and a language switch around a view, for ``panel serve``.

Every page file (``app/pages/<key>.py``) is the same three lines, ending in ``serve("<key>")``:
:func:`serve` reads the page's entry in :mod:`app.view_registry` and makes the page from it.
A heavy view (``defer=True`` there) is built only once the browser has connected:
``panel serve`` answers the first request only after the page script has run, and a lab with
several plots and a network pass would keep the browser waiting for seconds.
:class:`DeferredView` answers at once with a spinner, builds the view in ``pn.state.onload``
(then applies the URL with ``sync_url``) and swaps it in.
"""
import html
import importlib

import panel as pn
import param

from app.core.i18n import LANGUAGES, t
from app.core.lecture import EmbedButton, lecture_mode
from app.core.theme import NARROW, NARROW_CSS, NARROW_ROW_CSS, make_template
from app.view_registry import spec
from app.views.base import detect_language, language_switch

__all__ = ["extension", "page", "serve", "DeferredView", "BRAND"]

BRAND = f"{t('app_title', 'en')} · {t('app_title', 'zh')}"


def extension():
    """Panel's set-up for every page. (Formulas need nothing extra: Markdown panes typeset
    ``$$...$$`` with Bokeh's MathJax, which every page loads.)"""
    pn.extension(notifications=False, design=None)


def page(target, subtitle_key="app_subtitle"):
    """A BootstrapTemplate with ``target`` (a view or the playground) as its body.

    The header holds a subtitle in the current language, the "Embed" button (a copyable
    ``<iframe>`` snippet of the view with its current settings) and the English/中文
    switch, bound to ``target.lang``. Lecture-mode URL flags (``?embed=1``, ``?controls=0``,
    ``?explain=0``, ``?theme=projector``, see :mod:`app.core.lecture`) apply to the page:
    ``embed=1`` hides the header; the views hide their own parts.
    """
    mode = lecture_mode()
    # the subtitle ends with "…" when the header has no room for it (the title, the Embed button
    # and the language switch take about 900 px)
    compact = f"@media (max-width: {NARROW}px) {{ :host {{ margin: 2px 6px !important; }} }}"   # phones
    subtitle = pn.pane.HTML("", styles={"color": "#fff", "font-size": "17px"}, margin=(14, 10),
                            stylesheets=[compact])
    embed = EmbedButton(title_key=subtitle_key, lang=target.lang,
                        size=getattr(target, "embed_size", None) or (1100, 760))

    def relabel(*_):
        text = html.escape(t(subtitle_key, target.lang))
        subtitle.object = (f'<div title="{text}" style="white-space: nowrap; overflow: hidden; '
                           f'text-overflow: ellipsis; max-width: max(8em, calc(100vw - 920px))">{text}</div>')
        embed.lang = target.lang

    target.param.watch(relabel, "lang")
    relabel()
    switch = language_switch(target)
    switch.stylesheets = list(switch.stylesheets) + [compact]
    header = [subtitle, pn.HSpacer(), embed.button, switch]
    # on a phone the header items wrap below the title instead of widening the page
    row = pn.Row(*header, sizing_mode="stretch_width", stylesheets=[NARROW_CSS, NARROW_ROW_CSS])
    return make_template(BRAND, header=[row],
                         main=[embed.panel, target], lecture=mode)


class DeferredView(pn.viewable.Viewer):
    """Holds the place of ``factory(lang=...)`` until :meth:`build` runs. Its ``lang`` follows
    the view's both ways, so the header's language switch works before and after."""

    lang = param.Selector(default="en", objects=list(LANGUAGES))

    def __init__(self, factory, after_build=None, loading="", **params):
        super().__init__(**params)
        self.factory, self.after_build, self.view = factory, after_build, None
        waiting = [pn.indicators.LoadingSpinner(value=True, size=48, margin=40)]
        if loading:
            waiting.append(pn.pane.HTML(f"<p style='font-size:18px'>{html.escape(t(loading, self.lang))}</p>",
                                        margin=(20, 20)))
        self._holder = pn.Column(pn.Row(*waiting), sizing_mode="stretch_width")

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


def _run_later(method):
    """Slow work once the view shows: in a moment on a server, at once without one."""
    if pn.state.curdoc is not None:
        pn.state.curdoc.add_timeout_callback(method, 100)
    else:
        method()


def serve(key):
    """Make page ``key`` of :mod:`app.view_registry` servable (what every ``app/pages/<key>.py`` runs)."""
    entry = spec(key)
    extension()

    def make(lang):   # (a deferred view's module is imported only when the browser has connected)
        return getattr(importlib.import_module(entry.module), entry.cls)(lang=lang, **entry.options)

    if entry.loading:   # the loading line's text is in the view's own table
        importlib.import_module(entry.strings_module)
    lang = detect_language()
    if not entry.defer:
        body = make(lang)
        body.sync_url()
        if entry.later:
            _run_later(getattr(body, entry.later))
    else:
        later = (lambda view: _run_later(getattr(view, entry.later))) if entry.later else None
        body = DeferredView(make, after_build=later, loading=entry.loading, lang=lang)
        if pn.state.curdoc is not None and pn.state.curdoc.session_context is not None:
            pn.state.onload(body.build)
        else:
            body.build()
    return page(body, entry.header).servable(title=entry.tab_title)

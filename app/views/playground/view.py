"""The whole CNN Playground in one view (served by ``app/pages/playground.py`` at /playground).

Every view sits behind a navigation button; they share this session's models
(a model trained in the Train view can be picked in the others) and the language.
A view is built the first time it is shown, then kept (hidden, never re-created),
so a drawing or a training run survives switching views and languages.
URL query: ``?lang=zh|en&view=<key>`` (a key of :mod:`app.view_registry`: ``draw``, ``inside``,
``conv``, ``train``, ``classes``, ``lesson`` or a lab: ``pooling``, ``equivariance``,
``batchnorm``, ``residual``, ``architectures``, ``gradients``, ``svd``, ``conv1d``) plus each
view's own settings prefixed with its name (``draw_model``, ``draw_brush``, ``train_lr``, ...).
Lecture mode (:mod:`app.core.lecture`): ``?embed=1`` hides the navigation too, so an
``<iframe>`` shows just the chosen view (so does a view whose ``fills_page`` is on: a lesson
playing); the views apply ``controls=0``, ``explain=0`` and ``theme=projector`` themselves.
"""
import importlib
import logging

import panel as pn
import param

from app import view_registry
from app.core.i18n import LANGUAGES, t
from app.core.lecture import lecture_mode
from app.core.responsive import fit_layout
from app.core.session import SessionState
from app.core.url_check import sync_checked
from app.views.base import ComingSoon
from app.views.lesson import strings  # noqa: F401  (the Lesson button's label)

log = logging.getLogger("cnn_playground")

# key -> (title string key, module, class), in the order of the navigation bar, from the one
# list of views (app/view_registry.py); the concept labs on a second row.
VIEWS = {s.key: (s.nav, s.module, s.cls) for s in view_registry.VIEWS if s.row == "views"}
LABS = {s.key: (s.nav, s.module, s.cls) for s in view_registry.VIEWS if s.row == "labs"}
ALL_VIEWS = {**VIEWS, **LABS}


class Playground(pn.viewable.Viewer):
    """All views behind a navigation bar, with one session state and one language per browser session."""

    lang = param.Selector(default="en", objects=list(LANGUAGES))
    view = param.Selector(default="draw", objects=list(ALL_VIEWS))

    def __init__(self, **params):
        super().__init__(**params)
        self.session = SessionState()
        self.views = {}                      # key -> view, built on first show
        self._location = None
        style = [".bk-btn { font-size: 18px; padding: 6px 18px; }"]
        self.nav = pn.widgets.RadioButtonGroup(
            options=self._nav_options(VIEWS), value=self.view if self.view in VIEWS else None,
            color="primary", variant="outline", margin=(10, 10, 4, 10), stylesheets=style)
        self.labs_title = pn.pane.HTML("", margin=(12, 4, 0, 12), styles={"font-size": "16px", "color": "#52606D"})
        self.labs_nav = pn.widgets.RadioButtonGroup(
            options=self._nav_options(LABS), value=self.view if self.view in LABS else None,
            color="primary", variant="outline", margin=(4, 10, 8, 4),
            stylesheets=[".bk-btn { font-size: 15px; padding: 4px 12px; }"])
        for nav in (self.nav, self.labs_nav):
            nav.param.watch(self._on_nav, "value")
        self.embedded = lecture_mode().embed    # ?embed=1: the view without navigation
        self.labs_row = pn.Row(self.labs_title, self.labs_nav, sizing_mode="stretch_width")
        self.panels = {key: pn.Column(visible=False, sizing_mode="stretch_width") for key in ALL_VIEWS}
        self._relabel_nav()
        self._show()

    def _nav_options(self, views):
        return {t(title, self.lang): key for key, (title, _, _) in views.items()}

    def _on_nav(self, event):
        if event.new is not None:
            self.view = event.new

    def _relabel_nav(self):
        self.labs_title.object = t("nav_labs", self.lang) + ":"
        self.nav.options = self._nav_options(VIEWS)
        self.labs_nav.options = self._nav_options(LABS)
        self._sync_nav()

    def _sync_nav(self):
        self.nav.value = self.view if self.view in VIEWS else None
        self.labs_nav.value = self.view if self.view in LABS else None

    def _build(self, key):
        """Make view ``key`` for this session; a view that fails to load shows why instead."""
        title, module, cls = ALL_VIEWS[key]
        try:
            view = getattr(importlib.import_module(module), cls)(session=self.session, lang=self.lang)
        except Exception as exc:  # one broken view must not take the playground down
            log.exception("could not build view %s", key)
            view = ComingSoon(title, session=self.session, lang=self.lang)
            view._error.object = t("view_unavailable", self.lang, message=str(exc) or type(exc).__name__)
            view._error.visible = True
            return pn.Column(view._error, view, sizing_mode="stretch_width"), view
        if self._location is not None:
            # The query first names this view: syncing reads the whole query back, and an older
            # ``view`` there would switch the playground back to the view it is leaving.
            self._location.update_query(view=key)
            view.sync_url(self._location, prefix=f"{key}_", lang=False, drop_defaults=True)
        if "fills_page" in view.param:      # e.g. a lesson playing: the navigation makes way
            view.param.watch(self._show_nav, "fills_page")
        if hasattr(view, "set_input"):      # views that look at "the current digit" follow the drawing
            if self.session.drawing is not None:
                view.set_input(self.session.drawing)
            self.session.param.watch(lambda e, v=view: v.set_input(e.new), "drawing")
        return view, view

    @param.depends("lang", watch=True)
    def _relabel(self):
        for view in self.views.values():
            view.lang = self.lang
        self._relabel_nav()

    @param.depends("view", watch=True)
    def _show(self):
        if self.view not in self.views:
            shown, self.views[self.view] = self._build(self.view)
            self.panels[self.view].objects = [shown]
        for key, panel in self.panels.items():
            panel.visible = key == self.view
        self._sync_nav()
        self._show_nav()

    def _show_nav(self, *_):
        """The navigation shows unless the URL embeds the view or the view fills the page."""
        shown = self.views.get(self.view)
        visible = not self.embedded and not getattr(shown, "fills_page", False)
        self.nav.visible = self.labs_row.visible = visible

    def sync_url(self, location=None):
        """Keep ``lang``, ``view`` and each built view's changed settings in the URL query
        (a setting at its starting value is left out, so the URL stays short)."""
        location = location if location is not None else pn.state.location
        if location is None:
            return
        built = dict(self.views)
        self._location = location            # views built from now on sync themselves
        sync_checked(self, location, {"lang": "lang", "view": "view"}, self._report_url_problems)
        for key, view in built.items():
            view.sync_url(location, prefix=f"{key}_", lang=False, drop_defaults=True)

    def _report_url_problems(self, problems):
        """The playground's own bad URL values are explained by the view it shows."""
        if problems and self.view in self.views:
            self.views[self.view].report_url_problems(problems)

    def __panel__(self):
        # the navigation fits a phone (its button groups wrap) and grows on a projector, like the views
        return fit_layout(pn.Column(self.nav, self.labs_row, *self.panels.values(), sizing_mode="stretch_width"),
                          lecture_mode())

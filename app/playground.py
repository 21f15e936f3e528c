"""The whole CNN Playground in one page: ``panel serve app/playground.py`` -> /playground

Every view sits behind a navigation button; they share this session's models (a model trained
in the Train tab can be picked in the others) and the language.
URL query: ``?lang=zh|en&view=draw|inside|conv|train`` plus each view's own
settings prefixed with its name (``draw_model``, ``draw_brush``).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for `import app`

import panel as pn  # noqa: E402
import param  # noqa: E402

from app.i18n import LANGUAGES, t  # noqa: E402
from app.model_registry import ModelRegistry  # noqa: E402
from app.page import extension, page  # noqa: E402
from app.views.base import ComingSoon, detect_language  # noqa: E402
from app.views.draw import DrawView  # noqa: E402

VIEWS = {"draw": "view_draw", "inside": "view_inside", "conv": "view_conv", "train": "view_train"}


class Playground(pn.viewable.Viewer):
    """All views behind a navigation bar, with one model registry and one language per session."""

    lang = param.Selector(default="en", objects=list(LANGUAGES))
    view = param.Selector(default="draw", objects=list(VIEWS))

    def __init__(self, **params):
        super().__init__(**params)
        self.registry = ModelRegistry()
        self.views = {
            "draw": DrawView(registry=self.registry, lang=self.lang),
            "inside": ComingSoon("view_inside", registry=self.registry, lang=self.lang),
            "conv": ComingSoon("view_conv", registry=self.registry, lang=self.lang),
            "train": ComingSoon("view_train", registry=self.registry, lang=self.lang),
        }
        # Navigation: one button per view; views are shown/hidden, never re-created,
        # so a drawing (and its undo history) survives switching views and languages.
        self.nav = pn.widgets.RadioButtonGroup(
            options=self._nav_options(), value=self.view, color="primary", variant="outline",
            margin=(10, 10, 4, 10), stylesheets=[".bk-btn { font-size: 18px; padding: 6px 18px; }"])
        self.nav.link(self, value="view", bidirectional=True)
        self.panels = {key: pn.Column(view, visible=key == self.view, sizing_mode="stretch_width")
                       for key, view in self.views.items()}

    def _nav_options(self):
        return {t(VIEWS[key], self.lang): key for key in self.views}

    @param.depends("lang", watch=True)
    def _relabel(self):
        for view in self.views.values():
            view.lang = self.lang
        self.nav.options = self._nav_options()
        self.nav.value = self.view

    @param.depends("view", watch=True)
    def _show(self):
        for key, panel in self.panels.items():
            panel.visible = key == self.view

    def sync_url(self, location=None):
        location = location if location is not None else pn.state.location
        if location is None:
            return
        location.sync(self, {"lang": "lang", "view": "view"})
        for key, view in self.views.items():
            view.sync_url(location, prefix=f"{key}_", lang=False)

    def __panel__(self):
        return pn.Column(self.nav, *self.panels.values(), sizing_mode="stretch_width")


extension()
playground = Playground(lang=detect_language())
playground.sync_url()
page(playground).servable(title="CNN Playground")

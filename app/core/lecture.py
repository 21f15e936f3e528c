"""Lecture mode: URL flags for projecting a view or embedding it in slides, and the embed snippet.

URL flags (any page, any view; they combine with the view's own settings):

* ``?embed=1``          only the view: no page header, no navigation, no explanations
                        (for an ``<iframe>`` in slides or a course page);
* ``?controls=0``       the view's controls (sliders, buttons, menus) are hidden: just the
                        pictures. Keyboard shortcuts (e.g. the Convolution lab's Space and
                        arrow keys) still work;
* ``?explain=0``        the explanations are hidden (``embed=1`` implies it; ``explain=1``
                        brings them back);
* ``?theme=projector``  large fonts, thicker lines, high contrast, for the back of a hall.

:class:`LectureMode` reads them; :func:`apply_lecture_mode` applies them to a view's layout
(``View.__panel__`` does it for every view: widgets are its controls, attributes named
``explain*``/``explanation*`` its explanations); :class:`EmbedButton` is the page header's
"Embed" button, which shows a copyable ``<iframe>`` snippet of the current view with its
current settings.
"""
import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import panel as pn
import param

from app.core.i18n import LANGUAGES, t
from app.core.theme import NARROW

__all__ = ["LectureMode", "lecture_mode", "apply_lecture_mode", "embed_url", "embed_snippet", "EmbedButton",
           "EMBED_SIZE", "LECTURE_FLAGS"]

LECTURE_FLAGS = ("embed", "controls", "explain", "theme")
EMBED_SIZE = (1100, 760)      # default iframe size (px) of an embedded view
_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class LectureMode:
    """What the URL asks for: ``embed``, ``controls``, ``explain`` and ``projector``.

    ``explain=None`` means "as ``embed`` implies" (hidden when embedded); read
    :attr:`explanations` for the answer.
    """

    embed: bool = False
    controls: bool = True
    explain: bool = None
    projector: bool = False

    @property
    def explanations(self):
        """Whether the explanations are shown."""
        return (not self.embed) if self.explain is None else self.explain

    @classmethod
    def from_query(cls, query):
        """From URL query parameters (``{"embed": "1", "theme": "projector", ...}``)."""
        query = {k: str(v).strip().lower() for k, v in (query or {}).items()}
        embed = query.get("embed") in _YES
        explain = query.get("explain")
        return cls(embed=embed,
                   controls=query.get("controls") not in _NO,
                   explain=(explain in _YES) if explain in _YES + _NO else None,
                   projector=query.get("theme") == "projector")

    @property
    def is_default(self):
        """True when nothing is hidden or enlarged."""
        return not self.embed and self.controls and self.explanations and not self.projector

    @property
    def html_classes(self):
        """Classes the page's ``<html>`` gets (see ``app.core.theme.lecture_css``)."""
        return [name for name, on in (("cnn-embed", self.embed), ("cnn-projector", self.projector)) if on]


def lecture_mode(location=None):
    """The :class:`LectureMode` of this session's URL (``pn.state.location``); default without one."""
    location = location if location is not None else pn.state.location
    query = getattr(location, "query_params", None) if location is not None else None
    return LectureMode.from_query(query or {})


# --------------------------------------------------------------------------- applying it
_PX = re.compile(r"^\s*([\d.]+)\s*(px|pt|em|rem)\s*$")


def _scale_size(value, factor):
    """``"14px"`` x 1.4 -> ``"20px"``; other values unchanged."""
    match = _PX.match(value) if isinstance(value, str) else None
    if not match:
        return value
    number = float(match.group(1)) * factor
    return f"{number:.0f}{match.group(2)}" if match.group(2) in ("px", "pt") else f"{number:.2f}{match.group(2)}"


def projector_figure(fig, font=1.4, line=1.7):
    """Make a Bokeh figure readable from afar: bigger texts, thicker lines, black text."""
    for axis in getattr(fig, "axis", []):
        axis.axis_label_text_font_size = _scale_size(axis.axis_label_text_font_size, font)
        axis.major_label_text_font_size = _scale_size(axis.major_label_text_font_size, font)
        axis.axis_label_text_color = axis.major_label_text_color = "#000000"
        axis.axis_line_width = 2
    title = getattr(fig, "title", None)
    if title is not None and hasattr(title, "text_font_size"):
        title.text_font_size = _scale_size(title.text_font_size or "13px", font)
        title.text_color = "#000000"
    for legend in getattr(fig, "legend", []):
        legend.label_text_font_size = _scale_size(legend.label_text_font_size, font)
    for renderer in getattr(fig, "renderers", []):
        for glyph in (getattr(renderer, "glyph", None),):
            if glyph is not None and isinstance(getattr(glyph, "line_width", None), (int, float)):
                glyph.line_width = glyph.line_width * line


def _children(obj):
    objects = getattr(obj, "objects", None)
    return list(objects) if isinstance(objects, list) else []


def _walk(obj, seen=None):
    """``obj`` and every Panel object inside it (layouts' ``objects``), depth first."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    yield obj
    for child in _children(obj):
        yield from _walk(child, seen)


def _explanations(view):
    """The view's explanation panes: Panel objects in attributes named explain*/explanation*."""
    found = []
    for name, value in vars(view).items():
        if name.startswith(("explain", "explanation")) and isinstance(value, pn.viewable.Viewable):
            found.append(value)
    return found


def apply_lecture_mode(view, layout, mode=None):
    """Hide ``layout``'s controls and/or explanations and enlarge its figures, as ``mode`` says.

    Controls are the widgets in the layout; explanations are ``view``'s ``explain*``
    attributes. A layout (card, row) left with nothing visible is hidden too. Returns ``layout``.
    """
    mode = mode if mode is not None else lecture_mode()
    if mode.is_default:
        return layout
    root = pn.panel(layout)
    hidden = set()
    if not mode.explanations:
        for pane in _explanations(view):
            pane.visible = False
            hidden.add(id(pane))
    for obj in list(_walk(root)):
        if not mode.controls and isinstance(obj, pn.widgets.WidgetBase):
            obj.visible = False
            hidden.add(id(obj))
        if mode.projector and isinstance(obj, pn.pane.Bokeh) and obj.object is not None:
            done = view.__dict__.setdefault("_projector_done", set())
            if id(obj.object) not in done:
                done.add(id(obj.object))
                projector_figure(obj.object)
    if hidden:
        _hide_emptied(root, hidden)
    return layout


_TAG = re.compile(r"<[^>]+>")


def _is_label(obj):
    """A heading or a label: an HTML/Markdown pane with a short text (it names a hidden control)."""
    if not isinstance(obj, (pn.pane.HTML, pn.pane.Markdown, pn.pane.Str)):
        return False
    text = _TAG.sub("", str(obj.object or "")).strip(" #*\n")
    return len(text) <= 60


def _hide_emptied(obj, hidden):
    """Hide layouts left with nothing to show: every child hidden, at least one by lecture mode,
    or only headings/labels left beside the controls lecture mode hid (a settings card)."""
    children = _children(obj)
    for child in children:
        _hide_emptied(child, hidden)
    if not children or not any(id(c) in hidden for c in children):
        return
    shown = [c for c in children if c.visible]
    if all(_is_label(c) for c in shown):
        obj.visible = False
        hidden.add(id(obj))


# --------------------------------------------------------------------------- the snippet
def embed_url(location=None, **extra):
    """The current page's URL with its query (the view's state) plus ``embed=1`` and ``extra``."""
    location = location if location is not None else pn.state.location
    query = dict(getattr(location, "query_params", None) or {}) if location is not None else {}
    query = {k: v for k, v in query.items() if k != "embed"}
    query.update(embed=1, **extra)
    if location is None or not getattr(location, "hostname", ""):
        base = getattr(location, "pathname", "") or ""
    else:
        port = f":{location.port}" if location.port else ""
        base = f"{location.protocol or 'http:'}//{location.hostname}{port}{location.pathname}"
    return f"{base}?{urlencode(query)}"


def embed_snippet(url, title, width=EMBED_SIZE[0], height=EMBED_SIZE[1]):
    """The ``<iframe>`` HTML that shows ``url`` (escaped) in another page."""
    return (f'<iframe src="{html.escape(url, quote=True)}" width="{int(width)}" height="{int(height)}" '
            f'title="{html.escape(title, quote=True)}" style="border: 0; max-width: 100%;" '
            f'loading="lazy" allow="clipboard-write"></iframe>')


class EmbedButton(pn.viewable.Viewer):
    """The header's "Embed" toggle and the panel it opens (a snippet to copy), in both languages.

    ``button`` goes in the page header, ``panel`` at the top of the page's main area. The
    snippet follows the URL (the view's state) and the language. ``lang`` follows the view's.
    """

    lang = param.Selector(default="en", objects=list(LANGUAGES))
    snippet = param.String(default="", doc="The current <iframe> snippet.")

    def __init__(self, title_key="app_title", size=EMBED_SIZE, location=None, **params):
        super().__init__(**params)
        self.title_key, self.size = title_key, size
        self.location = location if location is not None else pn.state.location
        self.button = pn.widgets.Toggle(
            value=False, color="light", variant="outline", margin=(8, 6), width=110,
            css_classes=["cnn-embed-button"],
            # phones: no Embed button (embedding is done on a computer), the header stays one line
            stylesheets=[".bk-btn { font-size: 16px; }",
                         f"@media (max-width: {NARROW}px) {{ :host {{ display: none !important; }} }}"])
        self.heading = pn.pane.HTML("", margin=(4, 10, 0, 10))
        self.area = pn.widgets.TextAreaInput(value="", rows=3, sizing_mode="stretch_width", max_length=5000,
                                             css_classes=["cnn-embed-snippet"], margin=(4, 10))
        self.copy = pn.widgets.Button(color="primary", width=160, margin=(4, 10))
        self.copy.js_on_click(args={"area": self.area}, code="""
            if (navigator.clipboard) { navigator.clipboard.writeText(area.value).catch(() => {}) }""")
        self.help = pn.pane.HTML("", margin=(0, 10), styles={"color": "#52606D", "font-size": "15px"})
        self.panel = pn.Column(self.heading, self.area, pn.Row(self.copy, self.help), visible=False,
                               sizing_mode="stretch_width", css_classes=["cnn-card", "cnn-embed-panel"],
                               margin=(8, 8), styles={"background": "#fff", "border-radius": "12px"})
        self.button.param.watch(lambda e: self._toggle(e.new), "value")
        if self.location is not None:
            self.location.param.watch(lambda *events: self.refresh(), ["search", "href"])
        self.param.watch(lambda e: self.relabel(), "lang")
        self.relabel()

    def _toggle(self, show):
        self.refresh()
        self.panel.visible = show

    def refresh(self):
        """Recompute the snippet from the current URL."""
        title = f"{t('app_title', self.lang)} · {t(self.title_key, self.lang)}"
        self.snippet = embed_snippet(embed_url(self.location), title, *self.size)
        self.area.value = self.snippet

    def relabel(self):
        self.button.name = t("embed_button", self.lang)
        self.button.description = t("embed_tip", self.lang)
        self.heading.object = f"<b style='font-size:17px'>{html.escape(t('embed_title', self.lang))}</b>"
        self.area.name = ""
        self.copy.name = t("embed_copy", self.lang)
        self.help.object = html.escape(t("embed_help", self.lang))
        self.refresh()

    def __panel__(self):
        return self.button

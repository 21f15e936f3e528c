"""Every view's layout on a phone, a wide window and a projector.

Panel draws each component inside its own shadow DOM, so page CSS cannot reach the cards,
rows and widgets of a view. :func:`fit_layout` (run on every view's layout by
``View.lecture_layout``) gives each of them the stylesheets of ``app.core.theme``:

* on a narrow screen (a phone, ``NARROW_CSS``) fixed widths give way (``min-width: 0``,
  ``max-width: 100%``), rows wrap and the cards stack in one column; a figure wider than the
  screen scrolls inside its card, never the page;
* the view's top-level card groups (``FlexBox``) are centred, so a wide window is not left
  half empty;
* with ``?theme=projector`` every widget (buttons, radio groups, menus, inputs, sliders, the
  "?" hints) and the small hint texts get large, black type (``PROJECTOR_WIDGET_CSS``,
  ``PROJECTOR_PANE_CSS``); fixed widths of widgets grow with their text, cards with their
  widgets, and rows of buttons wrap.

Components added to a layout later (e.g. a card filled after a setting changes) are fitted too.
"""
import re

import panel as pn

from app.core.theme import (NARROW_CARD_CSS, NARROW_CSS, NARROW_ROW_CSS, PROJECTOR_PANE_CSS, PROJECTOR_ROW_CSS,
                            PROJECTOR_WIDGET_CSS)

__all__ = ["fit_layout", "PROJECTOR_SCALE", "set_visible"]

PROJECTOR_SCALE = 1.35   # projector fonts are 23 px instead of 17 px
HINT_PX = 20             # the smallest text on a projector
_PX = re.compile(r"^\s*([\d.]+)px\s*$")

_DONE = "_cnn_fitted"


def _stylesheets_for(obj, projector):
    sheets = [NARROW_CSS]
    if "cnn-card" in (getattr(obj, "css_classes", None) or []):
        sheets.append(NARROW_CARD_CSS)
    if isinstance(obj, (pn.Row, pn.FlexBox)):
        sheets.append(NARROW_ROW_CSS)
        if projector:
            sheets.append(PROJECTOR_ROW_CSS)
    if projector and isinstance(obj, pn.widgets.WidgetBase):
        sheets.append(PROJECTOR_WIDGET_CSS)
    if projector and not isinstance(obj, (pn.widgets.WidgetBase, pn.pane.Bokeh, pn.layout.ListLike)):
        sheets.append(PROJECTOR_PANE_CSS)
    return sheets


def _grow(obj, children):
    """Projector: a widget's fixed width grows with its text; a layout of fixed width grows to
    hold its widest child (a settings card holds its enlarged menus)."""
    if isinstance(obj, pn.widgets.WidgetBase):
        for name in ("width", "min_width"):
            value = getattr(obj, name, None)
            if isinstance(value, int) and value > 0:
                setattr(obj, name, round(value * PROJECTOR_SCALE))
    elif isinstance(getattr(obj, "width", None), int) and obj.width > 0:
        widest = max([c.width for c in children if isinstance(getattr(c, "width", None), int)] or [0])
        if widest + 40 > obj.width:
            obj.width = widest + 40
            if isinstance(obj.min_width, int):
                obj.min_width = obj.width


def _larger_text(obj):
    """Projector: a small font size set in a part's ``styles`` (a hint under a slider) is raised."""
    styles = dict(getattr(obj, "styles", None) or {})
    size = _PX.match(str(styles.get("font-size", "")))
    if size and float(size.group(1)) < HINT_PX:
        styles.update({"font-size": f"{HINT_PX}px", "color": "#000"})
        obj.styles = styles


def _fit(obj, projector):
    if getattr(obj, _DONE, False) or not isinstance(obj, pn.viewable.Viewable):
        return
    try:
        setattr(obj, _DONE, True)
    except (AttributeError, TypeError):   # a component that takes no new attributes
        return
    if hasattr(obj, "stylesheets"):
        obj.stylesheets = list(obj.stylesheets) + _stylesheets_for(obj, projector)
    objects = getattr(obj, "objects", None)
    children = objects if isinstance(objects, list) else []
    for child in children:
        _fit(child, projector)
    if projector:
        _grow(obj, children)
        _larger_text(obj)
    if isinstance(objects, list):
        obj.param.watch(lambda event: [_fit(child, projector) for child in event.new], "objects")


def fit_layout(layout, mode=None):
    """Fit ``layout`` (a view's layout) to phones, wide windows and, with ``mode.projector``
    (a :class:`~app.core.lecture.LectureMode`), a projector. Returns ``layout``."""
    root = pn.panel(layout)
    projector = bool(mode is not None and mode.projector)
    for child in getattr(root, "objects", None) or []:
        if isinstance(child, pn.FlexBox) and child.justify_content in (None, "flex-start"):
            child.justify_content = "center"
    _fit(root, projector)
    return layout


def set_visible(pairs):
    """Show or hide each ``(widget or box, shown)``, touching only those that change: every change
    makes the browser lay the page out again (toggling ten buttons one by one on a model switch
    once froze Chromium's layout), so views show or hide whole boxes, and only on a change."""
    for item, shown in pairs:
        if item.visible != shown:
            item.visible = shown

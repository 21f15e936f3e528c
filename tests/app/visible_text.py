"""Every text a view shows, as a student would read it: visible panes, widget labels, plot titles."""
import html
import re

import panel as pn

TAG = re.compile(r"<[^>]+>")


def _figure_texts(fig):
    texts = [getattr(fig.title, "text", "") or ""]
    for axis in (*fig.xaxis, *fig.yaxis):
        texts.append(axis.axis_label or "")
        texts += [str(v) for v in (axis.major_label_overrides or {}).values()]
    for legend in fig.legend:
        texts += [getattr(item.label, "value", "") or "" for item in legend.items]
    return texts


def _widget_texts(widget):
    texts = [getattr(widget, "name", "") or "", str(getattr(widget, "label", "") or "")]
    options = getattr(widget, "options", None)
    if isinstance(widget, pn.widgets.Select):       # a menu shows its chosen entry (the rest once opened)
        labels = options if isinstance(options, dict) else {str(o): o for o in options or []}
        texts += [label for label, value in labels.items() if value == widget.value]
    elif options is not None:                        # buttons: every label is on screen
        texts += [str(o) for o in (options.keys() if isinstance(options, dict) else options)]
    return texts


def visible_texts(viewable):
    """The texts of ``viewable`` and everything inside it that is visible (HTML tags removed)."""
    texts = []

    def walk(obj):
        if obj is None or getattr(obj, "visible", True) is False:
            return
        if isinstance(obj, pn.pane.Bokeh):
            texts.extend(_figure_texts(obj.object))
        elif isinstance(obj, pn.pane.PaneBase):
            if isinstance(obj.object, str):
                texts.append(obj.object)
        elif isinstance(obj, pn.widgets.Widget):
            texts.extend(_widget_texts(obj))
        for child in getattr(obj, "objects", None) or []:
            walk(child)

    walk(viewable)
    return [html.unescape(TAG.sub(" ", t)) for t in texts if t]

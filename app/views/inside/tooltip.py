"""Changing a widget's tooltip text without rebuilding the page.

Panel turns a widget's ``description`` into a new Bokeh ``Tooltip`` (with a new ``HTML`` child)
every time it changes. A new model makes Bokeh recompute every reference of the document in
Python, and the browser build new views for it: ten sample buttons re-described on a language
switch cost seconds. :func:`set_description` changes the text of the tooltips already on the
page in place (one string property each) and keeps ``description`` in step for later renders.
"""
import html

import param
from bokeh.models import Tooltip

__all__ = ["set_description"]


def set_description(widget, text):
    """Give ``widget`` the tooltip ``text`` (plain text), in place where it is already shown."""
    if widget.description == text:
        return
    shown = [model.tooltip for model, _ in widget._models.values() if isinstance(getattr(model, "tooltip", None), Tooltip)]
    if not shown:                      # not rendered yet, or without a tooltip: Panel builds it
        widget.description = text
        return
    with param.parameterized.discard_events(widget):
        widget.description = text
    for tooltip in shown:
        tooltip.content = html.escape(text)

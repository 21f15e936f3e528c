"""Text from outside the program, shown safely: as the characters it is, never as HTML.

A URL value, a file name, a field of an uploaded model file, an exception's message that
quotes any of them: all of it may hold ``<img src=x onerror=...>``. Such text reaches the page
only through :func:`plain_html` (inside HTML the view builds) or a :class:`Notice` (a message
box), so markup in it shows as the characters typed and never runs. Markdown is no safer
(it passes HTML through, eats ``__dunder__`` names and typesets ``$$``), so messages are not
Markdown either.
"""
import html

import panel as pn
import param

__all__ = ["plain_html", "shorten", "Notice"]

ALERT_TYPES = ("primary", "secondary", "success", "danger", "warning", "info", "light", "dark")


def plain_html(text):
    """``text`` as HTML that shows exactly these characters (line breaks kept).

    >>> plain_html('<b id="x">5 > 3</b>\\nok')
    '&lt;b id=&quot;x&quot;&gt;5 &gt; 3&lt;/b&gt;<br>ok'
    """
    return html.escape("" if text is None else str(text), quote=True).replace("\n", "<br>")


def shorten(text, limit=60):
    """``text`` cut to ``limit`` characters with an ellipsis: a 10,000-character URL value is
    named in a message by its start."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Notice(pn.pane.HTML):
    """A message box (Bootstrap's alert look) whose ``object`` is plain text.

    ``Notice("File 'a<b>.npz' is not a model", alert_type="danger")`` shows the text as typed:
    the escaping happens here, where the pane is rendered, so no caller can forget it.
    """

    alert_type = param.Selector(default="danger", objects=list(ALERT_TYPES), doc="The box's colour.")

    _rename = {**pn.pane.HTML._rename, "alert_type": None}
    _stylesheets = list(pn.pane.Alert._stylesheets)

    def __init__(self, object="", **params):
        if "sizing_mode" not in params and "width" not in params:
            params["sizing_mode"] = "stretch_width"
        params.update(sanitize_html=True, sanitize_hook=plain_html)
        super().__init__(object, **params)

    def _process_param_change(self, params):
        if "css_classes" in params or "alert_type" in params:
            params["css_classes"] = self.css_classes + ["alert", f"alert-{self.alert_type}"]
        return super()._process_param_change(params)

"""Make a page (template + header + language switch) around a view, for ``panel serve``."""
import html

import panel as pn

from .components.embed import EmbedButton, lecture_mode
from .i18n import t
from .theme import NARROW, NARROW_CSS, NARROW_ROW_CSS, make_template
from .views.base import language_switch

__all__ = ["extension", "page", "BRAND"]

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
    ``?explain=0``, ``?theme=projector``, see :mod:`app.components.embed`) apply to the page:
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

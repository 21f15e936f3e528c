"""Make a page (template + header + language switch) around a view, for ``panel serve``."""
import html

import panel as pn

from .i18n import t
from .theme import make_template
from .views.base import language_switch

__all__ = ["extension", "page", "BRAND"]

BRAND = f"{t('app_title', 'en')} · {t('app_title', 'zh')}"


def extension():
    """Load what the views need (KaTeX for formulas, served locally by ``panel serve``)."""
    pn.extension("katex", "tabulator", notifications=False, design=None)


def page(target, subtitle_key="app_subtitle"):
    """A BootstrapTemplate with ``target`` (a view or the playground) as its body.

    The header holds a subtitle in the current language and the English/中文
    switch, bound to ``target.lang``.
    """
    subtitle = pn.pane.HTML("", styles={"color": "#fff", "font-size": "17px"}, margin=(14, 10))

    def relabel(*_):
        subtitle.object = html.escape(t(subtitle_key, target.lang))

    target.param.watch(relabel, "lang")
    relabel()
    header = [subtitle, pn.HSpacer(), language_switch(target)]
    return make_template(BRAND, header=[pn.Row(*header, sizing_mode="stretch_width")], main=[target])

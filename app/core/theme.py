"""One look for every view: colours, colormaps, fonts and the page template.

Colours come from the Okabe-Ito palette, which stays distinguishable for
the common forms of colour blindness. Colormaps:

* ``GREY`` (black -> white) for images as the model sees them,
* ``ACTIVATION`` (viridis) for activations and feature maps (0 -> large),
* ``SIGNED`` (orange <- white -> purple, PuOr) for weights and gradients,
  with white at zero: use ``symmetric_range`` so zero stays white.

The template is Panel's ``BootstrapTemplate``, whose CSS and JavaScript
``panel serve`` serves itself: the page makes no request outside the server
(no web fonts, no CDN), which the browser tests check.
"""
import numpy as np
import panel as pn
from bokeh.palettes import Greys256, PuOr, Viridis256, interp_palette

__all__ = ["ACCENT", "ACCENT_DARK", "HIGHLIGHT", "MUTED", "TEXT", "ERROR", "GREY", "ACTIVATION", "SIGNED",
           "FONT_SIZE", "PROJECTOR_FONT_SIZE", "PAGE_CSS", "symmetric_range", "map_colours", "card_css", "lecture_css",
           "make_template", "META_VIEWPORT", "NARROW", "NARROW_CSS", "NARROW_CARD_CSS", "NARROW_ROW_CSS",
           "PROJECTOR_WIDGET_CSS", "PROJECTOR_PANE_CSS", "PROJECTOR_ROW_CSS"]

ACCENT = "#0072B2"        # Okabe-Ito blue: header, primary buttons, bars
ACCENT_DARK = "#005A8C"
HIGHLIGHT = "#E69F00"     # Okabe-Ito orange: the predicted class, focus rings
MUTED = "#56B4E9"         # Okabe-Ito sky blue: the other bars
TEXT = "#1F2933"
ERROR = "#D55E00"         # Okabe-Ito vermillion
FONT_SIZE = "17px"        # readable from the back of a lecture hall
PROJECTOR_FONT_SIZE = "23px"   # ?theme=projector: for a projector in a big hall

GREY = list(Greys256)                                     # black (0) -> white (1)
ACTIVATION = list(Viridis256)                             # dark purple (0) -> yellow (max)
SIGNED = list(interp_palette(tuple(reversed(PuOr[11])), 256))  # orange (-) -> white (0) -> purple (+)


def symmetric_range(values):
    """``(-m, m)`` with ``m = max |value|`` (at least 1e-12), so zero maps to the middle colour."""
    m = float(np.max(np.abs(values))) if np.size(values) else 0.0
    m = max(m, 1e-12)
    return -m, m


def map_colours(values, signed=None):
    """``(palette, low, high)`` for a map, the one colour rule of every view.

    Signed values (some negative, or ``signed=True``) get ``SIGNED`` over a range
    symmetric about zero, so white is 0; otherwise ``ACTIVATION`` from 0 to the
    largest value. ``signed=False`` forces ``ACTIVATION``.
    """
    values = np.asarray(values, dtype=np.float64)
    finite = values[np.isfinite(values)]
    if signed is None:
        signed = bool(finite.size and finite.min() < 0)
    if signed:
        return (SIGNED, *symmetric_range(finite))
    high = float(finite.max()) if finite.size else 1.0
    return ACTIVATION, 0.0, high if high > 0 else 1.0


META_VIEWPORT = "width=device-width, initial-scale=1"   # phones get the page at their own width
NARROW = 640   # px: below this width (phones) the cards stack in one column

PAGE_CSS = f"""
:root {{
  --cnn-accent: {ACCENT}; --cnn-highlight: {HIGHLIGHT}; --cnn-focus: {HIGHLIGHT};
  --design-primary-color: {ACCENT}; --panel-primary-color: {ACCENT};
  --bokeh-font-size: {FONT_SIZE}; --bokeh-base-font: system-ui, -apple-system, "Segoe UI",
      "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
}}
body {{ font-size: {FONT_SIZE}; color: {TEXT}; }}
:focus-visible {{ outline: 3px solid {HIGHLIGHT}; outline-offset: 2px; }}
@media (max-width: {NARROW}px) {{
  html, body {{ overflow-x: hidden; }}
  #main {{ padding-left: 2px !important; padding-right: 2px !important; }}
  #header {{ height: auto !important; }}
  #header .app-header {{ flex-wrap: wrap; }}
  #header .title {{ font-size: 17px !important; white-space: normal; }}
  #header {{ padding-top: 4px !important; padding-bottom: 4px !important; }}
  #header .pn-busy-container {{ position: absolute; right: 6px; top: 4px; }}
}}
"""

# The stylesheets `app.core.responsive.fit_layout` gives the parts of every view (Panel
# draws each part in its own shadow DOM, which the page CSS above cannot reach).
NARROW_CSS = f"""
@media (max-width: {NARROW}px) {{
  :host {{ min-width: 0 !important; max-width: 100% !important; }}
  .bk-btn-group {{ flex-wrap: wrap; }}
input[type="file"]::file-selector-button {{ font-size: {PROJECTOR_FONT_SIZE}; padding: 6px 14px; }}   /* a long radio group (the playground's menu) wraps */
  .bk-btn-group > .bk-btn {{ flex: 1 1 auto; }}
}}
"""
NARROW_CARD_CSS = f"""
@media (max-width: {NARROW}px) {{
  :host(.cnn-card) {{ width: calc(100% - 8px) !important; max-width: calc(100% - 8px) !important; overflow-x: auto; padding: 10px 8px !important;
    margin-left: 4px !important; margin-right: 4px !important; }}
}}
"""
NARROW_ROW_CSS = f"""
@media (max-width: {NARROW}px) {{
  :host {{ flex-wrap: wrap !important; }}
  :host > .cnn-card {{ flex: 1 1 100% !important; }}   /* a card takes a line of its own */
}}
"""
PROJECTOR_WIDGET_CSS = f"""
:host {{ --font-size: {PROJECTOR_FONT_SIZE}; font-size: {PROJECTOR_FONT_SIZE}; color: #000; }}
.bk-btn, .bk-input, select, option, input, textarea, label, .bk-input-group, .bk-slider-title,
.bk-slider-value, .bk-checkbox, .bk-radio {{ font-size: {PROJECTOR_FONT_SIZE} !important; }}
.bk-btn {{ padding: 8px 18px !important; min-height: 48px; border-width: 2px !important; white-space: normal; }}
.bk-btn-default, .bk-btn-light {{ color: #000 !important; border-color: #000 !important; }}
.bk-btn-group .bk-btn.bk-active {{ font-weight: 700; }}
.bk-btn-group {{ flex-wrap: wrap; }}
input[type="file"]::file-selector-button {{ font-size: {PROJECTOR_FONT_SIZE}; padding: 6px 14px; }}
.bk-input {{ min-height: 48px; border: 2px solid #000 !important; color: #000 !important; }}
input[type="checkbox"], input[type="radio"] {{ width: 24px; height: 24px; }}
.bk-description .bk-icon {{ width: 26px !important; height: 26px !important; }}
.noUi-handle {{ width: 30px !important; height: 30px !important; }}
"""
PROJECTOR_ROW_CSS = ":host { flex-wrap: wrap !important; }"
PROJECTOR_PANE_CSS = """
:host { color: #000; }
[class*="note"], [class*="hint"], [class*="cap"], [class*="legend"], [class*="legend"] span, figcaption, small,
[style*="font-size:1"], [style*="font-size: 1"] { font-size: max(20px, 1em) !important; color: #000 !important; }
"""


# Lecture mode (app/core/lecture.py). Written for `html.cnn-embed` / `html.cnn-projector`
# (the static site sets these classes from the URL before the page paints) or, when the
# mode is known on the server, for every page (`lecture_css(mode)`).
_LECTURE_RULES = f"""
{{embed}} #header {{{{ display: none !important; }}}}
{{embed}} #main {{{{ padding-top: 0 !important; }}}}
{{embed}} .cnn-embed-panel {{{{ display: none !important; }}}}
{{projector}} {{{{ --bokeh-font-size: {PROJECTOR_FONT_SIZE}; --cnn-focus: #000; }}}}
{{projector}} body {{{{ font-size: {PROJECTOR_FONT_SIZE}; color: #000; }}}}
{{projector}} :focus-visible {{{{ outline-width: 5px; }}}}
"""


def lecture_css(mode=None):
    """Page CSS of lecture mode: rules for the ``<html>`` classes ``cnn-embed`` and
    ``cnn-projector``, plus (with ``mode``, a :class:`~app.core.lecture.LectureMode`)
    the same rules for every page when the mode is on."""
    css = _LECTURE_RULES.format(embed="html.cnn-embed", projector="html.cnn-projector")
    if mode is not None and (mode.embed or mode.projector):
        css += _LECTURE_RULES.format(embed="html:root" if mode.embed else "html.cnn-embed",
                                     projector="html:root" if mode.projector else "html.cnn-projector")
    return css


def card_css():
    """Stylesheet for a view's panels: white cards with a soft shadow."""
    return """
:host(.cnn-card) { background: #fff; border-radius: 12px; padding: 12px 16px;
  box-shadow: 0 1px 3px rgba(0,0,0,.12), 0 1px 2px rgba(0,0,0,.08); }
"""


def card(**overrides):
    """Keyword arguments for a view's card (a ``pn.Column`` or ``Row``): ``css_classes=["cnn-card"]``,
    :func:`card_css`, a margin of 8 px; ``overrides`` replace any of them."""
    return {**dict(css_classes=["cnn-card"], stylesheets=[card_css()], margin=(8, 8)), **overrides}


# keyword arguments for a FlexBox of cards or plots that wrap onto the next line when the window is narrow
FLEX = dict(flex_wrap="wrap", align_items="flex-start", sizing_mode="stretch_width")


def make_template(title, header=(), main=(), lecture=None):
    """The page: a blue header bar with ``title`` and ``header`` items (e.g. the
    language switch), and ``main`` below. No sidebar, no outside requests.
    ``lecture`` (a ``LectureMode``) hides the header (embed) or enlarges the fonts (projector)."""
    template = pn.template.BootstrapTemplate(
        title=title, header_background=ACCENT, header_color="#fff",
        main_max_width="1900px", meta_viewport=META_VIEWPORT, collapsed_sidebar=True, sidebar_width=0)
    template.config.raw_css.append(PAGE_CSS)
    template.config.raw_css.append(lecture_css(lecture))
    for item in header:
        template.header.append(item)
    for item in main:
        template.main.append(item)
    return template

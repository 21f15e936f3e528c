"""Classic architectures lab: LeNet-5 to ResNet-152, what each introduced and what it costs.

A timeline (LeNet-5 1998, AlexNet 2012, NiN 2013, VGG 2014, GoogLeNet 2014,
ResNet 2015) says what each network brought; for the chosen one the
*cost ledger* of ``cnncore.inspect.summary`` (built on a model made inside
``cnncore.nn.init.meta()``, see :mod:`app.views.architectures.ledger`):

* a table of every layer (parameters, multiply-accumulates, activation
  bytes, bytes kept for backward, the parameters of an equivalent
  fully-connected layer), sortable by cost, and the totals;
* bar charts of the three costs per layer, the compute bottleneck in
  orange, and each layer type's share;
* where the memory goes for a chosen batch size (weights vs activations),
  and as the batch grows;
* weight sharing: each convolution's parameters beside a fully-connected
  layer's (log scale);
* all architectures on one log-log chart of parameters vs MACs;
* the roofline (:mod:`.architectures_lab_roofline`): every layer's arithmetic
  intensity at the chosen batch size, and, after "Measure my machine", the
  roof and ridge point of the computer running the page (memory- or
  compute-bound, layer by layer), and why 1x1 convolutions reuse data well.

State in the URL: ``arch`` (a ``CLASSIC_MODELS`` name), ``batch`` (1-4096) and ``sort``
(``order``, ``params``, ``macs`` or ``activation_bytes``: the ledger table's order).

Page hooks for tests: ``data-testid="arch-totals"`` (with ``data-arch``,
``data-params``, ``data-macs``, ``data-act``), ``"arch-bottleneck"``,
``"arch-memory"``, ``"arch-sharing"``, ``"arch-ledger"`` (the table, with ``data-sort``
and ``data-rows``), ``"arch-compare-table"``, ``"arch-roofline"``, ``"arch-roofline-1x1"``.
"""
import html

import numpy as np
import panel as pn
import param

from app.core import theme
from app.core.theme import ACCENT, HIGHLIGHT, TEXT, card_css
from app.views.architectures import strings  # noqa: F401  (registers the texts)
from app.views.architectures.ledger import (BATCH_SIZES, DEFAULT_ARCH, DISPLAY_NAMES, FAMILIES, classic_models,
                                            comparison, conv_sharing, family_of, ledger, ledger_rows, memory_split,
                                            memory_sweep)
from app.views.architectures.plots import (MB, ComparisonPlot, KindShares, LayerProfile, MemoryBars, MemorySweep,
                                           SharingPlot)
from app.views.architectures.roofline import RooflineCard
from app.views.architectures.table import SORT_COLUMNS, TABLE_COLUMNS, ledger_columns, ledger_table
from app.views.base import View
from app.widgets.lab_common import UrlInteger, html_table

__all__ = ["ArchitecturesLab", "TABLE_COLUMNS", "human_count", "human_bytes"]

MAX_BATCH = 4096

# (No "\," in formulas: Markdown would eat the backslash before MathJax sees it.)
PARAMS_FORMULA = r"$$P_{\text{conv}} = C_{\text{out}} \cdot (C_{\text{in}} \cdot k_h k_w + 1)$$"
MACS_FORMULA = r"$$\text{MACs} = N \cdot C_{\text{out}} H_{\text{out}} W_{\text{out}} \cdot C_{\text{in}} k_h k_w$$"
SIZE_FORMULA = r"$$H_{\text{out}} = \left\lfloor \frac{H_{\text{in}} + 2p - k_h}{s} \right\rfloor + 1$$"
MEMORY_FORMULA = (r"$$\text{activations} = 4 N \sum_{\text{layers}} C H W \ \text{bytes}$$"
                  "\n\n"
                  r"$$\text{weights} = 4 \sum_{\text{layers}} P \ \text{bytes}$$")
SHARING_FORMULA = (r"$$P_{\text{fc}} = D_{\text{in}} D_{\text{out}} + D_{\text{out}}, \quad D = C H W$$")

_CSS = f"""
.ar-h {{ margin: 2px 0 6px; font-size: 21px; color: {TEXT}; }}
.ar-totals {{ font-size: 19px; font-weight: 600; color: {ACCENT}; font-variant-numeric: tabular-nums; }}
.ar-note {{ font-size: 15px; color: #3E4C59; max-width: 900px; font-variant-numeric: tabular-nums; }}
.ar-year {{ font-size: 15px; font-weight: 700; color: {TEXT}; }}
.ar-card-text {{ font-size: 14px; color: #3E4C59; line-height: 1.35; }}
"""
_CHOSEN_CSS = f":host {{ border: 3px solid {HIGHLIGHT} !important; }}"


def human_count(n, lang):
    """``15470289408`` -> ``"15.5 billion"`` (en) / ``"154.7 亿"`` (zh)."""
    n = float(n)
    if lang == "zh":
        for unit, name in ((1e8, "亿"), (1e4, "万")):
            if abs(n) >= unit:
                return f"{n / unit:.1f} {name}"
        return f"{n:,.0f}"
    for unit, name in ((1e9, "billion"), (1e6, "million"), (1e3, "thousand")):
        if abs(n) >= unit:
            return f"{n / unit:.1f} {name}"
    return f"{n:,.0f}"


def human_bytes(n):
    """Bytes as ``"553.4 MB"``, ``"58.9 KB"`` (1 MB = 10⁶ bytes)."""
    n = float(n)
    if n >= 1e9:
        return f"{n / 1e9:.2f} GB"
    if n >= MB:
        return f"{n / MB:.1f} MB"
    if n >= 1e3:
        return f"{n / 1e3:.1f} KB"
    return f"{n:.0f} B"


def _share(part, whole):
    return f"{100.0 * part / whole:.1f} %" if whole else "—"


class ArchitecturesLab(View):
    """The classic architectures lab (see the module docstring).

    Outputs for tests: ``result`` (the ``Summary`` of ``arch`` for one image),
    ``batch_result`` (for ``batch`` images), ``ledger`` (the table's columns: data column ->
    list, in layer order), ``table`` (its HTML pane), ``table_titles``,
    ``profile``, ``kinds``, ``memory_bars``, ``sweep``, ``sharing``, ``compare``.
    """

    arch = param.Selector(default=DEFAULT_ARCH, objects=list(classic_models()),
                          doc="The architecture (a cnncore.models.CLASSIC_MODELS name).")
    batch = UrlInteger(default=32, bounds=(1, MAX_BATCH), doc="Images in a batch, for the memory chart.")
    sort = param.Selector(default="order", objects=list(SORT_COLUMNS),
                          doc="The ledger table's order: layer order, or a cost, largest first.")

    url_params = ("arch", "batch", "sort")

    def __init__(self, session=None, **params):
        super().__init__(session=session, **params)
        self.result = self.batch_result = self.ledger = None
        self.table_titles = {}
        self.arch_w = pn.widgets.Select(width=300, margin=(4, 10))
        self.batch_w = pn.widgets.Select(width=300, margin=(4, 10))
        self.bind(self.arch_w, "arch")
        self.bind(self.batch_w, "batch")
        self.sort_w = pn.widgets.RadioButtonGroup(color="primary", variant="outline", margin=(4, 10))
        self.bind(self.sort_w, "sort")
        self.sort_label = pn.pane.HTML("", margin=(10, 4, 4, 10), stylesheets=[_CSS])

        # -- timeline -------------------------------------------------------------------
        self.family_buttons, self.family_texts, self.family_cards = {}, {}, {}
        for key, (year, default, _) in FAMILIES.items():
            button = pn.widgets.Button(label=f"{DISPLAY_NAMES[default].split('-')[0]} · {year}", width=170,
                                       color="light", margin=(4, 0))
            button.on_click(lambda e, name=default: self.set_by_student("arch", name))
            text = pn.pane.HTML("", width=170, margin=(4, 0), stylesheets=[_CSS])
            self.family_buttons[key], self.family_texts[key] = button, text
            self.family_cards[key] = pn.Column(button, text, width=204, css_classes=["cnn-card"],
                                               stylesheets=[card_css()], margin=(6, 6))

        # -- outputs ----------------------------------------------------------------------
        pane = dict(stylesheets=[_CSS], sizing_mode="stretch_width", margin=(0, 10))
        self.title = pn.pane.HTML("", **pane)
        self.intro = pn.pane.HTML("", **pane)
        self.totals = pn.pane.HTML("", **pane)
        self.bottleneck = pn.pane.HTML("", **pane)
        self.fc_share = pn.pane.HTML("", **pane)
        self.headings = {k: pn.pane.HTML("", **pane) for k in ("timeline", "ledger", "profile", "kinds", "memory",
                                                               "sharing", "compare")}
        self.ledger_note = pn.pane.HTML("", **pane)
        self.memory_text = pn.pane.HTML("", **pane)
        self.sharing_text = pn.pane.HTML("", **pane)
        self.compare_table = pn.pane.HTML("", **pane)
        self.profile_caption = pn.pane.HTML("", **pane)
        self.input_note = pn.pane.HTML("", margin=(0, 10), stylesheets=[_CSS])
        self.explanation = pn.pane.Markdown("", width=440)
        self.table = pn.pane.HTML("", sizing_mode="stretch_width", margin=(4, 10))
        self.profile = LayerProfile()
        self.kinds = KindShares()
        self.memory_bars = MemoryBars()
        self.sweep = MemorySweep()
        self.sharing = SharingPlot()
        self.compare = ComparisonPlot()
        self.compare.on_pick(lambda name: self.set_by_student("arch", name))
        self.roofline = RooflineCard(self)

        self.relabel()
        self.recompute()

    # -- actions ------------------------------------------------------------------------------
    @param.depends("arch", watch=True)
    def _on_arch(self):
        self.recompute()

    @param.depends("sort", watch=True)
    def _on_sort(self):
        with self.guard():
            self._sync_widgets()
            self._render_table()

    @param.depends("batch", watch=True)
    def _on_batch(self):
        with self.guard():
            self._sync_widgets()
            self._render_memory()
            self.roofline.render()

    # -- computing ---------------------------------------------------------------------------------
    def recompute(self):
        """The ledger of ``arch`` (cached per name) into every table, chart and text."""
        with self.guard():
            self.result = ledger(self.arch, 1)
            self._sync_widgets()
            self._render()

    # -- showing ---------------------------------------------------------------------------------------
    def _name(self, arch=None):
        return DISPLAY_NAMES.get(arch or self.arch, arch or self.arch)

    def _sync_widgets(self):
        with self.quietly():
            self.arch_w.options = {f"{self._name(n)} ({year})": n for n, (_, year) in classic_models().items()}
            self.arch_w.value = self.arch
            sizes = sorted(set(BATCH_SIZES) | {int(self.batch)})
            self.batch_w.options = {str(b): b for b in sizes}
            self.batch_w.value = int(self.batch)
            self.sort_w.options = {self.t(f"archlab_sort_{key}"): key for key in SORT_COLUMNS}
            self.sort_w.value = self.sort
            chosen = family_of(self.arch)
            for key, button in self.family_buttons.items():
                button.color = "primary" if key == chosen else "light"
                self.family_cards[key].stylesheets = [card_css()] + ([_CHOSEN_CSS] if key == chosen else [])

    def _render(self):
        r, t, lang = self.result, self.t, self.lang
        rows = r.rows
        bottleneck = r.bottleneck
        b_index = next(i for i, row in enumerate(rows) if row is bottleneck)
        shape = "×".join(str(s) for s in r.input_shape[1:])
        self.input_note.object = f"<div class='ar-note'>{html.escape(t('archlab_input', shape=shape))}</div>"
        self.totals.object = (
            f"<div class='ar-totals' data-testid='arch-totals' data-arch='{self.arch}' data-params='{r.params}' "
            f"data-macs='{r.macs}' data-act='{r.activation_bytes}' aria-live='polite'>"
            + html.escape(t("archlab_totals", name=self._name(), params=f"{r.params:,}",
                            macs=f"{r.macs:,} ({human_count(r.macs, lang)})", act=human_bytes(r.activation_bytes)))
            + "</div>")
        self.bottleneck.object = (
            f"<div class='ar-note' data-testid='arch-bottleneck' data-layer='{html.escape(bottleneck.name)}'>"
            + html.escape(t("archlab_bottleneck", layer=bottleneck.name, kind=bottleneck.kind,
                            detail=bottleneck.detail, output="×".join(map(str, bottleneck.output_shape[1:])),
                            macs=f"{bottleneck.macs:,}", share=_share(bottleneck.macs, r.macs)))
            + "</div>")
        kinds = r.by_kind()
        fc, conv = kinds.get("Linear", {}), kinds.get("Conv2d", {})
        self.fc_share.object = "<div class='ar-note'>" + html.escape(t(
            "archlab_fc_share", fc=_share(fc.get("params", 0), r.params), fc_macs=_share(fc.get("macs", 0), r.macs),
            conv=_share(conv.get("params", 0), r.params), conv_macs=_share(conv.get("macs", 0), r.macs))) + "</div>"
        # the ledger
        layer_rows = ledger_rows(r)
        self.ledger = ledger_columns(layer_rows)
        self._render_table()
        self.ledger_note.object = f"<div class='ar-note'>{html.escape(t('archlab_ledger_note', rows=len(rows)))}</div>"
        # the charts
        self.profile.update(layer_rows, b_index)
        self.kinds.update(kinds)
        self.profile_caption.object = "<div class='ar-note'>" + html.escape(t("archlab_plot_caption")) + "</div>"
        self._render_memory()
        self._render_sharing()
        self._render_compare()
        self.roofline.render()

    def _render_table(self):
        if self.ledger is not None:
            self.table.object = ledger_table(self.ledger, self.table_titles, self.sort)

    def _render_memory(self):
        if self.result is None:
            return
        t = self.t
        self.batch_result = ledger(self.arch, int(self.batch))
        split = memory_split(self.arch, int(self.batch))
        self.memory_bars.update(split)
        self.memory_bars.set_labels(t("archlab_memory_title", batch=int(self.batch)),
                                    [t("archlab_mem_weights"), t("archlab_mem_act"), t("archlab_mem_saved")],
                                    t("archlab_mem_axis"))
        self.sweep.update(memory_sweep(self.arch), int(self.batch))
        per_image = self.result.activation_bytes
        weights = self.result.param_bytes
        cross = int(np.ceil(weights / per_image)) if per_image else 0
        cross_text = t("archlab_memory_cross", cross=cross) if cross > 1 else t("archlab_memory_never")
        self.memory_text.object = (
            f"<div class='ar-note' data-testid='arch-memory' data-batch='{int(self.batch)}' "
            f"data-weights='{split['weights']}' data-act='{split['activations']}' data-saved='{split['saved']}'>"
            + html.escape(t("archlab_memory_text", batch=int(self.batch), weights=human_bytes(split["weights"]),
                            act=human_bytes(split["activations"]), saved=human_bytes(split["saved"])))
            + " " + html.escape(cross_text) + "</div>")

    def _render_sharing(self):
        t = self.t
        rows = conv_sharing(self.result)
        self.sharing.update(rows)
        if not rows:
            self.sharing_text.object = f"<div class='ar-note' data-testid='arch-sharing'>{html.escape(t('archlab_sharing_none'))}</div>"
            return
        conv = sum(p for _, p, _ in rows)
        fc = sum(f for _, _, f in rows)
        self.sharing_text.object = (
            f"<div class='ar-note' data-testid='arch-sharing' data-conv='{conv}' data-fc='{fc}'>"
            + html.escape(t("archlab_sharing_text", n=len(rows), conv=f"{conv:,}", fc=f"{fc:,}",
                            ratio=f"{fc / conv:,.0f}" if conv else "—", first_conv=f"{rows[0][1]:,}",
                            first_fc=f"{rows[0][2]:,}")) + "</div>")

    def _render_compare(self):
        t = self.t
        rows = comparison()
        labels = {row["name"]: self._name(row["name"]) for row in rows}
        self.compare.update(rows, labels, self.arch)
        chosen = next(i for i, row in enumerate(rows) if row["name"] == self.arch)
        headers = [t("archlab_arch"), t("archlab_col_year"), t("archlab_col_params"), t("archlab_col_macs"),
                   t("archlab_col_act_mb"), t("archlab_col_layers")]
        body = [[labels[row["name"]], row["year"], f"{row['params']:,}", f"{row['macs']:,}",
                 f"{row['activation_bytes'] / MB:,.1f}", row["layers"]] for row in rows]
        self.compare_table.object = html_table(headers, body, testid="arch-compare-table", highlight=chosen)

    def relabel(self):
        t = self.t
        h = lambda key, **f: f"<h3 class='ar-h'>{html.escape(t(key, **f))}</h3>"  # noqa: E731
        self.title.object = f"<h2 class='ar-h'>{html.escape(t('archlab_title'))}</h2>"
        self.intro.object = f"<div class='ar-note'>{html.escape(t('archlab_intro'))}</div>"
        for key in self.headings:
            self.headings[key].object = h(f"archlab_{key}")
        self.arch_w.name = t("archlab_arch")
        self.batch_w.name = t("archlab_batch")
        for key, (year, default, members) in FAMILIES.items():
            names = " / ".join(self._name(m) for m in members)
            self.family_texts[key].object = (f"<div class='ar-year'>{html.escape(names)}</div>"
                                             f"<div class='ar-card-text'>{html.escape(t('archlab_tl_' + key))}</div>")
            self.family_buttons[key].description = t("archlab_pick", name=self._name(default))
        self.table_titles = {col: t(key) for col, key in TABLE_COLUMNS.items()}
        self.sort_label.object = f"<span class='ar-note'>{html.escape(t('archlab_sort'))}</span>"
        self.profile.set_labels([t("archlab_profile_params"), t("archlab_profile_macs"), t("archlab_profile_act")],
                                t("archlab_layer_axis"))
        self.kinds.set_labels(t("archlab_kinds"), [t("archlab_metric_params"), t("archlab_metric_macs"),
                                                   t("archlab_metric_act")])
        self.sweep.set_labels(t("archlab_sweep_title"), [t("archlab_mem_weights"), t("archlab_mem_act"),
                                                         t("archlab_mem_saved")],
                              t("archlab_sweep_x"), t("archlab_mem_axis"))
        self.sharing.set_labels(t("archlab_sharing_title"), [t("archlab_sharing_conv"), t("archlab_sharing_fc")],
                                t("archlab_sharing_axis"), t("archlab_sharing_y"))
        self.compare.set_labels(t("archlab_compare_title"), xlabel=t("archlab_compare_x"),
                                ylabel=t("archlab_compare_y"))
        self.explanation.object = "\n\n".join([
            f"### {t('explain_title')}", t("archlab_explain_params"), PARAMS_FORMULA, t("archlab_explain_macs"),
            MACS_FORMULA, t("archlab_explain_size"), SIZE_FORMULA, t("archlab_explain_memory"), MEMORY_FORMULA,
            t("archlab_explain_sharing"), SHARING_FORMULA, t("archlab_explain_after"),
            *self.roofline.explanation()])
        self.roofline.relabel()
        if self.result is not None:
            self._sync_widgets()
            self._render()

    # -- layout ---------------------------------------------------------------------------------------------
    def __panel__(self):
        card = theme.card()
        flex = theme.FLEX
        bokeh = lambda fig: pn.pane.Bokeh(fig, margin=(4, 4))  # noqa: E731
        controls = pn.Column(self.arch_w, self.input_note, self.batch_w, width=340, **card)
        summary = pn.Column(self.title, self.intro, self.totals, self.bottleneck, self.fc_share,
                            sizing_mode="stretch_width", **card)
        timeline = pn.Column(self.headings["timeline"], pn.FlexBox(*self.family_cards.values(), **flex),
                             sizing_mode="stretch_width", **card)
        ledger_card = pn.Column(self.headings["ledger"], self.ledger_note, pn.Row(self.sort_label, self.sort_w),
                                self.table, sizing_mode="stretch_width", **card)
        explain = pn.Column(self.explanation, width=470, **card)
        profile = pn.Column(self.headings["profile"], *[bokeh(f) for f in self.profile.all_figures],
                            self.profile_caption, width=800, **card)
        kinds = pn.Column(self.headings["kinds"], bokeh(self.kinds.figure), width=600, **card)
        memory = pn.Column(self.headings["memory"], bokeh(self.memory_bars.figure), bokeh(self.sweep.figure),
                           self.memory_text, width=600, **card)
        sharing = pn.Column(self.headings["sharing"], bokeh(self.sharing.figure), self.sharing_text, width=800,
                            **card)
        compare = pn.Column(self.headings["compare"], pn.FlexBox(bokeh(self.compare.figure), self.compare_table,
                                                                 **flex),
                            sizing_mode="stretch_width", **card)
        return pn.Column(self._error, pn.Row(controls, summary, sizing_mode="stretch_width"), timeline, ledger_card,
                         pn.FlexBox(profile, explain, memory, kinds, sharing, self.roofline.panel(_CSS), **flex),
                         compare,
                         sizing_mode="stretch_width")

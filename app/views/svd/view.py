"""Weights & SVD lab: each layer's singular values, and what a low-rank layer costs in accuracy.

For a digit network of the session (the pretrained ones first; an untrained
LeNet-5 for contrast; anything trained in this session), all from
``cnncore.inspect`` (see :mod:`app.views.svd.analysis`):

* every convolution and linear layer's singular values (``singular_values``),
  log scale, and their cumulative energy;
* a rank slider for the chosen layer: the weights the factored layer needs
  ``r (m + n)`` vs ``m n``, the accuracy on the first 500 test digits with
  that layer at rank r (``low_rank_tradeoff``) vs the full network's, the
  relative error, and the tradeoff curve over a dozen ranks (computed a rank
  at a time, so the page keeps answering);
* the weight matrix W, its rank-r version W_r (``low_rank_approximation``)
  and W - W_r as heatmaps on one colour scale.

State in the URL: ``model`` (a model key), ``layer`` (a layer name) and
``rank`` (1 .. min(m, n); 0 = a quarter of it).

Page hooks for tests: ``data-testid="svd-summary"`` (``data-rank``,
``data-accuracy``, ``data-baseline``, ``data-factored``, ``data-full``,
``data-error``), ``"svd-curve"`` (``data-done``, ``data-total``), ``"svd-layers"``.
"""
import html

import numpy as np
import panel as pn
import param

from cnncore.data import load_digits

from app.core import theme
from app.core.theme import ACCENT, TEXT
from app.views.base import View
from app.views.svd import strings  # noqa: F401  (registers the texts)
from app.views.svd.analysis import LowRankStudy, curve_ranks, default_layer, energy, rank_for_energy
from app.views.svd.plots import EnergyPlot, MatrixPlot, SpectrumPlot, TradeoffPlot
from app.widgets.lab_common import LayerName, UrlInteger, fmt, html_table

__all__ = ["SvdLab", "default_rank"]

CURVE_PERIOD_MS = 40     # one rank of the curve per tick while the page is served

# (No "\," and no "}_" in formulas: Markdown runs before MathJax and would eat the backslash or start italics.)
SVD_FORMULA = (r"$$W = U \Sigma V^{\top} = \sum_{i=1}^{k} s_i \mathbf u_i \mathbf v_i^{\top}$$" "\n\n"
               r"$$s_1 \ge \dots \ge s_k \ge 0$$")
TRUNCATE_FORMULA = (r"$$W_r = \sum_{i=1}^{r} s_i \mathbf u_i \mathbf v_i^{\top}$$" "\n\n"
                    r"$$\lVert W - W_r \rVert_F^2 = \sum_{i=r+1}^{k} s_i^2$$")
PARAMS_FORMULA = r"$$m \cdot n \ \longrightarrow\ r \cdot (m + n)$$"
ENERGY_FORMULA = (r"$$E(r) = \frac{\sum_{i \le r} s_i^2}{\sum_{i} s_i^2}"
                  r" = 1 - \left(\frac{\lVert W - W_r \rVert_F}{\lVert W \rVert_F}\right)^2$$")

_CSS = f"""
.sv-h {{ margin: 2px 0 6px; font-size: 21px; color: {TEXT}; }}
.sv-summary {{ font-size: 17px; color: {TEXT}; font-variant-numeric: tabular-nums; line-height: 1.5; }}
.sv-summary b.sv-big {{ font-size: 20px; color: {ACCENT}; }}
.sv-note {{ font-size: 15px; color: #3E4C59; font-variant-numeric: tabular-nums; }}
"""


def default_rank(k):
    """The rank a layer starts at: a quarter of its ``k`` singular values (at least 1)."""
    return max(1, int(round(k / 4)))


class SvdLab(View):
    """The weights & SVD lab (see the module docstring).

    Outputs for tests: ``study`` (the :class:`~app.views.svd.analysis.LowRankStudy`
    of the current model), ``info`` (the chosen layer's ``LayerInfo``), ``current``
    (the ``TradeoffRow`` at ``rank``), ``w``/``w_r`` (the matrices shown).
    """

    model = param.Selector(default=None, objects=[], allow_None=True, doc="The network (a model key).")
    layer = LayerName(default="", doc="A convolution or linear layer ('' = the one with the most weights).")
    rank = UrlInteger(default=0, bounds=(0, None), doc="Singular values kept (0 = a quarter of them).")

    url_params = ("model", "layer", "rank")

    def __init__(self, session=None, **params):
        model = params.pop("model", None)
        super().__init__(session=session, **params)
        self._studies = {}
        self._problem = ""
        self._pending = []
        self.study = self.info = self.current = self.w = self.w_r = None

        # -- controls ------------------------------------------------------------------
        self.model_w = pn.widgets.Select(width=320, margin=(4, 10))
        self.layer_w = pn.widgets.Select(width=320, margin=(4, 10))
        self.rank_w = pn.widgets.IntSlider(start=1, end=2, value=1, width=320, margin=(8, 14))
        self.bind(self.model_w, "model")
        self.bind(self.layer_w, "layer")
        self.bind(self.rank_w, "rank", event="value_throttled")
        self.session.param.watch(lambda e: self._refresh_models(), "keys")

        # -- outputs ---------------------------------------------------------------------
        pane = dict(stylesheets=[_CSS], sizing_mode="stretch_width", margin=(0, 10))
        self.title = pn.pane.HTML("", **pane)
        self.intro = pn.pane.HTML("", **pane)
        self.summary = pn.pane.HTML("", **pane)
        self.subset_note = pn.pane.HTML("", **pane)
        self.model_note = pn.pane.HTML("", **pane)
        self.curve_status = pn.pane.HTML("", **pane)
        self.baseline_note = pn.pane.HTML("", **pane)
        self.matrix_note = pn.pane.HTML("", **pane)
        self.layer_table = pn.pane.HTML("", **pane)
        self.headings = {k: pn.pane.HTML("", **pane) for k in ("spectrum", "tradeoff", "matrix", "layers")}
        self.explanation = pn.pane.Markdown("", width=440)
        self.spectrum = SpectrumPlot()
        self.energy_plot = EnergyPlot()
        self.tradeoff = TradeoffPlot()
        self.matrices = [MatrixPlot(width=600) for _ in range(3)]

        self.param.watch(self._changed, ["model", "layer", "rank"])
        self._refresh_models(initial=model)
        self.relabel()

    # -- models ----------------------------------------------------------------------------
    def _refresh_models(self, initial=None):
        keys = list(self.session.keys)
        self.param.model.objects = keys
        chosen = initial if initial in keys else (self.model if self.model in keys else
                                                  (self.session.default if keys else None))
        with self.quietly():
            self.model_w.options = self.session.options(self.lang)
            self.model_w.value = chosen
        if chosen != self.model:
            self.model = chosen
        elif self.study is None:
            self.recompute({"model"})

    def _study_for(self, key):
        """The session's model ``key`` studied (built once per view and model)."""
        if key not in self._studies:
            self._studies[key] = LowRankStudy(self.session.get(key))
        return self._studies[key]

    # -- reactions ------------------------------------------------------------------------------
    def _changed(self, *events):
        if not self._updating:
            self.recompute({e.name for e in events})

    def recompute(self, changed=("model",)):
        """Settle ``layer`` and ``rank`` for the model, then compute and show everything."""
        self._problem = ""
        with self.guard():
            if self.model is None:
                raise ValueError(self.t("svdlab_no_models"))
            self.study = self._study_for(self.model)
            layer, rank = self.layer, int(self.rank)
            if "model" in changed and "layer" not in changed:
                layer = ""                                    # a new network starts at its biggest layer
            if layer not in self.study.by_name:
                if layer and "layer" in changed:
                    self._problem = str(KeyError(f"no convolution or linear layer named {layer!r}; layers: "
                                                 f"{', '.join(self.study.by_name)}")).strip('"')
                layer = default_layer(self.study.layers)
                rank = 0
            elif ("model" in changed or "layer" in changed) and "rank" not in changed:
                rank = 0
            info = self.study.layer(layer)
            if rank and not 1 <= rank <= info.k:
                try:
                    self.study.approximation(layer, rank)     # the engine's message names the allowed range
                except ValueError as exc:
                    self._problem = str(exc)
                rank = 0
            rank = rank or default_rank(info.k)
            with self.quietly():
                self.param.update(layer=layer, rank=rank)
            self.info = info
            self.current = self.study.row(layer, rank)
            self.w, self.w_r = self.study.matrices(layer, rank)
            self._sync_widgets()
            self._render()
            self._schedule_curve()
        if self._problem:              # shown after the guard, which hides old messages on success
            self.show_error(ValueError(self._problem))

    # -- the tradeoff curve, a rank at a time ------------------------------------------------------
    def curve_ranks(self):
        return curve_ranks(self.info.k, extra=(self.info.break_even,))

    def _schedule_curve(self):
        self._pending = [r for r in self.curve_ranks() if not self.study.has_row(self.layer, r)]
        if pn.state.curdoc is None:        # no page (tests, scripts): now; a served or in-browser page: per tick
            self.compute_curve()
        elif self._pending:
            self.start_loop(self._curve_tick, CURVE_PERIOD_MS)
        self._render_curve()

    def compute_curve(self):
        """Compute every missing rank of the current layer's curve now."""
        while self._pending:
            self.study.row(self.layer, self._pending.pop(0))
        self._render_curve()

    def _curve_tick(self):
        with self.guard():
            if self._pending:
                self.study.row(self.layer, self._pending.pop(0))
                self._render_curve()
        if not self._pending:
            self.stop_loop(self._curve_tick)

    # -- showing --------------------------------------------------------------------------------------
    def _sync_widgets(self):
        with self.quietly():
            self.model_w.options = self.session.options(self.lang)
            self.model_w.value = self.model
            self.layer_w.options = {self.t("svdlab_layer_option", name=i.name, kind=i.kind, m=i.matrix[0],
                                           n=i.matrix[1]): i.name for i in self.study.layers}
            self.layer_w.value = self.layer
            self.rank_w.param.update(start=1, end=max(self.info.k, 2), value=int(self.rank), disabled=self.info.k < 2)
            with param.edit_constant(self.rank_w):   # else a drag back to the last dragged value would not register
                self.rank_w.value_throttled = int(self.rank)

    def _render(self):
        t, info, row, study = self.t, self.info, self.current, self.study
        rank = int(self.rank)
        m, n = info.matrix
        kept = float(energy(info.s)[rank - 1])
        if row.factored_parameters < row.full_parameters:
            saved = row.full_parameters - row.factored_parameters
            params = t("svdlab_summary_params", factored=f"{row.factored_parameters:,}",
                       full=f"{row.full_parameters:,}", saved=f"{saved:,}", percent=f"{saved / row.full_parameters:.0%}")
        elif info.break_even > 0:
            params = t("svdlab_summary_costs", factored=f"{row.factored_parameters:,}", full=f"{row.full_parameters:,}",
                       extra=f"{row.factored_parameters - row.full_parameters:,}", even=info.break_even)
        else:
            params = t("svdlab_summary_never", factored=f"{row.factored_parameters:,}", full=f"{row.full_parameters:,}")
        accuracy = t("svdlab_summary_accuracy", n=len(study.labels), acc=f"{row.accuracy:.1%}",
                     base=f"{study.baseline:.1%}", lost=f"{study.baseline - row.accuracy:.1%}")
        error = t("svdlab_summary_error", error=fmt(row.relative_error, 3), energy=f"{kept:.1%}")
        self.summary.object = (
            f"<div class='sv-summary' data-testid='svd-summary' aria-live='polite' data-layer='{html.escape(self.layer)}' "
            f"data-rank='{rank}' data-accuracy='{row.accuracy}' data-baseline='{study.baseline}' "
            f"data-factored='{row.factored_parameters}' data-full='{row.full_parameters}' "
            f"data-error='{row.relative_error}'>"
            f"<b class='sv-big'>{html.escape(t('svdlab_summary_rank', rank=rank, k=info.k))}</b> · "
            f"{html.escape(accuracy)}<br>{html.escape(params)}<br>{html.escape(error)}</div>")
        total = len(study.labels)
        self.subset_note.object = "<div class='sv-note'>" + html.escape(t(
            "svdlab_subset_note", n=total, total=self._test_total(), per=round(total / 10))) + "</div>"
        entry = self.session.entry(self.model)
        untrained = not entry.pretrained and not entry.session
        self.model_note.object = (f"<div class='sv-note'>{html.escape(t('svdlab_untrained_note'))}</div>"
                                  if untrained else "")
        layers = [(i.name, i.s) for i in study.layers]
        self.spectrum.update(layers, self.layer, rank)
        self.energy_plot.update([(i.name, energy(i.s)) for i in study.layers], self.layer, rank)
        high = max(float(np.quantile(np.abs(self.w), 0.99)), 1e-12)   # a few extreme weights would wash out the rest
        low = -high
        for plot, values in zip(self.matrices, (self.w, self.w_r, self.w - self.w_r)):
            plot.update(values, low, high)
        self.matrices[0].set_title(t("svdlab_matrix_w", m=m, n=n))
        self.matrices[1].set_title(t("svdlab_matrix_wr", rank=rank))
        self.matrices[2].set_title(t("svdlab_matrix_diff"))
        headers = [t(f"svdlab_col_{k}") for k in ("layer", "kind", "matrix", "k", "s1", "sk", "r90", "r99", "even")]
        body = [[i.name, i.kind, f"{i.matrix[0]}×{i.matrix[1]}", i.k, fmt(i.s[0]), fmt(i.s[-1]),
                 rank_for_energy(i.s, 0.9), rank_for_energy(i.s, 0.99), i.break_even or "—"] for i in study.layers]
        chosen = [i.name for i in study.layers].index(self.layer)
        self.layer_table.object = html_table(headers, body, caption=t("svdlab_table_caption"), testid="svd-layers",
                                             highlight=chosen)
        self._render_curve()

    @staticmethod
    def _test_total():
        return len(load_digits("test")[1])

    def _render_curve(self):
        if self.study is None or self.info is None:
            return
        rows = self.study.rows(self.layer)
        self.tradeoff.update(rows, self.study.baseline, int(self.rank))
        total = len(self.curve_ranks())
        done = sum(1 for r in self.curve_ranks() if self.study.has_row(self.layer, r))
        key = "svdlab_curve_done" if done >= total else "svdlab_curve_busy"
        self.curve_status.object = (f"<div class='sv-note' data-testid='svd-curve' data-done='{done}' "
                                    f"data-total='{total}'>{html.escape(self.t(key, done=done, total=total))}</div>")

    def relabel(self):
        t = self.t
        self.title.object = f"<h2 class='sv-h'>{html.escape(t('svdlab_title'))}</h2>"
        self.intro.object = f"<div class='sv-note'>{html.escape(t('svdlab_intro'))}</div>"
        for key, pane in self.headings.items():
            pane.object = f"<h3 class='sv-h'>{html.escape(t('svdlab_heading_' + key))}</h3>"
        self.model_w.name = t("svdlab_model")
        self.layer_w.name = t("svdlab_layer")
        self.rank_w.name = t("svdlab_rank")
        self.spectrum.set_labels(t("svdlab_spectrum_title"), [t("svdlab_kept"), t("svdlab_dropped"),
                                                              t("svdlab_others")],
                                 t("svdlab_index"), t("svdlab_value"))
        self.energy_plot.set_labels(t("svdlab_energy_title"), [t("svdlab_this_layer"), t("svdlab_others")],
                                    t("svdlab_rank_axis"), t("svdlab_energy_axis"))
        self.tradeoff.set_labels([t("svdlab_accuracy_title"), t("svdlab_params_title")],
                                 [t("svdlab_accuracy"), t("svdlab_factored"), t("svdlab_full")],
                                 t("svdlab_rank_axis"), [t("svdlab_accuracy"), t("svdlab_weights_axis")])
        self.baseline_note.object = f"<div class='sv-note'>{html.escape(t('svdlab_baseline_note'))}</div>"
        self.matrix_note.object = f"<div class='sv-note'>{html.escape(t('svdlab_matrix_note'))}</div>"
        self.explanation.object = "\n\n".join([
            f"### {t('explain_title')}", t("svdlab_explain_svd"), SVD_FORMULA, t("svdlab_explain_truncate"),
            TRUNCATE_FORMULA, t("svdlab_explain_params"), PARAMS_FORMULA, t("svdlab_explain_energy"), ENERGY_FORMULA,
            t("svdlab_explain_after")])
        if self.study is not None and self.info is not None:
            self._sync_widgets()
            self._render()

    # -- layout ------------------------------------------------------------------------------------------
    def __panel__(self):
        card = theme.card()
        flex = theme.FLEX
        bokeh = lambda fig: pn.pane.Bokeh(fig, margin=(4, 4))  # noqa: E731
        controls = pn.Column(self.model_w, self.layer_w, self.rank_w, self.subset_note, self.model_note, width=360,
                             **card)
        summary = pn.Column(self.title, self.intro, self.summary, sizing_mode="stretch_width", **card)
        spectrum = pn.Column(self.headings["spectrum"], pn.FlexBox(bokeh(self.spectrum.figure),
                                                                   bokeh(self.energy_plot.figure), **flex),
                             sizing_mode="stretch_width", **card)
        tradeoff = pn.Column(self.headings["tradeoff"], pn.FlexBox(bokeh(self.tradeoff.accuracy),
                                                                   bokeh(self.tradeoff.params), **flex),
                             self.baseline_note, self.curve_status, sizing_mode="stretch_width", **card)
        matrix = pn.Column(self.headings["matrix"], *[bokeh(p.figure) for p in self.matrices], self.matrix_note,
                           width=650, **card)
        explain = pn.Column(self.explanation, width=480, **card)
        layers = pn.Column(self.headings["layers"], self.layer_table, sizing_mode="stretch_width", **card)
        return pn.Column(self._error, pn.Row(controls, summary, sizing_mode="stretch_width"), tradeoff, spectrum,
                         pn.FlexBox(matrix, explain, **flex), layers, sizing_mode="stretch_width")

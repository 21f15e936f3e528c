"""1-D convolution lab: kernels, stride, padding and pooling on a synthetic price series.

The series comes from ``cnncore.sequences.make_series`` (seeded random walk
with a trend and labelled spikes, steps and head-and-shoulders bumps). The
lab convolves it with ``cnncore.nn.Conv1d`` (PyTorch semantics: kernel size,
stride, padding and padding mode), pools the output with
``cnncore.nn.MaxPool1d`` / ``AvgPool1d``, fills in the output-length formula
next to the engine's own ``Conv1d.output_shape``, and writes out one output
as the products of its window and the kernel. Kernels come from presets
(moving average, difference, second difference, step detector) or are typed in.

Below, a tiny 1-D CNN (``cnncore.sequences.train_tiny_conv1d``, about a
second) shows what learned kernels detect: its kernels, where they fire on
the series (``kernel_responses``) and their mean response per pattern kind
(``firing_by_pattern``). It is trained on first use (``train()``; the page
schedules it right after loading).

Page hooks for tests (``data-testid``): ``c1d-lout`` (the engine's output
length), ``c1d-formula``, ``c1d-pool-len``, ``c1d-value`` (the chosen
output), ``c1d-sum`` (its products summed), ``c1d-acc``, ``c1d-fires``.
"""
import html
import time

import numpy as np
import panel as pn
import param

from cnncore import nn
from cnncore.functional import pad2d
from cnncore.sequences import PATTERNS, firing_by_pattern, kernel_responses, make_series, to_returns, train_tiny_conv1d

from app.core import theme
from app.views.base import View
from app.views.conv1d import strings  # noqa: F401  (registers the texts)
from app.views.conv1d.kernels import CUSTOM, MIN_SIZE, PRESETS, format_weights, parse_weights, preset_kernel
from app.views.conv1d.plots import FiringPlot, OutputPlot, SeriesPlot
from app.widgets.kernel_grid import KernelGrid
from app.widgets.lab_common import UrlInteger, fmt, html_table
from app.widgets.number_grid import number_grid

__all__ = ["Conv1dLab", "Conv1dResult", "convolve_series", "MODES", "POOLS", "FORMULAS", "SERIES_LENGTH"]

SERIES_LENGTH = 400
MODES = ("zeros", "replicate", "reflect", "circular")
POOLS = ("none", "max", "avg")
TRAIN_STEPS = 300
SHOWN_TERMS = 7

FORMULAS = {
    "conv": r"$$y_i = b + \sum_{u=0}^{k-1} w_u x_{s i - p + u}$$",
    "size": r"$$L_\text{out} = \left\lfloor \frac{L + 2p - k}{s} \right\rfloor + 1$$",
}


class Conv1dResult:
    """One 1-D convolution of the series, as the lab shows it (arrays from the engine).

    Shape:
        - x: ``(L,)``; padded: ``(L + 2p,)``; kernel: ``(k,)``
        - y: ``(L_out,)``; times: ``(L_out,)`` the centre time of each window
        - pooled, pool_times: ``(L_pool,)`` (empty without pooling)
    """

    def __init__(self, x, kernel, stride, padding, mode, pool, pool_k):
        self.x, self.kernel = np.asarray(x, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
        self.k, self.stride, self.padding, self.mode = len(self.kernel), int(stride), int(padding), mode
        conv = nn.Conv1d(1, 1, self.k, stride=self.stride, padding=self.padding, padding_mode=mode, bias=False,
                         dtype=np.float64)
        conv.weight.data[...] = self.kernel[None, None]                           # (k,) -> (1, 1, k)
        self.length = len(self.x)
        self.out_length = conv.output_shape((1, 1, self.length))[2]
        self.y = conv(self.x[None, None])[0, 0]                                   # (1, 1, L_out) -> (L_out,)
        pads = (0, 0, self.padding, self.padding)
        self.padded = pad2d(self.x[None, None, None], pads, mode)[0, 0, 0]        # (L,) as (1,1,1,L) -> (L+2p,)
        self.times = self.stride * np.arange(self.out_length) - self.padding + (self.k - 1) / 2
        self.pool, self.pool_k = pool, int(pool_k)
        self.pooled = self.pool_times = np.zeros(0)
        self.pool_length = None
        if pool != "none":
            layer = nn.MaxPool1d(self.pool_k) if pool == "max" else nn.AvgPool1d(self.pool_k)
            self.pool_length = layer.output_shape((1, 1, self.out_length))[2]
            self.pooled = layer(self.y[None, None])[0, 0]
            windows = self.times[:self.pool_length * self.pool_k].reshape(self.pool_length, self.pool_k)
            self.pool_times = windows.mean(axis=1)                                # (L_pool, pool_k) -> (L_pool,)

    def window(self, i):
        """``(times, values, products)`` of output ``i``'s window (times below 0 / above L-1 are padding)."""
        start = self.stride * i
        values = self.padded[start:start + self.k]
        times = np.arange(start, start + self.k) - self.padding
        return times, values, values * self.kernel


def convolve_series(x, kernel, stride=1, padding=0, mode="zeros", pool="none", pool_k=2):
    """The lab's whole pipeline on ``x``: a :class:`Conv1dResult` (raises the engine's ShapeError)."""
    return Conv1dResult(x, kernel, stride, padding, mode, pool, pool_k)


class Conv1dLab(View):
    """The 1-D convolution lab (see the module docstring).

    State (all in the URL): ``seed``, ``preset`` (or ``custom`` with ``weights``
    ``"1,-2,1"``), ``k``, ``stride``, ``padding``, ``mode``, ``pool``, ``pool_k``, ``pos``.
    Results: ``series``, ``result`` (:class:`Conv1dResult`), ``recipe``
    (``cnncore.sequences.Conv1dRecipe`` once trained), ``responses``, ``firing``.
    """

    seed = UrlInteger(default=0, bounds=(0, 9999), doc="Seed of the synthetic series.")
    preset = param.Selector(default="moving_average", objects=list(PRESETS) + [CUSTOM])
    weights = param.String(default="", doc="A typed-in kernel, comma-separated (preset 'custom').")
    k = UrlInteger(default=5, bounds=(1, 15))
    stride = UrlInteger(default=1, bounds=(1, 8))
    padding = UrlInteger(default=0, bounds=(0, 10))
    mode = param.Selector(default="zeros", objects=list(MODES))
    pool = param.Selector(default="none", objects=list(POOLS))
    pool_k = UrlInteger(default=2, bounds=(2, 8))
    pos = UrlInteger(default=60, bounds=(0, None), doc="The output position written out.")

    url_params = ("seed", "preset", "weights", "k", "stride", "padding", "mode", "pool", "pool_k", "pos")

    def __init__(self, session=None, train="auto", **params):
        """``train``: True trains now, False waits for :meth:`train`, ``"auto"`` trains now without a
        server and right after the page is shown with one."""
        super().__init__(session=session, **params)
        self.series = self.result = self.recipe = self.responses = self.firing = None
        self._note = ""
        self._train_seconds = 0.0
        w = pn.widgets
        self.seed_input = w.IntInput(start=0, end=9999, value=self.seed, width=120)
        self.preset_select = w.Select(width=220)
        self.k_slider = w.IntSlider(start=1, end=15, value=self.k, width=170)
        self.stride_slider = w.IntSlider(start=1, end=8, value=self.stride, width=150)
        self.padding_slider = w.IntSlider(start=0, end=10, value=self.padding, width=150)
        self.mode_select = w.Select(width=150)
        self.pool_buttons = w.RadioButtonGroup(options=list(POOLS), value=self.pool, color="primary",
                                               variant="outline", margin=(4, 10))
        self.pool_slider = w.IntSlider(start=2, end=8, value=self.pool_k, width=200)
        self.pos_slider = w.IntSlider(start=0, end=1, value=0, width=330)
        self.grid = KernelGrid(margin=(4, 10))
        self.series_plot = SeriesPlot(width=900, height=290)
        self.output_plot = OutputPlot(self.series_plot.figure.x_range, width=900, height=230)
        self.firing_plot = FiringPlot(self.series_plot.figure.x_range, width=900, height=210)
        self.learned_series = SeriesPlot(width=900, height=240, x_range=self.series_plot.figure.x_range)

        pane = lambda **k: pn.pane.HTML("", margin=(4, 10), styles={"font-size": "16px"}, **k)  # noqa: E731
        self.summary = pane(width=890)
        self.window_text = pane(width=890)
        self.learned_status = pane(width=890)
        self.kernels_table = pane()
        self.fires_table = pane()
        self.heading = pn.pane.HTML("", margin=(0, 10))
        self.learned_heading = pn.pane.HTML("", margin=(0, 10))
        self.labels = {k: pn.pane.HTML("", margin=(6, 10, 0, 10)) for k in ("kernel", "pool")}
        self.explain = pn.pane.Markdown("", width=300)
        self.explain_learned = pn.pane.Markdown("", width=300)

        for widget, name in ((self.seed_input, "seed"), (self.preset_select, "preset"), (self.k_slider, "k"),
                             (self.stride_slider, "stride"), (self.padding_slider, "padding"),
                             (self.mode_select, "mode"), (self.pool_buttons, "pool"), (self.pool_slider, "pool_k"),
                             (self.pos_slider, "pos")):
            self.bind(widget, name)
        self.grid.param.watch(self._typed, "values")
        self.param.watch(self._changed, ["seed", "preset", "weights", "k", "stride", "padding", "mode", "pool",
                                         "pool_k", "pos"])
        self.relabel()
        self.refresh()
        if train is True or (train == "auto" and pn.state.curdoc is None):
            self.train()
        elif train == "auto":                 # in a page (e.g. the playground): show the lab first
            pn.state.curdoc.add_timeout_callback(self.train, 100)

    # -- the kernel ---------------------------------------------------------------------
    def kernel(self):
        """The current kernel ``(k,)``: the preset's, or the typed-in weights."""
        if self.preset == CUSTOM:
            if not self.weights:
                return preset_kernel("moving_average", self.k)
            return parse_weights(self.weights, self.k)
        return preset_kernel(self.preset, self.k)

    def _typed(self, event):
        values = [float(v) for v in event.new[0][0]] if event.new and event.new[0] else []
        if self._updating or not values:
            return
        current = list(self.kernel()) if self.result is not None else None
        if current is not None and len(current) == len(values) and np.allclose(values, current):
            return
        self.param.update(preset=CUSTOM, weights=format_weights(values), k=len(values))

    # -- reactions ---------------------------------------------------------------------------
    def _changed(self, *events):
        if self._updating:
            return
        names = {e.name for e in events}
        if "preset" in names and self.preset != CUSTOM:
            self.set_quietly(weights="")
        if "k" in names and self.preset == CUSTOM and self.weights:
            old = parse_weights(self.weights)
            resized = np.zeros(self.k)
            resized[:min(len(old), self.k)] = old[:self.k]
            self.set_quietly(weights=format_weights(resized))
        self.refresh(series="seed" in names)

    def refresh(self, series=True):
        """Make the series (if needed), convolve, pool, and redraw."""
        with self.guard():
            if series or self.series is None:
                self.series = make_series(SERIES_LENGTH, seed=self.seed)
                events = [(PATTERNS.index(kind), a, b) for kind, a, b in self.series.events]
                self._events = events
                if self.recipe is not None:
                    self._update_learned()
            self._note = ""
            if self.preset != CUSTOM and self.k < MIN_SIZE[self.preset]:
                self._note = self.t("c1d_note_min", name=self.t(f"c1d_preset_{self.preset}"),
                                    k=MIN_SIZE[self.preset])
                self.set_quietly(k=MIN_SIZE[self.preset])
            kernel = self.kernel()
            self.result = r = convolve_series(self.series.price, kernel, self.stride, self.padding, self.mode,
                                              self.pool, self.pool_k)
            if self.pos >= r.out_length:
                self.set_quietly(pos=r.out_length - 1)
            self._sync_widgets()
            self.series_plot.update(self.series.price, self._events, (r.padding, r.padding))
            self.output_plot.update(r.times, r.y, r.pool_times, r.pooled, self.pos)
            times, values, _ = r.window(self.pos)
            self.series_plot.show_window(times, values)
            self._render()

    def _sync_widgets(self):
        with self.quietly():
            r = self.result
            self.seed_input.value = self.seed
            self.preset_select.value = self.preset
            self.k_slider.value = self.k
            self.stride_slider.value = self.stride
            self.padding_slider.value = self.padding
            self.mode_select.value = self.mode
            self.pool_buttons.value = self.pool
            self.pool_slider.value = self.pool_k
            self.pool_slider.disabled = self.pool == "none"
            self.pos_slider.end = max(r.out_length - 1, 1)
            self.pos_slider.disabled = r.out_length == 1
            self.pos_slider.value = self.pos
            kernel = [float(v) for v in r.kernel]
            if self.grid.values != [[kernel]]:
                # KernelGrid lays out k x k kernels; one row of k cells needs k columns.
                self.grid.stylesheets = [f".kgrid {{ grid-template-columns: repeat({len(kernel)}, var(--kcell)) "
                                         f"!important; }} :host {{ --kcell: 64px; }}"]
                self.grid.values = [[kernel]]

    # -- the learned network -----------------------------------------------------------------
    def train(self):
        """Train the tiny 1-D CNN (about a second), then show its kernels and where they fire."""
        with self.guard():
            start = time.perf_counter()
            self.recipe = train_tiny_conv1d(steps=TRAIN_STEPS, seed=0)
            self._train_seconds = time.perf_counter() - start
            self._update_learned()

    def _update_learned(self):
        returns = to_returns(self.series.price, self.series.volatility)
        self.responses = kernel_responses(self.recipe.model, returns)
        self.firing = firing_by_pattern(self.responses, self.series.labels[1:])
        self.firing_plot.update(self.responses, start=1)
        self.learned_series.update(self.series.price, self._events, set_range=False)
        self._render_learned()

    # -- texts -------------------------------------------------------------------------------------
    def _render(self):
        r, t = self.result, self.t
        if r is None:
            return
        formula = (f"⌊({r.length} + 2·{r.padding} − {r.k}) / {r.stride}⌋ + 1 = "
                   f"⌊{r.length + 2 * r.padding - r.k} / {r.stride}⌋ + 1")
        parts = [f"{html.escape(t('c1d_formula'))} L_out = <span data-testid='c1d-formula'>{formula}</span> = "
                 f"<b>{(r.length + 2 * r.padding - r.k) // r.stride + 1}</b>; "
                 f"{html.escape(t('c1d_engine'))} <b data-testid='c1d-lout'>{r.out_length}</b>."]
        if r.pool_length is not None:
            parts.append(f"{html.escape(t('c1d_pool_formula', k=r.pool_k))} ⌊({r.out_length} − {r.pool_k}) / "
                         f"{r.pool_k}⌋ + 1 = <b data-testid='c1d-pool-len'>{r.pool_length}</b>.")
        if self._note:
            parts.append(f"<i>{html.escape(self._note)}</i>")
        self.summary.object = "<br>".join(parts)
        times, values, products = r.window(self.pos)
        terms = [f"{fmt(w, 3)}·{fmt(v, 4)}" for w, v in zip(r.kernel, values)]
        shown = " + ".join(terms[:SHOWN_TERMS]) + (" + …" if len(terms) > SHOWN_TERMS else "")
        padded = bool((times < 0).any() or (times >= r.length).any())
        self.window_text.object = (
            f"{html.escape(t('c1d_window', i=self.pos, first=int(times[0]), last=int(times[-1])))}"
            + (f" <i>({html.escape(t('c1d_window_pad', last=r.length - 1))})</i>" if padded else "")
            + f"<br>y[{self.pos}] = {html.escape(shown)} = <b data-testid='c1d-sum'>{float(products.sum()):.6g}</b>"
            + f" <span style='color:#52606D'>(Conv1d: <span data-testid='c1d-value'>{float(r.y[self.pos]):.6g}</span>)"
              f"</span>")

    def _render_learned(self):
        t = self.t
        if self.recipe is None:
            self.learned_status.object = f"<i data-testid='c1d-training'>{html.escape(t('c1d_training'))}</i>"
            self.kernels_table.object = self.fires_table.object = ""
            return
        model = self.recipe.model
        conv = model[0]
        self.learned_status.object = (
            html.escape(t("c1d_trained", c=conv.out_channels, k=conv.kernel_size[0], steps=self.recipe.steps,
                          seconds=self._train_seconds))
            + f" <b data-testid='c1d-acc'>{self.recipe.test_accuracy:.0%}</b> {html.escape(t('c1d_chance'))}")
        self.kernels_table.object = number_grid(conv.weight.data[:, 0, :], t("c1d_kernels_caption"), "c1d-kernels")
        kinds = [t(f"c1d_kind_{name}") for name in PATTERNS]
        rows = []
        for c, row in enumerate(self.firing):
            best = int(np.nanargmax(row[1:])) + 1 if np.isfinite(row[1:]).any() else 0
            rows.append([str(c)] + ["—" if not np.isfinite(v) else fmt(v, 3) for v in row] + [kinds[best]])
        self.fires_table.object = html_table([t("c1d_col_kernel")] + kinds + [t("c1d_col_best")], rows,
                                             t("c1d_fires_caption"), testid="c1d-fires")

    def relabel(self):
        t = self.t
        self.seed_input.name = t("c1d_seed")
        self.preset_select.name = t("c1d_preset")
        self.preset_select.options = {t(f"c1d_preset_{p}"): p for p in list(PRESETS) + [CUSTOM]}
        self.preset_select.value = self.preset
        self.k_slider.name = t("c1d_k")
        self.stride_slider.name = t("c1d_stride")
        self.padding_slider.name = t("c1d_padding")
        self.mode_select.name = t("c1d_mode")
        self.mode_select.options = {t(f"c1d_mode_{m}"): m for m in MODES}
        self.mode_select.value = self.mode
        self.pool_buttons.options = {t(f"c1d_pool_{p}"): p for p in POOLS}
        self.pool_buttons.value = self.pool
        self.pool_slider.name = t("c1d_pool_k")
        self.pos_slider.name = t("c1d_pos")
        self.grid.channel_names = [""]
        self.grid.cell_label = t("c1d_cell_label")
        self.labels["kernel"].object = f"<b>{html.escape(t('c1d_kernel_label'))}</b>"
        self.labels["pool"].object = f"<b>{html.escape(t('c1d_pool'))}</b>"
        self.heading.object = f"<h2 style='margin:4px 0;font-size:22px'>{html.escape(t('c1d_heading'))}</h2>"
        self.learned_heading.object = (f"<h2 style='margin:4px 0;font-size:22px'>"
                                       f"{html.escape(t('c1d_learned_heading'))}</h2>")
        kinds = [t(f"c1d_kind_{name}") for name in PATTERNS[1:]]
        for plot in (self.series_plot, self.learned_series):
            plot.set_labels(t("c1d_series_title", seed=self.seed), [t("c1d_price"), *kinds], t("c1d_time"),
                            t("c1d_price"))
        self.output_plot.set_labels(t("c1d_output_title"), [t("c1d_conv_legend"), t("c1d_pool_legend")],
                                    t("c1d_time"), t("c1d_output"))
        self.firing_plot.set_labels(t("c1d_firing_title"), xlabel=t("c1d_time"), ylabel=t("c1d_kernel_axis"))
        self.explain.object = "\n\n".join([
            f"### {t('explain_title')}", t("c1d_explain"), FORMULAS["conv"], t("c1d_explain_size"), FORMULAS["size"],
            t("c1d_explain_kernels")])
        self.explain_learned.object = "\n\n".join([f"### {t('explain_title')}", t("c1d_explain_learned")])
        self._render()
        self._render_learned()

    @param.depends("seed", watch=True)
    def _retitle(self):
        title = self.t("c1d_series_title", seed=self.seed)
        self.series_plot.figure.title.text = self.learned_series.figure.title.text = title

    # -- layout ------------------------------------------------------------------------------------------
    def __panel__(self):
        card = theme.card()
        flex = theme.FLEX
        main = pn.Column(
            self.heading,
            pn.Row(self.seed_input, self.preset_select, self.k_slider, self.stride_slider, self.padding_slider),
            pn.Row(self.mode_select, pn.Column(self.labels["pool"], self.pool_buttons), self.pool_slider),
            self.labels["kernel"], self.grid,
            pn.pane.Bokeh(self.series_plot.figure), pn.pane.Bokeh(self.output_plot.figure),
            self.summary, self.pos_slider, self.window_text, width=935, **card)
        learned = pn.Column(self.learned_heading, self.learned_status, pn.pane.Bokeh(self.learned_series.figure),
                            pn.pane.Bokeh(self.firing_plot.figure),
                            pn.FlexBox(self.kernels_table, self.fires_table, flex_wrap="wrap"), width=935, **card)
        return pn.Column(self._error,
                         pn.FlexBox(main, pn.Column(self.explain, **card), **flex),
                         pn.FlexBox(learned, pn.Column(self.explain_learned, **card), **flex),
                         sizing_mode="stretch_width")

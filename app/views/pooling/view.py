"""Pooling & activations lab: pool a real feature map, send a gradient back, meet the activations.

Top: pick a digit (a test digit or your drawing), a layer and a channel of
the network; the channel's feature map is pooled with max, average, min,
L2 (``LPPool2d`` with norm 2), stochastic or global average pooling, with
your window and stride. A gradient of ones (or of one output cell you click)
is sent back through the layer's ``backward``: the input-gradient map shows
where it lands (all on the arg-max for max pooling, evenly for average, in
proportion ``x_i / y`` for L2). Two pools read every channel of the layer
at once: attention pooling (the score map, its
softmax weights as a heat map, the weighted average) and bilinear pooling
(the ``C x C`` matrix of channel products).

Bottom: an activation function and its derivative, applied to the real
pre-activation values of a layer, and, over the 1,000 test digits, the
fraction of dead ReLU units and of saturated sigmoid/tanh values per layer.

The view only shows; every number comes from ``cnncore.inspect``: the
pooled map and its gradient from :mod:`cnncore.inspect.pooling` (the ``nn``
pooling layers' ``backward`` and ``last_argmax()`` / ``last_sample()`` /
``last_probabilities()`` / ``last_divisor()``), attention and bilinear
pooling from :mod:`cnncore.inspect.channel_pooling`, the activations' slopes
and the dead/saturated units from :mod:`cnncore.inspect.nonlinearity`
(activation modules' ``derivative``; ``inspect.capture``). Page hooks for tests: ``data-testid`` ``pool-out-shape``,
``pool-grad-sum``, ``pool-out-sum``, ``pool-attn-value``, ``pool-bilinear-entry``,
``act-zero-grad``, ``unit-stats``.
"""
import html

import numpy as np
import panel as pn
import param

from cnncore.data import load_digits
from cnncore.inspect import capture
from cnncore.inspect.channel_pooling import CHANNEL_POOLS, attention_and_route, bilinear_and_route
from cnncore.inspect.nonlinearity import (ACTIVATION_KINDS, activation_curves, apply_activation, preactivation_layers,
                                          unit_statistics)
from cnncore.inspect.pooling import POOL_KINDS, pool_and_route

from app.core import theme
from app.views.base import View
from app.views.pooling import strings  # noqa: F401  (registers the texts)
from app.widgets.lab_common import CurvePlot, DigitSource, LayerName, UrlInteger, fmt, html_table, spatial_layers
from app.widgets.plots import MapPlot

__all__ = ["PoolingLab", "POOLS", "ACTIVATIONS"]

POOLS = POOL_KINDS + CHANNEL_POOLS
ACTIVATIONS = ACTIVATION_KINDS


# -- the view --------------------------------------------------------------------------

FORMULAS = {   # no "&", "<", ">", "\\" or "\," here: Markdown escapes or eats them before MathJax sees
               # them (a formula with "&gt;" renders blank); write \gt and \lt instead
    "max": r"$$y = \max_{i \in \text{window}} x_i$$" "\n\n" r"$$\frac{\partial y}{\partial x_i} = "
           r"1 \text{ if } i = \arg\max \text{, else } 0$$",
    "min": r"$$y = \min_{i \in \text{window}} x_i$$" "\n\n" r"$$\frac{\partial y}{\partial x_i} = "
           r"1 \text{ if } i = \arg\min \text{, else } 0$$",
    "avg": r"$$y = \frac{1}{k^2} \sum_{i \in \text{window}} x_i$$" "\n\n" r"$$\frac{\partial y}{\partial x_i} = \frac{1}{k^2}$$",
    "l2": r"$$y = \sqrt{\sum_{i \in \text{window}} x_i^2}$$" "\n\n" r"$$\frac{\partial y}{\partial x_i} = \frac{x_i}{y}$$",
    "stochastic": r"$$p_i = \frac{a_i}{\sum_j a_j}, \quad y = a_j \text{ with } j \sim p$$" "\n\n"
                  r"$$\frac{\partial y}{\partial a_i} = 1 \text{ if } i = j \text{, else } 0$$",
    "gap": r"$$y = \frac{1}{HW} \sum_{r=1}^{H} \sum_{c=1}^{W} x_{rc}$$" "\n\n" r"$$\frac{\partial y}{\partial x_{rc}} = \frac{1}{HW}$$",
    "attention": r"$$s_p = w^\top x_p + b, \quad a_p = \frac{e^{s_p}}{\sum_q e^{s_q}}, \quad "
                 r"y_c = \sum_p a_p \, x_{c,p}$$" "\n\n"
                 r"$$\frac{\partial y_c}{\partial x_{c,p}} = a_p \left(1 + w_c (x_{c,p} - y_c)\right)$$",
    "bilinear": r"$$B_{ij} = \frac{1}{HW} \sum_p x_{i,p} \, x_{j,p}$$" "\n\n"
                r"$$\frac{\partial B_{ij}}{\partial x_{i,p}} = \frac{x_{j,p}}{HW} \quad "
                r"\text{(then optionally } \operatorname{sign}(B) \sqrt{\lvert B \rvert} "
                r"\text{ and } B / \lVert B \rVert_2 \text{)}$$",
}
OUTPUT_SIZE = r"$$H_\text{out} = \left\lfloor \frac{H - k}{s} \right\rfloor + 1$$"
ACT_FORMULAS = {
    "relu": r"$$f(x) = \max(0, x)$$" "\n\n" r"$$f'(x) = 1 \text{ if } x \gt 0 \text{, else } 0$$",
    "leaky_relu": r"$$f(x) = x \text{ if } x \gt 0 \text{, else } \alpha x$$" "\n\n"
                  r"$$f'(x) = 1 \text{ if } x \gt 0 \text{, else } \alpha \quad (\alpha = 0.1)$$",
    "sigmoid": r"$$\sigma(x) = \frac{1}{1 + e^{-x}}$$" "\n\n" r"$$\sigma'(x) = \sigma(x) (1 - \sigma(x)) \le \frac{1}{4}$$",
    "tanh": r"$$\tanh(x) = \frac{e^x - e^{-x}}{e^x + e^{-x}}$$" "\n\n" r"$$\tanh'(x) = 1 - \tanh^2(x) \le 1$$",
}


class PoolingLab(View):
    """Pooling on a real feature map (forward and backward), and activation functions.

    State (kept in the URL): ``model``, ``digit`` (0-9, -1 = the drawing),
    ``layer``, ``channel``, ``pool``, ``window``, ``stride``, ``grad_from``
    (``all``/``cell``), ``cell_row``, ``cell_col``, ``seed``, ``beta`` (attention), ``activation``,
    ``act_layer``, ``act_channel`` and ``lang``.
    """

    model = param.Selector(default=None, objects=[], check_on_set=True, allow_None=True)
    digit = UrlInteger(default=3, bounds=(-1, 9), doc="Test digit 0-9, or -1 for the drawing.")
    layer = LayerName(default="", doc="Layer whose output is pooled ('' = a sensible default).")
    channel = UrlInteger(default=0, bounds=(0, None))
    pool = param.Selector(default="max", objects=list(POOLS))
    window = UrlInteger(default=2, bounds=(1, 8))
    stride = UrlInteger(default=2, bounds=(1, 8))
    grad_from = param.Selector(default="all", objects=["all", "cell"])
    cell_row = UrlInteger(default=0, bounds=(0, None))
    cell_col = UrlInteger(default=0, bounds=(0, None))
    seed = UrlInteger(default=0, bounds=(0, None), doc="Seed of stochastic pooling's draw.")
    beta = param.Number(default=2.0, bounds=(0.0, 20.0),
                        doc="Attention pooling: the score's weight on the chosen channel (s = beta * x_c).")
    activation = param.Selector(default="relu", objects=list(ACTIVATIONS))
    act_layer = LayerName(default="", doc="Layer whose output is the pre-activation ('' = first).")
    act_channel = UrlInteger(default=0, bounds=(0, None))

    model_inputs = ("digit",)

    url_params = ("model", "digit", "layer", "channel", "pool", "window", "stride", "grad_from",
                  "cell_row", "cell_col", "seed", "beta", "activation", "act_layer", "act_channel")

    def __init__(self, session=None, compute_stats="auto", **params):
        super().__init__(session=session, **params)
        self._acts, self._layers, self._pre_pairs, self._stats, self.result = None, {}, [], {}, None
        self._image = self._applied = None         # _applied: the activation on the chosen pre-activations
        self.source = DigitSource(self)
        w = pn.widgets
        self.model_select = w.Select(width=260)
        self.layer_select = w.Select(width=260)
        self.channel_slider = w.IntSlider(start=0, end=1, value=0, width=250)
        self.pool_buttons = w.RadioButtonGroup(options=list(POOLS), value=self.pool, color="primary",
                                               variant="outline", margin=(4, 10), width=820)
        self.window_slider = w.IntSlider(start=1, end=8, value=self.window, width=250)
        self.stride_slider = w.IntSlider(start=1, end=8, value=self.stride, width=250)
        self.grad_buttons = w.RadioButtonGroup(options=["all", "cell"], value=self.grad_from, color="primary",
                                               variant="outline", margin=(4, 10))
        self.row_slider = w.IntSlider(start=0, end=1, value=0, width=180)
        self.col_slider = w.IntSlider(start=0, end=1, value=0, width=180)
        self.resample_button = w.Button(color="default", width=200)
        self.beta_slider = w.FloatSlider(start=0.0, end=20.0, step=0.5, value=self.beta, width=300, visible=False)
        self.act_buttons = w.RadioButtonGroup(options=list(ACTIVATIONS), value=self.activation,
                                              color="primary", variant="outline", margin=(4, 10))
        self.act_layer_select = w.Select(width=260)
        self.act_channel_slider = w.IntSlider(start=0, end=1, value=0, width=250)

        self.in_plot = MapPlot(size=250)
        self.out_plot = MapPlot(size=250)
        self.grad_plot = MapPlot(size=250, signed=True)
        self.extra_plot = MapPlot(size=250)          # attention: the softmax weights; bilinear: x_i * x_j
        self.extra_pane = pn.pane.Bokeh(self.extra_plot.figure, visible=False)
        self.curves = CurvePlot(width=470, height=300, max_lines=2)
        self.pre_plot = MapPlot(size=210, signed=True)
        self.post_plot = MapPlot(size=210)
        self.deriv_plot = MapPlot(size=210)
        self.summary = pn.pane.HTML("", width=900, margin=(4, 10),
                                    styles={"font-size": "16px"})
        self.window_table = pn.pane.HTML("", margin=(4, 10))
        self.act_summary = pn.pane.HTML("", width=470, margin=(4, 10), styles={"font-size": "16px"})
        self.stats_table = pn.pane.HTML("", sizing_mode="stretch_width", margin=(4, 10))
        self.heading = pn.pane.HTML("", margin=(0, 10))
        self.act_heading = pn.pane.HTML("", margin=(0, 10))
        self.explain = pn.pane.Markdown("", width=400)
        self.act_explain = pn.pane.Markdown("", width=400)
        self.labels = {k: pn.pane.HTML("", margin=(6, 10, 0, 10)) for k in
                       ("pool_kind", "grad", "act_kind")}

        self.bind(self.model_select, "model")
        self.bind(self.layer_select, "layer", accept=bool)
        self.bind(self.channel_slider, "channel")
        self.bind(self.pool_buttons, "pool")
        self.bind(self.window_slider, "window")
        self.bind(self.stride_slider, "stride")
        self.bind(self.grad_buttons, "grad_from")
        self.bind(self.row_slider, "cell_row")
        self.bind(self.col_slider, "cell_col")
        self.resample_button.on_click(lambda e: setattr(self, "seed", self.seed + 1))
        self.bind(self.beta_slider, "beta")
        self.bind(self.act_buttons, "activation")
        self.bind(self.act_layer_select, "act_layer", accept=bool)
        self.bind(self.act_channel_slider, "act_channel")
        self.out_plot.on_click(self._clicked)

        self.relabel()
        self.refresh()
        if compute_stats is True or (compute_stats == "auto" and pn.state.curdoc is None):
            self.compute_stats()
        elif compute_stats == "auto":
            pn.state.onload(self.compute_stats)

    # -- reactions ---------------------------------------------------------------
    @param.depends("model", "digit", watch=True)
    def refresh(self):
        """Run the network on the digit; then redraw everything."""
        with self.guard():
            self.model_select.value = self.model
            self._image = self.source.image(self.digit)
            if self._image is None:
                self._acts = None
                raise ValueError(self.t("lab_draw_first"))
            net = self.session.get(self.model)
            net.eval()
            _, self._acts = capture(net, self._image)
            self._layers = spatial_layers(net, self._acts)
            self._pre_pairs = [(pre, act) for pre, act in preactivation_layers(net, self._acts)
                               if self._acts[pre].ndim == 4]
            names = list(self._layers.values())
            if self.layer not in names:
                self.layer = self._default_layer(net, names)
            pre_names = [pre for pre, _ in self._pre_pairs]
            if self.act_layer not in pre_names:
                self.act_layer = pre_names[0] if pre_names else ""
            self.layer_select.options = self._layers
            self.layer_select.value = self.layer
            self.act_layer_select.options = {label: name for label, name in self._layers.items()
                                             if name in pre_names}
            self.act_layer_select.value = self.act_layer
            if self.model not in self._stats and self._stats.get("_requested"):
                self.compute_stats()
        if self._acts is None:
            return
        self.update_pool()
        self.update_activation()
        self._render_stats()

    @staticmethod
    def _default_layer(net, names):
        """The first ReLU's output (non-negative, as pooling usually sees), else the first map."""
        modules = dict(net.named_modules())
        for name in names:
            if type(modules[name]).__name__ == "ReLU":
                return name
        return names[0] if names else ""

    def _fmap(self, layer, channel):
        maps = self._acts[layer][0]                                       # (1, C, H, W) -> (C, H, W)
        return maps[min(channel, maps.shape[0] - 1)], maps.shape[0]

    @param.depends("layer", "channel", "pool", "window", "stride", "grad_from", "cell_row", "cell_col",
                   "seed", "beta", watch=True)
    def update_pool(self):
        """Pool the chosen map and route the gradient back; update plots and numbers."""
        if self._acts is None:
            return
        if self.layer not in self._acts:     # a link's ?layer= names no layer of this model
            bad, names = self.layer, list(self._layers.values())
            self.layer = self.layer_select.value if self.layer_select.value in self._acts else names[0]
            self.ignore_url_value("layer", bad, self.t("url_allowed_choice", choices=", ".join(names)))
            return
        with self.guard():
            fmap, channels = self._fmap(self.layer, self.channel)
            self.channel_slider.end = max(channels - 1, 1)
            self.channel_slider.disabled = channels == 1
            self.channel_slider.value = min(self.channel, channels - 1)
            for widget, value in ((self.layer_select, self.layer), (self.pool_buttons, self.pool),
                                  (self.window_slider, self.window), (self.stride_slider, self.stride),
                                  (self.grad_buttons, self.grad_from)):
                widget.value = value
            cell = (self.cell_row, self.cell_col) if self.grad_from == "cell" else None
            per_channel = self.pool not in CHANNEL_POOLS
            for widget in (self.window_slider, self.stride_slider):
                widget.disabled = not per_channel
            self.grad_buttons.disabled = self.pool == "attention"
            self.beta_slider.visible = self.pool == "attention"
            self.beta_slider.value = self.beta
            self.extra_pane.visible = not per_channel
            if not per_channel:
                self._update_channel_pool(cell)
                return
            self.result = r = pool_and_route(fmap, self.pool, self.window, self.stride, cell, self.seed)
            oh, ow = r.out.shape
            self._fit_cell_sliders(oh, ow)
            self.in_plot.update(fmap)
            self.in_plot.mark(r.chosen)
            self.in_plot.outline(*r.window)
            self.out_plot.update(r.out)
            focus_r, focus_c = (min(self.cell_row, oh - 1), min(self.cell_col, ow - 1)) if cell else (None, None)
            self.out_plot.outline(focus_r, focus_c)
            self.grad_plot.update(r.grad_in)
            self.grad_plot.outline(*r.window) if cell else self.grad_plot.outline(None)
            self.resample_button.visible = self.pool == "stochastic"
            self._render_pool()

    def _fit_cell_sliders(self, rows, cols):
        """The output-cell sliders span ``rows x cols`` cells; off unless the gradient comes from one cell."""
        for slider, value, n in ((self.row_slider, self.cell_row, rows), (self.col_slider, self.cell_col, cols)):
            slider.end = max(n - 1, 1)
            slider.disabled = n == 1 or self.grad_from != "cell"
            slider.value = min(value, n - 1)

    def _update_channel_pool(self, cell):
        """Attention or bilinear pooling of every channel of the layer (``cnncore.inspect.channel_pooling``)."""
        maps = self._acts[self.layer][0]                                  # (1, C, H, W) -> (C, H, W)
        c = min(self.channel, maps.shape[0] - 1)
        if self.pool == "attention":
            self.result = r = attention_and_route(maps, c, self.beta)
            self.out_plot.update(r.scores)
            self.out_plot.outline(None)
            self.extra_plot.update(r.weights, 0.0, float(r.weights.max()))
        else:
            self.result = r = bilinear_and_route(maps, c, cell if self.grad_from == "cell" else None)
            self.out_plot.update(r.out)
            self.out_plot.outline(*r.focus) if cell else self.out_plot.outline(None)
            self.extra_plot.update(r.product)
        n = maps.shape[0] if self.pool == "bilinear" else 1
        self._fit_cell_sliders(n, n)
        self.in_plot.update(maps[c])
        self.in_plot.mark([])
        self.in_plot.outline(None)
        self.grad_plot.update(r.grad_in)
        self.grad_plot.outline(None)
        self.resample_button.visible = False
        self._render_channel_pool()

    def _render_channel_pool(self):
        r, c = self.result, self.result.channel
        h, w = r.grad_in.shape
        grad_sum, out_sum = float(r.grad_all.sum()), float(r.grad_out.sum())
        self.in_plot.set_title(self.t("pool_input_title_plain", c=c))
        self.grad_plot.set_title(self.t("pool_grad_title_channel", c=r.shown))
        if self.pool == "attention":
            y, channels = float(r.out[0, c]), r.out.shape[1]
            fmap = self.source_map()
            self.out_plot.set_title(self.t("pool_attn_scores_title", beta=fmt(self.beta), c=c))
            self.extra_plot.set_title(self.t("pool_attn_weights_title"))
            self.summary.object = " ".join([
                self.t("pool_attn_shape", h=h, w=w, c=channels),
                f"<b data-testid='pool-out-shape'>{channels}</b>",
                "<br>" + self.t("pool_attn_value", c=c),
                f"<b data-testid='pool-attn-value'>{fmt(y, 4)}</b>",
                self.t("pool_attn_compare", avg=fmt(float(fmap.mean()), 4), max=fmt(float(fmap.max()), 4)),
                "<br>" + self.t("pool_sum_grad", n=fmt(out_sum)),
                f"<b data-testid='pool-grad-sum'>{fmt(grad_sum, 4)}</b>",
                f"<span data-testid='pool-out-sum' style='display:none'>{fmt(out_sum, 4)}</span>",
                "<br>" + self.t("pool_route_attention")])
            order = np.argsort(-r.weights, axis=None)[:6]                 # the six largest weights
            rows = []
            for flat in order:
                i, j = divmod(int(flat), w)
                a, x = float(r.weights[i, j]), float(fmap[i, j])
                rows.append([f"({i}, {j})", fmt(x, 3), fmt(float(r.scores[i, j]), 3), fmt(a, 4), fmt(a * x, 4)])
            headers = [self.t(k) for k in ("pool_attn_pos", "pool_attn_x", "pool_attn_s", "pool_attn_a",
                                           "pool_attn_ax")]
            self.window_table.object = html_table(headers, rows, self.t("pool_attn_caption", c=c, y=fmt(y, 4)),
                                                  testid="pool-window")
            return
        i, j = r.focus
        channels = r.out.shape[0]
        self.out_plot.set_title(self.t("pool_bilinear_title", c=channels))
        self.extra_plot.set_title(self.t("pool_bilinear_product_title", i=i, j=j))
        self.summary.object = " ".join([
            self.t("pool_bilinear_shape", h=h, w=w, c=channels),
            f"<b data-testid='pool-out-shape'>{channels} × {channels}</b>",
            self.t("pool_bilinear_numbers", n=channels * channels),
            "<br>" + self.t("pool_bilinear_entry", i=i, j=j, hw=h * w),
            f"<b data-testid='pool-bilinear-entry'>{fmt(float(r.out[i, j]), 4)}</b>",
            "<br>" + self.t("pool_sum_grad", n=fmt(out_sum)),
            f"<b data-testid='pool-grad-sum'>{fmt(grad_sum, 4)}</b>",
            f"<span data-testid='pool-out-sum' style='display:none'>{fmt(out_sum, 4)}</span>",
            "<br>" + self.t("pool_route_bilinear")])
        self.window_table.object = ""

    def _clicked(self, i, j):
        if self.pool == "attention":           # the plot shows scores: there is no output cell to pick
            return
        self.param.update(grad_from="cell", cell_row=i, cell_col=j)

    @param.depends("activation", "act_layer", "act_channel", watch=True)
    def update_activation(self):
        """Plot the activation and its derivative; apply it to the chosen pre-activations."""
        if self._acts is None or self.act_layer not in self._acts:
            return
        with self.guard():
            self.act_buttons.value = self.activation
            x, f, d = activation_curves(self.activation)
            self.curves.set_lines({self.t("pool_f"): (x, f), self.t("pool_fprime"): (x, d)})
            pre, channels = self._fmap(self.act_layer, self.act_channel)
            self.act_channel_slider.end = max(channels - 1, 1)
            self.act_channel_slider.value = min(self.act_channel, channels - 1)
            self.act_layer_select.value = self.act_layer
            self._applied = a = apply_activation(self.activation, pre)
            self.pre_plot.update(a.pre)
            self.post_plot.update(a.post)
            self.deriv_plot.update(a.slope, 0.0, 1.0)
            self._render_activation()

    # -- statistics over the test digits --------------------------------------------------
    def compute_stats(self):
        """Count dead ReLUs and saturated units of the current model over the 1,000 test digits."""
        self._stats["_requested"] = True
        with self.guard():
            net = self.session.get(self.model)
            self._stats[self.model] = unit_statistics(net, load_digits("test")[0])
        self._render_stats()

    def _render_stats(self):
        rows = self._stats.get(self.model)
        if rows is None:
            self.stats_table.object = f"<p data-testid='unit-stats-wait'>{html.escape(self.t('pool_stats_wait'))}</p>"
            return
        table = [(f"{r.layer} · {r.type}", "×".join(map(str, r.shape)), f"{r.dead:,} / {r.units:,}",
                  f"{r.dead_fraction:.1%}", f"{r.dead_channels} / {r.channels}",
                  f"{r.saturated_sigmoid:.1%}", f"{r.saturated_tanh:.1%}") for r in rows]
        headers = [self.t(k) for k in ("pool_st_layer", "pool_st_shape", "pool_st_dead", "pool_st_dead_frac",
                                       "pool_st_dead_ch", "pool_st_sat_sig", "pool_st_sat_tanh")]
        images = rows[0].images if rows else 0
        self.stats_table.object = (
            html_table(headers, table, self.t("pool_stats_caption", n=images), testid="unit-stats")
            + f"<p style='color:#52606D;font-size:14px;max-width:900px'>{html.escape(self.t('pool_stats_note'))}</p>")

    # -- texts -----------------------------------------------------------------------
    def _render_pool(self):
        if self.pool in CHANNEL_POOLS:
            self._render_channel_pool()
            return
        r = self.result
        h, w = self.in_plot.shape
        oh, ow = r.out.shape
        grad_sum, out_sum = float(r.grad_in.sum()), float(r.grad_out.sum())
        k = f"{self.window}×{self.window}" if self.pool != "gap" else f"{h}×{w}"
        s = str(self.stride) if self.pool != "gap" else "—"
        parts = [
            self.t("pool_sum_shape", h=h, w=w, k=k, s=s),
            f"<b data-testid='pool-out-shape'>{oh} × {ow}</b>",
            "<br>" + self.t("pool_sum_grad", n=fmt(out_sum)),
            f"<b data-testid='pool-grad-sum'>{fmt(grad_sum, 4)}</b>",
            f"<span data-testid='pool-out-sum' style='display:none'>{fmt(out_sum, 4)}</span>",
            "<br>" + self.t(f"pool_route_{self.pool}"),
        ]
        self.summary.object = " ".join(parts)
        self.in_plot.set_title(self.t("pool_input_title", c=min(self.channel, self._acts[self.layer].shape[1] - 1)))
        self.out_plot.set_title(self.t("pool_output_title"))
        self.grad_plot.set_title(self.t("pool_grad_title"))
        # The focus window: its values and the share of the cell's gradient each got.
        top, left, kh, kw = r.window
        fmap = self.source_map()
        values = fmap[top:top + kh, left:left + kw]
        if values.size > 64:
            self.window_table.object = f"<p>{html.escape(self.t('pool_window_big', n=values.size))}</p>"
            return
        cells = []
        for a in range(values.shape[0]):
            row = [f"{fmt(values[a, b], 3)} → {fmt(r.shares[a, b], 3)}" for b in range(values.shape[1])]
            cells.append([str(top + a)] + row)
        headers = [self.t("pool_row")] + [str(left + b) for b in range(values.shape[1])]
        extra = ""
        if r.divisor is not None:
            extra = self.t("pool_divisor", d=fmt(r.divisor))
        self.window_table.object = html_table(
            headers, cells, self.t("pool_window_caption", r=top // max(self.stride, 1) if self.pool != "gap" else 0,
                                   c=left // max(self.stride, 1) if self.pool != "gap" else 0),
            testid="pool-window") + (f"<p>{html.escape(extra)}</p>" if extra else "")

    def source_map(self):
        return self._fmap(self.layer, self.channel)[0]

    def _render_activation(self):
        a = self._applied
        if a is None:
            return
        self.act_summary.object = (
            self.t("pool_act_numbers", values=a.values, low=fmt(a.low), high=fmt(a.high),
                   neg=f"{a.negative_fraction:.0%}")
            + f" <b data-testid='act-zero-grad'>{a.flat_fraction:.1%}</b>")
        self.pre_plot.set_title(self.t("pool_pre_title"))
        self.post_plot.set_title(self.t("pool_post_title"))
        self.deriv_plot.set_title(self.t("pool_deriv_title"))

    def relabel(self):
        self.model_select.label = self.t("model")
        self.model_select.options = self.session.options(self.lang)
        self.model_select.value = self.model
        self.layer_select.label = self.t("pool_layer")
        self.channel_slider.label = self.t("pool_channel")
        self.pool_buttons.options = {self.t(f"pool_kind_{k}"): k for k in POOLS}
        self.pool_buttons.value = self.pool
        self.window_slider.label = self.t("pool_window")
        self.stride_slider.label = self.t("pool_stride")
        self.grad_buttons.options = {self.t("pool_grad_all"): "all", self.t("pool_grad_cell"): "cell"}
        self.grad_buttons.value = self.grad_from
        self.row_slider.label = self.t("pool_cell_row")
        self.col_slider.label = self.t("pool_cell_col")
        self.resample_button.label = self.t("pool_resample")
        self.beta_slider.label = self.t("pool_beta")
        self.act_buttons.options = {self.t(f"pool_act_{k}"): k for k in ACTIVATIONS}
        self.act_buttons.value = self.activation
        self.act_layer_select.label = self.t("pool_act_layer")
        self.act_channel_slider.label = self.t("pool_channel")
        self.labels["pool_kind"].object = f"<b>{html.escape(self.t('pool_kind'))}</b>"
        self.labels["grad"].object = f"<b>{html.escape(self.t('pool_grad_from'))}</b>"
        self.labels["act_kind"].object = f"<b>{html.escape(self.t('pool_act_kind'))}</b>"
        self.heading.object = f"<h2 style='margin:4px 0'>{html.escape(self.t('pool_heading'))}</h2>"
        self.act_heading.object = f"<h2 style='margin:4px 0'>{html.escape(self.t('pool_act_heading'))}</h2>"
        self.curves.set_labels(self.t("pool_curve_title"), xlabel="x", ylabel=self.t("pool_curve_y"))
        self.source.relabel(self.t)
        self.explain.object = (f"### {self.t('explain_title')}\n\n{self.t('pool_explain')}\n\n"
                               + "\n\n".join(f"**{self.t(f'pool_kind_{k}')}**\n\n{FORMULAS[k]}" for k in POOLS)
                               + f"\n\n{self.t('pool_explain_size')}\n\n{OUTPUT_SIZE}")
        self.act_explain.object = (f"### {self.t('explain_title')}\n\n{self.t('pool_act_explain')}\n\n"
                                   + "\n\n".join(f"**{self.t(f'pool_act_{k}')}**\n\n{ACT_FORMULAS[k]}"
                                                 for k in ACTIVATIONS)
                                   + f"\n\n{self.t('pool_act_explain_after')}")
        if self.result is not None:
            self._render_pool()
        if self._acts is not None:
            x, f, d = activation_curves(self.activation)
            self.curves.set_lines({self.t("pool_f"): (x, f), self.t("pool_fprime"): (x, d)})
        self._render_activation()
        self._render_stats()

    # -- layout --------------------------------------------------------------------
    def __panel__(self):
        card = theme.card()
        pick = pn.Column(self.model_select, self.source.panel(), **card)
        plots = pn.FlexBox(pn.pane.Bokeh(self.in_plot.figure), pn.pane.Bokeh(self.out_plot.figure),
                           self.extra_pane, pn.pane.Bokeh(self.grad_plot.figure),
                           flex_wrap="wrap")
        controls = pn.Column(
            self.heading, pn.Row(self.layer_select, self.channel_slider),
            self.labels["pool_kind"], self.pool_buttons,
            pn.Row(self.window_slider, self.stride_slider),
            self.labels["grad"], pn.Row(self.grad_buttons, self.row_slider, self.col_slider),
            self.resample_button, self.beta_slider, plots, self.summary, self.window_table, **card)
        explain = pn.Column(self.explain, **card)
        act_plots = pn.Row(pn.pane.Bokeh(self.pre_plot.figure), pn.pane.Bokeh(self.post_plot.figure),
                           pn.pane.Bokeh(self.deriv_plot.figure))
        activations = pn.Column(
            self.act_heading, self.labels["act_kind"], self.act_buttons,
            pn.Row(pn.Column(pn.pane.Bokeh(self.curves.figure), self.act_summary),
                   pn.Column(pn.Row(self.act_layer_select, self.act_channel_slider), act_plots)),
            self.stats_table, **card)
        act_explain = pn.Column(self.act_explain, **card)
        return pn.Column(self._error,
                         pn.FlexBox(pick, controls, explain, flex_wrap="wrap", align_items="flex-start"),
                         pn.FlexBox(activations, act_explain, flex_wrap="wrap", align_items="flex-start"),
                         sizing_mode="stretch_width")

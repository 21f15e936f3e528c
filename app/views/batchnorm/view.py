"""BatchNorm & Dropout lab: what a batch norm layer computes for one batch, and what dropout does.

The layer is the first ``BatchNorm2d`` of a trained network
(:class:`~app.views.batchnorm.experiment.BatchNormExperiment`: the small
ResNet's ``bn1`` when its weights ship, else one put into LeNet-5 after its
first convolution). For the current batch of training digits the lab shows,
all computed by ``cnncore``:

* per channel: the batch mean and variance (``bn.batch_mean``/``batch_var``),
  the running statistics, gamma and beta (editable), and the mean and
  variance of the output;
* one digit's feature map before BN, normalized (``bn.normalized``) and after;
  histograms of the channel before and after BN over the whole batch;
* the running statistics moving as batches are fed (momentum), and the
  train/eval switch: the batch's predictions with batch statistics vs with
  the running statistics, and which ones change;
* ``cnncore.nn.Dropout``'s mask over the feature map (train) vs the identity (eval);
* the order of dropout and BN (Li et al., 2019): the variance BN sees in
  training and at evaluation, measured for both orders.

State in the URL: ``batch_size``, ``digit`` (-1 = mixed batch), ``fed`` (batches
fed so far, replayed on load), ``momentum``, ``mode``, ``channel``, ``gamma``/``beta``
(comma-separated, ``''`` = the starting values), ``p``, ``mask_seed``.

Page hooks for tests: ``data-testid="bn-summary"``, ``"bn-stats"``,
``"bn-preds"``, ``"bn-dropout"``, ``"bn-order"``.
"""
import html

import numpy as np
import panel as pn
import param

from cnncore import functional as F

from app.core import theme
from app.core.theme import ACCENT, TEXT
from app.views.base import View
from app.views.batchnorm import strings  # noqa: F401  (merges this view's strings into app.core.i18n)
from app.views.batchnorm.experiment import BatchNormExperiment
from app.views.batchnorm.plots import MAP_OPTIONS, MASK, BatchMosaic, Histogram, RunningPlot, ShiftBars
from app.widgets.plots import MapPlot

__all__ = ["BatchNormLab", "MAX_FED", "parse_values", "format_values"]

MAX_FED = 200              # batches a link may ask to replay
ORDER_BATCHES = 10         # batches behind each order's variance measurement
ORDER_BATCH_SIZE = 16

BN_FORMULA = (r"$$\mu_B = \frac{1}{n}\sum_i x_i,\quad \sigma_B^2 = \frac{1}{n}\sum_i (x_i-\mu_B)^2$$" "\n\n"
              r"$$\hat x_i = \frac{x_i-\mu_B}{\sqrt{\sigma_B^2+\epsilon}},\quad y_i = \gamma\hat x_i + \beta$$")
RUNNING_FORMULA = (r"$$\hat\mu \leftarrow (1-m)\hat\mu + m\mu_B,\qquad"
                   r"\hat\sigma^2 \leftarrow (1-m)\hat\sigma^2 + m\tfrac{n}{n-1}\sigma_B^2$$")
EVAL_FORMULA = r"$$y = \gamma\frac{x-\hat\mu}{\sqrt{\hat\sigma^2+\epsilon}} + \beta$$"
DROPOUT_FORMULA = (r"$$y = \frac{m x}{1-p},\quad m \sim \mathrm{Bernoulli}(1-p):\quad \mathrm{E}(y) = \mathrm{E}(x)$$" "\n\n"
                   r"$$\mathrm{Var}(y) = \frac{\mathrm{E}(x^2)}{1-p} - \mathrm{E}(x)^2 \gt \mathrm{Var}(x)$$")

_CSS = f"""
.bn-h {{ margin: 2px 0 6px; font-size: 21px; color: {TEXT}; }}
.bn-summary {{ font-size: 18px; font-weight: 600; color: {ACCENT}; font-variant-numeric: tabular-nums; }}
.bn-note {{ font-size: 15px; color: #3E4C59; max-width: 760px; }}
table.bn {{ border-collapse: collapse; font-size: 15px; color: {TEXT}; font-variant-numeric: tabular-nums; }}
table.bn th, table.bn td {{ padding: 3px 9px; border-bottom: 1px solid #D9E2EC; text-align: right; }}
table.bn th {{ background: #F0F4F8; font-weight: 600; }}
table.bn tr.hi td {{ background: #FFF4DC; font-weight: 600; }}
table.bn caption {{ caption-side: bottom; text-align: left; font-size: 14px; color: #52606D; padding-top: 4px; }}
"""


def parse_values(text, count):
    """``"1,0.5,..."`` -> ``(count,)`` float32, or None if it is not ``count`` finite numbers."""
    try:
        values = np.array([float(v) for v in text.split(",")], dtype=np.float32)
    except ValueError:
        return None
    return values if values.size == count and np.all(np.isfinite(values)) else None


def format_values(values):
    return ",".join(f"{float(v):.4g}" for v in values)


def _fmt(value, digits=3):
    value = float(value)
    return "0" if value == 0 else (f"{value:.{digits}g}" if 1e-3 <= abs(value) < 1e5 else f"{value:.2e}")


def _table(headers, rows, caption="", testid="", highlight=None):
    head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in headers)
    body = "".join(f"<tr{' class=hi' if k == highlight else ''}>"
                   + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for k, row in enumerate(rows))
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f"<table class='bn' data-testid='{testid}'>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


class BatchNormLab(View):
    """The BatchNorm & Dropout lab (see the module docstring).

    Outputs (for tests and the page): ``experiment`` (the engine objects),
    ``pick`` (the current :class:`~app.views.batchnorm.experiment.BatchPick`),
    ``features``/``output`` (the current batch before/after BN in the current
    mode), ``preds_train``/``preds_eval``, ``drop_mask``, ``order_results``.
    """

    batch_size = param.Integer(default=16, bounds=(2, 64), doc="Digits in a batch (N).")
    digit = param.Integer(default=-1, bounds=(-1, 9), doc="-1: a mixed batch; 0-9: only that digit.")
    fed = param.Integer(default=0, bounds=(0, MAX_FED), doc="Batches fed in train mode so far.")
    momentum = param.Number(default=0.1, bounds=(0.01, 1.0), doc="Weight of a new batch in the running statistics.")
    mode = param.Selector(default="train", objects=["train", "eval"], doc="Batch norm's mode.")
    channel = param.Integer(default=0, bounds=(0, 15), doc="The channel shown in detail.")
    gamma = param.String(default="", doc="Every channel's gamma, comma-separated ('' = starting values).")
    beta = param.String(default="", doc="Every channel's beta, comma-separated ('' = starting values).")
    p = param.Number(default=0.5, bounds=(0.0, 0.9), doc="Dropout probability.")
    mask_seed = param.Integer(default=0, bounds=(0, None), doc="Which dropout mask.")

    url_params = ("batch_size", "digit", "fed", "momentum", "mode", "channel", "gamma", "beta", "p", "mask_seed")

    def __init__(self, session=None, experiment=None, **params):
        super().__init__(session=session, **params)
        self.experiment = experiment if experiment is not None else BatchNormExperiment()
        c = self.experiment.channels
        self.param.channel.bounds = (0, c - 1)
        self.channel = min(self.channel, c - 1)
        self._gb_problem = ""
        self.order_results = None
        self.pick = self.features = self.output = self.drop_mask = None
        self.preds_train = self.preds_eval = None

        # -- widgets --------------------------------------------------------------
        self.batch_w = pn.widgets.IntSlider.from_param(self.param.batch_size, width=300)
        self.digit_w = pn.widgets.Select(value=self.digit, width=300)
        self.feed_button = pn.widgets.Button(color="primary", width=300, height=42, margin=(8, 10, 2, 10))
        self.reset_button = pn.widgets.Button(color="default", variant="outline", width=300,
                                              margin=(2, 10))
        self.momentum_w = pn.widgets.FloatSlider.from_param(self.param.momentum, step=0.01, width=300)
        self.mode_w = pn.widgets.RadioButtonGroup(value=self.mode, color="primary", variant="outline",
                                                  width=300, margin=(4, 10))
        self.channel_w = pn.widgets.Select(value=self.channel, options=list(range(c)), width=140)
        self.gamma_w = pn.widgets.FloatSlider(start=-3, end=3, step=0.01, width=300)
        self.beta_w = pn.widgets.FloatSlider(start=-3, end=3, step=0.01, width=300)
        self.reset_gb_button = pn.widgets.Button(color="default", variant="outline", width=300,
                                                 margin=(2, 10))
        self.p_w = pn.widgets.FloatSlider.from_param(self.param.p, step=0.05, width=300)
        self.mask_button = pn.widgets.Button(color="default", width=160, margin=(4, 10))
        self.mode_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.digit_label = pn.pane.HTML("", margin=(8, 10, 0, 10))

        # -- plots and texts --------------------------------------------------------
        self.maps = [MapPlot(200, signed=True, **MAP_OPTIONS) for _ in range(3)]
        self.hist_before = Histogram(colour="#56B4E9")
        self.hist_after = Histogram(colour=ACCENT)
        self.running = RunningPlot()
        self.mosaic = BatchMosaic()
        self.drop_maps = [MapPlot(200, signed=True, **MAP_OPTIONS), MapPlot(200, palette=MASK, **MAP_OPTIONS),
                          MapPlot(200, signed=True, **MAP_OPTIONS)]
        self.shift_bars = ShiftBars()
        html_pane = dict(stylesheets=[_CSS], sizing_mode="stretch_width", margin=(0, 10))
        self.title = pn.pane.HTML("", **html_pane)
        self.host_note = pn.pane.HTML("", **html_pane)
        self.summary = pn.pane.HTML("", **html_pane)
        self.stats = pn.pane.HTML("", **html_pane)
        self.headings = {k: pn.pane.HTML("", **html_pane) for k in ("batch", "maps", "hist", "running", "preds",
                                                                    "dropout", "order")}
        self.running_caption = pn.pane.HTML("", **html_pane)
        self.preds_text = pn.pane.HTML("", **html_pane)
        self.drop_text = pn.pane.HTML("", **html_pane)
        self.order_table = pn.pane.HTML("", **html_pane)
        self.order_text = pn.pane.HTML("", **html_pane)
        self.explanation = pn.pane.Markdown("", width=640)

        # -- wiring -------------------------------------------------------------------
        self.bind(self.digit_w, "digit")
        self.bind(self.mode_w, "mode")
        self.bind(self.channel_w, "channel")
        self.gamma_w.param.watch(lambda e: self._slider_gb(), "value_throttled")
        self.beta_w.param.watch(lambda e: self._slider_gb(), "value_throttled")
        self.on_clicks((self.feed_button, self.feed), (self.reset_button, self.reset_running),
                       (self.reset_gb_button, self.reset_gamma_beta),
                       (self.mask_button, lambda: self.set_by_student("mask_seed", self.mask_seed + 1)))

        with self.guard():
            self._apply_gamma_beta()
            self._replay()
        self.relabel()
        self.recompute()
        self.recompute_order()

    # -- actions -------------------------------------------------------------------------
    def feed(self):
        """Feed the current batch in train mode: the running statistics move; the next batch is drawn."""
        if self.fed >= MAX_FED:
            self.show_error(ValueError(f"at most {MAX_FED} batches can be fed; reset the running statistics"))
            return
        self.fed += 1

    def reset_running(self):
        self.fed = 0

    def reset_gamma_beta(self):
        self.param.update(gamma="", beta="")

    def _slider_gb(self):
        if self._updating:
            return
        gamma, beta = self.experiment.bn.weight.data.copy(), self.experiment.bn.bias.data.copy()
        gamma[self.channel], beta[self.channel] = self.gamma_w.value, self.beta_w.value
        self.param.update(gamma=format_values(gamma), beta=format_values(beta))

    # -- state -> engine ---------------------------------------------------------------------
    def _apply_gamma_beta(self):
        e = self.experiment
        gamma = parse_values(self.gamma, e.channels) if self.gamma else e.base_gamma
        beta = parse_values(self.beta, e.channels) if self.beta else e.base_beta
        self._gb_problem = ""
        if gamma is None or beta is None:
            gamma, beta = e.base_gamma, e.base_beta
            self._gb_problem = f"gamma and beta need {e.channels} numbers each; the starting values are used"
        e.set_gamma_beta(gamma, beta)

    def _batch_for(self, number):
        return self.experiment.batch(number, self.batch_size, None if self.digit < 0 else self.digit)

    def _replay(self):
        """Bring the running statistics to ``fed`` batches (feeding more, or starting over)."""
        e = self.experiment
        if self.fed < e.fed:
            e.reset_running()
        while e.fed < self.fed:
            e.feed(self._batch_for(e.fed).images, self.momentum)

    @param.depends("fed", watch=True)
    def _on_fed(self):
        with self.guard():
            self._replay()
            self.recompute()

    @param.depends("gamma", "beta", watch=True)
    def _on_gamma_beta(self):
        with self.guard():
            self._apply_gamma_beta()
            self.recompute()

    @param.depends("batch_size", "digit", "mode", "channel", "mask_seed", watch=True)
    def _on_view(self):
        self.recompute()

    @param.depends("p", watch=True)
    def _on_p(self):
        self.recompute()
        self.recompute_order()

    # -- computing ------------------------------------------------------------------------------
    def recompute(self):
        """The current batch through the layer (current mode), predictions in both modes, dropout."""
        with self.guard():
            e, c = self.experiment, self.channel
            self.pick = self._batch_for(self.fed)
            training = self.mode == "train"
            self.preds_train = e.predict(self.pick.images, True)
            self.preds_eval = e.predict(self.pick.images, False)
            self.features, self.output = e.normalize(self.pick.images, training)   # (N, C, 28, 28) each
            self.batch_mean, self.batch_var = e.bn.batch_mean.copy(), e.bn.batch_var.copy()
            self.normalized = e.bn.normalized
            dropped, self.drop_mask = e.dropout(F.relu(self.output), self.p, self.mask_seed, training)
            self.drop_input, self.drop_output = F.relu(self.output), dropped
            self._sync_widgets()
            self._render(c)
        self._show_problem()

    def _show_problem(self):
        if self._gb_problem:            # shown after the guard, which hides old messages on success
            self.show_error(ValueError(self._gb_problem))

    def recompute_order(self):
        with self.guard():
            self.order_results = self.experiment.order_experiment(self.p, ORDER_BATCHES, ORDER_BATCH_SIZE)
            self._render_order()
        self._show_problem()

    # -- showing ----------------------------------------------------------------------------------
    def _sync_widgets(self):
        with self.quietly():
            bn = self.experiment.bn
            self.gamma_w.value = float(bn.weight.data[self.channel])
            self.beta_w.value = float(bn.bias.data[self.channel])
            self.digit_w.value = self.digit
            self.mode_w.value = self.mode
            self.channel_w.value = self.channel

    def _render(self, c):
        e, bn = self.experiment, self.experiment.bn
        mode = self.t(f"batchnorm_lab_{self.mode}")
        self.summary.object = (f"<div class='bn-summary' data-testid='bn-summary' aria-live='polite'>"
                               f"{html.escape(self.t('batchnorm_lab_summary', number=self.pick.number, n=len(self.pick.labels), fed=self.fed, mode=mode))}"
                               f" · μ_B[{c}] = <span data-testid='bn-mean'>{_fmt(self.batch_mean[c], 4)}</span>"
                               f" · σ²_B[{c}] = <span data-testid='bn-var'>{_fmt(self.batch_var[c], 4)}</span></div>")
        after_mean = self.output.mean(axis=(0, 2, 3))
        after_var = self.output.var(axis=(0, 2, 3))
        rows = [[k, _fmt(self.batch_mean[k]), _fmt(self.batch_var[k]), _fmt(bn.running_mean[k]),
                 _fmt(bn.running_var[k]), _fmt(bn.weight.data[k]), _fmt(bn.bias.data[k]), _fmt(after_mean[k]),
                 _fmt(after_var[k])] for k in range(e.channels)]
        which = self.t("batchnorm_lab_which_batch" if self.mode == "train" else "batchnorm_lab_which_running")
        headers = [self.t(f"batchnorm_lab_col_{k}") for k in ("channel", "bmean", "bvar", "rmean", "rvar")] + \
            ["γ", "β", self.t("batchnorm_lab_col_amean"), self.t("batchnorm_lab_col_avar")]
        self.stats.object = _table(headers, rows, self.t("batchnorm_lab_stats_caption", mode=mode, which=which),
                                   "bn-stats", highlight=c)
        # one digit's maps, same colour range before and after
        x, xhat, y = self.features[0, c], self.normalized[0, c], self.output[0, c]
        for plot, values in zip(self.maps, (x, xhat, y)):
            plot.update(values)
        self.hist_before.update(self.features[:, c])
        self.hist_after.update(self.output[:, c])
        start = (0.0, 1.0)
        self.running.update([(h[0][c], h[1][c], h[2][c], h[3][c]) for h in e.history], start)
        self.running_caption.object = (
            f"<div class='bn-note' data-testid='bn-running'>{html.escape(self.t('batchnorm_lab_running_caption', fed=self.fed, rm=_fmt(bn.running_mean[c]), rv=_fmt(bn.running_var[c]), m=_fmt(self.momentum)))}</div>")
        first, second = ((self.preds_train, self.preds_eval) if self.mode == "train"
                         else (self.preds_eval, self.preds_train))
        self.mosaic.update(self.pick.images[:, 0], first, second)                  # (N, 1, 28, 28) -> (N, 28, 28)
        labels = self.pick.labels
        changed = int(np.sum(self.preds_train != self.preds_eval))
        self.preds_text.object = (
            f"<div class='bn-note' data-testid='bn-preds' data-changed='{changed}'>"
            f"{html.escape(self.t('batchnorm_lab_preds_text', acc_train=f'{np.mean(self.preds_train == labels):.0%}', acc_eval=f'{np.mean(self.preds_eval == labels):.0%}', changed=changed, n=len(labels)))}"
            f"<br>{html.escape(self.t('batchnorm_lab_preds_note'))}</div>")
        self._render_dropout(c)

    def _render_dropout(self, c):
        xin, xout = self.drop_input[0, c], self.drop_output[0, c]
        high = max(float(np.max(np.abs(xout))), float(np.max(np.abs(xin))), 1e-12)
        self.drop_maps[0].update(xin, -high, high)
        self.drop_maps[2].update(xout, -high, high)
        mask = self.drop_mask
        self.drop_maps[1].update(np.ones_like(xin) if mask is None else mask[0, c].astype(np.float64))
        if mask is None:
            text = self.t("batchnorm_lab_drop_eval")
            kept = ""
        else:
            kept = float(np.mean(mask))
            scale = "∞" if self.p >= 1 else _fmt(1 / (1 - self.p))
            text = self.t("batchnorm_lab_drop_train", kept=f"{kept:.1%}", expected=f"{1 - self.p:.0%}", scale=scale,
                          mean_in=_fmt(np.mean(self.drop_input)), mean_out=_fmt(np.mean(self.drop_output)))
        self.drop_text.object = (f"<div class='bn-note' data-testid='bn-dropout' data-kept='{kept}'>"
                                 f"{html.escape(text)}</div>")

    def _render_order(self):
        if not self.order_results:
            return
        a, b = self.order_results["dropout_bn"], self.order_results["bn_dropout"]
        names = {"dropout_bn": self.t("batchnorm_lab_dropout_bn"), "bn_dropout": self.t("batchnorm_lab_bn_dropout")}
        seen, after = self.t("batchnorm_lab_seen"), self.t("batchnorm_lab_after")
        self.shift_bars.update([(names[r.order], q, tr, ev) for r in (a, b)
                                for q, tr, ev in ((seen, r.seen_train, r.seen_eval),
                                                  (after, r.after_train, r.after_eval))],
                               {"train": self.t("batchnorm_lab_train"), "eval": self.t("batchnorm_lab_eval")})
        headers = [self.t(f"batchnorm_lab_col_{k}") for k in ("order", "seen_train", "seen_eval", "running",
                                                                "after_eval", "shift")]
        rows = [[names[r.order], _fmt(r.seen_train), _fmt(r.seen_eval), _fmt(r.running), _fmt(r.after_eval),
                 _fmt(r.shift)] for r in (a, b)]
        caption = self.t("batchnorm_lab_order_caption", p=_fmt(self.p), batches=ORDER_BATCHES)
        self.order_table.object = _table(headers, rows, caption, "bn-order")
        self.order_text.object = "<div class='bn-note'>" + html.escape(self.t(
            "batchnorm_lab_order_text", seen_train=_fmt(a.seen_train), seen_eval=_fmt(a.seen_eval),
            after_eval=_fmt(a.after_eval), after_eval_b=_fmt(b.after_eval))) + "</div>"

    def relabel(self):
        t = self.t
        c = self.channel
        h = lambda key, **f: f"<h3 class='bn-h'>{html.escape(t(key, **f))}</h3>"  # noqa: E731
        self.title.object = f"<h2 class='bn-h'>{html.escape(t('batchnorm_lab_title'))}</h2>"
        self.host_note.object = (f"<div class='bn-note'>"
                                 f"{html.escape(t('batchnorm_lab_host_' + self.experiment.host, c=self.experiment.channels))}</div>")
        self.headings["batch"].object = h("batchnorm_lab_batch")
        self.headings["maps"].object = h("batchnorm_lab_maps", c=c)
        self.headings["hist"].object = h("batchnorm_lab_hist", c=c)
        self.headings["running"].object = h("batchnorm_lab_stats")
        self.headings["preds"].object = h("batchnorm_lab_preds")
        self.headings["dropout"].object = h("batchnorm_lab_dropout")
        self.headings["order"].object = h("batchnorm_lab_order")
        self.batch_w.label = t("batchnorm_lab_batch_size")
        self.digit_label.object = f"<b>{html.escape(t('batchnorm_lab_composition'))}</b>"
        with self.quietly():
            self.digit_w.options = {t("batchnorm_lab_mixed"): -1,
                                    **{t("batchnorm_lab_only", d=d): d for d in range(10)}}
            self.digit_w.value = self.digit
            self.mode_w.options = {t("batchnorm_lab_train"): "train", t("batchnorm_lab_eval"): "eval"}
            self.mode_w.value = self.mode
        self.feed_button.label = t("batchnorm_lab_feed")
        self.reset_button.label = t("batchnorm_lab_reset")
        self.momentum_w.label = t("batchnorm_lab_momentum")
        self.mode_label.object = f"<b>{html.escape(t('batchnorm_lab_mode'))}</b>"
        self.channel_w.label = t("batchnorm_lab_channel")
        self.gamma_w.label = t("batchnorm_lab_gamma")
        self.beta_w.label = t("batchnorm_lab_beta")
        self.reset_gb_button.label = t("batchnorm_lab_reset_gb")
        self.p_w.label = t("batchnorm_lab_p")
        self.mask_button.label = t("batchnorm_lab_new_mask")
        for plot, key in zip(self.maps, ("map_x", "map_xhat", "map_y")):
            plot.set_title(t(f"batchnorm_lab_{key}"))
        for plot, key in zip(self.drop_maps, ("drop_in", "drop_mask", "drop_out")):
            plot.set_title(t(f"batchnorm_lab_{key}"))
        mode = t(f"batchnorm_lab_{self.mode}")
        self.hist_before.set_labels(t("batchnorm_lab_hist_before"), xlabel=t("batchnorm_lab_value"),
                                    ylabel=t("batchnorm_lab_count"))
        self.hist_after.set_labels(t("batchnorm_lab_hist_after", mode=mode), xlabel=t("batchnorm_lab_value"),
                                   ylabel=t("batchnorm_lab_count"))
        self.running.set_labels(t("batchnorm_lab_running", c=c), t("batchnorm_lab_running_names").split("|"),
                                xlabel=t("batchnorm_lab_fed_axis"))
        self.shift_bars.set_title(t("batchnorm_lab_seen") + " / " + t("batchnorm_lab_after"))
        self.explanation.object = "\n\n".join([
            f"### {t('explain_title')}", t("batchnorm_lab_explain"), BN_FORMULA, t("batchnorm_lab_explain_running"),
            RUNNING_FORMULA, t("batchnorm_lab_explain_eval"), EVAL_FORMULA, t("batchnorm_lab_explain_dropout"),
            DROPOUT_FORMULA])
        if self.pick is not None:
            self._render(c)
        self._render_order()

    @param.depends("mode", "channel", watch=True)
    def _relabel_titles(self):
        self._relabel()

    # -- layout ---------------------------------------------------------------------------------------
    def __panel__(self):
        card = theme.card()
        controls = pn.Column(
            self.headings["batch"], self.batch_w, self.digit_label, self.digit_w, self.feed_button,
            self.reset_button, self.momentum_w, self.mode_label, self.mode_w, self.channel_w, self.gamma_w,
            self.beta_w, self.reset_gb_button, width=340, **card)
        stats = pn.Column(self.title, self.host_note, self.summary, self.headings["running"], self.stats,
                          self.headings["maps"], pn.Row(*[pn.pane.Bokeh(m.figure) for m in self.maps]),
                          self.headings["hist"],
                          pn.Row(pn.pane.Bokeh(self.hist_before.figure), pn.pane.Bokeh(self.hist_after.figure)),
                          width=960, **card)
        running = pn.Column(pn.pane.Bokeh(self.running.figure), self.running_caption, width=560, **card)
        preds = pn.Column(self.headings["preds"], pn.pane.Bokeh(self.mosaic.figure), self.preds_text, width=480,
                          **card)
        dropout = pn.Column(self.headings["dropout"], pn.Row(self.p_w, self.mask_button),
                            pn.Row(*[pn.pane.Bokeh(m.figure) for m in self.drop_maps]), self.drop_text, **card)
        order = pn.Column(self.headings["order"], pn.pane.Bokeh(self.shift_bars.figure), self.order_table,
                          self.order_text, width=640, **card)
        explain = pn.Column(self.explanation, **card)
        flex = theme.FLEX
        return pn.Column(self._error, pn.FlexBox(controls, stats, **flex),
                         pn.FlexBox(running, preds, explain, **flex), pn.FlexBox(dropout, order, **flex),
                         sizing_mode="stretch_width")

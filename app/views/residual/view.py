"""Residual learning lab: train a plain net and a ResNet of the same depth side by side.

``cnncore.models.plain_net(depth, width)`` and ``resnet_small(depth, width)``
(the same layers; the ResNet adds shortcuts) are trained together by a
:class:`~app.views.residual.race.ResidualRace` (two
``cnncore.train.Trainer``), driven by a periodic callback: each ``tick()``
works for about 80 ms and returns, so the page stays responsive (no
threads). The lab shows:

* both loss curves (streamed);
* per-layer gradient norms (the step events' ``grad_norms``) as heatmaps
  over layers x steps and as a profile over the layers: the plain net's
  early layers get much smaller gradients (vanishing gradient), the
  ResNet's do not;
* the gradient split at every ResNet block after the last step
  (``BasicBlock.grad_main`` / ``grad_shortcut``);
* diagrams of the basic block (identity / projection shortcut) and of the
  bottleneck, with shapes and parameter counts from the engine.

State in the URL: ``depth`` (6n + 2; anything else shows the engine's message),
``width``, ``steps``, ``lr``, ``batch_size``, ``size``, ``subset``.
Page hooks for tests: ``data-testid="resid-status"`` (with ``data-steps``),
``"resid-latest"``, ``"resid-split"``, ``"resid-depth-problem"``.
"""
import html
import math
import time

import numpy as np
import panel as pn
import param
from bokeh.models import LinearColorMapper

from cnncore import nn
from cnncore.inspect import summary
from cnncore.nn.init import meta

from app.core import theme
from app.core.theme import ACCENT, ACTIVATION, HIGHLIGHT, TEXT
from app.views.base import View
from app.views.residual import strings  # noqa: F401  (merges this view's strings into app.core.i18n)
from app.views.residual.diagram import block_figures, block_svg
from app.views.residual.plots import GradHeatmap, LayerProfile, LossRace, SplitBars
from app.views.residual.race import MODELS, ResidualRace, check_depth, training_digits

__all__ = ["ResidualLab", "DEPTH_CHOICES"]

DEPTH_CHOICES = (8, 14, 20, 32)
PERIOD_MS = 50
BUDGET_SECONDS = 0.08
PLOT_EVERY_SECONDS = 0.4
RECENT = 10

RESIDUAL_FORMULA = r"$$y = \operatorname{ReLU}\big(F(x) + x\big)$$"

# The two paths, numbered (1) through F and (2) the shortcut. (\underset, not "}_{": Markdown would read
# the underscores as italics; numbers, not words: MathJax cannot lay out Chinese text under a brace.)
GRADIENT_FORMULA = (r"$$\frac{\partial L}{\partial x} = \underset{(1)}{\underbrace{\frac{\partial L}{\partial y}"
                    r"\frac{\partial F}{\partial x}}} + \underset{(2)}{\underbrace{\frac{\partial L}{\partial y}}}$$")
PLAIN_FORMULA = (r"$$\frac{\partial L}{\partial x_0} = \frac{\partial L}{\partial x_D}\prod_{l=1}^{D}"
                 r"\frac{\partial x_l}{\partial x_{l-1}}$$")

_CSS = f"""
.rs-h {{ margin: 2px 0 6px; font-size: 21px; color: {TEXT}; }}
.rs-status {{ font-size: 18px; font-weight: 700; color: {ACCENT}; font-variant-numeric: tabular-nums; }}
.rs-note {{ font-size: 15px; color: #3E4C59; max-width: 900px; }}
.rs-problem {{ background: #FFF4DC; border-left: 6px solid {HIGHLIGHT}; border-radius: 8px; padding: 8px 12px;
  font-size: 16px; color: {TEXT}; }}
.rs-figs {{ display: flex; flex-wrap: wrap; gap: 12px; }}
"""


def gradient_verdict(plain, resnet, tolerance=0.1):
    """Which net's gradient fades more, from the two first/last-layer ratios shown.

    ``"plain"`` or ``"resnet"`` (the one with the smaller ratio), ``"same"`` within ``tolerance``
    (relative), ``""`` if a ratio is not a number yet.
    """
    if not (math.isfinite(plain) and math.isfinite(resnet)) or max(plain, resnet) <= 0:
        return ""
    if abs(plain - resnet) <= tolerance * max(plain, resnet):
        return "same"
    return "plain" if plain < resnet else "resnet"


class ResidualLab(View):
    """The residual learning lab (see the module docstring).

    Outputs: ``status`` (``idle``/``running``/``paused``/``finished``/``error``),
    ``steps_done``, ``depth_problem`` (the engine's message, ``""`` if the depth builds),
    ``race`` (the :class:`~app.views.residual.race.ResidualRace`, None before a run).
    """

    depth = param.Integer(default=20, bounds=(1, 110), doc="Layers with weights: 6n + 2.")
    width = param.Selector(default=8, objects=[4, 8, 16], doc="Channels of the first stage.")
    steps = param.Selector(default=200, objects=[20, 50, 100, 200, 300, 500], doc="Steps of each network.")
    lr = param.Selector(default=0.05, objects=[0.01, 0.02, 0.05, 0.1, 0.2], doc="SGD learning rate.")
    batch_size = param.Selector(default=16, objects=[8, 16, 32], doc="Digits per step.")
    size = param.Selector(default=14, objects=[14, 28], doc="Image side (14: digits shrunk, 4x faster).")
    subset = param.Selector(default=1000, objects=[500, 1000, 2000], doc="Training digits used.")

    status = param.Selector(default="idle", objects=["idle", "running", "paused", "finished", "error"])
    steps_done = param.Integer(default=0)
    depth_problem = param.String(default="")

    url_params = ("depth", "width", "steps", "lr", "batch_size", "size", "subset")

    def __init__(self, session=None, seed=0, **params):
        super().__init__(session=session, **params)
        self.seed = seed
        self.race = None
        self._sent = 0                 # steps already streamed to the plots
        self._last_flush = 0.0
        self._data_key = self._data = None

        # -- widgets --------------------------------------------------------------------------
        self.depth_w = pn.widgets.IntInput.from_param(self.param.depth, width=150)
        self.depth_buttons = pn.widgets.RadioButtonGroup(options=[str(d) for d in DEPTH_CHOICES], color="light",
                                                         variant="outline", width=300, margin=(4, 10))
        self.width_w = pn.widgets.RadioButtonGroup.from_param(self.param.width, color="light",
                                                              variant="outline", width=300)
        self.steps_w = pn.widgets.Select.from_param(self.param.steps, width=140)
        self.lr_w = pn.widgets.Select.from_param(self.param.lr, width=140)
        self.batch_w = pn.widgets.Select.from_param(self.param.batch_size, width=140)
        self.size_w = pn.widgets.Select.from_param(self.param.size, width=140)
        self.subset_w = pn.widgets.Select.from_param(self.param.subset, width=140)
        self.start_button = pn.widgets.Button(color="primary", width=150, height=44, margin=(8, 4, 4, 10))
        self.pause_button = pn.widgets.Button(color="warning", width=120, height=44, margin=(8, 4))
        self.step_button = pn.widgets.Button(color="default", width=100, height=44, margin=(8, 4))
        self.reset_button = pn.widgets.Button(color="default", variant="outline", width=100, height=44,
                                              margin=(8, 4))
        self.width_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.depth_label = pn.pane.HTML("", margin=(8, 10, 0, 10))

        # -- plots and texts ----------------------------------------------------------------------
        self.loss = LossRace(width=450)
        mapper = LinearColorMapper(palette=ACTIVATION, low=-4, high=0, nan_color="#FFFFFF")
        self.heat = {"plain": GradHeatmap(mapper=mapper), "resnet": GradHeatmap(mapper=mapper)}
        self.profile = LayerProfile(width=450)
        self.split = SplitBars()
        pane = dict(stylesheets=[_CSS], sizing_mode="stretch_width", margin=(0, 10))
        self.title = pn.pane.HTML("", **pane)
        self.intro = pn.pane.HTML("", **pane)
        self.status_pane = pn.pane.HTML("", **pane)
        self.problem_pane = pn.pane.HTML("", visible=False, **pane)
        self.latest = pn.pane.HTML("", **pane)
        self.profile_caption = pn.pane.HTML("", **pane)
        self.split_caption = pn.pane.HTML("", **pane)
        self.headings = {k: pn.pane.HTML("", **pane) for k in ("settings", "blocks", "split")}
        self.diagrams = pn.pane.HTML("", **pane)
        self.blocks_text = pn.pane.HTML("", **pane)
        self.explanation = pn.pane.Markdown("", width=430)

        # -- wiring ---------------------------------------------------------------------------------
        self.depth_buttons.param.watch(self._depth_button, "value")
        self.on_clicks((self.start_button, self.start), (self.pause_button, self.pause),
                       (self.step_button, self.step_once), (self.reset_button, self.reset))

        self._check_depth()
        self._reset_plots()
        self.relabel()

    # -- settings ----------------------------------------------------------------------------------
    def _depth_button(self, event):
        if event.new is not None and int(event.new) != self.depth:
            self.depth = int(event.new)

    @param.depends("depth", watch=True)
    def _check_depth(self):
        message = check_depth(self.depth)
        self.depth_problem = message or ""
        self.depth_buttons.value = str(self.depth) if self.depth in DEPTH_CHOICES else None
        self.problem_pane.object = "" if not message else (
            f"<div class='rs-problem' data-testid='resid-depth-problem' role='alert'>"
            f"{html.escape(self.t('residual_lab_bad_depth', depth=self.depth, message=message))}</div>")
        self.problem_pane.visible = bool(message)
        self.start_button.disabled = self.step_button.disabled = bool(message)
        self._render_intro()

    @param.depends("depth", "width", "steps", "lr", "batch_size", "size", "subset", watch=True)
    def _on_settings(self):
        """A new setting means a new race (the old one is dropped)."""
        if self.race is not None:
            self.reset()

    # -- running -------------------------------------------------------------------------------------
    def _training_data(self):
        key = (self.subset, self.size)
        if self._data_key != key:
            self._data, self._data_key = training_digits(self.subset, self.size), key
        return self._data

    def _new_race(self):
        if self.depth_problem:
            raise ValueError(self.depth_problem)
        self.race = ResidualRace(self.depth, self.width, self._training_data(), steps=self.steps, lr=self.lr,
                                 batch_size=self.batch_size, seed=self.seed)
        self._reset_plots()

    def start(self):
        """Start (or resume) training both networks; the periodic callback drives it."""
        with self.guard():
            if self.race is None or self.race.over:
                self._new_race()
            self.status = "running"
            self._start_loop()

    def pause(self):
        self.stop_loop(self.tick)
        if self.status == "running":
            self.status = "paused"
            with self.guard():
                self._flush(force=True)       # the page shows exactly where it stopped

    def step_once(self):
        """Exactly one optimizer step of each network."""
        with self.guard():
            self.stop_loop(self.tick)
            if self.race is None or self.race.over:
                self._new_race()
            self.race.step()
            self.status = "finished" if self.race.over else "paused"
            self._flush(force=True)

    def reset(self):
        self.stop_loop(self.tick)
        self.race = None
        self.status = "idle"
        self.steps_done = 0
        self._reset_plots()

    def tick(self, budget=BUDGET_SECONDS):
        """One chunk of work (the periodic callback): about ``budget`` seconds, then plots if due."""
        if self.status != "running" or self.race is None:
            return
        with self.guard():
            self.race.advance(budget)
            if self.race.over:
                self.status = "finished"
                self.stop_loop(self.tick)
            self._flush(force=self.race.over)
            return
        self.stop_loop(self.tick)
        self.status = "error"

    def _start_loop(self):
        if pn.state.curdoc is not None:       # (without a server, as in tests, call tick() yourself)
            self.start_loop(self.tick, PERIOD_MS)

    # -- plots ------------------------------------------------------------------------------------------
    def _reset_plots(self):
        self._sent = 0
        self.loss.reset(self.steps)
        for key in MODELS:
            layers = self.race.records[key].layers if self.race is not None else [None] * max(self.depth, 1)
            self.heat[key].reset(layers, self.steps)
        self.profile.update([], [])
        self.split.update({})
        self.latest.object = ""
        self.profile_caption.object = self.split_caption.object = ""
        self._render_status()

    def _flush(self, force=False):
        """Stream the new steps to the plots (at most every PLOT_EVERY_SECONDS unless forced)."""
        now = time.perf_counter()
        if not force and now - self._last_flush < PLOT_EVERY_SECONDS:
            self._render_status()
            return
        self._last_flush = now
        race = self.race
        done = race.steps_done
        plain, res = race.records["plain"], race.records["resnet"]
        new = range(self._sent, done)
        if done > self._sent:
            self.loss.stream([plain.steps[i] for i in new], [plain.loss[i] for i in new], [res.loss[i] for i in new])
            for key in MODELS:
                record = race.records[key]
                self.heat[key].stream([record.steps[i] for i in new], [record.grad_norms[i] for i in new],
                                      record.layers)
            self._sent = done
            self._rescale_heat()
        profile = {key: race.layer_profile(key, RECENT) for key in MODELS}
        self.profile.update(profile["plain"], profile["resnet"])
        self.split.update(res.split)
        self.steps_done = done
        self._render_numbers(profile)
        self._render_status()

    def _rescale_heat(self):
        values = np.concatenate([np.asarray(h.source.data["value"], dtype=np.float64) for h in self.heat.values()])
        values = values[np.isfinite(values)]
        if values.size:
            low, high = np.floor(values.min()), np.ceil(values.max())
            self.heat["plain"].mapper.update(low=float(low), high=float(max(high, low + 1)))

    # -- texts --------------------------------------------------------------------------------------------
    def _render_status(self):
        state = self.t(f"residual_lab_state_{self.status}")
        done = self.race.steps_done if self.race is not None else 0
        self.status_pane.object = (f"<div class='rs-status' data-testid='resid-status' data-steps='{done}' "
                                   f"aria-live='polite'>"
                                   f"{html.escape(self.t('residual_lab_status', step=done, total=self.steps, state=state))}"
                                   f"</div>")
        self.start_button.label = self.t("residual_lab_resume" if self.status == "paused" else "residual_lab_start")

    def _render_numbers(self, profile):
        race, t = self.race, self.t
        plain, res = race.records["plain"], race.records["resnet"]
        mean = lambda v: f"{np.mean(v[-RECENT:]):.3f}" if v else "—"  # noqa: E731
        text = t("residual_lab_latest", k=RECENT, plain=mean(plain.loss), resnet=mean(res.loss))
        for key, record in race.records.items():
            if record.diverged:
                text += " " + t("residual_lab_diverged", name=t(f"residual_lab_{key}"), reason=record.diverged)
        self.latest.object = (f"<div class='rs-note' data-testid='resid-latest' data-plain='{mean(plain.loss)}' "
                              f"data-resnet='{mean(res.loss)}'>{html.escape(text)}</div>")
        ratio = {k: (p[0] / p[-1] if len(p) and p[-1] > 0 and math.isfinite(p[0]) else float("nan"))
                 for k, p in profile.items()}
        shown = {k: float(f"{v:.3g}") for k, v in ratio.items()}      # the verdict reads the numbers it shows
        verdict = gradient_verdict(shown["plain"], shown["resnet"])
        text = t("residual_lab_profile_caption", plain=f"{ratio['plain']:.3g}", resnet=f"{ratio['resnet']:.3g}")
        if verdict:
            text += " " + t(f"residual_lab_verdict_{verdict}")
        self.profile_caption.object = (f"<div class='rs-note' data-testid='resid-profile' data-verdict='{verdict}' "
                                       f"data-plain='{shown['plain']}' data-resnet='{shown['resnet']}'>"
                                       + html.escape(text) + "</div>")
        if res.split:
            first = next(iter(res.split.values()))
            self.split_caption.object = (
                f"<div class='rs-note' data-testid='resid-split' data-main='{first[0]:.6g}' "
                f"data-shortcut='{first[1]:.6g}'>" + html.escape(t(
                    "residual_lab_split_caption", main=f"{first[0]:.3g}", short=f"{first[1]:.3g}")) + "</div>")

    def _render_intro(self):
        n = max((self.depth - 2) // 6, 0)
        w = self.width
        self.intro.object = "<div class='rs-note'>" + html.escape(self.t(
            "residual_lab_intro", depth=self.depth, n=n, w=w, w2=2 * w, w4=4 * w)) + " " + html.escape(
            self.t("residual_lab_speed_note")) + "</div>"

    @param.depends("width", "size", watch=True)
    def _render_diagrams(self):
        t = self.t
        figs = block_figures(self.width, self.size)
        svgs = []
        for fig in figs:
            label = t("residual_lab_dashed" if fig.shortcut else "residual_lab_solid")
            svgs.append(block_svg(fig, t(f"residual_lab_fig_{fig.key}"), label,
                                  t("residual_lab_params", n=f"{fig.params:,}")))
        self.diagrams.object = f"<div class='rs-figs' data-testid='resid-diagrams'>{''.join(svgs)}</div>"
        with meta():
            basic256 = summary(nn.BasicBlock(256, 256), (1, 256, 56, 56)).params
        self.blocks_text.object = "<div class='rs-note'>" + html.escape(t(
            "residual_lab_blocks_text", bottleneck=f"{figs[2].params:,}", basic=f"{basic256:,}")) + "</div>"

    def relabel(self):
        t = self.t
        h = lambda key, **f: f"<h3 class='rs-h'>{html.escape(t(key, **f))}</h3>"  # noqa: E731
        self.title.object = f"<h2 class='rs-h'>{html.escape(t('residual_lab_title'))}</h2>"
        self.headings["settings"].object = h("residual_lab_settings")
        self.headings["blocks"].object = h("residual_lab_blocks")
        self.headings["split"].object = h("residual_lab_split")
        self.depth_label.object = f"<b>{html.escape(t('residual_lab_depth'))}</b>"
        self.depth_w.label = t("residual_lab_depth_typed")
        self.width_label.object = f"<b>{html.escape(t('residual_lab_width'))}</b>"
        self.steps_w.label = t("residual_lab_steps")
        self.lr_w.label = t("residual_lab_lr")
        self.batch_w.label = t("residual_lab_batch")
        self.size_w.label = t("residual_lab_size")
        self.subset_w.label = t("residual_lab_subset")
        self.pause_button.label = t("residual_lab_pause")
        self.step_button.label = t("residual_lab_step")
        self.reset_button.label = t("residual_lab_reset")
        names = [t("residual_lab_plain"), t("residual_lab_resnet")]
        self.loss.set_labels(t("residual_lab_loss"), names, t("residual_lab_step_axis"), t("residual_lab_loss_axis"))
        for key, name in zip(MODELS, names):
            self.heat[key].set_labels(t("residual_lab_heat_title", name=name), xlabel=t("residual_lab_step_axis"),
                                      ylabel=t("residual_lab_layer_axis"))
        self.profile.set_labels(t("residual_lab_profile"), names, t("residual_lab_layer_axis"),
                                t("residual_lab_norm_axis"))
        self.split.set_labels(t("residual_lab_split"), [t("residual_lab_split_main"), t("residual_lab_split_short")],
                              ylabel=t("residual_lab_split_axis"))
        self.explanation.object = "\n\n".join([
            f"### {t('explain_title')}", t("residual_lab_explain"), RESIDUAL_FORMULA, t("residual_lab_explain_grad"),
            GRADIENT_FORMULA, t("residual_lab_explain_plain"), PLAIN_FORMULA])
        self._check_depth()
        self._render_diagrams()
        self._render_status()
        if self.race is not None and self.race.steps_done:
            self._render_numbers({key: self.race.layer_profile(key, RECENT) for key in MODELS})

    # -- layout ---------------------------------------------------------------------------------------------
    def __panel__(self):
        card = theme.card()
        settings = pn.Column(
            self.headings["settings"], self.depth_label, self.depth_buttons, self.depth_w, self.problem_pane,
            self.width_label, self.width_w, pn.Row(self.steps_w, self.lr_w), pn.Row(self.batch_w, self.size_w),
            self.subset_w, pn.Row(self.start_button, self.pause_button),
            pn.Row(self.step_button, self.reset_button, margin=(0, 6)), width=340, **card)
        curves = pn.Column(self.title, self.intro, self.status_pane, self.latest,
                           pn.Row(pn.pane.Bokeh(self.loss.figure), pn.pane.Bokeh(self.profile.figure)),
                           self.profile_caption, width=960, **card)
        heat = pn.Column(pn.Row(pn.pane.Bokeh(self.heat["plain"].figure), pn.pane.Bokeh(self.heat["resnet"].figure)),
                         **card)
        split = pn.Column(pn.pane.Bokeh(self.split.figure), self.split_caption, width=600, **card)
        blocks = pn.Column(self.headings["blocks"], self.diagrams, self.blocks_text, **card)
        explain = pn.Column(self.explanation, **card)
        flex = theme.FLEX
        return pn.Column(self._error, pn.FlexBox(settings, curves, **flex), pn.FlexBox(heat, split, **flex),
                         pn.FlexBox(blocks, explain, **flex), sizing_mode="stretch_width")

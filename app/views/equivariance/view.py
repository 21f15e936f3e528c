"""Translation equivariance and invariance lab: move the digit, watch the maps move with it.

Shift (and rotate) a test digit or your drawing with sliders. Every layer's
feature maps are compared before and after the shift with
``cnncore.inspect.translation_experiment``: how far each map should move
(the input shift divided by the layer's cumulative stride, its *jump*), how
far it did move, and the equivariance error ``||f(shift x) - shift(f x)|| /
||shift(f x)||``. A stride-2 layer moves its maps by half the shift, so an odd
shift cannot be represented exactly (aliasing). At the output, the
prediction before and after (invariance), and the confidence of several
networks (max-pooling LeNet-5, global-average-pooling NiN, a strided
all-convolutional net, as far as pretrained weights ship) over shifts -8..8.

With a photo model (``ModelEntry.input == "photo"``: the pretrained ``photo_tiles`` or a
network trained in Your classes) the input is a colour picture (``photo``: a shipped one, a
file or a camera frame) as the model sees it, 3 x 32 x 32; it moves inside its frame like the
digit (the uncovered edge is 0 after normalisation: mid-grey), and the maps, the table, the
prediction (by class name) and the sweep are the same experiment on three channels.

Page hooks for tests: ``data-testid`` ``eq-expected``, ``eq-measured``,
``eq-error`` (the chosen layer), ``eq-layer-table``, ``eq-pred-before``,
``eq-pred-after``, ``eq-compare-table``, ``eq-probs-before``, ``eq-probs-after`` (a photo model's
classes); CSS classes ``eq-input-before``, ``eq-input-after`` around the input plots.
"""
import html

import numpy as np
import panel as pn
import param

from cnncore.images import to_image
from cnncore.inspect import (capture, class_probabilities, receptive_fields, rotate_image, shift_image,
                             translation_experiment)
from cnncore.models.photo_tiles import MEAN, STD

from app.core import theme
from app.core.model_values import int_range, watch_replaced
from app.core.responsive import set_visible
from app.views.base import View
from app.views.equivariance import strings  # noqa: F401  (registers the texts)
from app.widgets.lab_common import CurvePlot, DigitSource, LayerName, UrlInteger, fmt, html_table, spatial_layers
from app.widgets.photo_input import (YOURS, PhotoPicker, RgbPlot, model_input, model_note, picture_names,
                                     probabilities_html, shown_names)
from app.widgets.plots import ImagePlot, MapPlot, ProbabilityBars

__all__ = ["EquivarianceLab", "COMPARE", "SHIFTS", "transform", "confidence_sweep", "architecture",
           "map_pair"]

# Networks compared when their pretrained weights ship: pooling, global average pooling, strided convs.
COMPARE = ("lenet5", "nin_small", "plain_net", "resnet_small")
SHIFTS = tuple(range(-8, 9))


def transform(x, dx=0, dy=0, angle=0.0):
    """Rotate ``x`` by ``angle`` degrees (counter-clockwise), then shift it ``(dx, dy)`` pixels.

    Shape:
        - x: ``(..., H, W)``; output the same
    """
    if angle:
        x = rotate_image(x, angle)
    return shift_image(x, dx, dy)


def confidence_sweep(model, x, dy=0, angle=0.0, shifts=SHIFTS, target=None):
    """The probability of class ``target`` as the digit moves horizontally by each of ``shifts``.

    ``target`` defaults to the model's prediction for ``x`` itself (unmoved,
    unrotated). One forward pass over all the shifted copies
    (``cnncore.inspect.class_probabilities``).

    Returns:
        ``(target, probabilities of target, predicted classes)``, one per shift.

    Shape:
        - x: ``(1, 1, H, W)``
    """
    model.eval()
    if target is None:
        target = int(np.argmax(class_probabilities(model, x)[0][0]))
    batch = np.concatenate([transform(x, s, dy, angle) for s in shifts])    # (len(shifts), 1, H, W)
    probs, _ = class_probabilities(model, batch)
    return target, probs[:, target], probs.argmax(axis=1)


def architecture(model):
    """What a network does to move its maps: ``{"max_pool": n, "avg_pool": n, "gap": n, "strided_conv": n, "linear": n}``."""
    counts = dict(max_pool=0, avg_pool=0, gap=0, strided_conv=0, linear=0)
    for _, module in model.named_modules():
        kind = type(module).__name__
        if kind in ("MaxPool2d", "MinPool2d", "StochasticPool2d"):
            counts["max_pool"] += 1
        elif kind in ("AvgPool2d", "LPPool2d"):
            counts["avg_pool"] += 1
        elif kind == "AdaptiveAvgPool2d":
            counts["gap"] += 1
        elif kind == "Conv2d" and max(np.atleast_1d(module.stride)) > 1:
            counts["strided_conv"] += 1
        elif kind == "Linear":
            counts["linear"] += 1
    return counts


def map_pair(model, x, shifted, layer, channel):
    """One channel of ``layer`` for the input and for the moved input: ``(f(x), f(moved x))``.

    Shape:
        - x, shifted: ``(1, 1, H, W)``
        - each output: ``(H_l, W_l)``
    """
    _, a = capture(model, x)
    _, b = capture(model, shifted)
    c = min(channel, a[layer].shape[1] - 1)
    return a[layer][0, c], b[layer][0, c]


def _pair_text(pair, digits=3):
    if pair is None:
        return "—"
    return f"({fmt(pair[0], digits)}, {fmt(pair[1], digits)})"


class EquivarianceLab(View):
    """Shift and rotate a digit; compare every layer's maps and the prediction before and after.

    State (kept in the URL): ``model``, ``digit`` (0-9, -1 = the drawing),
    ``dx``, ``dy``, ``angle``, ``layer``, ``channel`` and ``lang``.
    """

    model = param.Selector(default=None, objects=[], check_on_set=True, allow_None=True)
    digit = UrlInteger(default=3, bounds=(-1, 9), doc="Test digit 0-9, or -1 for the drawing.")
    dx = UrlInteger(default=3, bounds=(-8, 8), doc="Shift to the right, in pixels.")
    dy = UrlInteger(default=0, bounds=(-8, 8), doc="Shift down, in pixels.")
    angle = UrlInteger(default=0, bounds=(-45, 45), doc="Rotation, degrees counter-clockwise.")
    layer = LayerName(default="", doc="Layer whose maps are shown ('' = the first).")
    channel = UrlInteger(default=0, bounds=(0, None))
    photo = param.Selector(default="chelsea", objects=picture_names(), doc="The picture a photo model sees.")

    model_inputs = ("digit", "photo")

    url_params = ("model", "digit", "dx", "dy", "angle", "layer", "channel", "photo")

    def __init__(self, session=None, **params):
        super().__init__(session=session, **params)
        self.picker = PhotoPicker(self)
        self.picker.card.visible = False
        self.report, self._x, self._sweeps, self._sweep_key, self._layers = None, None, {}, None, {}
        self.source = DigitSource(self)
        w = pn.widgets
        self.model_select = w.Select(width=260)
        self.dx_slider = w.IntSlider(start=-8, end=8, value=self.dx, width=250)
        self.dy_slider = w.IntSlider(start=-8, end=8, value=self.dy, width=250)
        self.angle_slider = w.IntSlider(start=-45, end=45, step=5, value=self.angle, width=250)
        self.layer_select = w.Select(width=280)
        self.channel_slider = w.IntSlider(start=0, end=1, value=0, width=250)
        self.before_plot = ImagePlot((28, 28), size=150)
        self.after_plot = ImagePlot((28, 28), size=150)
        self.map_before = MapPlot(size=200)
        self.map_after = MapPlot(size=200)
        self.map_moved = MapPlot(size=200)
        self.map_diff = MapPlot(size=200, signed=True)
        self.bars_before = ProbabilityBars(width=330, height=220)
        self.bars_after = ProbabilityBars(width=330, height=220)
        # a photo model: the pictures in colour, the probabilities by class name
        self.rgb_before, self.rgb_after = RgbPlot(size=150), RgbPlot(size=150)
        self.probs_before = pn.pane.HTML("", width=330, margin=(4, 10))
        self.probs_after = pn.pane.HTML("", width=330, margin=(4, 10))
        self.photo_note = pn.pane.HTML("", width=260, margin=(4, 10), styles={"color": "#52606D", "font-size": "14px"})
        self.digit_box = self.source.panel()
        self.photo_box = pn.Column(self.picker.select, self.picker.credit, self.photo_note, margin=0, visible=False)
        self.digit_panes = [pn.pane.Bokeh(p.figure) for p in (self.before_plot, self.after_plot, self.bars_before,
                                                              self.bars_after)]
        self.photo_panes = [pn.pane.Bokeh(self.rgb_before.figure, visible=False),
                            pn.pane.Bokeh(self.rgb_after.figure, visible=False)]
        self.photo_probs = pn.Row(self.probs_before, self.probs_after, visible=False)
        self.sweep_plot = CurvePlot(width=560, height=330, max_lines=len(COMPARE) + 1, y_range=(-0.02, 1.05),
                                    legend_place="below")
        self.layer_plot = CurvePlot(width=560, height=300, max_lines=2)
        self.numbers = pn.pane.HTML("", width=560, margin=(4, 10), styles={"font-size": "17px"})
        self.prediction = pn.pane.HTML("", sizing_mode="stretch_width", margin=(4, 10), styles={"font-size": "17px"})
        self.layer_table = pn.pane.HTML("", margin=(4, 10))
        self.compare_table = pn.pane.HTML("", margin=(4, 10))
        self.compare_note = pn.pane.HTML("", width=560, margin=(0, 10), styles={"color": "#52606D", "font-size": "14px"})
        self.titles = {k: pn.pane.HTML("", margin=(4, 10, 0, 10)) for k in ("before", "after")}
        self.headings = {k: pn.pane.HTML("", margin=(0, 10)) for k in ("move", "layers", "predict", "compare")}
        self.explain = pn.pane.Markdown("", width=400)

        self.bind(self.model_select, "model")
        self.bind(self.dx_slider, "dx")
        self.bind(self.dy_slider, "dy")
        self.bind(self.angle_slider, "angle")
        self.bind(self.layer_select, "layer", accept=bool)
        self.bind(self.channel_slider, "channel")

        watch_replaced(self, dict(   # a link's layer or channel this model does not have (after update)
            layer=lambda view: view.t("url_allowed_choice", choices=", ".join(view._layers.values())),
            channel=lambda view: int_range(view, view.channel)))
        self.relabel()
        self.update()

    # -- models and input ----------------------------------------------------------
    def _input(self):
        """``(1, 1, 28, 28)`` (a digit), ``(1, 3, 32, 32)`` (a photo model's picture) or None (no drawing)."""
        if self.is_photo:
            return model_input(self.picker.picture())[1]
        return self.source.image(self.digit)

    def _show_input_kind(self):
        """Digit controls and plots for a digit model, the picture's for a photo model (only on a change)."""
        photo = self.is_photo
        shows = [(self.digit_box, not photo), (self.photo_box, photo), (self.photo_probs, photo),
                 (self.picker.card, photo and self.photo == YOURS)]
        shows += [(pane, not photo) for pane in self.digit_panes] + [(pane, photo) for pane in self.photo_panes]
        set_visible(shows)
        if photo:
            self.picker.sync()
            self.photo_note.object = self._photo_note()
        self._explain_input_kind()

    def _photo_note(self):
        """What the photo model is, and how the picture moves in its frame (no space between Chinese sentences)."""
        return html.escape(model_note(self.entry, self.lang) + ("" if self.lang == "zh" else " ") + self.t("eq_photo_edge"))

    def _explain_input_kind(self):
        """The texts that name what moves: the digit, or the picture for a photo model."""
        t, photo = self.t, self.is_photo
        self.headings["move"].object = (f"<h2 style='margin:4px 0'>"
                                        f"{html.escape(t('eq_heading_move_photo' if photo else 'eq_heading_move'))}</h2>")
        self.explain.object = (f"### {t('explain_title')}\n\n{t('eq_explain')}\n\n"
                               r"$$f(\mathrm{shift}(x, \Delta)) = \mathrm{shift}(f(x), \Delta / J)$$"
                               f"\n\n{t('eq_explain_error')}\n\n"
                               r"$$e = \frac{\lVert f(\mathrm{shift}(x)) - \mathrm{shift}(f(x)) \rVert}"
                               r"{\lVert \mathrm{shift}(f(x)) \rVert}$$"
                               f"\n\n{t('eq_explain_after_photo' if photo else 'eq_explain_after')}")

    # -- reactions ---------------------------------------------------------------
    @param.depends("model", "digit", "dx", "dy", "angle", "layer", "channel", "photo", watch=True)
    def update(self):
        """Re-run the experiment and redraw (the sweep only when the digit, dy, angle or model change)."""
        with self.guard():
            for widget, value in ((self.model_select, self.model), (self.dx_slider, self.dx),
                                  (self.dy_slider, self.dy), (self.angle_slider, self.angle)):
                widget.value = value
            self._show_input_kind()
            x = self._input()
            if x is None:
                self.report = None
                raise ValueError(self.t("lab_draw_first"))
            net = self.session.get(self.model)
            net.eval()
            self._x = x
            rotated = transform(x, 0, 0, self.angle)
            moved = transform(x, self.dx, self.dy, self.angle)
            self.report = translation_experiment(net, rotated, self.dx, self.dy)
            _, acts = capture(net, rotated)
            self._layers = spatial_layers(net, acts)
            names = list(self._layers.values())
            if self.layer not in names:
                with param.parameterized.discard_events(self):
                    self.layer = names[0]
            self.layer_select.options = self._layers
            self.layer_select.value = self.layer
            a, b = map_pair(net, rotated, moved, self.layer, self.channel)
            channels = acts[self.layer].shape[1]
            self.channel_slider.end = max(channels - 1, 1)
            self.channel_slider.disabled = channels == 1
            self.channel_slider.value = min(self.channel, channels - 1)
            row = self._row(self.layer)
            ex, ey = (int(round(v)) for v in row.expected_shift)
            moved_a = shift_image(a, ex, ey)
            low, high = min(0.0, float(min(a.min(), b.min()))), max(float(max(a.max(), b.max())), 1e-12)
            self.map_before.update(a, low, high)
            self.map_after.update(b, low, high)
            self.map_moved.update(moved_a, low, high)
            self.map_diff.update(b - moved_a)
            self._moved = moved
            self._p_before = class_probabilities(net, x)[0][0]
            self._p_after = class_probabilities(net, moved)[0][0]
            if self.is_photo:
                self.rgb_before.update(to_image(x[0], MEAN, STD))          # (3, 32, 32) -> (32, 32, 3) bytes
                self.rgb_after.update(to_image(moved[0], MEAN, STD))
            else:
                self.before_plot.update(x[0, 0])
                self.after_plot.update(moved[0, 0])
                self.bars_before.update(self._p_before)
                self.bars_after.update(self._p_after)
            self._update_sweep()
            self._render()

    def _row(self, name):
        for row in self.report.rows:
            if row.name == name:
                return row
        raise ValueError(f"layer {name!r} has no row in the translation experiment")

    def _compare_keys(self):
        if self.is_photo:                  # the digit networks cannot read a picture: this one alone
            return [self.model]
        keys = [k for k in COMPARE if k in self.session.keys]
        if self.model not in keys:
            keys.insert(0, self.model)
        return keys

    def _update_sweep(self):
        key = (tuple(self._compare_keys()), self.digit, self.dy, self.angle, self.source.canvas.image
               if self.digit < 0 else "", self._x.tobytes() if self.is_photo else "")
        if key != self._sweep_key:
            self._sweeps = {}
            for k in key[0]:
                net = self.session.get(k)
                self._sweeps[k] = confidence_sweep(net, self._x, self.dy, self.angle)
            self._sweep_key = key
        self.sweep_plot.set_lines({self.session.entry(k).label(self.lang): (SHIFTS, sweep[1])
                                   for k, sweep in self._sweeps.items()})
        self.sweep_plot.set_marker(self.dx)

    # -- texts -------------------------------------------------------------------
    def _render(self):
        if self.report is None:
            return
        row = self._row(self.layer)
        t = self.t
        self.numbers.object = (
            t("eq_numbers_input", dx=self.dx, dy=self.dy, jump=_pair_text(row.jump, 3))
            + f" <b data-testid='eq-expected'>{_pair_text(row.expected_shift)}</b>; "
            + t("eq_numbers_measured") + f" <b data-testid='eq-measured'>{_pair_text(row.measured_shift)}</b>; "
            + t("eq_numbers_error") + f" <b data-testid='eq-error'>{fmt(row.equivariance_error)}</b>. "
            + t("eq_exact" if row.exact else "eq_not_exact"))
        # Per-layer table and chart (maps only; blocks left out like the layer picker).
        names = set(self._layers.values())
        spatial = [r for r in self.report.rows if r.name in names]
        vectors = [r for r in self.report.rows if r.jump is None]
        rows = [(f"{r.name} · {r.type}", _pair_text(r.jump, 3), _pair_text(r.expected_shift),
                 _pair_text(r.measured_shift), "✓" if r.exact else "✗", fmt(r.equivariance_error))
                for r in spatial]
        rows += [(f"{r.name} · {r.type}", "—", "—", "—", "—", fmt(r.equivariance_error)) for r in vectors]
        highlight = next((k for k, r in enumerate(spatial) if r.name == self.layer), None)
        self.layer_table.object = html_table(
            [t(k) for k in ("eq_col_layer", "eq_col_jump", "eq_col_expected", "eq_col_measured", "eq_col_exact",
                            "eq_col_error")], rows, t("eq_layer_caption"), testid="eq-layer-table",
            highlight=highlight)
        idx = list(range(len(spatial)))
        self.layer_plot.set_lines({t("eq_line_expected"): (idx, [r.expected_shift[0] for r in spatial]),
                                   t("eq_line_measured"): (idx, [r.measured_shift[0] for r in spatial])})
        self.layer_plot.figure.xaxis.ticker = idx
        self.layer_plot.figure.xaxis.major_label_overrides = {k: r.name for k, r in enumerate(spatial)}
        self.layer_plot.set_labels(t("eq_layer_plot_title", dx=self.dx), xlabel=t("eq_layer_plot_x"),
                                   ylabel=t("eq_layer_plot_y"))
        # Prediction before / after.
        kb, ka = int(np.argmax(self._p_before)), int(np.argmax(self._p_after))
        same = "eq_same" if ka == kb else "eq_changed"
        shown = shown_names(self.entry, self.lang)
        names = [html.escape(n) for n in shown]
        self.prediction.object = (
            t("eq_pred_before") + f" <b data-testid='eq-pred-before'>{names[kb]}</b> ({self._p_before[kb]:.0%}) → "
            + t("eq_pred_after") + f" <b data-testid='eq-pred-after'>{names[ka]}</b> ({self._p_after[ka]:.0%}); "
            + t("eq_p_original", k=names[kb]) + f" <b data-testid='eq-p-original'>{self._p_after[kb]:.1%}</b>. "
            + t(same))
        if self.is_photo:
            self.probs_before.object = probabilities_html(self.entry.class_names, self._p_before, self.lang,
                                                          "eq-probs-before", shown)
            self.probs_after.object = probabilities_html(self.entry.class_names, self._p_after, self.lang,
                                                         "eq-probs-after", shown)
        self.bars_before.set_labels(t("eq_bars_before"), xlabel=t("digit"), ylabel=t("probability"))
        self.bars_after.set_labels(t("eq_bars_after"), xlabel=t("digit"), ylabel=t("probability"))
        self._render_compare()
        self.map_before.set_title(t("eq_map_before"))
        self.map_after.set_title(t("eq_map_after"))
        self.map_moved.set_title(t("eq_map_moved", ex=int(round(row.expected_shift[0])),
                                   ey=int(round(row.expected_shift[1]))))
        self.map_diff.set_title(t("eq_map_diff"))

    def _render_compare(self):
        t = self.t
        rows = []
        k_dx = SHIFTS.index(self.dx)
        for key, (target, probs, preds) in self._sweeps.items():
            net, entry = self.session.get(key), self.session.entry(key)
            arch = architecture(net)
            parts = [t(f"eq_arch_{name}", n=n) for name, n in arch.items() if n]
            jump = self._last_jump(net, (1, *entry.input_shape))
            moved = "—" if jump is None else f"{fmt(self.dx / jump, 3)}"
            names = shown_names(entry, self.lang) if entry.input == "photo" else entry.class_names
            rows.append((entry.label(self.lang), ", ".join(parts), "—" if jump is None else jump,
                         moved, f"{names[target]} → {names[int(preds[k_dx])]}", f"{probs[k_dx]:.1%}",
                         f"{min(probs):.1%}"))
        self.compare_table.object = html_table(
            [t(k) for k in ("eq_cmp_net", "eq_cmp_arch", "eq_cmp_jump", "eq_cmp_moved", "eq_cmp_pred",
                            "eq_cmp_p", "eq_cmp_min")], rows, t("eq_cmp_caption", dx=self.dx),
            testid="eq-compare-table")
        missing = [k for k in COMPARE if k not in self.session.keys]
        if self.is_photo:
            self.compare_note.object = html.escape(t("eq_cmp_photo"))
        else:
            self.compare_note.object = html.escape(t("eq_cmp_missing", names=", ".join(missing))) if missing else ""
        self.sweep_plot.set_labels(t("eq_sweep_title_photo" if self.is_photo else "eq_sweep_title"),
                                   xlabel=t("eq_sweep_x"), ylabel=t("eq_sweep_y"))

    @staticmethod
    def _last_jump(net, input_shape=(1, 1, 28, 28)):
        """The cumulative stride of the last feature maps (before global pooling / flattening)."""
        try:
            rows = receptive_fields(net, input_shape)
        except Exception:
            return None
        jumps = [row.j[1] for row in rows if row.j is not None and row.type != "AdaptiveAvgPool2d"]
        return int(jumps[-1]) if jumps else None

    def relabel(self):
        t = self.t
        self.model_select.label = t("model")
        self.model_select.options = self.session.options(self.lang, ("digit", "photo"))
        self.model_select.value = self.model
        self.picker.relabel()
        if self.is_photo:
            self.photo_note.object = self._photo_note()
        self.dx_slider.label = t("eq_dx")
        self.dy_slider.label = t("eq_dy")
        self.angle_slider.label = t("eq_angle")
        self.layer_select.label = t("eq_layer")
        self.channel_slider.label = t("eq_channel")
        self.titles["before"].object = f"<b>{html.escape(t('eq_input_before'))}</b>"
        self.titles["after"].object = f"<b>{html.escape(t('eq_input_after'))}</b>"
        for key in self.headings:
            self.headings[key].object = f"<h2 style='margin:4px 0'>{html.escape(t('eq_heading_' + key))}</h2>"
        self.source.relabel(t)
        self._explain_input_kind()
        if self.report is not None:
            self._update_sweep()
            self._render()

    # -- layout --------------------------------------------------------------------
    def __panel__(self):
        card = theme.card()
        pick = pn.Column(self.model_select, self.digit_box, self.photo_box, **card)
        inputs = pn.Row(pn.Column(self.titles["before"], self.digit_panes[0], self.photo_panes[0],
                                  css_classes=["eq-input-before"]),
                        pn.Column(self.titles["after"], self.digit_panes[1], self.photo_panes[1],
                                  css_classes=["eq-input-after"]))
        move = pn.Column(self.headings["move"], pn.Row(self.dx_slider, self.dy_slider), self.angle_slider,
                         inputs, pn.Row(self.layer_select, self.channel_slider),
                         pn.Row(pn.pane.Bokeh(self.map_before.figure), pn.pane.Bokeh(self.map_after.figure)),
                         pn.Row(pn.pane.Bokeh(self.map_moved.figure), pn.pane.Bokeh(self.map_diff.figure)),
                         self.numbers, **card)
        explain = pn.Column(self.explain, **card)
        layers = pn.Column(self.headings["layers"], pn.pane.Bokeh(self.layer_plot.figure), self.layer_table,
                           **card)
        predict = pn.Column(self.headings["predict"], self.prediction,
                            pn.Row(self.digit_panes[2], self.digit_panes[3]), self.photo_probs,
                            **card)
        compare = pn.Column(self.headings["compare"], pn.pane.Bokeh(self.sweep_plot.figure), self.compare_table,
                            self.compare_note, **card)
        return pn.Column(self._error,
                         pn.FlexBox(pick, self.picker.card, move, explain, flex_wrap="wrap", align_items="flex-start"),
                         pn.FlexBox(layers, predict, compare, flex_wrap="wrap", align_items="flex-start"),
                         sizing_mode="stretch_width")

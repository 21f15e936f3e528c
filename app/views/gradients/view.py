"""Gradients lab: where the gradient goes, layer by layer, and a check anyone can run.

For a test digit (or a drawing) and a model of the session, or, with a photo model
(``ModelEntry.input == "photo"``: the pretrained ``photo_tiles`` or a network trained in Your
classes), a colour picture (``photo``: a shipped one, a file or a camera frame), 3 x 32 x 32:

* **Saliency** — ``cnncore.inspect.saliency``: ``|∂z_t/∂x|`` for the predicted
  class or any class ``t`` (the largest over R, G, B for a picture), and the signed
  gradient (one map per colour channel for a picture).
* **Every layer** — ``cnncore.inspect.capture_gradients``: the gradient
  arriving at each layer's output (first entry: the input), as signed heatmaps
  with their sizes in a table.
* **One convolution layer, backward, with numbers** — the upstream gradient
  ``g[o]``, the kernel and its 180-degree rotation, ``∂L/∂x`` as the full
  convolution (``conv2d_input_grad_full``) next to ``conv2d_backward``'s
  (they agree to rounding), and the weight gradient as a correlation of the
  layer input with ``g``, one cell written out term by term.
* **Finite differences** — nudge one weight or one input pixel by ``±ε``
  (``ε = 10^-1 … 10^-6``) in a float64 copy of the model and compare
  ``(L(θ+ε) − L(θ−ε)) / 2ε`` with the backward pass; the relative error for
  every ``ε`` shows the trade-off between curvature and rounding.

``L`` is the score ``z_t`` (saliency's choice) or the cross-entropy loss of class ``t``.
All numbers come from ``cnncore`` via :mod:`app.views.gradients.compute`.
Page hooks for tests (``data-testid``): ``grad-pred``, ``grad-sal-max``,
``grad-sal-check``, ``grad-conv-agree``, ``grad-wcell``, ``grad-wcell-engine``,
``grad-fd-numeric``, ``grad-fd-analytic``, ``grad-fd-rel``, ``grad-fd-table``; the plots of the
saliency map and of the picture sit in the CSS classes ``grad-saliency`` and ``grad-photo``.
A link's class (``?target=``), layer or channel the chosen model does not have is replaced and
listed with the ignored settings (:func:`app.core.model_values.watch_replaced`).
"""
import copy
import html

import numpy as np
import panel as pn
import param

from cnncore.inspect import capture_gradients, output_gradient, saliency

from app.core import theme
from app.core.inference import prepare
from app.core.model_values import int_range, watch_replaced
from app.core.responsive import set_visible
from app.views.base import View
from app.views.gradients import strings  # noqa: F401  (registers the texts)
from app.views.gradients.compute import (EPSILONS, conv_backward, conv_layers, finite_difference, mosaic,
                                         weight_grad_terms, weighted_layers)
from app.views.gradients.plots import GradientGrid
from app.widgets.lab_common import DigitSource, LayerName, UrlInteger, fmt, html_table
from app.widgets.number_grid import number_grid
from app.widgets.photo_input import YOURS, PhotoPicker, RgbPlot, model_input, model_note, picture_names, shown_names
from app.widgets.plots import MapPlot

__all__ = ["GradientsLab", "LOSSES", "FORMULAS"]

LOSSES = ("score", "cross_entropy")
WORKED_TERMS = 4          # terms of the worked weight-gradient cell written out
AGREE = 1e-6              # relative error below which the check says "they agree"

FORMULAS = {   # no "&" or "\\" line breaks: Markdown would eat them before MathJax sees them
    "saliency": r"$$M_{ij} = \left| \frac{\partial z_t}{\partial x_{ij}} \right|$$",
    "saliency_rgb": r"$$M_{ij} = \max_{c \in \lbrace R, G, B \rbrace} \left| \frac{\partial z_t}{\partial x_{c,ij}} \right|$$",
    "chain": r"$$\frac{\partial L}{\partial x^{(l-1)}} = \left(\frac{\partial x^{(l)}}{\partial x^{(l-1)}}\right)^{\top}"
             r" \frac{\partial L}{\partial x^{(l)}}$$",
    "dx": r"$$\frac{\partial L}{\partial x_{c}} = \sum_{o} \operatorname{full}\big(g_{o} \star "
          r"\operatorname{rot180}(w_{o,c})\big)$$",
    "dw": r"$$\frac{\partial L}{\partial w_{o,c,u,v}} = \sum_{i,j} g_{o,i,j} x_{c, i+u, j+v}$$",
    "db": r"$$\frac{\partial L}{\partial b_o} = \sum_{i,j} g_{o,i,j}$$",
    "fd": r"$$\frac{\partial L}{\partial \theta} \approx \frac{L(\theta + \varepsilon) - L(\theta - \varepsilon)}"
          r"{2\varepsilon}$$",
}


class GradientsLab(View):
    """The Gradients lab (see the module docstring).

    State (all in the URL): ``model``, ``digit`` (0-9 a test digit, -1 the
    drawing), ``target`` (-1: the predicted class), ``loss``, the conv layer
    ``layer`` with ``out_ch``, ``in_ch``, ``cell_u``, ``cell_v``, and the check's
    ``fd_kind``, ``fd_layer``, ``fd_index``, ``fd_row``, ``fd_col``, ``fd_exp`` (ε = 10^-fd_exp).

    Results for tests: ``saliency``, ``gradients`` (capture_gradients' dict),
    ``conv`` (a :class:`~app.views.gradients.compute.ConvBackward`), ``fd`` (a
    list of :class:`~app.views.gradients.compute.FDResult`, one per ε).
    """

    model = param.Selector(default=None, objects=[], check_on_set=True, allow_None=True)
    digit = UrlInteger(default=7, bounds=(-1, 9), doc="Test digit 0-9, or -1 for the drawing.")
    target = UrlInteger(default=-1, bounds=(-1, 9), doc="Class whose score is differentiated; -1: predicted.")
    loss = param.Selector(default="score", objects=list(LOSSES))
    layer = LayerName(default="", doc="The convolution layer taken apart ('' = the last one).")
    out_ch = UrlInteger(default=0, bounds=(0, None))
    in_ch = UrlInteger(default=0, bounds=(0, None))
    cell_u = UrlInteger(default=0, bounds=(0, None))
    cell_v = UrlInteger(default=0, bounds=(0, None))
    fd_kind = param.Selector(default="weight", objects=["weight", "pixel"])
    fd_layer = LayerName(default="", doc="Layer of the checked weight ('' = the first conv layer).")
    fd_index = UrlInteger(default=-1, bounds=(-1, None), doc="Flat weight index; -1: the largest gradient.")
    fd_row = UrlInteger(default=14, bounds=(0, 31))
    fd_col = UrlInteger(default=14, bounds=(0, 31))
    fd_channel = UrlInteger(default=0, bounds=(0, 2), doc="Input channel of the checked pixel (R, G, B for a picture).")
    photo = param.Selector(default="chelsea", objects=picture_names(), doc="The picture a photo model sees.")
    fd_exp = UrlInteger(default=3, bounds=(1, 6), doc="ε = 10^-fd_exp.")

    model_inputs = ("digit", "photo")

    url_params = ("model", "digit", "target", "loss", "layer", "out_ch", "in_ch", "cell_u", "cell_v",
                  "fd_kind", "fd_layer", "fd_index", "fd_row", "fd_col", "fd_exp", "fd_channel", "photo")

    def __init__(self, session=None, **params):
        super().__init__(session=session, **params)
        self.picker = PhotoPicker(self)
        self.picker.card.visible = False
        self._small = None               # the picture as a photo model sees it, (32, 32, 3) uint8
        self.saliency = self.gradients = self.conv = self.fd = None
        self._image = self._external = None
        self.source = DigitSource(self)
        self.digit_box = self.source.panel()
        self.photo_box = pn.Column(self.picker.select, self.picker.credit, margin=0, visible=False)
        w = pn.widgets
        self.model_select = w.Select(width=245)
        self.target_select = w.Select(options={"": -1}, value=self.target, width=235)
        self.loss_buttons = w.RadioButtonGroup(options=list(LOSSES), value=self.loss, color="primary",
                                               variant="outline", margin=(4, 10), width=235)
        self.layer_select = w.Select(width=250)
        self.out_slider = w.IntSlider(start=0, end=1, value=0, width=200)
        self.in_slider = w.IntSlider(start=0, end=1, value=0, width=200)
        self.u_slider = w.IntSlider(start=0, end=1, value=0, width=160)
        self.v_slider = w.IntSlider(start=0, end=1, value=0, width=160)
        self.fd_kind_buttons = w.RadioButtonGroup(options=["weight", "pixel"], value=self.fd_kind, color="primary",
                                                  variant="outline", margin=(4, 10))
        self.fd_layer_select = w.Select(width=270)
        self.fd_index_input = w.IntInput(start=0, value=0, width=150)
        self.fd_largest = w.Button(width=190, margin=(22, 10, 4, 10), color="light")
        self.fd_row_slider = w.IntSlider(start=0, end=27, value=self.fd_row, width=180)
        self.fd_col_slider = w.IntSlider(start=0, end=27, value=self.fd_col, width=180)
        self.fd_channel_select = w.RadioButtonGroup(options={"R": 0, "G": 1, "B": 2}, value=self.fd_channel,
                                                    color="primary", variant="outline", margin=(22, 10, 4, 10),
                                                    visible=False)
        self.eps_slider = w.DiscreteSlider(options={f"{e:.0e}": k for k, e in enumerate(EPSILONS, 1)},
                                           value=self.fd_exp, width=300)

        self.input_plot = MapPlot(size=130)
        self.sal_plot = MapPlot(size=160)
        self.signed_plot = MapPlot(size=160, signed=True)
        # a photo model: the picture in colour, and the signed gradient of G and B beside R's
        self.rgb_plot = RgbPlot(size=160)
        self.signed_more = [MapPlot(size=160, signed=True), MapPlot(size=160, signed=True)]
        self.digit_panes = [pn.pane.Bokeh(self.input_plot.figure)]
        self.photo_panes = [pn.pane.Bokeh(self.rgb_plot.figure, visible=False)] + [
            pn.pane.Bokeh(p.figure, visible=False) for p in self.signed_more]
        self.photo_note = pn.pane.HTML("", width=245, margin=(4, 10), visible=False,
                                       styles={"color": "#52606D", "font-size": "14px"})
        self.x_plot = MapPlot(size=150)
        self.g_plot = MapPlot(size=150, signed=True)
        self.partial_plot = MapPlot(size=150, signed=True)
        self.dx_plot = MapPlot(size=150, signed=True)
        self.layer_grid = GradientGrid(per_row=6, box_pixels=140)
        self._layer_names = []

        html_pane = lambda **k: pn.pane.HTML("", margin=(4, 10), styles={"font-size": "16px"}, **k)  # noqa: E731
        self.sal_summary = html_pane(width=640)
        self.layer_table = html_pane()
        self.conv_summary = html_pane(width=850)
        self.kernel_tables = html_pane()
        self.worked = html_pane(width=850)
        self.fd_which = html_pane(width=850)
        self.fd_summary = html_pane(width=850)
        self.fd_table = html_pane()
        self.headings = {k: pn.pane.HTML("", margin=(0, 10)) for k in ("sal", "layers", "conv", "fd")}
        self.labels = {k: pn.pane.HTML("", margin=(6, 10, 0, 10)) for k in ("loss", "fd_kind")}
        self.layers_note = html_pane(sizing_mode="stretch_width")
        self.explain_top = pn.pane.Markdown("", width=290)
        self.explain_conv = pn.pane.Markdown("", width=310)
        self.explain_fd = pn.pane.Markdown("", width=310)

        self.bind(self.model_select, "model")
        self.bind(self.target_select, "target")
        self.bind(self.loss_buttons, "loss")
        self.bind(self.layer_select, "layer", accept=bool)
        for widget, name in ((self.out_slider, "out_ch"), (self.in_slider, "in_ch"), (self.u_slider, "cell_u"),
                             (self.v_slider, "cell_v"), (self.fd_row_slider, "fd_row"),
                             (self.fd_col_slider, "fd_col"), (self.eps_slider, "fd_exp"),
                             (self.fd_kind_buttons, "fd_kind"), (self.fd_channel_select, "fd_channel")):
            self.bind(widget, name)
        self.bind(self.fd_layer_select, "fd_layer", accept=bool)
        self.fd_index_input.param.watch(lambda e: e.new is not None and setattr(self, "fd_index", int(e.new)),
                                        "value")
        self.fd_largest.on_click(lambda e: self._pick_largest())
        self.sal_plot.on_click(self._pixel_clicked)
        self.signed_plot.on_click(self._pixel_clicked)
        self.input_plot.on_click(self._pixel_clicked)
        self.rgb_plot.on_click(self._pixel_clicked)
        for plot in self.signed_more:
            plot.on_click(self._pixel_clicked)
        self.param.watch(self._changed, ["model", "digit", "target", "loss", "layer", "out_ch", "in_ch", "cell_u",
                                         "cell_v", "fd_kind", "fd_layer", "fd_index", "fd_row", "fd_col", "fd_exp",
                                         "fd_channel", "photo"])
        watch_replaced(self, self._allowed_texts(), skip=("", -1))   # after _changed: what it replaced
        self.relabel()
        self.refresh()

    # -- input ---------------------------------------------------------------------------
    def set_input(self, x):
        """Use ``x`` (the session's drawing, 28x28 in 0-1; None: back to a test digit) as the input."""
        with self.guard():
            if x is None:           # the drawing was cleared: back to a test digit
                if self._external is not None and self.digit == -1:
                    self.source.canvas.clear()
                    self.digit = 7
                self._external = None
                return
            self._external = np.asarray(x, dtype=np.float32).reshape(28, 28)
            self.source.canvas.set_image(self._external)
            if self.digit == -1:
                self.param.trigger("digit")
            else:
                self.digit = -1

    def _allowed_texts(self):
        """What each setting takes for the chosen model, in words (for a link's value it replaced)."""
        def target(view):
            names = shown_names(view.entry, view.lang)
            return view.t("grad_url_target", hi=len(names) - 1, names=", ".join(f"{k} {n}" for k, n in enumerate(names)))

        def layers(pick):
            return lambda view: view.t("url_allowed_choice", choices=", ".join(pick(view.session.get(view.model))))

        def fd_index(view):
            return int_range(view, weighted_layers(view.session.get(view.model))[view.fd_layer].weight.data.size - 1)

        clamped = {name: (lambda view, name=name: int_range(view, getattr(view, name)))     # clamped to the largest
                   for name in ("out_ch", "in_ch", "cell_u", "cell_v", "fd_row", "fd_col", "fd_channel")}
        return dict(target=target, layer=layers(conv_layers), fd_layer=layers(lambda net: list(weighted_layers(net))),
                    fd_index=fd_index, **clamped)

    def _input(self):
        """The model input ``(1, 1, 28, 28)`` (``(1, 3, 32, 32)`` for a photo model), or None for an empty drawing."""
        if self.is_photo:
            self._small, x = model_input(self.picker.picture())
            return x
        if self.digit == -1 and self._external is not None and self.source.canvas.strokes == 0:
            return self._external[None, None].copy()
        if self.digit == -1 and not self.source.canvas.is_blank:
            prepared = prepare(self.source.canvas.array)
            return None if prepared.is_empty else prepared.input
        return self.source.image(self.digit)

    # -- reactions -----------------------------------------------------------------------
    def _changed(self, *events):
        if self._updating:
            return
        names = {e.name for e in events}
        if names & {"model", "digit", "target", "loss", "photo"}:
            self.refresh()
            return
        if names & {"layer", "out_ch", "in_ch", "cell_u", "cell_v"}:
            self.update_conv()
        if "fd_layer" in names and "fd_index" not in names:
            self.set_quietly(fd_index=-1)            # another layer: start from its largest gradient
        if names & {"fd_kind", "fd_layer", "fd_index", "fd_row", "fd_col", "fd_exp", "fd_channel"}:
            self.update_fd(recompute=bool(names - {"fd_exp"}))

    def refresh(self):
        """Forward and backward passes for the current model, digit, class and loss; redraw everything."""
        with self.guard():
            self.model_select.value = self.model
            self._show_input_kind()
            classes = len(self.entry.class_names)
            if self.target >= classes:                 # a class this model does not have: its prediction
                self.set_quietly(target=-1)
            self.target_select.options = self._target_options()
            self.target_select.value = self.target
            self.loss_buttons.value = self.loss
            self._image = self._input()
            if self._image is None:
                self.saliency = self.gradients = None
                raise ValueError(self.t("lab_draw_first"))
            net = self.session.get(self.model).eval()
            target = None if self.target < 0 else self.target
            self.saliency = saliency(net, self._image[0], target)
            t = self.saliency["target"]
            _, self.gradients = capture_gradients(net, self._image, t, None if self.loss == "score" else self.loss)
            self._net = net
            self._update_saliency()
            self._update_layers()
        if self.gradients is None:
            return
        self.update_conv()
        self.update_fd()

    def _target_options(self):
        names = shown_names(self.entry, self.lang)
        return {self.t("grad_target_pred"): -1, **{(f"{k} · {n}" if self.is_photo else n): k
                                                   for k, n in enumerate(names)}}

    def _show_input_kind(self):
        """Digit controls for a digit model, the picture's for a photo model (whole boxes, only on a change)."""
        photo = self.is_photo
        shows = [(self.digit_box, not photo), (self.photo_box, photo), (self.photo_note, photo),
                 (self.picker.card, photo and self.photo == YOURS), (self.fd_channel_select,
                                                                      photo and self.fd_kind == "pixel")]
        shows += [(pane, not photo) for pane in self.digit_panes] + [(pane, photo) for pane in self.photo_panes]
        set_visible(shows)
        if photo:
            self.picker.sync()
            self.photo_note.object = html.escape(model_note(self.entry, self.lang))
        self._explain_input_kind()
        size = self.entry.input_shape[1]
        for slider in (self.fd_row_slider, self.fd_col_slider):
            slider.end = size - 1
        if max(self.fd_row, self.fd_col) >= size or (self.fd_channel and not photo):
            self.set_quietly(fd_row=min(self.fd_row, size - 1), fd_col=min(self.fd_col, size - 1),
                             fd_channel=self.fd_channel if photo else 0)

    def _explain_input_kind(self):
        """The saliency explanation for a digit (784 pixels) or a colour picture (3 x 32 x 32 numbers)."""
        t, photo = self.t, self.is_photo
        self.explain_top.object = "\n\n".join([
            f"### {t('explain_title')}", t("grad_explain_sal_photo" if photo else "grad_explain_sal"),
            FORMULAS["saliency_rgb" if photo else "saliency"], t("grad_explain_chain"), FORMULAS["chain"]])

    def _update_saliency(self):
        s = self.saliency
        if self.is_photo:                # the picture in colour; the signed gradient of R, G and B, one range
            self.rgb_plot.update(self._small)
            reach = float(np.abs(s["gradient"]).max()) or 1.0
            self.signed_plot.update(s["gradient"][0], -reach, reach)
            for plot, channel in zip(self.signed_more, s["gradient"][1:]):
                plot.update(channel, -reach, reach)
        else:
            self.input_plot.update(self._image[0, 0], 0.0, 1.0)
            self.signed_plot.update(s["gradient"][0])
        self.sal_plot.update(s["map"])
        self._mark_pixel()
        self._render_saliency()

    def _update_layers(self):
        net = self.session.get(self.model)
        modules = dict(net.named_modules())
        shown = [(name, g) for name, g in self.gradients.items()
                 if name == "input" or (isinstance(g, np.ndarray) and g.ndim in (2, 4)
                                        and type(modules.get(name)).__name__ not in ("Sequential", "Flatten"))]
        self._layer_names = [name for name, _ in shown]
        self._layer_images = [mosaic(g) for _, g in shown]
        self._render_layers()

    def update_conv(self):
        """Take the chosen convolution layer's backward pass apart."""
        if self.gradients is None:
            return
        with self.guard():
            net = self.session.get(self.model)
            names = conv_layers(net)
            modules = dict(net.named_modules())
            self.layer_select.options = {f"{n} · Conv2d · {modules[n].in_channels}→{modules[n].out_channels}, "
                                         f"{modules[n].kernel_size[0]}×{modules[n].kernel_size[1]}": n for n in names}
            if not names:
                self.conv = None
                self.conv_summary.object = html.escape(self.t("grad_conv_none"))
                return
            if self.layer not in names:
                self.set_quietly(layer=names[-1])
            self.layer_select.value = self.layer
            module = modules[self.layer]
            o_max, c_max = module.out_channels - 1, module.in_channels - 1
            kh, kw = module.kernel_size
            self.set_quietly(out_ch=min(self.out_ch, o_max), in_ch=min(self.in_ch, c_max),
                             cell_u=min(self.cell_u, kh - 1), cell_v=min(self.cell_v, kw - 1))
            for slider, value, top in ((self.out_slider, self.out_ch, o_max), (self.in_slider, self.in_ch, c_max),
                                       (self.u_slider, self.cell_u, kh - 1), (self.v_slider, self.cell_v, kw - 1)):
                slider.end = max(top, 1)
                slider.disabled = top == 0
                slider.value = value
            self.conv = cb = conv_backward(net, self._image, self.layer, self.gradients[self.layer])
            o, c = self.out_ch, self.in_ch
            self.x_plot.update(cb.x[c])
            self.g_plot.update(cb.g[o])
            self.partial_plot.update(cb.partial_full(o, c))
            self.dx_plot.update(cb.dx_full[c])
            self._render_conv()

    def update_fd(self, recompute=True):
        """Run (or re-show) the finite-difference check."""
        if self.gradients is None:
            return
        with self.guard():
            net = self.session.get(self.model)
            layers = weighted_layers(net)
            self.fd_layer_select.options = {f"{n} · {type(m).__name__} · {'×'.join(map(str, m.weight.shape))}": n
                                            for n, m in layers.items()}
            if self.fd_layer not in layers:
                convs = conv_layers(net)
                self.set_quietly(fd_layer=convs[0] if convs else next(iter(layers)))
            weight = layers[self.fd_layer].weight
            if self.fd_index < 0 or self.fd_index >= weight.data.size:
                self.set_quietly(fd_index=self._largest_index(net))
            self.fd_kind_buttons.value = self.fd_kind
            self.fd_layer_select.value = self.fd_layer
            self.fd_index_input.end = weight.data.size - 1
            self.fd_index_input.value = self.fd_index
            self.fd_row_slider.value, self.fd_col_slider.value = self.fd_row, self.fd_col
            self.eps_slider.value = self.fd_exp
            pixel_mode = self.fd_kind == "pixel"
            for widget in (self.fd_layer_select, self.fd_index_input, self.fd_largest):
                widget.visible = not pixel_mode
            for widget in (self.fd_row_slider, self.fd_col_slider):
                widget.visible = pixel_mode
            self.fd_channel_select.value = self.fd_channel
            set_visible([(self.fd_channel_select, pixel_mode and self.is_photo)])
            if recompute or self.fd is None:
                target = self.saliency["target"]
                self.fd = finite_difference(net, self._image, target, self.loss, self.fd_kind, self.fd_layer,
                                            self.fd_index, (self.fd_row, self.fd_col), channel=self.fd_channel)
            self._mark_pixel()
            self._render_fd()

    def _largest_index(self, net):
        """Flat index of the checked layer's weight with the largest |gradient| (one float64 backward pass)."""
        twin = copy.deepcopy(net).double().eval()
        twin.zero_grad()
        logits = twin(np.asarray(self._image, dtype=np.float64))
        seed, _ = output_gradient(logits, self.saliency["target"], None if self.loss == "score" else self.loss)
        twin.backward(seed)
        return int(np.argmax(np.abs(weighted_layers(twin)[self.fd_layer].weight.grad)))

    def _pick_largest(self):
        with self.guard():
            self.fd_index = self._largest_index(self.session.get(self.model))

    def _pixel_clicked(self, i, j):
        self.param.update(fd_kind="pixel", fd_row=int(i), fd_col=int(j))

    def _mark_pixel(self):
        cells = [(self.fd_row, self.fd_col)] if self.fd_kind == "pixel" else []
        for plot in (self.sal_plot, self.signed_plot, self.input_plot, *self.signed_more):
            plot.mark(cells)
        r, c = self.fd_row, self.fd_col
        self.rgb_plot.mark((r, c, r + 1, c + 1) if cells else None)

    # -- texts ----------------------------------------------------------------------------
    def _render_saliency(self):
        s = self.saliency
        if s is None:
            return
        probs, logits, t = s["probabilities"], s["logits"], s["target"]
        pred = int(np.argmax(probs))
        names = shown_names(self.entry, self.lang)
        smap = s["map"]
        r, c = np.unravel_index(int(np.argmax(smap)), smap.shape)
        check = float(np.abs(s["gradient"] - self.gradients["input"][0]).max()) if self.loss == "score" else None
        text = self.t("grad_sal_summary_photo" if self.is_photo else "grad_sal_summary", pred=f"<b data-testid='grad-pred'>{html.escape(names[pred])}</b>",
                      p=f"{probs[pred]:.1%}", t=f"{t} ({html.escape(names[t])})" if self.is_photo else t,
                      z=fmt(logits[t]), pt=f"{probs[t]:.1%}",
                      m=f"<b data-testid='grad-sal-max'>{fmt(smap.max(), 4)}</b>", r=r, c=c)
        if check is not None:
            text += (f"<br><span style='font-size:14px;color:#52606D'>{html.escape(self.t('grad_sal_check'))} "
                     f"<code data-testid='grad-sal-check'>{fmt(check)}</code></span>")
        self.sal_summary.object = text
        self.input_plot.set_title(self.t("grad_input_title"))
        self.rgb_plot.set_title(self.t("grad_input_title"))
        self.sal_plot.set_title(self.t("grad_sal_title"))
        for plot, colour in zip(self.signed_more, "GB"):      # titled before they are first shown
            plot.set_title(self.t("grad_signed_channel_title", c=colour))
        self.signed_plot.set_title(self.t("grad_signed_channel_title", c="R") if self.is_photo
                                   else self.t("grad_signed_title"))

    def _render_layers(self):
        if self.gradients is None:
            return
        net = self.session.get(self.model)
        modules = dict(net.named_modules())
        rows, titles = [], []
        for name in self._layer_names:
            g = self.gradients[name]
            kind = self.t("grad_input_layer") if name == "input" else f"{name} · {type(modules[name]).__name__}"
            titles.append(kind)
            rows.append((kind, "×".join(map(str, g.shape[1:])), fmt(np.abs(g).max()),
                         fmt(np.sqrt(np.sum(np.square(g, dtype=np.float64)))), f"{np.mean(g == 0):.0%}"))
        headers = [self.t(k) for k in ("grad_col_layer", "grad_col_shape", "grad_col_max", "grad_col_norm",
                                       "grad_col_zero")]
        self.layer_table.object = html_table(headers, rows, self.t("grad_layers_caption"), testid="grad-layers")
        self.layer_grid.update(zip(titles, self._layer_images))

    def _render_conv(self):
        cb = self.conv
        if cb is None:
            return
        o, c, u, v = self.out_ch, self.in_ch, self.cell_u, self.cell_v
        t = self.t
        agree = float(np.abs(cb.dx_full - cb.dx_backward).max())
        prev = self._previous_gradient()
        net_diff = None if prev is None else float(np.abs(cb.dx_backward - prev).max())
        corr = float(np.abs(cb.dweight - cb.dweight_corr).max())
        lines = [f"{html.escape(t('grad_conv_agree'))} <b data-testid='grad-conv-agree'>{fmt(agree)}</b>"]
        if net_diff is not None:
            lines.append(f"{html.escape(t('grad_conv_net'))} <b>{fmt(net_diff)}</b>")
        lines.append(f"{html.escape(t('grad_conv_corr'))} <b data-testid='grad-conv-corr'>{fmt(corr)}</b>")
        self.conv_summary.object = "<br>".join(lines)
        kernel = cb.weight[o, c]
        self.kernel_tables.object = (
            "<div style='display:flex;gap:24px;flex-wrap:wrap'>"
            + number_grid(kernel, t("grad_kernel_caption", o=o, c=c), "grad-kernel")
            + number_grid(kernel[::-1, ::-1], t("grad_rot_caption"), "grad-rot")
            + number_grid(cb.dweight[o, c], t("grad_dw_caption", o=o, c=c), "grad-dw", highlight=(u, v))
            + "</div>")
        terms, total = weight_grad_terms(cb, o, c, u, v)
        big = sorted((term for term in terms if term[4] != 0), key=lambda term: -abs(term[4]))[:WORKED_TERMS]
        (sh, sw), (dh, dw) = cb.stride, cb.dilation
        parts = [f"g[{o},{i},{j}]·x[{c},{sh * i + dh * u},{sw * j + dw * v}] = {fmt(gv)}·{fmt(xv)} = {fmt(p)}"
                 for i, j, gv, xv, p in big]
        rest = len(terms) - len(big)
        pad_note = "" if not any(cb.pads) else " " + t("grad_padded_note", p=cb.pads[0])
        self.worked.object = (
            f"{html.escape(t('grad_worked', u=u, v=v, n=len(terms)))}<br>"
            + "<br>".join(f"&nbsp;&nbsp;{html.escape(p)}" for p in parts)
            + (f"<br>&nbsp;&nbsp;{html.escape(t('grad_worked_more', n=rest))}" if rest > 0 else "")
            + f"<br>∂L/∂w[{o},{c},{u},{v}] = Σ = <b data-testid='grad-wcell'>{fmt(total, 6)}</b>{html.escape(pad_note)}; "
            + f"{html.escape(t('grad_worked_engine'))} <b data-testid='grad-wcell-engine'>{fmt(cb.dweight[o, c, u, v], 6)}</b>")
        self.x_plot.set_title(t("grad_x_title", c=c))
        self.g_plot.set_title(t("grad_g_title", o=o))
        self.partial_plot.set_title(t("grad_partial_title", o=o, c=c))
        self.dx_plot.set_title(t("grad_dx_title", c=c))

    def _previous_gradient(self):
        """The captured gradient at the conv layer's input (the previous layer's output), if it is that."""
        names = list(self.gradients)
        k = names.index(self.layer) if self.layer in names else -1
        if k <= 0:
            return None
        before = self.gradients[names[k - 1]]
        return before[0] if before.shape[1:] == self.conv.x.shape else None

    def _render_fd(self):
        if not self.fd:
            return
        t = self.t
        chosen = self.fd[self.fd_exp - 1]
        if self.fd_kind == "pixel" and self.is_photo:
            which = t("grad_fd_which_pixel_rgb", k=self.fd_channel, colour="RGB"[self.fd_channel], r=self.fd_row,
                      c=self.fd_col, value=fmt(chosen.value, 4))
        elif self.fd_kind == "pixel":
            which = t("grad_fd_which_pixel", r=self.fd_row, c=self.fd_col, value=fmt(chosen.value, 4))
        else:
            weight = weighted_layers(self.session.get(self.model))[self.fd_layer].weight
            pos = "[" + ",".join(map(str, np.unravel_index(self.fd_index, weight.shape))) + "]"
            which = t("grad_fd_which_weight", pos=pos, layer=self.fd_layer, value=fmt(chosen.value, 4))
        what = t("grad_loss_score") if self.loss == "score" else t("grad_loss_cross_entropy")
        self.fd_which.object = (html.escape(which) + "<br>"
                                + html.escape(t("grad_fd_loss", what=what, t=chosen.target, value=fmt(chosen.loss, 6))))
        rel = chosen.rel_error
        verdict = "grad_fd_verdict_ok" if rel < AGREE else ("grad_fd_verdict_close" if rel < 1e-3 else
                                                            "grad_fd_verdict_bad")
        colour = "#009E73" if rel < AGREE else ("#B8860B" if rel < 1e-3 else "#D55E00")
        self.fd_summary.object = (
            f"ε = {chosen.eps:.0e}:<br>"
            f"{html.escape(t('grad_fd_numeric'))} <b data-testid='grad-fd-numeric'>{chosen.numeric:.10g}</b><br>"
            f"{html.escape(t('grad_fd_analytic'))} <b data-testid='grad-fd-analytic'>{chosen.analytic:.10g}</b><br>"
            f"{html.escape(t('grad_fd_rel'))} <b data-testid='grad-fd-rel'>{rel:.2e}</b> "
            f"<span style='color:{colour};font-weight:700' role='status'>{html.escape(t(verdict))}</span>")
        rows = [(f"{r.eps:.0e}", f"{r.loss_plus:.10g}", f"{r.loss_minus:.10g}", f"{r.numeric:.10g}",
                 f"{r.rel_error:.2e}") for r in self.fd]
        headers = [t(k) for k in ("grad_col_eps", "grad_col_plus", "grad_col_minus", "grad_col_numeric",
                                  "grad_col_rel")]
        self.fd_table.object = html_table(headers, rows, t("grad_fd_table"), testid="grad-fd-table",
                                          highlight=self.fd_exp - 1)

    def relabel(self):
        t = self.t
        self.model_select.label = t("model")
        self.model_select.options = self.session.options(self.lang, ("digit", "photo"))
        self.model_select.value = self.model
        self.picker.relabel()
        self.fd_channel_select.name = t("grad_fd_channel")
        if self.is_photo:
            self.photo_note.object = html.escape(model_note(self.entry, self.lang))
        self.target_select.label = t("grad_target")
        self.target_select.options = self._target_options()
        self.target_select.value = self.target
        self.loss_buttons.options = {t(f"grad_loss_{k}"): k for k in LOSSES}
        self.loss_buttons.value = self.loss
        self.fd_kind_buttons.options = {t("grad_fd_weight"): "weight", t("grad_fd_pixel"): "pixel"}
        self.fd_kind_buttons.value = self.fd_kind
        self.layer_select.label = t("grad_conv_layer")
        self.out_slider.name = t("grad_out_ch")
        self.in_slider.name = t("grad_in_ch")
        self.u_slider.name = t("grad_cell_u")
        self.v_slider.name = t("grad_cell_v")
        self.fd_layer_select.label = t("grad_fd_layer")
        self.fd_index_input.name = t("grad_fd_index")
        self.fd_largest.label = t("grad_fd_largest")
        self.fd_row_slider.name = t("grad_fd_row")
        self.fd_col_slider.name = t("grad_fd_col")
        self.eps_slider.name = t("grad_fd_eps")
        for key, text in (("loss", "grad_loss"), ("fd_kind", "grad_fd_kind")):
            self.labels[key].object = f"<b>{html.escape(t(text))}</b>"
        for key, text in (("sal", "grad_sal_heading"), ("layers", "grad_layers_heading"),
                          ("conv", "grad_conv_heading"), ("fd", "grad_fd_heading")):
            self.headings[key].object = f"<h2 style='margin:4px 0;font-size:22px'>{html.escape(t(text))}</h2>"
        self.layers_note.object = f"<span style='font-size:15px'>{html.escape(t('grad_layers_note'))}</span>"
        self.source.relabel(t)
        self._explain_input_kind()
        self.explain_conv.object = "\n\n".join([
            f"### {t('explain_title')}", t("grad_explain_conv"), FORMULAS["dx"], t("grad_explain_dw"), FORMULAS["dw"],
            FORMULAS["db"]])
        self.explain_fd.object = "\n\n".join([
            f"### {t('explain_title')}", t("grad_explain_fd"), FORMULAS["fd"], t("grad_explain_kinks")])
        self._render_saliency()
        self._render_layers()
        self._render_conv()
        self._render_fd()

    # -- layout -----------------------------------------------------------------------------
    def __panel__(self):
        card = theme.card()
        flex = theme.FLEX
        pick = pn.Column(self.model_select, self.photo_note, self.target_select, self.labels["loss"],
                         self.loss_buttons, self.digit_box, self.photo_box, width=280, **card)
        sal = pn.Column(self.headings["sal"],
                        pn.Row(*self.digit_panes, pn.Column(self.photo_panes[0], margin=0, css_classes=["grad-photo"]),
                               pn.Column(pn.pane.Bokeh(self.sal_plot.figure), margin=0, css_classes=["grad-saliency"]),
                               pn.pane.Bokeh(self.signed_plot.figure)),
                        pn.Row(*self.photo_panes[1:]),       # a picture's G and B maps below its R map
                        self.sal_summary, **card)
        layers = pn.Column(self.headings["layers"], self.layers_note,
                           pn.FlexBox(pn.pane.Bokeh(self.layer_grid.figure), self.layer_table, flex_wrap="wrap"),
                           sizing_mode="stretch_width", **card)
        conv = pn.Column(self.headings["conv"], pn.Row(self.layer_select, self.out_slider, self.in_slider),
                         pn.Row(pn.pane.Bokeh(self.x_plot.figure), pn.pane.Bokeh(self.g_plot.figure),
                                pn.pane.Bokeh(self.partial_plot.figure), pn.pane.Bokeh(self.dx_plot.figure)),
                         self.conv_summary, pn.Row(self.u_slider, self.v_slider), self.kernel_tables, self.worked,
                         width=910, **card)
        fd = pn.Column(self.headings["fd"], self.labels["fd_kind"], self.fd_kind_buttons,
                       pn.Row(self.fd_layer_select, self.fd_index_input, self.fd_largest,
                              self.fd_channel_select, self.fd_row_slider, self.fd_col_slider),
                       self.eps_slider, self.fd_which, self.fd_summary, self.fd_table, width=910, **card)
        return pn.Column(
            self._error,
            pn.FlexBox(pick, self.picker.card, sal, pn.Column(self.explain_top, **card), **flex),
            pn.FlexBox(layers, **flex),
            pn.FlexBox(conv, pn.Column(self.explain_conv, **card), **flex),
            pn.FlexBox(fd, pn.Column(self.explain_fd, **card), **flex),
            sizing_mode="stretch_width")

"""Inside the network: every layer's feature maps, the learned kernels, and one unit taken apart.

The input is a sample digit from the test set or, inside the playground,
the student's drawing (``set_input(x)`` or the ``image`` param); for a photo model
(``ModelEntry.input == "photo"``: the pretrained ``photo_tiles`` or a network trained in
Your classes) it is a picture (``photo``: a shipped one or the student's file or camera
frame, :mod:`app.widgets.photo_input`), shown in colour and as its R, G and B
channels, 32 x 32, with every class's probability by name. One
forward pass (``cnncore.inspect.capture``) gives every layer's output; the
overview draws each layer's channels side by side. Clicking a pixel of any
map (or choosing layer, channel, row and column with the controls) selects
one unit, and the view shows

* its theoretical receptive field on the input and the units it depends on
  in every earlier layer (``receptive_fields`` / ``input_window``), with the
  effective receptive field as an orange glow (``effective_receptive_field``);
* the arithmetic that produced its value (``explain_unit``): window ×
  kernel = products, the sum, the bias, the activation; for pooling, the winner.

Plots are updated in place; only a change of model rebuilds them (the
layers change). The result of the arithmetic is in
``data-testid="inside-result"``.
"""
import html

import numpy as np
import panel as pn
import param

from cnncore.data import sample_digits
from cnncore.inspect import effective_receptive_field, explain_unit, input_window, receptive_fields

from app.core import theme
from app.core.model_values import int_range, watch_replaced
from app.core.responsive import set_visible
from app.core.theme import ACCENT, GREY, SIGNED, symmetric_range
from app.views.base import View
from app.views.inside import strings  # noqa: F401  (merges this view's strings into app.core.i18n)
from app.views.inside.explain import EXPLAIN_CSS, explanation_html, fmt, partial_sums
from app.views.inside.network import (Snapshot, conv_layers, dependency_box, layer_kind_key, network_layers,
                                      normalise_input)
from app.views.inside.plots import TileMosaic, VectorCells, colour_range, mosaic_columns
from app.views.inside.tooltip import set_description
from app.widgets.photo_input import (YOURS, PhotoPicker, model_input, model_note, picture_names, probabilities_html,
                                     shown_names)

__all__ = ["InsideView", "load_samples", "css_name"]

# Layers whose every value mixes the whole map before them: no window to take apart.
GLOBAL_MIXERS = ("AttentionPool2d", "BilinearPool2d")

_CSS = f"""
.ins-head {{ font-size: 15px; line-height: 1.3; }}
.ins-head b {{ font-size: 16px; }}
.ins-head .shape {{ color: #52606D; font-variant-numeric: tabular-nums; }}
.ins-head .range {{ color: #52606D; font-size: 13px; font-variant-numeric: tabular-nums; }}
.ins-head.on b {{ color: {ACCENT}; }}
.ins-title {{ font-size: 20px; font-weight: 600; margin: 2px 0 4px 0; }}
:host(.ins-note) {{ color: #52606D; font-size: 15px; }}
:host(.ins-cap) {{ font-size: 15px; }}
:host(.ins-status) {{ font-size: 17px; }}
"""


def load_samples():
    """One test digit of each class, ``(10, 28, 28)`` floats in 0..1 (index = digit)."""

    images, labels = sample_digits(1)
    order = np.argsort(labels, kind="stable")
    return np.asarray(images[order, 0], dtype=np.float32)          # (10, 1, 28, 28) -> (10, 28, 28)


def css_name(name):
    """A module name as a CSS class fragment: ``'layer1.0.conv1'`` -> ``'layer1-0-conv1'``."""
    return "".join(ch if ch.isalnum() else "-" for ch in name)


def _html(css_class="", **kwargs):
    return pn.pane.HTML("", stylesheets=[_CSS], css_classes=[css_class] if css_class else [], **kwargs)


class InsideView(View):
    """Feature maps, kernels, receptive fields and the arithmetic of one clicked unit.

    State (kept in the URL): ``model``, ``layer``, ``channel``, ``i``, ``j``, ``sample``, ``photo`` and ``lang``.
    Input: ``image`` (a 28x28 drawing, or None for the sample digit); ``set_input(x)`` sets it.
    A photo model reads ``photo`` instead (a shipped picture, or ``"yours"``: ``picker.source``).
    Outputs for tests and other views: ``snapshot`` (every layer's activation), ``explanation``
    (a ``cnncore.inspect.UnitExplanation``), ``rf_box`` (the input window), ``erf`` (the effective
    receptive field, ``(28, 28)``) and ``depends`` (``{layer: box}`` on earlier layers).
    """

    model = param.Selector(default=None, objects=[], check_on_set=True, doc="Key of the model in the session's models.")
    # A Parameter, not a String: the URL reads ``?layer=3`` as the number 3 (made a string in _on_change).
    layer = param.Parameter(default="", doc="Name of the chosen layer ('' = the first feature map).")
    channel = param.Integer(default=0, bounds=(0, None), doc="Channel of the chosen unit (unit index in a vector).")
    i = param.Integer(default=14, bounds=(0, None), doc="Row of the chosen unit.")
    j = param.Integer(default=14, bounds=(0, None), doc="Column of the chosen unit.")
    sample = param.Integer(default=3, bounds=(0, 9), doc="The sample digit used as input.")
    photo = param.Selector(default="chelsea", objects=picture_names(),
                           doc="The picture a photo model sees: a shipped one or 'yours'.")
    image = param.Array(default=None, allow_None=True, doc="A drawing (28x28, 0-1) used as input instead.")
    use_drawing = param.Boolean(default=False, doc="Read ``image`` (True) or the sample digit (False).")
    show_erf = param.Boolean(default=True, doc="Overlay the effective receptive field.")
    in_channel = param.Integer(default=-1, doc="Input channel shown in a convolution's detail (-1: largest sum).")

    model_inputs = ("digit", "photo")

    url_params = ("model", "layer", "channel", "i", "j", "sample", "photo")

    def __init__(self, session=None, **params):
        super().__init__(session=session, **params)
        self.picker = PhotoPicker(self)
        self.small = None            # the picture as a photo model sees it, (32, 32, 3) uint8
        if self.image is not None:
            self.image = normalise_input(self.image)[0, 0]
            self.use_drawing = True
        self._samples = load_samples()
        self.layers, self.snapshot, self.explanation = [], None, None
        self.rf_box, self.erf, self.depends = None, None, {}
        self.model_select = pn.widgets.Select(width=250, margin=(4, 10))
        self.sample_buttons = [pn.widgets.Button(name=str(d), width=44, height=40, margin=(2, 2),
                                                 button_type="light") for d in range(10)]
        self.drawing_button = pn.widgets.Button(width=150, height=40, margin=(2, 2), visible=False,
                                                button_type="light")
        self.layer_select = pn.widgets.Select(width=250, margin=(4, 10))
        self.channel_slider = pn.widgets.IntSlider(start=0, end=1, width=230, margin=(4, 14))
        self.row_slider = pn.widgets.IntSlider(start=0, end=1, width=230, margin=(4, 14))
        self.col_slider = pn.widgets.IntSlider(start=0, end=1, width=230, margin=(4, 14))
        self.erf_toggle = pn.widgets.Checkbox(value=self.show_erf, margin=(8, 10))
        self.in_channel_select = pn.widgets.Select(width=300, margin=(4, 0))
        self.input_status = _html("ins-status", width=260, margin=(4, 10))
        self.prediction = _html("ins-status", width=260, margin=(0, 10))
        self.keyboard_hint = _html("ins-note", width=260, margin=(0, 10))
        self.samples_title = _html("ins-note", width=480, margin=(0, 10))
        self.digit_box = pn.Column(self.samples_title, pn.Row(*self.sample_buttons, margin=(0, 8)),
                                   self.drawing_button, margin=0)
        self.photo_box = pn.Column(self.picker.select, self.picker.credit, margin=0, visible=False)

        # -- texts -------------------------------------------------------------
        self.titles = {key: _html(margin=(0, 10)) for key in
                       ("input", "choose", "overview", "unit", "compute", "kernels")}
        self.overview_hint = _html("ins-note", sizing_mode="stretch_width", margin=(0, 10))
        self.legend = _html("ins-note", sizing_mode="stretch_width", margin=(0, 10))
        self.unit_title = _html(sizing_mode="stretch_width", margin=(0, 10))
        self.value_text = _html("ins-cap", width=280, margin=(0, 10))
        self.rf_caption = _html("ins-cap", width=280, margin=(0, 10))
        self.rf_title = _html("ins-cap", width=280, margin=(0, 10))
        self.focus_title = _html("ins-cap", width=280, margin=(0, 10))
        self.focus_caption = _html("ins-cap", width=280, margin=(0, 10))
        self.detail = pn.pane.HTML("", stylesheets=[EXPLAIN_CSS], sizing_mode="stretch_width", min_height=200,
                                   margin=(0, 10))
        self.kernels_caption = _html("ins-note", sizing_mode="stretch_width", margin=(0, 10))
        self.explain_title = _html(margin=(0, 10))
        self.explanation_text = pn.pane.Markdown("", width=360, margin=(0, 10))
        self.untrained_note = pn.pane.Alert("", alert_type="info", width=260, margin=(4, 10))
        self.photo_note = pn.pane.HTML("", width=300, margin=(4, 10), visible=False,
                                       styles={"color": "#52606D", "font-size": "14px"})
        self.class_probs = pn.pane.HTML("", width=320, margin=(4, 10), visible=False)
        self.picker.card.visible = False

        # -- plots (the model-specific ones are made in _load_model) -----------
        self.input_big = TileMosaic(1, (28, 28), 1, 252, overlay=True)
        self.input_big.update(np.zeros((1, 28, 28)), (GREY, 0.0, 1.0))
        self.focus = TileMosaic(1, (28, 28), 1, 252)
        self.focus.on_click(lambda k, i, j: self.select(self.layer, self.channel, i, j))
        self.input_small = TileMosaic(1, (28, 28), 1, 84)
        self.overview = pn.Row(sizing_mode="stretch_width", styles={"overflow-x": "auto"}, margin=(0, 4))
        self.kernels = pn.Row(sizing_mode="stretch_width", styles={"overflow-x": "auto"}, margin=(0, 4))
        self.focus_pane = pn.pane.Bokeh(self.focus.figure, margin=(0, 10))

        # -- wiring --------------------------------------------------------------
        self.bind(self.model_select, "model")
        for digit, button in enumerate(self.sample_buttons):
            button.on_click(lambda e, d=digit: self.param.update(sample=d, use_drawing=False))
        self.drawing_button.on_click(lambda e: setattr(self, "use_drawing", self.image is not None))
        self.bind(self.layer_select, self._pick_layer)
        self.bind(self.channel_slider, "channel")
        self.bind(self.row_slider, "i")
        self.bind(self.col_slider, "j")
        self.bind(self.erf_toggle, "show_erf")
        self.bind(self.in_channel_select, "in_channel")
        self.param.watch(self._on_change, ["model", "layer", "channel", "i", "j", "sample", "image",
                                           "use_drawing", "show_erf", "in_channel", "photo"])
        # a link's channel or unit beyond the chosen layer's (clipped in _render): said, after _on_change
        watch_replaced(self, {name: (lambda view, name=name: int_range(view, getattr(view, name)))
                              for name in ("channel", "i", "j")})

        with self.guard():
            bad = self._load_model()
            self._compute()
            self._render()
            if bad:
                self._ignore_layer(bad)
        self.relabel()

    # -- public ---------------------------------------------------------------------
    def set_input(self, x):
        """Use ``x`` (a 28x28 image, 0-1 or 0-255; None: back to the sample digit) as the input."""
        with self.guard():
            if x is None:
                self.param.update(image=None, use_drawing=False)
            else:
                self.param.update(image=normalise_input(x)[0, 0], use_drawing=True)

    def select(self, layer, channel=0, i=0, j=0):
        """Choose a unit: ``channel`` (a unit index in a vector layer), row ``i`` and column ``j``."""
        self.param.update(layer=layer, channel=int(channel), i=int(i), j=int(j), in_channel=-1)

    @property
    def info(self):
        """The :class:`~app.views.inside.network.LayerInfo` of the chosen layer."""
        return self._info(self.layer)

    @property
    def input_hw(self):
        """``(H, W)`` of the model's input: 28 x 28 for a digit, 32 x 32 for a photo."""
        return tuple(self.entry.input_shape[1:])

    @property
    def input(self):
        """The current input, ``(1, 1, 28, 28)`` (a digit) or ``(1, 3, 32, 32)`` (a photo model's picture)."""
        if self.is_photo:
            self.small, x = model_input(self.picker.picture())
            return x
        if self.use_drawing and self.image is not None:
            return normalise_input(self.image)
        return normalise_input(self._samples[self.sample])

    # -- reactions --------------------------------------------------------------------
    def _on_change(self, *events):
        names = {e.name for e in events}
        if self._updating:
            return
        with self.guard():
            if not isinstance(self.layer, str):
                with param.parameterized.discard_events(self):
                    self.layer = str(self.layer)
            if "image" in names and self.image is not None and not self.use_drawing:
                self.use_drawing = True     # re-enters _on_change, which recomputes
                return
            bad = None
            if "model" in names:
                missing = self._load_model()
                bad = missing if "layer" in names else None   # a link's bad layer is reported; a model
                self._show_untrained_note()                      # switch just starts at the first map
            if names & {"model", "sample", "image", "use_drawing", "photo"}:
                self._compute()
            if not any(info.name == self.layer for info in self.layers):
                bad, self.layer = self.layer, self._default_layer()   # re-enters and renders
            else:
                self._render()
            if bad:
                self._ignore_layer(bad)

    def _ignore_layer(self, bad):
        """A link's layer this model does not have: listed with the ignored settings (the first map is shown)."""
        names = ", ".join(info.name for info in self.layers)
        self.ignore_url_value("layer", bad, self.t("url_allowed_choice", choices=names))

    def _default_layer(self):
        return next((info for info in self.layers if info.is_map), self.layers[0]).name

    def _show_untrained_note(self):
        self.untrained_note.visible = not self.session.entry(self.model).pretrained

    def _pick_layer(self, name):
        if name != self.layer:
            info = self._info(name)
            h, w = info.hw
            self.param.update(layer=name, channel=min(self.channel, info.channels - 1),
                              i=h // 2, j=w // 2, in_channel=-1)

    def _info(self, name):
        for info in self.layers:
            if info.name == name:
                return info
        raise KeyError(self.t("inside_bad_layer", layer=name))

    def layer_label(self, info):
        """``'Conv 3'``: the kind of layer in the current language and its module name."""
        if info is None:
            return self.t("inside_input_layer_rgb" if self.is_photo else "inside_input_layer")
        key = layer_kind_key(info.type)
        return f"{self.t(key) if key else info.type} {info.name}"

    # -- model and input ---------------------------------------------------------------
    def _load_model(self):
        """Build the per-model plots (one mosaic per layer, one per convolution's kernels).

        Returns the chosen layer's name if this model has no such layer (it is
        replaced by the first feature map), else None.
        """

        net = self.session.get(self.model)
        net.eval()
        self.net = net
        shape = (1, *self.entry.input_shape)             # (1, 1, 28, 28) or (1, 3, 32, 32)
        self.layers = network_layers(net, shape)
        self.rows = receptive_fields(net, shape)
        channels, hw = shape[1], shape[2:]
        self.input_small = TileMosaic(channels, hw, 1, 84)
        self.input_big.h, self.input_big.w = hw           # one tile: cells are 1/h by 1/w of it
        self.layer_plots, self.layer_heads = {}, {}
        columns = [pn.Column(self._head_pane("input", 100), pn.pane.Bokeh(self.input_small.figure, margin=(0, 4)),
                             margin=(0, 6))]
        for info in self.layers:
            if info.is_map:
                ncols = mosaic_columns(info.channels)
                rows = -(-info.channels // ncols)
                tile_px = int(max(26, min(84, 330 / rows, 190 / ncols)))
                plot = TileMosaic(info.channels, info.hw, ncols, tile_px)
                plot.on_click(lambda k, i, j, name=info.name: self.select(name, k, i, j))
            else:
                labels = [str(d) for d in range(info.channels)] if info.channels <= 16 else None
                plot = VectorCells(info.channels, cell_px=22 if info.channels <= 16 else 11, labels=labels)
                plot.on_click(lambda k, name=info.name: self.select(name, k, 0, 0))
            self.layer_plots[info.name] = plot
            pane = pn.Column(pn.pane.Bokeh(plot.figure, margin=0), margin=(0, 4),
                             css_classes=[f"inside-plot-{css_name(info.name)}"])   # a handle for tests
            columns.append(pn.Column(self._head_pane(info.name, plot.figure.width), pane, margin=(0, 6)))
        self.overview[:] = columns
        self._load_kernels(net)
        bad = None
        if not any(info.name == self.layer for info in self.layers):
            bad = self.layer or None
            with param.parameterized.discard_events(self):
                self.layer = self._default_layer()
        return bad

    def _head_pane(self, name, plot_width):
        pane = _html(width=max(112, plot_width), margin=(0, 4))
        self.layer_heads[name] = pane
        return pane

    def _load_kernels(self, net):
        self.kernel_plots, self.kernel_heads, columns = {}, {}, []
        for name, weight in conv_layers(net):
            out, inp, kh, kw = weight.shape
            # one column per output channel, one row per input channel:
            # (out, in, kh, kw) -> (in, out, kh, kw) -> (in * out, kh, kw); tile k = c_in * out + c_out
            tiles, ncols = weight.transpose(1, 0, 2, 3).reshape(inp * out, kh, kw), out
            tile_px = int(max(12, min(44, 8 * kh, 360 / inp, 760 / out)))
            plot = TileMosaic(len(tiles), (kh, kw), ncols, tile_px)
            plot.update(tiles, (SIGNED, *symmetric_range(weight)))
            plot.on_click(lambda k, i, j, name=name, out=out: self._pick_kernel(name, k, out))
            self.kernel_plots[name] = (plot, inp, out)
            head = _html(width=max(190, plot.figure.width), margin=(0, 4))
            self.kernel_heads[name] = head
            columns.append(pn.Column(head, pn.pane.Bokeh(plot.figure, margin=(0, 4)), margin=(0, 10)))
        self.kernels[:] = columns

    def _pick_kernel(self, name, k, out):
        in_channel, out_channel = divmod(k, out)
        info = self._info(name)
        self.param.update(layer=name, channel=out_channel, i=min(self.i, info.hw[0] - 1),
                          j=min(self.j, info.hw[1] - 1), in_channel=in_channel)

    def _compute(self):
        """One forward pass on the current input; every layer's plot gets its new maps."""
        self.snapshot = Snapshot(self.net, self.input, self.layers)
        if self.is_photo:                       # the R, G, B channels as 0-1 greys, the picture in colour
            channels = self.small.transpose(2, 0, 1) / 255.0          # (32, 32, 3) -> (3, 32, 32)
            self.input_small.update(channels, (GREY, 0.0, 1.0))
            self.input_big.update(channels[:1], (GREY, 0.0, 1.0))
            self.input_big.show_picture(self.small)
        else:
            x = self.snapshot.x[0, 0]
            self.input_small.update(x[None], (GREY, 0.0, 1.0))
            self.input_big.update(x[None], (GREY, 0.0, 1.0))
            self.input_big.show_picture(None)
        for info in self.layers:
            values = self.snapshot.activations[info.name]
            self.layer_plots[info.name].update(values, colour_range(values))

    # -- the chosen unit ------------------------------------------------------------------
    def _valid_selection(self):
        """The chosen unit clipped to the chosen layer (the URL or a model switch may be out of range)."""
        info = self.info
        h, w = info.hw
        return dict(channel=min(self.channel, info.channels - 1), i=min(self.i, h - 1), j=min(self.j, w - 1))

    def _render(self):
        """Explain the chosen unit and update every overlay, caption and control."""

        valid = self._valid_selection()
        if any(getattr(self, k) != v for k, v in valid.items()):
            self.param.update(**valid)                    # re-enters _on_change with valid values
            return
        info, c, i, j = self.info, self.channel, self.i, self.j
        x, (height, width) = self.snapshot.x, self.input_hw
        if info.is_map:
            self.rf_box = input_window(self.rows, info.name, i, j, (height, width))
            self.erf = effective_receptive_field(self.net, x, info.name, (i, j), channel=c)
        else:
            self.rf_box, self.erf = (0, 0, height, width), None
        self.depends = {}
        for earlier in self.layers[:info.index]:
            self.depends[earlier.name] = dependency_box(self.rows, info, i, j, earlier)
        block = "Block" in info.type or "Bottleneck" in info.type or info.type in GLOBAL_MIXERS
        self.explanation = None if block else explain_unit(self.net, x, info.name, c,
                                                           *((i, j) if info.is_map else ()))
        # overlays: the chosen layer marks its unit, earlier layers the units it reads
        for other in self.layers:
            plot = self.layer_plots[other.name]
            if other.name == info.name:
                if info.is_map:
                    plot.show_unit(c, i, j)
                    plot.show_tiles([c])
                    plot.show_region(None)
                else:
                    plot.show_unit(c)
            elif other.is_map:
                plot.show_unit(None)
                plot.show_tiles([])
                plot.show_region(self.depends.get(other.name))
            else:
                plot.show_unit(None)
        top, left, bottom, right = self.rf_box
        whole = self.rf_box == (0, 0, height, width) and not info.is_map
        for plot in (self.input_small, self.input_big):
            plot.show_region(None if whole else (top, left, bottom, right))
        self.input_big.show_overlay(self.erf if (self.show_erf and self.erf is not None) else None)
        if info.is_map:
            values = self.snapshot.activations[info.name]
            self.focus.h, self.focus.w = info.hw      # one tile: cells are 1/h by 1/w of the tile
            self.focus.update(values[c][None], colour_range(values[c]))   # this channel's own range
            self.focus.show_unit(0, i, j)
        for name, (plot, inp, out) in self.kernel_plots.items():
            chosen = name == info.name
            plot.show_tiles([c_in * out + c for c_in in range(inp)] if chosen else [])
            shown = self._shown_input_channel()       # the kernel in the detail panel: orange
            if chosen and shown is not None:
                plot.show_region((0, 0, plot.h, plot.w), [shown * out + c])
            else:
                plot.show_region(None)
        self._sync_controls()
        self._write_texts()

    def _shown_input_channel(self):
        """Index of the input channel whose window and kernel the detail panel shows, or None."""
        e = self.explanation
        if e is None or e.kind != "conv":
            return None
        sums = partial_sums(e)
        return self.in_channel if 0 <= self.in_channel < len(sums) else int(np.argmax(np.abs(sums)))

    def _sync_controls(self):
        info = self.info
        with self.quietly():
            self.model_select.value = self.model          # a link's model (URL sync) shows in the picker too
            options = {self._layer_option(other): other.name for other in self.layers}
            if self.layer_select.options != options:
                self.layer_select.options = options
            self.layer_select.value = info.name
            self.channel_slider.end = max(1, info.channels - 1)
            self.channel_slider.value = self.channel
            self.channel_slider.disabled = info.channels == 1
            for slider, size, value in ((self.row_slider, info.hw[0], self.i), (self.col_slider, info.hw[1], self.j)):
                slider.end = max(1, size - 1)
                slider.value = value
                slider.visible = info.is_map
                slider.disabled = size == 1
            self.erf_toggle.value = self.show_erf
            e = self.explanation
            if e is not None and e.kind == "conv":
                sums = partial_sums(e)
                options = {self.t("inside_in_channel_option", channel=int(ch), s=fmt(s, 3)): k
                           for k, (ch, s) in enumerate(zip(e.input_channels, sums))}
                if self.in_channel_select.options != options:
                    self.in_channel_select.options = options
                self.in_channel_select.value = self._shown_input_channel()
                self.in_channel_select.visible = len(sums) > 1
            else:
                self.in_channel_select.visible = False
            photo = self.is_photo
            for digit, button in enumerate(self.sample_buttons):
                button.button_type = "primary" if (digit == self.sample and not self.use_drawing) else "light"
            set_visible(((self.digit_box, not photo), (self.photo_box, photo), (self.photo_note, photo),
                         (self.class_probs, photo), (self.picker.card, photo and self.photo == YOURS)))
            self.picker.sync()
            self.drawing_button.visible = self.image is not None
            self.drawing_button.button_type = "primary" if self.use_drawing else "light"

    def _layer_option(self, info):
        shape = " × ".join(str(s) for s in info.shape)
        return f"{self.layer_label(info)}  ({shape})"

    # -- texts ---------------------------------------------------------------------------------
    def _write_texts(self):
        info, snap = self.info, self.snapshot
        if snap is None:
            return
        for name, pane in self.layer_heads.items():
            pane.object = self._head_html(None if name == "input" else self._info(name))
        if self.is_photo:
            source = self.t(f"photo_in_{self.photo}")
        else:
            source = (self.t("inside_source_drawing") if self.use_drawing and self.image is not None
                      else self.t("inside_source_sample", digit=self.sample))
        self.input_status.object = f"<b>{html.escape(self.t('inside_input_title'))}:</b> {html.escape(source)}"
        logits = snap.output.reshape(-1).astype(np.float64)
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        self.probabilities = probs
        self.explanation_text.object = self.t("inside_explain_photo" if self.is_photo else "inside_explain")
        if self.is_photo:
            names, shown = self.entry.class_names, shown_names(self.entry, self.lang)
            best = shown[int(np.argmax(probs))]
            self.prediction.object = self.t("photo_in_prediction", name=html.escape(best), p=float(probs.max()))
            self.class_probs.object = probabilities_html(names, probs, self.lang, "inside-probabilities", shown)
            self.photo_note.object = html.escape(model_note(self.entry, self.lang))
        else:
            self.prediction.object = self.t("inside_prediction", digit=int(np.argmax(probs)), p=float(probs.max()))
        label = self.layer_label(info)
        title = (self.t("inside_unit_title", layer=label, channel=self.channel, i=self.i, j=self.j) if info.is_map
                 else self.t("inside_unit_title_vector", layer=label, channel=self.channel))
        self.unit_title.object = f'<div class="ins-title" data-testid="inside-unit-title">{html.escape(title)}</div>'
        value = snap.value(info, self.channel, self.i, self.j)
        self.value_text.object = (f'<span data-testid="inside-value">'
                                  f'{self.t("inside_value", value=fmt(value, 4))}</span>')
        top, left, bottom, right = self.rf_box
        if not info.is_map or self.rows_whole(info):
            rf = self.t("inside_rf_whole")
        else:
            rf = self.t("inside_rf_caption", top=top, bottom=bottom - 1, left=left, right=right - 1,
                        h=bottom - top, w=right - left)
        if info.is_map and self.show_erf and self.erf is not None and not self.erf.any():
            rf += " " + self.t("inside_erf_dead")
        self.rf_caption.object = f'<span data-testid="inside-rf">{html.escape(rf)}</span>'
        self.rf_title.object = f"<b>{html.escape(self.t('inside_rf_title'))}</b>"
        self.focus_title.object = f"<b>{html.escape(self.t('inside_focus_title'))}</b>"
        self.focus_caption.object = html.escape(self.t("inside_focus_caption") if info.is_map
                                                else self.t("inside_focus_vector"))
        self.focus_pane.visible = info.is_map
        e = self.explanation
        if e is None:
            note = (self.t("inside_global_pool_note", name=info.type) if info.type in GLOBAL_MIXERS
                    else self.t("inside_block_note"))
            self.detail.object = f'<div class="ix">{html.escape(note)}</div>'
        else:
            previous = self.layers[info.index - 1] if info.index > 0 else None
            in_channel = self.in_channel if self.in_channel >= 0 else None
            body = explanation_html(e, self.t, in_channel=in_channel, input_layer=self.layer_label(previous))
            check = self.t("inside_check", value=fmt(value, 4))
            self.detail.object = body + f'<div class="ins-note" style="margin-top:6px">{html.escape(check)}</div>'
        for name, head in self.kernel_heads.items():
            plot, inp, out = self.kernel_plots[name]
            kh, kw = plot.h, plot.w
            text = self.t("inside_kernel_header", layer=self.layer_label(self._info(name)), out=out, inp=inp,
                          kh=kh, kw=kw)
            head.object = f'<div class="ins-head{" on" if name == info.name else ""}"><b>{html.escape(text)}</b></div>'

    def rows_whole(self, info):
        """Does every unit of ``info`` see the whole image?"""
        return any(row.name == info.name and row.whole_input for row in self.rows)

    def _head_html(self, info):
        if info is None:
            shape = " × ".join(str(s) for s in self.entry.input_shape)
            rgb = f'<br><span class="range">{html.escape(self.t("inside_input_rgb"))}</span>' if self.is_photo else ""
            return (f'<div class="ins-head" data-testid="inside-layer-input"><b>'
                    f'{html.escape(self.t("inside_input_layer"))}</b><br><span class="shape">{shape}</span>{rgb}</div>')
        low, high = self.snapshot.value_range(info)
        shape = " × ".join(str(s) for s in info.shape)
        label = self.layer_label(info)
        aria = self.t("inside_layer_aria", layer=label, shape=shape, low=fmt(low), high=fmt(high))
        on = " on" if info.name == self.layer else ""
        return (f'<div class="ins-head{on}" role="img" aria-label="{html.escape(aria)}" '
                f'data-testid="inside-layer-{html.escape(info.name)}"><b>{html.escape(label)}</b><br>'
                f'<span class="shape">{shape}</span><br>'
                f'<span class="range">{fmt(low)} … {fmt(high)}</span></div>')

    def relabel(self):
        self.model_select.name = self.t("model")
        self.model_select.options = self.session.options(self.lang, ("digit", "photo"))
        self.model_select.value = self.model
        self.picker.relabel()
        self.samples_title.object = html.escape(self.t("inside_samples"))
        self.layer_select.name = self.t("inside_layer")
        info = self.info if self.layers else None
        self.channel_slider.name = self.t("inside_channel" if info is None or info.is_map else "inside_unit")
        self.row_slider.name = self.t("inside_row")
        self.col_slider.name = self.t("inside_col")
        self.erf_toggle.name = self.t("inside_show_erf")
        self.in_channel_select.name = self.t("inside_in_channel")
        for digit, button in enumerate(self.sample_buttons):
            set_description(button, self.t("inside_sample_button", digit=digit))
        self.drawing_button.name = self.t("inside_drawing")
        set_description(self.drawing_button, self.t("inside_drawing_help"))
        self.keyboard_hint.object = html.escape(self.t("inside_keyboard"))
        for key, text_key in (("input", "inside_input_title"), ("choose", "inside_choose"),
                              ("overview", "inside_overview_title"), ("unit", "inside_rf_title"),
                              ("compute", "inside_compute_title"), ("kernels", "inside_kernels_title")):
            self.titles[key].object = f'<div class="ins-title">{html.escape(self.t(text_key))}</div>'
        self.overview_hint.object = html.escape(self.t("inside_overview_hint"))
        self.legend.object = html.escape(self.t("inside_legend"))
        self.kernels_caption.object = html.escape(self.t("inside_kernels_caption"))
        self.explain_title.object = f'<div class="ins-title">{html.escape(self.t("inside_explain_title"))}</div>'
        self.explanation_text.object = self.t("inside_explain_photo" if self.is_photo else "inside_explain")
        self.untrained_note.object = self.t("untrained_note")
        self._show_untrained_note()
        if self.snapshot is not None and self.layers:
            self._sync_controls()
            self._write_texts()

    # -- layout ----------------------------------------------------------------------------------
    def __panel__(self):
        card = theme.card()
        samples = pn.Column(self.titles["input"], self.digit_box, self.photo_box)
        status = pn.Column(self.input_status, self.prediction, self.class_probs, margin=(22, 0, 0, 0))
        toolbar = pn.FlexBox(pn.Column(self.model_select, self.untrained_note, self.photo_note), samples, status,
                             self.picker.card, flex_wrap="wrap", align_items="flex-start",
                             sizing_mode="stretch_width", **card)
        overview = pn.Column(self.titles["overview"], self.overview_hint, self.overview, self.legend,
                             sizing_mode="stretch_width", **card)
        choose = pn.Column(self.titles["choose"], self.layer_select, self.channel_slider, self.row_slider,
                           self.col_slider, self.erf_toggle, self.keyboard_hint, width=290)
        unit = pn.Column(self.unit_title, pn.FlexBox(
            choose,
            pn.Column(self.rf_title, pn.pane.Bokeh(self.input_big.figure, margin=(0, 10)), self.rf_caption),
            pn.Column(self.focus_title, self.focus_pane, self.value_text, self.focus_caption),
            pn.Column(self.titles["compute"], self.in_channel_select, self.detail, min_width=420,
                      styles={"flex": "1 1 560px"}),
            flex_wrap="wrap", align_items="flex-start", sizing_mode="stretch_width"),
            sizing_mode="stretch_width", **card)
        kernels = pn.Column(self.titles["kernels"], self.kernels_caption, self.kernels,
                            styles={"flex": "1 1 640px"}, **card)
        explain = pn.Column(self.explain_title, self.explanation_text, styles={"flex": "0 1 420px"}, **card)
        bottom = pn.FlexBox(kernels, explain, flex_wrap="wrap", align_items="flex-start",
                            sizing_mode="stretch_width")
        return pn.Column(self._error, toolbar, overview, unit, bottom, sizing_mode="stretch_width")

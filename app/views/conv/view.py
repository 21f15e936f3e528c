"""Convolution lab: slide a kernel over an image and see every number it computes.

Controls: input (a test digit, a built-in picture, a real photo or the
student's own picture, from a file or the camera; grey or RGB, resized to ``size``), kernel size, stride, padding (an amount or ``'same'``) and its
mode, dilation, and the kernel itself (presets or typed in, plus a bias).

What the lab shows, all computed by the engine (``cnncore``):

* the input **as the engine pads it** (``cnncore.functional.pad2d``), with the
  current window's taps outlined, next to the output map
  (``cnncore.functional.conv2d``) with the current cell outlined;
* the output-size formula with the current numbers, whose value is
  ``cnncore.shapes.conv_output_size``;
* the element-wise products of the window and the kernel and their sum,
  for the current position; the animation steps through the positions
  (play/pause/step buttons, Space and arrow keys, a speed slider);
* for RGB input, each channel's partial result and their sum + bias.

A configuration that cannot work (a kernel larger than the padded input,
reflect padding as large as the input, ``'same'`` with stride > 1) is not
an error of the page: the engine's ``ShapeError`` message is shown in a
box with advice, and the plots keep the last configuration that worked.
"""
import html
from typing import NamedTuple

import numpy as np
import panel as pn
import param

from cnncore.errors import ShapeError
from cnncore.functional import conv2d, pad2d
from cnncore.functional.padding import MODES
from cnncore.photos import photo_names
from cnncore.shapes import conv_output_size, resolve_padding2d

from app.core import theme
from app.core.lecture import lecture_mode
from app.core.photo_credits import credit
from app.core.theme import HIGHLIGHT, NARROW, TEXT, card_css
from app.views.base import View
from app.views.conv import strings  # noqa: F401  (merges this view's strings into app.core.i18n)
from app.views.conv.images import CHANNEL_MODES, SOURCES, make_input
from app.views.conv.plots import MAP_OPTIONS, PaddedInputPlot
from app.views.conv.presets import PRESETS, preset_kernel, preset_note
from app.views.conv.products import fmt, products_html
from app.widgets.kernel_grid import KernelGrid, KeyShortcuts
from app.widgets.picture_source import PictureSource
from app.widgets.plots import MapPlot

__all__ = ["ConvLab", "ConvResult", "convolve", "window_at", "formula_latex", "formula_text",
           "PADDINGS", "CUSTOM"]

PADDINGS = (0, 1, 2, 3, 4, 5, "same")
CUSTOM = "custom"
CHANNEL_NAMES = {1: ["grey"], 3: ["R", "G", "B"]}
STAGE = 340               # screen pixels for the padded input's side
# Okabe-Ito colours, one per symbol of the output-size formula (the same in the numbers).
SYMBOL_COLOURS = {"n": "#0072B2", "p": "#009E73", "d": "#CC79A7", "k": "#D55E00", "s": "#B8860B"}


class ConvResult(NamedTuple):
    """One convolution, as the lab shows it (all arrays from the engine).

    Shape:
        - x: ``(C, H, W)``; padded: ``(C, Hp, Wp)``; weight: ``(1, C, k, k)``
        - output: ``(OH, OW)``; partials: ``(C, OH, OW)`` (one channel's share each)
    """
    x: np.ndarray
    pads: tuple          # (top, bottom, left, right)
    padded: np.ndarray
    weight: np.ndarray
    bias: float
    output: np.ndarray
    partials: np.ndarray
    out_size: tuple      # (OH, OW) from conv_output_size
    stride: int
    dilation: int


def convolve(x, weight, bias=0.0, stride=1, padding=0, mode="zeros", dilation=1):
    """Pad ``x`` as the engine does and convolve it with one output channel.

    ``padding`` is an int or ``'same'``. Non-zero modes pad first and then
    convolve without padding, exactly as ``Conv2d(padding_mode=...)`` does.

    Raises:
        ShapeError: the engine's refusal, e.g. a kernel larger than the padded
            input, reflect padding as large as the input, ``'same'`` with stride > 1.

    Shape:
        - x: ``(C, H, W)``; weight: ``(1, C, k, k)``
    """
    c, h, w = x.shape
    k = weight.shape[-1]
    pads = resolve_padding2d(padding, (k, k), (dilation, dilation), (stride, stride), layer="Conv2d")
    oh = conv_output_size(h, k, stride, pads[0:2], dilation, layer="Conv2d", axis="height")
    ow = conv_output_size(w, k, stride, pads[2:4], dilation, layer="Conv2d", axis="width")
    xp = pad2d(x[None], pads, mode)                                       # (1, C, Hp, Wp)
    y = conv2d(xp, weight, np.array([bias], dtype=x.dtype), stride, 0, dilation)        # (1, 1, OH, OW)
    parts = conv2d(xp, weight.reshape(c, 1, k, k), None, stride, 0, dilation, groups=c)  # (1, C, OH, OW)
    return ConvResult(x, tuple(int(p) for p in pads), xp[0], weight, float(bias), y[0, 0], parts[0],
                      (oh, ow), stride, dilation)


def window_at(result, i, j):
    """The window of output ``(i, j)``: padded rows/cols of the taps, values, padding mask.

    Tap ``(u, v)`` reads padded pixel ``(i*s + u*d, j*s + v*d)``.

    Shape:
        - rows, cols: ``(k,)``; window: ``(C, k, k)``; mask: ``(k, k)``
    """
    k = result.weight.shape[-1]
    taps = np.arange(k) * result.dilation
    rows, cols = i * result.stride + taps, j * result.stride + taps
    window = result.padded[:, rows[:, None], cols[None, :]]               # (C, Hp, Wp) -> (C, k, k)
    top, _, left, _ = result.pads
    h, w = result.x.shape[1:]
    inside_r = (rows >= top) & (rows < top + h)
    inside_c = (cols >= left) & (cols < left + w)
    mask = ~(inside_r[:, None] & inside_c[None, :])
    return rows, cols, window, mask


def _c(symbol, text):
    return rf"\color{{{SYMBOL_COLOURS[symbol]}}}{{{text}}}"


def formula_latex(n, k, stride, pads, dilation, value=None):
    """The output-size formula, general and with the numbers (``value`` None: impossible).

    ``pads`` is ``(before, after)``; unequal padding (``'same'`` with an even
    span) is written ``p_1 + p_2``.
    """
    before, after = pads
    if before == after:
        p_sym, p_num = rf"2{_c('p', 'p')}", rf"2\cdot{_c('p', before)}"
    else:
        p_sym = rf"({_c('p', 'p_1')} + {_c('p', 'p_2')})"
        p_num = rf"({_c('p', before)} + {_c('p', after)})"
    general = (rf"n_{{\text{{out}}}} = \left\lfloor \frac{{{_c('n', 'n')} + {p_sym} - {_c('d', 'd')}"
               rf"({_c('k', 'k')}-1) - 1}}{{{_c('s', 's')}}} \right\rfloor + 1")
    numbers = (rf"\left\lfloor \frac{{{_c('n', n)} + {p_num} - {_c('d', dilation)}\cdot({_c('k', k)}-1) - 1}}"
               rf"{{{_c('s', stride)}}} \right\rfloor + 1")
    numbers += rf" = \mathbf{{{value}}}" if value is not None else r" = ?"
    return f"$${general}$$\n\n$${numbers}$$"


def formula_text(n, k, stride, pads, dilation, value=None):
    """The filled-in formula as plain text (for screen readers and tests)."""
    before, after = pads
    p = f"2·{before}" if before == after else f"({before} + {after})"
    tail = str(value) if value is not None else "?"
    return f"⌊({n} + {p} − {dilation}·({k}−1) − 1) / {stride}⌋ + 1 = {tail}"


def _parse_weights(text, count):
    try:
        values = np.array([float(v) for v in str(text).split(",") if v.strip()], dtype=np.float64)
    except ValueError:
        return None
    return values if values.size == count and np.all(np.isfinite(values)) else None


def _resize_kernel(kernel, channels, k):
    """Centre-crop or zero-pad a ``(C, k0, k0)`` kernel to ``(channels, k, k)``."""
    if kernel.shape[0] != channels:
        kernel = (np.repeat(kernel[:1], channels, axis=0) if channels > kernel.shape[0]
                  else kernel.mean(axis=0, keepdims=True))
    k0 = kernel.shape[-1]
    out = np.zeros((channels, k, k))
    c0, c1 = (k0 - 1) // 2, (k - 1) // 2
    lo = min(c0, c1)
    hi = min(k0 - c0, k - c1)
    out[:, c1 - lo:c1 + hi, c1 - lo:c1 + hi] = kernel[:, c0 - lo:c0 + hi, c0 - lo:c0 + hi]
    return out


_CSS = f"""
.conv-h {{ margin: 2px 0 6px; font-size: 21px; color: {TEXT}; }}
.conv-size {{ font-size: 24px; font-weight: 700; color: {TEXT}; margin: 4px 0; }}
.conv-size b {{ color: #0072B2; font-variant-numeric: tabular-nums; }}
.conv-sr {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
.conv-problem {{ background: #FFF4DC; border-left: 6px solid {HIGHLIGHT}; border-radius: 8px; padding: 10px 14px;
  font-size: 16px; color: {TEXT}; }}
.conv-problem .why {{ font-family: ui-monospace, monospace; font-size: 14px; color: #7B341E; margin: 6px 0; }}
.conv-cap {{ font-size: 15px; color: #3E4C59; }}
.conv-note {{ font-size: 14px; color: #52606D; }}
.conv-legend span {{ display: inline-block; margin-right: 14px; font-size: 14px; }}
.conv-swatch {{ display: inline-block; width: 14px; height: 14px; vertical-align: -2px; margin-right: 4px;
  border-radius: 2px; }}
"""


class ConvLab(View):
    """The convolution lab (see the module docstring).

    State (kept in the URL): ``source``, ``digit``, ``photo``, ``channels``, ``size``,
    ``kernel``, ``stride``, ``padding``, ``mode``, ``dilation``, ``preset``,
    ``bias``, ``weights`` (a typed-in kernel) and ``lang``.
    Outputs: ``result`` (the last configuration that worked, a
    :class:`ConvResult`), ``problem`` (the engine's message, ``""`` if none),
    ``position`` (the animated output cell, row-major).
    """

    source = param.Selector(default="digit", objects=list(SOURCES),
                            doc="A test digit, the built-in picture, a photo or your own picture.")
    digit = param.Integer(default=5, bounds=(0, 9), doc="Which test digit.")
    photo = param.Selector(default="chelsea", objects=photo_names(), doc="Which shipped photo or texture.")
    channels = param.Selector(default="grey", objects=list(CHANNEL_MODES), doc="One grey channel or RGB.")
    size = param.Integer(default=14, bounds=(3, 28), doc="Input side in pixels.")
    kernel = param.Integer(default=3, bounds=(1, 7), doc="Kernel side k.")
    stride = param.Integer(default=1, bounds=(1, 4), doc="Stride s.")
    padding = param.Selector(default=0, objects=list(PADDINGS), doc="Padding p on each side, or 'same'.")
    mode = param.Selector(default="zeros", objects=list(MODES), doc="What the padding is filled with.")
    dilation = param.Integer(default=1, bounds=(1, 3), doc="Dilation d: the step between kernel taps.")
    preset = param.Selector(default="sobel_x", objects=list(PRESETS) + [CUSTOM], doc="Kernel preset.")
    bias = param.Number(default=0.0, bounds=(-10, 10), doc="Bias b added to every output value.")
    weights = param.String(default="", doc="A typed-in kernel, comma-separated (C*k*k values), '' for a preset.")
    position = param.Integer(default=0, bounds=(0, None), doc="Current output cell, i*OW + j.")
    playing = param.Boolean(default=False, doc="The window is sliding by itself.")
    speed = param.Integer(default=3, bounds=(1, 10), doc="Animation steps per second.")
    problem = param.String(default="", doc="The engine's message for an impossible configuration.")

    url_params = ("source", "digit", "photo", "channels", "size", "kernel", "stride", "padding", "mode", "dilation",
                  "preset", "bias", "weights")

    def __init__(self, session=None, **params):
        super().__init__(session=session, **params)
        self.result = None
        self._kernel = np.zeros((1, self.kernel, self.kernel))
        self.source_w = pn.widgets.RadioButtonGroup.from_param(self.param.source, button_type="light",
                                                               button_style="outline", width=320)
        self.digit_w = pn.widgets.Select.from_param(self.param.digit, options=list(range(10)), width=140)
        self.photo_w = pn.widgets.Select.from_param(self.param.photo, width=300)
        self.photo_credit = pn.pane.HTML("", width=300, margin=(0, 10), styles={"font-size": "12px", "color": "#52606D"})
        self.picture = PictureSource(lang=self.lang)
        self.picture_card = self.picture.__panel__()
        self.channels_w = pn.widgets.RadioButtonGroup.from_param(self.param.channels, button_type="light",
                                                                 button_style="outline", width=300)
        self.size_w = pn.widgets.IntSlider.from_param(self.param.size, width=290)
        self.kernel_w = pn.widgets.IntSlider.from_param(self.param.kernel, width=290)
        self.stride_w = pn.widgets.IntSlider.from_param(self.param.stride, width=290)
        self.padding_w = pn.widgets.RadioButtonGroup.from_param(self.param.padding, button_type="light",
                                                                button_style="outline", width=300)
        self.mode_w = pn.widgets.Select.from_param(self.param.mode, width=300)
        self.dilation_w = pn.widgets.IntSlider.from_param(self.param.dilation, width=290)
        self.preset_w = pn.widgets.Select.from_param(self.param.preset, width=250)
        self.bias_w = pn.widgets.FloatInput.from_param(self.param.bias, step=0.1, width=120)
        self.speed_w = pn.widgets.IntSlider.from_param(self.param.speed, width=220)
        self.one_by_one = pn.widgets.Button(color="default", width=300, margin=(10, 10, 4, 10))
        self.play_button = pn.widgets.Button(color="primary", width=110)
        self.prev_button = pn.widgets.Button(color="default", width=90)
        self.next_button = pn.widgets.Button(color="default", width=90)
        self.reset_button = pn.widgets.Button(color="default", width=90)
        self.keys = KeyShortcuts(margin=(2, 10), width=740)
        self.grid = KernelGrid(margin=(4, 10))

        # -- plots and texts ----------------------------------------------------
        self.input_plot = PaddedInputPlot(STAGE)
        self.output_plot = MapPlot(STAGE, **MAP_OPTIONS)
        self._partial_plots = None         # made when RGB is first used (Bokeh figures are slow to build)
        self.heading = pn.pane.HTML("", margin=(0, 10))
        self.settings_title = pn.pane.HTML("", margin=(0, 10))
        self.kernel_title = pn.pane.HTML("", margin=(0, 10))
        self.products_title = pn.pane.HTML("", margin=(0, 10))
        self.size_title = pn.pane.HTML("", margin=(0, 10))
        self.channels_title = pn.pane.HTML("", margin=(0, 10))
        self.size_pane = pn.pane.HTML("", stylesheets=[_CSS], margin=(0, 10))
        self.formula = pn.pane.Markdown("", width=420, margin=(0, 10))
        self.problem_pane = pn.pane.HTML("", stylesheets=[_CSS], visible=False, width=740,
                                         margin=(4, 10))
        self.caption = pn.pane.HTML("", stylesheets=[_CSS], width=740, margin=(0, 10))
        self.legend = pn.pane.HTML("", stylesheets=[_CSS], width=740, margin=(0, 10))
        self.products = pn.pane.HTML("", sizing_mode="stretch_width", margin=(0, 10))
        self.kernel_note = pn.pane.HTML("", stylesheets=[_CSS], margin=(0, 10), width=420)
        self.partials_pane = pn.pane.HTML("", stylesheets=[_CSS], sizing_mode="stretch_width", margin=(0, 10))
        self.explanation = pn.pane.Markdown("", width=400)
        self.radio_labels = {key: pn.pane.HTML("", margin=(6, 10, 0, 10)) for key in ("source", "channels", "padding")}
        self.channels_card = pn.Column(visible=False, css_classes=["cnn-card"], stylesheets=[card_css()],
                                       margin=(8, 8))

        # -- wiring -----------------------------------------------------------------
        self.play_button.on_click(lambda e: self.toggle())
        self.prev_button.on_click(lambda e: self.step(-1))
        self.next_button.on_click(lambda e: self.step(1))
        self.reset_button.on_click(lambda e: self.go(0))
        self.one_by_one.on_click(lambda e: self.try_one_by_one())
        self.keys.on_action(self.key)
        self.grid.param.watch(self._on_grid, "values")
        self.picture.param.watch(self._on_picture, "image")
        self.param.watch(self._on_settings, ["kernel", "channels", "preset", "source", "digit", "photo", "size", "stride",
                                             "padding", "mode", "dilation", "bias"])
        self.output_plot.on_click(lambda i, j: self.go_to(i, j))

        self._rebuild_kernel()
        self.relabel()
        self.recompute()
        self._show_controls()

    @property
    def partial_plots(self):
        """One small map per RGB channel: that channel's share of the output."""
        if self._partial_plots is None:
            self._partial_plots = [MapPlot(150, signed=True, colorbar=False, **MAP_OPTIONS) for _ in range(3)]
            for plot, name in zip(self._partial_plots, CHANNEL_NAMES[3]):
                plot.on_click(lambda i, j: self.go_to(i, j))
                plot.set_title(self.t("conv_lab_partial", name=name))
        return self._partial_plots

    # -- the kernel --------------------------------------------------------------
    @property
    def n_channels(self):
        return 3 if self.channels == "rgb" else 1

    @property
    def kernel_values(self):
        """The current kernel, ``(C, k, k)``."""
        return self._kernel.copy()

    def set_kernel(self, values):
        """Type in a whole kernel ``(C, k, k)`` (the preset becomes 'custom')."""
        values = np.asarray(values, dtype=np.float64).reshape(self.n_channels, self.kernel, self.kernel)
        self._store_kernel(values, custom=True)
        self.recompute()

    def _store_kernel(self, values, custom):
        self._kernel = values
        with self.quietly():
            self.grid.values = values.tolist()
            # a trailing comma keeps a one-number kernel a string in the URL
            self.weights = "".join(f"{v:.6g}," for v in values.ravel()) if custom else ""
            if custom:
                self.preset = CUSTOM

    def _rebuild_kernel(self):
        c, k = self.n_channels, self.kernel
        if self.preset != CUSTOM:
            self._store_kernel(preset_kernel(self.preset, k, c), custom=False)
            return
        parsed = _parse_weights(self.weights, c * k * k) if self.weights else None
        values = parsed.reshape(c, k, k) if parsed is not None else _resize_kernel(self._kernel, c, k)
        self._store_kernel(values, custom=True)

    def _on_grid(self, event):
        if self._updating:
            return
        with self.guard():
            self.set_kernel(event.new)

    @param.depends("weights", watch=True)
    def _on_weights(self):
        if self._updating or not self.weights:
            return
        parsed = _parse_weights(self.weights, self.n_channels * self.kernel ** 2)
        if parsed is None:
            self.show_error(ValueError(self.t("conv_lab_bad_weights")))
            return
        self.set_kernel(parsed)

    def _on_settings(self, *events):
        """One reaction to a batch of setting changes (a link may change many at once)."""
        if self._updating:
            return
        with self.guard():
            if {e.name for e in events} & {"kernel", "channels", "preset"}:
                self._rebuild_kernel()
                self._render_note()
                self.relabel_kernel()
            self.recompute()

    # -- computing ------------------------------------------------------------------
    def padding_arg(self):
        return self.padding

    def recompute(self):
        """Convolve with the current settings; on a ShapeError keep the last good result."""
        with self.guard():
            source = self.source if self.source != "yours" or self.picture.image is not None else "photo"
            x = make_input(source, self.channels, self.size, self.digit, self.photo, self.picture.image)
            weight = self._kernel[None]                                   # (C, k, k) -> (1, C, k, k)
            try:
                result = convolve(x, weight, self.bias, self.stride, self.padding_arg(), self.mode,
                                  self.dilation)
            except ShapeError as exc:
                self.problem = str(exc)
                self._render_problem()
                self._render_size(None)
                return
            self.problem = ""
            old = self.result
            self.result = result
            self._render_problem()
            self._render_size(result)
            self._draw(keep=old)

    def _draw(self, keep=None):
        r = self.result
        c, hp, wp = r.padded.shape
        cell = STAGE / max(hp, wp, 1)
        self.input_plot.update(r.padded, r.pads, cell)
        self.output_plot.update(r.output, cell=cell)
        low, high = (-1.0, 1.0)
        if c > 1:
            low, high = (float(-np.abs(r.partials).max(initial=1e-12)), float(np.abs(r.partials).max(initial=1e-12)))
            for plot, part in zip(self.partial_plots, r.partials):
                plot.update(part, low, high, cell=150 / max(r.output.shape))
        # keep the same output cell if it still exists
        oh, ow = r.output.shape
        if keep is not None:
            i, j = divmod(self.position, keep.output.shape[1])
        else:
            i, j = divmod(self.position, ow)
        target = i * ow + j if (i < oh and j < ow) else 0
        if target != self.position:
            self.position = target            # _on_position redraws the window
        else:
            self._show_position()
        self._render_legend()

    # -- the animation ----------------------------------------------------------
    @property
    def cell(self):
        """The current output cell ``(i, j)``."""
        return divmod(self.position, self.result.output.shape[1])

    @property
    def window(self):
        """``(rows, cols)`` of the current window's taps in padded coordinates."""
        rows, cols, _, _ = window_at(self.result, *self.cell)
        return rows, cols

    def step(self, delta=1):
        """Move the window ``delta`` positions in reading order (wrapping around)."""
        if self.result is None:
            return
        total = self.result.output.size
        self.position = (self.position + delta) % total

    def go(self, position):
        """Jump to output cell number ``position`` (row-major; -1 is the last)."""
        if self.result is not None:
            self.position = position % self.result.output.size

    def go_to(self, i, j):
        """Jump to output cell ``(i, j)``."""
        if self.result is not None:
            oh, ow = self.result.output.shape
            self.position = (i % oh) * ow + (j % ow)

    def key(self, action):
        """A keyboard action from :class:`KeyShortcuts`."""
        if self.result is None:
            return
        ow = self.result.output.shape[1]
        if action == "toggle":
            self.toggle()
        elif action in ("next", "prev"):
            self.step(1 if action == "next" else -1)
        elif action in ("down", "up"):
            self.step(ow if action == "down" else -ow)
        elif action == "first":
            self.go(0)
        elif action == "last":
            self.go(-1)

    def toggle(self):
        """Play or pause the animation."""
        self.playing = not self.playing

    def _on_picture(self, event):
        """The student gave a picture (a file or a camera frame): show it."""
        if self.source == "yours":
            self.recompute()
        else:
            self.source = "yours"

    def try_one_by_one(self):
        """Show a 1x1 convolution of the RGB picture: a weighted sum of the channels at each pixel."""
        self.param.update(source="picture", channels="rgb", kernel=1, preset="luminance", padding=0,
                          stride=1, dilation=1)

    @param.depends("playing", watch=True)
    def _on_playing(self):
        if self.playing:
            self.start_loop(self._tick, self._period())
        else:
            self.stop_loop(self._tick)
        self._label_play()

    @param.depends("speed", watch=True)
    def _on_speed(self):
        if self.playing:
            self.start_loop(self._tick, self._period())     # (running already: the new period)

    @property
    def _callback(self):
        """The animation's ``PeriodicCallback`` while it plays, else None."""
        return self._loops.get(self._tick) if self.playing else None

    def _period(self):
        return int(1000 / self.speed)

    def _tick(self):
        with self.guard():
            self.step(1)

    @param.depends("position", watch=True)
    def _on_position(self):
        with self.guard():
            self._show_position()

    def _show_position(self):
        r = self.result
        if r is None:
            return
        i, j = self.cell
        rows, cols, window, mask = window_at(r, i, j)
        self.input_plot.show_window(rows, cols)
        self.output_plot.outline(i, j)
        if r.x.shape[0] > 1:
            for plot in self.partial_plots:
                plot.outline(i, j)
        names = CHANNEL_NAMES[r.x.shape[0]]
        labels = {key: self.t(f"conv_lab_{key}") for key in ("window", "kernel", "products", "bias", "output")}
        labels["output"] = self.t("conv_lab_output_at", i=i, j=j)
        self.products.object = products_html(window, r.weight[0], mask, r.bias, float(r.output[i, j]),
                                             names, labels)
        oh, ow = r.output.shape
        self.caption.object = (
            f'<div class="conv-cap" aria-live="polite" data-testid="conv-caption">'
            f'{html.escape(self.t("conv_lab_caption", i=i, j=j, oh=oh, ow=ow, r0=rows[0], r1=rows[-1], c0=cols[0], c1=cols[-1], lo=fmt(float(r.output.min())), hi=fmt(float(r.output.max())), value=fmt(float(r.output[i, j]), 4)))}'
            f'<span data-testid="conv-window" hidden>{rows[0]},{cols[0]}</span></div>')
        if r.x.shape[0] > 1:
            self._render_partials(i, j)

    # -- texts ------------------------------------------------------------------------
    def _render_problem(self):
        if not self.problem:
            self.problem_pane.visible = False
            self.problem_pane.object = ""
            return
        message = self.problem
        if "'same'" in message:
            hint = "conv_lab_hint_same"
        elif "reflect" in message or "circular" in message:
            hint = "conv_lab_hint_reflect"
        else:
            hint = "conv_lab_hint_too_big"
        self.problem_pane.object = (
            f'<div class="conv-problem" role="alert" data-testid="conv-problem">'
            f'<b>{html.escape(self.t("conv_lab_problem_title"))}</b>'
            f'<div class="why">{html.escape(message)}</div>'
            f'<div>{html.escape(self.t(hint))}</div>'
            f'<div class="conv-note">{html.escape(self.t("conv_lab_problem_kept"))}</div></div>')
        self.problem_pane.visible = True

    def _formula_numbers(self):
        k, d, s = self.kernel, self.dilation, self.stride
        if self.padding == "same":
            try:
                pads = resolve_padding2d("same", (k, k), (d, d), (s, s))
            except ShapeError:
                return None
            return pads[0:2]
        p = int(self.padding)
        return p, p

    def _render_size(self, result):
        n, k, s, d = self.size, self.kernel, self.stride, self.dilation
        pads = self._formula_numbers()
        value = result.out_size[0] if result is not None else None
        if pads is None:      # 'same' with stride > 1: no padding makes sense
            self.formula.object = formula_latex(n, k, s, (0, 0), d, None).split("\n\n")[0]
            plain = "—"
        else:
            self.formula.object = formula_latex(n, k, s, pads, d, value)
            plain = formula_text(n, k, s, pads, d, value)
        if result is not None:
            oh, ow = result.out_size
            shape_text = f"{oh} × {ow}"
            real = result.output.shape
        else:
            shape_text, real = "✗", None
        self.size_pane.object = (
            f'<div class="conv-size">{html.escape(self.t("conv_lab_output_is"))} '
            f'<b data-testid="conv-output-size">{shape_text}</b></div>'
            f'<div class="conv-note">{html.escape(self.t("conv_lab_input_is", n=n, c=self.n_channels))}'
            + (f' · {html.escape(self.t("conv_lab_engine_shape", shape=f"(1, 1, {real[0]}, {real[1]})"))}'
               if real else "")
            + f'</div><div class="conv-sr" data-testid="conv-formula-text">{html.escape(plain)}</div>')

    def _render_note(self):
        note = preset_note(self.preset, self.kernel, self.n_channels) if self.preset != CUSTOM else None
        self.kernel_note.object = (f'<div class="conv-note" data-testid="conv-kernel-note">'
                                   f'{html.escape(self.t(note)) if note else ""}</div>')

    def _render_legend(self):
        signed = self.result is not None and bool(np.any(self.result.output < 0))
        colours = self.t("conv_lab_legend_signed" if signed else "conv_lab_legend_positive")
        self.legend.object = (
            '<div class="conv-legend">'
            f'<span><span class="conv-swatch" style="background:{HIGHLIGHT}"></span>'
            f'{html.escape(self.t("conv_lab_legend_window"))}</span>'
            '<span><span class="conv-swatch" style="background:repeating-linear-gradient(45deg,#56B4E9,'
            f'#56B4E9 3px,#fff 3px,#fff 6px)"></span>{html.escape(self.t("conv_lab_legend_padding"))}</span>'
            '<span><span class="conv-swatch" style="border:3px dashed #009E73;width:10px;height:10px"></span>'
            f'{html.escape(self.t("conv_lab_legend_frame"))}</span>'
            f'<span>{html.escape(colours)}</span></div>')

    def _render_partials(self, i, j):
        r = self.result
        parts = [float(p[i, j]) for p in r.partials]
        terms = " + ".join(f"{n} {fmt(v)}" for n, v in zip(CHANNEL_NAMES[3], parts))
        self.partials_pane.object = (
            f'<div class="conv-cap">{html.escape(self.t("conv_lab_partials_sum", i=i, j=j))} '
            f'{terms} + b {fmt(r.bias)} = <b>{fmt(sum(parts) + r.bias, 4)}</b></div>')

    def _label_play(self):
        self.play_button.name = self.t("conv_lab_pause" if self.playing else "conv_lab_play")
        self.play_button.description = self.t("conv_lab_play_tip")

    def relabel_kernel(self):
        names = CHANNEL_NAMES[self.n_channels]
        self.grid.channel_names = [self.t("conv_lab_channel", name=n) for n in names] if len(names) > 1 else [""]
        self.grid.cell_label = self.t("conv_lab_cell_label")

    def relabel(self):
        t = self.t
        self.photo_credit.object = html.escape(credit(self.photo, self.lang))
        self.heading.object = f"<h2 class='conv-h'>{html.escape(t('conv_lab_heading'))}</h2>"
        self.settings_title.object = f"<h3 class='conv-h'>{html.escape(t('conv_lab_settings'))}</h3>"
        self.kernel_title.object = f"<h3 class='conv-h'>{html.escape(t('conv_lab_kernel_title'))}</h3>"
        self.products_title.object = f"<h3 class='conv-h'>{html.escape(t('conv_lab_products_title'))}</h3>"
        self.size_title.object = f"<h3 class='conv-h'>{html.escape(t('conv_lab_size_title'))}</h3>"
        self.channels_title.object = f"<h3 class='conv-h'>{html.escape(t('conv_lab_channels_title'))}</h3>"
        for w in (self.heading, self.settings_title, self.kernel_title, self.products_title, self.size_title,
                  self.channels_title):
            w.stylesheets = [_CSS]
        for key, label in self.radio_labels.items():
            label.object = f"<span style='font-size:15px'>{html.escape(t('conv_lab_' + key))}</span>"
        self.source_w.name = t("conv_lab_source")
        self.source_w.options = {t(f"conv_lab_source_{key}"): key for key in SOURCES}
        self.photo_w.name = t("conv_lab_photo")
        self.photo_w.options = {t(f"conv_lab_photo_{name}"): name for name in photo_names()}
        self.picture.lang = self.lang
        self.digit_w.name = t("conv_lab_digit")
        self.channels_w.name = t("conv_lab_channels")
        self.channels_w.options = {t("conv_lab_grey"): "grey", t("conv_lab_rgb"): "rgb"}
        self.size_w.name = t("conv_lab_size")
        self.kernel_w.name = t("conv_lab_kernel_size")
        self.stride_w.name = t("conv_lab_stride")
        self.padding_w.name = t("conv_lab_padding")
        self.padding_w.options = {(t("conv_lab_same") if p == "same" else str(p)): p for p in PADDINGS}
        self.mode_w.name = t("conv_lab_mode")
        self.mode_w.options = {t(f"conv_lab_mode_{m}"): m for m in MODES}
        self.dilation_w.name = t("conv_lab_dilation")
        self.preset_w.name = t("conv_lab_preset")
        self.preset_w.options = {t(f"conv_lab_preset_{p}"): p for p in list(PRESETS) + [CUSTOM]}
        self.bias_w.name = t("conv_lab_bias_name")
        self.speed_w.name = t("conv_lab_speed")
        self.one_by_one.name = t("conv_lab_one_by_one")
        self.prev_button.name = t("conv_lab_prev")
        self.next_button.name = t("conv_lab_next")
        self.reset_button.name = t("conv_lab_reset")
        self.prev_button.description = t("conv_lab_prev_tip")
        self.next_button.description = t("conv_lab_next_tip")
        self._label_play()
        self.keys.hint = t("conv_lab_keys")
        self.input_plot.set_title(t("conv_lab_padded_input"))
        self.output_plot.set_title(t("conv_lab_output_map"))
        for plot, name in zip(self._partial_plots or [], CHANNEL_NAMES[3]):
            plot.set_title(t("conv_lab_partial", name=name))
        self.relabel_kernel()
        self._render_note()
        self.explanation.object = (f"### {t('conv_lab_explain_title')}\n\n{t('conv_lab_explain')}")
        if self.result is not None:
            self._render_size(self.result if not self.problem else None)
            self._render_problem()
            self._render_legend()
            self._show_position()

    # -- layout -------------------------------------------------------------------------
    @param.depends("source", "channels", "photo", watch=True)
    def _show_controls(self):
        self.digit_w.visible = self.source == "digit"
        self.photo_w.visible = self.photo_credit.visible = self.source == "photo"
        self.photo_credit.object = html.escape(credit(self.photo, self.lang))
        self.picture_card.visible = self.source == "yours"
        rgb = self.channels == "rgb"
        if rgb and not len(self.channels_card):
            plots = [pn.pane.Bokeh(p.figure, margin=(0, 4)) for p in self.partial_plots]
            self.channels_card[:] = [self.channels_title, pn.Row(*plots), self.partials_pane]
        self.channels_card.visible = rgb

    def __panel__(self):
        card = theme.card()
        settings = pn.Column(self.settings_title, self.radio_labels["source"], self.source_w, self.digit_w,
                             self.photo_w, self.photo_credit,
                             self.radio_labels["channels"], self.channels_w, self.size_w, self.kernel_w,
                             self.stride_w, self.radio_labels["padding"], self.padding_w, self.mode_w, self.dilation_w, self.one_by_one,
                             width=340, **card)
        stage = pn.Column(
            self.heading, self.problem_pane,
            pn.Row(pn.pane.Bokeh(self.input_plot.figure, margin=(0, 8)),
                   pn.pane.Bokeh(self.output_plot.figure, margin=(0, 8))),
            self.legend, self.caption,
            pn.Row(self.reset_button, self.prev_button, self.play_button, self.next_button, self.speed_w),
            self.keys, width=790, **card)
        stage.stylesheets = stage.stylesheets + [f"@media (max-width: {NARROW}px) {{ :host {{ order: -1; }} }}"]
        size = pn.Column(self.size_title, self.size_pane, self.formula, **card)
        kernel = pn.Column(self.kernel_title, pn.Row(self.preset_w, self.bias_w), self.grid, self.kernel_note,
                           **card)
        products = pn.Column(self.products_title, self.products, min_width=480, **card)
        explain = pn.Column(self.explanation, **card)
        flex = theme.FLEX
        # embedded (an <iframe> in slides) the picture comes first, the settings after it (on a phone too:
        # the stage's `order` above)
        first = ([stage, settings, self.picture_card] if lecture_mode().embed
                 else [settings, self.picture_card, stage])
        return pn.Column(self._error,
                         pn.FlexBox(*first, size, **flex),
                         pn.FlexBox(kernel, products, self.channels_card, explain, **flex),
                         sizing_mode="stretch_width")

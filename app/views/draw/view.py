"""Draw & predict: draw a digit, see what the model sees and how sure it is.

On every finished stroke the drawing is preprocessed into the 28x28 input
(shown as the model sees it), the model gives ten logits, and softmax turns
them into the probabilities in the bar chart. The predicted digit is in the
element ``data-testid="prediction"`` (empty while there is nothing to read).
"""
import html

import numpy as np
import panel as pn
import param

from cnncore.data import sample_digits

from app.core import theme
from app.core.inference import predict, prepare
from app.core.theme import ACCENT, HIGHLIGHT, TEXT
from app.views.base import View
from app.views.draw import strings  # noqa: F401  (registers the texts)
from app.widgets import DrawingCanvas, ImagePlot, ProbabilityBars

__all__ = ["DrawView", "sample_images"]

SOFTMAX = r"$$p_i = \frac{e^{z_i}}{\sum_{j=0}^{9} e^{z_j}}$$"

_PREDICTION_CSS = f"""
.pred {{ display: flex; flex-direction: column; align-items: flex-start; gap: 8px; min-height: 96px; }}
.pred-label {{ font-size: 15px; color: #52606D; text-transform: uppercase; letter-spacing: .04em; }}
.pred-digit {{ font-size: 72px; font-weight: 700; line-height: 1; color: {ACCENT}; min-width: 48px;
  text-align: center; font-variant-numeric: tabular-nums; }}
.pred-digit:empty {{ display: none; }}
.pred-conf {{ font-size: 18px; color: {TEXT}; }}
.pred-hint {{ font-size: 18px; color: {TEXT}; background: #FFF4DC; border-left: 5px solid {HIGHLIGHT};
  padding: 8px 12px; border-radius: 6px; }}
.pred-hint:empty {{ display: none; }}
"""


def sample_images():
    """One test digit of each class as ``(10, 28, 28)`` floats, or None without ``cnncore.data``."""
    try:
        images, labels = sample_digits(1)
    except Exception:
        return None
    order = np.argsort(labels, kind="stable")
    return np.asarray(images[order, 0], dtype=np.float32)         # (10, 1, 28, 28) -> (10, 28, 28)


class DrawView(View):
    """Draw a digit and watch the model's probabilities change stroke by stroke.

    State (kept in the URL): ``model``, ``brush`` and ``lang``.
    Outputs: ``prediction`` (``"0"``-``"9"`` or ``""``) and ``probabilities`` (10 floats or empty).
    """

    model = param.Selector(default=None, objects=[], check_on_set=True, allow_None=True,
                           doc="Key of the model in the session's models.")
    brush = param.Integer(default=22, bounds=(4, 48), doc="Brush width in canvas pixels (canvas is 280 wide).")
    prediction = param.String(default="", doc="The predicted digit, '' for a blank canvas.")
    probabilities = param.List(default=[], doc="Softmax probabilities of the ten digits, [] when blank.")
    hint = param.String(default="hint_draw", doc="i18n key of the hint shown instead of a prediction.")

    model_inputs = ("digit",)

    url_params = ("model", "brush")

    def __init__(self, session=None, **params):
        super().__init__(session=session, **params)
        self._samples = sample_images()

        self.canvas = DrawingCanvas(brush_width=self.brush, width=300, height=300, margin=(6, 10))
        self.model_select = pn.widgets.Select(value=self.model, width=300)
        self.brush_slider = pn.widgets.IntSlider(value=self.brush, start=4, end=48, step=2, width=290)
        self.undo_button = pn.widgets.Button(color="default", width=140)
        self.clear_button = pn.widgets.Button(color="primary", width=140)
        self.sample_buttons = [pn.widgets.Button(label=str(d), width=48, height=40, margin=(2, 2),
                                                 color="light") for d in range(10)]
        self.input_plot = ImagePlot((28, 28), size=168)
        self.input_title = pn.pane.HTML("", width=190, margin=(4, 10, 0, 10))
        self.bars = ProbabilityBars(width=430, height=270)
        self.prediction_pane = pn.pane.HTML("", stylesheets=[_PREDICTION_CSS], min_height=100, width=230)
        self.untrained_note = pn.pane.Alert("", alert_type="info", width=410, margin=(4, 10),
                                            styles={"font-size": "16px", "overflow-wrap": "anywhere"})
        self.samples_title = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.keyboard_hint = pn.pane.HTML("", styles={"color": "#52606D", "font-size": "14px"}, width=300)
        self.draw_heading = pn.pane.HTML("", margin=(0, 10))
        self.explanation = pn.pane.Markdown("", width=380)

        # wiring: widgets -> params -> canvas / model
        self.bind(self.model_select, "model")
        self.bind(self.brush_slider, "brush")
        self.undo_button.on_click(lambda e: self.canvas.undo())
        self.clear_button.on_click(lambda e: self.canvas.clear())
        for digit, button in enumerate(self.sample_buttons):
            button.on_click(lambda e, d=digit: self.load_sample(d))
        self.canvas.param.watch(lambda e: self.update(), "image")

        self.relabel()
        self.update()

    # -- reactions -----------------------------------------------------------
    @param.depends("model", watch=True)
    def _on_model(self):
        self.model_select.value = self.model
        self._show_untrained_note()
        self.update()

    @param.depends("brush", watch=True)
    def _on_brush(self):
        self.brush_slider.value = self.brush
        self.canvas.brush_width = self.brush

    def _show_untrained_note(self):
        entry = self.session.entry(self.model)
        self.untrained_note.visible = not entry.pretrained

    def warm_up(self):
        """Build the chosen model and run it once on a blank input, so that the first stroke is
        answered as quickly as the later ones (no weights to load, no first-call costs)."""
        with self.guard():
            predict(self.session.get(self.model), np.zeros((1, 1, 28, 28), np.float32))   # (N, C, H, W)

    def load_sample(self, digit):
        """Put the sample ``digit`` from the test set on the canvas."""
        with self.guard():
            self.canvas.set_image(self._samples[digit])

    def update(self):
        """Preprocess the drawing, run the model, update the plots and the prediction.

        The plots are Bokeh models changed directly, so the changes go to the page through
        ``pn.io.unlocked()``, as Panel sends its own widgets' changes. Panel may run a click
        (Clear, a sample) without the session's document lock (it does while a widget change,
        e.g. the brush slider's, is still pending), and a plain Bokeh change there fails with
        "_pending_writes should be non-None" and never reaches the page.
        """
        with self.guard(), pn.io.unlocked():
            if self.canvas.is_blank:
                prepared = prepare(np.zeros((28, 28), np.uint8))
            else:
                prepared = prepare(self.canvas.array)
            self.input_plot.update(prepared.input[0, 0])                 # (1, 1, 28, 28) -> (28, 28)
            self.session.drawing = None if prepared.is_empty else prepared.input[0, 0]
            if prepared.is_empty:
                self.param.update(prediction="", probabilities=[], hint=prepared.hint)
                self.bars.update(None)
            else:
                result = predict(self.session.get(self.model), prepared.input)
                self.param.update(prediction=str(result.digit), probabilities=result.probs.tolist(), hint="")
                self.bars.update(result.probs)
            self._render_prediction()

    def _render_prediction(self):
        digit = html.escape(self.prediction)
        confidence = (self.t("confidence", p=max(self.probabilities)) if self.probabilities else "")
        hint = self.t(self.hint) if self.hint and not self.prediction else ""
        self.prediction_pane.object = (
            f'<div class="pred" aria-live="polite">'
            f'<div class="pred-label">{html.escape(self.t("prediction"))}</div>'
            f'<div class="pred-digit" data-testid="prediction">{digit}</div>'
            f'<div class="pred-conf">{html.escape(confidence)}</div>'
            f'<div class="pred-hint" data-testid="prediction-hint">{html.escape(hint)}</div></div>')

    def relabel(self):
        with pn.io.unlocked():          # the chart's texts are Bokeh models too (see update)
            self._relabel_texts()

    def _relabel_texts(self):
        self.model_select.label = self.t("model")
        self.model_select.options = self.session.options(self.lang)
        self.model_select.value = self.model
        self.brush_slider.label = self.t("brush")
        self.undo_button.label = self.t("undo")
        self.clear_button.label = self.t("clear")
        for digit, button in enumerate(self.sample_buttons):
            button.description = self.t("sample_button", digit=digit)
        self.canvas.label = self.t("draw_canvas_label")
        self.draw_heading.object = f"<h2 style='margin:4px 0'>{html.escape(self.t('draw_heading'))}</h2>"
        self.samples_title.object = f"<b>{html.escape(self.t('samples'))}</b>"
        self.keyboard_hint.object = html.escape(self.t("keyboard_hint"))
        self.input_title.object = f"<b>{html.escape(self.t('model_input'))}</b>"
        self.bars.set_labels(self.t("probabilities"), xlabel=self.t("digit"), ylabel=self.t("probability"))
        self.untrained_note.object = self.t("untrained_note")
        self._show_untrained_note()
        self.explanation.object = (f"### {self.t('explain_title')}\n\n{self.t('explain_draw')}\n\n"
                                   f"{SOFTMAX}\n\n{self.t('explain_draw_after')}")
        self._render_prediction()

    # -- layout --------------------------------------------------------------
    def __panel__(self):
        card = theme.card()
        samples = [self.samples_title, pn.GridBox(*self.sample_buttons, ncols=5, width=260, margin=(0, 8))]
        drawing = pn.Column(self.draw_heading, self.canvas,
                            pn.Row(self.undo_button, self.clear_button), self.brush_slider,
                            *(samples if self._samples is not None else []), self.keyboard_hint, **card)
        seen = pn.Column(self.input_title, pn.pane.Bokeh(self.input_plot.figure, margin=(0, 10)))
        results = pn.Column(self.model_select, self.untrained_note, pn.Row(seen, self.prediction_pane),
                            pn.pane.Bokeh(self.bars.figure), **card)
        explain = pn.Column(self.explanation, **card)
        pn.state.onload(self.warm_up)       # once the page shows: it does not delay the first paint
        return pn.Column(self._error, pn.FlexBox(drawing, results, explain, flex_wrap="wrap",
                                                 align_items="flex-start"),
                         sizing_mode="stretch_width")

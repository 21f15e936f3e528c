"""Train: pick or build a network, train it on digits, and watch it learn.

The run is a :class:`~app.core.training.TrainingRun`
(``cnncore.train.Trainer`` underneath) driven by a periodic callback: each
``tick()`` does about 80 ms of work (a few optimizer steps or a slice of an
evaluation) and returns, so the page keeps answering clicks (the browser
has no threads). New points are *streamed* into the plots at most a few
times a second.

Controls: Start / Resume, Pause, Step (exactly one optimizer step), Stop.
The learning rate changes the running trainer at once (next step); the
other settings apply to the next run. A run that diverges (huge learning
rate: the loss shoots up, or the network falls back to guessing) stops
with an explanation, a learning rate to try, and the last weights that were
really good. A finished run is registered in the session's
:class:`~app.core.session.SessionState`, so the other views can use it;
a diverged one is marked "diverged", and one that does no better than
guessing is not offered (the page says why). Models download as ``.npz``
(``cnncore.io``) and upload back; **Export to PyTorch** downloads a zip with
``model.py``, the weights and ``check.py`` (``cnncore.export_torch``), and the
upload also takes a PyTorch ``state_dict`` saved as ``.npz``, fitted to the
chosen, the built or a zoo network (``cnncore.import_torch``).

Page hooks for tests: ``data-testid="train-step"`` (steps done, with
``data-points`` = points in the loss curve), ``"train-status"``,
``"train-upload-message"``, ``"train-diverged"``.
"""
import html
import io
import logging
import math
import time

import numpy as np
import panel as pn
import param

import cnncore
from cnncore import export_torch, import_torch, io as model_io, nn
from cnncore.data import load_digits
from cnncore.divergence import chance_accuracy
from cnncore.errors import ModelFileError, ShapeError, StateDictError
from cnncore.inspect import summary
from cnncore.models import DIGIT_MODELS, pretrained_available
from cnncore.nn.init import meta

from app.core import theme
from app.core.engine_strings import engine_message
from app.core.text import Notice, shorten
from app.core.theme import ACCENT
from app.core.training import BUDGET_SECONDS, TrainingRun
from app.views.base import View
from app.views.run_controls import RunControls
from app.views.train import strings  # noqa: F401  (registers the texts)
from app.views.train.builder import NetworkBuilder, ledger_html
from app.views.train.layers import INPUT_SHAPE, NUM_CLASSES, build_network
from app.widgets.training_plots import ConfusionPlot, GradNormPlot, KernelMosaic, TrainingCurves
from app.widgets.upload import FileUpload

__all__ = ["TrainView", "LEARNING_RATES", "zoo_models", "balanced_subset"]

log = logging.getLogger("cnn_playground")

# Up to 1: enough to see training diverge (SGD from about 0.1, Adam from about 0.03), without
# offering values that only ever blow up.
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3, 1.0)
SAFE_LR = {"sgd": 0.05, "adam": 0.003}   # the largest rates that train the zoo's networks well
MAX_UPLOAD_MB = 10         # base64 on the websocket: 13.4 MB, under Bokeh's default 20 MB message limit
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 2 ** 20
NAME_LIMIT = 80            # characters of an uploaded file's name quoted in a message
CHANCE_MARGIN = 0.05       # a test accuracy within 5 points of guessing counts as "no better than chance"
BATCH_SIZES = (8, 16, 32, 64, 128)
SUBSETS = (500, 1000, 2000, 4000)
PLOT_EVERY_SECONDS = 0.3   # at most this often are new points sent to the browser
TORCH_TO_NPZ = ('import numpy as np\n'                   # code: the same in every language
                'np.savez("m.npz", **{k: v.numpy() for k, v in model.state_dict().items()})')
SGD_UPDATE = r"$$w \leftarrow w - \eta \frac{\partial L}{\partial w}$$"

_STATUS_CSS = f"""
.tr-status {{ display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: baseline; font-size: 17px; }}
.tr-state {{ font-weight: 700; color: {ACCENT}; }}
.tr-step {{ font-weight: 700; font-variant-numeric: tabular-nums; }}
.tr-muted {{ color: #52606D; font-variant-numeric: tabular-nums; }}
"""


def zoo_models():
    """``cnncore.models.DIGIT_MODELS`` (name -> constructor), empty if the zoo is missing."""
    try:
        return dict(DIGIT_MODELS)
    except Exception:
        return {}


def _pretrained_available(name):
    try:
        return bool(pretrained_available(name))
    except Exception:
        return False


def balanced_subset(labels, n):
    """Indices of ``n`` examples, the same number of each class (first ones of each), in class-mixed order.

    Shape:
        - labels: ``(N,)``; Output: ``(n,)`` (fewer if a class runs out)
    """
    classes = np.unique(labels)
    per_class = n // len(classes)
    picks = np.stack([np.flatnonzero(labels == c)[:per_class] for c in classes], axis=1)  # (per_class, C)
    return picks.reshape(-1)                                   # (per_class, C) -> (per_class*C,): 0,1,...,9,0,1...


def _weighted_layers(model):
    """``"0 · Conv2d"``, ... for every layer with a weight, named as the trainer's gradient norms."""
    return [f"{name} · {type(m).__name__}" if name else type(m).__name__
            for name, m in model.named_modules() if m._parameters.get("weight") is not None]


def _format_time(seconds):
    if not math.isfinite(seconds):
        return "…"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}" if seconds >= 60 else f"{seconds} s"


class TrainView(RunControls, View):
    """Train a digit classifier live: curves, confusion matrix, gradient norms, first-layer kernels.

    State (kept in the URL): ``model``, ``pretrained``, ``arch``, ``optimizer``,
    ``lr``, ``batch_size``, ``epochs``, ``augment``, ``subset`` and ``lang``.
    Outputs: ``status`` (``idle``/``running``/``paused``/``finished``/``stopped``/
    ``diverged``), ``steps`` (optimizer steps done in this run) and
    ``trained_key`` (the model key of the last model trained here).
    """

    model = param.Selector(default="lenet5", objects=["lenet5", "custom", "uploaded"],
                           doc="A zoo model name, 'custom' (the builder) or 'uploaded'.")
    pretrained = param.Boolean(default=False, doc="Start a zoo model from its shipped weights.")
    arch = param.String(default="", doc="The builder's stack (compact text); '' for its default.")
    optimizer = param.Selector(default="sgd", objects=["sgd", "adam"])
    lr = param.Number(default=0.05, bounds=(LEARNING_RATES[0], LEARNING_RATES[-1]), doc="Learning rate η.")
    batch_size = param.Selector(default=32, objects=list(BATCH_SIZES))
    epochs = param.Integer(default=2, bounds=(1, 20))
    augment = param.Boolean(default=False, doc="Apply cnncore.data.augment to every batch.")
    subset = param.Selector(default=1000, objects=list(SUBSETS), doc="Training digits used (balanced).")

    status = param.Selector(default="idle", objects=["idle", "running", "paused", "finished", "stopped",
                                                     "diverged"])
    steps = param.Integer(default=0, doc="Optimizer steps done in the current run.")
    trained_key = param.String(default="", doc="The session's key of the last model trained here.")

    url_params = ("model", "pretrained", "arch", "optimizer", "lr", "batch_size", "epochs", "augment", "subset")

    def __init__(self, session=None, autoplay=True, seed=0, **params):
        self._zoo = zoo_models()
        self.param.model.objects = list(self._zoo) + ["custom", "uploaded"]
        if params.get("model") not in self.param.model.objects:
            params.pop("model", None)
        if "lenet5" not in self._zoo:
            self.param.model.default = self.param.model.objects[0]
        super().__init__(session=session, **params)
        self.autoplay, self.seed = autoplay, seed
        self.training = None
        self._uploaded = None           # (file name, bytes) of an uploaded model
        self._pending_steps, self._pending_norms = [], []
        self._last_step_event = None
        self._last_flush = 0.0
        self._runs = 0
        self._train_data = self._test_data = None

        # -- widgets: model ------------------------------------------------------
        self.builder = NetworkBuilder(session=self.session, lang=self.lang, active=self.model == "custom",
                                      **({"arch": self.arch} if self.arch else {}))
        with param.parameterized.discard_events(self):
            self.arch = self.builder.arch
        self.builder_panel = pn.Column(self.builder, sizing_mode="stretch_width", margin=0)
        self.model_select = pn.widgets.Select(value=self.model, width=320, margin=(4, 10))
        self.pretrained_box = pn.widgets.Checkbox(value=self.pretrained, margin=(8, 10))
        self.pretrained_note = pn.pane.HTML("", styles={"color": "#52606D", "font-size": "14px"}, margin=(0, 10))
        self.ledger = pn.pane.HTML("", sizing_mode="stretch_width", margin=(4, 10))
        self.upload_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.upload = FileUpload(accept=".npz", max_bytes=MAX_UPLOAD_BYTES, lang=self.lang, width=320, height=40,
                                 margin=(4, 10))
        self.upload_message = Notice("", alert_type="danger", visible=False, margin=(4, 10))
        self.upload_hint = pn.pane.HTML("", styles={"color": "#52606D", "font-size": "14px"}, width=700,
                                        margin=(0, 10))
        self.import_note = Notice("", alert_type="info", visible=False, margin=(4, 10))
        self._imported = None           # the network a PyTorch state_dict was fitted to, for the note
        # -- widgets: settings ---------------------------------------------------
        self.optimizer_buttons = pn.widgets.RadioButtonGroup(value=self.optimizer, color="primary",
                                                             variant="outline", margin=(4, 10))
        self.lr_slider = pn.widgets.DiscreteSlider(options=list(LEARNING_RATES), value=self._snap_lr(self.lr),
                                                   width=330, margin=(4, 14))
        self.lr_hint = pn.pane.HTML("", styles={"color": "#52606D", "font-size": "14px"}, width=340,
                                    margin=(0, 10))
        self.batch_select = pn.widgets.RadioButtonGroup(options=list(BATCH_SIZES), value=self.batch_size,
                                                        color="primary", variant="outline",
                                                        margin=(4, 10))
        self.epochs_slider = pn.widgets.IntSlider(start=1, end=20, value=self.epochs, width=330, margin=(4, 14))
        self.subset_select = pn.widgets.Select(value=self.subset, width=200, margin=(4, 10))
        self.augment_box = pn.widgets.Checkbox(value=self.augment, margin=(10, 10))
        self.settings_note = pn.pane.HTML("", styles={"color": "#52606D", "font-size": "14px"}, width=340,
                                          margin=(4, 10))
        self.batch_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.optimizer_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        # -- widgets: run --------------------------------------------------------
        self.start_button = pn.widgets.Button(color="primary", width=120, height=44, margin=(4, 4))
        self.pause_button = pn.widgets.Button(color="warning", width=110, height=44, margin=(4, 4))
        self.step_button = pn.widgets.Button(color="default", width=100, height=44, margin=(4, 4))
        self.stop_button = pn.widgets.Button(color="danger", variant="outline", width=100, height=44,
                                             margin=(4, 4))
        self.download = pn.widgets.FileDownload(callback=self._download_file, filename="cnn-playground-model.npz",
                                                color="success", variant="outline", width=260,
                                                embed=False, margin=(8, 4), disabled=True)
        self.export_button = pn.widgets.FileDownload(callback=self._export_file, filename="cnn-playground-pytorch.zip",
                                                     color="primary", variant="outline", width=260, embed=False,
                                                     margin=(8, 4))
        self.progress = pn.indicators.Progress(value=0, max=100, sizing_mode="stretch_width", height=22,
                                               margin=(8, 8), bar_color="primary")
        self.status_pane = pn.pane.HTML("", stylesheets=[_STATUS_CSS], sizing_mode="stretch_width", margin=(4, 8))
        self.diverged_alert = pn.pane.Alert("", alert_type="warning", visible=False, sizing_mode="stretch_width",
                                            margin=(4, 8))
        self.registered_note = Notice("", alert_type="success", visible=False, margin=(4, 8))
        # -- plots ---------------------------------------------------------------
        self._plots = {}                 # made on first use (see _plot): the first page answer stays quick
        self._points = 0                 # points streamed into the loss curve this run
        self.kernels_none = pn.pane.HTML("", visible=False, margin=(4, 10))
        self.caption_curves = pn.pane.HTML("", styles={"font-size": "14px", "color": "#52606D"}, width=540,
                                           margin=(0, 10))
        self.caption_eval = pn.pane.HTML("", styles={"font-size": "14px", "color": "#52606D"}, width=420,
                                         margin=(0, 10))
        self.caption_kernels = pn.pane.HTML("", styles={"font-size": "14px", "color": "#52606D"}, width=400,
                                            margin=(0, 10))
        self.explanation = pn.pane.Markdown("", width=400)
        self.headings = {key: pn.pane.HTML("", margin=(0, 10)) for key in
                         ("train_heading_model", "train_heading_settings", "train_heading_run",
                          "train_heading_watch")}

        # -- wiring ----------------------------------------------------------------
        self.bind(self.model_select, "model")
        self.bind(self.pretrained_box, "pretrained")
        self.builder.param.watch(lambda e: self._on_builder(), "arch")
        self.upload.param.watch(lambda e: self.load_upload(self.upload.value, self.upload.filename), "value")
        self.upload.param.watch(lambda e: e.new and self.upload_refused(e.new["size"], e.new["name"]), "refused")
        self.bind(self.optimizer_buttons, "optimizer")
        self.bind(self.lr_slider, "lr")
        self.bind(self.batch_select, "batch_size")
        self.bind(self.epochs_slider, "epochs")
        self.bind(self.subset_select, "subset")
        self.bind(self.augment_box, "augment")
        self.on_clicks((self.start_button, self.start), (self.pause_button, self.pause),
                       (self.step_button, self.step_once), (self.stop_button, self.stop))

        self.relabel()
        self._show_model()
        self._show_preview()
        self._update_controls()

    # =====================================================================
    # Settings
    # =====================================================================
    @staticmethod
    def _snap_lr(value):
        return min(LEARNING_RATES, key=lambda r: abs(math.log(r) - math.log(max(value, 1e-12))))

    @param.depends("model", "pretrained", watch=True)
    def _on_model(self):
        self.model_select.value = self.model
        self.pretrained_box.value = self.pretrained
        self._show_model()
        self._show_preview()
        self._update_controls()

    @param.depends("arch", watch=True)
    def _on_arch(self):
        if self.arch and self.arch != self.builder.arch:
            self.builder.arch = self.arch
        if self.model == "custom":
            self._show_preview()
        self._update_controls()

    def _on_builder(self):
        self.arch = self.builder.arch
        if self.model == "custom":
            self._show_preview()
        self._update_controls()

    @param.depends("optimizer", "batch_size", "epochs", "subset", "augment", watch=True)
    def _on_settings(self):
        self.optimizer_buttons.value = self.optimizer
        self.batch_select.value = self.batch_size
        self.epochs_slider.value = self.epochs
        self.subset_select.value = self.subset
        self.augment_box.value = self.augment

    @param.depends("lr", watch=True)
    def _on_lr(self):
        """A new learning rate reaches the running trainer at once: the next step uses it."""
        snapped = self._snap_lr(self.lr)
        if self.lr_slider.value != snapped:
            self.lr_slider.value = snapped
        if self.training is not None and not self.training.trainer.done:
            with self.guard():
                self.training.lr = self.lr

    def _show_model(self):
        """The model card: the pretrained box, the builder or the zoo model's layers."""
        is_zoo = self.model in self._zoo
        available = is_zoo and _pretrained_available(self.model)
        self.pretrained_box.visible = is_zoo
        self.pretrained_box.disabled = not available
        self.pretrained_note.visible = is_zoo and not available
        self.builder_panel.visible = self.builder.active = self.model == "custom"
        self.ledger.visible = self.model != "custom"

    def _show_preview(self):
        """Layers, shapes and parameters of the network a new run would train."""
        if self.model == "custom":
            if self.training is None and self.builder.result.ok and "grads" in self._plots:
                self.grads.set_layers(_weighted_layers(self.builder.result.model), 10)
            return
        with self.guard():
            try:
                net = self.build_model(preview=True)
            except ValueError:
                net = None
            if net is None:
                self.ledger.object = ""
                return
            self.ledger.object = ledger_html(summary(net, INPUT_SHAPE), self.t)
            if self.training is None and "grads" in self._plots:
                self.grads.set_layers(_weighted_layers(net), 10)

    # =====================================================================
    # The model to train
    # =====================================================================
    def build_model(self, preview=False):
        """A fresh copy of the chosen network (seeded), ready to train.

        Raises:
            ValueError: the builder's stack cannot work, or no model was uploaded.
        """

        if self.model == "custom":
            if not self.builder.result.ok:
                raise ValueError(self.builder.message.object.split("\n\n")[0].strip("*"))
            return build_network(self.builder.specs, seed=self.seed).model
        if self.model == "uploaded":
            if self._uploaded is None:
                if preview:
                    return None
                raise ValueError(self.t("train_upload_first"))
            return model_io.load(self._uploaded[1])
        cnncore.manual_seed(self.seed)
        pretrained = self.pretrained and _pretrained_available(self.model)
        return self._zoo[self.model](pretrained=pretrained)

    def _data(self):
        """The balanced training subset and the 1,000 test digits (loaded once per view)."""
        if self._train_data is None:
            self._train_data = load_digits("train")
            self._test_data = load_digits("test")
        images, labels = self._train_data
        index = balanced_subset(labels, self.subset)
        return (images[index], labels[index]), self._test_data

    # =====================================================================
    # Running
    # =====================================================================
    @property
    def _active(self):
        return self.status in ("running", "paused")

    def new_run(self):
        """Build a new run from the current settings (the old run is dropped)."""
        model = self.build_model()
        train, test = self._data()
        self.training = TrainingRun(model, train, test, optimizer=self.optimizer, lr=self.lr,
                                    batch_size=self.batch_size, epochs=self.epochs, augment=self.augment,
                                    seed=self.seed)
        self._runs += 1
        self._pending_steps, self._pending_norms = [], []
        self._last_step_event = None
        self._points = 0
        self.curves.reset(self.training.total_steps)
        self.confusion.reset()
        names = list(self.training.trainer.history.grad_norms)
        self.grads.set_layers(names, self.training.total_steps, labels=_weighted_layers(model))
        self.diverged_alert.visible = False
        self._registered = None
        self.registered_note.visible = False
        self.caption_eval.object = ""
        self.steps = 0
        self._show_kernels()
        self.download.filename = f"cnn-playground-{self._model_slug()}.npz"
        self._run_model = (self._model_slug(), self.builder.arch)      # what Export names, whatever is chosen later
        return self.training

    def _model_slug(self):
        return "custom" if self.model == "custom" else (self.model if self.model in self._zoo else "uploaded")

    def stop(self):
        """End the run; the weights stay, its final evaluation runs, the model is registered."""
        with self.guard():
            if not self._active:
                return
            self.stop_loop(self.tick)
            self.training.stop()
            while not self.training.over:
                self._handle(self.training.advance(budget=BUDGET_SECONDS))
            self._flush(force=True)

    # -- events -------------------------------------------------------------------
    def _handle(self, events):
        for event in events:
            if event.kind == "step":
                self._last_step_event = event
                self._pending_steps.append(dict(step=event.step, loss=event.loss,
                                                running_loss=event.running_loss,
                                                running_accuracy=event.running_accuracy))
                self._pending_norms.append(event.grad_norms)
            elif event.kind == "eval":
                self._flush(force=True)
                self.curves.add_eval(event.step, event.loss, event.accuracy)
                self.confusion.update(event.confusion)
                self._caption_eval()
            elif event.kind == "diverged":
                self.curves.mark_divergence(event.step)
                self._show_divergence()
            elif event.kind == "finished":
                self._finish(event)
        self.steps = self.training.steps_done

    def _flush(self, force=False):
        """Send the new points to the browser (throttled: at most every PLOT_EVERY_SECONDS)."""
        now = time.monotonic()
        if not force and now - self._last_flush < PLOT_EVERY_SECONDS:
            return
        self._last_flush = now
        if self._pending_steps:
            rows, norms = self._pending_steps, self._pending_norms
            self._pending_steps, self._pending_norms = [], []
            self.curves.stream(rows)
            self._points += len(rows)
            self.grads.stream([r["step"] for r in rows], norms)
            self._show_kernels()
        self._show_status()

    def _finish(self, event):
        self.stop_loop(self.tick)
        self._flush(force=True)
        self.status = "diverged" if event.reason == "diverged" else (
            "finished" if event.reason == "completed" else "stopped")
        self._register()

    def _register(self):
        """Add a copy of the trained model to the session's models (other views can pick it).

        A model that does no better than guessing on the test digits is not added (the note
        says so); one restored after a divergence is added with "diverged" in its name.
        """

        run = self.training
        if run is None or run.steps_done == 0:
            return
        result, diverged = run.last_eval, run.diverged
        chance = chance_accuracy(run.test_labels)
        state = {"key": None, "acc": result.accuracy if result else 0.0, "chance": chance,
                 "restored": diverged.restored_step if diverged else None}
        if result is not None and result.accuracy > chance + CHANCE_MARGIN:
            copy = model_io.load(model_io.to_bytes(run.model)).eval()
            arch = {"custom": "train_custom", "uploaded": "train_uploaded"}.get(self.model, self.model)
            state["key"] = self.session.register("trained", copy, arch=arch,
                                                 note="model_train_diverged" if diverged else "")
            self.trained_key = state["key"]
        self._registered = state
        self._show_registered()

    # =====================================================================
    # Download / upload
    # =====================================================================
    def model_bytes(self):
        """The model of the current run as ``.npz`` bytes (``cnncore.io``)."""
        if self.training is None:
            raise ValueError("no model trained yet")
        return model_io.to_bytes(self.training.model)

    def _download_file(self):
        with self.guard():
            return io.BytesIO(self.model_bytes())
        return io.BytesIO(b"")

    def load_upload(self, data, filename="model.npz"):
        """Read an uploaded ``.npz`` model; a bad file shows its ``ModelFileError`` message. Returns success.

        The file's name and every field read from it reach the page only as plain text
        (:class:`~app.core.text.Notice`), the name cut to ``NAME_LIMIT`` characters.
        """

        self._upload_state = None                   # every new file replaces the last message
        self.upload_message.visible = False
        self._imported = None
        self._show_import()
        if data is None and not filename:
            return False
        name = shorten(filename or "model.npz", NAME_LIMIT)
        data = data or b""                        # an empty file arrives as None (Panel's FileInput)
        if len(data) > MAX_UPLOAD_BYTES:
            return self.upload_refused(len(data), name)
        try:
            net, fitted = self._read_model_file(bytes(data))
        except ModelFileError as exc:
            return self._upload_failed(str(exc), name)
        except StateDictError as exc:
            return self._upload_failed(str(exc), name, "train_upload_torch_bad")
        except Exception as exc:                  # a file the engine did not foresee: said, never raised
            log.exception("uploaded model %r could not be read", name)
            return self._upload_failed(f"{type(exc).__name__}: {shorten(exc, 200)}", name)
        try:
            ledger = summary(net, INPUT_SHAPE)
            ok = tuple(ledger.output_shape) == (1, NUM_CLASSES)
            problem = f"it gives shape {tuple(ledger.output_shape)}"
        except (ShapeError, NotImplementedError, ValueError) as exc:
            ok, problem = False, shorten(exc, 300)
        except Exception as exc:
            log.exception("uploaded model %r could not be run", name)
            ok, problem = False, f"{type(exc).__name__}: {shorten(exc, 200)}"
        if not ok:
            return self._upload_failed(self.t("train_upload_not_digits", message=problem), name)
        if self._active:
            self.stop()                 # the uploaded model is what the next run trains
        self._uploaded = (name, bytes(data))
        if fitted is not None:          # a PyTorch state_dict: keep it as a whole model file
            self._uploaded = (name, model_io.to_bytes(net))
            self._imported = fitted
            self._show_import()
        self.upload_message.param.update(alert_type="success", visible=True,
                                         object=self.t("train_upload_ok", name=name, params=ledger.params))
        self._upload_state = ("ok", ledger.params, name)
        if self.model != "uploaded":
            self.model = "uploaded"
        else:
            self._show_preview()
            self._update_controls()
        return True

    def upload_refused(self, size, filename="model.npz"):
        """A file of ``size`` bytes was too large to upload (the browser did not send it)."""
        name = shorten(filename or "model.npz", NAME_LIMIT)
        self._upload_state = ("big", size, name)
        self.upload_message.param.update(alert_type="danger", visible=True, object=self._too_big_text(size, name))
        return False

    def _too_big_text(self, size, name):
        return self.t("train_upload_too_big", name=name, size=size / 2 ** 20, bytes=size, mb=MAX_UPLOAD_MB)

    def _upload_failed(self, message, name, key="train_upload_bad"):
        self._upload_state = ("bad", (message, key), name)
        self.upload_message.param.update(alert_type="danger", visible=True,
                                         object=self.t(key, name=name, message=engine_message(message, self.lang)))
        return False

    # -- PyTorch ----------------------------------------------------------------
    def _model_label(self, name, arch=None):
        if name == "uploaded":
            return self.t("model_train_uploaded")
        return self.t("train_model_custom_arch", arch=arch or self.builder.arch) if name == "custom" else \
            self.t(f"model_{name}")

    def _import_candidates(self):
        """The networks a PyTorch state_dict may belong to: the chosen one first, then the builder's, the zoo's."""
        names = [self.model] if self.model in self._zoo or self.model == "custom" else []
        names += [n for n in ["custom", *self._zoo] if n not in names]
        candidates = {}
        for name in names:
            if name == "custom":
                if self.builder.result.ok:
                    candidates[name] = self.builder.result.model
            else:
                with meta():            # shapes only: the weights come from the file
                    candidates[name] = self._zoo[name]()
        return candidates

    def _read_model_file(self, data):
        """``(model, None)`` for this project's model file; ``(model, network name)`` for a PyTorch
        state_dict, fitted to the first network whose keys and shapes it matches.

        Raises:
            ModelFileError: not a model file nor a readable ``.npz``.
            StateDictError: a state_dict that fits none of the networks (the message compares it
                with the first one).
        """
        if import_torch.kind(data) != "state_dict":
            return model_io.load(data), None
        candidates = self._import_candidates()
        fits = import_torch.match(data, candidates)
        if not fits:
            first = next(iter(candidates))
            found = import_torch.problems(import_torch.read(data), candidates[first])
            raise StateDictError(f"{self._model_label(first)}: {'; '.join(found[:3])}")
        return import_torch.load(data, candidates[fits[0]]), fits[0]

    def _show_import(self):
        if getattr(self, "_imported", None) is None:
            self.import_note.visible = False
            return
        self.import_note.param.update(object=self.t("train_upload_torch_ok", arch=self._model_label(self._imported)),
                                      visible=True)

    def export_bytes(self):
        """The zip of "Export to PyTorch" for the network of this run, or the one a new run would train
        (``model.py``, ``weights.npz``, ``check.py`` and 4 test digits; see ``cnncore.export_torch``)."""
        trained = self.training is not None and self.training.steps_done > 0
        model = self.training.model if self.training is not None else self.build_model()
        images, _ = load_digits("test")
        title = self._model_label(*self._run_model) if self.training is not None else \
            self._model_label(self._model_slug())
        return export_torch.export(model, images[::250], title=title[:1].upper() + title[1:], verb="trained" if trained else "built",
                                   class_names=[str(d) for d in range(NUM_CLASSES)])

    def _export_file(self):
        with self.guard():
            return io.BytesIO(self.export_bytes())
        return io.BytesIO(b"")

    # =====================================================================
    # Showing things
    # =====================================================================
    @param.depends("status", watch=True)
    def _update_controls(self):
        active, running = self._active, self.status == "running"
        can_build = self.model != "custom" or (self.builder.result is not None and self.builder.result.ok)
        can_build = can_build and (self.model != "uploaded" or self._uploaded is not None)
        self.start_button.disabled = running or (not active and not can_build)
        self.start_button.label = self.t("train_resume" if self.status == "paused" else "train_start")
        self.pause_button.disabled = not running
        self.step_button.disabled = running or (not active and not can_build)
        self.stop_button.disabled = not active
        self.pretrained_box.disabled = not _pretrained_available(self.model)
        self.download.disabled = self.training is None or self.training.steps_done == 0 and not self.training.over
        self.export_button.disabled = self.training is None and not can_build
        self.export_button.filename = f"cnn-playground-{self._model_slug()}-pytorch.zip"
        self._show_status()

    def _show_status(self):
        run, event = self.training, self._last_step_event
        state = self.t(f"train_status_{self.status}")
        points = self._points
        parts = [f"<span class='tr-state' data-testid='train-status' data-status='{self.status}'>"
                 f"{html.escape(state)}</span>"]
        total = run.total_steps if run is not None else 0
        parts.append(f"<span class='tr-step' data-testid='train-step' data-steps='{self.steps}' "
                     f"data-points='{points}'>{html.escape(self.t('train_step_counter', step=self.steps, total=total))}"
                     f"</span>")
        if run is not None:
            epoch = run.trainer.last_epoch or 1
            parts.append(f"<span class='tr-muted'>{html.escape(self.t('train_epoch_counter', epoch=epoch, epochs=run.trainer.epochs))}</span>")
            if event is not None:
                parts.append(f"<span class='tr-muted'>{html.escape(self.t('train_speed', speed=event.examples_per_second))}</span>")
                if self._active:
                    left = _format_time(run.eta_seconds(event))
                    parts.append(f"<span class='tr-muted'>{html.escape(self.t('train_time_left', time=left))}</span>")
            if run._eval is not None and self._active:
                parts.append(f"<span class='tr-muted'>{html.escape(self.t('train_evaluating'))}</span>")
            if run.last_eval is not None:
                parts.append(f"<span class='tr-muted'>{html.escape(self.t('train_test_accuracy', acc=run.last_eval.accuracy))}</span>")
            self.progress.value = int(round(100 * run.steps_done / max(run.total_steps, 1)))
        else:
            self.progress.value = 0
        self.status_pane.object = f"<div class='tr-status' aria-live='polite'>{''.join(parts)}</div>"
        if event is not None:
            self.caption_curves.object = html.escape(self.t("train_caption_curves", step=event.step,
                                                            loss=event.running_loss, acc=event.running_accuracy))
        elif run is None:
            self.caption_curves.object = ""

    def _show_kernels(self):
        model = self.training.model if self.training is not None else None
        if model is None:
            try:
                model = self.build_model(preview=True)
            except Exception:
                model = None
        conv = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None) if model is not None else None
        self.kernels.figure.visible = conv is not None
        self.kernels_none.visible = conv is None and model is not None
        if conv is None:
            self.caption_kernels.object = ""
            return
        weight = conv.weight.data
        self.kernels.update(weight)
        k = weight.shape[-1]
        self.caption_kernels.object = html.escape(self.t(
            "train_caption_kernels", count=weight.shape[0], k=k, step=self.steps,
            low=float(weight[:, 0].min()), high=float(weight[:, 0].max())))

    def _caption_eval(self):
        result = self.training.last_eval
        if result is None:
            self.caption_eval.object = ""
            return
        confusion = np.array(result.confusion)
        np.fill_diagonal(confusion, 0)
        true, pred = np.unravel_index(int(confusion.argmax()), confusion.shape)
        count = int(confusion[true, pred])
        pair = self.t("train_caption_pair", true=true, pred=pred, count=count) if count else \
            self.t("train_caption_none")
        total = int(np.asarray(result.confusion).sum())
        self.caption_eval.object = html.escape(self.t(
            "train_caption_eval", step=result.step, correct=int(np.trace(result.confusion)), total=total,
            acc=result.accuracy, pair=pair))

    def suggested_lr(self, event):
        """The learning rate the divergence message suggests: at most the engine's suggestion and
        the optimizer's usual largest rate, rounded down to a value the slider offers."""
        limit = min(event.suggested_lr, SAFE_LR.get(self.optimizer, event.suggested_lr), event.lr / 3)
        return max([r for r in LEARNING_RATES if r <= limit * (1 + 1e-9)] or [LEARNING_RATES[0]])

    def _show_divergence(self):
        event = self.training.diverged if self.training is not None else None
        if event is None:
            self.diverged_alert.visible = False
            return
        kept = (self.t("train_diverged_kept", step=event.restored_step, acc=event.restored_accuracy)
                if event.restored_step else self.t("train_diverged_kept_initial"))
        what = self.t(f"train_diverged_{event.cause}", loss=event.loss, recent=event.recent_loss,
                      best=event.best_loss, acc=event.recent_accuracy, chance=event.chance)
        text = self.t("train_diverged", step=event.step, what=what, lr=event.lr, kept=kept,
                      suggest=self.suggested_lr(event))
        self.diverged_alert.object = (
            f"<div data-testid='train-diverged' data-cause='{event.cause}'>"
            f"<b>{html.escape(self.t('train_diverged_title'))}:</b> "
            f"{html.escape(text)}<br>{html.escape(self.t('train_diverged_hint'))}</div>")
        self.diverged_alert.visible = True

    def _show_registered(self):
        """Whether the last run's model was added to the other views, and as what (or why not)."""
        state = getattr(self, "_registered", None)
        if state is None:
            self.registered_note.visible = False
            return
        if state["key"] is None:
            text, kind = self.t("train_not_registered", acc=state["acc"], chance=state["chance"]), "warning"
        elif state["restored"] is not None:
            label = self.session.entry(state["key"]).label(self.lang)
            text = self.t("train_registered_diverged", label=label, step=state["restored"], acc=state["acc"])
            kind = "warning"
        else:
            text, kind = self.t("train_registered", label=self.session.entry(state["key"]).label(self.lang)), "success"
        self.registered_note.param.update(object=text, alert_type=kind, visible=True)

    def relabel(self):
        for key, pane in self.headings.items():
            pane.object = f"<h2 style='margin:4px 0'>{html.escape(self.t(key))}</h2>"
        self.builder.lang = self.lang
        options = {self.t(f"model_{name}"): name for name in self._zoo}
        options[self.t("train_model_custom")] = "custom"
        options[self.t("train_model_uploaded")] = "uploaded"
        self.model_select.param.update(options=options, value=self.model, label=self.t("train_model"))
        self.pretrained_box.label = self.t("train_pretrained")
        self.pretrained_note.object = html.escape(self.t("train_pretrained_none"))
        self.upload_label.object = f"<b>{html.escape(self.t('train_upload', mb=MAX_UPLOAD_MB))}</b>"
        self.upload.param.update(label=self.t("train_upload", mb=MAX_UPLOAD_MB), lang=self.lang)
        state = getattr(self, "_upload_state", None)
        if state is not None:
            kind, value, name = state
            if kind == "ok":
                self.upload_message.object = self.t("train_upload_ok", name=name, params=value)
            elif kind == "big":
                self.upload_message.object = self._too_big_text(value, name)
            else:
                message, key = value
                self.upload_message.object = self.t(key, name=name, message=engine_message(message, self.lang))
        self.optimizer_label.object = f"<b>{html.escape(self.t('train_optimizer'))}</b>"
        self.optimizer_buttons.param.update(options={self.t("train_sgd"): "sgd", self.t("train_adam"): "adam"},
                                            value=self.optimizer)
        self.lr_slider.label = self.t("train_lr")
        self.lr_hint.object = html.escape(self.t("train_lr_hint"))
        self.batch_label.object = f"<b>{html.escape(self.t('train_batch_size'))}</b>"
        self.epochs_slider.label = self.t("train_epochs")
        self.subset_select.param.update(options={self.t("train_subset_option", n=n): n for n in SUBSETS},
                                        value=self.subset, label=self.t("train_subset"))
        self.augment_box.label = self.t("train_augment")
        self.settings_note.object = html.escape(self.t("train_settings_note"))
        self.pause_button.label = self.t("train_pause")
        self.step_button.label = self.t("train_step")
        self.stop_button.label = self.t("train_stop")
        self.start_button.description = self.t("train_start_tip")
        self.step_button.description = self.t("train_step_tip")
        self.stop_button.description = self.t("train_stop_tip")
        self.download.label = self.t("train_download")
        self.export_button.label = self.t("train_export")
        self.export_button.description = self.t("train_export_tip")
        self.upload_hint.object = f"{html.escape(self.t('train_upload_torch_hint'))}<pre>{html.escape(TORCH_TO_NPZ)}</pre>"
        self._show_import()
        self._label_plots(list(self._plots))
        self.kernels_none.object = html.escape(self.t("train_kernels_none"))
        self.explanation.object = (f"### {self.t('train_explain_title')}\n\n{self.t('train_explain')}\n\n"
                                   f"{SGD_UPDATE}\n\n{self.t('train_explain_after')}")
        if self.training is not None:
            self._show_divergence()
            self._caption_eval()
            self._show_kernels()
        self._show_registered()
        if hasattr(self, "ledger"):
            self._show_preview()
            self._update_controls()

    # =====================================================================
    # Plots, made on first use
    # =====================================================================
    @property
    def curves(self):
        return self._plot("curves")

    @property
    def confusion(self):
        return self._plot("confusion")

    @property
    def grads(self):
        return self._plot("grads")

    @property
    def kernels(self):
        return self._plot("kernels")

    def _plot(self, name):
        if name not in self._plots:
            make = {"curves": lambda: TrainingCurves(width=540, height=300),
                    "confusion": lambda: ConfusionPlot(size=420),
                    "grads": lambda: GradNormPlot(width=620, height=330),
                    "kernels": lambda: KernelMosaic(width=400)}[name]
            self._plots[name] = make()
            self._label_plots([name])
            if self.training is None and name in ("grads", "kernels"):
                self._show_preview() if name == "grads" else self._show_kernels()
        return self._plots[name]

    def _label_plots(self, names):
        if "curves" in names:
            self.curves.set_labels(self.t("train_loss_title"), self.t("train_accuracy_title"),
                                   self.t("train_axis_step"), self.t("train_legend_batch"),
                                   self.t("train_legend_train"), self.t("train_legend_test"))
        if "confusion" in names:
            self.confusion.set_labels(self.t("train_confusion_title"), self.t("train_confusion_true"),
                                      self.t("train_confusion_predicted"))
        if "grads" in names:
            self.grads.set_labels(self.t("train_grad_title"), self.t("train_axis_step"), self.t("train_grad_axis"))
        if "kernels" in names:
            self.kernels.set_title(self.t("train_kernels_title"))

    # =====================================================================
    # Layout
    # =====================================================================
    def __panel__(self):
        card = theme.card()
        model_card = pn.Column(
            self.headings["train_heading_model"], self.model_select, self.pretrained_box, self.pretrained_note,
            self.builder_panel, self.ledger, self.upload_label, self.upload, self.upload_hint, self.upload_message,
            self.import_note,
            width=820, **card)
        settings_card = pn.Column(
            self.headings["train_heading_settings"], self.optimizer_label, self.optimizer_buttons,
            self.lr_slider, self.lr_hint, self.batch_label, self.batch_select, self.epochs_slider,
            self.subset_select, self.augment_box, self.settings_note, width=380, **card)
        run_card = pn.Column(
            self.headings["train_heading_run"],
            pn.Row(self.start_button, self.pause_button, self.step_button, self.stop_button, self.download,
                   self.export_button, styles={"flex-wrap": "wrap"}),
            self.progress, self.status_pane, self.diverged_alert, self.registered_note,
            sizing_mode="stretch_width", **card)
        flex = theme.FLEX
        watch = pn.FlexBox(**flex)
        # The plots are sent once the page is up: the first answer of the server stays quick.
        pn.state.onload(lambda: watch.param.update(objects=self._plot_cards(card)))
        return pn.Column(
            self._error,
            pn.FlexBox(model_card, settings_card, **flex),
            run_card,
            watch,
            sizing_mode="stretch_width")

    def _plot_cards(self, card):
        curves = pn.Column(pn.pane.Bokeh(self.curves.loss), pn.pane.Bokeh(self.curves.accuracy),
                           self.caption_curves, **card)
        confusion = pn.Column(pn.pane.Bokeh(self.confusion.figure), self.caption_eval, **card)
        grads = pn.Column(pn.pane.Bokeh(self.grads.figure), **card)
        kernels = pn.Column(pn.pane.Bokeh(self.kernels.figure), self.kernels_none, self.caption_kernels, **card)
        explain = pn.Column(self.explanation, **card)
        return [curves, confusion, grads, kernels, explain]

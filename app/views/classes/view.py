"""Your classes: make 2-6 classes of your own pictures, train a colour CNN on them, try it.

1. **Data** (:class:`~app.views.classes.data.ClassData`): named classes filled from the
   webcam (:class:`~app.widgets.webcam.Webcam`: hold to capture a burst), from picture
   files (``app/core/image_input.py``: any format, EXIF rotation, odd modes; decoded by the browser
   where the page has no Pillow, the static site; bad files are named and skipped) or with the
   starter set (brick / grass / gravel tiles cut from the shipped
   texture photos). Each picture becomes 32 x 32 RGB at once. The last quarter of each class
   is held out. The set downloads and opens again as a ``.npz`` (no pickle).
2. **Training**: a small RGB CNN from scratch, driven like the Train view (a
   :class:`~app.core.training.TrainingRun` advanced by a periodic callback):
   live loss and accuracy, Pause, Step, progress and time left. The trained network downloads as
   a ``.npz`` with its class names (:mod:`app.views.classes.network`) and opens again, as does
   a PyTorch state dict of this network saved as ``.npz``; an opened network answers at once, is
   measured on the held-out pictures when its class names are the view's, and goes to the photo views.
3. **Trying it**: a picture file or a camera frame -> probabilities of each class; per-class
   accuracy and the confusion matrix of the held-out pictures.

Page hooks for tests: ``data-testid`` ``classes-counts`` (``data-counts="12,9"``),
``classes-status`` (``data-status``, ``data-steps``), ``classes-prediction`` (``data-class``).
"""
import html
import io

import numpy as np
import panel as pn
import param

from cnncore import export_torch, io as model_io
from cnncore.images import fit, to_tensor
from cnncore.inspect import class_probabilities, summary
from cnncore.models.small_rgb import small_rgb_cnn
from cnncore.train import evaluate

from app.core import theme
from app.core.engine_strings import engine_message
from app.core.image_input import ImageInputError, decode_in_browser, read_picture
from app.core.text import Notice, shorten
from app.core.theme import card_css
from app.core.training import TrainingRun
from app.views.base import View
from app.views.classes import strings  # noqa: F401  (registers the texts)
from app.views.classes.data import MAX_CLASSES, MAX_PER_CLASS, MIN_CLASSES, MIN_TO_TRAIN, ClassData, DataError
from app.views.classes.network import NetworkError, network_from_bytes, network_to_bytes
from app.views.classes.plots import CONFUSION_OPTIONS, ClassProbabilities, PictureStrip
from app.views.run_controls import RunControls
from app.widgets.training_plots import ConfusionPlot, TrainingCurves
from app.widgets.upload import FileUpload
from app.widgets.webcam import Webcam, decode_frame

MAX_UPLOAD_MB = 10        # per choice of files: they travel to Python in one message (base64: 4/3 as large)
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 2 ** 20

__all__ = ["ClassesView", "build_classifier", "to_input", "MEAN", "STD"]

MEAN, STD = (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)   # per channel: x/255 in [0, 1] -> about [-2, 2]
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03)
MUTED_CSS = {"color": "#52606D", "font-size": "14px"}
NAME_LIMIT = 80       # characters of a file's name quoted in a message (it is shown as plain text)


def build_classifier(num_classes, seed=0):
    """The view's network (:func:`cnncore.models.small_rgb.small_rgb_cnn`), seeded.

    Shape:
        - Input: ``(N, 3, 32, 32)``; Output: ``(N, num_classes)`` logits
    """
    return small_rgb_cnn(num_classes, seed)


def to_input(images):
    """``(N, 32, 32, 3)`` uint8 pictures -> the network's ``(N, 3, 32, 32)`` float32 input."""
    return to_tensor(images, mean=MEAN, std=STD)


class ClassesView(RunControls, View):
    """The student's own classes, a colour CNN trained on them, and its answers.

    State: ``epochs``, ``lr`` (in the URL) and ``target`` (the class new pictures go to).
    Outputs: ``status`` (``idle``/``running``/``paused``/``finished``/``diverged``),
    ``steps``, ``prediction`` (the last answer's class name, ``""`` for none).
    """

    epochs = param.Integer(default=10, bounds=(1, 40))
    lr = param.Selector(default=0.01, objects=list(LEARNING_RATES))
    target = param.Integer(default=0, bounds=(0, MAX_CLASSES - 1))
    status = param.Selector(default="idle", objects=["idle", "running", "paused", "finished", "diverged"])
    steps = param.Integer(default=0)
    prediction = param.String(default="")

    url_params = ("epochs", "lr")
    embed_size = (1200, 900)

    def __init__(self, session=None, autoplay=True, seed=0, **params):
        super().__init__(session=session, **params)
        self.autoplay, self.seed = autoplay, seed
        self.data = ClassData(names=[self.t("classes_default_name", n=i + 1) for i in range(MIN_CLASSES)])
        self.training = self.model = None
        self._run_names, self._run_version, self._version = [], -1, 0
        self._pending = []
        self._note = None            # (key, fields) of the last information message
        self._last_picture = None    # what the network was last shown, (32, 32, 3)

        # -- data ----------------------------------------------------------------------
        self.starter_button = pn.widgets.Button(button_type="primary", button_style="outline", margin=(4, 8))
        self.starter_about = pn.pane.HTML("", styles=MUTED_CSS, sizing_mode="stretch_width", margin=(0, 10))
        self.add_button = pn.widgets.Button(button_type="success", button_style="outline", margin=(4, 8))
        self.remove_button = pn.widgets.Button(button_type="danger", button_style="outline", margin=(4, 8))
        self.cards = pn.FlexBox(flex_wrap="wrap", sizing_mode="stretch_width")
        self._names, self._strips, self._count_panes = [], [], []
        self.counts_pane = pn.pane.HTML("", sizing_mode="stretch_width", margin=(4, 10))
        self.target_select = pn.widgets.RadioButtonGroup(button_type="primary", button_style="outline",
                                                         margin=(4, 10))
        self.target_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.clear_button = pn.widgets.Button(button_type="light", margin=(4, 8))
        self.upload_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.upload = FileUpload(accept="image/*", multiple=True, max_bytes=MAX_UPLOAD_BYTES, lang=self.lang,
                                 decode_images=decode_in_browser(), width=340, margin=(4, 10))
        self.camera_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.webcam = Webcam(margin=(4, 10))
        self.webcam.on_frame = self._on_frame
        self.camera_status = Notice("", alert_type="light", width=420, margin=(4, 10))
        self.note = Notice("", alert_type="info", visible=False, margin=(4, 10))
        self.download = pn.widgets.FileDownload(callback=self._download_data, filename="my-classes.npz",
                                                embed=False, button_type="success", button_style="outline",
                                                width=300, margin=(8, 8))
        self.open_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.open_data = FileUpload(accept=".npz", max_bytes=MAX_UPLOAD_BYTES, lang=self.lang, width=300,
                                    margin=(4, 10))
        # -- training ------------------------------------------------------------------
        self.model_pane = pn.pane.HTML("", styles=MUTED_CSS, sizing_mode="stretch_width", margin=(0, 10))
        self.epochs_slider = pn.widgets.IntSlider(start=1, end=40, value=self.epochs, width=400, margin=(4, 14))
        self.lr_select = pn.widgets.Select(options=list(LEARNING_RATES), value=self.lr, width=140, margin=(4, 14, 4, 48))
        self.train_button = pn.widgets.Button(button_type="primary", width=120, height=44, margin=(4, 4))
        self.pause_button = pn.widgets.Button(button_type="warning", width=110, height=44, margin=(4, 4))
        self.step_button = pn.widgets.Button(button_type="default", width=100, height=44, margin=(4, 4))
        self.progress = pn.indicators.Progress(value=0, max=100, sizing_mode="stretch_width", height=20, margin=(8, 8))
        self.export_button = pn.widgets.FileDownload(callback=self._export_file, filename="my-classes-pytorch.zip",
                                                     embed=False, button_type="primary", button_style="outline",
                                                     width=280, height=44, margin=(4, 4), disabled=True)
        self.download_network = pn.widgets.FileDownload(callback=self._network_file,
                                                        filename="my-classes-network.npz", embed=False,
                                                        button_type="success", button_style="outline",
                                                        width=300, height=44, margin=(4, 4), disabled=True)
        self.open_network_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.open_network = FileUpload(accept=".npz", max_bytes=MAX_UPLOAD_BYTES, lang=self.lang, width=300,
                                       margin=(4, 10))
        self._opened = None          # the file name of the network opened (None: trained here)
        self.status_pane = pn.pane.HTML("", sizing_mode="stretch_width", margin=(4, 8))
        self.train_note = Notice("", alert_type="warning", visible=False, margin=(4, 8))
        self._train_note = None
        self.curves = TrainingCurves(width=460, height=240)
        # -- trying it -------------------------------------------------------------------
        self.test_label = pn.pane.HTML("", margin=(8, 10, 0, 10))
        self.test_upload = FileUpload(accept="image/*", max_bytes=MAX_UPLOAD_BYTES, lang=self.lang, width=300,
                                      decode_images=decode_in_browser(), margin=(4, 10))
        self.sees_label = pn.pane.HTML("", styles=MUTED_CSS, margin=(4, 10, 0, 10))
        self.sees = PictureStrip(count=1, scale=4)
        self.prediction_pane = pn.pane.HTML("", margin=(4, 10))
        self.probabilities = ClassProbabilities(width=400)
        self.confusion = ConfusionPlot(340, **CONFUSION_OPTIONS)
        self.per_class = pn.pane.HTML("", margin=(4, 10))
        self.explanation = pn.pane.Markdown("", width=420)
        self.headings = {key: pn.pane.HTML("", margin=(0, 10)) for key in
                         ("classes_heading_data", "classes_heading_train", "classes_heading_test")}
        self.intro = pn.pane.HTML("", sizing_mode="stretch_width", margin=(0, 10))

        # -- wiring --------------------------------------------------------------------------
        self.starter_button.on_click(lambda e: self.load_starter())
        self.add_button.on_click(lambda e: self.add_class())
        self.remove_button.on_click(lambda e: self.remove_class())
        self.clear_button.on_click(lambda e: self.clear_class())
        self.bind(self.target_select, "target")
        # (our FileUpload sets a file's name before its bytes: a watcher of value reads the right name)
        self.upload.param.watch(lambda e: self.add_files(self.upload.value, self.upload.filename), "value")
        self.open_data.param.watch(lambda e: self.open_file(self.open_data.value, self.open_data.filename), "value")
        self.test_upload.param.watch(lambda e: self.predict_file(self.test_upload.value, self.test_upload.filename),
                                     "value")
        self.open_network.param.watch(
            lambda e: self.open_network_file(self.open_network.value, self.open_network.filename), "value")
        for picker in (self.upload, self.open_data, self.test_upload, self.open_network):
            picker.param.watch(lambda e: e.new and self._say("classes_upload_too_big", alert="warning",
                                                             name=shorten(e.new["name"], NAME_LIMIT), mb=MAX_UPLOAD_MB), "refused")
        self.webcam.param.watch(lambda *events: self._show_camera(), ["status", "detail"])
        self.bind(self.epochs_slider, "epochs")
        self.bind(self.lr_select, "lr")
        self.on_clicks((self.train_button, self.start), (self.pause_button, self.pause),
                       (self.step_button, self.step_once))

        self._rebuild_cards()
        self.relabel()

    # =====================================================================
    # The data
    # =====================================================================
    def _changed(self):
        """The pictures or classes changed: counts, cards and the camera's button follow."""
        self._version += 1
        self._show_counts()
        self._update_controls()

    def load_starter(self):
        """Replace the classes with the shipped starter set (brick, grass, gravel)."""
        with self.guard():
            self.data = ClassData.starter()
            for i, name in enumerate(list(self.data.names)):
                self.data.rename(i, self.t(f"classes_texture_{name}"))
            self.target = 0
            self._rebuild_cards()
            self._changed()
            self._say("classes_starter_loaded", names=", ".join(self.data.names), count=self.data.counts()[0])

    def add_class(self):
        with self.guard():
            try:
                self.data.add_class(self.t("classes_default_name", n=len(self.data.names) + 1))
            except DataError:
                return self._say("classes_too_many", alert="warning", max=MAX_CLASSES)
            self._rebuild_cards()
            self.target = len(self.data.names) - 1
            self._changed()

    def remove_class(self):
        with self.guard():
            try:
                self.data.remove_class(len(self.data.names) - 1)
            except DataError:
                return self._say("classes_too_few", alert="warning", min=MIN_CLASSES)
            self.target = min(self.target, len(self.data.names) - 1)
            self._rebuild_cards()
            self._changed()

    def clear_class(self):
        with self.guard():
            self.data.clear(self.target)
            self._changed()

    def add_pictures(self, index, pictures):
        """Add ``(H, W, 3)`` uint8 pictures to class ``index``; says so, and says when it is full."""
        added = 0
        for picture in pictures:
            if not self.data.add(index, picture):
                self._say("classes_full", alert="warning", name=self.data.names[index], max=MAX_PER_CLASS)
                break
            added += 1
        else:
            if added:
                self._say("classes_added", count=added, name=self.data.names[index])
        if added:
            self._changed()
        return added

    def add_files(self, contents, filenames):
        """Picture files (bytes, or the browser's :class:`~app.core.image_input.BrowserPicture`) into the
        target class; each bad file is named, the good ones are kept."""

        if not contents:
            return 0
        contents = contents if isinstance(contents, list) else [contents]
        filenames = filenames if isinstance(filenames, list) else [filenames] * len(contents)
        with self.guard():
            pictures, problems = [], []
            for data, name in zip(contents, filenames):
                try:
                    pictures.append(read_picture(data, name=shorten(name or "image", NAME_LIMIT)))
                except ImageInputError as exc:
                    problems.append(exc.message(self.lang))
            added = self.add_pictures(self.target, pictures)
            if problems:
                self._say("classes_skipped", alert="warning", message=" ".join(problems))
            return added
        return 0

    def _on_frame(self, purpose, frame):
        """A webcam frame (base64 from the browser, or an array): into the target class, or predicted."""
        with self.guard():
            if isinstance(frame, str):
                frame = decode_frame(frame)
            if purpose == "capture":
                self.add_pictures(self.target, [frame])
            else:
                self.predict(frame)

    def open_file(self, data, filename="classes.npz"):
        """Replace the classes with a downloaded data set; a bad file is named and changes nothing."""
        if not data:
            return False
        name = shorten(filename or "classes.npz", NAME_LIMIT)
        with self.guard():
            try:
                opened = ClassData.from_bytes(data)
            except DataError as exc:
                self._say("classes_data_bad", alert="danger", name=name,
                          why=engine_message(exc.fields["why"], self.lang))
                return False
            self.data, self.target = opened, 0
            self._rebuild_cards()
            self._changed()
            self._say("classes_data_loaded", name=name, classes=len(opened.names),
                      count=sum(opened.counts()))
            return True
        return False

    def network_bytes(self):
        """The "Download the network" file (``app.views.classes.network``): the network trained
        or opened here and the class names it answers with.

        Raises:
            ValueError: nothing trained yet.
        """
        if self.model is None or self.steps == 0:
            raise ValueError(self.t("classes_export_first"))
        return network_to_bytes(self.model, self._run_names)

    def _network_file(self):
        with self.guard():
            return io.BytesIO(self.network_bytes())
        return io.BytesIO(b"")

    def open_network_file(self, data, filename="network.npz"):
        """Open a network file (this page's, a PyTorch state dict or a cnncore model file) and use it at
        once: predictions, Export, Download and the photo views. A file that does not fit is named
        and refused; the network and pictures the student had stay."""
        if not data:
            return False
        name = shorten(filename or "network.npz", NAME_LIMIT)
        with self.guard():
            if self.status == "running":
                self.pause()
            try:
                model, names, kind = network_from_bytes(data, list(self.data.names), build_classifier)
            except NetworkError as exc:
                fields = dict(exc.fields)
                if exc.code == "engine":
                    fields["why"] = engine_message(fields["why"], self.lang)
                self._say(f"classes_network_bad_{exc.code}", alert="danger", name=name, **fields)
                return False
            self.stop_loop(self.tick)
            self.model, self.training, self._last_step = model, None, None
            self._run_names, self._run_version, self._opened = names, self._version, name
            self._pending = []
            self.curves.reset(1)
            self.steps = 1                       # "something to answer with": predict, Export, Download
            self.status = "finished"
            self.registered_key = self._register()
            evaluated = self._evaluate_opened()
            self._say("classes_network_opened" if evaluated else "classes_network_opened_no_eval",
                      name=name, classes=len(names), names=", ".join(names))
            self.export_button.disabled = self.download_network.disabled = False
            self._show_status()
            if self._last_picture is not None:
                self.predict(self._last_picture)
            else:
                self.prediction = ""
                self.prediction_pane.object = html.escape(self.t("classes_test_hint_opened"))
            return True
        return False

    def _evaluate_opened(self):
        """Per-class accuracy and confusion of an opened network on the held-out pictures, when its
        class names are the view's; False (the old ones cleared) when it cannot be measured here."""
        (_, _), (held_x, held_y) = self.data.split()
        if self._run_names != list(self.data.names) or not len(held_y):
            self.confusion.update(np.zeros((len(self._run_names),) * 2, np.int64), self._run_names)
            self.per_class.object = ""
            return False
        self._show_evaluation(evaluate(self.model, to_input(held_x), held_y))
        return True

    def export_bytes(self):
        """The zip of "Export to PyTorch" for the network trained here (``cnncore.export_torch``): its
        test input is the first picture of each class (held-out ones when there are), as the network sees it.

        Raises:
            ValueError: nothing trained yet.
        """
        if self.model is None or self.steps == 0:
            raise ValueError(self.t("classes_export_first"))
        (train_x, train_y), (held_x, held_y) = self.data.split()
        pictures, labels = (held_x, held_y) if len(held_y) else (train_x, train_y)
        first = [int(np.flatnonzero(labels == c)[0]) for c in np.unique(labels)]     # one picture per class
        x = to_input(pictures[first]) if first else np.zeros((1, 3, 32, 32), np.float32)
        return export_torch.export(self.model, x, title=self.t("classes_export_title", classes=len(self._run_names)),
                                   verb="trained", class_names=self._run_names)

    def _export_file(self):
        with self.guard():
            return io.BytesIO(self.export_bytes())
        return io.BytesIO(b"")

    def _download_data(self):
        with self.guard():
            return io.BytesIO(self.data.to_bytes())
        return io.BytesIO(b"")

    def _say(self, key, alert="info", **fields):
        self._note = (key, alert, fields)
        self.note.param.update(object=self.t(key, **fields), alert_type=alert, visible=True)

    # =====================================================================
    # Training
    # =====================================================================
    @property
    def _active(self):
        return self.status in ("running", "paused")

    def _refuse(self):
        """Say why the network cannot train (a class with fewer than MIN_TO_TRAIN pictures) and
        return True; False (and no message) when it can."""
        problems = self.data.problems()
        if problems:
            index, count = problems[0]
            self.train_note.param.update(object=self.t("classes_need_pictures", name=self.data.names[index],
                                                       count=count, min=MIN_TO_TRAIN), visible=True)
            self._train_note = (index, count)
        else:
            self.train_note.visible, self._train_note = False, None
        return bool(problems)

    def new_run(self):
        """A fresh network and run on the current pictures.

        Raises:
            ValueError: a class has fewer than ``MIN_TO_TRAIN`` pictures.
        """
        if self._refuse():
            raise ValueError(self.train_note.object)
        (train_x, train_y), (held_x, held_y) = self.data.split()
        if not len(held_y):                       # nothing held out yet: measure on the training pictures
            held_x, held_y = train_x, train_y
        self.model = build_classifier(len(self.data.names), seed=self.seed)
        batch = min(16, len(train_y))
        self.training = TrainingRun(self.model, (to_input(train_x), train_y), (to_input(held_x), held_y),
                                    optimizer="adam", lr=self.lr, batch_size=batch, epochs=self.epochs,
                                    seed=self.seed)
        self._run_names, self._run_version = list(self.data.names), self._version
        self._opened = None
        self._pending = []
        self._last_step = None
        self.curves.reset(self.training.total_steps)
        self.steps = 0
        self.prediction = ""
        return self.training

    def _handle(self, events):
        for event in events:
            if event.kind == "step":
                self._last_step = event
                self._pending.append(dict(step=event.step, loss=event.loss, running_loss=event.running_loss,
                                          running_accuracy=event.running_accuracy))
            elif event.kind == "eval":
                self._flush()
                self.curves.add_eval(event.step, event.loss, event.accuracy)
                self._show_evaluation(event)
            elif event.kind == "finished":
                self.stop_loop(self.tick)
                self.status = "diverged" if event.reason == "diverged" else "finished"
                self.registered_key = self._register()
        self.steps = self.training.steps_done
        self.export_button.disabled = self.download_network.disabled = self.steps == 0

    registered_key = None   # the session's model key of the last finished run ("classes_2"), for other views

    def _register(self):
        """Offer a copy of the finished network to the photo views (Inside, Gradients, Shift), with its
        class names; a run that diverged is not offered."""
        if self.status == "diverged":
            return None
        copy = model_io.load(model_io.to_bytes(self.model)).eval()
        return self.session.register("classes", copy, arch="classes_cnn", input="photo", classes=self._run_names)

    def _flush(self, force=False):
        """The new points to the browser (every call: a run here is short)."""
        if self._pending:
            self.curves.stream(self._pending)
            self._pending = []
        self._show_status()

    # =====================================================================
    # Trying it
    # =====================================================================
    def predict(self, picture):
        """Class probabilities for one ``(H, W, 3)`` uint8 picture (shown as the network sees it)."""

        small = fit(np.asarray(picture, np.uint8), (32, 32))
        self._last_picture = small
        self.sees.update([small])
        if self.model is None or self.steps == 0:
            self.prediction = ""
            self.prediction_pane.object = html.escape(self.t("classes_test_hint"))
            return None
        self.model.eval()
        probabilities = class_probabilities(self.model, to_input(small))[0][0]
        best = int(np.argmax(probabilities))
        self.prediction = self._run_names[best]
        self.probabilities.update(self._run_names, probabilities)
        self._show_prediction(probabilities)
        return probabilities

    def predict_file(self, data, filename="image"):

        if not data:
            return None
        with self.guard():
            try:
                picture = read_picture(data, name=shorten(filename or "image", NAME_LIMIT))
            except ImageInputError as exc:
                self._say("classes_skipped", alert="warning", message=exc.message(self.lang))
                return None
            return self.predict(picture)
        return None

    # =====================================================================
    # Showing things
    # =====================================================================
    def _rebuild_cards(self):
        """One card per class: its name (editable), its count, its newest pictures."""
        self._names, self._strips, self._count_panes = [], [], []
        cards = []
        for i, name in enumerate(self.data.names):
            box = pn.widgets.TextInput(value=name, width=230, margin=(4, 6))
            box.param.watch(lambda e, i=i: self._rename(i, e.new), "value")
            strip = PictureStrip(count=6, scale=1.2)
            count = pn.pane.HTML("", styles=MUTED_CSS, margin=(0, 6))
            self._names.append(box)
            self._strips.append(strip)
            self._count_panes.append(count)
            cards.append(pn.Column(box, count, pn.pane.Bokeh(strip.figure, margin=(0, 6)), width=260,
                                   css_classes=["cnn-card"], stylesheets=[card_css()], margin=(4, 6)))
        self.cards.objects = cards
        self._label_cards()
        self._show_counts()
        self._update_controls()

    def _rename(self, index, name):
        with self.guard():
            if index >= len(self.data.names) or name == self.data.names[index]:
                return
            self.data.rename(index, name)
            if self._names[index].value != self.data.names[index]:
                self._names[index].value = self.data.names[index]
            self._show_counts()

    def _label_cards(self):
        for i, box in enumerate(self._names):
            box.name = self.t("classes_name", n=i + 1)

    def _show_counts(self):
        counts, held = self.data.counts(), self.data.held_out_counts()
        for i, (pane, strip) in enumerate(zip(self._count_panes, self._strips)):
            pane.object = html.escape(self.t("classes_count", count=counts[i], held=held[i]))
            strip.update(self.data.pictures[i])
        split = self.t("classes_split", held=sum(held), train=sum(counts) - sum(held))
        extra = " " + self.t("classes_no_held_out") if sum(counts) and not sum(held) else ""
        self.counts_pane.object = (f"<div data-testid='classes-counts' data-counts='{','.join(map(str, counts))}'>"
                                   f"{html.escape(split + extra)}</div>")
        options = {f"{name} ({n})": i for i, (name, n) in enumerate(zip(self.data.names, counts))}
        self.target_select.param.update(options=options, value=self.target)
        self.webcam.can_capture = counts[self.target] < MAX_PER_CLASS
        self._show_camera()
        if self._active and self._version != self._run_version:
            self._show_status()

    @param.depends("target", watch=True)
    def _on_target(self):
        if self.target >= len(self.data.names):
            self.target = len(self.data.names) - 1
            return
        self.target_select.value = self.target
        self.webcam.can_capture = self.data.counts()[self.target] < MAX_PER_CLASS
        self._show_camera()

    def _show_camera(self):
        status = self.webcam.status
        fields = {"name": self.data.names[min(self.target, len(self.data.names) - 1)],
                  "detail": self.webcam.detail}
        alert = {"denied": "warning", "no_camera": "warning", "unsupported": "warning", "error": "danger",
                 "on": "success"}.get(status, "light")
        self.camera_status.param.update(object=self.t(f"classes_camera_{status}", **fields), alert_type=alert)

    @param.depends("status", watch=True)
    def _update_controls(self):
        running = self.status == "running"
        self.train_button.disabled = running
        self.train_button.name = self.t("classes_resume" if self.status == "paused" else "classes_train")
        self.pause_button.disabled = not running
        self.step_button.disabled = running
        self.export_button.disabled = self.download_network.disabled = self.model is None or self.steps == 0
        self.add_button.disabled = len(self.data.names) >= MAX_CLASSES
        self.remove_button.disabled = len(self.data.names) <= MIN_CLASSES
        self._describe_network()
        self._show_status()

    def _describe_network(self):
        """The network's line: an opened network as it is (its classes may not be the page's),
        else the one a run on the page's classes would train."""
        opened = self._opened is not None and self.model is not None
        classes = len(self._run_names) if opened else len(self.data.names)
        page_net = build_classifier(classes)
        net = self.model if opened else page_net
        cost = summary(net, (3, 32, 32))
        same = _layout(net) == _layout(page_net)    # a model file may hold another network: say so, not ours
        self.model_pane.object = html.escape(self.t("classes_model" if same else "classes_model_other",
                                                    classes=classes, params=cost.params, layers=len(cost.rows)))

    def _show_status(self):
        run, event = self.training, getattr(self, "_last_step", None)
        parts = [f"<b data-testid='classes-status' data-status='{self.status}' data-steps='{self.steps}'>"
                 f"{html.escape(self.t('classes_status_' + self.status))}</b>"]
        if run is not None:
            trainer = run.trainer
            parts.append(html.escape(self.t("classes_progress", step=run.steps_done, total=run.total_steps,
                                            epoch=trainer.last_epoch or 1, epochs=trainer.epochs)))
            if event is not None:
                parts.append(html.escape(self.t("classes_speed", speed=event.examples_per_second)))
                if self._active:
                    parts.append(html.escape(self.t("classes_time_left", seconds=run.eta_seconds(event))))
            if run.last_eval is not None:
                parts.append(html.escape(self.t("classes_held_accuracy", acc=run.last_eval.accuracy)))
            self.progress.value = int(round(100 * run.steps_done / max(run.total_steps, 1)))
            if self._version != self._run_version:
                parts.append(f"<i>{html.escape(self.t('classes_data_changed'))}</i>")
        else:
            self.progress.value = 0
            if self._opened is not None:
                parts.append(html.escape(self.t("classes_opened_from", name=self._opened)))
        self.status_pane.object = " · ".join(parts)

    def _show_evaluation(self, event):
        names = self._run_names
        self.confusion.update(event.confusion, names)
        rows = []
        for i, name in enumerate(names):
            total = int(event.confusion[i].sum())
            text = (self.t("classes_per_class_row", name=name, right=int(event.confusion[i, i]), total=total)
                    if total else self.t("classes_per_class_none", name=name))
            rows.append(f"<li>{html.escape(text)}</li>")
        self.per_class.object = (f"<b>{html.escape(self.t('classes_per_class'))}</b>"
                                 f"<ul style='margin:4px 0'>{''.join(rows)}</ul>")

    def _show_prediction(self, probabilities):
        best = int(np.argmax(probabilities))
        self.prediction_pane.object = (
            f"<div data-testid='classes-prediction' data-class='{html.escape(self._run_names[best], quote=True)}' "
            f"style='font-size:22px;font-weight:700'>"
            f"{html.escape(self.t('classes_prediction', name=self._run_names[best], p=float(probabilities[best])))}"
            f"</div>")

    def relabel(self):
        for key, pane in self.headings.items():
            pane.object = f"<h2 style='margin:4px 0'>{html.escape(self.t(key))}</h2>"
        self.intro.object = html.escape(self.t("classes_intro"))
        self.starter_button.name = self.t("classes_starter")
        self.starter_about.object = html.escape(self.t("classes_starter_about"))
        self.add_button.name = self.t("classes_add_class")
        self.remove_button.name = self.t("classes_remove_class")
        self.clear_button.name = self.t("classes_clear")
        self.target_label.object = f"<b>{html.escape(self.t('classes_target'))}</b>"
        self.upload_label.object = f"<b>{html.escape(self.t('classes_upload'))}</b>"
        for picker, key in ((self.upload, "classes_upload"), (self.open_data, "classes_upload_data"),
                            (self.test_upload, "classes_test_upload"), (self.open_network, "classes_open_network")):
            picker.param.update(label=self.t(key), lang=self.lang)
        self.camera_label.object = f"<b>{html.escape(self.t('classes_camera'))}</b>"
        self.webcam.param.update(start_label=self.t("classes_start_camera"), capture_label=self.t("classes_capture"),
                                 predict_label=self.t("classes_predict_frame"))
        self.download.label = self.t("classes_download")
        self.open_label.object = f"<b>{html.escape(self.t('classes_upload_data'))}</b>"
        self.epochs_slider.name = self.t("classes_epochs")
        self.lr_select.name = self.t("classes_lr")
        self.pause_button.name = self.t("classes_pause")
        self.step_button.name = self.t("classes_step")
        self.export_button.label = self.t("classes_export")
        self.export_button.description = self.t("classes_export_tip")
        self.download_network.label = self.t("classes_download_network")
        self.download_network.description = self.t("classes_download_network_tip")
        self.open_network_label.object = f"<b>{html.escape(self.t('classes_open_network'))}</b>"
        self.curves.set_labels(self.t("classes_loss_title"), self.t("classes_accuracy_title"),
                               self.t("classes_axis_step"), self.t("classes_legend_batch"),
                               self.t("classes_legend_train"), self.t("classes_legend_held"))
        self.confusion.set_labels(self.t("classes_confusion_title"), self.t("classes_confusion_true"),
                                  self.t("classes_confusion_predicted"))
        self.test_label.object = f"<b>{html.escape(self.t('classes_test_upload'))}</b>"
        self.sees_label.object = html.escape(self.t("classes_sees"))
        self.explanation.object = f"### {self.t('classes_explain_title')}\n\n{self.t('classes_explain')}"
        if self._note is not None:
            key, alert, fields = self._note
            self.note.object = self.t(key, **fields)
        if self._train_note is not None:
            self._refuse()
        if self.prediction:
            self.predict(self._last_picture)
        elif self._opened is not None:
            self.prediction_pane.object = html.escape(self.t("classes_test_hint_opened"))
        elif not self.prediction_pane.object or self.model is None:
            self.prediction_pane.object = html.escape(self.t("classes_test_hint"))
        self._label_cards()
        self._show_counts()
        self._update_controls()

    @param.depends("epochs", "lr", watch=True)
    def _on_settings(self):
        self.epochs_slider.value = self.epochs
        self.lr_select.value = self.lr
        if self.training is not None and self._active:
            self.training.lr = self.lr

    # =====================================================================
    # Layout
    # =====================================================================
    def __panel__(self):
        card = theme.card()
        flex = theme.FLEX
        add = pn.Column(self.target_label, self.target_select, self.upload_label, self.upload, self.clear_button,
                        width=420)
        camera = pn.Column(self.camera_label, self.webcam, self.camera_status, width=440)
        files = pn.Column(self.download, self.open_label, self.open_data, width=330)
        data_card = pn.Column(
            self.headings["classes_heading_data"], self.intro,
            pn.Row(self.starter_button, self.add_button, self.remove_button, styles={"flex-wrap": "wrap"}),
            self.starter_about, self.cards, self.counts_pane,
            pn.FlexBox(add, camera, files, **flex), self.note, sizing_mode="stretch_width", **card)
        train_card = pn.Column(
            self.headings["classes_heading_train"], self.model_pane,
            pn.Row(self.epochs_slider, self.lr_select, styles={"flex-wrap": "wrap"}),
            pn.Row(self.train_button, self.pause_button, self.step_button, self.export_button,
                   self.download_network, styles={"flex-wrap": "wrap"}),
            pn.Column(self.open_network_label, self.open_network),
            self.train_note, self.progress, self.status_pane,
            pn.FlexBox(pn.pane.Bokeh(self.curves.loss), pn.pane.Bokeh(self.curves.accuracy), **flex),
            sizing_mode="stretch_width", **card)
        test_card = pn.Column(
            self.headings["classes_heading_test"],
            pn.FlexBox(pn.Column(self.test_label, self.test_upload, self.sees_label,
                                 pn.pane.Bokeh(self.sees.figure, margin=(4, 10)), self.prediction_pane,
                                 pn.pane.Bokeh(self.probabilities.figure), width=430),
                       pn.Column(pn.pane.Bokeh(self.confusion.figure), self.per_class, width=380),
                       pn.Column(self.explanation, width=440), **flex),
            sizing_mode="stretch_width", **card)
        return pn.Column(self._error, data_card, train_card, test_card, sizing_mode="stretch_width")


def _layout(net):
    """A network's parameter names and shapes: equal for two networks of the same layout."""
    return [(name, tuple(value.shape)) for name, value in net.state_dict().items()]

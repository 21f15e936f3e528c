"""A file's name and the text inside it never reach the page as markup (views, no browser).

Every place that takes a file is fed files *named* with each payload of :mod:`tests.hostile`
and files whose *fields* hold them (a model file's layer types, settings, layer names and
array names; a data set's class names and format marker; a picture's text metadata). Each
pane of the view is then rendered as the browser would get it (the Bokeh model's text,
unescaped once, is what Panel puts in ``innerHTML``) and parsed: no element, attribute or
link of the payload may exist, and the message must name the file as the characters typed.
Huge fields (1 MB strings) and fields of the wrong type give a short message, never a traceback.
"""
import html
import io
import json
import logging
from collections import OrderedDict
from html.parser import HTMLParser

import numpy as np
import panel as pn
import pytest
from bokeh.document import Document
from panel.pane.markup import HTMLBasePane
from PIL import Image, PngImagePlugin

from app.views.classes.data import ClassData
from app.core.text import plain_html, shorten
from app.views.classes.view import NAME_LIMIT as CLASSES_NAME_LIMIT, ClassesView
from app.views.train.view import MAX_UPLOAD_BYTES, NAME_LIMIT, TrainView
from cnncore import nn
from cnncore.io import HEADER_KEY, to_bytes
from tests.hostile import PAYLOADS, SHORT_PAYLOAD

BIG = "A" * 1_000_000
FILE_PAYLOADS = [p.replace("/", "") for p in PAYLOADS]   # a file name cannot hold '/': the rest is kept
NAMES = [p + ".npz" for p in FILE_PAYLOADS]
# A layer name the engine accepts (no dot, at most 64 characters) that runs if it is ever markup.
LAYER_PAYLOAD = "<img src=x onerror=__xss=6>"


# -- what the page would get --------------------------------------------------------------
class _LiveMarkup(HTMLParser):
    """Every trace of a payload that HTML would turn into a live element (as tests/hostile.py's probe)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "svg", "script", "iframe", "object", "embed"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name == "id" and value in ("probe", "probe-link"):
                self.found.append(f"#{value}")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}=javascript:]")


def rendered(pane):
    """The HTML a pane puts into the page (Panel sends it escaped; the page unescapes it once)."""
    return html.unescape(pane.get_root(Document()).text)


def live_markup(view):
    """``{pane: [traces]}`` for every HTML/Markdown pane of ``view`` that would hold live markup."""
    layout = view.__panel__()
    found = {}
    for pane in layout.select(HTMLBasePane):
        if not pane.object:
            continue
        parser = _LiveMarkup()
        parser.feed(rendered(pane))
        if parser.found:
            found[repr(pane)[:80]] = parser.found
    return found


def shows_as_text(pane, text):
    """``text`` is in the pane as the characters typed (escaped in its HTML, not as markup)."""
    return plain_html(text) in rendered(pane)


@pytest.fixture(autouse=True)
def _no_tracebacks(caplog):
    """No upload may end in a logged traceback (the page would show 'Something went wrong')."""
    caplog.set_level(logging.WARNING, logger="cnn_playground")
    yield
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]


# -- model files ------------------------------------------------------------------------------
def model_file(header, **arrays):
    """A ``.npz`` with this header (any JSON) and arrays, written by plain NumPy."""
    buffer = io.BytesIO()
    np.savez(buffer, **{HEADER_KEY: np.frombuffer(json.dumps(header).encode(), np.uint8)}, **arrays)
    return buffer.getvalue()


def header(architecture, **fields):
    return {"format": "cnncore-model", "version": 1, "dtype": "float32", "architecture": architecture, **fields}


def digits_net(children):
    """A Sequential of ``children`` ({name: node}) for 1x28x28 digits: Flatten, ..., Linear 784 -> 10."""
    return {"type": "Sequential", "args": {}, "children": children}


FLAT = {"type": "Flatten", "args": {}}
RELU = {"type": "ReLU", "args": {}}
LINEAR = {"type": "Linear", "args": {"in_features": 784, "out_features": 10}}
WEIGHTS = {"1.weight": np.zeros((10, 784), np.float32), "1.bias": np.zeros(10, np.float32)}


def hostile_fields(payload):
    """Model files whose fields hold ``payload``: ``{case: (bytes, words the message must hold)}``."""
    return {
        "layer type": (model_file(header({"type": payload, "args": {}})), ["not a cnncore layer"]),
        "format marker": (model_file(header(None, format=payload)), ["format marker"]),
        "version": (model_file(header(None, version=payload)), ["format version"]),
        "dtype": (model_file(header(None, dtype=payload)), ["dtype"]),
        "mode": (model_file(header(digits_net({"0": FLAT, "1": LINEAR}), training=payload), **WEIGHTS),
                 ["not true or false"]),
        "setting name": (model_file(header({"type": "Linear", "args": {payload: 1}})), ["unknown settings"]),
        "setting value": (model_file(header({"type": "Conv2d", "args": {"in_channels": 1, "out_channels": 1,
                                                                          "kernel_size": payload}})),
                          ["invalid settings"]),
        "layer name": (model_file(header(digits_net({"0": FLAT, payload: RELU, "1": LINEAR})), **WEIGHTS),
                       ["a layer inside model is named"] if len(payload) > 64 or "." in payload else None),
        "array name": (model_file(header(digits_net({"0": FLAT, "1": LINEAR})), **WEIGHTS, **{payload: np.ones(2)}),
                       ["unexpected arrays"]),
        "architecture": (model_file(header(payload)), ["not a layer description"]),
    }


@pytest.mark.parametrize("name", NAMES)
def test_a_model_file_named_with_markup_is_named_as_text(name):
    quoted = shorten(name, NAME_LIMIT)                   # a long name is named by its start
    view = TrainView(autoplay=False)
    assert not view.load_upload(b"PK\x03\x04 not a model", name)                 # refused: named
    assert view.upload_message.alert_type == "danger" and shows_as_text(view.upload_message, quoted)
    assert live_markup(view) == {}
    assert view.load_upload(to_bytes(nn.Sequential(nn.Flatten(), nn.Linear(784, 10))), name)   # loaded: named
    assert view.upload_message.alert_type == "success" and shows_as_text(view.upload_message, quoted)
    assert live_markup(view) == {}
    view.lang = "zh"                                                              # said again in 中文
    assert "已载入" in view.upload_message.object and shows_as_text(view.upload_message, quoted)
    view.upload.receive(name, b"x" * (MAX_UPLOAD_BYTES + 1))                     # too large: named too
    assert "太大" in view.upload_message.object and shows_as_text(view.upload_message, quoted)
    assert live_markup(view) == {}


@pytest.mark.parametrize("name", NAMES)
def test_the_file_picker_passes_the_name_on_as_text(name):
    """The browser's message (what FileUpload gets over the websocket) carries the name."""
    quoted = shorten(name, NAME_LIMIT)
    view = TrainView(autoplay=False)
    view.upload._handle_msg({"type": "file", "name": name, "data": "UEsDBA=="})   # b"PK\x03\x04"
    assert view.upload_message.visible and shows_as_text(view.upload_message, quoted)
    view.upload._handle_msg({"type": "refused", "name": name, "size": 25 * 2 ** 20})
    assert "too large" in view.upload_message.object and shows_as_text(view.upload_message, quoted)
    assert live_markup(view) == {}


@pytest.mark.parametrize("payload", PAYLOADS + (LAYER_PAYLOAD,), ids=["all-tricks", "img-onerror", "no-dot"])
@pytest.mark.parametrize("case", sorted(hostile_fields("x")))
def test_a_field_of_a_model_file_holding_markup_is_shown_as_text(case, payload):
    data, words = hostile_fields(payload)[case]
    view = TrainView(autoplay=False)
    loaded = view.load_upload(data, "fields.npz")
    message = view.upload_message.object
    assert shows_as_text(view.upload_message, "fields.npz")
    if words is None:                        # a layer name the engine accepts: loaded, shown as text
        assert loaded, message
        assert payload in view.ledger.object.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    else:
        assert not loaded and all(w in message for w in words), message
        assert view.model != "uploaded"
    assert live_markup(view) == {}


def test_a_layer_named_with_markup_is_text_in_every_pane_while_training():
    """A model that loads with ``<img src=x onerror=…>`` as a layer name trains; its name is text
    in the layer table, the status and the notes, and never becomes an element."""
    net = nn.Sequential(OrderedDict([("flat", nn.Flatten()), (LAYER_PAYLOAD, nn.Linear(784, 10))]))
    view = TrainView(autoplay=False, subset=500, batch_size=64, epochs=1)
    assert view.load_upload(to_bytes(net), LAYER_PAYLOAD + ".npz")
    assert shows_as_text(view.ledger, LAYER_PAYLOAD)
    view.start()
    while view.status == "running":
        view.tick(budget=0.5)
    assert view.status == "finished" and not view._error.visible
    assert live_markup(view) == {}


@pytest.mark.parametrize("case, data, words", [
    ("1 MB layer type", model_file(header({"type": BIG, "args": {}})), "not a cnncore layer"),
    ("1 MB format", model_file(header(None, format=BIG)), "format marker"),
    ("1 MB version", model_file(header(None, version=BIG)), "format version"),
    ("1 MB dtype", model_file(header(None, dtype=BIG)), "dtype"),
    ("1 MB setting name", model_file(header({"type": "Linear", "args": {BIG: 1}})), "unknown settings"),
    ("1 MB setting value", model_file(header({"type": "Linear", "args": {"in_features": BIG, "out_features": 1}})),
     "invalid settings"),
    ("1 MB layer name", model_file(header(digits_net({"0": FLAT, BIG: RELU, "1": LINEAR})), **WEIGHTS),
     "1,000,000 characters long"),
    ("number as text", model_file(header({"type": "Linear", "args": {"in_features": "784", "out_features": 10}})),
     "invalid settings"),
    ("float size", model_file(header({"type": "Linear", "args": {"in_features": 1.5, "out_features": 10}})),
     "invalid settings"),
    ("huge size", model_file(header({"type": "Linear", "args": {"in_features": 10 ** 30, "out_features": 10}})),
     "invalid settings"),
    ("settings a list", model_file(header({"type": "Linear", "args": [784, 10]})), "malformed"),
    ("children a list", model_file(header({"type": "Sequential", "args": {}, "children": [FLAT]})), "malformed"),
    ("header a list", model_file([1, 2, 3]), "format marker"),
    ("header a number", model_file(7), "format marker"),
    ("mode a string", model_file(header(digits_net({"0": FLAT, "1": LINEAR}), training="yes"), **WEIGHTS),
     "not true or false"),
    ("layer named _modules", model_file(header(digits_net({"_modules": FLAT, "1": LINEAR})), **WEIGHTS), "attribute"),
    ("layer named forward", model_file(header(digits_net({"forward": FLAT, "1": LINEAR})), **WEIGHTS), "attribute"),
    ("weights as text", model_file(header(digits_net({"0": FLAT, "1": LINEAR})),
                                   **{**WEIGHTS, "1.bias": np.array(["a"] * 10)}), "'1.bias'"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "")
def test_huge_or_wrongly_typed_fields_give_a_short_clear_message(case, data, words):
    view = TrainView(autoplay=False)
    assert not view.load_upload(data, "odd.npz")
    message = view.upload_message.object
    assert view.upload_message.alert_type == "danger" and words in message, message[:500]
    assert "odd.npz cannot be used" in message and len(message) < 800, len(message)
    assert not view._error.visible and view.model != "uploaded"


def test_a_very_long_file_name_is_named_by_its_start():
    view = TrainView(autoplay=False)
    long_name = SHORT_PAYLOAD * 3000 + ".npz"
    view.upload._handle_msg({"type": "file", "name": long_name, "data": "UEsDBA=="})
    assert shows_as_text(view.upload_message, shorten(long_name, NAME_LIMIT))
    assert len(view.upload_message.object) < 1000 and live_markup(view) == {}


# -- "Your classes": pictures, data sets -------------------------------------------------------
def png(seed=0, size=(40, 40), text=None):
    """A PNG of noise; ``text`` ({key: value}) goes into its text chunks and its EXIF description."""
    image = Image.fromarray(np.random.default_rng(seed).integers(0, 256, size + (3,), dtype=np.uint8))
    buffer = io.BytesIO()
    info, exif = PngImagePlugin.PngInfo(), Image.Exif()
    for key, value in (text or {}).items():
        info.add_text(key, value)
        exif[0x010E] = value                                       # ImageDescription
    image.save(buffer, format="PNG", pnginfo=info, exif=exif.tobytes() if text else b"")
    return buffer.getvalue()


def data_set(names, per_class=4):
    data = ClassData(names=names)
    for label in range(len(names)):
        for k in range(per_class):
            data.add(label, np.full((32, 32, 3), 40 * label + k, np.uint8))
    return data


@pytest.mark.parametrize("name", [p + ".png" for p in FILE_PAYLOADS])
def test_picture_files_named_with_markup_are_named_as_text(name):
    view = ClassesView(autoplay=False)
    view.upload.param.update(value=[b"not a picture", png()], filename=[name, "good.png"])   # as the widget does
    assert view.data.counts()[0] == 1                                       # the good one is kept
    assert view.note.alert_type == "warning" and shows_as_text(view.note, shorten(name, CLASSES_NAME_LIMIT))
    assert live_markup(view) == {}
    view.test_upload.param.update(value=b"", filename=name)                 # an empty picture to try
    view.test_upload.param.update(value=b"\x89PNG broken", filename=name)
    assert shows_as_text(view.note, shorten(name, CLASSES_NAME_LIMIT)) and live_markup(view) == {}
    view.lang = "zh"
    assert "未添加" in view.note.object and shows_as_text(view.note, shorten(name, CLASSES_NAME_LIMIT))
    assert live_markup(view) == {}


def test_without_pillow_the_message_names_the_picture_as_text(monkeypatch):
    """The static site has no Pillow: the message still names the file, as text."""
    import builtins

    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("no Pillow here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
    view = ClassesView(autoplay=False)
    view.add_files([png()], [SHORT_PAYLOAD + ".png"])
    assert "needs Pillow" in view.note.object and shows_as_text(view.note, SHORT_PAYLOAD + ".png")
    assert live_markup(view) == {}


def test_text_inside_a_picture_is_never_shown():
    """A picture whose metadata (PNG text chunks, EXIF description) holds markup: the pixels
    are used, the text is not shown anywhere."""
    view = ClassesView(autoplay=False)
    assert view.add_files([png(text={"Comment": p, "Title": p}) for p in PAYLOADS], ["a.png", "b.png"]) == 2
    for pane in view.__panel__().select(HTMLBasePane):
        assert "__xss" not in str(pane.object)
    assert live_markup(view) == {}


@pytest.mark.parametrize("name", NAMES)
def test_a_data_set_named_with_markup_is_named_as_text(name):
    quoted = shorten(name, CLASSES_NAME_LIMIT)
    view = ClassesView(autoplay=False)
    view.open_data.param.update(value=b"PK\x03\x04 broken", filename=name)
    assert view.note.alert_type == "danger" and shows_as_text(view.note, quoted)
    assert live_markup(view) == {}
    view.open_data.param.update(value=data_set(["a", "b"]).to_bytes(), filename=name)
    assert view.note.alert_type == "info" and shows_as_text(view.note, quoted) and view.data.names == ["a", "b"]
    assert live_markup(view) == {}


@pytest.mark.parametrize("payload", PAYLOADS, ids=["all-tricks", "img-onerror"])
def test_class_names_in_a_data_set_are_text_everywhere_they_show(payload):
    """Class names from a file reach the cards, the counts, the notes, the per-class accuracy
    and the prediction: every one as text."""
    names = [payload, payload[::-1]]
    view = ClassesView(autoplay=False, epochs=1)
    assert view.open_file(data_set(names).to_bytes(), "names.npz")
    assert view.data.names[0] == " ".join(payload.split())[:40]              # cut and kept, not dropped
    view.start()
    while view.status == "running":
        view.tick(budget=0.5)
    assert view.status == "finished" and view.per_class.object
    view.predict(np.full((32, 32, 3), 40, np.uint8))
    assert view.prediction in view.data.names
    assert shows_as_text(view.prediction_pane, view.t("classes_prediction", name=view.prediction, p=0.0)[:12])
    view.add_pictures(0, [np.zeros((32, 32, 3), np.uint8)])                 # "added to <name>"
    assert shows_as_text(view.note, view.data.names[0])
    assert live_markup(view) == {}


@pytest.mark.parametrize("field, value, words", [
    ("format", np.array(PAYLOADS[0]), "its format is"),
    ("format", np.array(BIG), "its format is"),
    ("names", np.array([BIG, "B" * 1_000_000]), None),                      # cut to 40 characters, opened
    ("names", np.array([1, 2]), "class names"),
    ("names", np.array(PAYLOADS[0]), "class names"),
    ("labels", np.array(["a"] * 8), "labels"),
    ("images", np.array(["<img src=x>"] * 8), "images"),
])
def test_a_data_set_with_huge_or_wrongly_typed_fields_gives_a_short_message(field, value, words):
    arrays = {**data_set(["a", "b"]).arrays(), field: value}
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    view = ClassesView(autoplay=False)
    opened = view.open_file(buffer.getvalue(), "set.npz")
    message = view.note.object
    assert len(message) < 600 and "set.npz" in message, message[:300]
    if words is None:
        assert opened and all(len(n) <= 40 for n in view.data.names)
    else:
        assert not opened and words in message, message
    assert live_markup(view) == {}


def test_a_file_is_read_with_its_own_name():
    """The file picker hands Python a file's name before its bytes (in the served app and in the
    static site alike), so a watcher of ``value`` never reads the previous file's name."""
    from app.widgets.upload import FileUpload

    widget, calls = FileUpload(), []
    widget.param.watch(lambda e: calls.append((widget.value, widget.filename)), "value")
    widget.receive("first.png", b"one")
    widget.receive(SHORT_PAYLOAD + ".png", b"two")
    widget.receive("third.png", b"two")                            # same bytes, a new name
    assert calls == [(b"one", "first.png"), (b"two", SHORT_PAYLOAD + ".png"), (b"two", "third.png")]


def _views_that_show_a_session_model():
    from app.views.playground.view import ALL_VIEWS
    return sorted(key for key, (_, module, cls) in ALL_VIEWS.items() if key not in ("train", "classes"))


@pytest.mark.parametrize("key", _views_that_show_a_session_model())
def test_a_trained_model_with_markup_layer_names_is_text_in_every_view(key):
    """An uploaded model trained in Train is offered to the other views; its layer names (from
    the file) show there as text: pickers, layer tables, captions."""
    import importlib

    from app.core.session import SessionState
    from app.views.playground.view import ALL_VIEWS
    from cnncore.io import load

    names = [LAYER_PAYLOAD + suffix for suffix in ("", "r", "p", "f", "l")]
    net = load(to_bytes(nn.Sequential(OrderedDict(zip(names, [
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 14 * 14, 10)]))))).eval()
    session = SessionState()
    trained = session.register("trained", net, arch="train_uploaded")
    _, module, cls = ALL_VIEWS[key]
    view_class = getattr(importlib.import_module(module), cls)
    takes_models = "model" in view_class.param and trained in [*session.keys]
    view = view_class(session=session, **({"model": trained} if takes_models else {}))
    if "model" in view.param and trained not in view.param.model.objects:
        pytest.skip(f"{key} shows only its own models")
    assert not view._error.visible, view._error.object
    assert {pane: found for pane, found in live_markup(view).items() if found != ["svg"] * len(found)} == {}

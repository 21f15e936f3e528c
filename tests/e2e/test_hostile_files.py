"""A file's name and the text inside it can never run script in the page (served with ``panel serve``).

Files are chosen with the real file pickers (Playwright's ``set_input_files``), named with the
payloads of :mod:`tests.hostile` (a file name cannot hold ``/``: the rest is kept) and holding
them in their fields: a model file's layer type and layer name, a data set's class names. The
page must say what it did with each file, naming it as the characters typed; the probe must
find no injected element and no handler that ran; the server log must hold no traceback.
"""
import io
import json
import re
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from app.views.classes.data import ClassData
from app.core.text import shorten
from app.views.classes.view import NAME_LIMIT as CLASSES_NAME_LIMIT
from app.views.train.view import NAME_LIMIT
from cnncore import nn
from cnncore.io import HEADER_KEY, to_bytes
from tests.hostile import PAYLOADS, probe

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
FILE_PAYLOADS = [p.replace("/", "") for p in PAYLOADS]
LAYER_PAYLOAD = "<img src=x onerror=__xss=6>"    # a layer name the engine accepts (no dot)
CLEAN = {"found": [], "ran": None}


def _file(name, data, mime="application/octet-stream"):
    return {"name": name, "mimeType": mime, "buffer": data}


def _log_since(server, start):
    return server.log.read_bytes()[start:].decode("utf-8", "replace")


def _model_with_a_hostile_type(payload):
    header = {"format": "cnncore-model", "version": 1, "dtype": "float32", "architecture": {"type": payload, "args": {}}}
    buffer = io.BytesIO()
    np.savez(buffer, **{HEADER_KEY: np.frombuffer(json.dumps(header).encode(), np.uint8)})
    return buffer.getvalue()


def _png(seed=0):
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(seed).integers(0, 256, (40, 40, 3), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def _settle_and_probe(page):
    page.wait_for_timeout(800)                 # later renders get their chance too
    return probe(page)


def test_train_model_uploads_named_and_filled_with_markup(app_page, panel_app, _servers, screenshot):
    page = app_page
    page.goto(panel_app("app/pages/train.py"))
    server = _servers[(ROOT / "app/pages/train.py").resolve()]
    start = server.log.stat().st_size
    picker = page.get_by_test_id("file-upload")
    expect(picker).to_be_attached(timeout=60_000)
    for n, payload in enumerate(FILE_PAYLOADS):
        name = payload + ".npz"
        quoted = shorten(name, NAME_LIMIT)

        picker.set_input_files(files=[_file(name, b"PK\x03\x04 not a model")])       # refused, named
        expect(page.get_by_text(f"The file {quoted} cannot be used")).to_be_visible(timeout=30_000)
        assert _settle_and_probe(page) == CLEAN

        picker.set_input_files(files=[_file("fields.npz", _model_with_a_hostile_type(PAYLOADS[n]))])
        expect(page.get_by_text(re.compile(re.escape("is of type '" + PAYLOADS[n][:30])))).to_be_visible()
        assert _settle_and_probe(page) == CLEAN

        net = nn.Sequential(OrderedDict([("flat", nn.Flatten()), (LAYER_PAYLOAD, nn.Linear(784, 10))]))
        picker.set_input_files(files=[_file(name, to_bytes(net))])                    # loaded, named
        expect(page.get_by_text(f"Loaded {quoted}: 7,850 parameters")).to_be_visible()
        expect(page.get_by_role("cell", name=f"{LAYER_PAYLOAD} · Linear", exact=True)).to_be_visible()   # the layer table
        assert _settle_and_probe(page) == CLEAN
        screenshot(page, f"hostile-files-train-{n}")

    page.get_by_role("button", name="中文", exact=True).click()                        # said again, in 中文
    expect(page.get_by_text(f"已载入 {shorten(FILE_PAYLOADS[-1] + '.npz', NAME_LIMIT)}")).to_be_visible()
    assert _settle_and_probe(page) == CLEAN
    log = _log_since(server, start)
    assert "Traceback" not in log, log[-3000:]


def test_your_classes_pictures_and_data_sets_named_and_filled_with_markup(app_page, panel_app, _servers, screenshot):
    page = app_page
    page.goto(panel_app("app/pages/classes.py"))
    server = _servers[(ROOT / "app/pages/classes.py").resolve()]
    start = server.log.stat().st_size
    expect(page.get_by_test_id("classes-counts")).to_have_attribute("data-counts", "0,0", timeout=60_000)
    pictures = page.locator("input[type=file][multiple]")
    data_set = page.locator("input[type=file][accept='.npz']").first    # (the network's picker comes later)
    for n, payload in enumerate(FILE_PAYLOADS):
        quoted = shorten(payload + ".png", CLASSES_NAME_LIMIT)
        pictures.set_input_files(files=[_file(payload + ".png", b"not a picture", "image/png"),
                                        _file(f"good{n}.png", _png(n), "image/png")])
        expect(page.get_by_text(f"Not added: {quoted} is not an image")).to_be_visible(timeout=30_000)
        added = "1,0" if n == 0 else "4,3"             # the good picture joins class 1 (after the last data set)
        expect(page.get_by_test_id("classes-counts")).to_have_attribute("data-counts", added)
        assert _settle_and_probe(page) == CLEAN

        names = [PAYLOADS[n], LAYER_PAYLOAD]                                            # class names from the file
        data = ClassData(names=names)
        for label in range(2):
            for k in range(3):
                data.add(label, np.full((32, 32, 3), 60 * label + k, np.uint8))
        quoted = shorten(payload + ".npz", CLASSES_NAME_LIMIT)
        data_set.set_input_files(files=[_file(payload + ".npz", data.to_bytes())])
        expect(page.get_by_text(f"Opened {quoted}: 2 classes, 6 pictures.")).to_be_visible()
        expect(page.get_by_test_id("classes-counts")).to_have_attribute("data-counts", "3,3")
        for name in ClassData(names=names).names:                                        # as the cards hold them
            expect(page.get_by_role("button", name=f"{name} (3)", exact=True)).to_be_visible()
        assert _settle_and_probe(page) == CLEAN
        data_set.set_input_files(files=[_file(payload + ".npz", b"PK\x03\x04 broken")])
        expect(page.get_by_text(f"{quoted} was not opened")).to_be_visible()
        assert _settle_and_probe(page) == CLEAN
        screenshot(page, f"hostile-files-classes-{n}", full_page=True)

    page.get_by_role("button", name="中文", exact=True).click()                        # said again, in 中文
    name = shorten(FILE_PAYLOADS[0] + ".png", CLASSES_NAME_LIMIT)
    expect(page.get_by_text(f"{shorten(FILE_PAYLOADS[-1] + '.npz', CLASSES_NAME_LIMIT)} 未能打开")).to_be_visible()
    page.locator("input[type=file][multiple]").set_input_files(files=[_file(FILE_PAYLOADS[0] + ".png", b"\x89PNG", "image/png")])
    expect(page.get_by_text(f"未添加：{name} 不是可读取的图片")).to_be_visible()
    assert _settle_and_probe(page) == CLEAN
    log = _log_since(server, start)
    assert "Traceback" not in log, log[-3000:]

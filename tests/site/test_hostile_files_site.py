"""A file's name and the text inside it can never run script in the static site's pages either.

The same files as ``tests/e2e/test_hostile_files.py`` reach the same views by another road: the
browser's Python (Pyodide) reads them and the page patches carry the messages. The browser decodes
picture files there (the site has no Pillow); a fake PNG is refused, and the refusal names the file as text.
"""
import io
import json
from collections import OrderedDict

import numpy as np
import pytest
from playwright.sync_api import expect

from app.views.classes.data import ClassData
from app.core.text import shorten
from app.views.classes.view import NAME_LIMIT as CLASSES_NAME_LIMIT
from app.views.train.view import NAME_LIMIT
from cnncore import nn
from cnncore.io import HEADER_KEY, to_bytes
from tests.hostile import PAYLOADS, probe

from .test_site import _open_live

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

FILE_PAYLOADS = [p.replace("/", "") for p in PAYLOADS]   # a file name cannot hold '/': the rest is kept
LAYER_PAYLOAD = "<img src=x onerror=__xss=6>"            # a layer name the engine accepts (no dot)
CLEAN = {"found": [], "ran": None}


def _file(name, data, mime="application/octet-stream"):
    return {"name": name, "mimeType": mime, "buffer": data}


def _probe(page):
    page.wait_for_timeout(800)
    return probe(page)


def _model_with_a_hostile_type(payload):
    header = {"format": "cnncore-model", "version": 1, "dtype": "float32", "architecture": {"type": payload, "args": {}}}
    buffer = io.BytesIO()
    np.savez(buffer, **{HEADER_KEY: np.frombuffer(json.dumps(header).encode(), np.uint8)})
    return buffer.getvalue()


def test_train_model_uploads_named_and_filled_with_markup(numpy_site, serve, browser_page):
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/train.html")
    picker = page.get_by_test_id("file-upload")
    expect(picker).to_be_attached(timeout=60_000)
    net = nn.Sequential(OrderedDict([("flat", nn.Flatten()), (LAYER_PAYLOAD, nn.Linear(784, 10))]))
    for n, payload in enumerate(FILE_PAYLOADS):
        quoted = shorten(payload + ".npz", NAME_LIMIT)
        picker.set_input_files(files=[_file(payload + ".npz", b"PK\x03\x04 not a model")])
        expect(page.get_by_text(f"The file {quoted} cannot be used")).to_be_visible(timeout=60_000)
        assert _probe(page) == CLEAN
        picker.set_input_files(files=[_file("fields.npz", _model_with_a_hostile_type(PAYLOADS[n]))])
        expect(page.get_by_text("is of type '" + PAYLOADS[n][:30])).to_be_visible(timeout=60_000)
        assert _probe(page) == CLEAN
        picker.set_input_files(files=[_file(payload + ".npz", to_bytes(net))])
        expect(page.get_by_text(f"Loaded {quoted}: 7,850 parameters")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("cell", name=f"{LAYER_PAYLOAD} · Linear", exact=True)).to_be_visible()
        assert _probe(page) == CLEAN
    assert not page.recorder.errors, page.recorder.errors


def test_your_classes_pictures_and_data_sets_named_and_filled_with_markup(numpy_site, serve, browser_page):
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/classes.html")
    expect(page.get_by_test_id("classes-counts")).to_have_attribute("data-counts", "0,0", timeout=60_000)
    pictures = page.locator("input[type=file][multiple]")
    data_set = page.locator("input[type=file][accept='.npz']").first    # (the network's picker comes later)
    for n, payload in enumerate(FILE_PAYLOADS):
        quoted = shorten(payload + ".png", CLASSES_NAME_LIMIT)
        pictures.set_input_files(files=[_file(payload + ".png", b"\x89PNG not really", "image/png")])
        expect(page.get_by_text(f"Not added: {quoted} cannot be read")).to_be_visible(timeout=60_000)   # not a PNG
        assert _probe(page) == CLEAN

        names = [PAYLOADS[n], LAYER_PAYLOAD]
        data = ClassData(names=names)
        for label in range(2):
            for k in range(3):
                data.add(label, np.full((32, 32, 3), 60 * label + k, np.uint8))
        quoted = shorten(payload + ".npz", CLASSES_NAME_LIMIT)
        data_set.set_input_files(files=[_file(payload + ".npz", data.to_bytes())])
        expect(page.get_by_text(f"Opened {quoted}: 2 classes, 6 pictures.")).to_be_visible(timeout=60_000)
        for name in data.names:
            expect(page.get_by_role("button", name=f"{name} (3)", exact=True)).to_be_visible()
        assert _probe(page) == CLEAN
        data_set.set_input_files(files=[_file(payload + ".npz", b"PK\x03\x04 broken")])
        expect(page.get_by_text(f"{quoted} was not opened")).to_be_visible(timeout=60_000)
        assert _probe(page) == CLEAN
    assert not page.recorder.errors, page.recorder.errors

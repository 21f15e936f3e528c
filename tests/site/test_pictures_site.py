"""Picture files in the static site, which has no Pillow: the browser decodes them
(``app/widgets/upload.py``) and Python in Pyodide gets the pixels. The Convolution lab shows
an uploaded PNG and an EXIF-rotated JPEG upright, names a file that is no picture and a
decompression bomb (from its header, in a moment); Your classes takes two pictures into a class.
"""
import io
import re
import struct
import zlib

import numpy as np
import pytest
from playwright.sync_api import expect

from .test_site import _open_live

pytestmark = [pytest.mark.slow, pytest.mark.e2e]


def encode(im, fmt="PNG", **kwargs):
    buffer = io.BytesIO()
    im.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def png_header_only(width, height):
    """A PNG that declares ``width x height`` and holds almost no pixels (a bomb's header)."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_conv_lab_shows_your_picture_file(numpy_site, serve, browser_page):
    from PIL import Image
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/conv.html?source=yours&channels=rgb")
    picker, info = page.get_by_test_id("file-upload"), page.get_by_test_id("picture-info")
    expect(picker).to_be_attached(timeout=60_000)
    value = page.get_by_test_id("conv-value")
    before = value.inner_text()

    edge = np.zeros((90, 120, 3), np.uint8)
    edge[:45, 60:] = (250, 200, 10)                                  # a yellow top right quarter
    picker.set_input_files(files=[{"name": "my edge.png", "mimeType": "image/png", "buffer": encode(Image.fromarray(edge))}])
    expect(page.get_by_text("Showing my edge.png (120 × 90 pixels).")).to_be_visible(timeout=60_000)
    expect(info).to_have_attribute("data-size", "120×90")
    expect(info).to_have_attribute("data-quarters", "0,0,0;250,200,10;0,0,0;0,0,0")
    expect(value).not_to_have_text(before, timeout=30_000)           # the lab computed on it

    stored = np.zeros((60, 90, 3), np.uint8)
    stored[:30, :45] = (255, 0, 0)                                   # red top left, as stored
    exif = Image.Exif()
    exif[0x0112] = 6                                                 # "turn 90° clockwise to show"
    jpeg = encode(Image.fromarray(stored), "JPEG", exif=exif.tobytes(), quality=95)
    picker.set_input_files(files=[{"name": "phone.jpg", "mimeType": "image/jpeg", "buffer": jpeg}])
    expect(page.get_by_text("Showing phone.jpg (60 × 90 pixels).")).to_be_visible(timeout=60_000)
    top_right = [int(v) for v in info.get_attribute("data-quarters").split(";")[1].split(",")]
    assert top_right[0] > 200 and top_right[1] < 60                   # upright: red now top right

    picker.set_input_files(files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a picture"}])
    expect(page.get_by_text(re.compile(r"notes\.txt cannot be read as a picture by this browser.* "
                                       r"The last picture is kept\."))).to_be_visible(timeout=60_000)
    picker.set_input_files(files=[{"name": "huge.png", "mimeType": "image/png", "buffer": png_header_only(20000, 20000)}])
    expect(page.get_by_text(re.compile(r"huge\.png is 20000 × 20000 pixels \(400 megapixels\)"))
           ).to_be_visible(timeout=60_000)
    expect(info).to_have_attribute("data-size", "60×90")            # the last picture kept
    assert not page.recorder.errors, page.recorder.errors


def test_your_classes_take_two_picture_files(numpy_site, serve, browser_page):
    from PIL import Image
    site, _ = numpy_site
    page = browser_page()
    _open_live(page, f"{serve(site)}/classes.html")
    counts = page.get_by_test_id("classes-counts")
    expect(counts).to_have_attribute("data-counts", "0,0", timeout=60_000)
    files = [{"name": f"tile {k}.png", "mimeType": "image/png",
              "buffer": encode(Image.new("RGB", (64, 48), (40 + 100 * k, 120, 200)))} for k in range(2)]
    page.locator("input[type=file][multiple]").set_input_files(files=files)
    expect(counts).to_have_attribute("data-counts", "2,0", timeout=60_000)
    expect(page.get_by_text("Pictures added to “class 1”: 2.")).to_be_visible()
    assert not page.recorder.errors, page.recorder.errors

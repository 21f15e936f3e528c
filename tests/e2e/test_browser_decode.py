"""Picture files in the served app, decoded by Pillow (the default) and by the browser
(``CNN_DECODE_IN_BROWSER=1``: what the static site does, which has no Pillow): the same pictures
come out, upright, shrunk when large, and a file that is no picture is named in the card.

The card's hidden ``picture-info`` gives the picture's size and its four quarters' mean colour.
"""
import io
import os
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from app.widgets.picture_source import _info
from app.core.image_input import decode_image
from tests.e2e.conftest import ROOT, _Server

pytestmark = pytest.mark.e2e


def encode(im, fmt="PNG", **kwargs):
    buffer = io.BytesIO()
    im.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def quarters(image_info):
    """'r,g,b;r,g,b;…' -> a (4, 3) array (top left, top right, bottom left, bottom right)."""
    return np.array([[int(v) for v in q.split(",")] for q in image_info.split(";")])


def pictures():
    """(file name, mime, bytes, exact?) for each kind a student may upload."""
    from PIL import Image
    edge = np.zeros((90, 120, 3), np.uint8)
    edge[:45, 60:] = (250, 200, 10)                                  # a yellow top right quarter
    stored = np.zeros((60, 90, 3), np.uint8)
    stored[:30, :45] = (255, 0, 0)                                   # red top left, as stored
    exif = Image.Exif()
    exif[0x0112] = 6                                                 # "turn 90° clockwise to show"
    clear = np.zeros((40, 40, 4), np.uint8)
    clear[:, :20] = (0, 0, 255, 255)                                 # opaque blue left, clear right
    grey16 = (np.arange(48 * 64).reshape(48, 64) * 21).astype(np.uint16)
    return [
        ("edge.png", "image/png", encode(Image.fromarray(edge)), True),
        ("upright.jpg", "image/jpeg", encode(Image.fromarray(stored), "JPEG", exif=exif.tobytes(), quality=95), False),
        ("clear.png", "image/png", encode(Image.fromarray(clear, "RGBA")), True),
        ("palette.png", "image/png", encode(Image.fromarray(clear, "RGBA").convert("P")), True),
        ("grey16.png", "image/png", encode(Image.fromarray(grey16)), False),
        ("cmyk.jpg", "image/jpeg", encode(Image.fromarray(edge).convert("CMYK"), "JPEG", quality=95), False),
    ]


@pytest.fixture(scope="module")
def browser_decoding():
    """``panel serve`` of the pages with the browser's decoder, as the static site has it."""
    servers = {}

    def start(page, **query):
        if page not in servers:
            before = os.environ.get("CNN_DECODE_IN_BROWSER")
            os.environ["CNN_DECODE_IN_BROWSER"] = "1"               # _Server copies the environment
            try:
                servers[page] = _Server(ROOT / "app" / "pages" / f"{page}.py")
            finally:
                if before is None:
                    os.environ.pop("CNN_DECODE_IN_BROWSER")
                else:
                    os.environ["CNN_DECODE_IN_BROWSER"] = before
        return servers[page].url(**query)
    yield start
    for server in servers.values():
        server.stop()


@pytest.mark.parametrize("decoder", ["pillow", "browser"])
def test_picture_files_come_out_the_same_whoever_decodes_them(decoder, panel_app, browser_decoding, app_page):
    page = app_page
    url = (panel_app("app/pages/conv.py", source="yours", channels="rgb") if decoder == "pillow"
           else browser_decoding("conv", source="yours", channels="rgb"))
    page.goto(url, timeout=90_000)
    picker, info = page.get_by_test_id("file-upload"), page.get_by_test_id("picture-info")
    expect(picker).to_be_attached(timeout=60_000)
    value = page.get_by_test_id("conv-value")
    for name, mime, data, exact in pictures():
        expected = decode_image(data, name)                          # Pillow's picture, in this process
        size = f"{expected.shape[1]}×{expected.shape[0]}"
        picker.set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
        expect(page.get_by_text(f"Showing {name} ({expected.shape[1]} × {expected.shape[0]} pixels).")
               ).to_be_visible(timeout=30_000)
        expect(info).to_have_attribute("data-size", size)
        shown = quarters(info.get_attribute("data-quarters"))
        want = quarters(re.search(r'data-quarters="([^"]+)"', _info(expected)).group(1))
        assert np.abs(shown - want).max() <= (0 if exact else 3), (name, shown, want)
        if name == "upright.jpg":                                   # 60 x 90 stored, shown 60 wide x 90 high
            assert size == "60×90" and shown[1, 0] > 200 and shown[0, 0] < 60   # red now top right
    expect(value).to_be_visible()                                    # the lab computed on the picture
    expect(page.get_by_text(re.compile(r"R [−-]?[\d.]+ \+ G [−-]?[\d.]+ \+ B [−-]?[\d.]+ \+ b 0 = ")).first
           ).to_be_visible()

    from PIL import Image
    big = Image.new("RGB", (3000, 1500), (10, 200, 30))
    picker.set_input_files(files=[{"name": "big.png", "mimeType": "image/png", "buffer": encode(big)}])
    shrunk = (" (1024 × 512 pixels)." if decoder == "pillow" else
              " (1024 × 512 pixels: the file's 3000 × 1500, shrunk in the browser with its high-quality smoothing).")
    expect(page.get_by_text("Showing big.png" + shrunk)).to_be_visible(timeout=60_000)
    expect(info).to_have_attribute("data-quarters", ";".join(["10,200,30"] * 4))

    picker.set_input_files(files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a picture"}])
    said = "is not an image" if decoder == "pillow" else "cannot be read as a picture by this browser"
    expect(page.get_by_text(re.compile(rf"notes\.txt {said}.* The last picture is kept\."))).to_be_visible()
    expect(info).to_have_attribute("data-size", "1024×512")         # the last picture kept


def test_your_classes_take_pictures_the_browser_decoded(browser_decoding, app_page):
    from PIL import Image
    page = app_page
    page.goto(browser_decoding("classes"), timeout=90_000)
    counts = page.get_by_test_id("classes-counts")
    expect(counts).to_have_attribute("data-counts", "0,0", timeout=60_000)
    files = [{"name": f"tile {k}.png", "mimeType": "image/png",
              "buffer": encode(Image.new("RGB", (64, 48), (40 * k, 120, 200)))} for k in range(2)]
    files.append({"name": "notes.txt", "mimeType": "text/plain", "buffer": b"no picture"})
    page.locator("input[type=file][multiple]").set_input_files(files=files)
    expect(counts).to_have_attribute("data-counts", "2,0", timeout=60_000)
    expect(page.get_by_text(re.compile(r"Not added: notes\.txt cannot be read as a picture by this browser"))
           ).to_be_visible()

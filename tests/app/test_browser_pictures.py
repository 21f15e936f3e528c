"""Pictures the browser decoded (the static site has no Pillow): app/image_input.picture_from_rgba,
BrowserPicture, and the pickers that carry them (FileUpload, PictureSource, Your classes)."""
import base64
import io

import numpy as np
import pytest
from PIL import Image

from app.widgets.picture_source import PictureSource
from app.widgets.upload import FileUpload
from app.core.image_input import (MAX_PIXELS, MIN_SIDE, BrowserPicture, ImageInputError, decode_image,
                                  decode_in_browser, picture_from_rgba, read_picture)
from app.views.classes.view import ClassesView


def encode(im, fmt="PNG", **kwargs):
    buffer = io.BytesIO()
    im.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def refusal(call, *args, **kwargs):
    with pytest.raises(ImageInputError) as info:
        call(*args, **kwargs)
    return info.value


def message(rgba, name="p.png", **extra):
    """What the browser sends for one decoded file."""
    h, w = rgba.shape[:2]
    return {"name": name, "size": 1234, "kind": "pixels", "width": w, "height": h,
            "data": base64.b64encode(rgba.tobytes()).decode(), **extra}


def half_clear(h=10, w=12):
    rgba = np.random.default_rng(3).integers(0, 256, (h, w, 4), dtype=np.uint8)
    rgba[:, : w // 2, 3] = 255
    rgba[:, w // 2:, 3] = np.arange(h * (w - w // 2)).reshape(h, -1) % 256   # every alpha, 0 included
    return rgba


def test_alpha_is_laid_on_white_to_the_bit_as_pillow_does():
    rgba = np.random.default_rng(0).integers(0, 256, (256, 64, 4), dtype=np.uint8)
    rgba[..., 3] = np.arange(256)[:, None]                           # each row one alpha: 0 .. 255
    white = Image.new("RGBA", (64, 256), (255, 255, 255, 255))
    expected = np.asarray(Image.alpha_composite(white, Image.fromarray(rgba, "RGBA")).convert("RGB"))
    out = picture_from_rgba(rgba)
    assert out.dtype == np.uint8 and out.shape == (256, 64, 3)
    np.testing.assert_array_equal(out, expected)
    assert out[0].tolist() == [[255, 255, 255]] * 64                 # alpha 0: white whatever the colour
    np.testing.assert_array_equal(out[255], rgba[255, :, :3])        # alpha 255: the colour itself


@pytest.mark.parametrize("kind", ["rgb", "rgba", "la", "palette", "grey", "cmyk"])
def test_the_same_picture_as_the_pillow_path(kind):
    """The RGBA a browser gets from a file, through picture_from_rgba == the file through decode_image."""
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (24, 30, 3), dtype=np.uint8)
    im = {"rgb": lambda: Image.fromarray(rgb),
          "rgba": lambda: Image.fromarray(half_clear(24, 30), "RGBA"),
          "la": lambda: Image.fromarray(half_clear(24, 30)[..., 2:], "LA"),
          "palette": lambda: Image.fromarray(half_clear(24, 30), "RGBA").convert("P"),
          "grey": lambda: Image.fromarray(rgb[..., 0], "L"),
          "cmyk": lambda: Image.fromarray(rgb).convert("CMYK")}[kind]()
    data = encode(im, "TIFF" if kind == "cmyk" else "PNG")
    rgba = np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))
    np.testing.assert_array_equal(picture_from_rgba(rgba, "x.png"), decode_image(data, "x.png"))


def test_pixels_of_the_wrong_kind_are_refused_in_both_languages():
    good = np.zeros((10, 10, 4), np.uint8)
    for bad in (good.astype(np.float32), good[..., :3], good.reshape(-1), good[..., 0], None):
        error = refusal(picture_from_rgba, bad, "cat.png")
        assert error.code == "bad_pixels" and "cat.png" in error.message("en")
        assert "cat.png" in error.message("zh") and "损坏" in error.message("zh")
    sent = message(good)
    sent["data"] = sent["data"][:-8]                                  # bytes lost on the way
    picture = BrowserPicture.from_message(sent)
    assert refusal(read_picture, picture, "cat.png").code == "bad_pixels"


def test_a_tiny_or_huge_picture_is_refused_with_its_size():
    tiny = refusal(picture_from_rgba, np.zeros((1, 1, 4), np.uint8), "dot.png")
    assert tiny.code == "too_small" and "1 × 1" in str(tiny) and f"{MIN_SIDE} × {MIN_SIDE}" in str(tiny)
    thin = refusal(picture_from_rgba, np.zeros((1, 1024, 4), np.uint8), "line.png", width=20000, height=5)
    assert thin.code == "too_small" and "20000 × 5" in str(thin)    # the file's size, not the shrunk one
    # The browser read a 20000 x 20000 header and decoded nothing: said with the size.
    bomb = BrowserPicture.from_message({"name": "huge.png", "size": 99, "kind": "bomb",
                                        "source_width": 20000, "source_height": 20000})
    error = refusal(read_picture, bomb, "huge.png")
    assert error.code == "bomb" and "20000 × 20000" in str(error) and "百万像素" in error.message("zh")
    side = int(MAX_PIXELS ** 0.5) + 1                                  # just over the limit, however it came
    big = refusal(picture_from_rgba, np.zeros((10, 10, 4), np.uint8), width=side, height=side)
    assert big.code == "bomb"


def test_what_the_browser_cannot_decode_is_said_as_such():
    picture = BrowserPicture.from_message({"name": "notes.txt", "size": 13, "kind": "undecodable"})
    error = refusal(read_picture, picture, "notes.txt")
    assert error.code == "browser_cannot"
    assert error.message("en").startswith("notes.txt cannot be read as a picture by this browser")
    assert "notes.txt" in error.message("zh") and "浏览器" in error.message("zh")
    assert BrowserPicture.from_message({"kind": "something else"}).problem == "browser_cannot"


def test_pixels_come_back_upright_and_a_long_picture_is_shrunk_by_area_average():
    rgba = np.full((40, 3000, 4), 255, np.uint8)
    rgba[:, :1500, :3] = (200, 10, 10)                               # left half red, right half white
    picture = BrowserPicture.from_message(message(rgba))
    assert picture.rgba.shape == (40, 3000, 4) and len(picture) == 1234
    out = read_picture(picture, "long.png", max_side=600)
    assert out.shape == (8, 600, 3)
    assert out[4, 10].tolist() == [200, 10, 10] and out[4, -10].tolist() == [255, 255, 255]


def test_the_page_decodes_in_the_browser_only_without_pillow(monkeypatch):
    monkeypatch.delenv("CNN_DECODE_IN_BROWSER", raising=False)
    assert decode_in_browser() is False                               # Pillow is installed here
    monkeypatch.setenv("CNN_DECODE_IN_BROWSER", "1")
    assert decode_in_browser() is True
    assert PictureSource().upload.decode_images is True
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    monkeypatch.setenv("CNN_DECODE_IN_BROWSER", "")
    assert decode_in_browser() is True                                # no Pillow: the static site
    monkeypatch.setenv("CNN_DECODE_IN_BROWSER", "0")
    assert decode_in_browser() is False


def test_file_upload_names_the_file_before_its_pixels_and_keeps_its_size_limit():
    upload = FileUpload(decode_images=True, max_bytes=1000)
    seen = []
    upload.param.watch(lambda e: seen.append((upload.filename, type(e.new).__name__)), "value")
    rgba = np.zeros((9, 9, 4), np.uint8)
    upload._handle_msg({"type": "file", **message(rgba, "a.png", size=999)})
    assert seen == [("a.png", "BrowserPicture")] and upload.value.rgba.shape == (9, 9, 4)
    upload._handle_msg({"type": "file", **message(rgba, "b.png", size=5000)})   # the file's bytes count
    assert upload.refused == {"name": "b.png", "size": 5000} and len(seen) == 1
    many = FileUpload(decode_images=True, multiple=True)
    many._handle_msg({"type": "files", "files": [message(rgba, "1.png"), {"name": "2.txt", "size": 3,
                                                                          "kind": "undecodable"}]})
    assert many.filename == ["1.png", "2.txt"] and [p.problem for p in many.value] == ["", "browser_cannot"]


def test_picture_source_shows_a_decoded_picture_and_says_it_was_shrunk():
    source = PictureSource()
    rgba = np.full((30, 40, 4), 255, np.uint8)
    rgba[:15, 20:, :3] = (250, 0, 0)                                  # the top right quarter red
    source.upload._handle_msg({"type": "file", **message(rgba, "phone.jpg", source_width=4000, source_height=3000)})
    assert source.origin == "phone.jpg" and source.image.shape == (30, 40, 3)
    assert source.message.object == ("Showing phone.jpg (40 × 30 pixels: the file's 4000 × 3000, shrunk in "
                                     "the browser with its high-quality smoothing).")
    assert 'data-size="40×30"' in source.info.object
    assert 'data-quarters="255,255,255;250,0,0;255,255,255;255,255,255"' in source.info.object
    source.lang = "zh"
    assert "浏览器中用高质量平滑缩小" in source.message.object
    source.upload._handle_msg({"type": "file", "name": "notes.txt", "size": 4, "kind": "undecodable"})
    assert source.origin == "phone.jpg"                               # the last picture kept
    assert source.message.object.startswith("此浏览器无法把 notes.txt 读取为图片")
    source.take_file(BrowserPicture(np.zeros((20, 20, 4), np.uint8), 20, 20), "clear.png")
    assert source.message.object == "正在显示 clear.png（20 × 20 像素）。"   # not shrunk: not said


def test_your_classes_take_decoded_pictures_and_name_the_bad_ones():
    view = ClassesView(autoplay=False)
    rgba = np.zeros((40, 50, 4), np.uint8)
    rgba[..., 1:] = 255                                               # opaque cyan
    view.upload._handle_msg({"type": "files", "files": [message(rgba, "one.png"), message(rgba, "two.png"),
                                                        {"name": "three.txt", "size": 5, "kind": "undecodable"}]})
    assert view.data.counts()[view.target] == 2
    assert "three.txt cannot be read as a picture by this browser" in view.note.object


def test_a_decoded_picture_counts_as_an_upload_even_without_a_size():
    picture = BrowserPicture(np.full((12, 12, 4), 255, np.uint8), 12, 12)
    assert picture and len(picture) == 0
    view = ClassesView(autoplay=False)
    assert view.add_files([picture], ["white.png"]) == 1

"""app/image_input.decode_image: every kind of file a student may upload, good and bad (made here)."""
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from app.core.image_input import MIN_SIDE, ImageInputError, decode_image


def encode(im, fmt="PNG", **kwargs):
    buffer = io.BytesIO()
    im.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def png_header_only(width, height):
    """A PNG that declares ``width x height`` (8-bit RGB) and has almost no pixels: a
    decompression bomb's header, made without allocating the picture."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def code_of(data, **kwargs):
    with pytest.raises(ImageInputError) as info:
        decode_image(data, **kwargs)
    return info.value


def test_rgb_png_and_jpeg_come_back_as_they_are():
    pixels = np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    np.testing.assert_array_equal(decode_image(encode(Image.fromarray(pixels))), pixels)
    jpeg = decode_image(encode(Image.fromarray(pixels), "JPEG", quality=95))
    assert jpeg.shape == (20, 30, 3) and jpeg.dtype == np.uint8


def test_exif_rotation_is_honoured():
    """Stored 30 wide x 20 high with the red corner top-left and orientation 6 ("turn 90° clockwise
    to show"): shown 20 wide x 30 high with the red corner top-right."""
    pixels = np.zeros((20, 30, 3), np.uint8)
    pixels[:5, :5] = (255, 0, 0)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = decode_image(encode(Image.fromarray(pixels), "JPEG", exif=exif.tobytes(), quality=95))
    assert out.shape == (30, 20, 3)
    assert out[1, -2, 0] > 200 and out[-2, 1, 0] < 50


@pytest.mark.parametrize("mode", ["L", "1", "P", "CMYK", "YCbCr"])
def test_any_opaque_mode_becomes_rgb(mode):
    im = Image.fromarray(np.full((10, 12, 3), (200, 40, 40), np.uint8)).convert(mode)
    fmt = "JPEG" if mode in ("CMYK", "YCbCr") else "PNG"
    out = decode_image(encode(im, fmt))
    assert out.shape == (10, 12, 3) and out.dtype == np.uint8
    if mode in ("P", "CMYK", "YCbCr"):
        assert out[5, 5, 0] > out[5, 5, 1] + 100                    # still red
    elif mode == "L":
        assert np.ptp(out[5, 5]) == 0                               # grey: R = G = B


def test_transparent_pictures_are_laid_on_white():
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[:, :5] = (0, 0, 255, 255)                                  # opaque blue left half, clear right half
    out = decode_image(encode(Image.fromarray(rgba, "RGBA")))
    assert out[0, 0].tolist() == [0, 0, 255] and out[0, 9].tolist() == [255, 255, 255]
    la = Image.fromarray(np.dstack([np.zeros((10, 10), np.uint8), rgba[..., 3]]), "LA")
    assert decode_image(encode(la))[0, 9].tolist() == [255, 255, 255]
    palette = Image.fromarray(rgba, "RGBA").convert("P")             # a palette with a transparent colour
    assert "transparency" in Image.open(io.BytesIO(encode(palette))).info
    assert decode_image(encode(palette))[0, 9].tolist() == [255, 255, 255]


def test_sixteen_bit_grey_is_scaled_to_bytes():
    values = np.array([[0, 257 * 100, 65535] * 4] * 9, dtype=np.uint16)   # (9, 12)
    out = decode_image(encode(Image.fromarray(values)))
    assert out[0, :3, 0].tolist() == [0, 100, 255]


def test_big_pictures_are_shrunk_on_reading():
    big = Image.new("RGB", (3000, 1500), (10, 200, 30))
    out = decode_image(encode(big, "JPEG"), max_side=1024)
    assert max(out.shape[:2]) <= 1024 and out.shape[2] == 3
    assert out.shape[1] / out.shape[0] == pytest.approx(2, rel=0.01)
    assert decode_image(encode(big), max_side=600).shape == (300, 600, 3)


def test_bad_files_give_typed_messages_in_both_languages():
    assert code_of(b"").code == "empty"
    error = code_of(b"%PDF-1.4 not a picture", name="notes<b>.pdf")
    assert error.code == "not_image" and "notes<b>.pdf" in str(error)   # the name as typed (a Notice shows it)
    assert "不是" in error.message("zh")
    whole = encode(Image.fromarray(np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8)))
    assert code_of(whole[: len(whole) // 2]).code == "truncated"
    tiny = code_of(encode(Image.new("RGB", (1, 1))))
    assert tiny.code == "too_small" and f"{MIN_SIDE} × {MIN_SIDE}" in str(tiny)


@pytest.mark.parametrize("side", [20000, 9500])
def test_a_decompression_bomb_is_refused_from_its_header(side):
    """20000 x 20000 = 400 megapixels (1.2 GB of RGB) and 9500 x 9500 = 90 (just over Pillow's
    89-megapixel warning limit): refused with the size, before any pixel is decoded."""
    error = code_of(png_header_only(side, side), name="huge.png")
    assert error.code == "bomb" and f"{side} × {side}" in str(error)
    assert Image.MAX_IMAGE_PIXELS is not None                       # Pillow's own limit is back in place

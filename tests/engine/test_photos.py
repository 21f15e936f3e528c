"""The shipped photos (cnncore/assets/photos.npz) and the script that makes them."""
import importlib.util
import io
import os
import sys
import zipfile
from importlib import resources

import numpy as np
import pytest
from PIL import Image

from cnncore import data

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def make_photos_module():
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    try:
        spec = importlib.util.spec_from_file_location("make_photos", os.path.join(ROOT, "scripts", "make_photos.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.pop(0)


def test_the_photos_and_textures_ship_small_and_credited():
    blob = (resources.files("cnncore") / "assets" / "photos.npz").read_bytes()
    assert len(blob) < 1_000_000
    assert data.photo_names("photo") == ["chelsea", "coffee", "astronaut", "rocket"]
    assert data.photo_names("texture") == ["brick", "grass", "gravel"]
    for name in data.photo_names():
        image = data.photo(name)
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3, name
        assert min(image.shape[:2]) in (128, 256), name
        assert "CC0" in data.photo_credit(name) or "public domain" in data.photo_credit(name), name
    assert "scikit-image" in data.photo_credit()


def test_photos_are_colour_and_textures_grey():
    cat = data.photo("chelsea").astype(int)
    assert np.abs(cat[..., 0] - cat[..., 2]).mean() > 10          # a real colour photo
    brick = data.photo("brick")
    assert (brick[..., 0] == brick[..., 1]).all() and (brick[..., 1] == brick[..., 2]).all()


def test_loader_gives_fresh_arrays_and_names_unknown_pictures():
    a = data.photo("coffee")
    a[:] = 0
    assert data.photo("coffee").max() > 0                          # the cache was not touched
    assert set(data.photos("texture")) == {"brick", "grass", "gravel"}
    with pytest.raises(KeyError, match="chelsea"):
        data.photo("dog")
    with pytest.raises(ValueError):
        data.photo_names("video")


def test_texture_patches_tile_without_overlap():
    images, labels, names = data.texture_patches(32)
    assert images.shape == (3 * 64, 32, 32, 3) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [64, 64, 64] and names == ["brick", "grass", "gravel"]
    grass = data.photo("grass")
    np.testing.assert_array_equal(images[64 + 9], grass[32:64, 32:64])   # tile 9 = row 1, column 1


def fake_wheel(path):
    """A zip laid out like scikit-image's wheel, with made-up pictures of the right modes."""
    rng = np.random.default_rng(0)
    with zipfile.ZipFile(path, "w") as wheel:
        for name, (filename, kind, _) in make_photos_module().PICTURES.items():
            shape = (300, 451, 3) if kind == "photo" else (512, 512)
            im = Image.fromarray(rng.integers(0, 256, shape, dtype=np.uint8))
            buffer = io.BytesIO()
            im.save(buffer, format="JPEG" if filename.endswith(".jpg") else "PNG")
            wheel.writestr(f"skimage/data/{filename}", buffer.getvalue())


def test_make_photos_is_byte_reproducible_and_loadable(tmp_path):
    script = make_photos_module()
    wheel = tmp_path / "scikit_image-0-py3-none-any.whl"
    fake_wheel(wheel)
    first = script.to_npz_bytes(script.build(str(wheel)))
    assert script.to_npz_bytes(script.build(str(wheel))) == first
    with np.load(io.BytesIO(first), allow_pickle=False) as archive:
        assert archive["image_chelsea"].shape == (128, 192, 3)       # 300x451 -> short side 128
        assert archive["image_gravel"].shape == (256, 256, 1)
        assert list(archive["names"]) == data.photo_names()
    out = tmp_path / "photos.npz"
    assert script.main(["--wheel", str(wheel), "--out", str(out)]) == 0
    assert script.main(["--wheel", str(wheel), "--out", str(out), "--check"]) == 0

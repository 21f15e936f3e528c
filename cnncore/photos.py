"""Real pictures that ship with the package: four colour photos and three textures.

``cnncore/assets/photos.npz`` holds scikit-image's CC0 / public-domain sample pictures
(made by ``scripts/make_photos.py``; :func:`photo_credit` says who made each and its licence):

* photos, RGB, short side 128 px: ``chelsea`` (a cat), ``coffee`` (a cup), ``astronaut``
  (Eileen Collins), ``rocket`` (a Falcon 9 launch);
* textures, 256x256, grey in the source: ``brick``, ``grass``, ``gravel``.

Every picture comes back as ``(H, W, 3)`` uint8 (a texture's grey channel repeated three
times), the layout of an image file; :mod:`cnncore.images` turns it into a model input.
Only NumPy is used (it runs in Pyodide); the file is read once, with ``allow_pickle=False``.
"""
import io
from importlib import resources

import numpy as np

__all__ = ["photo_names", "photo", "photos", "photo_credit", "texture_patches"]

_raw = {}


def _file():
    if not _raw:
        blob = (resources.files("cnncore") / "assets" / "photos.npz").read_bytes()
        with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
            for key in archive.files:
                array = archive[key]
                array.flags.writeable = False
                _raw[key] = array
    return _raw


def photo_names(kind=None):
    """The pictures' names, photos first; ``kind="photo"`` or ``"texture"`` picks one sort."""
    raw = _file()
    if kind not in (None, "photo", "texture"):
        raise ValueError(f"photo_names: kind must be None, 'photo' or 'texture', got {kind!r}")
    return [str(n) for n, k in zip(raw["names"], raw["kinds"]) if kind is None or k == kind]


def photo(name):
    """One shipped picture as a fresh ``(H, W, 3)`` uint8 array (RGB).

    Raises:
        KeyError: no picture has that name (the message lists the names).
    """
    raw = _file()
    key = f"image_{name}"
    if key not in raw:
        raise KeyError(f"no shipped picture is called {name!r}; there are {', '.join(photo_names())}")
    image = raw[key]
    return np.array(np.broadcast_to(image, image.shape[:2] + (3,)))   # (H, W, 1|3) -> (H, W, 3)


def photos(kind=None):
    """``{name: (H, W, 3) uint8}`` for every shipped picture (or every one of ``kind``)."""
    return {name: photo(name) for name in photo_names(kind)}


def photo_credit(name=None):
    """Who made picture ``name`` and its licence; with no name, where the whole set comes from."""
    raw = _file()
    if name is None:
        return str(raw["credit"])
    names = photo_names()
    if name not in names:
        raise KeyError(f"no shipped picture is called {name!r}; there are {', '.join(names)}")
    return str(raw["credits"][names.index(name)])


def texture_patches(size=32, names=None):
    """Every texture cut into non-overlapping ``size x size`` tiles: a small labelled data set.

    A 256x256 texture gives ``(256 // size) ** 2`` tiles (64 for 32x32), in reading order,
    so a held-out split of later tiles never overlaps a training tile.

    Returns:
        ``(images, labels, names)``: uint8 ``(N, size, size, 3)``, int64 ``(N,)`` indices into
        ``names`` (the texture names, by default every texture).
    """
    names = list(names) if names is not None else photo_names("texture")
    size = int(size)
    tiles, labels = [], []
    for label, name in enumerate(names):
        image = photo(name)
        rows, cols = image.shape[0] // size, image.shape[1] // size
        if rows < 1 or cols < 1:
            raise ValueError(f"texture_patches: {name} ({image.shape[0]}x{image.shape[1]}) is smaller "
                             f"than one {size}x{size} tile")
        cut = image[:rows * size, :cols * size].reshape(rows, size, cols, size, 3)
        tiles.append(cut.transpose(0, 2, 1, 3, 4).reshape(-1, size, size, 3))  # -> (rows*cols, s, s, 3)
        labels.append(np.full(rows * cols, label, np.int64))
    return np.concatenate(tiles), np.concatenate(labels), names

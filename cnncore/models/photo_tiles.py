"""A colour CNN pretrained on the shipped pictures: which picture does a 32x32 patch come from?

The task, honestly: there are only seven shipped pictures (``cnncore/assets/photos.npz``: the
photos ``chelsea``, ``coffee``, ``astronaut``, ``rocket`` and the textures ``brick``,
``grass``, ``gravel``), so the network cannot learn "cat" or "cup" in general. It learns to
tell 32x32 patches of these seven pictures apart, from their colours and textures.

**Held-out split by region.** Every picture is cut in two along its width: patches for
training come from the left three quarters, held-out patches from the right quarter, so a
held-out patch never shares a pixel with a training patch (:func:`tile_split`). Patches are
taken every 8 pixels at full size and at half size (a patch of the half-size picture covers
64x64 pixels of the original), and flipped left-right for training.

Retrain with ``python scripts/pretrain_rgb.py`` (seeded: same NumPy, same bytes); it prints
the held-out accuracy, which ``tests/engine/test_photo_tiles.py`` measures again from the
shipped weights. Result of the shipped weights (12 epochs, about a minute on one core):
**98.7% of the 697 held-out patches** (chance: 1/7 = 14%; always answering the largest class:
23%): chelsea 70/70, coffee 66/70, astronaut 13/13, rocket 70/70, brick 158/158, grass
157/158, gravel 154/158. The task is easy because the seven pictures differ in colour and
texture, not because the network understands photos.

A whole picture fitted to 32x32 (what the views show) is *not* what it trained on: it saw
patches, so its answer on a whole photo is a guess from colours. The views say so.
"""
import numpy as np

from .pretrained import load_pretrained
from .small_rgb import small_rgb_cnn

__all__ = ["PHOTO_CLASSES", "MEAN", "STD", "SIZE", "photo_tiles", "tile_split", "to_input", "NAME"]

NAME = "photo_tiles"
PHOTO_CLASSES = ("chelsea", "coffee", "astronaut", "rocket", "brick", "grass", "gravel")
SIZE = 32
STRIDE = 8
SCALES = (1, 2)                   # full size, and half size (area average)
HELD_OUT = 0.25                   # the right quarter of every picture's width
MEAN, STD = (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)   # as the "Your classes" view: x/255 -> about [-2, 2]


def photo_tiles(pretrained=False):
    """:func:`~cnncore.models.small_rgb.small_rgb_cnn` for the seven shipped pictures.

    ``pretrained=True`` loads ``cnncore/assets/photo_tiles.npz`` (made by ``scripts/pretrain_rgb.py``).

    Shape:
        - Input: ``(N, 3, 32, 32)`` (pictures through :func:`to_input`); Output: ``(N, 7)`` logits
    """
    model = small_rgb_cnn(len(PHOTO_CLASSES), seed=0)
    return load_pretrained(model, NAME) if pretrained else model


def to_input(images):
    """``(N, 32, 32, 3)`` (or one ``(32, 32, 3)``) uint8 pictures -> ``(N, 3, 32, 32)`` float32."""
    from ..images import to_tensor
    return to_tensor(images, mean=MEAN, std=STD)


def _shrink(image, factor):
    """Area average over ``factor x factor`` blocks: ``(H, W, 3) -> (H // f, W // f, 3)``."""
    h, w = image.shape[0] // factor * factor, image.shape[1] // factor * factor
    blocks = image[:h, :w].astype(np.float64).reshape(h // factor, factor, w // factor, factor, 3)
    return np.rint(blocks.mean(axis=(1, 3))).astype(np.uint8)


def _patches(image, stride):
    """Every ``SIZE x SIZE`` patch whose corner is a multiple of ``stride``: ``(n, SIZE, SIZE, 3)``."""
    rows = range(0, image.shape[0] - SIZE + 1, stride)
    cols = range(0, image.shape[1] - SIZE + 1, stride)
    return np.stack([image[r:r + SIZE, c:c + SIZE] for r in rows for c in cols]) if rows and cols \
        else np.zeros((0, SIZE, SIZE, 3), np.uint8)


def tile_split():
    """``((train_images, train_labels), (held_images, held_labels))``, uint8 ``(N, 32, 32, 3)``
    and int64 ``(N,)`` indices into :data:`PHOTO_CLASSES`.

    Each picture's width is cut at ``round(W * 0.75)`` (a multiple of ``2 * STRIDE``): training
    patches lie left of the cut, held-out ones right of it, at every scale (the half-size
    picture is cut at half the column), so no held-out patch overlaps a training patch.
    Training patches are also given flipped left-right.
    """
    from ..photos import photo

    parts = {"train": ([], []), "held": ([], [])}
    for label, name in enumerate(PHOTO_CLASSES):
        image = photo(name)
        step = 2 * STRIDE * max(SCALES)
        cut = int(round(image.shape[1] * (1 - HELD_OUT) / step) * step)   # a column both scales share
        for factor in SCALES:
            small, c = _shrink(image, factor), cut // factor
            train, held = _patches(small[:, :c], STRIDE), _patches(small[:, c:], STRIDE)
            train = np.concatenate([train, train[:, :, ::-1]])            # flipped left-right too
            for key, tiles in (("train", train), ("held", held)):
                parts[key][0].append(tiles)
                parts[key][1].append(np.full(len(tiles), label, np.int64))
    return tuple((np.concatenate(parts[k][0]), np.concatenate(parts[k][1])) for k in ("train", "held"))

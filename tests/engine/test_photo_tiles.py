"""The pretrained colour network: its held-out patches never overlap training ones, and it is measured here."""
import numpy as np
import pytest

import cnncore.photos
from cnncore.models import photo_tiles as tiles
from cnncore.models.pretrained import available
from cnncore.train import evaluate


def test_held_out_patches_lie_right_of_every_training_patch(monkeypatch):
    """Pictures whose red channel is the column number: every training patch's columns are left
    of the cut, every held-out patch's right of it (at full and at half size)."""
    real = cnncore.photos.photo

    def columns(name):
        h, w = real(name).shape[:2]
        image = np.zeros((h, w, 3), np.uint8)
        image[..., 0] = np.arange(w)[None, :]                      # R = column (every width is <= 256)
        return image

    monkeypatch.setattr(cnncore.photos, "photo", columns)
    (train_x, train_y), (held_x, held_y) = tiles.tile_split()
    for label, name in enumerate(tiles.PHOTO_CLASSES):
        train, held = train_x[train_y == label, ..., 0], held_x[held_y == label, ..., 0]
        assert len(train) and len(held), name
        assert int(train.max()) < int(held.min()), name             # no shared column, so no shared pixel
        width = real(name).shape[1]
        assert 0.6 * width <= int(held.min()) <= 0.8 * width, name  # the cut is near three quarters


def test_the_shipped_weights_are_well_above_chance_on_held_out_patches():
    assert available(tiles.NAME)
    model = tiles.photo_tiles(pretrained=True)
    assert not model.training
    _, (held_x, held_y) = tiles.tile_split()
    result = evaluate(model, tiles.to_input(held_x), held_y)
    chance = np.bincount(held_y).max() / len(held_y)              # always answering the largest class
    assert result.accuracy > max(0.8, chance + 0.4)
    per_class = np.diag(result.confusion) / result.confusion.sum(axis=1)
    assert per_class.min() > 0.5, dict(zip(tiles.PHOTO_CLASSES, per_class.round(2)))


def test_untrained_network_is_not_good_by_accident():
    """The measurement can fail: random weights score near chance on the same patches."""
    _, (held_x, held_y) = tiles.tile_split()
    assert evaluate(tiles.photo_tiles(pretrained=False), tiles.to_input(held_x), held_y).accuracy < 0.6


def test_shape_and_input():
    model = tiles.photo_tiles(pretrained=True)
    x = tiles.to_input(np.zeros((2, 32, 32, 3), np.uint8))
    assert x.shape == (2, 3, 32, 32) and x.dtype == np.float32
    np.testing.assert_allclose(x, -2.0)                            # (0 - 0.5) / 0.25
    assert model(x).shape == (2, 7)

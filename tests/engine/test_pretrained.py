"""The weights that ship: accuracy on the held-out digits, and a reproducible recipe."""
import dataclasses

import numpy as np
import pytest

from cnncore import data, models, pretrain
from cnncore.errors import ModelFileError
from cnncore.train import evaluate


@pytest.fixture(scope="module")
def test_digits():
    return data.load_digits("test")


@pytest.fixture(scope="module")
def accuracies(test_digits):
    return {name: evaluate(models.get_model(name, pretrained=True), *test_digits).accuracy
            for name in models.pretrained_models()}


def test_lenet5_and_the_best_model_reach_the_targets(accuracies):
    assert accuracies["lenet5"] >= 0.975
    assert max(accuracies.values()) >= 0.985, accuracies


def test_every_shipped_model_is_good(accuracies):
    assert {"lenet5", "tiny_vgg"} <= set(accuracies)
    assert min(accuracies.values()) >= 0.95, accuracies


def test_pretrained_models_come_in_eval_mode():
    model = models.lenet5(pretrained=True)
    assert not any(m.training for m in model.modules())


def test_missing_weights_are_explained():
    with pytest.raises(ModelFileError, match="python -m cnncore.pretrain"):
        models.load_pretrained(models.lenet5(), "no_such_model")


def test_recipe_is_reproducible(tmp_path):
    recipe = dataclasses.replace(pretrain.RECIPES["lenet5"], epochs=1)
    first, acc1 = pretrain.train_one("lenet5", recipe, log=lambda *_: None)
    second, acc2 = pretrain.train_one("lenet5", recipe, log=lambda *_: None)
    assert acc1 == acc2
    for (k, a), b in zip(first.state_dict().items(), second.state_dict().values()):
        np.testing.assert_array_equal(a, b, err_msg=k)
    pretrain.save_weights(first, tmp_path / "a.npz")
    pretrain.save_weights(second, tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    loaded = models.lenet5()
    with np.load(tmp_path / "a.npz", allow_pickle=False) as f:
        loaded.load_state_dict({k: f[k] for k in f.files})
    np.testing.assert_array_equal(loaded.state_dict()["0.weight"], first.state_dict()["0.weight"])


def test_saved_weights_keep_zero_dimensional_buffers(tmp_path):
    model = models.resnet_small()
    pretrain.save_weights(model, tmp_path / "r.npz")
    with np.load(tmp_path / "r.npz", allow_pickle=False) as f:
        assert f["bn1.num_batches_tracked"].shape == ()
        models.resnet_small().load_state_dict({k: f[k] for k in f.files}, strict=True)

"""The model zoo: shapes, published parameter counts, and equality with torch twins."""
import numpy as np
import pytest
import torch

from cnncore import models, nn
from cnncore.inspect.summary import summary
from cnncore.nn.init import meta
from tests.helpers import compare_module

# Published by torchvision (torchvision.models.<name>(weights=None) parameter counts).
PUBLISHED_PARAMS = {
    "alexnet": 61_100_840, "vgg11": 132_863_336, "vgg16": 138_357_544, "vgg19": 143_667_240,
    "googlenet": 6_624_904, "resnet18": 11_689_512, "resnet34": 21_797_672,
    "resnet50": 25_557_032, "resnet101": 44_549_160, "resnet152": 60_192_808,
}


@pytest.mark.parametrize("name", PUBLISHED_PARAMS)
def test_classic_parameter_counts_equal_published(name):
    build, input_shape, _ = models.CLASSIC_MODELS[name]
    with meta():
        model = build()
    ledger = summary(model, input_shape)
    assert ledger.params == PUBLISHED_PARAMS[name]
    assert sum(r.params for r in ledger.rows) == ledger.params  # every parameter is in some row
    assert ledger.output_shape == (1, 1000)


def test_meta_models_allocate_nothing():
    with meta():
        model = models.vgg16()
    assert all(p.data.strides == (0,) * p.data.ndim for p in model.parameters())


@pytest.mark.parametrize("name", list(models.DIGIT_MODELS))
def test_digit_models_map_digits_to_ten_logits(name):
    model = models.get_model(name).eval()
    x = np.random.default_rng(0).random((3, 1, 28, 28), dtype=np.float32)
    y = model(x)
    assert y.shape == (3, 10) and y.dtype == np.float32
    assert model.output_shape(x.shape) == (3, 10)
    assert summary(model, (1, 28, 28)).output_shape == (1, 10)


def torch_lenet5():
    t = torch.nn
    return t.Sequential(t.Conv2d(1, 6, 5, padding=2), t.ReLU(), t.MaxPool2d(2), t.Conv2d(6, 16, 5), t.ReLU(),
                        t.MaxPool2d(2), t.Flatten(), t.Linear(400, 120), t.ReLU(), t.Linear(120, 84), t.ReLU(),
                        t.Linear(84, 10))


def test_lenet5_equals_torch_twin():
    x = np.random.default_rng(1).random((4, 1, 28, 28))
    compare_module(models.lenet5(), torch_lenet5(), x)


def test_ledger_macs_equal_torch_flop_counter():
    from torch.utils.flop_counter import FlopCounterMode
    ours, theirs = models.lenet5(), torch_lenet5()
    with FlopCounterMode(display=False) as counter:
        theirs(torch.zeros(2, 1, 28, 28))
    ledger = summary(ours, (2, 1, 28, 28))
    conv_linear_macs = sum(r.macs for r in ledger.rows if r.kind in ("Conv2d", "Linear"))
    assert 2 * conv_linear_macs == counter.get_total_flops()


def test_ledger_shapes_equal_real_forward():
    model = models.resnet_small(depth=8)
    x = np.zeros((2, 1, 28, 28), np.float32)
    assert summary(model, x.shape).output_shape == model(x).shape


def test_weight_sharing_comparison():
    ledger = summary(nn.Sequential(nn.Conv2d(1, 6, 5, padding=2)), (1, 28, 28))
    row = ledger.rows[0]
    assert row.params == 6 * 25 + 6
    assert row.fc_params == (28 * 28) * (6 * 28 * 28) + 6 * 28 * 28


def test_resnet_small_depth_is_checked():
    with pytest.raises(ValueError, match="6n\\+2"):
        models.resnet_small(depth=10)

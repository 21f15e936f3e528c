"""cnncore.inspect.nonlinearity: activation curves and slopes against PyTorch; dead and saturated units."""
import numpy as np
import pytest
import torch

import cnncore
from cnncore import nn
from cnncore.inspect import capture
from cnncore.inspect.nonlinearity import (ACTIVATION_KINDS, LEAKY_SLOPE, SATURATION, activation_curves,
                                          activation_module, apply_activation, preactivation_layers,
                                          unit_statistics)

TORCH_ACTIVATIONS = {
    "relu": torch.relu,
    "leaky_relu": lambda x: torch.nn.functional.leaky_relu(x, LEAKY_SLOPE),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
}


@pytest.mark.parametrize("kind", ACTIVATION_KINDS)
def test_curves_and_slopes_equal_torch_autograd(kind):
    x, f, d = activation_curves(kind, -5.0, 5.0, 200)     # an even count: 0 is not a sample (ReLU's kink)
    xt = torch.tensor(x, requires_grad=True)
    ft = TORCH_ACTIVATIONS[kind](xt)
    ft.sum().backward()
    assert x.shape == f.shape == d.shape == (200,) and x[0] == -5.0 and x[-1] == 5.0
    np.testing.assert_allclose(f, ft.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d, xt.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_applied_to_a_map_counts_negatives_and_flat_slopes():
    pre = np.random.default_rng(0).normal(scale=4.0, size=(6, 9))
    for kind in ACTIVATION_KINDS:
        a = apply_activation(kind, pre)
        module = activation_module(kind)
        np.testing.assert_array_equal(a.post, module(pre))
        np.testing.assert_array_equal(a.slope, module.derivative(pre))
        assert a.values == 54 and (a.low, a.high) == (pre.min(), pre.max())
        assert a.negative_fraction == np.count_nonzero(pre <= 0) / 54
        assert a.flat_fraction == np.count_nonzero(a.slope < SATURATION) / 54
    assert apply_activation("relu", pre).flat_fraction == apply_activation("relu", pre).negative_fraction
    assert apply_activation("leaky_relu", pre).flat_fraction == 0            # its slope is 0.1 or 1
    with pytest.raises(ValueError, match="unknown activation 'gelu'"):
        activation_module("gelu")


def small_net():
    cnncore.manual_seed(3)
    return nn.Sequential(
        nn.Conv2d(1, 3, 3), nn.ReLU(), nn.MaxPool2d(2),           # '0' feeds '1'; (N, 3, 3, 3)
        nn.Conv2d(3, 4, 2), nn.BatchNorm2d(4), nn.Tanh(),          # '4' feeds '5'; (N, 4, 2, 2)
        nn.Flatten(), nn.Linear(16, 5), nn.LeakyReLU(), nn.Linear(5, 2), nn.Sigmoid(),
    ).eval()


def test_preactivation_layers_pair_each_activation_with_its_producer():
    net = small_net()
    _, acts = capture(net, np.random.default_rng(1).random((2, 1, 8, 8)))
    assert preactivation_layers(net, acts) == [("0", "1"), ("4", "5"), ("7", "8"), ("9", "10")]


def test_unit_statistics_equal_a_direct_count_in_any_batch_size():
    net = small_net()
    net[0].bias.data[1] = -100.0                                # channel 1 of the first conv never fires
    images = np.random.default_rng(2).random((11, 1, 8, 8))
    rows = unit_statistics(net, images, batch=4)
    _, acts = capture(net, images)
    assert [(r.layer, r.activation, r.type) for r in rows] == [
        ("0", "1", "Conv2d"), ("4", "5", "BatchNorm2d"), ("7", "8", "Linear"), ("9", "10", "Linear")]
    first = rows[0]
    never = ~(acts["1"] > 0).any(axis=0)                       # (N, 3, 6, 6) -> (3, 6, 6)
    assert (first.units, first.dead, first.shape, first.images) == (never.size, never.sum(), (3, 6, 6), 11)
    assert first.dead_channels >= 1 and never[1].all()
    assert first.dead_fraction == never.sum() / never.size
    sigmoid_slope = torch.sigmoid(torch.tensor(acts["0"]))
    sigmoid_slope = (sigmoid_slope * (1 - sigmoid_slope)).numpy()
    np.testing.assert_allclose(first.saturated_sigmoid, (sigmoid_slope < SATURATION).mean())
    np.testing.assert_allclose(first.saturated_tanh, (1 - np.tanh(acts["0"]) ** 2 < SATURATION).mean())
    assert unit_statistics(net, images, batch=100) == rows      # batching changes nothing

"""Attention pooling against a PyTorch composition (conv2d 1x1, softmax, einsum) and finite differences."""
import numpy as np
import pytest
import torch

import cnncore
from cnncore import functional as F
from cnncore import nn
from cnncore.errors import ShapeError
from tests.helpers import assert_close, check_module_gradients, compare_module


class TorchAttentionPool(torch.nn.Module):
    """The same layer written with PyTorch's own operations (same parameter names)."""

    def __init__(self, c):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1, c, 1, 1))
        self.bias = torch.nn.Parameter(torch.zeros(1))

    def forward(self, x):
        scores = torch.einsum("nchw,c->nhw", x, self.weight[0, :, 0, 0]) + self.bias   # (N, H, W)
        self.weights = torch.softmax(scores.flatten(1), dim=1).reshape(scores.shape)
        return torch.einsum("nchw,nhw->nc", x, self.weights)


def layer(c, seed=0, scale=1.0):
    cnncore.manual_seed(seed)
    m = nn.AttentionPool2d(c)
    m.weight.data = m.weight.data * scale
    return m


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n,c,h,w,scale", [(2, 3, 3, 5, 1.0), (1, 4, 6, 2, 3.0), (3, 1, 1, 7, 1.0),
                                           (2, 5, 4, 4, 0.0), (1, 2, 1, 1, 1.0)])
def test_attention_pool_matches_torch(n, c, h, w, scale, dtype):
    x = np.random.default_rng(n * 100 + h * 10 + w).standard_normal((n, c, h, w)) * 2
    ours, theirs = layer(c, seed=h, scale=scale), TorchAttentionPool(c)
    y, _ = compare_module(ours, theirs, x, dtype)
    assert y.shape == (n, c)
    # the weights over the non-square map: (N, H, W), transposing H and W would not match
    assert_close(ours.last_weights(), theirs.weights, dtype, "softmax weights")
    np.testing.assert_allclose(ours.last_weights().sum(axis=(1, 2)), 1.0, rtol=1e-6)


def test_attention_pool_finite_differences_input_and_parameters():
    x = np.random.default_rng(1).standard_normal((2, 3, 3, 4))
    check_module_gradients(layer(3, seed=2, scale=2.0), x)
    check_module_gradients(nn.AttentionPool2d(2, bias=False), x[:, :2, :, :3])


def test_zero_scores_are_global_average_pooling_and_large_scores_pick_one_position():
    x = np.random.default_rng(2).standard_normal((2, 3, 4, 5))
    m = layer(3).double()
    m.weight.data = np.zeros((1, 3, 1, 1))
    np.testing.assert_allclose(m(x), x.mean(axis=(2, 3)), rtol=1e-12)
    # one channel scores every position; a huge weight on it makes the softmax an arg-max
    m.weight.data = np.array([1000.0, 0, 0]).reshape(1, 3, 1, 1)
    best = x[:, 0].reshape(2, -1).argmax(axis=1)
    np.testing.assert_allclose(m(x), x.reshape(2, 3, -1)[np.arange(2), :, best], rtol=1e-9)


def test_functional_scores_and_errors():
    x = np.random.default_rng(3).standard_normal((1, 2, 2, 3))
    w, b = np.array([0.5, -1.0]).reshape(1, 2, 1, 1), np.array([0.25])
    s = F.attention_scores(x, w, b)
    np.testing.assert_allclose(s, 0.5 * x[:, 0] - x[:, 1] + 0.25, rtol=1e-12)
    assert F.attention_pool2d(x, w, b).shape == (1, 2)
    with pytest.raises(ShapeError, match=r"\(1, 2, 1, 1\)"):
        F.attention_pool2d(x, np.zeros((1, 3, 1, 1)), b)
    with pytest.raises(ShapeError, match="4-D"):
        nn.AttentionPool2d(2)(x[0])
    with pytest.raises(ShapeError, match="in_channels"):
        nn.AttentionPool2d(0)
    assert nn.AttentionPool2d(2).output_shape((5, 2, 7, 3)) == (5, 2)
    with pytest.raises(RuntimeError, match="no forward"):
        nn.AttentionPool2d(2).last_weights()

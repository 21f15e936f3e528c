"""Dropout: train/eval semantics, mask statistics, scaling and backward, against torch."""
import numpy as np
import pytest
import torch

import cnncore
from cnncore import functional as F
from cnncore import nn


class MaskFromTorch:
    """A stand-in generator whose ``random()`` reproduces a given keep-mask
    (1.0 where kept, 0.0 where dropped), so our dropout draws torch's mask."""

    def __init__(self, keep):
        self.keep = keep

    def random(self, shape):
        assert shape == self.keep.shape
        return self.keep.astype(np.float64)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_same_mask_gives_torchs_output_and_gradient(p, dtype):
    torch.manual_seed(int(p * 10))
    rng = np.random.default_rng(31)
    x = (rng.standard_normal((4, 3, 5, 5)) + 5).astype(dtype)   # never 0, so torch's mask is visible
    xt = torch.tensor(x, requires_grad=True)
    yt = torch.nn.functional.dropout(xt, p, training=True)
    keep = (yt != 0).numpy()
    layer = nn.Dropout(p, generator=MaskFromTorch(keep))
    y = layer(x)
    np.testing.assert_array_equal(layer.mask, keep)
    np.testing.assert_array_equal(y, yt.detach().numpy())       # bit for bit: same formula
    g = rng.standard_normal(x.shape).astype(dtype)
    yt.backward(torch.from_numpy(g))
    np.testing.assert_array_equal(layer.backward(g), xt.grad.numpy())
    assert y.dtype == dtype


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.9])
def test_fraction_kept_is_binomial(p):
    cnncore.manual_seed(32)
    n = 200_000
    layer = nn.Dropout(p)
    layer(np.ones(n, np.float32))
    kept = layer.mask.mean()
    sigma = np.sqrt(p * (1 - p) / n)
    assert abs(kept - (1 - p)) < 5 * sigma, f"kept {kept:.4f}, expected {1 - p} +- {5 * sigma:.4f}"


@pytest.mark.parametrize("p", [0.2, 0.5, 0.75])
def test_kept_units_are_scaled_and_dropped_are_zero(p):
    cnncore.manual_seed(33)
    x = np.random.default_rng(33).standard_normal((50, 40))
    layer = nn.Dropout(p)
    y = layer(x)
    assert np.all(y[~layer.mask] == 0)
    np.testing.assert_allclose(y[layer.mask], x[layer.mask] / (1 - p), rtol=1e-15)
    assert 0 < layer.mask.sum() < layer.mask.size
    # the mean is preserved in expectation (inverted dropout): check on a large constant input
    big = layer(np.ones(400_000))
    assert abs(big.mean() - 1) < 5 * np.sqrt(p / (1 - p) / big.size)


def test_backward_uses_the_forward_mask():
    cnncore.manual_seed(34)
    layer = nn.Dropout(0.4)
    x = np.random.default_rng(34).standard_normal((6, 7))
    layer(x)
    mask = layer.mask.copy()
    g = np.random.default_rng(35).standard_normal(x.shape)
    np.testing.assert_allclose(layer.backward(g), g * mask / 0.6, rtol=1e-15)
    np.testing.assert_array_equal(layer.mask, mask)               # backward draws nothing new


def test_eval_mode_and_p_zero_are_the_identity():
    x = np.random.default_rng(36).standard_normal((3, 4))
    layer = nn.Dropout(0.5).eval()
    assert layer(x) is x and layer.mask is None
    np.testing.assert_array_equal(layer.backward(x), x)
    train_zero = nn.Dropout(0.0)
    np.testing.assert_array_equal(train_zero(x), x)
    assert train_zero.mask is None
    assert F.dropout(x, 0.5, training=False) is x
    their = torch.nn.Dropout(0.5).eval()(torch.from_numpy(x))
    np.testing.assert_array_equal(layer(x), their.numpy())


def test_p_one_gives_zeros_like_torch():
    x = np.random.default_rng(37).standard_normal((3, 4)).astype(np.float32)
    layer = nn.Dropout(1.0)
    with np.errstate(all="raise"):
        y = layer(x)
        dx = layer.backward(np.ones_like(x))
    xt = torch.tensor(x, requires_grad=True)
    yt = torch.nn.functional.dropout(xt, 1.0, training=True)
    yt.backward(torch.ones_like(xt))
    np.testing.assert_array_equal(y, yt.detach().numpy())
    np.testing.assert_array_equal(dx, xt.grad.numpy())
    assert not layer.mask.any()


def test_reproducible_with_seed_and_generator():
    x = np.ones((20, 30))
    cnncore.manual_seed(7)
    a1, a2 = nn.Dropout()(x), nn.Dropout()(x)
    cnncore.manual_seed(7)
    b1, b2 = nn.Dropout()(x), nn.Dropout()(x)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1, a2)                   # a fresh mask every forward pass
    c = nn.Dropout(generator=np.random.default_rng(5))(x)
    d = F.dropout(x, 0.5, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(c, d)


def test_non_contiguous_input():
    x = np.random.default_rng(38).standard_normal((4, 5, 6)).transpose(2, 0, 1)
    layer = nn.Dropout(0.3, generator=np.random.default_rng(1))
    y = layer(x)
    expected = np.where(layer.mask, x / 0.7, 0.0)
    np.testing.assert_allclose(y, expected, rtol=1e-15)
    assert y.shape == x.shape == layer.mask.shape


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_bad_probability_is_a_value_error(p):
    with pytest.raises(ValueError, match="between 0 and 1"):
        nn.Dropout(p)
    with pytest.raises(ValueError, match="between 0 and 1"):
        F.dropout(np.zeros(3), p)
    if not np.isnan(p):            # torch lets NaN through; we refuse it too
        with pytest.raises(ValueError):
            torch.nn.Dropout(p)


def test_generator_is_keyword_only():
    """PyTorch's third/fourth positional slot is ``inplace``; ours cannot be misread."""
    with pytest.raises(TypeError):
        nn.Dropout(0.5, np.random.default_rng(0))
    with pytest.raises(TypeError):
        F.dropout(np.zeros(3), 0.5, True, np.random.default_rng(0))


def test_repr_and_output_shape():
    assert repr(nn.Dropout(0.25)) == "Dropout(p=0.25)"
    assert nn.Dropout().output_shape((2, 3, 4, 4)) == (2, 3, 4, 4)

"""Bilinear pooling against a PyTorch composition (einsum, sign/sqrt, normalize) and finite differences."""
import numpy as np
import pytest
import torch

from cnncore import functional as F
from cnncore import nn
from cnncore.errors import ShapeError
from tests.helpers import assert_close, check_module_gradients, compare_module, numeric_grad


def torch_bilinear(x, z=None, signed_sqrt=False, normalize=False):
    z = x if z is None else z
    b = torch.einsum("nihw,njhw->nij", x, z).flatten(1) / (x.shape[2] * x.shape[3])   # (N, C1*C2)
    if signed_sqrt:
        b = torch.sign(b) * torch.sqrt(torch.abs(b))
    if normalize:
        b = torch.nn.functional.normalize(b, dim=1)
    return b


class TorchBilinear(torch.nn.Module):
    def __init__(self, signed_sqrt=False, normalize=False):
        super().__init__()
        self.options = signed_sqrt, normalize

    def forward(self, x):
        return torch_bilinear(x, None, *self.options)


OPTIONS = [(False, False), (True, False), (False, True), (True, True)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("signed_sqrt,normalize", OPTIONS)
@pytest.mark.parametrize("n,c,h,w", [(2, 3, 3, 5), (1, 1, 4, 2), (3, 4, 1, 1)])
def test_one_stream_matches_torch(n, c, h, w, signed_sqrt, normalize, dtype):
    x = np.random.default_rng(n + 10 * c + h).standard_normal((n, c, h, w))
    m = nn.BilinearPool2d(signed_sqrt, normalize)
    y, _ = compare_module(m, TorchBilinear(signed_sqrt, normalize), x, dtype)
    assert y.shape == (n, c * c)
    assert m.last_matrix().shape == (n, c, c)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("signed_sqrt,normalize", OPTIONS)
def test_two_streams_c1_not_c2_match_torch(signed_sqrt, normalize, dtype):
    rng = np.random.default_rng(4)
    x, z = rng.standard_normal((2, 2, 3, 4)).astype(dtype), rng.standard_normal((2, 3, 3, 4)).astype(dtype)
    xt, zt = torch.tensor(x, requires_grad=True), torch.tensor(z, requires_grad=True)
    out, cache = F.bilinear_pool2d_forward(x, z, signed_sqrt, normalize)
    theirs = torch_bilinear(xt, zt, signed_sqrt, normalize)
    assert out.shape == (2, 6)              # C1 * C2, entry i * C2 + j
    assert_close(out, theirs, dtype, "forward")
    g = rng.standard_normal(out.shape).astype(dtype)
    dx, dz = F.bilinear_pool2d_backward(g, cache)
    theirs.backward(torch.from_numpy(g))
    assert_close(dx, xt.grad, dtype, "dx")
    assert_close(dz, zt.grad, dtype, "dz")
    # the layout: B[i, j] pairs channel i of x with channel j of z
    plain = F.bilinear_pool2d(x, z)
    assert_close(plain.reshape(2, 2, 3)[:, 1, 2], (x[:, 1] * z[:, 2]).mean(axis=(1, 2)), dtype, "B[1, 2]")


@pytest.mark.parametrize("signed_sqrt,normalize", OPTIONS)
def test_finite_differences(signed_sqrt, normalize):
    rng = np.random.default_rng(5)
    check_module_gradients(nn.BilinearPool2d(signed_sqrt, normalize), rng.standard_normal((2, 3, 2, 3)) + 0.5)
    x, z = rng.standard_normal((1, 2, 3, 2)), rng.standard_normal((1, 3, 3, 2))
    g = rng.standard_normal((1, 6))
    loss = lambda: float((F.bilinear_pool2d(x, z, signed_sqrt, normalize) * g).sum())  # noqa: E731
    dx, dz = F.bilinear_pool2d_backward(g, F.bilinear_pool2d_forward(x, z, signed_sqrt, normalize)[1])
    np.testing.assert_allclose(dx, numeric_grad(loss, x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dz, numeric_grad(loss, z), rtol=1e-6, atol=1e-8)


def test_one_stream_is_the_second_moment_and_the_gradient_is_finite_at_zero():
    x = np.random.default_rng(6).standard_normal((1, 3, 4, 5))
    b = nn.BilinearPool2d()(x).reshape(3, 3)
    flat = x[0].reshape(3, -1)
    np.testing.assert_allclose(b, flat @ flat.T / 20, rtol=1e-12)
    np.testing.assert_allclose(b, b.T, rtol=1e-12)
    zero = np.zeros((1, 2, 2, 2))
    m = nn.BilinearPool2d(signed_sqrt=True, normalize=True)
    assert not m(zero).any()
    assert np.isfinite(m.backward(np.ones((1, 4)))).all()


def test_errors():
    with pytest.raises(ShapeError, match="same N, H and W"):
        F.bilinear_pool2d(np.zeros((1, 2, 3, 3)), np.zeros((1, 2, 3, 4)))
    with pytest.raises(ShapeError, match="4-D"):
        nn.BilinearPool2d()(np.zeros((2, 3)))
    assert nn.BilinearPool2d().output_shape((4, 5, 7, 3)) == (4, 25)
    with pytest.raises(RuntimeError, match="no forward"):
        nn.BilinearPool2d().backward(np.zeros((1, 4)))

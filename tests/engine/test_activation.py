"""Activations (ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, LogSoftmax) against torch and by finite differences."""
import numpy as np
import pytest
import torch

from cnncore import functional as F
from cnncore import nn
from cnncore.errors import ShapeError
from tests.helpers import assert_close, check_module_gradients, compare_module

# (name, our module, torch module, torch function of x for derivative checks or None)
ACTIVATIONS = {
    "relu": (lambda: nn.ReLU(), lambda: torch.nn.ReLU()),
    "leaky_relu": (lambda: nn.LeakyReLU(), lambda: torch.nn.LeakyReLU()),
    "leaky_relu_0.2": (lambda: nn.LeakyReLU(0.2), lambda: torch.nn.LeakyReLU(0.2)),
    "leaky_relu_neg": (lambda: nn.LeakyReLU(-0.5), lambda: torch.nn.LeakyReLU(-0.5)),
    "sigmoid": (lambda: nn.Sigmoid(), lambda: torch.nn.Sigmoid()),
    "tanh": (lambda: nn.Tanh(), lambda: torch.nn.Tanh()),
    "softmax_1": (lambda: nn.Softmax(dim=1), lambda: torch.nn.Softmax(dim=1)),
    "softmax_-1": (lambda: nn.Softmax(dim=-1), lambda: torch.nn.Softmax(dim=-1)),
    "softmax_0": (lambda: nn.Softmax(dim=0), lambda: torch.nn.Softmax(dim=0)),
    "log_softmax_1": (lambda: nn.LogSoftmax(dim=1), lambda: torch.nn.LogSoftmax(dim=1)),
    "log_softmax_-2": (lambda: nn.LogSoftmax(dim=-2), lambda: torch.nn.LogSoftmax(dim=-2)),
}
ELEMENTWISE = ["relu", "leaky_relu", "leaky_relu_0.2", "leaky_relu_neg", "sigmoid", "tanh"]


def random_inputs(count, seed):
    """Seeded shapes of rank 2-4 and scales from 0.1 to 1000 (large |x| tests stability)."""
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        shape = tuple(int(s) for s in rng.integers(1, 6, size=int(rng.integers(2, 5))))
        scale = float(rng.choice([0.1, 1.0, 5.0, 40.0, 1000.0]))
        cases.append((shape, scale, int(rng.integers(1 << 30))))
    return cases


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", random_inputs(6, seed=11), ids=lambda c: f"{c[0]}x{c[1]}")
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_matches_torch(name, case, dtype):
    shape, scale, seed = case
    ours, theirs = (make() for make in ACTIVATIONS[name])
    x = np.random.default_rng(seed).standard_normal(shape) * scale
    with np.errstate(over="raise", divide="raise", invalid="raise"):   # no overflow, division by zero or NaN (underflow to 0 is fine)
        y, _ = compare_module(ours, theirs, x, dtype, seed=seed)
    assert y.dtype == dtype


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_on_non_contiguous_input(name):
    ours, theirs = (make() for make in ACTIVATIONS[name])
    x = np.random.default_rng(3).standard_normal((4, 5, 3, 2)).transpose(1, 0, 3, 2)  # a view
    assert not x.flags.c_contiguous
    compare_module(ours, theirs, x)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_finite_differences(name):
    ours, _ = (make() for make in ACTIVATIONS[name])
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 4, 2))
    x = np.sign(x) * (0.05 + np.abs(x))          # keep away from the kinks at 0
    check_module_gradients(ours, x, seed=5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_stable_for_huge_inputs(dtype):
    x = np.array([-1e6, -800.0, -100.0, -30.0, -1e-9, 0.0, 1e-9, 30.0, 100.0, 800.0, 1e6], dtype=dtype)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        y = F.sigmoid(x)
        g = F.sigmoid_grad(x)
    assert y.dtype == dtype
    assert_close(y, torch.sigmoid(torch.from_numpy(x)), dtype, "sigmoid")
    xt = torch.from_numpy(x).requires_grad_()
    torch.sigmoid(xt).sum().backward()
    assert_close(g, xt.grad, dtype, "sigmoid'")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_is_stable_for_huge_inputs(fn, dtype):
    x = np.array([[1e4, -1e4, 0.0], [3e3, 3e3 + 1, 3e3 - 1], [-5e3, -5e3, -5e3 + 50]], dtype=dtype)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        y = getattr(F, fn)(x, dim=1)
    assert np.all(np.isfinite(y))
    assert_close(y, getattr(torch, fn)(torch.from_numpy(x), dim=1), dtype, fn)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name,torch_fn", [
    ("relu", torch.relu), ("leaky_relu", torch.nn.functional.leaky_relu),
    ("leaky_relu_0.2", lambda x: torch.nn.functional.leaky_relu(x, 0.2)),
    ("leaky_relu_neg", lambda x: torch.nn.functional.leaky_relu(x, -0.5)),
    ("sigmoid", torch.sigmoid), ("tanh", torch.tanh)])
def test_derivative_for_plotting_matches_autograd(name, torch_fn, dtype):
    """``module.derivative(x)`` is f'(x) element-wise: the gradient of sum(f(x)), including x = 0."""
    x = np.concatenate([np.linspace(-6, 6, 49), [0.0, -0.0, 1e-8, -1e-8, 40, -40]]).astype(dtype)
    ours = ACTIVATIONS[name][0]()
    slope = ours.derivative(x)
    xt = torch.from_numpy(x).requires_grad_()
    torch_fn(xt).sum().backward()
    assert slope.dtype == dtype and slope.shape == x.shape
    assert_close(slope, xt.grad, dtype, f"{name}'")


def test_derivative_of_integer_grid_is_float():
    assert nn.Tanh().derivative(np.arange(-3, 4)).dtype == np.float64
    np.testing.assert_array_equal(nn.ReLU().derivative(np.arange(-2, 3)), [0, 0, 0, 1, 1])


@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_softmax_backward_is_jacobian_product(dim):
    """softmax_backward equals the explicit Jacobian (diag(y) - y y^T) applied to g."""
    rng = np.random.default_rng(6)
    x, g = rng.standard_normal((3, 4, 5)), rng.standard_normal((3, 4, 5))
    y = F.softmax(x, dim)
    ym, gm = np.moveaxis(y, dim, -1), np.moveaxis(g, dim, -1)
    jac = np.einsum("...i,ij->...ij", ym, np.eye(ym.shape[-1])) - ym[..., :, None] * ym[..., None, :]
    expected = np.moveaxis(np.einsum("...ij,...i->...j", jac, gm), -1, dim)
    np.testing.assert_allclose(F.softmax_backward(g, y, dim), expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(y.sum(axis=dim), 1.0, rtol=1e-12)


def test_log_softmax_keeps_tiny_probabilities():
    x = np.array([[0.0, -800.0]])
    assert np.isfinite(F.log_softmax(x, 1)).all()
    assert F.softmax(x, 1)[0, 1] == 0.0   # its softmax underflows; the log does not


@pytest.mark.parametrize("ours,theirs", [
    (nn.ReLU(), torch.nn.ReLU()), (nn.LeakyReLU(), torch.nn.LeakyReLU()),
    (nn.LeakyReLU(0.25), torch.nn.LeakyReLU(0.25)), (nn.Sigmoid(), torch.nn.Sigmoid()),
    (nn.Tanh(), torch.nn.Tanh()), (nn.Softmax(dim=1), torch.nn.Softmax(dim=1)),
    (nn.LogSoftmax(dim=-1), torch.nn.LogSoftmax(dim=-1))])
def test_repr_matches_torch(ours, theirs):
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("cls", [nn.Softmax, nn.LogSoftmax])
def test_softmax_requires_dim(cls):
    with pytest.raises(ValueError, match="dim=1"):
        cls()


@pytest.mark.parametrize("fn", [F.softmax, F.log_softmax])
def test_softmax_dim_out_of_range_is_explained(fn):
    with pytest.raises(ShapeError) as info:
        fn(np.zeros((2, 3)), dim=2)
    for word in ["dim 2", "2-D", "(2, 3)"]:
        assert word in str(info.value)


def test_output_shape_is_input_shape():
    for make, _ in ACTIVATIONS.values():
        assert make().output_shape((2, 3, 4, 5)) == (2, 3, 4, 5)

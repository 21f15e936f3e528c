"""Losses (cross-entropy, NLL, MSE) against torch.nn.functional and by finite differences."""
import numpy as np
import pytest
import torch

from cnncore import functional as F
from cnncore import nn
from cnncore.errors import ShapeError
from tests.helpers import assert_close, numeric_grad

REDUCTIONS = ["mean", "sum", "none"]


def random_class_cases(count, seed):
    """Seeded batch sizes 1-9, 2-12 classes, logit scales up to 500 (saturated softmax)."""
    rng = np.random.default_rng(seed)
    return [(int(rng.integers(1, 10)), int(rng.integers(2, 13)), float(rng.choice([0.1, 1.0, 10.0, 500.0])),
             int(rng.integers(1 << 30))) for _ in range(count)]


def upstream(reduction, n, rng):
    """A random dTotal/dloss: a scalar, or one value per sample for 'none'."""
    return rng.standard_normal(n) if reduction == "none" else np.array(rng.uniform(0.2, 2.0))


def torch_value_and_grad(fn, x, dtype, g, *args, **kwargs):
    xt = torch.tensor(x.astype(dtype), requires_grad=True)
    loss = fn(xt, *args, **kwargs)
    loss.backward(torch.tensor(g.astype(dtype)))
    return loss, xt.grad


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 0.35])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", random_class_cases(5, seed=21), ids=lambda c: f"N{c[0]}C{c[1]}x{c[2]}")
def test_cross_entropy_matches_torch(case, reduction, smoothing, dtype):
    n, c, scale, seed = case
    rng = np.random.default_rng(seed)
    x, t = (rng.standard_normal((n, c)) * scale).astype(dtype), rng.integers(0, c, n)
    g = upstream(reduction, n, rng)
    criterion = nn.CrossEntropyLoss(reduction=reduction, label_smoothing=smoothing)
    loss = criterion(x, t)
    dx = criterion.backward(g.astype(dtype))
    their_loss, their_dx = torch_value_and_grad(torch.nn.functional.cross_entropy, x, dtype, g,
                                                torch.from_numpy(t), reduction=reduction,
                                                label_smoothing=smoothing)
    assert_close(np.asarray(loss), their_loss, dtype, "loss")
    assert_close(dx, their_dx, dtype, "dL/dlogits")
    assert dx.dtype == dtype and np.asarray(loss).dtype == dtype
    assert_close(np.asarray(F.cross_entropy(x, t, reduction=reduction, label_smoothing=smoothing)), their_loss, dtype, "functional")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("case", random_class_cases(4, seed=22), ids=lambda c: f"N{c[0]}C{c[1]}")
def test_nll_loss_matches_torch(case, reduction, dtype):
    n, c, scale, seed = case
    rng = np.random.default_rng(seed)
    x, t = rng.standard_normal((n, c)).astype(dtype), rng.integers(0, c, n)
    g = upstream(reduction, n, rng)
    criterion = nn.NLLLoss(reduction=reduction)
    loss, dx = criterion(x, t), criterion.backward(g.astype(dtype))
    their_loss, their_dx = torch_value_and_grad(torch.nn.functional.nll_loss, x, dtype, g,
                                                torch.from_numpy(t), reduction=reduction)
    assert_close(np.asarray(loss), their_loss, dtype, "loss")
    assert_close(dx, their_dx, dtype, "dL/dinput")
    assert_close(np.asarray(F.nll_loss(x, t, reduction=reduction)), their_loss, dtype, "functional")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(1,), (7,), (4, 3), (2, 3, 4, 5)])
def test_mse_loss_matches_torch(shape, reduction, dtype):
    rng = np.random.default_rng(sum(shape))
    x, y = rng.standard_normal(shape).astype(dtype), rng.standard_normal(shape).astype(dtype)
    g = rng.standard_normal(shape) if reduction == "none" else np.array(1.7)
    criterion = nn.MSELoss(reduction=reduction)
    loss, dx = criterion(x, y), criterion.backward(g.astype(dtype))
    their_loss, their_dx = torch_value_and_grad(torch.nn.functional.mse_loss, x, dtype, g,
                                                torch.from_numpy(y), reduction=reduction)
    assert_close(np.asarray(loss), their_loss, dtype, "loss")
    assert_close(dx, their_dx, dtype, "dL/dinput")
    assert_close(np.asarray(F.mse_loss(x, y, reduction=reduction)), their_loss, dtype, "functional")


def test_log_softmax_then_nll_equals_cross_entropy():
    rng = np.random.default_rng(23)
    x, t = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    log_softmax, nll, ce = nn.LogSoftmax(dim=1), nn.NLLLoss(), nn.CrossEntropyLoss()
    np.testing.assert_allclose(nll(log_softmax(x), t), ce(x, t), rtol=1e-13)
    np.testing.assert_allclose(log_softmax.backward(nll.backward()), ce.backward(), rtol=1e-12, atol=1e-15)


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n():
    rng = np.random.default_rng(24)
    x, t = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    criterion = nn.CrossEntropyLoss()
    criterion(x, t)
    expected = (F.softmax(x, dim=1) - np.eye(3)[t]) / 5
    np.testing.assert_allclose(criterion.backward(), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind", ["cross_entropy", "cross_entropy_smoothed", "nll", "mse"])
def test_loss_finite_differences(kind, reduction):
    rng = np.random.default_rng(25)
    x, t = rng.standard_normal((4, 5)) * 3, rng.integers(0, 5, 4)
    criterion = {"cross_entropy": lambda: nn.CrossEntropyLoss(reduction=reduction),
                 "cross_entropy_smoothed": lambda: nn.CrossEntropyLoss(reduction=reduction, label_smoothing=0.2),
                 "nll": lambda: nn.NLLLoss(reduction=reduction), "mse": lambda: nn.MSELoss(reduction=reduction)}[kind]()
    target = rng.standard_normal((4, 5)) if kind == "mse" else t
    weights = rng.standard_normal(np.shape(criterion(x, target)))   # L = sum(weights * loss)
    total = lambda: float(np.sum(weights * criterion(x, target)))  # noqa: E731
    criterion(x, target)
    dx = criterion.backward(weights)
    np.testing.assert_allclose(dx, numeric_grad(total, x), rtol=1e-6, atol=1e-9)


def test_module_returns_a_number_and_backward_defaults_to_one():
    rng = np.random.default_rng(26)
    x, t = rng.standard_normal((3, 4)).astype(np.float32), np.array([0, 3, 1])
    criterion = nn.CrossEntropyLoss()
    loss = criterion(x, t)
    assert isinstance(float(loss), float) and np.ndim(loss) == 0
    np.testing.assert_array_equal(criterion.backward(), criterion.backward(1.0))
    np.testing.assert_allclose(criterion.backward(2.0), 2 * criterion.backward(), rtol=1e-6)


def test_accepts_list_targets_and_non_contiguous_logits():
    rng = np.random.default_rng(27)
    x = rng.standard_normal((5, 4)).T          # (4, 5) view
    criterion = nn.CrossEntropyLoss()
    loss = criterion(x, [0, 4, 2, 1])
    their = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor([0, 4, 2, 1]))
    assert_close(np.asarray(loss), their)


@pytest.mark.parametrize("logits,target,words", [
    (np.zeros((4, 10)), np.array([1, 2, 10, 3]), ["label 10", "10 classes", "0..9"]),
    (np.zeros((4, 10)), np.array([1, -1, 0, 3]), ["label -1", "10 classes"]),
    (np.zeros((4, 10)), np.array([1, 2, 3]), ["(N,) = (4,)", "(3,)"]),
    (np.zeros((4, 10)), np.zeros((4, 1), int), ["(N,) = (4,)", "(4, 1)"]),
    (np.zeros((4, 10)), np.array([1.0, 2.0, 3.0, 4.0]), ["integer", "float64"]),
    (np.zeros((4, 10)), np.zeros((4, 10)), ["integer", "probabilities"]),
    (np.zeros(10), np.array([1]), ["(N, C)", "(10,)"]),
    (np.zeros((2, 3, 4, 4)), np.zeros(2, int), ["(N, C)", "(2, 3, 4, 4)"]),
])
def test_bad_cross_entropy_input_is_explained(logits, target, words):
    with pytest.raises(ShapeError) as info:
        nn.CrossEntropyLoss()(logits, target)
    for word in ["CrossEntropyLoss", *words]:
        assert word in str(info.value)


def test_bad_mse_input_is_explained():
    with pytest.raises(ShapeError, match=r"MSELoss: input shape \(4, 3\) and target shape \(4,\)"):
        nn.MSELoss()(np.zeros((4, 3)), np.zeros(4))


@pytest.mark.parametrize("make", [lambda: nn.CrossEntropyLoss(reduction="avg"), lambda: nn.MSELoss(reduction="max"),
                                  lambda: nn.CrossEntropyLoss(label_smoothing=1.5),
                                  lambda: nn.CrossEntropyLoss(label_smoothing=-0.1)])
def test_bad_configuration_is_a_value_error(make):
    with pytest.raises(ValueError):
        make()


def test_backward_before_forward_and_bad_upstream_gradient():
    with pytest.raises(RuntimeError, match="before forward"):
        nn.CrossEntropyLoss().backward()
    criterion = nn.CrossEntropyLoss(reduction="none")
    criterion(np.zeros((3, 2)), np.array([0, 1, 1]))
    with pytest.raises(ShapeError, match=r"\(3,\)"):
        criterion.backward(np.ones(4))


def test_torch_positional_arguments_are_not_misread():
    """PyTorch's positional slots hold ``weight``/``size_average``; ours are keyword-only."""
    with pytest.raises(TypeError):
        nn.CrossEntropyLoss(np.ones(3))
    with pytest.raises(TypeError):
        F.cross_entropy(np.zeros((2, 3)), np.array([0, 1]), np.ones(3))
    with pytest.raises(TypeError):
        F.mse_loss(np.zeros(2), np.zeros(2), True)


def test_repr_matches_torch():
    assert repr(nn.CrossEntropyLoss()) == repr(torch.nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert repr(nn.MSELoss()) == repr(torch.nn.MSELoss())
    assert "reduction='sum'" in repr(nn.CrossEntropyLoss(reduction="sum"))


def test_training_step_through_a_model_matches_torch():
    """Linear -> CrossEntropyLoss: the loss's gradient starts the model's backward pass."""
    rng = np.random.default_rng(28)
    ours, theirs = nn.Linear(6, 4).double(), torch.nn.Linear(6, 4).double()
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    x, t = rng.standard_normal((8, 6)), rng.integers(0, 4, 8)
    criterion = nn.CrossEntropyLoss()
    loss = criterion(ours(x), t)
    ours.backward(criterion.backward())
    their_loss = torch.nn.functional.cross_entropy(theirs(torch.from_numpy(x)), torch.from_numpy(t))
    their_loss.backward()
    assert_close(np.asarray(loss), their_loss)
    assert_close(ours.weight.grad, theirs.weight.grad)
    assert_close(ours.bias.grad, theirs.bias.grad)

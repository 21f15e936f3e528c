"""BatchNorm1d/2d against torch (train and eval, running statistics over batches), by finite
differences, and their error messages."""
import numpy as np
import pytest
import torch

from cnncore import functional as F
from cnncore import nn
from cnncore.errors import ShapeError
from cnncore.nn.init import meta
from tests.helpers import assert_close, check_module_gradients, compare_module, copy_weights

SHAPES_2D = [(4, 3, 5, 6), (2, 1, 3, 3), (7, 5, 1, 1), (1, 2, 4, 3)]
SHAPES_1D = [(6, 4), (2, 3), (3, 5, 7), (1, 2, 4)]


def _torch_dtype(dtype):
    return torch.float64 if dtype == np.float64 else torch.float32


def _randomize_affine(ours, rng):
    """Non-trivial gamma and beta (the defaults 1 and 0 would hide mistakes)."""
    if ours.weight is not None:
        ours.weight.data = rng.uniform(0.5, 2, ours.weight.shape).astype(ours.weight.data.dtype)
        ours.bias.data = rng.standard_normal(ours.bias.shape).astype(ours.bias.data.dtype)


def _cases(count, seed):
    """A seeded grid: BatchNorm1d/2d over odd shapes (batch 1 included), momentum 0.1, 0.3 or
    None (cumulative), with and without affine parameters and running statistics."""
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(count):
        two_d = i % 2 == 0
        shapes = SHAPES_2D if two_d else SHAPES_1D
        shape = shapes[int(rng.integers(len(shapes)))]
        kwargs = dict(momentum=[0.1, 0.3, None][int(rng.integers(3))], affine=bool(i % 4 < 2),
                      track_running_stats=bool(rng.random() < 0.75))
        cls, tcls = (nn.BatchNorm2d, torch.nn.BatchNorm2d) if two_d else (nn.BatchNorm1d, torch.nn.BatchNorm1d)
        cases.append(pytest.param(shape, cls, tcls, kwargs, id=(
            f"{cls.__name__}{shape}m{kwargs['momentum']}a{kwargs['affine']:d}t{kwargs['track_running_stats']:d}")))
    return cases


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape,cls,tcls,kwargs", _cases(24, seed=0))
def test_batchnorm_matches_torch_over_several_batches(shape, cls, tcls, kwargs, dtype):
    """Forward and every gradient in train mode for 3 batches, then in eval mode; the running
    statistics and num_batches_tracked after each batch equal torch's."""
    rng = np.random.default_rng(list(shape))
    c = shape[1]
    ours, theirs = cls(c, eps=1e-3, **kwargs), tcls(c, eps=1e-3, **kwargs)
    _randomize_affine(ours, rng)
    ours.to(dtype)
    theirs.to(_torch_dtype(dtype))
    copy_weights(ours, theirs)
    for training in (True, True, True, False):
        ours.train(training)
        theirs.train(training)
        theirs.zero_grad()
        x = rng.standard_normal(shape) * rng.uniform(0.5, 3) + rng.uniform(-2, 2)
        y = ours(x.astype(dtype))
        xt = torch.tensor(x.astype(dtype), requires_grad=True)
        yt = theirs(xt)
        assert_close(y, yt, dtype, f"forward (training={training})")
        g = rng.standard_normal(shape).astype(dtype)
        ours.zero_grad()
        dx = ours.backward(g)
        yt.backward(torch.from_numpy(g))
        assert_close(dx, xt.grad, dtype, f"input grad (training={training})")
        if kwargs["affine"]:
            assert_close(ours.weight.grad, theirs.weight.grad, dtype, "weight grad")
            assert_close(ours.bias.grad, theirs.bias.grad, dtype, "bias grad")
        theirs_state = theirs.state_dict()
        assert list(ours.state_dict()) == list(theirs_state)
        for key, value in ours.state_dict().items():
            if key == "num_batches_tracked":
                assert value.dtype == np.int64 and value.shape == ()
                assert int(value) == int(theirs_state[key])
            else:
                assert_close(value, theirs_state[key], dtype, key)
        assert y.dtype == dtype


@pytest.mark.parametrize("shape", [(3, 2, 4, 3), (5, 3)])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm_finite_differences(shape, training):
    rng = np.random.default_rng(1)
    ours = (nn.BatchNorm2d if len(shape) == 4 else nn.BatchNorm1d)(shape[1], momentum=0.5)
    ours.double()
    _randomize_affine(ours, rng)
    ours.running_mean = rng.standard_normal(shape[1])
    ours.running_var = rng.uniform(0.5, 2, shape[1])
    ours.train(training)
    check_module_gradients(ours, rng.standard_normal(shape) * 2 + 1, rtol=1e-5, atol=1e-7)


def test_functional_batch_norm_matches_torch_and_updates_in_place():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, 3, 5, 2))
    w, b = rng.standard_normal(3), rng.standard_normal(3)
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    rm_t, rv_t = torch.tensor(rm), torch.tensor(rv)
    for training in (True, False):
        ours = F.batch_norm(x, rm, rv, w, b, training=training, momentum=0.2, eps=1e-4)
        theirs = torch.nn.functional.batch_norm(torch.tensor(x), rm_t, rv_t, torch.tensor(w), torch.tensor(b),
                                                training=training, momentum=0.2, eps=1e-4)
        assert_close(ours, theirs, np.float64, f"functional (training={training})")
        assert_close(rm, rm_t, np.float64, "running_mean")
        assert_close(rv, rv_t, np.float64, "running_var")


def test_compact_backward_equals_the_chain_rule_written_out():
    """The compact formula equals the long derivation through mean and variance."""
    rng = np.random.default_rng(3)
    x, g = rng.standard_normal((6, 4)), rng.standard_normal((6, 4))
    gamma = rng.standard_normal(4)
    _, cache = F.batch_norm_forward(x, None, None, gamma, None, training=True, eps=1e-5)
    dx, _, _ = F.batch_norm_backward(g, cache)
    n = x.shape[0]
    mu, var = x.mean(0), x.var(0)
    dxhat = g * gamma
    dvar = (dxhat * (x - mu) * -0.5 * (var + 1e-5) ** -1.5).sum(0)
    dmu = (-dxhat / np.sqrt(var + 1e-5)).sum(0) + dvar * (-2 * (x - mu)).mean(0)
    long = dxhat / np.sqrt(var + 1e-5) + dvar * 2 * (x - mu) / n + dmu / n
    np.testing.assert_allclose(dx, long, rtol=1e-10, atol=1e-12)


def test_running_var_uses_unbiased_variance_and_normalization_the_biased_one():
    x = np.array([[1.0], [2.0], [4.0], [9.0]])
    bn = nn.BatchNorm1d(1, momentum=1.0, affine=False).double()
    y = bn(x)
    np.testing.assert_allclose(bn.running_var, [x.var(ddof=1)], rtol=1e-12)
    np.testing.assert_allclose(bn.batch_var, [x.var()], rtol=1e-12)
    np.testing.assert_allclose(y[:, 0], (x[:, 0] - x.mean()) / np.sqrt(x.var() + 1e-5), rtol=1e-12)


def test_momentum_none_is_the_cumulative_average():
    rng = np.random.default_rng(4)
    bn = nn.BatchNorm1d(2, momentum=None).double()
    batches = [rng.standard_normal((5, 2)) + i for i in range(4)]
    for x in batches:
        bn(x)
    np.testing.assert_allclose(bn.running_mean, np.mean([x.mean(0) for x in batches], axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, np.mean([x.var(0, ddof=1) for x in batches], axis=0), rtol=1e-12)
    assert int(bn.num_batches_tracked) == 4


def test_eval_mode_uses_running_statistics_and_freezes_them():
    rng = np.random.default_rng(5)
    bn = nn.BatchNorm2d(3).double()
    for _ in range(3):
        bn(rng.standard_normal((4, 3, 2, 2)) * 3 + 1)
    bn.eval()
    before = bn.state_dict()
    one = rng.standard_normal((1, 3, 2, 2))
    batch = np.concatenate([one, rng.standard_normal((5, 3, 2, 2))])
    np.testing.assert_allclose(bn(one), bn(batch)[:1], rtol=1e-12)  # independent of the batch
    for key, value in bn.state_dict().items():
        np.testing.assert_array_equal(value, before[key])


def test_playground_attributes():
    rng = np.random.default_rng(6)
    bn = nn.BatchNorm2d(2).double()
    x = rng.standard_normal((3, 2, 4, 4)) * 2 + 5
    bn.weight.data = np.array([2.0, 3.0])
    y = bn(x)
    np.testing.assert_allclose(bn.batch_mean, x.mean(axis=(0, 2, 3)), rtol=1e-12)
    np.testing.assert_allclose(bn.batch_var, x.var(axis=(0, 2, 3)), rtol=1e-12)
    np.testing.assert_allclose(bn.normalized.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(bn.normalized.var(axis=(0, 2, 3)), 1, rtol=1e-4)
    np.testing.assert_allclose(y, bn.normalized * np.array([2.0, 3.0])[None, :, None, None], rtol=1e-12)


def test_non_contiguous_input():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((3, 4, 5, 6)).transpose(1, 0, 2, 3)  # (4, 3, 5, 6), a view
    ours, theirs = nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    compare_module(ours, theirs, x)


def test_float32_stays_float32():
    bn = nn.BatchNorm2d(3)
    y = bn(np.random.default_rng(8).standard_normal((2, 3, 4, 4)).astype(np.float32))
    assert y.dtype == np.float32 and bn.running_var.dtype == np.float32
    assert bn.backward(np.ones_like(y)).dtype == np.float32


@pytest.mark.parametrize("make,x_shape,training,words", [
    (lambda: nn.BatchNorm2d(4), (2, 3, 5, 5), True, ["BatchNorm2d", "expected 4 channels", "got 3"]),
    (lambda: nn.BatchNorm2d(4), (2, 4, 5), True, ["BatchNorm2d", "4-D", "got a 3-D", "(2, 4, 5)"]),
    (lambda: nn.BatchNorm1d(4), (2, 4, 5, 5), True, ["BatchNorm1d", "2-D or 3-D", "got a 4-D"]),
    (lambda: nn.BatchNorm1d(4), (1, 4), True, ["more than 1 value per channel when training", "(1, 4)"]),
    (lambda: nn.BatchNorm2d(4), (1, 4, 1, 1), True, ["more than 1 value per channel", "eval()"]),
    (lambda: nn.BatchNorm1d(4, track_running_stats=False), (1, 4), False, ["more than 1 value"]),
])
def test_impossible_input_is_explained(make, x_shape, training, words):
    layer = make().train(training)
    with pytest.raises(ShapeError) as info:
        layer(np.zeros(x_shape, np.float32))
    for word in words:
        assert word in str(info.value)


def test_single_value_per_channel_is_fine_in_eval_mode_and_counts_nothing_on_error():
    bn = nn.BatchNorm1d(4)
    with pytest.raises(ShapeError):
        bn(np.zeros((1, 4), np.float32))
    assert int(bn.num_batches_tracked) == 0
    assert bn.eval()(np.ones((1, 4), np.float32)).shape == (1, 4)


def test_output_shape():
    assert nn.BatchNorm2d(3).output_shape((5, 3, 7, 2)) == (5, 3, 7, 2)
    assert nn.BatchNorm1d(3).output_shape((5, 3)) == (5, 3)
    assert nn.BatchNorm1d(3).output_shape((1, 3, 9)) == (1, 3, 9)
    with pytest.raises(ShapeError):
        nn.BatchNorm2d(3).output_shape((5, 4, 7, 2))


def test_state_dict_keys_match_torch_and_load_strict():
    ours = nn.Sequential(nn.Conv2d(1, 3, 3), nn.BatchNorm2d(3), nn.Flatten(), nn.Linear(27, 4), nn.BatchNorm1d(4))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.BatchNorm2d(3), torch.nn.Flatten(),
                                 torch.nn.Linear(27, 4), torch.nn.BatchNorm1d(4))
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()}, strict=True)
    compare_module(ours, theirs, np.random.default_rng(9).standard_normal((4, 1, 5, 5)))


def test_meta_batchnorm_allocates_nothing():
    with meta():
        bn = nn.BatchNorm2d(1 << 20)
    assert bn.weight.data.strides == (0,) and bn.running_var.strides == (0,)
    assert bn.weight.data[0] == 1 and bn.running_var[0] == 1 and bn.bias.data[0] == 0


def test_repr():
    assert repr(nn.BatchNorm2d(8, momentum=None)) == (
        "BatchNorm2d(8, eps=1e-05, momentum=None, affine=True, track_running_stats=True)")

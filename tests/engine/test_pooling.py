"""Pooling layers against torch, by finite differences, stochastic pooling's statistics, errors."""
import numpy as np
import pytest
import torch

import cnncore
from cnncore import functional as F
from cnncore import nn
from cnncore.errors import ShapeError
from tests.helpers import assert_close, check_module_gradients, compare_module

TF = torch.nn.functional


def random_pool_cases(count, seed):
    """A seeded grid: max/avg, kernels 1-5 (non-square), stride 1-3 or default, padding
    0..k//2, dilation (max), ceil_mode, count_include_pad, divisor_override, batch 1-8,
    odd sizes. Cases whose window does not fit are redrawn (except ceil_mode overhangs
    that PyTorch accepts)."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        kind = str(rng.choice(["max", "avg"]))
        k = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
        stride = None if rng.random() < 0.2 else (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        dilation = (int(rng.integers(1, 3)), int(rng.integers(1, 3))) if kind == "max" else (1, 1)
        padding = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)
        c = dict(kind=kind, k=k, stride=stride, padding=padding, dilation=dilation,
                 ceil_mode=bool(rng.random() < 0.5), count_include_pad=bool(rng.random() < 0.5),
                 divisor_override=int(rng.integers(1, 7)) if kind == "avg" and rng.random() < 0.15 else None,
                 n=int(rng.integers(1, 9)), c=int(rng.integers(1, 4)),
                 h=int(rng.integers(3, 14)), w=int(rng.integers(3, 14)))
        try:
            torch_module(c)(torch.zeros(1, 1, c["h"], c["w"]))
        except RuntimeError:
            continue
        cases.append(c)
    return cases


def make_module(c, lib):
    if c["kind"] == "max":
        return lib.MaxPool2d(c["k"], c["stride"], c["padding"], c["dilation"], ceil_mode=c["ceil_mode"])
    return lib.AvgPool2d(c["k"], c["stride"], c["padding"], c["ceil_mode"], c["count_include_pad"],
                         c["divisor_override"])


def torch_module(c):
    return make_module(c, torch.nn)


def case_id(c):
    return (f"{c['kind']}k{c['k']}s{c['stride']}p{c['padding']}d{c['dilation']}"
            f"{'C' if c['ceil_mode'] else ''}{'' if c['count_include_pad'] else 'X'}"
            f"{c['divisor_override'] or ''}")


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", random_pool_cases(60, seed=11), ids=case_id)
def test_pool2d_matches_torch(case, dtype):
    ours = make_module(case, nn)
    x = np.random.default_rng(12).standard_normal((case["n"], case["c"], case["h"], case["w"]))
    y, _ = compare_module(ours, torch_module(case), x, dtype)
    assert y.dtype == dtype
    assert ours.output_shape(x.shape) == y.shape


@pytest.mark.parametrize("case", random_pool_cases(8, seed=13), ids=case_id)
def test_pool2d_finite_differences(case):
    case = dict(case, n=min(case["n"], 2), c=min(case["c"], 2))
    shape = (case["n"], case["c"], case["h"], case["w"])
    # Distinct values 0.01 apart: no ties, and no maximum changes within eps.
    x = np.random.default_rng(14).permutation(np.prod(shape)).reshape(shape) * 0.01
    check_module_gradients(make_module(case, nn), x)


def test_output_size_rule_matches_torch_including_ceil_mode():
    """Our size arithmetic (shapes.conv_output_size plus the ceil_mode overhang case)
    agrees with PyTorch on every small configuration, including which ones it refuses."""
    for n in range(1, 10):
        for k in range(1, 6):
            for s in range(1, 4):
                for d in (1, 2):
                    for p in range(k // 2 + 1):
                        for ceil in (False, True):
                            try:
                                theirs = TF.max_pool2d(torch.zeros(1, 1, 1, n), (1, k), (1, s), (0, p),
                                                       (1, d), ceil).shape[3]
                            except RuntimeError:
                                theirs = None
                            try:
                                ours = F.pool_output_size(n, k, s, p, d, ceil)
                            except ShapeError:
                                ours = None
                            assert ours == theirs, (n, k, s, p, d, ceil)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_ceil_mode_window_may_overhang_a_small_input(kind):
    case = dict(kind=kind, k=3, stride=2, padding=(0, 0), dilation=(1, 1), ceil_mode=True,
                count_include_pad=True, divisor_override=None)
    x = np.random.default_rng(15).standard_normal((2, 2, 2, 2))
    y, _ = compare_module(make_module(case, nn), torch_module(case), x)
    assert y.shape == (2, 2, 1, 1)


@pytest.mark.parametrize("k,stride,padding,dilation", [(2, 1, 0, 1), (3, 2, 1, 1), (3, 1, 1, 2), ((2, 3), (1, 2), (1, 1), 1)])
def test_max_pool_ties_go_where_torch_sends_them(k, stride, padding, dilation):
    """Integer inputs full of ties: same arg-max (first in row-major order) and same gradient."""
    x = np.random.default_rng(16).integers(0, 3, (3, 2, 9, 8)).astype(np.float64)
    pool = nn.MaxPool2d(k, stride, padding, dilation, return_indices=True)
    y, idx = pool(x)
    xt = torch.tensor(x, requires_grad=True)
    yt, idxt = TF.max_pool2d(xt, k, stride, padding, dilation, return_indices=True)
    assert_close(y, yt)
    np.testing.assert_array_equal(idx, idxt.numpy())
    np.testing.assert_array_equal(pool.last_argmax(), idxt.numpy())
    g = np.random.default_rng(17).standard_normal(y.shape)
    yt.backward(torch.tensor(g))
    assert_close(pool.backward(g), xt.grad)


def test_functional_max_pool_return_indices():
    x = np.random.default_rng(18).standard_normal((2, 3, 7, 9))
    out, idx = F.max_pool2d(x, 3, 2, 1, ceil_mode=True, return_indices=True)
    out_t, idx_t = TF.max_pool2d(torch.tensor(x), 3, 2, 1, ceil_mode=True, return_indices=True)
    assert_close(out, out_t)
    np.testing.assert_array_equal(idx, idx_t.numpy())
    # The indices point at the values that came out.
    np.testing.assert_array_equal(np.take_along_axis(x.reshape(2, 3, -1), idx.reshape(2, 3, -1), 2),
                                  out.reshape(2, 3, -1))


def test_non_contiguous_input():
    base = np.random.default_rng(19).standard_normal((3, 2, 9, 10))
    x = base.transpose(1, 0, 2, 3)                    # channels-first memory, as conv outputs are
    assert not x.flags.c_contiguous
    for ours, theirs in [(nn.MaxPool2d(3, 2, 1), torch.nn.MaxPool2d(3, 2, 1)),
                         (nn.AvgPool2d(2), torch.nn.AvgPool2d(2)),
                         (nn.AdaptiveAvgPool2d(3), torch.nn.AdaptiveAvgPool2d(3))]:
        y = ours(x)
        assert_close(y, theirs(torch.tensor(np.ascontiguousarray(x))))
        assert ours.backward(np.ones_like(y)).shape == x.shape


# -- LP pooling ---------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("p,k,stride,ceil", [(2, 2, None, False), (2, (3, 2), (2, 1), True), (1, 3, 2, False),
                                             (3, 2, 1, True), (1.5, (2, 3), 2, False), (4, 3, 3, True)])
def test_lp_pool_matches_torch(p, k, stride, ceil, dtype):
    rng = np.random.default_rng(20)
    x = rng.standard_normal((3, 2, 9, 8))
    if p != 2:
        x = np.abs(x) + 0.1          # x^p of a negative number is NaN for fractional p
    ours = nn.LPPool2d(p, k, stride, ceil)
    y, _ = compare_module(ours, torch.nn.LPPool2d(p, k, stride, ceil), x, dtype)
    assert ours.output_shape(x.shape) == y.shape


@pytest.mark.parametrize("p", [1, 2, 3, 1.5])
def test_lp_pool_finite_differences_and_shares(p):
    x = np.abs(np.random.default_rng(21).standard_normal((2, 2, 7, 6))) + 0.1
    pool = nn.LPPool2d(p, 3, 2, ceil_mode=True)
    check_module_gradients(pool, x)
    # Each element's share is x_i^(p-1) * out^(1-p); for p = 1 every element counts 1.
    pool(x)
    shares = pool.last_shares()
    win = np.lib.stride_tricks.sliding_window_view(x, (3, 3), axis=(2, 3))[:, :, ::2, ::2]
    out = pool(x)[:, :, :win.shape[2], :win.shape[3]]
    np.testing.assert_allclose(shares[:, :, :win.shape[2], :win.shape[3]],
                               win ** (p - 1) * out[..., None, None] ** (1 - p), rtol=1e-12)


def test_lp_pool_zero_window_passes_no_gradient():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 2:, 2:] = 1.0
    pool = nn.LPPool2d(2, 2).double()
    pool(x)
    dx = pool.backward(np.ones((1, 1, 2, 2)))
    assert np.isfinite(dx).all() and not dx[0, 0, :2, :2].any()


# -- min pooling --------------------------------------------------------------

@pytest.mark.parametrize("k,stride,padding", [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0))])
def test_min_pool_is_minus_max_pool_of_minus_x(k, stride, padding):
    x = np.random.default_rng(22).standard_normal((3, 2, 9, 8))
    pool = nn.MinPool2d(k, stride, padding)
    y = pool(x)
    xt = torch.tensor(x, requires_grad=True)
    yt, idx = TF.max_pool2d(-xt, k, stride, padding, return_indices=True)
    yt = -yt
    assert_close(y, yt)
    np.testing.assert_array_equal(pool.last_argmin(), idx.numpy())
    assert pool.output_shape(x.shape) == y.shape
    g = np.random.default_rng(23).standard_normal(y.shape)
    yt.backward(torch.tensor(g))
    assert_close(pool.backward(g), xt.grad)
    check_module_gradients(nn.MinPool2d(k, stride, padding),
                           np.random.default_rng(24).permutation(2 * 2 * 9 * 8).reshape(2, 2, 9, 8) * 0.01)


# -- stochastic pooling -------------------------------------------------------

def test_stochastic_pool_sample_frequencies_match_probabilities():
    """Many identical windows [[0, 1], [2.5, 4]]: each element's frequency is within
    5 binomial standard deviations of its probability; zero never wins."""
    values = np.array([[0.0, 1.0], [2.5, 4.0]])
    windows = 20000
    x = np.tile(values, (1, windows))[None, None]              # (1, 1, 2, 2*windows)
    pool = nn.StochasticPool2d(2, seed=25).double()
    y = pool(x)
    picked = pool.last_sample()[0, 0, 0]                        # flat index row * W + col
    in_window = (picked // x.shape[3]) * 2 + (picked % x.shape[3]) % 2
    prob = values.reshape(-1) / values.sum()
    freq = np.bincount(in_window, minlength=4) / windows
    std = np.sqrt(prob * (1 - prob) / windows)
    assert freq[0] == 0
    assert np.all(np.abs(freq - prob) <= 5 * std + 1e-12), (freq, prob)
    # Each output is the value that was drawn.
    np.testing.assert_array_equal(y[0, 0, 0], x.reshape(-1)[picked])
    np.testing.assert_allclose(pool.last_probabilities()[0, 0, 0],
                               np.broadcast_to(prob.reshape(2, 2), (windows, 2, 2)), rtol=1e-12)


def test_stochastic_pool_training_gradient_goes_to_the_sample():
    x = np.abs(np.random.default_rng(26).standard_normal((2, 3, 6, 8)))
    pool = nn.StochasticPool2d((2, 3), (2, 2), seed=27).double()
    y = pool(x)
    g = np.random.default_rng(28).standard_normal(y.shape)
    dx = pool.backward(g)
    expected = np.zeros((2, 3, 48))
    idx = pool.last_sample().reshape(2, 3, -1)
    np.add.at(expected, (np.arange(2)[:, None, None], np.arange(3)[None, :, None], idx), g.reshape(2, 3, -1))
    np.testing.assert_allclose(dx, expected.reshape(x.shape), rtol=1e-12)
    np.testing.assert_array_equal(y.reshape(2, 3, -1), np.take_along_axis(x.reshape(2, 3, -1), idx, 2))


def test_stochastic_pool_is_seeded():
    x = np.abs(np.random.default_rng(29).standard_normal((2, 2, 8, 8))).astype(np.float32)
    a, b = nn.StochasticPool2d(2, seed=3), nn.StochasticPool2d(2, seed=3)
    np.testing.assert_array_equal(a(x), b(x))
    cnncore.manual_seed(4)
    first = nn.StochasticPool2d(2)(x)
    cnncore.manual_seed(4)
    np.testing.assert_array_equal(nn.StochasticPool2d(2)(x), first)
    assert first.dtype == np.float32
    gen = np.random.default_rng(5)
    np.testing.assert_array_equal(F.stochastic_pool2d(x, 2, generator=gen),
                                  F.stochastic_pool2d(x, 2, generator=np.random.default_rng(5)))


def test_stochastic_pool_eval_is_the_expected_value():
    rng = np.random.default_rng(30)
    x = rng.standard_normal((2, 2, 7, 8))                       # negatives count as 0
    x[0, 0, :2, :2] = -1.0                                      # an all-"zero" window
    pool = nn.StochasticPool2d(2, (2, 3)).eval()
    y = pool(x)
    assert pool.last_sample() is None
    assert y.shape == pool.output_shape(x.shape) == (2, 2, 3, 3)
    for n, c, i, j in np.ndindex(*y.shape):                     # the formula, window by window
        a = np.maximum(x[n, c, 2 * i:2 * i + 2, 3 * j:3 * j + 2], 0)
        expected = (a ** 2).sum() / a.sum() if a.sum() > 0 else 0.0
        assert y[n, c, i, j] == pytest.approx(expected, rel=1e-12, abs=1e-15)
    dx = pool.backward(np.ones_like(y))
    assert y[0, 0, 0, 0] == 0 and not dx[0, 0, :2, :2].any()


def test_stochastic_pool_eval_finite_differences():
    rng = np.random.default_rng(31)
    x = np.abs(rng.standard_normal((2, 2, 6, 7))) + 0.05
    x[0, 1, 1, 1] = -0.5                                        # clipped: gradient 0, away from the kink
    check_module_gradients(nn.StochasticPool2d(2, (1, 2)).eval(), x)
    check_module_gradients(nn.StochasticPool2d(3).eval(), x)


def test_stochastic_pool_all_zero_window_in_training():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 2:, 2:] = [[1.0, 2.0], [3.0, 4.0]]
    pool = nn.StochasticPool2d(2, seed=0).double()
    y = pool(x)
    assert y[0, 0, 0, 0] == 0 and pool.last_sample()[0, 0, 0, 0] == -1
    dx = pool.backward(np.ones_like(y))
    assert not dx[0, 0, :2, :2].any() and dx[0, 0, 2:, 2:].sum() == 1


# -- adaptive average pooling --------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("size,hw", [(1, (7, 9)), ((3, 4), (7, 9)), ((5, 5), (7, 9)), ((7, None), (7, 9)),
                                     ((None, 2), (6, 5)), ((11, 13), (7, 9)), (4, (4, 4)), ((3, 3), (2, 5))])
def test_adaptive_avg_pool_matches_torch(size, hw, dtype):
    x = np.random.default_rng(32).standard_normal((3, 2, *hw))
    ours = nn.AdaptiveAvgPool2d(size)
    y, _ = compare_module(ours, torch.nn.AdaptiveAvgPool2d(size), x, dtype)
    assert ours.output_shape(x.shape) == y.shape


@pytest.mark.parametrize("size", [(3, 4), (5, 2), (9, 10)])
def test_adaptive_avg_pool_finite_differences_and_bins(size):
    x = np.random.default_rng(33).standard_normal((2, 2, 7, 6))
    pool = nn.AdaptiveAvgPool2d(size)
    check_module_gradients(pool, x)
    (rs, re), (cs, ce) = pool.bins(x.shape)
    y = pool(x)
    for i, j in np.ndindex(*size):                              # each output is its bin's mean
        np.testing.assert_allclose(y[:, :, i, j], x[:, :, rs[i]:re[i], cs[j]:ce[j]].mean(axis=(2, 3)), rtol=1e-12)


# -- what each layer chose, output_shape, errors -------------------------------

def test_avg_pool_divisor_follows_count_include_pad():
    x = np.ones((1, 1, 5, 5))
    with_pad, without = nn.AvgPool2d(3, 2, 1), nn.AvgPool2d(3, 2, 1, count_include_pad=False)
    assert_close(with_pad(x), TF.avg_pool2d(torch.tensor(x), 3, 2, 1))
    np.testing.assert_array_equal(without(x), np.ones((1, 1, 3, 3)))
    np.testing.assert_array_equal(with_pad.last_divisor(), np.full((3, 3), 9.0))
    np.testing.assert_array_equal(without.last_divisor(), [[4, 6, 4], [6, 9, 6], [4, 6, 4]])


def test_output_shape_needs_no_data():
    shape = (8, 64, 224, 224)
    assert nn.MaxPool2d(3, 2, 1).output_shape(shape) == (8, 64, 112, 112)
    assert nn.AvgPool2d(2).output_shape(shape) == (8, 64, 112, 112)
    assert nn.LPPool2d(2, 3, 2, ceil_mode=True).output_shape(shape) == (8, 64, 112, 112)
    assert nn.MinPool2d(7, 7).output_shape(shape) == (8, 64, 32, 32)
    assert nn.StochasticPool2d(2).output_shape(shape) == (8, 64, 112, 112)
    assert nn.AdaptiveAvgPool2d((6, None)).output_shape(shape) == (8, 64, 6, 224)
    model = nn.Sequential(nn.MaxPool2d(2), nn.AdaptiveAvgPool2d(1), nn.Flatten())
    assert model.output_shape(shape) == (8, 64)


@pytest.mark.parametrize("make,x_shape,words", [
    (lambda: nn.MaxPool2d(5), (1, 1, 3, 3), ["MaxPool2d", "5", "larger", "3"]),
    (lambda: nn.AvgPool2d((2, 7), padding=(1, 1)), (1, 1, 6, 4), ["AvgPool2d", "width 7", "padded input 6"]),
    (lambda: nn.MaxPool2d(2), (3, 8, 8), ["MaxPool2d", "4-D", "(3, 8, 8)"]),
    (lambda: nn.LPPool2d(2, 4), (1, 1, 3, 9), ["LPPool2d", "height 4", "3"]),
    (lambda: nn.StochasticPool2d(3), (1, 1, 2, 2), ["StochasticPool2d", "3", "larger"]),
    (lambda: nn.AdaptiveAvgPool2d(2), (2, 7, 7), ["AdaptiveAvgPool2d", "4-D"]),
    (lambda: nn.AdaptiveAvgPool2d((0, 2)), (1, 1, 7, 7), ["AdaptiveAvgPool2d", "at least 1"]),
    (lambda: nn.MinPool2d(4), (1, 1, 3, 8), ["MinPool2d", "4", "larger"]),
])
def test_impossible_input_is_explained(make, x_shape, words):
    for call in (lambda m: m(np.zeros(x_shape, np.float32)), lambda m: m.output_shape(x_shape)):
        with pytest.raises(ShapeError) as info:
            call(make())
        for word in words:
            assert word in str(info.value)


@pytest.mark.parametrize("make,words", [
    (lambda: nn.MaxPool2d(3, padding=2), ["MaxPool2d", "padding 2", "half", "kernel size 3"]),
    (lambda: nn.MaxPool2d(2, padding=2, dilation=3), ["padding 2", "kernel size 2"]),
    (lambda: nn.AvgPool2d((4, 3), padding=(1, 2)), ["AvgPool2d", "padding 2", "kernel size 3"]),
    (lambda: nn.MaxPool2d(2, stride=0), ["MaxPool2d", "stride", "at least 1"]),
    (lambda: nn.AvgPool2d(0), ["AvgPool2d", "kernel_size", "at least 1"]),
    (lambda: nn.MinPool2d(3, padding=-1), ["MinPool2d", "negative"]),
    (lambda: nn.MaxPool2d(2, dilation=0), ["dilation", "at least 1"]),
    (lambda: nn.StochasticPool2d(2, stride=(1, 0)), ["StochasticPool2d", "stride"]),
])
def test_impossible_configuration_is_explained(make, words):
    with pytest.raises(ShapeError) as info:
        make()
    for word in words:
        assert word in str(info.value)


def test_functional_errors():
    x = np.zeros((1, 1, 5, 5))
    with pytest.raises(ShapeError, match="divisor_override"):
        F.avg_pool2d(x, 2, divisor_override=0)
    with pytest.raises(ShapeError, match="norm_type"):
        F.lp_pool2d(x, 0, 2)
    with pytest.raises(ShapeError, match="padding 2 is more than half"):
        F.max_pool2d(x, 3, 1, 2)
    with pytest.raises(ValueError):          # ShapeError is a ValueError
        F.adaptive_avg_pool2d(x[0], 2)

"""1-D layers (Conv1d, MaxPool1d, AvgPool1d, AdaptiveAvgPool1d) and their functional ops against torch, by finite
differences, state_dict compatibility, and their 1-D error messages."""
import numpy as np
import pytest
import torch

from cnncore import functional as F
from cnncore import nn
from cnncore.errors import ShapeError
from tests.helpers import assert_close, check_module_gradients, compare_module, numeric_grad


def random_conv1d_cases(count, seed):
    """Kernels 1-5, stride 1-3, padding 0-3 and 'same', dilation 1-3, groups, every
    padding mode, batch 1-8, odd lengths."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        groups = int(rng.choice([1, 1, 2, 3]))
        k, stride, dilation = int(rng.integers(1, 6)), int(rng.integers(1, 4)), int(rng.integers(1, 4))
        padding = int(rng.integers(0, 4))
        if rng.random() < 0.15:
            padding, stride = "same", 1
        length = int(rng.integers(5, 20))
        mode = str(rng.choice(["zeros", "reflect", "replicate", "circular"]))
        c = dict(cin=groups * int(rng.integers(1, 4)), cout=groups * int(rng.integers(1, 4)), k=k,
                 stride=stride, padding=padding, dilation=dilation, groups=groups, mode=mode,
                 bias=bool(rng.random() < 0.8), n=int(rng.integers(1, 9)), length=length)
        try:
            conv1d(c, torch.nn)(torch.zeros(1, c["cin"], length))
        except RuntimeError:
            continue
        cases.append(c)
    return cases


def conv1d(c, lib):
    return lib.Conv1d(c["cin"], c["cout"], c["k"], c["stride"], c["padding"], c["dilation"],
                      c["groups"], c["bias"], c["mode"])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", random_conv1d_cases(30, seed=41), ids=lambda c: (
    f"k{c['k']}s{c['stride']}p{c['padding']}d{c['dilation']}g{c['groups']}{c['mode']}"))
def test_conv1d_matches_torch(case, dtype):
    ours = conv1d(case, nn)
    assert ours.weight.shape == (case["cout"], case["cin"] // case["groups"], case["k"])
    x = np.random.default_rng(42).standard_normal((case["n"], case["cin"], case["length"]))
    y, _ = compare_module(ours, conv1d(case, torch.nn), x, dtype)   # loads our state_dict, strict
    assert y.dtype == dtype
    assert ours.output_shape(x.shape) == y.shape


@pytest.mark.parametrize("case", random_conv1d_cases(5, seed=43), ids=lambda c: f"k{c['k']}{c['mode']}")
def test_conv1d_finite_differences(case):
    case = dict(case, n=min(case["n"], 2))
    x = np.random.default_rng(44).standard_normal((case["n"], case["cin"], case["length"]))
    check_module_gradients(conv1d(case, nn), x)


def test_conv1d_state_dict_loads_into_torch_strict():
    ours = nn.Sequential(nn.Conv1d(2, 4, 3), nn.ReLU(), nn.Conv1d(4, 3, 5, bias=False, padding="same"))
    theirs = torch.nn.Sequential(torch.nn.Conv1d(2, 4, 3), torch.nn.ReLU(),
                                 torch.nn.Conv1d(4, 3, 5, bias=False, padding="same"))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["0.weight", "0.bias", "2.weight"]
    assert {k: v.shape for k, v in ours.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    x = np.random.default_rng(45).standard_normal((3, 2, 17))
    compare_module(ours, theirs, x)
    # And back: torch's weights load into ours.
    fresh = nn.Sequential(nn.Conv1d(2, 4, 3), nn.ReLU(), nn.Conv1d(4, 3, 5, bias=False, padding="same"))
    fresh.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert_close(fresh.double()(x), theirs.double()(torch.tensor(x)))


def test_conv1d_first_layer_can_skip_input_gradient():
    conv = nn.Conv1d(1, 2, 3)
    conv.needs_input_grad = False
    conv(np.ones((1, 1, 6), np.float32))
    assert conv.backward(np.ones((1, 2, 4), np.float32)) is None
    assert conv.weight.grad.shape == (2, 1, 3)


def random_pool1d_cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        kind = str(rng.choice(["max", "avg"]))
        k = int(rng.integers(1, 6))
        c = dict(kind=kind, k=k, stride=None if rng.random() < 0.2 else int(rng.integers(1, 4)),
                 padding=int(rng.integers(0, k // 2 + 1)),
                 dilation=int(rng.integers(1, 3)) if kind == "max" else 1,
                 ceil_mode=bool(rng.random() < 0.5), count_include_pad=bool(rng.random() < 0.5),
                 n=int(rng.integers(1, 9)), c=int(rng.integers(1, 4)), length=int(rng.integers(3, 16)))
        try:
            pool1d(c, torch.nn)(torch.zeros(1, 1, c["length"]))
        except RuntimeError:
            continue
        cases.append(c)
    return cases


def pool1d(c, lib):
    if c["kind"] == "max":
        return lib.MaxPool1d(c["k"], c["stride"], c["padding"], c["dilation"], ceil_mode=c["ceil_mode"])
    return lib.AvgPool1d(c["k"], c["stride"], c["padding"], c["ceil_mode"], c["count_include_pad"])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", random_pool1d_cases(24, seed=46), ids=lambda c: (
    f"{c['kind']}k{c['k']}s{c['stride']}p{c['padding']}d{c['dilation']}{'C' if c['ceil_mode'] else ''}"))
def test_pool1d_matches_torch(case, dtype):
    ours = pool1d(case, nn)
    x = np.random.default_rng(47).standard_normal((case["n"], case["c"], case["length"]))
    y, _ = compare_module(ours, pool1d(case, torch.nn), x, dtype)
    assert y.dtype == dtype
    assert ours.output_shape(x.shape) == y.shape


@pytest.mark.parametrize("case", random_pool1d_cases(6, seed=48), ids=lambda c: f"{c['kind']}k{c['k']}")
def test_pool1d_finite_differences(case):
    shape = (2, 2, case["length"])
    x = np.random.default_rng(49).permutation(np.prod(shape)).reshape(shape) * 0.01  # no ties
    check_module_gradients(pool1d(case, nn), x)


def test_max_pool1d_indices_match_torch():
    x = np.random.default_rng(50).integers(0, 3, (3, 2, 13)).astype(np.float64)  # ties too
    ours = nn.MaxPool1d(3, 2, 1, return_indices=True)
    y, idx = ours(x)
    yt, idxt = torch.nn.MaxPool1d(3, 2, 1, return_indices=True)(torch.tensor(x))
    assert_close(y, yt)
    np.testing.assert_array_equal(idx, idxt.numpy())
    np.testing.assert_array_equal(ours.last_argmax(), idxt.numpy())


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("size,length", [(1, 9), (4, 9), (5, 7), (12, 7), (7, 7), (3, 6)])
def test_adaptive_avg_pool1d_matches_torch(size, length, dtype):
    ours = nn.AdaptiveAvgPool1d(size)
    x = np.random.default_rng(51).standard_normal((3, 2, length))
    y, _ = compare_module(ours, torch.nn.AdaptiveAvgPool1d(size), x, dtype)
    assert ours.output_shape(x.shape) == y.shape
    check_module_gradients(nn.AdaptiveAvgPool1d(size), x)


def test_non_contiguous_input():
    base = np.random.default_rng(52).standard_normal((2, 4, 11))
    x = base.transpose(1, 0, 2)                               # (4, 2, 11) view
    for ours, theirs in [(nn.Conv1d(2, 3, 3, padding=1), torch.nn.Conv1d(2, 3, 3, padding=1)),
                         (nn.MaxPool1d(2), torch.nn.MaxPool1d(2)), (nn.AvgPool1d(3, 2), torch.nn.AvgPool1d(3, 2))]:
        compare_module(ours, theirs, x)


@pytest.mark.parametrize("make,x_shape,words", [
    (lambda: nn.Conv1d(1, 2, 7), (1, 1, 5), ["Conv1d", "length", "7", "larger", "5"]),
    (lambda: nn.Conv1d(3, 2, 3), (1, 1, 8), ["Conv1d", "expected 3 input channels", "got 1"]),
    (lambda: nn.Conv1d(1, 2, 3), (1, 1, 8, 8), ["Conv1d", "3-D", "(N, C, L)", "(1, 1, 8, 8)"]),
    (lambda: nn.Conv1d(1, 2, 3, padding=3, padding_mode="reflect"), (1, 1, 3), ["Conv1d", "reflect", "length 3"]),
    (lambda: nn.MaxPool1d(4), (2, 3, 3), ["MaxPool1d", "length 4", "larger", "3"]),
    (lambda: nn.MaxPool1d(2), (2, 3), ["MaxPool1d", "3-D"]),
    (lambda: nn.AvgPool1d(6, padding=1), (1, 1, 2), ["AvgPool1d", "length 6", "padded input 4"]),
    (lambda: nn.AdaptiveAvgPool1d(3), (1, 3, 4, 4), ["AdaptiveAvgPool1d", "3-D"]),
    (lambda: nn.AdaptiveAvgPool1d(0), (1, 3, 4), ["AdaptiveAvgPool1d", "at least 1"]),
    (lambda: nn.AdaptiveAvgPool1d(None), (1, 3, 4), ["AdaptiveAvgPool1d", "int"]),
])
def test_impossible_input_is_explained(make, x_shape, words):
    for call in (lambda m: m(np.zeros(x_shape, np.float32)), lambda m: m.output_shape(x_shape)):
        with pytest.raises(ShapeError) as info:
            call(make())
        for word in words:
            assert word in str(info.value)


@pytest.mark.parametrize("make,words", [
    (lambda: nn.Conv1d(3, 4, 3, groups=2), ["Conv1d", "divisible by groups 2"]),
    (lambda: nn.Conv1d(1, 4, 3, stride=0), ["Conv1d", "at least 1"]),
    (lambda: nn.Conv1d(1, 4, 3, stride=2, padding="same"), ["Conv1d", "'same'", "stride 1"]),
    (lambda: nn.Conv1d(1, 4, 3, padding_mode="mirror"), ["Conv1d", "padding_mode"]),
    (lambda: nn.Conv1d(1, 4, (3, 3)), ["kernel_size", "1-tuple"]),
    (lambda: nn.MaxPool1d(3, padding=2), ["MaxPool1d", "padding 2", "half", "kernel size 3"]),
    (lambda: nn.AvgPool1d(2, stride=0), ["AvgPool1d", "stride must be at least 1, got 0"]),
])
def test_impossible_configuration_is_explained(make, words):
    with pytest.raises(ShapeError) as info:
        make()
    for word in words:
        assert word in str(info.value)


# -- the 1-D functional ops (the 2-D ones on the (N, C, 1, L) view) against torch.nn.functional

TF = torch.nn.functional


def torch_grads(op, g, *arrays):
    """``op(*tensors)`` and the gradients of ``sum(g * op(...))`` w.r.t. each array (float64)."""
    tensors = [torch.tensor(a, requires_grad=True) for a in arrays]
    out = op(*tensors)
    (out[0] if isinstance(out, tuple) else out).backward(torch.tensor(g))
    return out, [t.grad for t in tensors]


@pytest.mark.parametrize("case", random_conv1d_cases(16, seed=53), ids=lambda c: (
    f"k{c['k']}s{c['stride']}p{c['padding']}d{c['dilation']}g{c['groups']}"))
def test_functional_conv1d_matches_torch(case):
    rng = np.random.default_rng(54)
    x = rng.standard_normal((case["n"], case["cin"], case["length"]))
    w = rng.standard_normal((case["cout"], case["cin"] // case["groups"], case["k"]))
    b = rng.standard_normal(case["cout"])
    args = (case["stride"], case["padding"], case["dilation"], case["groups"])
    y, cache = F.conv1d_forward(x, w, b, *args)
    g = rng.standard_normal(y.shape)
    yt, (dxt, dwt, dbt) = torch_grads(lambda *t: TF.conv1d(*t, *args), g, x, w, b)
    assert_close(F.conv1d(x, w, b, *args), yt)
    for ours, theirs, what in zip(F.conv1d_backward(g, cache), (dxt, dwt, dbt), ("dx", "dw", "db")):
        assert_close(ours, theirs, what=what)


def pool1d_functional(c, lib):
    """The functional twin of :func:`pool1d`: ``(forward, its arguments)``."""
    if c["kind"] == "max":
        return lib.max_pool1d, (c["k"], c["stride"], c["padding"], c["dilation"], c["ceil_mode"])
    return lib.avg_pool1d, (c["k"], c["stride"], c["padding"], c["ceil_mode"], c["count_include_pad"])


@pytest.mark.parametrize("case", random_pool1d_cases(16, seed=55), ids=lambda c: (
    f"{c['kind']}k{c['k']}s{c['stride']}p{c['padding']}d{c['dilation']}{'C' if c['ceil_mode'] else ''}"))
def test_functional_pool1d_matches_torch(case):
    rng = np.random.default_rng(56)
    x = rng.integers(0, 4, (case["n"], case["c"], case["length"])).astype(np.float64)  # ties too
    op, args = pool1d_functional(case, F)
    top, _ = pool1d_functional(case, TF)
    if case["kind"] == "max":
        y, cache = F.max_pool1d_forward(x, *args)
        g = rng.standard_normal(y.shape)
        (yt, index_t), (dxt,) = torch_grads(lambda t: top(t, *args, return_indices=True), g, x)
        ours, index = op(x, *args, return_indices=True)
        np.testing.assert_array_equal(index, index_t.numpy())
        assert_close(ours, yt)
        assert_close(F.max_pool1d_backward(g, cache), dxt)
    else:
        y, cache = F.avg_pool1d_forward(x, *args)
        g = rng.standard_normal(y.shape)
        yt, (dxt,) = torch_grads(lambda t: top(t, *args), g, x)
        assert_close(op(x, *args), yt)
        assert_close(F.avg_pool1d_backward(g, cache), dxt)


@pytest.mark.parametrize("size,length", [(1, 9), (4, 9), (12, 7), (3, 6)])
def test_functional_adaptive_avg_pool1d_matches_torch(size, length):
    rng = np.random.default_rng(57)
    x = rng.standard_normal((2, 3, length))
    y, cache = F.adaptive_avg_pool1d_forward(x, size)
    g = rng.standard_normal(y.shape)
    yt, (dxt,) = torch_grads(lambda t: TF.adaptive_avg_pool1d(t, size), g, x)
    assert_close(F.adaptive_avg_pool1d(x, size), yt)
    assert_close(F.adaptive_avg_pool1d_backward(g, cache), dxt)


@pytest.mark.parametrize("name,forward,backward", [
    ("conv1d s2 p1 d2 g2", lambda x, w: F.conv1d_forward(x, w, None, 2, 1, 2, 2), F.conv1d_backward),
    ("conv1d same circular", lambda x, w: F.conv1d_forward(x, w, None, 1, "same", 1, 2, "circular"),
     F.conv1d_backward),
    ("max_pool1d k3 s2 p1 d2 ceil", lambda x, w: F.max_pool1d_forward(x, 3, 2, 1, 2, True), F.max_pool1d_backward),
    ("avg_pool1d k3 s2 p1 ceil excl", lambda x, w: F.avg_pool1d_forward(x, 3, 2, 1, True, False),
     F.avg_pool1d_backward),
    ("adaptive_avg_pool1d 4", lambda x, w: F.adaptive_avg_pool1d_forward(x, 4), F.adaptive_avg_pool1d_backward),
])
def test_functional_1d_ops_finite_differences(name, forward, backward):
    rng = np.random.default_rng(58)
    x = rng.permutation(2 * 4 * 11).reshape(2, 4, 11) * 0.01    # distinct values: no ties in max pooling
    w = rng.standard_normal((4, 2, 3))
    y, cache = forward(x, w)
    g = rng.standard_normal(y.shape)
    grads = backward(g, cache)
    dx = grads[0] if isinstance(grads, tuple) else grads
    loss = lambda: float((forward(x, w)[0] * g).sum())  # noqa: E731
    np.testing.assert_allclose(dx, numeric_grad(loss, x), rtol=1e-6, atol=1e-8, err_msg="dL/dx")
    if isinstance(grads, tuple):
        np.testing.assert_allclose(grads[1], numeric_grad(loss, w), rtol=1e-6, atol=1e-8, err_msg="dL/dw")


@pytest.mark.parametrize("call,words", [
    (lambda: F.conv1d(np.zeros((1, 1, 4, 4)), np.zeros((2, 1, 3))), ["Conv1d", "3-D", "(N, C, L)"]),
    (lambda: F.conv1d(np.zeros((1, 1, 4)), np.zeros((2, 1, 7))), ["Conv1d", "kernel length 7", "larger"]),
    (lambda: F.conv1d_forward(np.zeros((1, 1, 3)), np.zeros((2, 1, 3)), padding=3, padding_mode="reflect"),
     ["Conv1d", "reflect padding 3", "length 3"]),
    (lambda: F.max_pool1d(np.zeros((1, 1, 3)), 4), ["MaxPool1d", "kernel length 4", "larger"]),
    (lambda: F.avg_pool1d(np.zeros((1, 1, 5)), 3, padding=2), ["AvgPool1d", "padding 2", "half"]),
    (lambda: F.adaptive_avg_pool1d(np.zeros((1, 1, 5)), 0), ["AdaptiveAvgPool1d", "at least 1"]),
    (lambda: nn.Conv1d(1, 2, 3, padding=-1), ["Conv1d", "padding must not be negative, got -1"]),
    (lambda: nn.Conv1d(1, 2, 3, padding="full"), ["Conv1d", "padding must be an int, 'same' or 'valid'"]),
])
def test_functional_1d_errors_speak_of_lengths(call, words):
    with pytest.raises(ShapeError) as info:
        call()
    for word in words:
        assert word in str(info.value)


def test_1d_layers_print_as_torch():
    for ours, theirs in [(nn.Conv1d(2, 4, 3, 2, 1, 2, 2, False),
                          torch.nn.Conv1d(2, 4, 3, 2, 1, 2, 2, False)),
                         (nn.Conv1d(2, 4, 3), torch.nn.Conv1d(2, 4, 3)),
                         (nn.MaxPool1d(3, 2, 1, 2, ceil_mode=True), torch.nn.MaxPool1d(3, 2, 1, 2, ceil_mode=True)),
                         (nn.AdaptiveAvgPool1d(5), torch.nn.AdaptiveAvgPool1d(5))]:
        assert repr(ours) == repr(theirs)

"""Conv2d against torch.nn.Conv2d, by finite differences, and its error messages."""
import numpy as np
import pytest
import torch

import cnncore
from cnncore import functional as F
from cnncore import nn
from cnncore.errors import ShapeError
from tests.helpers import check_module_gradients, compare_module


def random_conv_cases(count, seed):
    """A seeded grid over every knob: kernels 1-7 (non-square), stride 1-3, padding 0-3
    and 'same', every padding mode, dilation 1-3, groups, batch 1-8, odd sizes."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        groups = int(rng.choice([1, 1, 2, 3]))
        cin, cout = groups * int(rng.integers(1, 4)), groups * int(rng.integers(1, 4))
        k = (int(rng.integers(1, 8)), int(rng.integers(1, 8)))
        stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        dilation = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        mode = str(rng.choice(["zeros", "reflect", "replicate", "circular"]))
        padding = (int(rng.integers(0, 4)), int(rng.integers(0, 4)))
        if rng.random() < 0.15:
            padding, stride = "same", (1, 1)
        h, w = int(rng.integers(5, 16)), int(rng.integers(5, 16))
        span = [d * (kk - 1) + 1 for d, kk in zip(dilation, k)]
        pads = padding if padding != "same" else (0, 0)
        if any(s > n + 2 * p for s, n, p in zip(span, (h, w), pads)):
            continue
        if mode == "reflect" and (pads[0] >= h or pads[1] >= w):
            continue
        cases.append(dict(cin=cin, cout=cout, k=k, stride=stride, padding=padding, dilation=dilation,
                          groups=groups, mode=mode, n=int(rng.integers(1, 9)), h=h, w=w,
                          bias=bool(rng.random() < 0.8)))
    return cases


def build_pair(c):
    kwargs = dict(stride=c["stride"], padding=c["padding"], dilation=c["dilation"],
                  groups=c["groups"], bias=c["bias"], padding_mode=c["mode"])
    return (nn.Conv2d(c["cin"], c["cout"], c["k"], **kwargs),
            torch.nn.Conv2d(c["cin"], c["cout"], c["k"], **kwargs))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", random_conv_cases(48, seed=1), ids=lambda c: (
    f"k{c['k']}s{c['stride']}p{c['padding']}d{c['dilation']}g{c['groups']}{c['mode']}"))
def test_conv2d_matches_torch(case, dtype):
    ours, theirs = build_pair(case)
    x = np.random.default_rng(2).standard_normal((case["n"], case["cin"], case["h"], case["w"]))
    y, _ = compare_module(ours, theirs, x, dtype)
    assert y.dtype == dtype


@pytest.mark.parametrize("case", random_conv_cases(6, seed=3), ids=lambda c: f"{c['k']}{c['mode']}")
def test_conv2d_finite_differences(case):
    case = dict(case, n=min(case["n"], 2), h=min(case["h"], 9), w=min(case["w"], 9))
    span = [d * (k - 1) + 1 for d, k in zip(case["dilation"], case["k"])]
    pads = case["padding"] if case["padding"] != "same" else (0, 0)
    if any(s > n + 2 * p for s, n, p in zip(span, (case["h"], case["w"]), pads)):
        case.update(dilation=(1, 1))
    if case["mode"] == "reflect":
        case.update(mode="zeros")
    ours, _ = build_pair(case)
    x = np.random.default_rng(4).standard_normal((case["n"], case["cin"], case["h"], case["w"]))
    check_module_gradients(ours, x)


@pytest.mark.parametrize("stride,padding,dilation", [(1, 0, 1), (2, 1, 1), (3, 2, 2), (1, "same", 3), (2, 3, 1)])
def test_input_grad_is_full_convolution_with_rotated_kernel(stride, padding, dilation):
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((2, 3, 11, 10)), rng.standard_normal((4, 3, 3, 4))
    y, cache = F.conv2d_forward(x, w, None, stride, padding, dilation)
    g = rng.standard_normal(y.shape)
    dx, _, _ = F.conv2d_backward(g, cache)
    np.testing.assert_allclose(F.conv2d_input_grad_full(g, w, x.shape, stride, padding, dilation), dx,
                               rtol=1e-12, atol=1e-12)


def test_functional_conv2d_matches_torch():
    rng = np.random.default_rng(6)
    x, w, b = rng.standard_normal((3, 4, 12, 9)), rng.standard_normal((6, 2, 3, 3)), rng.standard_normal(6)
    ours = F.conv2d(x, w, b, stride=2, padding=1, dilation=1, groups=2)
    theirs = torch.nn.functional.conv2d(*map(torch.tensor, (x, w, b)), stride=2, padding=1, groups=2)
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12)


def test_first_layer_can_skip_input_gradient():
    conv = nn.Conv2d(1, 2, 3)
    conv.needs_input_grad = False
    conv(np.ones((1, 1, 5, 5), np.float32))
    assert conv.backward(np.ones((1, 2, 3, 3), np.float32)) is None
    assert conv.weight.grad.shape == (2, 1, 3, 3)


def test_backend_einsum_equals_matmul():
    cnncore.manual_seed(1)
    conv = nn.Conv2d(3, 5, 3, padding=1).double()
    x = np.random.default_rng(7).standard_normal((2, 3, 8, 8))
    y1 = conv(x)
    previous = cnncore.backend.set_matmul("einsum")
    try:
        y2 = conv(x)
    finally:
        cnncore.backend.set_matmul(previous)
    np.testing.assert_allclose(y1, y2, rtol=1e-12)


@pytest.mark.parametrize("make,x_shape,words", [
    (lambda: nn.Conv2d(1, 2, 7), (1, 1, 5, 5), ["Conv2d", "7", "larger", "5"]),
    (lambda: nn.Conv2d(3, 2, 3), (1, 1, 8, 8), ["expected 3 input channels", "got 1"]),
    (lambda: nn.Conv2d(3, 2, 3), (3, 8, 8), ["4-D", "(3, 8, 8)"]),
])
def test_impossible_input_is_explained(make, x_shape, words):
    with pytest.raises(ShapeError) as info:
        make()(np.zeros(x_shape, np.float32))
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize("kwargs,words", [
    (dict(in_channels=3, out_channels=4, kernel_size=3, groups=2), ["divisible by groups 2"]),
    (dict(in_channels=1, out_channels=4, kernel_size=3, stride=0), ["at least 1"]),
    (dict(in_channels=1, out_channels=4, kernel_size=3, stride=2, padding="same"), ["'same'", "stride 1"]),
    (dict(in_channels=1, out_channels=4, kernel_size=3, padding_mode="mirror"), ["padding_mode"]),
    (dict(in_channels=1, out_channels=4, kernel_size=3, padding=(1, -1)), ["padding must not be negative, got (1, -1)"]),
    (dict(in_channels=1, out_channels=4, kernel_size=3, padding="full"), ["an int, a pair, 'same' or 'valid'"]),
])
def test_impossible_configuration_is_explained(kwargs, words):
    with pytest.raises(ShapeError) as info:
        nn.Conv2d(**kwargs)
    for word in words:
        assert word in str(info.value)


def test_state_dict_loads_into_torch_strict():
    ours = nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.Conv2d(4, 2, 3, bias=False))
    theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.ReLU(), torch.nn.Conv2d(4, 2, 3, bias=False))
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["0.weight", "0.bias", "2.weight"]
    x = np.random.default_rng(8).standard_normal((2, 1, 9, 9))
    compare_module(ours, theirs, x)

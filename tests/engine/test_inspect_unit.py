"""explain_unit: each unit's arithmetic reproduces the layer's output."""
import numpy as np
import pytest
import torch

import cnncore
from cnncore import nn
from cnncore.inspect import capture, explain_unit, input_window, receptive_fields


def conv_cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        groups = int(rng.choice([1, 1, 2]))
        k = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        stride, dilation = (int(rng.integers(1, 4)), int(rng.integers(1, 3))), (int(rng.integers(1, 3)), 1)
        padding = (int(rng.integers(0, 3)), int(rng.integers(0, 3)))
        mode = str(rng.choice(["zeros", "zeros", "reflect", "replicate", "circular"]))
        if rng.random() < 0.2:
            padding, stride = "same", (1, 1)
        cases.append(dict(cin=2 * groups, cout=2 * groups, k=k, stride=stride, padding=padding, dilation=dilation,
                          groups=groups, mode=mode, bias=bool(rng.random() < 0.7)))
    return cases


@pytest.mark.parametrize("case", conv_cases(16, 40), ids=lambda c: f"k{c['k']}s{c['stride']}p{c['padding']}"
                         f"d{c['dilation']}g{c['groups']}{c['mode']}")
def test_conv_unit_equals_the_layer_output(case):
    cnncore.manual_seed(41)
    conv = nn.Conv2d(case["cin"], case["cout"], case["k"], case["stride"], case["padding"], case["dilation"],
                     case["groups"], case["bias"], case["mode"])
    model = nn.Sequential(nn.Conv2d(1, case["cin"], 1), conv, nn.ReLU()).double()
    x = np.random.default_rng(42).standard_normal((2, 1, 9, 10))
    _, acts = capture(model, x)
    rows = receptive_fields(model, x.shape)
    rng = np.random.default_rng(43)
    out = acts["1"]
    for _ in range(6):
        n, o = int(rng.integers(2)), int(rng.integers(out.shape[1]))
        i, j = int(rng.integers(out.shape[2])), int(rng.integers(out.shape[3]))
        e = explain_unit(model, x, "1", o, i, j, sample=n)
        assert e.kind == "conv" and e.position == (i, j) and e.layer_type == "Conv2d"
        np.testing.assert_allclose(e.result, out[n, o, i, j], rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(e.products.sum(), e.total, rtol=1e-12, atol=1e-14)
        assert e.window.shape == e.kernel.shape == (case["cin"] // case["groups"], *case["k"])
        assert e.activation_layer == "2" and e.activation_type == "ReLU"
        np.testing.assert_allclose(e.activation_result, max(out[n, o, i, j], 0), rtol=1e-12, atol=1e-14)
        assert e.receptive_field == input_window(rows, "1", i, j, (9, 10))
        assert e.bias == (None if not case["bias"] else float(conv.bias.data[o]))
        if case["mode"] == "zeros":
            # the window, checked against torch's unfold (im2col), padding zeros included
            pads = case["padding"] if case["padding"] != "same" else "same"
            xin = torch.tensor(acts["0"][n:n + 1])
            if pads == "same":
                from cnncore.shapes import resolve_padding2d
                t, b, l, r = resolve_padding2d("same", case["k"], case["dilation"], (1, 1))
                xin, pads = torch.nn.functional.pad(xin, (l, r, t, b)), 0
            cols = torch.nn.functional.unfold(xin, case["k"], case["dilation"], pads, case["stride"])
            col = cols[0, :, i * out.shape[3] + j].reshape(case["cin"], *case["k"]).numpy()
            np.testing.assert_array_equal(e.window, col[e.input_channels])
            assert np.all(e.window[:, e.padding_mask] == 0)
        rows_in, cols_in = e.input_rows, e.input_cols
        inside = (rows_in >= 0) & (rows_in < 9)
        assert np.array_equal(~e.padding_mask, inside[:, None] & ((cols_in >= 0) & (cols_in < 10))[None, :])


def pool_cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        k = (int(rng.integers(1, 5)), int(rng.integers(1, 5)))
        s = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        d = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
        p = tuple(int(rng.integers(0, kk // 2 + 1)) for kk in k)   # PyTorch: at most half the kernel
        cases.append(dict(k=k, s=s, p=p, d=d, ceil=bool(rng.random() < 0.4), include=bool(rng.random() < 0.5)))
    return cases


@pytest.mark.parametrize("case", pool_cases(14, 50), ids=lambda c: f"k{c['k']}s{c['s']}p{c['p']}d{c['d']}")
def test_max_pool_winner_is_torchs_index(case):
    model = nn.Sequential(nn.MaxPool2d(case["k"], case["s"], case["p"], case["d"], ceil_mode=case["ceil"]))
    x = np.random.default_rng(51).standard_normal((2, 3, 9, 8))
    out, idx = torch.nn.functional.max_pool2d(torch.tensor(x), case["k"], case["s"], case["p"], case["d"],
                                              ceil_mode=case["ceil"], return_indices=True)
    out, idx = out.numpy(), idx.numpy()
    for n in range(2):
        for c, i, j in ((0, 0, 0), (1, out.shape[2] - 1, out.shape[3] - 1), (2, out.shape[2] // 2, 0)):
            e = explain_unit(model, x, "0", c, i, j, sample=n)
            assert e.kind == "max_pool" and e.result == out[n, c, i, j]
            assert e.details["winner_index"] == idx[n, c, i, j]
            assert e.winner == divmod(int(idx[n, c, i, j]), 8)
            assert np.all(e.window[e.padding_mask] == -np.inf)


@pytest.mark.parametrize("case", pool_cases(10, 52), ids=lambda c: f"k{c['k']}s{c['s']}p{c['p']}")
def test_avg_pool_unit_and_divisor_match_torch(case):
    k, s = case["k"], case["s"]
    p = tuple(min(pp, kk // 2) for pp, kk in zip(case["p"], k))
    model = nn.Sequential(nn.AvgPool2d(k, s, p, ceil_mode=case["ceil"], count_include_pad=case["include"]))
    x = np.random.default_rng(53).standard_normal((1, 2, 7, 9))
    out = torch.nn.functional.avg_pool2d(torch.tensor(x), k, s, p, case["ceil"], case["include"]).numpy()
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            e = explain_unit(model, x, "0", 1, i, j)
            assert e.kind == "avg_pool"
            np.testing.assert_allclose(e.result, out[0, 1, i, j], rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(e.total / e.details["divisor"], e.result, rtol=1e-12)


def test_linear_adaptive_pool_batch_norm_and_elementwise_units():
    cnncore.manual_seed(60)
    model = nn.Sequential(nn.Conv2d(2, 3, 3), nn.BatchNorm2d(3), nn.ReLU(), nn.AdaptiveAvgPool2d((2, 3)),
                          nn.Flatten(), nn.Linear(18, 4)).double()
    bn = model[1]
    rng = np.random.default_rng(61)
    bn.running_mean[...] = rng.standard_normal(3)
    bn.running_var[...] = rng.random(3) + 0.5
    bn.weight.data, bn.bias.data = rng.standard_normal(3), rng.standard_normal(3)
    x = rng.standard_normal((2, 2, 9, 10))
    for mode in ("eval", "train"):
        getattr(model, mode)()
        _, acts = capture(model, x)
        e = explain_unit(model, x, "1", 2, 3, 4, sample=1)
        assert e.kind == "batch_norm" and e.activation_layer == "2"
        np.testing.assert_allclose(e.result, acts["1"][1, 2, 3, 4], rtol=1e-10)
    model.eval()
    _, acts = capture(model, x)
    e = explain_unit(model, x, "3", 1, 1, 2)
    assert e.kind == "avg_pool" and e.window.shape == (4, 3)   # rows floor(7/2)..ceil(14/2), cols floor(16/3)..ceil(24/3)
    torch_out = torch.nn.functional.adaptive_avg_pool2d(torch.tensor(acts["2"]), (2, 3)).numpy()
    np.testing.assert_allclose(e.result, torch_out[0, 1, 1, 2], rtol=1e-12)
    e = explain_unit(model, x, "5", 3, sample=1)
    assert e.kind == "linear" and e.position is None and e.window.shape == (18,)
    np.testing.assert_allclose(e.result, acts["5"][1, 3], rtol=1e-12)
    np.testing.assert_allclose(e.products, acts["4"][1] * model[5].weight.data[3], rtol=1e-15)
    assert e.receptive_field == (0, 0, 9, 10) and e.activation_layer is None
    e = explain_unit(model, x, "2", 0, 5, 6)
    assert e.kind == "elementwise" and e.result == max(float(e.window), 0.0)
    with pytest.raises(IndexError):
        explain_unit(model, x, "0", 0, 7, 0)
    with pytest.raises(KeyError):
        explain_unit(model, x, "9", 0, 0, 0)


def test_conv_inside_a_residual_block():
    cnncore.manual_seed(70)
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BasicBlock(2, 3, stride=2)).double().eval()
    x = np.random.default_rng(71).standard_normal((1, 1, 10, 10))
    _, acts = capture(model, x)
    for name in ("1.conv1", "1.conv2", "1.downsample.0"):
        e = explain_unit(model, x, name, 1, 2, 3)
        np.testing.assert_allclose(e.result, acts[name][0, 1, 2, 3], rtol=1e-12, atol=1e-14)
    for m in model.modules():
        assert "forward" not in m.__dict__

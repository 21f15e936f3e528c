"""capture / capture_gradients against a plain forward pass and torch autograd."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

from cnncore import nn
from cnncore.inspect import INPUT, capture, capture_gradients, input_gradient, output_gradient
from tests.helpers import assert_close, copy_weights


def torch_twin(module):
    """The same network in torch.nn, with the same module names (weights not copied)."""
    kind = type(module).__name__
    if kind == "Sequential":
        return torch.nn.Sequential(OrderedDict((n, torch_twin(m)) for n, m in module.named_children()))
    if kind == "Conv2d":
        return torch.nn.Conv2d(module.in_channels, module.out_channels, module.kernel_size, module.stride,
                               module.padding, module.dilation, module.groups, module.bias is not None,
                               module.padding_mode)
    if kind == "Linear":
        return torch.nn.Linear(module.in_features, module.out_features, module.bias is not None)
    if kind == "MaxPool2d":
        return torch.nn.MaxPool2d(module.kernel_size, module.stride, module.padding, module.dilation,
                                  ceil_mode=module.ceil_mode)
    if kind == "AvgPool2d":
        return torch.nn.AvgPool2d(module.kernel_size, module.stride, module.padding, module.ceil_mode,
                                  module.count_include_pad, module.divisor_override)
    if kind == "AdaptiveAvgPool2d":
        return torch.nn.AdaptiveAvgPool2d(module.output_size)
    if kind == "BatchNorm2d":
        return torch.nn.BatchNorm2d(module.num_features, module.eps, module.momentum, module.affine,
                                    module.track_running_stats)
    if kind == "BasicBlock":
        return TorchBasicBlock(module)
    if kind in ("ReLU", "Flatten", "Identity"):
        return getattr(torch.nn, kind)()
    raise NotImplementedError(kind)


class TorchBasicBlock(torch.nn.Module):
    """torchvision's BasicBlock, with out-of-place ReLUs (so every output keeps its gradient)."""

    def __init__(self, ours):
        super().__init__()
        for name, child in ours.named_children():
            setattr(self, name, torch_twin(child))
        if "downsample" not in ours._modules:
            self.downsample = None

    def forward(self, x):
        out = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(out + (x if self.downsample is None else self.downsample(x)))


def twin_pair(model, dtype):
    theirs = torch_twin(model)
    model.to(dtype)
    theirs.to(torch.float64 if dtype == np.float64 else torch.float32)
    copy_weights(model, theirs)
    return theirs


def torch_capture(theirs, x, seed_grad=None):
    """Every module's output in torch, with ``retain_grad`` so backward fills ``.grad``."""
    outputs = OrderedDict()
    hooks = []
    for name, m in theirs.named_modules():
        if name:
            def hook(mod, inp, out, name=name):
                if out.requires_grad:
                    out.retain_grad()
                outputs[name] = out
            hooks.append(m.register_forward_hook(hook))
    xt = torch.tensor(x, requires_grad=True)
    try:
        y = theirs(xt)
    finally:
        for h in hooks:
            h.remove()
    if seed_grad is not None:
        y.backward(torch.from_numpy(seed_grad))
    return y, xt, outputs


def small_net(seed=0):
    nn_seed = np.random.default_rng(seed)
    import cnncore
    cnncore.manual_seed(int(nn_seed.integers(1 << 30)))
    features = nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 5, 3, stride=2, padding=1, dilation=1), nn.ReLU(),
    )
    classifier = nn.Sequential(nn.Flatten(), nn.Linear(5 * 3 * 3, 6), nn.ReLU(), nn.Linear(6, 4))
    return nn.Sequential(OrderedDict(features=features, classifier=classifier))


def test_capture_names_shapes_and_plain_forward():
    model = small_net().double()
    x = np.random.default_rng(1).standard_normal((3, 2, 11, 11))
    out, acts = capture(model, x)
    np.testing.assert_array_equal(out, model(x))
    names = [n for n, _ in model.named_modules() if n]
    assert sorted(acts) == sorted(names)
    # completion order: a container comes right after its last layer
    assert list(acts)[:5] == ["features.0", "features.1", "features.2", "features.3", "features.4"]
    assert list(acts)[5] == "features"
    np.testing.assert_array_equal(acts["classifier.3"], out)
    np.testing.assert_array_equal(acts["features"], acts["features.4"])
    shape = x.shape
    for i, layer in enumerate(model.features):
        shape = layer.output_shape(shape)
        assert acts[f"features.{i}"].shape == shape


def test_capture_matches_torch_module_outputs():
    model = small_net(2)
    theirs = twin_pair(model, np.float64)
    x = np.random.default_rng(3).standard_normal((2, 2, 11, 11))
    _, acts = capture(model, x)
    _, _, expected = torch_capture(theirs, x)
    assert list(expected) == [n for n in acts if n in expected] and set(expected) == set(acts)
    for name, t in expected.items():
        assert_close(acts[name], t, np.float64, name)


def test_capture_leaves_the_model_unchanged_even_on_error():
    model = small_net()
    before = {id(m): dict(m.__dict__) for m in model.modules()}
    with pytest.raises(ValueError):
        capture(model, np.zeros((1, 3, 11, 11), np.float32))  # wrong channel count
    for m in model.modules():
        assert "forward" not in m.__dict__ and "backward" not in m.__dict__
        assert set(m.__dict__) >= set(before[id(m)]) - {"_cache", "_x", "_y"}


def test_activations_are_copies():
    class AddInPlace(nn.Module):  # a residual-style `out += x` after a recorded layer
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 1, 1)

        def forward(self, x):
            out = self.conv(x)
            out += x
            return out

    model = AddInPlace().double()
    x = np.ones((1, 1, 3, 3))
    _, acts = capture(model, x)
    np.testing.assert_allclose(acts["conv"], model.conv(x))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("target,loss", [(None, None), ("pred", None), (2, None), ([1, 3], None),
                                         ([0, 3], "cross_entropy"), (1, "cross_entropy")])
def test_capture_gradients_match_torch(target, loss, dtype):
    model = small_net(4)
    theirs = twin_pair(model, dtype)
    x = np.random.default_rng(5).standard_normal((2, 2, 11, 11)).astype(dtype)
    for p in model.parameters():
        p.grad = None
    out, grads = capture_gradients(model, x, target, loss)
    # torch's own starting gradient for the same quantity
    yt = theirs(torch.tensor(x))
    t = yt.detach().numpy().argmax(1) if target in (None, "pred") else np.broadcast_to(target, (2,))
    if loss is None:
        seed = torch.nn.functional.one_hot(torch.tensor(t), 4).to(yt.dtype)
    else:
        z = yt.detach().clone().requires_grad_(True)
        torch.nn.functional.cross_entropy(z, torch.tensor(t)).backward()
        seed = z.grad
    _, xt, outputs = torch_capture(theirs, x, seed.numpy())
    assert_close(out, yt, dtype, "output")
    assert list(grads)[0] == INPUT
    assert_close(grads[INPUT], xt.grad, dtype, "input gradient")
    assert set(grads) == {INPUT} | set(outputs)
    for name, t_out in outputs.items():
        assert_close(grads[name], t_out.grad, dtype, f"gradient at {name}")
    # the model's parameter gradients are as they were (None), flags restored
    assert all(p.grad is None for p in model.parameters())


def test_capture_gradients_restores_existing_grads_and_flags():
    model = small_net(6).double()
    model.features[0].needs_input_grad = False
    x = np.random.default_rng(7).standard_normal((1, 2, 11, 11))
    model.zero_grad()
    model(x)
    model.backward(np.ones((1, 4)))
    saved = {n: p.grad.copy() for n, p in model.named_parameters()}
    _, grads = capture_gradients(model, x)
    assert grads[INPUT] is not None and grads[INPUT].shape == x.shape
    assert model.features[0].needs_input_grad is False
    for n, p in model.named_parameters():
        np.testing.assert_array_equal(p.grad, saved[n])
    for m in model.modules():
        assert "forward" not in m.__dict__ and "backward" not in m.__dict__


def test_output_gradient_finite_differences():
    rng = np.random.default_rng(8)
    z = rng.standard_normal((3, 5))
    t = np.array([4, 0, 2])

    def ce():
        zz = z - z.max(1, keepdims=True)
        return float(-(zz[np.arange(3), t] - np.log(np.exp(zz).sum(1))).mean())

    g, targets = output_gradient(z, t, "cross_entropy")
    np.testing.assert_array_equal(targets, t)
    from tests.helpers import numeric_grad
    np.testing.assert_allclose(g, numeric_grad(ce, z), rtol=1e-6, atol=1e-9)
    g, targets = output_gradient(z)
    np.testing.assert_array_equal(targets, z.argmax(1))
    np.testing.assert_array_equal(g, np.eye(5)[z.argmax(1)])
    with pytest.raises(ValueError):
        output_gradient(z, 5)
    with pytest.raises(ValueError):
        output_gradient(z[None])


def test_input_gradient_equals_capture_gradients_input():
    model = small_net(9).double()
    x = np.random.default_rng(10).standard_normal((2, 2, 11, 11))
    out, dx, t = input_gradient(model, x, 3)
    _, grads = capture_gradients(model, x, 3)
    np.testing.assert_array_equal(t, [3, 3])
    np.testing.assert_allclose(dx, grads[INPUT], rtol=1e-12, atol=0)


@pytest.mark.parametrize("train", [False, True])
def test_capture_gradients_through_residual_blocks_match_torch(train):
    import cnncore
    cnncore.manual_seed(11)
    model = nn.Sequential(OrderedDict(
        stem=nn.Conv2d(2, 3, 3, padding=1), block1=nn.BasicBlock(3, 3), block2=nn.BasicBlock(3, 4, stride=2),
        pool=nn.AdaptiveAvgPool2d(1), flatten=nn.Flatten(), fc=nn.Linear(4, 5)))
    rng = np.random.default_rng(12)
    for name, buf in model.named_buffers():
        if name.endswith("running_var"):
            buf[...] = rng.random(buf.shape) + 0.5
        elif name.endswith("running_mean"):
            buf[...] = rng.standard_normal(buf.shape)
    theirs = twin_pair(model, np.float64)
    model.train(train)
    theirs.train(train)
    x = rng.standard_normal((3, 2, 8, 8))
    out, grads = capture_gradients(model, x, [0, 4, 2], "cross_entropy")
    yt = theirs(torch.tensor(x)).detach().clone().requires_grad_(True)
    torch.nn.functional.cross_entropy(yt, torch.tensor([0, 4, 2])).backward()
    _, xt, outputs = torch_capture(theirs, x, yt.grad.numpy())
    assert {"block1.conv1", "block1.bn2", "block2.downsample.0", "block2"} <= set(grads)
    assert set(grads) == {INPUT} | set(outputs)
    assert_close(grads[INPUT], xt.grad, np.float64, "input gradient")
    for name, t_out in outputs.items():
        assert_close(grads[name], t_out.grad, np.float64, f"gradient at {name}")

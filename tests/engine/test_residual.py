"""BasicBlock and Bottleneck against handwritten twins of torchvision's blocks (torchvision is not
installed), by finite differences, and the gradient split at the addition."""
import numpy as np
import pytest
import torch
from torch import nn as tnn

import cnncore
from cnncore import nn
from cnncore.nn.init import meta
from tests.helpers import check_module_gradients, compare_module


# -- torchvision's blocks, copied by hand from torchvision/models/resnet.py ---------------
def conv3x3(in_planes, out_planes, stride=1):
    return tnn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(in_planes, out_planes, stride=1):
    return tnn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


def projection(inplanes, out, stride, shortcut):
    if shortcut and (stride != 1 or inplanes != out):
        return tnn.Sequential(conv1x1(inplanes, out, stride), tnn.BatchNorm2d(out))
    return None


class TorchBasicBlock(tnn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, shortcut=True):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.relu = tnn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.downsample = projection(inplanes, planes, stride, shortcut)
        self.shortcut = shortcut

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        if self.shortcut:
            out = out + identity
        return self.relu(out)


class TorchBottleneck(tnn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, shortcut=True):
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = tnn.BatchNorm2d(planes * self.expansion)
        self.relu = tnn.ReLU(inplace=True)
        self.downsample = projection(inplanes, planes * self.expansion, stride, shortcut)
        self.shortcut = shortcut

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        if self.shortcut:
            out = out + identity
        return self.relu(out)


TWINS = {"BasicBlock": TorchBasicBlock, "Bottleneck": TorchBottleneck}


def randomize_batchnorms(model, rng):
    """Non-trivial gamma, beta and running statistics in every BatchNorm (defaults hide mistakes)."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            dtype = m.weight.data.dtype
            m.weight.data = rng.uniform(0.5, 1.5, m.num_features).astype(dtype)
            m.bias.data = (0.3 * rng.standard_normal(m.num_features)).astype(dtype)
            m.running_mean = (0.2 * rng.standard_normal(m.num_features)).astype(dtype)
            m.running_var = rng.uniform(0.5, 2, m.num_features).astype(dtype)
    return model


# (block, inplanes, planes, stride): identity and projection shortcuts, by stride and by channels
CASES = [("BasicBlock", 4, 4, 1), ("BasicBlock", 4, 6, 1), ("BasicBlock", 3, 5, 2),
         ("Bottleneck", 8, 2, 1), ("Bottleneck", 4, 2, 1), ("Bottleneck", 8, 2, 2)]


def _ids(case):
    return f"{case[0]}{case[1]}-{case[2]}s{case[3]}"


@pytest.mark.parametrize("training,dtype", [(True, np.float64), (False, np.float64), (True, np.float32)],
                         ids=["train-float64", "eval-float64", "train-float32"])
@pytest.mark.parametrize("shortcut", [True, False], ids=["residual", "plain"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_block_matches_torchvision_twin(case, shortcut, training, dtype):
    kind, inplanes, planes, stride = case
    rng = np.random.default_rng([inplanes, planes, stride, shortcut])
    ours = randomize_batchnorms(getattr(nn, kind)(inplanes, planes, stride, shortcut=shortcut), rng)
    theirs = TWINS[kind](inplanes, planes, stride, shortcut)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.train(training)
    theirs.train(training)
    x = rng.standard_normal((3, inplanes, 7, 6))
    y, _ = compare_module(ours, theirs, x, dtype)
    assert y.shape == ours.output_shape(x.shape) == tuple(theirs(torch.tensor(x.astype(dtype))).shape)
    assert y.dtype == dtype


@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("case,shortcut", [(("BasicBlock", 2, 2, 1), True), (("BasicBlock", 2, 3, 2), True),
                                           (("Bottleneck", 3, 1, 2), True), (("Bottleneck", 4, 1, 1), True),
                                           (("BasicBlock", 2, 3, 2), False)], ids=lambda c: str(c))
def test_block_finite_differences(case, shortcut, training):
    kind, inplanes, planes, stride = case
    rng = np.random.default_rng(11)
    block = randomize_batchnorms(getattr(nn, kind)(inplanes, planes, stride, shortcut=shortcut).double(), rng)
    block.train(training)
    check_module_gradients(block, rng.standard_normal((2, inplanes, 5, 5)), rtol=1e-5, atol=1e-7)


def test_state_dict_keys_are_torchvisions():
    assert list(nn.BasicBlock(4, 4).state_dict()) == [
        f"{layer}.{p}" for layer in ("conv1", "bn1", "conv2", "bn2") for p in (
            ("weight",) if layer.startswith("conv") else
            ("weight", "bias", "running_mean", "running_var", "num_batches_tracked"))]
    keys = list(nn.Bottleneck(4, 2, stride=2).state_dict())
    assert keys[-6:] == ["downsample.0.weight", "downsample.1.weight", "downsample.1.bias",
                         "downsample.1.running_mean", "downsample.1.running_var",
                         "downsample.1.num_batches_tracked"]


def test_shortcut_kinds():
    assert nn.BasicBlock(8, 8).downsample is None                      # identity ("solid")
    assert nn.BasicBlock(8, 16, stride=2).downsample is not None         # projection ("dashed")
    assert nn.Bottleneck(64, 16).downsample is None                      # 64 == 16 * 4
    assert nn.Bottleneck(64, 64).downsample is not None
    plain = nn.BasicBlock(8, 16, stride=2, shortcut=False)
    assert plain.downsample is None and plain.shortcut is False
    assert nn.BasicBlock.expansion == 1 and nn.Bottleneck.expansion == 4


def test_gradient_splits_at_the_addition_and_adds_at_the_input():
    rng = np.random.default_rng(12)
    for block in (nn.BasicBlock(3, 3).double(), nn.BasicBlock(3, 5, stride=2).double()):
        x = rng.standard_normal((2, 3, 6, 6))
        y = block(x)
        dx = block.backward(rng.standard_normal(y.shape))
        np.testing.assert_allclose(dx, block.grad_main + block.grad_shortcut, rtol=1e-12)
    # With an identity shortcut, the input gets at least the (ReLU-masked) upstream gradient itself.
    block = nn.BasicBlock(3, 3).double()
    y = block(x)
    g = rng.standard_normal(y.shape)
    block.backward(g)
    np.testing.assert_array_equal(block.grad_shortcut, g * (y > 0))
    plain = nn.BasicBlock(3, 3, shortcut=False).double()
    plain(x)
    np.testing.assert_array_equal(plain.backward(g), plain.grad_main)
    assert plain.grad_shortcut is None


def test_residual_block_passes_gradient_where_a_plain_one_blocks_it():
    """Zero the last BN's gamma: the plain block's input gradient vanishes, the residual one's does not."""
    rng = np.random.default_rng(13)
    x = rng.standard_normal((2, 4, 5, 5))
    grads = {}
    for shortcut in (True, False):
        cnncore.manual_seed(0)
        block = nn.BasicBlock(4, 4, shortcut=shortcut).double()
        block.bn2.weight.data[:] = 0
        block.bn2.bias.data[:] = 1  # keep the output ReLU open
        y = block(x)
        grads[shortcut] = block.backward(np.ones_like(y))
    assert np.abs(grads[False]).max() == 0
    assert np.abs(grads[True]).max() > 0.5


def test_torchvision_initialisation():
    cnncore.manual_seed(3)
    block = nn.Bottleneck(64, 64, stride=2)
    for conv in (block.conv2, block.conv3, block.downsample[0]):
        o, _, kh, kw = conv.weight.shape
        std = conv.weight.data.std()
        assert abs(std / np.sqrt(2 / (o * kh * kw)) - 1) < 0.1   # kaiming normal, mode fan_out
        assert abs(conv.weight.data.mean()) < 0.2 * std
        assert conv.bias is None
    for bn in (block.bn1, block.bn3, block.downsample[1]):
        np.testing.assert_array_equal(bn.weight.data, 1)
        np.testing.assert_array_equal(bn.bias.data, 0)
    assert block.conv1.weight.data.dtype == np.float32


def test_output_shape_and_meta():
    assert nn.BasicBlock(3, 8, stride=2).output_shape((5, 3, 9, 8)) == (5, 8, 5, 4)
    assert nn.Bottleneck(3, 8, stride=2).output_shape((5, 3, 9, 8)) == (5, 32, 5, 4)
    with meta():
        big = nn.Bottleneck(2048, 512)
    assert big.conv2.weight.data.strides == (0, 0, 0, 0)
    assert big.output_shape((1, 2048, 7, 7)) == (1, 2048, 7, 7)


def test_wrong_channels_are_explained():
    with pytest.raises(cnncore.ShapeError, match="expected 4 input channels, got 3"):
        nn.BasicBlock(4, 4)(np.zeros((1, 3, 5, 5), np.float32))


def test_repr_mentions_plain_blocks():
    assert "shortcut=False" in repr(nn.BasicBlock(2, 2, shortcut=False))
    assert "shortcut=False" not in repr(nn.BasicBlock(2, 2))

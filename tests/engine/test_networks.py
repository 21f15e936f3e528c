"""Whole networks against PyTorch: LeNet and a small ResNet, built twice (cnncore and torch),
weights copied through the state_dict (strict), then the loss, every gradient and the running
statistics compared, in train and eval mode, in float64 and float32."""
from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn as tnn

import cnncore
from cnncore import io as cio
from cnncore import nn
from tests.engine.test_residual import TorchBasicBlock, TorchBottleneck, randomize_batchnorms
from tests.helpers import assert_close, copy_weights


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),    # (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),               # (N, 16, 5, 5)
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def torch_lenet():
    return tnn.Sequential(
        tnn.Conv2d(1, 6, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(6, 16, 5), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Flatten(), tnn.Linear(400, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(), tnn.Linear(84, 10))


def small_resnet():
    """Stem, two basic blocks (identity, then strided with projection), a bottleneck, head."""
    return nn.Sequential(OrderedDict(
        conv1=nn.Conv2d(1, 8, 3, padding=1, bias=False), bn1=nn.BatchNorm2d(8), relu=nn.ReLU(),
        layer1=nn.Sequential(nn.BasicBlock(8, 8), nn.BasicBlock(8, 16, stride=2)),
        layer2=nn.Sequential(nn.Bottleneck(16, 4), nn.Bottleneck(16, 4, stride=2)),
        avgpool=nn.AdaptiveAvgPool2d(1), flatten=nn.Flatten(), fc=nn.Linear(16, 10)))


def torch_small_resnet():
    return tnn.Sequential(OrderedDict(
        conv1=tnn.Conv2d(1, 8, 3, padding=1, bias=False), bn1=tnn.BatchNorm2d(8), relu=tnn.ReLU(),
        layer1=tnn.Sequential(TorchBasicBlock(8, 8), TorchBasicBlock(8, 16, stride=2)),
        layer2=tnn.Sequential(TorchBottleneck(16, 4), TorchBottleneck(16, 4, stride=2)),
        avgpool=tnn.AdaptiveAvgPool2d(1), flatten=tnn.Flatten(), fc=tnn.Linear(16, 10)))


NETWORKS = {"lenet": (lenet, torch_lenet, (4, 1, 28, 28)),
            "resnet": (small_resnet, torch_small_resnet, (4, 1, 11, 11))}


def step_and_compare(ours, theirs, x, labels, dtype, what):
    """One forward and backward pass through the cross-entropy loss in both; compare everything."""
    criterion, tcriterion = nn.CrossEntropyLoss(), tnn.CrossEntropyLoss()
    logits = ours(x)
    loss = criterion(logits, labels)
    ours.zero_grad()
    dx = ours.backward(criterion.backward())
    xt = torch.tensor(x, requires_grad=True)
    theirs.zero_grad()
    tlogits = theirs(xt)
    tloss = tcriterion(tlogits, torch.from_numpy(labels))
    tloss.backward()
    assert_close(logits, tlogits, dtype, f"{what}: logits")
    assert_close(np.asarray(loss), tloss, dtype, f"{what}: loss")
    assert_close(dx, xt.grad, dtype, f"{what}: input gradient")
    tparams = dict(theirs.named_parameters())
    names = [name for name, _ in ours.named_parameters()]
    assert names == list(tparams)
    for name, p in ours.named_parameters():
        assert_close(p.grad, tparams[name].grad, dtype, f"{what}: gradient of {name}")
    tstate = theirs.state_dict()
    for key, value in ours.state_dict().items():
        assert_close(value, tstate[key], dtype, f"{what}: {key}")
    return logits


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_network_matches_torch_in_train_and_eval_mode(name, dtype):
    make, make_torch, shape = NETWORKS[name]
    cnncore.manual_seed(0)
    rng = np.random.default_rng(1)
    ours = randomize_batchnorms(make(), rng).to(dtype)
    theirs = make_torch().to(torch.float64 if dtype == np.float64 else torch.float32)
    copy_weights(ours, theirs)                     # strict: every key and shape matches torch
    for step in range(2):                           # running statistics move in train mode ...
        x = rng.standard_normal(shape).astype(dtype)
        labels = rng.integers(0, 10, shape[0])
        step_and_compare(ours.train(), theirs.train(), x, labels, dtype, f"{name} train step {step}")
    x = rng.standard_normal(shape).astype(dtype)  # ... and are used in eval mode
    logits = step_and_compare(ours.eval(), theirs.eval(), x, rng.integers(0, 10, shape[0]), dtype, f"{name} eval")
    assert logits.dtype == dtype and logits.shape == (shape[0], 10) == ours.output_shape(shape)


@pytest.mark.parametrize("name", sorted(NETWORKS))
def test_network_save_load_reproduces_outputs_exactly(name):
    make, _, shape = NETWORKS[name]
    rng = np.random.default_rng(2)
    model = make()
    model(rng.standard_normal(shape).astype(np.float32))   # move the running statistics
    model.eval()
    loaded = cio.load(cio.save(model))
    x = rng.standard_normal(shape).astype(np.float32)
    np.testing.assert_array_equal(loaded(x), model(x))
    assert repr(loaded) == repr(model)


def test_torch_twin_keys_are_torchvisions_resnet_keys():
    keys = list(small_resnet().state_dict())
    assert "layer1.1.downsample.0.weight" in keys and "layer1.0.downsample.0.weight" not in keys
    assert "layer2.1.downsample.1.running_var" in keys and "layer2.0.conv3.weight" in keys
    assert keys == list(torch_small_resnet().state_dict())

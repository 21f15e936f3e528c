"""Saliency maps and class probabilities against torch."""
import numpy as np
import pytest
import torch

from cnncore.inspect import class_probabilities, saliency
from tests.engine.test_inspect_activations import small_net, twin_pair
from tests.helpers import assert_close


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("target", [None, 0, 3])
def test_saliency_matches_torch_input_gradient(target, dtype):
    model = small_net(20)
    theirs = twin_pair(model, dtype)
    x = np.random.default_rng(21).standard_normal((2, 11, 11)).astype(dtype)
    result = saliency(model, x, target)
    xt = torch.tensor(x[None], requires_grad=True)
    logits = theirs(xt)
    t = int(logits.argmax()) if target is None else target
    logits[0, t].backward()
    assert result["target"] == t and isinstance(result["target"], int)
    assert_close(result["gradient"], xt.grad[0], dtype, "gradient")
    assert_close(result["map"], xt.grad[0].abs().amax(0), dtype, "map")
    assert result["map"].shape == (11, 11)
    assert_close(result["logits"], logits[0], dtype, "logits")
    assert_close(result["probabilities"], torch.softmax(logits[0], 0), dtype, "probabilities")
    assert all(p.grad is None for p in model.parameters())


def test_saliency_batch_is_per_image():
    model = small_net(22).double()
    x = np.random.default_rng(23).standard_normal((3, 2, 11, 11))
    batch = saliency(model, x, [1, 2, 0])
    assert batch["map"].shape == (3, 11, 11) and batch["probabilities"].shape == (3, 4)
    for n, t in enumerate([1, 2, 0]):
        one = saliency(model, x[n], t)
        np.testing.assert_allclose(batch["gradient"][n], one["gradient"], rtol=1e-12, atol=1e-15)


def test_class_probabilities_are_a_stable_softmax():
    model = small_net(24).double()
    x = np.random.default_rng(25).standard_normal((4, 2, 11, 11))
    probabilities, logits = class_probabilities(model, x)
    assert_close(probabilities, torch.softmax(torch.tensor(logits), 1), np.float64, "softmax")
    np.testing.assert_allclose(probabilities.sum(1), 1, rtol=1e-12)
    single, single_logits = class_probabilities(model, x[0])
    np.testing.assert_allclose(single, probabilities[0], rtol=1e-12)
    # huge logits: exp would overflow without subtracting the max
    model.classifier[3].bias.data = model.classifier[3].bias.data + np.array([1000.0, 0, -1000.0, 999.0])
    probabilities, logits = class_probabilities(model, x)
    assert np.all(np.isfinite(probabilities))
    assert_close(probabilities, torch.softmax(torch.tensor(logits), 1), np.float64, "softmax of large logits")

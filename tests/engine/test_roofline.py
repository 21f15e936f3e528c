"""The roofline: MACs and bytes equal a count from tensors the engine computed; ridge-point classification."""
import math

import numpy as np
import pytest

import cnncore
from cnncore import models, nn
from cnncore.inspect import Machine, attainable, bound, capture, measure_machine, ridge_point, roofline
from cnncore.nn.init import meta


def counted_from_a_run(model, x, itemsize):
    """(name, MACs, bytes) per layer from the arrays of a real forward pass and the weights' shapes."""
    _, acts = capture(model.eval(), x)
    modules = dict(model.named_modules())
    previous, out = x, []
    for name, y in acts.items():
        m = modules[name]
        if m._modules:                                          # a container: its layers are counted
            continue
        weights = sum(p.size for p in m.parameters())
        if isinstance(m, nn.Conv2d):
            macs = y.size * int(np.prod(m.weight.shape[1:]))           # each output: C_in/g * kh * kw products
        elif isinstance(m, nn.Linear):
            macs = y.shape[0] * m.weight.size
        elif isinstance(m, nn.AvgPool2d):
            macs = y.size * int(np.prod(np.broadcast_to(m.kernel_size, 2)))
        elif isinstance(m, (nn.AdaptiveAvgPool2d, nn.BatchNorm2d)):
            macs = previous.size
        else:
            macs = 0
        out.append((name, macs, (previous.size + weights + y.size) * itemsize))
        previous = y
    return out


@pytest.mark.parametrize("make, shape", [(models.lenet5_1998, (2, 1, 32, 32)), (models.nin, (1, 3, 224, 224)),
                                         (models.nin_small, (3, 1, 28, 28)), (models.tiny_vgg, (2, 1, 28, 28))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_macs_and_bytes_equal_a_count_from_the_engines_tensors(make, shape, dtype):
    cnncore.manual_seed(0)
    model = make().to(dtype)
    x = np.random.default_rng(0).random(shape).astype(dtype)
    expected = counted_from_a_run(model, x, np.dtype(dtype).itemsize)
    layers = roofline(model, shape, dtype)
    assert [(l.name, l.macs, l.bytes) for l in layers] == expected
    for l in layers:
        assert l.flops == 2 * l.macs
        assert math.isclose(l.intensity, l.flops / l.bytes)


def test_a_fully_connected_layer_at_batch_1_does_half_a_flop_per_byte_and_1x1_convolutions_many():
    with meta():
        alexnet, nin = models.alexnet(), models.nin()
    fc = [l for l in roofline(alexnet, (3, 224, 224)) if l.kind == "Linear"]
    assert len(fc) == 3 and all(0.49 < l.intensity <= 0.5 for l in fc)
    # batch 64: each weight is fetched once and used 64 times
    fc64 = [l for l in roofline(alexnet, (64, 3, 224, 224)) if l.kind == "Linear"]
    assert all(l.intensity > 20 * f.intensity for l, f in zip(fc64, fc))
    one_by_one = [l for l in roofline(nin, (3, 224, 224)) if l.detail.startswith("1x1")]
    assert len(one_by_one) == 8 and min(l.intensity for l in one_by_one) > 20 * max(l.intensity for l in fc)


def test_ridge_point_classification_is_consistent():
    machine = Machine(peak_flops=4e10, bandwidth=5e9)
    assert machine.ridge == ridge_point(4e10, 5e9) == 8.0
    with meta():
        layers = roofline(models.vgg16(), (3, 224, 224))
    kinds = set()
    for l in layers:
        kind = bound(l.intensity, machine)
        kinds.add(kind)
        roof = float(attainable(l.intensity, machine.peak_flops, machine.bandwidth))
        assert (kind == "compute") == (l.intensity >= 8.0) == (roof == machine.peak_flops)
        assert roof <= machine.peak_flops and roof <= l.intensity * machine.bandwidth + 1e-6
    assert kinds == {"compute", "memory"}                   # VGG's convolutions vs its ReLUs and FC layers
    assert bound(8.0, machine) == "compute" and bound(np.nextafter(8.0, 0), machine) == "memory"
    # a faster processor with the same memory moves the ridge right: fewer layers are compute-bound
    faster = Machine(peak_flops=4e12, bandwidth=5e9)
    assert sum(bound(l.intensity, faster) == "compute" for l in layers) < \
        sum(bound(l.intensity, machine) == "compute" for l in layers)


@pytest.mark.parametrize("budget", [0.05, 0.5])
def test_measure_machine_returns_a_consistent_machine(budget):
    m = measure_machine(budget=budget, repeats=3)
    assert m.peak_flops > 0 and m.bandwidth > 0 and math.isfinite(m.ridge)
    assert math.isclose(m.ridge, m.peak_flops / m.bandwidth)
    assert m.gemm_size in (64, 128, 256, 512, 1024) and m.copy_bytes == 32 << 20
    assert 1 <= m.repeats <= 3 and m.matmul == cnncore.backend.get_matmul()


def test_attention_and_bilinear_pooling_on_the_roofline():
    """Their MACs: attention 2 C H W (score + weighted sum), bilinear C C H W, per example."""
    model = nn.Sequential(nn.Conv2d(3, 4, 1), nn.Concat({"attn": nn.AttentionPool2d(4), "bil": nn.BilinearPool2d()}))
    layers = {l.name: l for l in roofline(model, (2, 3, 5, 6))}
    assert layers["1.attn"].macs == 2 * 2 * 4 * 5 * 6 and layers["1.attn"].weight_bytes == 5 * 4
    assert layers["1.bil"].macs == 2 * 4 * 4 * 5 * 6 and layers["1.bil"].output_bytes == 2 * 16 * 4
    assert model(np.zeros((2, 3, 5, 6), np.float32)).shape == (2, 4 + 16)

"""Receptive fields: the recurrence, published numbers, and the gradient's support."""
import numpy as np
import pytest
import torch

import cnncore
from cnncore import nn
from cnncore.errors import ShapeError
from cnncore.inspect import effective_receptive_field, input_window, receptive_fields
from cnncore.nn.init import meta


def by_name(rows):
    return {r.name: r for r in rows}


def vgg16_features():
    """VGG-16's 13 convolutions (3x3, pad 1) and 5 max-pools (2x2), one channel wide."""
    layers = []
    for block in (2, 2, 3, 3, 3):
        layers += [m for _ in range(block) for m in (nn.Conv2d(1, 1, 3, padding=1), nn.ReLU())]
        layers.append(nn.MaxPool2d(2, 2))
    return nn.Sequential(*layers)


def test_vgg16_published_receptive_fields():
    with meta():
        model = vgg16_features()
    rows = receptive_fields(model, (1, 1, 224, 224))
    convs = [r for r in rows if r.type == "Conv2d"]
    pools = [r for r in rows if r.type == "MaxPool2d"]
    assert len(convs) == 13 and len(pools) == 5
    assert convs[-1].r == (196, 196)          # conv5_3 (Simonyan & Zisserman; Araujo et al. 2019)
    assert pools[-1].r == (212, 212)          # pool5
    assert pools[-1].j == (32, 32) and pools[-1].output_size == (7, 7)
    assert convs[0].r == (3, 3) and convs[1].r == (5, 5) and pools[0].r == (6, 6)


def test_alexnet_published_receptive_field():
    with meta():
        model = nn.Sequential(
            nn.Conv2d(3, 1, 11, stride=4, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(1, 1, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(1, 1, 3, padding=1), nn.ReLU(), nn.Conv2d(1, 1, 3, padding=1), nn.ReLU(),
            nn.Conv2d(1, 1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.AdaptiveAvgPool2d(6), nn.Flatten(), nn.Linear(36, 10))
    rows = by_name(receptive_fields(model, (3, 224, 224)))
    assert rows["12"].r == (195, 195) and rows["12"].output_size == (6, 6)   # pool5
    assert rows["13"].r == (195, 195) and rows["13"].j == rows["12"].j      # adaptive 6 -> 6 is the identity
    assert rows["14"].whole_input and rows["15"].whole_input and rows["15"].j is None


def random_stack(rng, depth):
    """Random convolutions and poolings with their (k, s, p, d) for the closed form."""
    layers, spec = [], []
    for _ in range(depth):
        k, s, d = int(rng.integers(1, 5)), int(rng.integers(1, 4)), int(rng.integers(1, 3))
        if rng.random() < 0.3:
            k = max(k, 2)
            p = int(rng.integers(0, k // 2 + 1))
            layers.append(nn.AvgPool2d(k, s, padding=p))
            d = 1
        else:
            p = int(rng.integers(0, 3))
            layers.append(nn.Conv2d(1, 1, (k, k), stride=s, padding=p, dilation=d))
        spec.append((k, s, p, d))
        if rng.random() < 0.5:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers), spec


@pytest.mark.parametrize("seed", range(20))
def test_recurrence_equals_closed_form(seed):
    rng = np.random.default_rng(seed)
    model, spec = random_stack(rng, int(rng.integers(1, 6)))
    try:
        rows = receptive_fields(model, (1, 1, 64, 64))
    except ShapeError:
        pytest.skip("the random stack shrinks the input away")
    windows = [r for r in rows if r.kernel is not None]
    # r = 1 + sum_l (d_l (k_l - 1)) prod_{m<l} s_m ; top of unit 0 = -sum_l p_l prod_{m<l} s_m
    jump, r, top = 1, 1, 0
    for row, (k, s, p, d) in zip(windows, spec):
        r, top, jump = r + d * (k - 1) * jump, top - p * jump, jump * s
        assert row.r == (r, r) and row.j == (jump, jump)
        assert row.start[0] - (r - 1) / 2 == top
        assert input_window(rows, row.name, 0, 0, (64, 64), clip=False)[:2] == (top, top)


def positive_model(model):
    for p in model.parameters():
        p.data = np.abs(p.data) + 0.1
    return model.double()


@pytest.mark.parametrize("seed", range(12))
def test_erf_support_is_the_theoretical_window(seed):
    """Positive weights and inputs (no cancellation): |d unit/dx| > 0 exactly on the window."""
    rng = np.random.default_rng(100 + seed)
    cnncore.manual_seed(seed)
    model, spec = random_stack(rng, int(rng.integers(1, 5)))
    h, w = int(rng.integers(12, 30)), int(rng.integers(12, 30))
    try:
        rows = receptive_fields(model, (1, 1, h, w))
    except ShapeError:
        pytest.skip("the random stack shrinks the input away")
    model = positive_model(model)
    x = rng.random((1, 1, h, w)) + 0.5
    for row in rows:
        i, j = int(rng.integers(row.output_size[0])), int(rng.integers(row.output_size[1]))
        erf = effective_receptive_field(model, x, row.name, (i, j))
        top, left, bottom, right = input_window(rows, row.name, i, j, (h, w))
        outside = erf.copy()
        outside[top:bottom, left:right] = 0
        assert np.all(outside == 0), f"{row.name}: gradient outside the receptive field"
        support = np.argwhere(erf > 0)
        if bottom == top or right == left:  # the unit sees only padding
            assert not support.size
            continue
        assert support.size, f"{row.name}: no gradient at all"
        if input_window(rows, row.name, i, j, (h, w), clip=False) == (top, left, bottom, right):
            # inside the image the extreme taps are always reached: the support spans the window
            box = (*support.min(0), *(support.max(0) + 1))
            assert box == (top, left, bottom, right), row.name
        dense = all(d == 1 and k >= s for k, s, p, d in spec)
        if dense:  # windows overlap or touch: every pixel inside is reached
            assert np.all(erf[top:bottom, left:right] > 0), row.name


def test_erf_with_max_pool_stays_inside_and_is_normalized():
    cnncore.manual_seed(3)
    model = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(3, 2, 3, padding=1, dilation=2)).double()
    x = np.random.default_rng(4).standard_normal((4, 2, 16, 16))
    rows = receptive_fields(model, x.shape)
    erf = effective_receptive_field(model, x, "3", (3, 4), channel=1)
    top, left, bottom, right = input_window(rows, "3", 3, 4, (16, 16))
    assert erf.shape == (16, 16) and erf.max() == 1.0
    inside = np.zeros_like(erf, bool)
    inside[top:bottom, left:right] = True
    assert np.all(erf[~inside] == 0) and erf[inside].sum() > 0
    for m in model.modules():
        assert "forward" not in m.__dict__ and "backward" not in m.__dict__
    assert all(p.grad is None for p in model.parameters())


def test_erf_equals_torch_input_gradient_of_one_unit():
    from tests.engine.test_inspect_activations import twin_pair
    cnncore.manual_seed(5)
    model = nn.Sequential(nn.Conv2d(1, 3, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(3, 2, 3),
                          nn.ReLU(), nn.Flatten(), nn.Linear(2 * 5 * 5, 3))
    theirs = twin_pair(model, np.float64)
    x = np.random.default_rng(6).standard_normal((1, 1, 14, 14))
    xt = torch.tensor(x, requires_grad=True)
    theirs[:3](xt)[0, :, 2, 1].sum().backward()
    expected = np.abs(xt.grad.numpy()).sum(1)[0]
    np.testing.assert_allclose(effective_receptive_field(model, x, "2", (2, 1)), expected / expected.max(),
                               rtol=1e-10, atol=1e-14)


def test_input_window_clips_at_the_borders():
    model = nn.Sequential(nn.Conv2d(1, 1, 5, padding=2), nn.Conv2d(1, 1, 3, stride=2, padding=1))
    rows = receptive_fields(model, (1, 1, 9, 12))
    row = by_name(rows)["1"]
    assert row.r == (7, 7) and row.j == (2, 2) and row.output_size == (5, 6)
    assert input_window(rows, "1", 0, 0, (9, 12), clip=False) == (-3, -3, 4, 4)
    assert input_window(rows, "1", 0, 0, (9, 12)) == (0, 0, 4, 4)
    assert input_window(rows, "1", 4, 5, (9, 12), clip=False) == (5, 7, 12, 14)
    assert input_window(rows, "1", 4, 5, (9, 12)) == (5, 7, 9, 12)
    assert input_window(rows, "1", 2, 3, (9, 12)) == (1, 3, 8, 10)
    with pytest.raises(ShapeError, match="outside the 5x6 output of 1"):
        input_window(rows, "1", 5, 0, (9, 12))
    with pytest.raises(KeyError):
        input_window(rows, "7", 0, 0, (9, 12))


def test_global_pooling_sees_the_whole_input():
    model = nn.Sequential(nn.Conv2d(1, 2, 3, stride=2), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(2, 3))
    rows = by_name(receptive_fields(model, (1, 1, 11, 11)))
    assert not rows["0"].whole_input and rows["1"].whole_input
    assert rows["1"].r == (11, 11) and rows["1"].output_size == (1, 1)
    assert input_window(list(rows.values()), "1", 0, 0, (11, 11)) == (0, 0, 11, 11)
    assert input_window(list(rows.values()), "3", 0, 0, (11, 11)) == (0, 0, 11, 11)
    uneven = nn.Sequential(nn.Conv2d(1, 1, 3), nn.AdaptiveAvgPool2d(4))
    row = by_name(receptive_fields(uneven, (1, 1, 11, 11)))["1"]
    assert row.whole_input and "uneven" in row.note


def test_resnet18_receptive_field_hand_computed():
    from cnncore.models import resnet18
    with meta():
        model = resnet18()
    rows = by_name(receptive_fields(model, (1, 3, 224, 224)))
    # conv1 7x7 s2: r=7, j=2; maxpool 3x3 s2: r=7+2*2=11, j=4;
    # layer1, four 3x3 convs: 11+4*2*4=43; layer2: 43+2*4=51 (j=8), +3*2*8 -> 99;
    # layer3: 99+2*8=115 (j=16), +3*2*16 -> 211; layer4: 211+2*16=243 (j=32), +3*2*32 -> 435
    expected = {"conv1": (7, 2), "maxpool": (11, 4), "layer1": (43, 4), "layer2.0.conv1": (51, 8),
                "layer2": (99, 8), "layer3": (211, 16), "layer4": (435, 32)}
    for name, (r, j) in expected.items():
        assert rows[name].r == (r, r) and rows[name].j == (j, j), name
    block = rows["layer2.0"]
    assert "residual block" in block.note and block.r == rows["layer2.0.bn2"].r == (67, 67)
    shortcut = rows["layer2.0.downsample.0"]             # the 1x1 projection sees less: 43 + 0
    assert shortcut.r == (43, 43) and shortcut.j == (8, 8)
    assert rows["avgpool"].whole_input and rows["fc"].whole_input


def test_residual_erf_support_is_the_conv_path_window():
    cnncore.manual_seed(7)
    model = nn.Sequential(nn.Conv2d(1, 2, 3, padding=1), nn.BasicBlock(2, 2), nn.BasicBlock(2, 3, stride=2))
    model = positive_model(model).eval()
    x = np.random.default_rng(8).random((1, 1, 24, 24)) + 0.5
    rows = receptive_fields(model, x.shape)
    for name, (i, j) in (("1", (11, 12)), ("2", (6, 5)), ("2.conv1", (5, 6))):
        erf = effective_receptive_field(model, x, name, (i, j))
        window = input_window(rows, name, i, j, (24, 24))
        assert window == input_window(rows, name, i, j, (24, 24), clip=False)
        support = np.argwhere(erf > 0)
        assert (*support.min(0), *(support.max(0) + 1)) == window, name
    assert "residual" not in by_name(receptive_fields(nn.Sequential(nn.BasicBlock(1, 1, shortcut=False)),
                                                      x.shape))["0"].note


def test_erf_peak_lies_in_the_window_for_corner_units():
    """Corner units (the ones an upside-down or mirrored field shows as wrong) peak inside their window."""
    from cnncore import data, models

    model = models.lenet5(pretrained=True)
    images, _ = data.sample_digits(1)
    x = np.asarray(images[:1], dtype=np.float32)
    rows = receptive_fields(model, x.shape)
    for name in ("0", "3"):
        oh, ow = by_name(rows)[name].output_size
        for i, j in ((0, 0), (0, ow - 1), (oh - 1, 0), (oh - 1, ow - 1), (1, ow // 3)):
            erf = effective_receptive_field(model, x, name, (i, j), channel=1)
            top, left, bottom, right = input_window(rows, name, i, j, x.shape[2:])
            r, c = np.unravel_index(np.argmax(erf), erf.shape)
            assert erf.max() > 0 and top <= r < bottom and left <= c < right, (name, i, j, (r, c))

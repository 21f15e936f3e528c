"""Shifting and rotating images; equivariance of convolutions, measured."""
import numpy as np
import pytest
import torch

import cnncore
from cnncore import nn
from cnncore.inspect import rotate_image, shift_image, translation_experiment


def shift_by_loops(x, dx, dy):
    out = np.zeros_like(x)
    h, w = x.shape[-2:]
    for r in range(h):
        for c in range(w):
            if 0 <= r - dy < h and 0 <= c - dx < w:
                out[..., r, c] = x[..., r - dy, c - dx]
    return out


@pytest.mark.parametrize("dx,dy", [(0, 0), (2, 1), (-3, 2), (1, -4), (-2, -2), (7, 0), (0, -9), (12, 3)])
def test_shift_image(dx, dy):
    x = np.random.default_rng(0).standard_normal((2, 3, 7, 9))
    np.testing.assert_array_equal(shift_image(x, dx, dy), shift_by_loops(x, dx, dy))


def test_rotate_by_right_angles_is_exact():
    x = np.random.default_rng(1).standard_normal((2, 6, 6))
    np.testing.assert_allclose(rotate_image(x, 0), x, atol=1e-12)
    np.testing.assert_allclose(rotate_image(x, 90), np.rot90(x, 1, axes=(1, 2)), atol=1e-12)
    np.testing.assert_allclose(rotate_image(x, 180), x[:, ::-1, ::-1], atol=1e-12)
    np.testing.assert_allclose(rotate_image(x, -90), np.rot90(x, -1, axes=(1, 2)), atol=1e-12)


@pytest.mark.parametrize("degrees", [13.0, -37.5, 61.0, 200.0])
def test_rotate_matches_torch_grid_sample(degrees):
    x = np.random.default_rng(2).standard_normal((1, 2, 9, 9))
    t = np.radians(degrees)
    theta = torch.tensor([[[np.cos(t), -np.sin(t), 0.0], [np.sin(t), np.cos(t), 0.0]]])
    grid = torch.nn.functional.affine_grid(theta, (1, 2, 9, 9), align_corners=True)
    expected = torch.nn.functional.grid_sample(torch.tensor(x), grid, mode="bilinear", padding_mode="zeros",
                                               align_corners=True)
    np.testing.assert_allclose(rotate_image(x, degrees), expected.numpy(), rtol=1e-10, atol=1e-12)
    assert rotate_image(x.astype(np.float32), degrees).dtype == np.float32


def net():
    cnncore.manual_seed(3)
    return nn.Sequential(
        nn.Conv2d(2, 3, 3), nn.ReLU(),                      # stride 1, no padding
        nn.Conv2d(3, 3, 3, padding=1), nn.ReLU(),           # stride 1, padding: the border differs
        nn.MaxPool2d(2),                                    # jump 2
        nn.Conv2d(3, 2, 3, stride=2, padding=1), nn.ReLU(),  # jump 4
        nn.Flatten(), nn.Linear(2 * 4 * 4, 5)).double()


def test_stride_one_layers_move_exactly_with_the_input():
    x = np.random.default_rng(4).standard_normal((2, 16, 16))
    report = translation_experiment(net(), x, 2, -2)
    rows = {r.name: r for r in report.rows}
    for name in ("0", "1", "2", "3"):
        row = rows[name]
        assert row.jump == (1, 1) and row.expected_shift == (2, -2) and row.exact
        assert row.measured_shift == (2, -2), name
        assert row.equivariance_error < 1e-13, name
    # window of unit y in [max(0, dy), min(16, 16 + dy)): 12 rows and 12 columns of the 14x14 map
    assert rows["0"].interior_units == 144 and rows["1"].interior_units == 144
    assert rows["2"].interior_units == 10 * 10          # padded 3x3 conv: one more pixel lost per side
    pool = rows["4"]                                    # jump 2: the shift of 2 is one pooled pixel
    assert pool.jump == (2, 2) and pool.expected_shift == (1, -1) and pool.exact
    assert pool.measured_shift == (1, -1) and pool.equivariance_error < 1e-13
    deep = rows["5"]                                    # jump 4: half a pixel, not exact
    assert deep.expected_shift == (0.5, -0.5) and not deep.exact
    assert rows["7"].jump is None and rows["7"].measured_shift is None


def test_equivariance_error_catches_a_wrong_shift():
    """A shift that is not a multiple of the stride breaks equivariance after the pooling."""
    x = np.random.default_rng(5).standard_normal((2, 16, 16))
    rows = {r.name: r for r in translation_experiment(net(), x, 1, 0).rows}
    assert rows["0"].equivariance_error < 1e-13
    assert not rows["4"].exact and rows["4"].equivariance_error > 1e-3


def test_shift_by_zero_changes_nothing_and_reports_the_prediction():
    model = net()
    x = np.random.default_rng(6).standard_normal((1, 2, 16, 16))
    report = translation_experiment(model, x, 0, 0)
    assert all(r.equivariance_error == 0 for r in report.rows)
    logits = model(x)[0]
    p = np.exp(logits - logits.max())
    p /= p.sum()
    assert report.prediction_before == report.prediction_after == int(np.argmax(logits))
    np.testing.assert_allclose(report.probabilities_before, p, rtol=1e-12)
    assert report.probability_before == report.probability_after == report.probability_of_original_after
    shifted = translation_experiment(model, x, 3, 1)
    q = np.exp(model(shift_image(x, 3, 1))[0] - model(shift_image(x, 3, 1))[0].max())
    q /= q.sum()
    np.testing.assert_allclose(shifted.probabilities_after, q, rtol=1e-12)
    assert shifted.probability_of_original_after == pytest.approx(q[report.prediction_before])
    assert shifted.shift == (3, 1)

"""cnncore.inspect.pooling: the pooled map and where its gradient goes, against PyTorch and finite differences."""
import numpy as np
import pytest
import torch

from cnncore.inspect.pooling import (CHANNEL_POOLS, POOL_KINDS, clamp_cell, gradient_of_ones_or_cell, make_pool,
                                     pool_and_route)

TF = torch.nn.functional
RNG = np.random.default_rng(7)
TORCH_POOLS = {   # kind -> the same pooling in PyTorch, on (1, 1, H, W)
    "max": lambda x, k, s: TF.max_pool2d(x, k, s),
    "avg": lambda x, k, s: TF.avg_pool2d(x, k, s),
    "min": lambda x, k, s: -TF.max_pool2d(-x, k, s),
    "l2": lambda x, k, s: TF.lp_pool2d(x, 2, k, s),
    "gap": lambda x, k, s: TF.adaptive_avg_pool2d(x, 1),
}


def distinct_map(h, w):
    """Positive values with no ties (max and min have one winner), away from 0 (L2's kink)."""
    return RNG.permutation(h * w).reshape(h, w) / (h * w) + 0.5 + RNG.random((h, w)) * 1e-3


def torch_route(fmap, kind, window, stride, grad_out):
    """PyTorch's pooled map and its input gradient for the upstream gradient ``grad_out``."""
    xt = torch.tensor(fmap[None, None], requires_grad=True)
    out = TORCH_POOLS[kind](xt, window, stride)
    (out * torch.from_numpy(grad_out[None, None])).sum().backward()
    return out.detach().numpy()[0, 0], xt.grad.numpy()[0, 0]


@pytest.mark.parametrize("kind", list(TORCH_POOLS))
@pytest.mark.parametrize("h, w, window, stride, cell", [
    (8, 8, 2, 2, None), (9, 7, 3, 1, None), (9, 7, 3, 2, (1, 2)), (7, 10, 2, 3, (1, 1)), (6, 6, 2, 2, (9, 9)),
])
def test_pooled_map_and_gradient_routing_equal_torch(kind, h, w, window, stride, cell):
    fmap = distinct_map(h, w)
    r = pool_and_route(fmap, kind, window, stride, cell)
    out, grad_in = torch_route(fmap, kind, window, stride, r.grad_out)
    np.testing.assert_allclose(r.out, out, rtol=1e-12)
    np.testing.assert_allclose(r.grad_in, grad_in, rtol=1e-10, atol=1e-15)
    if kind != "gap":   # output size floor((H - k) / s) + 1
        assert r.out.shape == ((h - window) // stride + 1, (w - window) // stride + 1)
    assert r.grad_out.sum() == (r.out.size if cell is None else 1)
    # The shares: what the focus cell alone sends to each element of its window.
    focus = (0, 0) if cell is None else clamp_cell(cell, r.out.shape)
    alone = np.zeros_like(r.out)
    alone[focus] = 1.0
    _, from_focus = torch_route(fmap, kind, window, stride, alone)
    top, left, kh, kw = r.window
    np.testing.assert_allclose(r.shares, from_focus[top:top + kh, left:left + kw], rtol=1e-10, atol=1e-15)
    assert from_focus.sum() == pytest.approx(r.shares.sum(), rel=1e-12)   # nothing lands outside the window


@pytest.mark.parametrize("kind", list(TORCH_POOLS))
def test_gradient_routing_by_finite_differences(kind):
    fmap = distinct_map(7, 7)
    r = pool_and_route(fmap, kind, 3, 2, cell=(1, 2))
    eps = 1e-6
    numeric = np.zeros_like(fmap)
    for i in range(7):
        for j in range(7):
            up, down = fmap.copy(), fmap.copy()
            up[i, j] += eps
            down[i, j] -= eps
            numeric[i, j] = ((pool_and_route(up, kind, 3, 2).out - pool_and_route(down, kind, 3, 2).out)
                             * r.grad_out).sum() / (2 * eps)
    np.testing.assert_allclose(r.grad_in, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kind, largest", [("max", True), ("min", False)])
def test_chosen_elements_are_torchs_indices(kind, largest):
    fmap = distinct_map(9, 8)
    r = pool_and_route(fmap, kind, 3, 2)
    sign = 1.0 if largest else -1.0
    _, index = TF.max_pool2d(sign * torch.tensor(fmap[None, None]), 3, 2, return_indices=True)
    assert r.chosen == [divmod(int(f), 8) for f in index.flatten()]


def test_stochastic_pooling_picks_where_the_gradient_goes():
    fmap = distinct_map(8, 8)
    r = pool_and_route(fmap, "stochastic", 2, 2, cell=(1, 2), seed=5)
    assert len(r.chosen) == r.out.size
    for k, (row, col) in enumerate(r.chosen):
        i, j = divmod(k, r.out.shape[1])
        assert 2 * i <= row < 2 * i + 2 and 2 * j <= col < 2 * j + 2   # inside its own window
        assert r.out[i, j] == fmap[row, col]
    expected = np.zeros_like(fmap)
    expected[r.chosen[1 * r.out.shape[1] + 2]] = 1.0                 # the one cell's pick gets its gradient
    np.testing.assert_array_equal(r.grad_in, expected)
    window = fmap[2:4, 4:6]
    np.testing.assert_allclose(r.probabilities, window / window.sum(), rtol=1e-12)
    np.testing.assert_array_equal(r.shares, expected[2:4, 4:6])
    assert pool_and_route(fmap, "stochastic", 2, 2, seed=5).chosen == r.chosen   # the seed fixes the draw


def test_average_pooling_reports_its_divisor():
    r = pool_and_route(distinct_map(6, 6), "avg", 3, 3, cell=(1, 0))
    assert r.divisor == 9 and r.probabilities is None and r.chosen == []
    assert r.window == (3, 0, 3, 3)


def test_global_average_pooling_window_is_the_whole_map():
    r = pool_and_route(distinct_map(5, 7), "gap", 2, 2)
    assert r.window == (0, 0, 5, 7)
    np.testing.assert_allclose(r.shares, np.full((5, 7), 1 / 35), rtol=1e-12)


def test_helpers_and_errors():
    assert clamp_cell((9, 1), (3, 4)) == (2, 1)
    out = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(gradient_of_ones_or_cell(out), np.ones((2, 3)))
    np.testing.assert_array_equal(gradient_of_ones_or_cell(out, (1, 2)), [[0, 0, 0], [0, 0, 1]])
    for kind in POOL_KINDS:
        assert make_pool(kind, 2, 2) is not None
    for kind in CHANNEL_POOLS:
        with pytest.raises(ValueError, match="every channel"):
            make_pool(kind, 2, 2)
    with pytest.raises(ValueError, match="unknown pooling 'median'"):
        make_pool("median", 2, 2)

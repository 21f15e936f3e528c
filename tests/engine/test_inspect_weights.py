"""Singular values and low-rank approximations of layer weights."""
import numpy as np
import pytest

import cnncore
from cnncore import nn
from cnncore.errors import ShapeError
from cnncore.inspect import low_rank_approximation, low_rank_tradeoff, singular_values


def net():
    cnncore.manual_seed(30)
    return nn.Sequential(nn.Conv2d(3, 6, 3, padding=1), nn.ReLU(), nn.Conv2d(6, 4, (2, 3), groups=2),
                         nn.ReLU(), nn.Flatten(), nn.Linear(4 * 7 * 6, 5)).double()


def test_singular_values_of_every_weight_matrix():
    model = net()
    values = singular_values(model)
    assert list(values) == ["0", "2", "5"]
    for name, w in (("0", model[0].weight.data.reshape(6, 27)), ("2", model[2].weight.data.reshape(4, 18)),
                    ("5", model[5].weight.data)):
        s = values[name]
        assert s.shape == (min(w.shape),) and np.all(np.diff(s) <= 0)
        # independent check: singular values are the square roots of the eigenvalues of W W^T
        eig = np.sort(np.linalg.eigvalsh(w @ w.T))[::-1][:len(s)]
        np.testing.assert_allclose(s ** 2, eig, rtol=1e-9, atol=1e-12)


def test_full_rank_reproduces_the_weights():
    model = net()
    result = low_rank_approximation(model, "0", 6)
    np.testing.assert_allclose(result.model[0].weight.data, model[0].weight.data, rtol=1e-10, atol=1e-13)
    assert result.error < 1e-12
    assert result.model is not model and result.model[0].weight is not model[0].weight


@pytest.mark.parametrize("layer,rank", [("0", 1), ("0", 3), ("2", 2), ("5", 1), ("5", 4)])
def test_eckart_young_error_and_parameter_counts(layer, rank):
    model = net()
    before = {k: v.copy() for k, v in model.state_dict().items()}
    result = low_rank_approximation(model, layer, rank)
    m, n = result.shape
    s = singular_values(model)[layer]
    w = dict(model.named_modules())[layer].weight.data
    w_r = dict(result.model.named_modules())[layer].weight.data
    assert w_r.shape == w.shape and w_r.dtype == w.dtype
    assert np.linalg.matrix_rank(w_r.reshape(m, n)) == rank
    dropped = np.sum(s[rank:] ** 2)
    np.testing.assert_allclose(np.sum((w - w_r) ** 2), dropped, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(result.error ** 2, dropped, rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(result.relative_error, np.sqrt(dropped / np.sum(s ** 2)), rtol=1e-9)
    assert (result.full_parameters, result.factored_parameters) == (m * n, rank * (m + n))
    assert result.saved_parameters == m * n - rank * (m + n)
    for k, v in model.state_dict().items():  # the original is untouched
        np.testing.assert_array_equal(v, before[k])
    for k, v in result.model.state_dict().items():  # the copy differs only in that weight
        if k != f"{layer}.weight":
            np.testing.assert_array_equal(v, before[k])


def test_no_better_rank_r_matrix_than_the_truncation():
    """Eckart–Young: random rank-r matrices are never closer than the truncated SVD."""
    model = net()
    rng = np.random.default_rng(31)
    w = model[5].weight.data
    best = low_rank_approximation(model, "5", 2).error
    for _ in range(20):
        other = rng.standard_normal((5, 2)) @ rng.standard_normal((2, w.shape[1]))
        other *= np.vdot(other, w) / np.vdot(other, other)   # best scaling of that direction
        assert np.linalg.norm(w - other) >= best


def test_bad_rank_and_layer():
    model = net()
    with pytest.raises(ShapeError, match="rank must be between 1 and 5"):
        low_rank_approximation(model, "5", 6)
    with pytest.raises(ShapeError):
        low_rank_approximation(model, "0", 0)
    with pytest.raises(KeyError):
        low_rank_approximation(model, "1", 1)


def test_tradeoff_accuracy_per_rank():
    model = net()
    rng = np.random.default_rng(32)
    images = rng.standard_normal((37, 3, 8, 8))
    labels = model(images).argmax(1)                    # the full model is 100% right by construction
    model.train()
    rows = low_rank_tradeoff(model, "5", [1, 2, 5], images, labels, batch_size=10)
    assert [r.rank for r in rows] == [1, 2, 5]
    assert rows[-1].accuracy == 1.0
    for row in rows:
        copy = low_rank_approximation(model, "5", row.rank).model.eval()
        assert row.accuracy == np.mean(copy(images).argmax(1) == labels)
        assert row.factored_parameters == row.rank * (5 + 168) and row.full_parameters == 5 * 168
    assert model.training                                # the original's mode is untouched

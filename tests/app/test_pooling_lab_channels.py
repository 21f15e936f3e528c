"""The Pooling lab's attention and bilinear pooling: the view's numbers are the engine's (and PyTorch's)."""
import numpy as np
import pytest
import torch
from panel.io.location import Location

from app.core.i18n import t
from app.views.pooling.view import PoolingLab
from cnncore import functional as F
from cnncore.inspect.channel_pooling import attention_and_route, bilinear_and_route
from cnncore.inspect.pooling import make_pool

RNG = np.random.default_rng(1)


@pytest.fixture(scope="module")
def view():
    return PoolingLab(compute_stats=False)


def maps(c=3, h=5, w=7):
    return RNG.standard_normal((c, h, w))


@pytest.mark.parametrize("beta", [0.0, 1.5, 8.0])
def test_attention_equals_a_softmax_weighted_average_in_torch(beta):
    x = maps()
    r = attention_and_route(x, 1, beta)
    xt = torch.tensor(x[None], requires_grad=True)
    weights = torch.softmax(beta * xt[0, 1].flatten(), dim=0).reshape(5, 7)    # s = beta * x_1 on a 5 x 7 map
    y = torch.einsum("chw,hw->c", xt[0], weights)
    np.testing.assert_allclose(r.out[0], y.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(r.weights, weights.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(r.scores, beta * x[1], rtol=1e-12)
    y[1].backward()
    np.testing.assert_allclose(r.grad_all, xt.grad[0].numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(r.grad_in, xt.grad[0, 1].numpy(), rtol=1e-10, atol=1e-14)
    if beta == 0:                                  # all scores equal: global average pooling
        np.testing.assert_allclose(r.out[0], x.mean(axis=(1, 2)), rtol=1e-12)


@pytest.mark.parametrize("cell", [None, (0, 2), (1, 1)])
def test_bilinear_is_the_engines_matrix_and_gradient(cell):
    x = maps(3, 4, 6)
    r = bilinear_and_route(x, 0, cell)
    np.testing.assert_allclose(r.out, F.bilinear_pool2d(x[None]).reshape(3, 3), rtol=1e-12)
    np.testing.assert_allclose(r.out, np.einsum("ihw,jhw->ij", x, x) / 24, rtol=1e-12)
    xt = torch.tensor(x, requires_grad=True)
    b = torch.einsum("ihw,jhw->ij", xt, xt) / 24
    (b * torch.from_numpy(r.grad_out)).sum().backward()
    np.testing.assert_allclose(r.grad_all, xt.grad.numpy(), rtol=1e-10, atol=1e-14)
    i, j = r.focus
    np.testing.assert_allclose(r.product.mean(), r.out[i, j], rtol=1e-12)
    assert r.shown == (0 if cell is None else cell[0])
    if cell == (0, 2):                             # B[0, 2] reaches only channels 0 and 2
        assert not r.grad_all[1].any()
        np.testing.assert_allclose(r.grad_in, x[2] / 24, rtol=1e-12)


def test_single_channel_pools_refuse_the_channel_pools():
    with pytest.raises(ValueError, match="every channel"):
        make_pool("attention", 2, 2)


def test_view_shows_attention_and_bilinear_from_the_layer(view):
    view.param.update(pool="attention", beta=4.0, channel=2)
    assert not view._error.visible, view._error.object
    maps_ = view._acts[view.layer][0]
    expected = attention_and_route(maps_, 2, 4.0)
    np.testing.assert_allclose(view.result.out, expected.out)
    np.testing.assert_array_equal(view.out_plot.source.data["image"][0], expected.scores)
    np.testing.assert_array_equal(view.extra_plot.source.data["image"][0], expected.weights)
    np.testing.assert_array_equal(view.grad_plot.source.data["image"][0], expected.grad_in)
    assert view.extra_pane.visible and view.beta_slider.visible and view.window_slider.disabled
    assert f"data-testid='pool-out-shape'>{maps_.shape[0]}<" in view.summary.object
    assert "data-testid='pool-attn-value'" in view.summary.object
    view.out_plot._click[0](3, 4)                  # the scores are no output cell
    assert view.grad_from == "all"

    view.pool = "bilinear"
    c = maps_.shape[0]
    assert f"{c} × {c}" in view.summary.object
    np.testing.assert_allclose(view.out_plot.source.data["image"][0],
                               F.bilinear_pool2d(maps_[None].astype(np.float64)).reshape(c, c), rtol=1e-12)
    view.out_plot._click[0](1, 3)                  # one entry of B
    assert (view.grad_from, view.result.focus) == ("cell", (1, 3))
    assert "B[1, 3]" in view.summary.object
    np.testing.assert_allclose(view.extra_plot.source.data["image"][0], maps_[1] * maps_[3], rtol=1e-6)
    view.lang = "zh"
    assert t("pool_kind_bilinear", "zh") in view.pool_buttons.options
    assert t("pool_route_bilinear", "zh") in view.summary.object
    view.lang = "en"
    view.param.update(pool="max", grad_from="all", channel=0)
    assert not view.extra_pane.visible and not view.beta_slider.visible and not view.window_slider.disabled


def test_url_keeps_attention_state():
    view = PoolingLab(compute_stats=False)
    view.sync_url(Location(search="?pool=attention&beta=6.5&channel=1&lang=zh"))
    assert (view.pool, view.beta, view.channel, view.lang) == ("attention", 6.5, 1, "zh")
    assert not view._error.visible
    np.testing.assert_allclose(view.result.scores, 6.5 * view._acts[view.layer][0, 1], rtol=1e-6)

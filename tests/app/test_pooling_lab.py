"""The Pooling & activations lab without a browser: pooling numbers, gradient routing, dead units."""
import numpy as np
import pytest
from panel.io.location import Location

from app.core.i18n import t
from app.views.pooling.view import ACTIVATIONS, POOLS, PoolingLab
from cnncore import functional as F
from cnncore.inspect import capture
from cnncore.inspect.nonlinearity import activation_curves, preactivation_layers, unit_statistics
from cnncore.inspect.pooling import pool_and_route

RNG = np.random.default_rng(0)


@pytest.fixture(scope="module")
def view():
    return PoolingLab(compute_stats=False)


def random_map(h=12, w=12):
    return np.maximum(RNG.normal(size=(h, w)), 0) + RNG.random((h, w)) * 0.01   # positive, no ties


@pytest.mark.parametrize("window, stride", [(2, 2), (3, 1), (3, 2), (2, 3)])
def test_max_pooling_sends_each_window_gradient_to_its_argmax(window, stride):
    fmap = random_map()
    r = pool_and_route(fmap, "max", window, stride)
    # Output: the window maxima, and the chosen cells hold them.
    oh, ow = r.out.shape
    assert (oh, ow) == ((12 - window) // stride + 1, (12 - window) // stride + 1)
    for k, (row, col) in enumerate(r.chosen):
        i, j = divmod(k, ow)
        win = fmap[i * stride:i * stride + window, j * stride:j * stride + window]
        assert fmap[row, col] == win.max() == r.out[i, j]
    # The gradient of ones lands only on arg-maxes, one per window (a cell winning twice gets 2).
    expected = np.zeros_like(fmap)
    for row, col in r.chosen:
        expected[row, col] += 1
    np.testing.assert_array_equal(r.grad_in, expected)
    assert r.grad_in.sum() == r.grad_out.sum() == oh * ow


@pytest.mark.parametrize("window, stride", [(2, 2), (3, 1), (4, 2)])
def test_average_pooling_spreads_the_gradient_evenly(window, stride):
    fmap = random_map()
    r = pool_and_route(fmap, "avg", window, stride, cell=(1, 1))
    assert r.divisor == window * window
    np.testing.assert_allclose(r.shares, 1 / window ** 2)
    top, left, kh, kw = r.window
    inside = np.zeros_like(fmap, bool)
    inside[top:top + kh, left:left + kw] = True
    np.testing.assert_allclose(r.grad_in[inside], 1 / window ** 2)
    assert not r.grad_in[~inside].any()
    np.testing.assert_allclose(r.grad_in.sum(), 1.0)
    full = pool_and_route(fmap, "avg", window, stride)
    np.testing.assert_allclose(full.grad_in.sum(), full.out.size)


def test_l2_pooling_shares_in_proportion():
    fmap = random_map()
    r = pool_and_route(fmap, "l2", 3, 2, cell=(2, 3))
    top, left, kh, kw = r.window
    win = fmap[top:top + kh, left:left + kw]
    y = np.sqrt((win ** 2).sum())
    np.testing.assert_allclose(r.out[2, 3], y)
    np.testing.assert_allclose(r.shares, win / y, rtol=1e-12)
    np.testing.assert_allclose(r.grad_in.sum(), win.sum() / y, rtol=1e-12)
    # By finite differences: the gradient is d y / d x.
    eps = 1e-6
    up, down = fmap.copy(), fmap.copy()
    up[top + 1, left + 1] += eps
    down[top + 1, left + 1] -= eps
    numeric = (pool_and_route(up, "l2", 3, 2).out[2, 3] - pool_and_route(down, "l2", 3, 2).out[2, 3]) / (2 * eps)
    np.testing.assert_allclose(r.grad_in[top + 1, left + 1], numeric, rtol=1e-6)


def test_min_stochastic_and_global_pooling():
    fmap = random_map()
    r = pool_and_route(fmap, "min", 2, 2)
    assert all(fmap[row, col] == r.out[divmod(k, r.out.shape[1])] for k, (row, col) in enumerate(r.chosen))
    s = pool_and_route(fmap, "stochastic", 2, 2, seed=3)
    assert s.grad_in.sum() == len(s.chosen) == np.count_nonzero(s.out)
    np.testing.assert_allclose(s.probabilities.sum(), 1.0)
    again = pool_and_route(fmap, "stochastic", 2, 2, seed=3)
    assert again.chosen == s.chosen                              # the seed fixes the draw
    g = pool_and_route(fmap, "gap", 2, 2)
    assert g.out.shape == (1, 1)
    np.testing.assert_allclose(g.out[0, 0], fmap.mean())
    np.testing.assert_allclose(g.grad_in, 1 / fmap.size)


@pytest.mark.parametrize("kind", ACTIVATIONS)
def test_activation_curves_and_derivatives(kind):
    x, f, d = activation_curves(kind)
    numeric = np.gradient(f, x)
    smooth = np.abs(x) > 0.1                                    # ReLU's kink at 0
    np.testing.assert_allclose(d[smooth][1:-1], numeric[smooth][1:-1], atol=2e-3)


def test_dead_relu_fractions_equal_a_direct_count(view):
    from cnncore.data import load_digits
    net = view.session.get(view.model)
    images = load_digits("test")[0][:300]
    rows = unit_statistics(net, images, batch=128)
    _, acts = capture(net, images)
    pairs = preactivation_layers(net, acts)
    assert [(r.layer, r.activation) for r in rows] == pairs and pairs
    for r, (pre, act) in zip(rows, pairs):
        never = ~(acts[act] > 0).any(axis=0)
        assert r.dead == never.sum() and r.units == never.size
        assert 0 <= r.dead_fraction <= 1
        np.testing.assert_allclose(r.saturated_sigmoid, (F.sigmoid_grad(acts[pre]) < 0.01).mean())
        np.testing.assert_allclose(r.saturated_tanh, (F.tanh_grad(acts[pre]) < 0.01).mean())
        assert 0 <= r.saturated_sigmoid <= r.saturated_tanh <= 1   # tanh saturates sooner


def test_view_shows_the_numbers_and_keeps_state_across_languages(view):
    view.param.update(pool="max", window=2, stride=2, grad_from="all")
    assert "data-testid='pool-out-shape'>14 × 14<" in view.summary.object
    fmap = view._acts[view.layer][0, view.channel]
    np.testing.assert_array_equal(view.in_plot.source.data["image"][0], fmap)
    source = view.out_plot.source
    view.stride = 1
    assert "27 × 27" in view.summary.object and view.out_plot.source is source
    assert view.out_plot.source.data["image"][0].shape == (27, 27)
    view.out_plot._click[0](3, 4)                               # a click on output cell (3, 4)
    assert (view.grad_from, view.cell_row, view.cell_col) == ("cell", 3, 4)
    assert view.result.grad_in.sum() == 1.0
    for pool in POOLS:
        view.pool = pool
        assert not view._error.visible, view._error.object
    before = view.result.out.copy()
    view.lang = "zh"
    assert view.window_slider.label == t("pool_window", "zh")
    assert t("pool_kind_max", "zh") in view.pool_buttons.options
    np.testing.assert_array_equal(view.result.out, before)
    view.lang = "en"


def test_activation_section_and_stats_table(view):
    view.activation = "relu"
    relu_text = view.act_summary.object
    view.activation = "sigmoid"
    assert view.act_summary.object != relu_text
    assert len(view.curves.sources[0].data["x"]) == 241
    view.compute_stats()
    assert "data-testid='unit-stats'" in view.stats_table.object
    assert all(0 <= r.dead_fraction <= 1 for r in view._stats[view.model])


def test_url_restores_state_and_bad_values_show_a_message():
    location = Location(search="?pool=avg&window=3&stride=3&layer=1&act_layer=3&lang=zh&cell_row=2")
    view = PoolingLab(compute_stats=False)
    view.sync_url(location)
    assert (view.pool, view.window, view.stride, view.layer, view.act_layer) == ("avg", 3, 3, "1", "3")
    assert "9 × 9" in view.summary.object and view.lang == "zh"
    view.window = 8
    view.stride = 8
    assert not view._error.visible
    bad = PoolingLab(compute_stats=False)
    bad.sync_url(Location(search="?pool=median"))
    assert bad._error.visible and "median" in bad._error.object
    bad.window = 8
    bad.layer = "5"                                            # LeNet-5's second pooling: 5 x 5 maps
    assert bad._error.visible and "kernel" in bad._error.object.lower()


def test_a_link_naming_no_layer_of_the_model_is_ignored_with_the_layers_it_has():
    view = PoolingLab(compute_stats=False)
    view.sync_url(Location(search="?layer=<b>conv9</b>&window=3"))
    assert view.layer in view._acts and view.window == 3                 # a real layer; the rest applied
    text = view._error.object
    assert view._error.visible and view._error.alert_type == "warning"
    assert "cannot use; each was ignored" in text and "layer = '<b>conv9</b>'" in text
    assert all(name in text for name in view._layers.values())            # what the model does have
    view.layer = [n for n in view._acts if n != view.layer][0]            # the student picks one: gone
    assert not view._error.visible
    chinese = PoolingLab(compute_stats=False)
    chinese.sync_url(Location(search="?layer=conv9&lang=zh"))
    assert "无法使用的设置" in chinese._error.object and "以下之一" in chinese._error.object


def test_drawing_input():
    from app.widgets.canvas import encode_image
    view = PoolingLab(compute_stats=False)
    image = np.zeros((112, 112), np.uint8)
    image[20:92, 50:62] = 255
    view.source.canvas.image = encode_image(image)
    view.source.canvas.strokes = 1
    assert view.digit == -1 and not view._error.visible
    view.source.canvas.clear()
    view.param.trigger("digit")
    assert view._error.visible
    view.source.pick(7)
    assert view.digit == 7 and not view._error.visible


def test_formulas_reach_mathjax_without_escaped_comparisons(view):
    """Markdown turns ``x > 0`` inside ``$$`` into ``x &gt; 0``, which MathJax shows as nothing."""
    import html
    import re

    import panel as pn

    for lang in ("en", "zh"):
        view.lang = lang
        panes = [p for p in (view.explain, view.act_explain) if isinstance(p, pn.pane.Markdown)]
        for pane in panes:
            rendered = html.unescape(pane._transform_object(pane.object)["object"])   # the page's HTML
            formulas = re.findall(r"\$\$(.*?)\$\$", rendered, re.S)
            assert formulas, "no formula found"
            for formula in formulas:
                assert not re.search(r"[<>]|&(gt|lt|amp);", formula), formula
    view.lang = "en"


def test_signed_maps_use_the_shared_palette(view):
    from .colour_checks import assert_signed_maps_use_the_shared_palette

    view.activation = "tanh"                      # tanh's output is signed too, not only its input
    assert_signed_maps_use_the_shared_palette(view)
    assert view.post_plot.mapper.palette == view.pre_plot.mapper.palette
    view.activation = "relu"

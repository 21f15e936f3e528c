"""The Equivariance & invariance lab without a browser: shifts per layer, predictions, the sweep."""
import numpy as np
import pytest
from panel.io.location import Location

from app.core.i18n import t
from app.views.equivariance.view import SHIFTS, EquivarianceLab, architecture, confidence_sweep, transform
from cnncore.inspect import class_probabilities, shift_image, translation_experiment


@pytest.fixture(scope="module")
def view():
    return EquivarianceLab()


def stride1_rows(report):
    return [r for r in report.rows if r.jump == (1, 1)]


@pytest.mark.parametrize("dx, dy", [(3, 0), (-2, 1), (1, -4), (0, 0)])
def test_stride_one_layers_move_exactly_by_the_shift(view, dx, dy):
    view.param.update(dx=dx, dy=dy, angle=0)
    rows = stride1_rows(view.report)
    assert rows
    for r in rows:
        assert r.expected_shift == (dx, dy) and r.measured_shift == (dx, dy) and r.exact
        assert r.equivariance_error < 1e-6
    # And directly: the first convolution's map of the shifted digit is the shifted map, inside.
    net = view.session.get(view.model)
    a, b = (net[0](z)[0, 0] for z in (view._x, shift_image(view._x, dx, dy)))
    inner = (slice(max(dy, 0) + 3, 25 + min(dy, 0)), slice(max(dx, 0) + 3, 25 + min(dx, 0)))
    np.testing.assert_allclose(b[inner], shift_image(a, dx, dy)[inner], atol=1e-5)


def test_stride_two_halves_the_shift_and_odd_shifts_alias(view):
    view.param.update(dx=2, dy=0, layer="2")                   # LeNet-5's first max pooling, jump 2
    row = view._row("2")
    assert row.jump == (2, 2) and row.expected_shift == (1.0, 0.0) and row.exact
    view.dx = 3
    row = view._row("2")
    assert row.expected_shift == (1.5, 0.0) and not row.exact and row.equivariance_error > 0.01
    assert "data-testid='eq-expected'>(1.5, 0)<" in view.numbers.object
    assert t("eq_not_exact", "en") in view.numbers.object


def test_the_view_shows_what_the_engine_measures(view):
    view.param.update(dx=4, dy=-1, angle=10, layer="0")
    rotated = transform(view._x, 0, 0, 10)
    net = view.session.get(view.model)
    report = translation_experiment(net, rotated, 4, -1)
    assert [(r.name, r.measured_shift, r.equivariance_error) for r in report.rows] == \
        [(r.name, r.measured_shift, r.equivariance_error) for r in view.report.rows]
    moved = transform(view._x, 4, -1, 10)
    np.testing.assert_allclose(view.bars_after.source.data["prob"], class_probabilities(net, moved)[0][0])
    np.testing.assert_allclose(view.bars_before.source.data["prob"], class_probabilities(net, view._x)[0][0])
    np.testing.assert_array_equal(view.after_plot.source.data["image"][0], moved[0, 0])
    assert "data-testid='eq-layer-table'" in view.layer_table.object


def test_confidence_sweep_is_the_probability_of_the_original_class(view):
    net = view.session.get(view.model)
    target, probs, preds = confidence_sweep(net, view._x)
    assert len(probs) == len(SHIFTS) and np.all((0 <= probs) & (probs <= 1))
    for k, s in enumerate(SHIFTS):
        p = class_probabilities(net, shift_image(view._x, s, 0))[0][0]
        np.testing.assert_allclose(probs[k], p[target], rtol=1e-5, atol=1e-7)
        assert preds[k] == p.argmax()
    assert target == int(class_probabilities(net, view._x)[0][0].argmax())


def test_sweep_plot_and_marker_follow_the_controls(view):
    view.param.update(dx=0, dy=0, angle=0)
    source = view.sweep_plot.sources[0]
    ys = list(source.data["y"])
    view.dx = 5
    assert view.sweep_plot.marker.location == 5 and view.sweep_plot.sources[0] is source
    assert list(source.data["y"]) == ys                          # dx alone does not recompute the sweep
    view.dy = 3
    assert list(source.data["y"]) != ys


def test_architecture_counts():
    from cnncore.models import get_model
    assert architecture(get_model("lenet5")) == dict(max_pool=2, avg_pool=0, gap=0, strided_conv=0, linear=3)
    assert architecture(get_model("nin_small"))["gap"] == 1
    plain = architecture(get_model("plain_net"))
    assert plain["max_pool"] == 0 and plain["strided_conv"] >= 2 and plain["gap"] == 1


def test_language_switch_keeps_state(view):
    view.param.update(dx=3, dy=0, angle=0, layer="0")
    numbers = view.report.rows[0].measured_shift
    view.lang = "zh"
    assert view.dx_slider.label == t("eq_dx", "zh")
    assert t("eq_col_expected", "zh") in view.layer_table.object
    assert view.report.rows[0].measured_shift == numbers and view.dx == 3
    view.lang = "en"
    assert view.dx_slider.label == t("eq_dx", "en")


def test_url_restores_state_and_bad_links_show_a_message():
    location = Location(search="?dx=-2&dy=1&layer=2&angle=-15&lang=zh&digit=7")
    view = EquivarianceLab()
    view.sync_url(location)
    assert (view.dx, view.dy, view.layer, view.angle, view.digit, view.lang) == (-2, 1, "2", -15, 7, "zh")
    assert view._row("2").expected_shift == (-1.0, 0.5) and not view._error.visible
    view.dx = 6
    assert location.query_params["dx"] == 6
    bad = EquivarianceLab()
    bad.sync_url(Location(search="?dx=40"))
    assert bad._error.visible and bad.dx == 3


def test_signed_maps_use_the_shared_palette(view):
    """A convolution's output (negative values) was drawn in viridis here, orange-white-purple in Inside."""
    from .colour_checks import assert_signed_maps_use_the_shared_palette

    view.param.update(dx=3, dy=1, angle=0, layer="0")
    assert_signed_maps_use_the_shared_palette(view)
    assert view.map_before.mapper.palette == view.map_after.mapper.palette == view.map_moved.mapper.palette

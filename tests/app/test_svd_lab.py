"""The weights & SVD lab without a browser: spectra, low-rank matrices and accuracies are the engine's."""
import numpy as np
import param
import pytest

from cnncore.data import load_digits
from cnncore.inspect import low_rank_approximation, low_rank_tradeoff
from cnncore.models import get_model, pretrained_models
from cnncore.train import evaluate
from app.views.svd.analysis import (TEST_SUBSET, curve_ranks, default_layer, digit_subset, energy,
                                    rank_for_energy, weighted_layers)
from app.core.i18n import STRINGS
from app.views.svd.view import SvdLab, default_rank


def weight_matrices(model):
    """Every conv/linear weight reshaped to (out, everything else), straight from the modules."""
    return {name: m.weight.data.reshape(m.weight.shape[0], -1).astype(np.float64)
            for name, m in model.named_modules() if type(m).__name__ in ("Conv2d", "Linear")}


@pytest.fixture(scope="module")
def view():
    return SvdLab(model="lenet5")


@pytest.fixture(scope="module")
def fresh():
    return get_model("lenet5", pretrained=True)


def test_subset_is_the_first_test_digits():
    images, labels = digit_subset()
    all_images, all_labels = load_digits("test")
    assert images.shape == (TEST_SUBSET, 1, 28, 28)
    np.testing.assert_array_equal(images, all_images[:TEST_SUBSET])
    np.testing.assert_array_equal(labels, all_labels[:TEST_SUBSET])
    assert np.bincount(labels, minlength=10).min() >= TEST_SUBSET // 20     # every class is there


@pytest.mark.parametrize("name", pretrained_models())
def test_singular_values_are_numpys(name):
    model = get_model(name, pretrained=True)
    matrices = weight_matrices(model)
    layers = weighted_layers(model)
    assert [i.name for i in layers] == list(matrices)
    for info in layers:
        w = matrices[info.name]
        assert info.matrix == w.shape and info.k == min(w.shape)
        np.testing.assert_allclose(info.s, np.linalg.svd(w, compute_uv=False), rtol=1e-10, atol=1e-12)


def test_plots_show_the_spectrum_and_energy(view, fresh):
    view.param.update(model="lenet5", layer="9", rank=20)
    s = np.linalg.svd(weight_matrices(fresh)["9"], compute_uv=False)
    np.testing.assert_allclose(view.spectrum.line.data["s"], s, rtol=1e-10)
    np.testing.assert_allclose(view.spectrum.kept.data["s"], s[:20], rtol=1e-10)
    np.testing.assert_allclose(view.spectrum.dropped.data["s"], s[20:], rtol=1e-10)
    assert len(view.spectrum.others.data["ys"]) == len(weight_matrices(fresh)) - 1
    e = np.cumsum(s ** 2) / np.sum(s ** 2)
    np.testing.assert_allclose(view.energy_plot.chosen.data["e"], e, rtol=1e-10)
    assert view.energy_plot.point.data["e"] == pytest.approx([e[19]])
    assert rank_for_energy(s, 0.9) == int(np.argmax(e >= 0.9 - 1e-12)) + 1


@pytest.mark.parametrize("layer, rank", [("7", 1), ("7", 17), ("3", 5), ("0", 6)])
def test_slider_accuracy_and_numbers_are_low_rank_tradeoffs(view, fresh, layer, rank):
    view.param.update(model="lenet5", layer=layer)
    with param.edit_constant(view.rank_w):                              # what the browser sends
        view.rank_w.param.update(value=rank, value_throttled=rank)
    assert view.rank == rank and view.layer == layer
    images, labels = digit_subset()
    expected = low_rank_tradeoff(fresh, layer, [rank], images, labels)[0]
    assert view.current.accuracy == expected.accuracy
    assert (view.current.factored_parameters, view.current.full_parameters) == \
        (expected.factored_parameters, expected.full_parameters)
    assert view.current.relative_error == pytest.approx(expected.relative_error, rel=1e-12)
    summary = view.summary.object
    assert f"data-accuracy='{expected.accuracy}'" in summary and f"{expected.accuracy:.1%}" in summary
    assert f"data-factored='{expected.factored_parameters}'" in summary
    assert f"{expected.factored_parameters:,}" in summary and f"{expected.full_parameters:,}" in summary
    assert f"data-baseline='{evaluate(fresh, images, labels).accuracy}'" in summary
    # the matrices shown: W, and the engine's rank-r copy, which is numpy's truncated SVD
    w = weight_matrices(fresh)[layer]
    np.testing.assert_allclose(view.w, w, rtol=1e-6)
    u, s, vt = np.linalg.svd(w, full_matrices=False)
    w_r = (u[:, :rank] * s[:rank]) @ vt[:rank]
    np.testing.assert_allclose(view.w_r, w_r, rtol=1e-4, atol=1e-6 * s[0])
    approx = low_rank_approximation(fresh, layer, rank)
    np.testing.assert_array_equal(view.w_r, dict(approx.model.named_modules())[layer].weight.data.reshape(w.shape))
    assert np.linalg.norm(w - w_r) == pytest.approx(np.sqrt(np.sum(s[rank:] ** 2)), abs=1e-9 * s[0])
    image = view.matrices[1].source.data["image"][0]
    np.testing.assert_allclose(image, view.w_r)


def test_tradeoff_curve_equals_the_engines_rows(view, fresh):
    view.param.update(model="lenet5", layer="0")
    view.compute_curve()
    ranks = curve_ranks(6, extra=(view.info.break_even,))
    assert ranks == [1, 2, 3, 4, 5, 6]
    images, labels = digit_subset()
    expected = low_rank_tradeoff(fresh, "0", ranks, images, labels)
    data = view.tradeoff.source.data
    assert data["rank"] == ranks
    assert data["accuracy"] == [r.accuracy for r in expected]
    assert data["factored"] == [r.factored_parameters for r in expected]
    assert 'data-done=\'6\'' in view.curve_status.object


def test_break_even_rank_is_where_factoring_stops_saving(fresh):
    for info in weighted_layers(fresh):
        r = info.break_even
        if r:
            assert low_rank_approximation(fresh, info.name, r).saved_parameters > 0
        if r + 1 <= info.k:
            assert low_rank_approximation(fresh, info.name, r + 1).saved_parameters <= 0


def test_curve_ranks():
    assert curve_ranks(5) == [1, 2, 3, 4, 5]
    ranks = curve_ranks(120, extra=(92,))
    assert ranks[0] == 1 and ranks[-1] == 120 and 92 in ranks
    assert ranks == sorted(set(ranks)) and len(ranks) <= 13


def test_model_and_layer_changes_pick_sensible_defaults(view):
    view.model = "tiny_vgg"
    layers = view.study.layers
    assert view.layer == default_layer(layers)
    assert view.layer == max(layers, key=lambda i: i.matrix[0] * i.matrix[1]).name
    assert view.rank == default_rank(view.info.k)
    other = next(i for i in layers if i.name != view.layer)
    view.layer_w.value = other.name
    assert view.layer == other.name and view.rank == default_rank(other.k)
    assert view.rank_w.end == other.k
    # a link restores all three at once
    view.param.update(model="lenet5", layer="3", rank=7)
    assert (view.layer, view.rank, view.current.rank) == ("3", 7, 7)


def test_bad_layer_or_rank_shows_a_message(view):
    view.param.update(model="lenet5", layer="3", rank=4)
    view.layer = "nope"
    assert view._error.visible and "nope" in view._error.object
    assert view.layer == default_layer(view.study.layers)
    view.rank = 10_000
    assert view._error.visible and "rank must be between 1 and" in view._error.object
    assert view.rank == default_rank(view.info.k)
    view.rank = 3
    assert not view._error.visible


def test_language_and_untrained_note(view):
    view.param.update(model="lenet5", layer="7", rank=12, lang="zh")
    assert "准确率" in view.summary.object and view.rank == 12
    assert STRINGS["svdlab_explain_svd"]["zh"] in view.explanation.object
    assert view.layer_w.name == STRINGS["svdlab_layer"]["zh"]
    view.lang = "en"
    assert "Accuracy" in view.summary.object
    assert view.model_note.object == ""
    view.model = "lenet5_untrained"
    assert STRINGS["svdlab_untrained_note"]["en"] in view.model_note.object
    # random weights: a flatter spectrum than the trained layer's
    trained = weighted_layers(get_model("lenet5", pretrained=True))
    untrained = {i.name: i for i in view.study.layers}
    for info in trained:
        if info.k > 10:
            assert rank_for_energy(untrained[info.name].s, 0.9) > rank_for_energy(info.s, 0.9)


def test_energy_is_one_minus_squared_relative_error(fresh):
    s = np.linalg.svd(weight_matrices(fresh)["7"], compute_uv=False)
    for rank in (1, 10, 60):
        result = low_rank_approximation(fresh, "7", rank)
        assert energy(s)[rank - 1] == pytest.approx(1 - result.relative_error ** 2, abs=1e-9)

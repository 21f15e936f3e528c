"""Shift & rotate with a photo model: the picture moves, the maps follow, the classes are named."""
import numpy as np
import pytest
from panel.io.location import Location

from app.widgets.photo_input import model_input
from app.core.session import SessionState
from app.views.equivariance.view import EquivarianceLab, transform
from cnncore.images import to_image
from cnncore.inspect import capture, class_probabilities, shift_image, translation_experiment
from cnncore.models.photo_tiles import MEAN, PHOTO_CLASSES, STD
from cnncore.models.small_rgb import small_rgb_cnn
from cnncore.photos import photo


@pytest.fixture(scope="module")
def session():
    return SessionState()


@pytest.fixture(scope="module")
def lab(session):
    return EquivarianceLab(session=session, model="photo_tiles")


@pytest.mark.parametrize("dx, dy, angle", [(4, 0, 0), (-3, 2, 0), (2, -1, 15)])
def test_the_experiment_is_the_engines_on_the_fitted_picture(lab, dx, dy, angle):
    lab.param.update(photo="coffee", dx=dx, dy=dy, angle=angle, layer="3", channel=5)
    assert not lab._error.visible, lab._error.object
    x = model_input(photo("coffee"))[1]
    np.testing.assert_array_equal(lab._x, x)
    net = lab.session.get("photo_tiles")
    rotated = transform(x, 0, 0, angle)
    expected = translation_experiment(net, rotated, dx, dy)
    for got, want in zip(lab.report.rows, expected.rows):
        assert (got.name, got.expected_shift, got.measured_shift) == (want.name, want.expected_shift,
                                                                       want.measured_shift)
        assert got.equivariance_error == pytest.approx(want.equivariance_error, abs=1e-9)
    moved = transform(x, dx, dy, angle)
    _, a = capture(net, rotated)
    _, b = capture(net, moved)
    np.testing.assert_allclose(lab.map_before.source.data["image"][0], a["3"][0, 5], rtol=1e-6)
    np.testing.assert_allclose(lab.map_after.source.data["image"][0], b["3"][0, 5], rtol=1e-6)
    row = next(r for r in lab.report.rows if r.name == "3")
    ex, ey = (int(round(v)) for v in row.expected_shift)
    np.testing.assert_allclose(lab.map_diff.source.data["image"][0], b["3"][0, 5] - shift_image(a["3"][0, 5], ex, ey),
                               rtol=1e-5, atol=1e-6)
    # the moved picture is shown in colour, as the model sees it
    shown = lab.rgb_after.source.data["image"][0].view(np.uint8).reshape(32, 32, 4)[..., :3]
    np.testing.assert_array_equal(shown, to_image(moved[0], MEAN, STD))


def test_an_exact_shift_keeps_the_first_convolution_equivariant(lab):
    lab.param.update(photo="chelsea", dx=3, dy=0, angle=0, layer="0", channel=0)
    row = next(r for r in lab.report.rows if r.name == "0")
    assert row.exact and row.equivariance_error < 1e-6 and "eq-error'>0<" in lab.numbers.object


def test_predictions_are_named_and_only_this_network_is_compared(lab):
    lab.param.update(photo="rocket", dx=5, dy=0, angle=0)
    net = lab.session.get("photo_tiles")
    before = class_probabilities(net, lab._x)[0][0]
    after = class_probabilities(net, transform(lab._x, 5, 0))[0][0]
    kb, ka = PHOTO_CLASSES[int(before.argmax())], PHOTO_CLASSES[int(after.argmax())]
    assert f"eq-pred-before'>{kb}<" in lab.prediction.object and f"eq-pred-after'>{ka}<" in lab.prediction.object
    assert f"data-best='{ka}'" in lab.probs_after.object and lab.photo_probs.visible
    assert list(lab._sweeps) == ["photo_tiles"] and "Only this network" in lab.compare_note.object
    assert not any(p.visible for p in lab.digit_panes) and all(p.visible for p in lab.photo_panes)


def test_a_network_from_your_classes_and_back_to_digits(session):
    key = session.register("classes", small_rgb_cnn(3, seed=1).eval(), arch="classes_cnn", input="photo",
                           classes=("a", "b", "c"))
    lab = EquivarianceLab(session=session, model=key, photo="grass")
    assert not lab._error.visible, lab._error.object
    assert lab.report.prediction_before in (0, 1, 2) and "a, b, c" in lab.photo_note.object
    lab.model = "lenet5"
    assert not lab._error.visible and lab._x.shape == (1, 1, 28, 28) and lab.digit_box.visible
    assert "lenet5" in lab._sweeps


def test_url_and_chinese(session):
    location = Location(search="?model=photo_tiles&photo=astronaut&dx=2&lang=zh")
    lab = EquivarianceLab(session=session)
    lab.sync_url(location)
    assert (lab.model, lab.photo, lab.dx, lab.lang) == ("photo_tiles", "astronaut", 2, "zh")
    assert "移动前" in lab.prediction.object and "中灰色" in lab.photo_note.object

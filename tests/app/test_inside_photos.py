"""Inside the network with a photo model: the picture, its channels, the maps, the classes by name."""
import numpy as np
import pytest
from panel.io.location import Location

from app.widgets.photo_input import model_input
from app.core.session import SessionState
from app.views.inside.view import InsideView
from cnncore.images import fit
from cnncore.inspect import capture, class_probabilities, effective_receptive_field, input_window, receptive_fields
from cnncore.models.photo_tiles import PHOTO_CLASSES, to_input
from cnncore.models.small_rgb import small_rgb_cnn
from cnncore.photos import photo


@pytest.fixture(scope="module")
def session():
    return SessionState()


@pytest.fixture
def view(session):
    return InsideView(session=session, model="photo_tiles")


def test_the_photo_model_is_offered_beside_the_digit_models(view, session):
    assert "photo_tiles" in view.model_select.options.values() and "lenet5" in view.model_select.options.values()
    assert view.is_photo and view.input_hw == (32, 32) and not view._error.visible, view._error.object


@pytest.mark.parametrize("name", ["chelsea", "gravel"])
def test_the_maps_are_the_models_activations_of_the_fitted_picture(view, name):
    view.photo = name
    x = to_input(fit(photo(name), (32, 32)))                      # what the model sees, made here directly
    np.testing.assert_array_equal(view.input, x)
    np.testing.assert_array_equal(view.snapshot.x, x)
    _, activations = capture(view.net, x)
    for info in view.layers:
        np.testing.assert_array_equal(view.snapshot.activations[info.name], activations[info.name][0])
        shown = np.asarray(view.layer_plots[info.name].source.data["image" if info.is_map else "value"])
        expected = activations[info.name][0] if info.is_map else activations[info.name][0].reshape(-1)
        np.testing.assert_allclose(np.stack(list(shown)) if info.is_map else shown, expected, rtol=1e-6)
    # the input column shows the three channels R, G, B of the fitted picture, 0-1
    channels = np.stack(view.input_small.source.data["image"])
    np.testing.assert_allclose(channels, fit(photo(name), (32, 32)).transpose(2, 0, 1) / 255.0, rtol=1e-6)
    assert len(channels) == 3 and len(view.input_big.picture_source.data["image"]) == 1


def test_class_probabilities_are_named(view):
    view.photo = "rocket"
    probabilities, _ = class_probabilities(view.net, view.input)
    probabilities = probabilities[0]
    best = PHOTO_CLASSES[int(np.argmax(probabilities))]
    assert f"<b>{best}</b>" in view.prediction.object
    html = view.class_probs.object
    assert f"data-best='{best}'" in html
    for name, p in zip(PHOTO_CLASSES, probabilities):
        assert f"data-class='{name}' data-p='{p:.6f}'" in html
    assert "98.7%" in view.photo_note.object and view.photo_note.visible


def test_receptive_field_and_arithmetic_over_three_channels(view):
    view.photo = "coffee"
    view.select("3", 5, 6, 9)                                    # the second convolution
    assert not view._error.visible, view._error.object
    rows = receptive_fields(view.net, (1, 3, 32, 32))
    assert view.rf_box == input_window(rows, "3", 6, 9, (32, 32))
    np.testing.assert_allclose(view.erf, effective_receptive_field(view.net, view.input, "3", (6, 9), channel=5))
    view.select("0", 2, 10, 11)                                  # the first: reads the R, G, B channels
    e = view.explanation
    assert e.kind == "conv" and list(e.input_channels) == [0, 1, 2]
    assert e.result == pytest.approx(float(view.snapshot.activations["0"][2, 10, 11]), abs=1e-5)
    np.testing.assert_array_equal(e.window, view.snapshot.x[0, :, 9:12, 10:13])   # 3 channels, padding 1
    np.testing.assert_allclose(e.total, (e.window * view.net[0].weight.data[2]).sum(), rtol=1e-5)
    assert "channel 0 = R" in view.detail.object
    assert "3 × 32 × 32" in view.layer_heads["input"].object


def test_your_own_picture_and_back_to_digits(view):
    rng = np.random.default_rng(0)
    picture = rng.integers(0, 256, (90, 60, 3), dtype=np.uint8)
    view.picker.source.take_frame(picture)
    assert view.photo == "yours" and view.picker.card.visible
    _, x = model_input(picture)
    np.testing.assert_array_equal(view.snapshot.x, x)
    view.model = "lenet5"
    assert view.snapshot.x.shape == (1, 1, 28, 28) and not view.photo_box.visible and view.digit_box.visible
    assert not view.picker.card.visible and "%" in view.prediction.object


def test_a_model_trained_in_your_classes_is_offered_with_its_names(session):
    key = session.register("classes", small_rgb_cnn(2, seed=3).eval(), arch="classes_cnn", input="photo",
                           classes=("cat", "<b>cup</b>"))
    view = InsideView(session=session)
    assert key in view.model_select.options.values()
    view.model = key
    assert not view._error.visible, view._error.object
    assert "&lt;b&gt;cup&lt;/b&gt;" in view.class_probs.object and "<b>cup</b>" not in view.class_probs.object
    assert "cat" in view.photo_note.object


def test_url_keeps_the_photo_and_chinese_works(session):
    location = Location(search="?model=photo_tiles&photo=grass&lang=zh")
    view = InsideView(session=session)
    view.sync_url(location)
    assert (view.model, view.photo, view.lang) == ("photo_tiles", "grass", "zh")
    assert "模型认为是" in view.prediction.object and "纹理：草地" in view.input_status.object
    assert "砾石 gravel" in view.class_probs.object and "data-class='gravel'" in view.class_probs.object
    view.photo = "brick"
    assert "photo=brick" in location.search

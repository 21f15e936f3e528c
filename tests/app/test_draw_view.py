"""The Draw & predict view without a browser: drawing in, prediction out."""
import numpy as np
import pytest
from panel.io.location import Location

from app.widgets.canvas import decode_image, encode_image
from app.core.i18n import t
from app.core.inference import prepare
from app.core.session import UNTRAINED_KEY, SessionState
from app.views.draw.view import DrawView


def stroke_image(rows=(20, 92), cols=(50, 62), size=112):
    """A white vertical bar on black: a drawn "1"."""
    image = np.zeros((size, size), np.uint8)
    image[rows[0]:rows[1], cols[0]:cols[1]] = 255
    return image


def ring_image(size=112):
    """A thick ring: a drawn "0"."""
    yy, xx = np.mgrid[:size, :size]
    r = np.hypot((yy - size / 2) / 1.3, xx - size / 2)
    return ((r > 22) & (r < 32)).astype(np.uint8) * 255


@pytest.fixture
def view():
    return DrawView()


def test_blank_canvas_gives_no_prediction(view):
    assert view.canvas.is_blank
    assert view.prediction == ""
    assert view.probabilities == []
    assert view.hint == "hint_draw"
    assert 'data-testid="prediction"></div>' in view.prediction_pane.object
    assert t("hint_draw", "en") in view.prediction_pane.object
    assert all(p == 0 for p in view.bars.source.data["prob"])


@pytest.mark.parametrize("drawing", [stroke_image(), ring_image()])
def test_drawing_updates_prediction_and_plots(view, drawing):
    bars_source, input_source = view.bars.source, view.input_plot.source
    view.canvas.image = encode_image(drawing)          # what the browser sends after a stroke

    # The view's answer is the model's own argmax on the preprocessed drawing.
    prepared = prepare(view.canvas.array)
    logits = np.asarray(view.session.get(view.model)(prepared.input)).reshape(-1)
    expected = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()   # softmax
    assert view.prediction == str(int(np.argmax(expected)))
    np.testing.assert_allclose(view.probabilities, expected, rtol=1e-6)
    assert f'data-testid="prediction">{view.prediction}</div>' in view.prediction_pane.object

    # Plots are updated in place: same sources, new data.
    assert view.bars.source is bars_source and view.input_plot.source is input_source
    np.testing.assert_allclose(bars_source.data["prob"], expected, rtol=1e-6)
    np.testing.assert_array_equal(input_source.data["image"][0], prepared.input[0, 0])
    colours = bars_source.data["color"]
    assert len(set(colours)) == 2 and colours.count(colours[int(view.prediction)]) == 1


def test_clear_empties_the_prediction(view):
    view.canvas.image = encode_image(stroke_image())
    assert view.prediction != ""
    view.canvas.clear()
    assert view.prediction == "" and view.probabilities == [] and view.canvas.strokes == 0
    assert not np.any(view.input_plot.source.data["image"][0])


def test_a_dot_is_not_a_digit(view):
    dot = np.zeros((112, 112), np.uint8)
    dot[50:60, 50:60] = 255
    view.canvas.image = encode_image(dot)
    assert view.prediction == ""
    assert view.hint in ("hint_blob", "hint_speck")


def test_sample_buttons_load_a_digit(view):
    if view._samples is None:
        pytest.skip("cnncore.data.sample_digits is not available")
    view.sample_buttons[7].clicks += 1
    assert view.canvas.strokes == 0 and not view.canvas.is_blank
    assert view.prediction in [str(d) for d in range(10)]
    # The canvas holds the sample, scaled up from 28x28.
    big = view.canvas.array.astype(np.float64) / 255
    np.testing.assert_allclose(big[::4, ::4], view._samples[7], atol=1 / 255)


def test_language_switch_relabels_and_keeps_state(view):
    view.canvas.image = encode_image(stroke_image())
    view.brush = 30
    before = (view.prediction, list(view.probabilities), view.model, view.canvas.image)
    view.lang = "zh"
    assert view.clear_button.label == t("clear", "zh") == "清除"
    assert view.undo_button.label == "撤销"
    assert view.brush_slider.label == t("brush", "zh")
    assert view.canvas.label == t("draw_canvas_label", "zh")
    assert t("prediction", "zh") in view.prediction_pane.object
    assert any("未训练" in label for label in view.model_select.options)
    assert view.bars.figure.xaxis[0].axis_label == t("digit", "zh")
    assert (view.prediction, view.probabilities, view.model, view.canvas.image) == before
    assert view.brush == 30 and view.canvas.brush_width == 30
    view.lang = "en"
    assert view.clear_button.label == "Clear"


def test_widgets_drive_params(view):
    view.brush_slider.value = 12
    assert view.brush == 12 and view.canvas.brush_width == 12
    view.brush = 40
    assert view.brush_slider.value == 40


def test_url_query_restores_and_records_state():
    location = Location(search=f"?model={UNTRAINED_KEY}&brush=30&lang=zh")
    view = DrawView()
    view.sync_url(location)
    assert (view.model, view.brush, view.lang) == (UNTRAINED_KEY, 30, "zh")
    assert view.clear_button.label == "清除"
    view.brush = 14
    view.lang = "en"
    assert location.query_params["brush"] == 14 and location.query_params["lang"] == "en"


def test_url_prefix_for_the_playground():
    location = Location(search="?draw_brush=26")
    view = DrawView()
    view.sync_url(location, prefix="draw_", lang=False)
    assert view.brush == 26
    assert "lang" not in location.query_params


def test_bad_url_value_shows_a_message_not_a_traceback():
    view = DrawView()
    view.sync_url(Location(search="?model=no_such_model"))
    assert view.model in view.session.keys
    assert view._error.visible and "no_such_model" in view._error.object


def test_model_errors_are_shown_in_the_page(view):
    class Broken:
        def __call__(self, x):
            raise ValueError("Linear: expected input (N, 400), got shape (1, 7)")

    view.session._models[view.model] = Broken()
    view.canvas.image = encode_image(stroke_image())
    assert view._error.visible and "expected input (N, 400)" in view._error.object
    view.session._models.pop(view.model)
    view.canvas.image = encode_image(ring_image())
    assert not view._error.visible and view.prediction != ""


def test_each_session_has_its_own_models():
    a, b = DrawView(), DrawView()
    assert a.session is not b.session
    assert a.session.get(a.model) is not b.session.get(b.model)


def test_a_model_trained_in_the_session_becomes_selectable(view):
    mine = view.session.get(UNTRAINED_KEY).__class__  # any Module type will do
    trained = SessionState().get(UNTRAINED_KEY)
    key = view.session.register("mine", trained)
    assert isinstance(trained, mine)
    assert key in view.model_select.options.values()
    assert key in view.param.model.objects
    view.model = key
    assert view.session.get(key) is trained and not view.untrained_note.visible


def test_canvas_image_round_trip():
    image = stroke_image()
    assert np.array_equal(decode_image(encode_image(image)), image)
    small = np.random.default_rng(0).random((28, 28))
    big = decode_image(encode_image(small))
    assert big.shape == (112, 112)
    np.testing.assert_allclose(big[::4, ::4] / 255, small, atol=0.5 / 255 + 1e-9)
    with pytest.raises(ValueError):
        decode_image(encode_image(image)[:-8])


def test_pretrained_model_reads_the_sample_digits(view):
    if not view.session.entry(view.model).pretrained or view._samples is None:
        pytest.skip("no pretrained model or no sample digits in this installation")
    for digit in range(10):
        view.load_sample(digit)
        assert view.prediction == str(digit)
    view.canvas.image = encode_image(stroke_image())
    assert view.prediction == "1"


def test_warm_up_builds_the_model_before_the_first_stroke():
    view = DrawView()
    view.session._models.clear()
    view.warm_up()
    assert view.model in view.session._models          # built, and run once
    assert view.prediction == "" and not view._error.visible

    class Broken:
        def __call__(self, x):
            raise ValueError("Conv2d: expected 1 input channel, got 3")

    view.session._models[view.model] = Broken()
    view.warm_up()                                       # a message, not a traceback
    assert view._error.visible and "expected 1 input channel" in view._error.object

"""The Gradients lab with a photo model: saliency over R, G, B, the layers, the checks."""
import numpy as np
import pytest
from panel.io.location import Location

from app.widgets.photo_input import model_input
from app.core.session import SessionState
from app.views.gradients.view import GradientsLab
from cnncore.images import fit
from cnncore.inspect import capture_gradients, saliency
from cnncore.models.photo_tiles import PHOTO_CLASSES, to_input
from cnncore.photos import photo


@pytest.fixture(scope="module")
def lab():
    return GradientsLab(session=SessionState(), model="photo_tiles", photo="coffee")


def test_saliency_is_the_engines_input_gradient_of_the_fitted_picture(lab):
    lab.param.update(photo="astronaut", target=-1, loss="score")
    assert not lab._error.visible, lab._error.object
    x = to_input(fit(photo("astronaut"), (32, 32)))
    np.testing.assert_array_equal(lab._image, x)
    net = lab.session.get("photo_tiles")
    expected = saliency(net, x[0])
    np.testing.assert_allclose(lab.saliency["gradient"], expected["gradient"], rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(lab.sal_plot.source.data["image"][0], np.abs(expected["gradient"]).max(axis=0),
                               rtol=1e-6, atol=1e-12)
    for plot, channel in zip((lab.signed_plot, *lab.signed_more), expected["gradient"]):   # R, G, B
        np.testing.assert_allclose(plot.source.data["image"][0], channel, rtol=1e-6, atol=1e-12)
        assert plot.mapper.low == -plot.mapper.high                                       # zero is white
    assert lab.signed_more[0].mapper.high == lab.signed_plot.mapper.high                   # one shared range
    best = PHOTO_CLASSES[int(np.argmax(expected["probabilities"]))]
    assert f"<b data-testid='grad-pred'>{best}</b>" in lab.sal_summary.object
    assert all(p.visible for p in lab.photo_panes) and not any(p.visible for p in lab.digit_panes)


def test_a_chosen_class_and_the_layer_gradients(lab):
    lab.param.update(photo="gravel", target=3, loss="cross_entropy")
    assert lab.saliency["target"] == 3 and "3 · rocket" in lab.target_select.options
    x = model_input(photo("gravel"))[1]
    _, grads = capture_gradients(lab.session.get("photo_tiles"), x, 3, "cross_entropy")
    for name in grads:
        np.testing.assert_allclose(lab.gradients[name], grads[name], rtol=1e-6, atol=1e-12)
    assert lab.gradients["input"].shape == (1, 3, 32, 32)


def test_finite_differences_on_a_colour_pixel(lab):
    lab.param.update(photo="rocket", target=-1, loss="score", fd_kind="pixel", fd_row=31, fd_col=0, fd_channel=1)
    assert not lab._error.visible, lab._error.object
    chosen = lab.fd[lab.fd_exp - 1]
    assert chosen.value == pytest.approx(float(lab._image[0, 1, 31, 0]))
    assert chosen.analytic == pytest.approx(float(lab.saliency["gradient"][1, 31, 0]), rel=1e-4, abs=1e-9)
    assert min(r.rel_error for r in lab.fd) < 1e-6
    assert "x[1, 31, 0]" in lab.fd_which.object and "channel G" in lab.fd_which.object
    assert lab.fd_channel_select.visible


def test_back_to_digits_clamps_the_photo_settings(lab):
    lab.param.update(model="photo_tiles", fd_kind="pixel", fd_row=31, fd_col=31, fd_channel=2, target=6)
    lab.model = "lenet5"
    assert not lab._error.visible, lab._error.object
    assert (lab.fd_row, lab.fd_col, lab.fd_channel) == (27, 27, 0) and lab._image.shape == (1, 1, 28, 28)
    assert lab.digit_box.visible and not lab.photo_box.visible and not lab.fd_channel_select.visible
    lab.model = "photo_tiles"


def test_url_and_chinese():
    location = Location(search="?model=photo_tiles&photo=brick&lang=zh&target=9")
    lab = GradientsLab(session=SessionState())
    lab.sync_url(location)
    assert (lab.model, lab.photo, lab.lang) == ("photo_tiles", "brick", "zh")
    assert lab.target == -1                                       # photo_tiles has 7 classes: the prediction
    assert lab._error.alert_type == "warning" and "target = '9'" in lab._error.object.replace('"', "'")
    assert "带符号的 ∂z_t/∂x，G" in lab.signed_more[0].figure.title.text
    assert "图片块" in lab.photo_note.object

"""The "Your classes" view without a browser: classes, pictures, refusals, training, prediction, files.

``autoplay=False``: no periodic callback; the tests call ``tick()`` as the callback would.
"""
import io

import numpy as np
import pytest
from PIL import Image

from app.views.classes.data import MAX_PER_CLASS, SIZE, ClassData, DataError
from app.widgets.webcam import FRAME_SIZE, decode_frame, encode_frame
from app.core.i18n import STRINGS
from app.views.classes.view import ClassesView, build_classifier
from app.views.classes.strings import STRINGS as CLASSES_STRINGS
from cnncore.data import photo


def png(image):
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def solid(colour, size=(40, 60)):
    rng = np.random.default_rng(sum(colour))
    noise = rng.integers(-20, 21, size + (3,))
    return np.clip(np.array(colour) + noise, 0, 255).astype(np.uint8)


def train_to_end(view):
    view.start()
    while view.status == "running":
        view.tick(budget=0.5)


def test_strings_have_both_languages_and_are_merged():
    for key, entry in CLASSES_STRINGS.items():
        assert key.startswith(("classes_", "view_classes")), key
        assert entry.get("en") and entry.get("zh"), key
        assert STRINGS[key] == entry


def test_make_classes_add_pictures_and_see_counts_and_split():
    view = ClassesView(autoplay=False)
    assert view.data.names == ["class 1", "class 2"]
    view.add_class()
    assert len(view.data.names) == 3 and view.target == 2
    view._names[0].value = "red things"
    assert view.data.names[0] == "red things"
    view._names[1].value = "red things"                     # names stay distinct
    assert view.data.names[1] == "red things (2)"
    view.target = 0
    assert view.add_files([png(solid((220, 30, 30))) for _ in range(8)], [f"r{i}.png" for i in range(8)]) == 8
    view.target = 1
    view._on_frame("capture", solid((30, 30, 220), (FRAME_SIZE, FRAME_SIZE)))
    assert view.data.counts() == [8, 1, 0]
    assert view.data.held_out_counts() == [2, 0, 0]
    assert "data-counts='8,1,0'" in view.counts_pane.object
    assert all(p.shape == (SIZE, SIZE, 3) and p.dtype == np.uint8 for p in view.data.pictures[0])
    view.remove_class()
    assert view.data.names == ["red things", "red things (2)"] and view.target == 1
    view.remove_class()                                      # two is the least: refused with a message
    assert len(view.data.names) == 2 and view.note.visible and "At least 2" in view.note.object


def test_a_class_with_0_or_1_pictures_refuses_to_train():
    view = ClassesView(autoplay=False)
    view.start()
    assert view.status == "idle" and view.training is None
    assert view.train_note.visible and "and “class 1” has 0." in view.train_note.object
    view.add_pictures(0, [solid((200, 0, 0))] * 3)
    view.add_pictures(1, [solid((0, 0, 200))])
    view.step_once()
    assert view.status == "idle" and "and “class 2” has 1." in view.train_note.object
    view.lang = "zh"
    assert "而“class 2”只有 1 张" in view.train_note.object
    assert not view._error.visible                           # a refusal, not an error


def test_bad_files_are_named_and_the_good_ones_kept():
    view = ClassesView(autoplay=False)
    good = png(solid((10, 200, 10)))
    added = view.add_files([good, b"not a picture", png(np.zeros((1, 1, 3), np.uint8))],
                           ["ok.png", "notes<i>.txt", "dot.png"])
    assert added == 1 and view.data.counts()[0] == 1
    assert view.note.alert_type == "warning"
    assert "notes<i>.txt" in view.note.object and "dot.png is only 1 × 1" in view.note.object


def test_a_class_is_capped_with_a_message():
    view = ClassesView(autoplay=False)
    view.add_pictures(0, [solid((1, 2, 3), (SIZE, SIZE))] * (MAX_PER_CLASS - 2))
    assert view.webcam.can_capture
    assert view.add_pictures(0, [solid((1, 2, 3), (SIZE, SIZE))] * 5) == 2
    assert view.data.counts()[0] == MAX_PER_CLASS
    assert "full" in view.note.object and str(MAX_PER_CLASS) in view.note.object
    assert not view.webcam.can_capture                       # the capture button is disabled too
    view.target = 1
    assert view.webcam.can_capture


def test_train_on_the_starter_set_then_predict():
    view = ClassesView(autoplay=False, epochs=3)
    view.load_starter()
    assert view.data.names == ["brick", "grass", "gravel"] and view.data.counts() == [64, 64, 64]
    assert "Starter set loaded: brick, grass, gravel" in view.note.object
    view.step_once()
    assert view.status == "paused" and view.steps == 1
    view.start()
    assert view.status == "running"
    while view.status == "running":
        view.tick(budget=0.5)
    assert view.status == "finished" and view.steps == view.training.total_steps == 3 * 9
    confusion = view.training.last_eval.confusion
    assert confusion.shape == (3, 3) and confusion.sum() == 48    # the 16 held-out tiles of each
    assert view.confusion.source.data["count"] == confusion.ravel().tolist()
    assert "brick:" in view.per_class.object
    assert len(view.curves.steps.data["step"]) == view.steps
    probabilities = view.predict(photo("grass")[100:164, 100:164])
    assert probabilities.shape == (3,) and probabilities.sum() == pytest.approx(1, abs=1e-5)
    assert view.prediction == view.data.names[int(np.argmax(probabilities))]
    assert f"data-class='{view.prediction}'" in view.prediction_pane.object
    assert "held-out accuracy" in view.status_pane.object


def test_the_starter_set_is_learnable():
    """Ten epochs on the starter set: well above chance (1/3) on the held-out tiles."""
    view = ClassesView(autoplay=False, epochs=10)
    view.load_starter()
    train_to_end(view)
    assert view.training.last_eval.accuracy > 0.8


def test_a_webcam_frame_is_predicted_and_names_follow_the_run():
    view = ClassesView(autoplay=False, epochs=1)
    view._on_frame("predict", solid((0, 0, 0), (FRAME_SIZE, FRAME_SIZE)))
    assert view.prediction == "" and "Train first" in view.prediction_pane.object
    view.add_pictures(0, [solid((230, 20, 20))] * 8)
    view.add_pictures(1, [solid((20, 20, 230))] * 8)
    train_to_end(view)
    view._on_frame("predict", solid((230, 20, 20), (FRAME_SIZE, FRAME_SIZE)))
    assert view.prediction in view.data.names
    view.add_pictures(0, [solid((230, 20, 20))])
    assert "train again" in view.status_pane.object          # the run did not see the new picture


def test_frames_round_trip_and_bad_frames_are_refused():
    frame = solid((5, 100, 250), (FRAME_SIZE, FRAME_SIZE))
    np.testing.assert_array_equal(decode_frame(encode_frame(frame)), frame)
    with pytest.raises(ValueError):
        decode_frame(encode_frame(frame[:10]))
    view = ClassesView(autoplay=False)
    view.webcam._handle_msg({"purpose": "capture", "frame": "!!not base64!!"})
    assert view._error.visible and view.data.counts() == [0, 0]


def test_camera_problems_are_explained():
    view = ClassesView(autoplay=False)
    for status, words in [("denied", "refused"), ("no_camera", "No camera"), ("unsupported", "https"),
                          ("on", "class 1")]:
        view.webcam.status = status
        assert words in view.camera_status.object, status
    view.webcam.param.update(detail="<b>busy</b>", status="error")
    assert "<b>busy</b>" in view.camera_status.object          # plain text: a Notice escapes it


def test_data_set_round_trip_and_bad_files():
    view = ClassesView(autoplay=False)
    view.load_starter()
    view._names[2].value = "stones"
    blob = view._download_data().getvalue()
    other = ClassesView(autoplay=False)
    assert other.open_file(blob, "mine.npz")
    assert other.data.names == ["brick", "grass", "stones"] and other.data.counts() == [64, 64, 64]
    np.testing.assert_array_equal(other.data.pictures[1][5], view.data.pictures[1][5])
    assert "mine.npz" in other.note.object
    for bad in (b"", b"PK\x03\x04 broken", blob[: len(blob) // 2]):
        assert not other.open_file(bad or b"x", "bad.npz")
        assert other.data.names == ["brick", "grass", "stones"]  # nothing lost
        assert "bad.npz was not opened" in other.note.object


def test_data_files_with_pickles_or_wrong_arrays_are_refused():
    good = ClassData(["a", "b"])
    good.add(0, solid((1, 2, 3)))
    arrays = good.arrays()

    def npz(**changes):
        buffer = io.BytesIO()
        np.savez(buffer, **{**arrays, **changes})
        return buffer.getvalue()

    assert ClassData.from_bytes(npz()).counts() == [1, 0]
    for changes, words in [({"images": np.array([object()], dtype=object)}, "readable"),
                           ({"images": np.zeros((1, 8, 8, 3), np.uint8)}, "images"),
                           ({"labels": np.array([5])}, "labels"),
                           ({"names": np.array(["only one"])}, "class names"),
                           ({"format": np.array("something else")}, "format")]:
        with pytest.raises(DataError, match=words):
            ClassData.from_bytes(npz(**changes))


def test_the_classifier_is_the_documented_network():
    model = build_classifier(4)
    x = np.zeros((2, 3, 32, 32), np.float32)
    assert model(x).shape == (2, 4)
    shapes = [tuple(p.shape) for p in model.parameters()]
    assert shapes == [(8, 3, 3, 3), (8,), (16, 8, 3, 3), (16,), (4, 1024), (4,)]

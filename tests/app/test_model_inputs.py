"""What a model takes: digit views never see photo models; the photo views get both, with class names."""
import numpy as np
import pytest

from app.core.session import DIGIT_CLASSES, SessionState
from app.views.classes.view import ClassesView
from app.views.draw.view import DrawView
from cnncore.models.small_rgb import small_rgb_cnn


def test_entries_say_what_they_take():
    session = SessionState()
    for key in session.keys:
        entry = session.entry(key)
        assert entry.input == "digit" and entry.input_shape == (1, 28, 28) and entry.class_names == DIGIT_CLASSES
    assert "photo_tiles" in session.photo_keys
    entry = session.entry("photo_tiles")
    assert entry.input == "photo" and entry.input_shape == (3, 32, 32) and len(entry.class_names) == 7
    assert session.get("photo_tiles")(np.zeros((1, 3, 32, 32), np.float32)).shape == (1, 7)


def test_digit_pickers_never_offer_photo_models():
    session = SessionState()
    key = session.register("classes", small_rgb_cnn(2), arch="classes_cnn", input="photo", classes=("cat", "dog"))
    assert key not in session.keys and key in session.photo_keys
    assert set(session.options("en").values()) == set(session.keys)
    assert not set(session.options("zh").values()) & set(session.photo_keys)
    both = session.options("en", inputs=("digit", "photo"))
    assert list(both.values()) == session.keys + session.photo_keys
    label = next(k for k, v in both.items() if v == key)
    assert "Your classes CNN" in label and "colour 32 × 32" in label
    assert session.entry(key).class_names == ("cat", "dog")
    draw = DrawView(session=session)
    assert key not in draw.param.model.objects and key not in draw.model_select.options.values()
    assert "photo_tiles" not in draw.param.model.objects
    with pytest.raises(ValueError):
        session.register("x", small_rgb_cnn(2), input="sound")


def test_the_classes_view_offers_its_finished_network_with_its_class_names():
    session = SessionState()
    view = ClassesView(session=session, autoplay=False, epochs=1)
    view.load_starter()
    view.start()
    while view.status == "running":
        view.tick(budget=0.5)
    key = view.registered_key
    assert key in session.photo_keys and key not in session.keys
    assert session.entry(key).class_names == ("brick", "grass", "gravel")
    picture = view.data.pictures[0][-1]
    from app.views.classes.view import to_input
    x = to_input(picture)
    np.testing.assert_array_equal(session.get(key)(x), view.model(x))   # a copy with the same weights
    assert session.get(key) is not view.model

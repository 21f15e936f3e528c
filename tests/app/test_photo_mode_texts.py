"""With a photo model, Inside, Gradients and Shift & rotate speak of a picture, not of a digit;
and a link's class, layer or channel the model does not have is listed with the ignored settings."""
import re

import pytest
from panel.io.location import Location

from app.core.i18n import t
from app.core.session import SessionState
from app.views.equivariance.view import EquivarianceLab
from app.views.gradients.view import GradientsLab
from app.views.inside.view import InsideView
from cnncore.models.photo_tiles import PHOTO_CLASSES
from cnncore.models.small_rgb import small_rgb_cnn

from .visible_text import visible_texts

# Words only a digit has: its 784 pixels, ink, strokes, handwriting (数字 "digit", 墨 "ink", 笔画 "stroke").
DIGIT_ONLY = {"en": re.compile(r"\bdigits?\b|\b784\b|\bink\b|\bstrokes?\b|handwrit|MNIST", re.I),
              "zh": re.compile(r"数字|784|墨|笔画|手写|MNIST")}
# Where naming digits is right in photo mode: why the digit networks are not compared.
CORRECT = ("eq_cmp_photo",)
VIEWS = {"inside": InsideView, "gradients": GradientsLab, "equivariance": EquivarianceLab}


@pytest.fixture(scope="module")
def session():
    session = SessionState()
    session.register("classes", small_rgb_cnn(3, seed=1).eval(), arch="classes_cnn", input="photo",
                     classes=("apple", "pear", "plum"))
    return session


@pytest.fixture(scope="module", params=list(VIEWS))
def view(request, session):
    return VIEWS[request.param](session=session)


def digit_words(view, lang):
    """The digit-only words ``view`` shows (in ``lang``), each with the text it sits in."""
    allowed = [t(key, lang) for key in CORRECT]
    found = []
    for text in visible_texts(view.__panel__()):
        for ok in allowed:
            text = text.replace(ok, "")
        found += [(m.group(0), text[:160]) for m in DIGIT_ONLY[lang].finditer(text)]
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_photo_model_is_explained_with_pictures_not_digits(view, session, lang):
    view.param.update(lang=lang, model="photo_tiles", photo="coffee")
    assert not view._error.visible, view._error.object
    assert digit_words(view, lang) == []
    if isinstance(view, GradientsLab):                            # the check of one colour pixel too
        view.fd_kind = "pixel"
        assert digit_words(view, lang) == []
        view.fd_kind = "weight"
    view.model = session.photo_keys[-1]                          # a network trained in Your classes
    assert not view._error.visible, view._error.object
    assert digit_words(view, lang) == []
    view.model = "photo_tiles"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_digit_model_keeps_its_digit_texts(view, lang):
    """The check above can fail: with a digit model the same views do speak of digits."""
    view.param.update(lang=lang, model="lenet5")
    assert not view._error.visible, view._error.object
    assert digit_words(view, lang), "no digit words found: the check would pass whatever the texts"
    view.model = "photo_tiles"                                    # and back, on a model switch alone
    assert digit_words(view, lang) == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_class_the_photo_model_does_not_have_is_listed_as_ignored(lang):
    location = Location(search=f"?model=photo_tiles&photo=brick&target=8&lang={lang}")
    lab = GradientsLab(session=SessionState())
    lab.sync_url(location)
    assert (lab.model, lab.photo, lab.target) == ("photo_tiles", "brick", -1)   # the prediction instead
    assert lab._error.visible and lab._error.alert_type == "warning"
    message = lab._error.object
    assert t("url_ignored", lang) in message and "target = '8'" in message
    assert f"0 {t('photo_in_class_chelsea', lang)}" in message and "6" in message
    assert not lab.saliency is None and lab.saliency["target"] in range(len(PHOTO_CLASSES))
    lab.target = 2                                                # the student's own choice clears it
    assert not lab._error.visible


def test_a_valid_class_and_a_model_switch_say_nothing():
    lab = GradientsLab(session=SessionState())
    lab.sync_url(Location(search="?model=photo_tiles&target=6"))
    assert lab.target == 6 and not lab._error.visible
    lab.model = "lenet5"
    lab.target = 9                                                # a digit class
    lab.model = "photo_tiles"                                     # the student switches: no link is blamed
    assert lab.target == -1 and not lab._error.visible


def test_gradients_layers_and_channels_the_model_lacks():
    lab = GradientsLab(session=SessionState())
    lab.sync_url(Location(search="?model=photo_tiles&layer=conv9&fd_layer=nope&out_ch=40&fd_kind=pixel&lang=en"))
    message = lab._error.object
    assert lab._error.visible, "the replaced settings were not said"
    assert (lab.layer, lab.fd_layer, lab.out_ch) == ("3", "0", 15)
    for part in ("layer = 'conv9'", "fd_layer = 'nope'", "out_ch = '40'", "one of 0, 3", "from 0 to 15"):
        assert part in message.replace('"', "'"), (part, message)


@pytest.mark.parametrize("view_class, query, parts", [
    (EquivarianceLab, "?model=photo_tiles&layer=9&channel=30", ("layer = '9'", "channel = '30'", "from 0 to 7")),
    (InsideView, "?model=photo_tiles&layer=nope&channel=30&i=40", ("layer = 'nope'", "channel = '30'", "i = '40'",
                                                                    "from 0 to 31")),
])
def test_shift_and_inside_say_which_layer_or_channel_was_replaced(view_class, query, parts):
    view = view_class(session=SessionState())
    view.sync_url(Location(search=query + "&lang=zh"))
    assert view.model == "photo_tiles" and view._error.visible
    message = view._error.object.replace('"', "'")
    assert t("url_ignored", "zh") in message
    for part in parts:
        assert part in message.replace("从 0 到", "from 0 to").replace(" 的整数", ""), (part, message)

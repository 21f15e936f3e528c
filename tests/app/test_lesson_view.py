"""The Lesson view in Python: build a lesson from the views set up in the page, reorder, note,
share it as a link and a file, open it again, play it and follow it in a presenter window.
Everything a lesson holds reaches the page as text only."""
import logging

import pytest
from panel.io.location import Location

from app.views.lesson import format as lf
from app.views.lesson.format import Lesson, Step
from app.views.lesson.view import LessonView
from tests.app.test_hostile_files import live_markup, rendered, shows_as_text
from tests.hostile import PAYLOADS


@pytest.fixture(autouse=True)
def _no_tracebacks(caplog):
    caplog.set_level(logging.WARNING, logger="cnn_playground")
    yield
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]


def shown(**params):
    view = LessonView(**params)
    view.__panel__()
    return view


def preview(view):
    return view._previews[view.view_w.value][0]


def test_add_the_view_set_up_in_the_preview_then_reorder_and_note():
    view = shown()
    assert view.view_w.value == "conv" and not view.model.steps and view.play_w.disabled
    conv = preview(view)
    conv.kernel, conv.stride = 5, 2
    view.add_current()
    conv.kernel = 3                                            # back to the default: left out
    view.add_current()
    assert [s.query for s in view.model.steps] == [{"kernel": "5", "stride": "2"}, {"stride": "2"}]
    assert "Added step 2" in view.status.object and not view.play_w.disabled
    view.view_w.value = "pooling"                              # another view in the preview
    preview(view).pool = "avg"
    view.add_current()
    assert [s.view for s in view.model.steps] == ["conv", "conv", "pooling"]
    view.move(2, -1)
    view.move(0, 1)
    assert [s.view for s in view.model.steps] == ["pooling", "conv", "conv"]
    # notes typed in the step's two boxes
    card = view.steps_list.objects[0]
    en, zh = [w for w in card.objects if hasattr(w, "rows")]
    en.value, zh.value = "Average pooling.", "平均池化。"
    assert view.model.steps[0].note_en == "Average pooling." and view.model.steps[0].note_zh == "平均池化。"
    # delete, and bring it back
    view.delete(1)
    assert len(view.model.steps) == 2 and view.restore_w.visible
    view.restore()
    assert len(view.model.steps) == 3 and view.model.steps[0].note_zh == "平均池化。"
    # the URL always holds the lesson
    assert lf.from_code(view.lesson) == view.model


def test_a_pasted_link_adds_its_view_and_shows_it():
    view = shown()
    view.add_link("http://localhost:5006/playground?view=conv&conv_kernel=7&conv_dilation=2&lang=zh")
    assert view.model.steps == [Step("conv", {"kernel": "7", "dilation": "2"})]
    assert preview(view).kernel == 7 and preview(view).dilation == 2
    view.add_link("http://localhost:5006/nowhere?x=1")
    assert len(view.model.steps) == 1 and view.status.alert_type == "danger" and "nowhere" in view.status.object


def test_share_as_a_link_and_reopen_it():
    view = shown()
    view.open_example("convolution")
    view.title_w.value = "My  lesson"
    location = Location(search="")
    view.sync_url(location)
    assert location.query_params["lesson"] == view.lesson
    assert view.share_w.value.startswith("lesson?lesson=") and view.lesson in view.share_w.value
    other = shown()
    other.sync_url(Location(search=location.search + "&step=3&play=true"))
    assert other.model == view.model and other.model.title == "My lesson"
    assert other.play and other.step == 3 and not other.builder.visible and other.player.visible
    assert 'data-step="3"' in rendered(other.counter).replace("'", '"')
    assert "Padding" in rendered(other.note)


def test_share_as_a_file_and_open_it():
    view = shown()
    view.open_example("pixels_to_prediction")
    assert view.download_w.filename == "from-a-drawing-to-a-prediction.lesson.json"
    data = view._file().getvalue()
    other = shown()
    other.upload_w.receive("my lesson.json", data)
    assert other.model == view.model and "Opened the lesson file my lesson.json" in other.status.object
    other.upload_w.receive("bad.json", b"{}")
    assert other.model == view.model and other.status.alert_type == "danger"       # the lesson here stays
    other.upload_w.receive("huge.json", b" " * (lf.MAX_FILE_BYTES + 1))
    assert "too large" in other.status.object and other.model == view.model


def test_a_lesson_too_long_for_a_link_says_so_and_downloads():
    view = shown()
    import random
    rng = random.Random(1)
    view.replace(Lesson("long", [Step("conv", {}, "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(lf.MAX_NOTE)))
                                 for _ in range(6)]))
    assert view.lesson == "" and view.share_w.value == ""
    assert "too long for a link" in rendered(view.share_len)
    assert lf.from_json(view._file().getvalue()) == view.model


def test_play_steps_with_buttons_and_the_remote():
    view = shown()
    view.open_example("convolution")
    view.start(1)
    assert view.remote.active and "cnn-projector" in view.remote.page_classes and view.remote.count == 6
    conv = view._stage[0][1]
    assert conv.size == 10 and conv.kernel == 3
    view.next_w.clicks += 1
    assert view.step == 2 and view._stage[1][1].kernel == 5 and view.remote.step == 1
    view.remote.step = 5                                      # a key in the browser (or the presenter window)
    assert view.step == 6 and view._stage[5][1].channels == "rgb" and view.next_w.disabled
    view.go(99)
    assert view.step == 6
    visible = [i for i, (_, _, panel) in view._stage.items() if panel.visible]
    assert visible == [5]
    view.projector_w.value = False                            # the step is built again without the projector theme
    assert view.remote.page_classes == ["cnn-embed"] and list(view._stage) == [5]
    view.exit_w.clicks += 1
    assert not view.play and view.builder.visible and not view.remote.active


def test_presenter_window_shows_this_and_the_next_note():
    lesson = Lesson("t", [Step("conv", {}, "first", "一"), Step("pooling", {}, "second", "二")])
    view = shown(lesson=lf.to_code(lesson), presenter=True)
    assert view.presenter_view.visible and not view.builder.visible and not view._stage and not view._previews
    assert "first" in rendered(view.pres_now) and "second" in rendered(view.pres_next)
    view.remote.step = 1
    assert "second" in rendered(view.pres_now) and "last step" in rendered(view.pres_next)
    assert view.remote.clock == "Time since you started:"
    view.lang = "zh"
    assert "二" in rendered(view.pres_now) and "最后一步" in rendered(view.pres_next) and view.remote.clock == "已用时间："
    # the lesson window's presenter link opens this window, on the same channel
    main = shown(lesson=lf.to_code(lesson))
    assert "presenter=true" in rendered(main.presenter_link) and main.remote.channel == view.remote.channel != ""


def test_a_bad_link_says_why_and_keeps_the_page_working():
    view = shown(lesson="eNoBAD")
    assert view.status.visible and view.status.alert_type == "danger" and "damaged" in view.status.object
    view.lang = "zh"
    assert "损坏" in view.status.object
    view.open_example("convolution")
    assert len(view.model.steps) == 6


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_titles_notes_and_values_show_as_text(payload):
    lesson = Lesson(payload[:lf.MAX_TITLE], [Step("conv", {"weights": payload}, payload, payload),
                                            Step("conv", {}, payload, payload)])
    view = shown(lesson=lf.to_code(lesson))
    assert not live_markup(view)
    assert shows_as_text(view.steps_list.objects[0].objects[0], f"weights={payload}"[:89])
    view.start(1)
    assert not live_markup(view) and shows_as_text(view.note, payload)
    view.presenter = True
    assert not live_markup(view) and shows_as_text(view.pres_next, payload)
    # as a link, a file name or a lesson code: refused as text
    view = shown(lesson=payload)
    assert not live_markup(view) and view.status.visible
    view.upload_w.receive(payload.replace("/", "") + ".json", b"nope")
    assert not live_markup(view) and view.status.alert_type == "danger"
    view.add_link(payload)
    assert not live_markup(view)


def test_both_languages():
    view = shown(lang="zh")
    assert view.play_w.name == "▶ 全屏放映"
    view.open_example("convolution")
    view.start(2)
    assert "第 2 步，共 6 步" in rendered(view.counter) and "填充" not in rendered(view.note)
    view.lang = "en"
    assert "Step 2 of 6" in rendered(view.counter) and "larger kernel" in rendered(view.note)
    assert view._stage[1][1].lang == "en"


def test_every_string_the_view_shows_exists(monkeypatch):
    """As tests/app/test_shared.py does for the other views: no key shows as itself."""
    from app.core import i18n
    missing = set()

    class Recording(dict):
        def get(self, name, default=None):
            if name not in self:
                missing.add(name)
            return super().get(name, default)

    monkeypatch.setattr(i18n, "STRINGS", Recording(i18n.STRINGS))
    view = shown()
    view.open_example("convolution")
    view.add_link("nowhere")
    view.start(1)
    view.presenter = True
    view.lang = "zh"
    view.presenter = False
    view.play = False
    assert not missing, missing


def test_a_fresh_lesson_url_names_no_default():
    """Like the playground's views, the page's URL holds only what differs from a fresh page."""
    view = shown()
    location = Location(search="")
    view.sync_url(location)
    for name in ("step", "play", "presenter", "lesson"):
        assert name not in location.query_params, location.search
    view.open_example("convolution")
    view.start(2)
    assert location.query_params["lesson"] == view.lesson and location.query_params["step"] == 2
    assert location.query_params["play"] is True
    view.play = False
    view.step = 1
    assert "play" not in location.query_params and "step" not in location.query_params, location.search

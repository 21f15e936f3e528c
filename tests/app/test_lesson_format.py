"""The lesson format (app/views/lesson/format.py): file and link round trips, and every refusal.

A lesson is outside text (a file or a link anyone may have made): each field is checked, and
every refusal is a :class:`LessonError` whose message exists in both languages and quotes the
bad value only shortened. The example lessons are valid lessons whose every setting is one
their view takes.
"""
import base64
import json
import zlib
from urllib.parse import parse_qsl

import pytest

from app.views.lesson import format as lf
from app.views.lesson.examples import EXAMPLES, example
from app.views.lesson.format import Lesson, LessonError, Step
from tests.hostile import PAYLOADS


def lesson(n=3):
    return Lesson("Convolution · 卷积 <b>", [
        Step("conv", {"kernel": str(k), "stride": "2"}, f"Step {k}: <img src=x onerror=alert(1)>", f"第 {k} 步\n两行")
        for k in range(1, n + 1)])


def raw(**fields):
    base = {"format": lf.FORMAT, "version": 1, "title": "t",
            "steps": [{"view": "conv", "query": {"kernel": "5"}, "note_en": "a", "note_zh": "乙"}]}
    base.update(fields)
    return base


def step_raw(**fields):
    step = {"view": "conv", "query": {"kernel": "5"}, "note_en": "a", "note_zh": "乙"}
    step.update(fields)
    return raw(steps=[step])


def refusal(data, reader=lf.from_json):
    with pytest.raises(LessonError) as info:
        reader(data)
    error = info.value
    en, zh = error.message("en"), error.message("zh")
    assert en and zh and en != zh, (en, zh)
    assert "{" not in en and "{" not in zh, (en, zh)        # every field filled in
    return error


# -- round trips ----------------------------------------------------------------------------
def test_file_round_trip_keeps_every_field():
    original = lesson()
    data = original.to_file()
    assert data.decode("utf-8").startswith("{") and json.loads(data)["version"] == 1
    assert lf.from_json(data) == original
    assert lf.from_json(data.decode("utf-8")) == original
    assert lf.from_json(b"\xef\xbb\xbf" + data) == original            # a BOM (Windows editors) is fine


def test_link_round_trip_is_compact_base64url():
    original = lesson(12)
    code = lf.to_code(original)
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), code
    assert len(code) < len(original.to_json(compact=True).encode())     # zlib pays off
    assert lf.from_code(code) == original
    # the code is exactly compact JSON -> UTF-8 -> zlib -> base64url without padding
    unpacked = zlib.decompress(base64.urlsafe_b64decode(code + "=" * (-len(code) % 4)))
    assert json.loads(unpacked) == original.to_dict()


def test_a_missing_format_marker_and_numbers_as_values_are_accepted():
    data = {"version": 1, "steps": [{"view": "conv", "query": {"kernel": 5, "bias": 0.5}}]}
    read = lf.from_dict(data)
    assert read.steps[0].query == {"kernel": "5", "bias": "0.5"} and read.title == ""
    assert read.steps[0].note("zh") == "" and Step("conv", {}, "en", "").note("zh") == "en"


def test_every_example_is_a_lesson_whose_settings_the_views_take():
    from app.core.session import SessionState
    from app.views.lesson.view import build_step_view
    session = SessionState()
    for key in EXAMPLES:
        read = example(key)
        assert read.title and 3 <= len(read.steps) <= 8
        assert len(lf.to_code(read)) <= lf.MAX_CODE_CHARS
        for step in read.steps:
            assert step.note_en and step.note_zh
            view, location = build_step_view(step.view, step.query, session, "en")
            assert not view._url_problems, (key, step, view._url_problems)
            for name, value in step.query.items():     # applied, and read back as the step has it
                assert str(view.param[name].serialize(getattr(view, name))) == value, (key, name)
            # the view's URL names the settings that differ from its defaults (a step may name a default too)
            read_back = dict(parse_qsl(location.search.lstrip("?")))
            assert read_back.items() <= step.query.items(), (read_back, step.query)


# -- refusals: files ----------------------------------------------------------------------------
@pytest.mark.parametrize("data, key", [
    (b"\xff\xfe\x00", "lesson_err_not_text"),
    (b"{not json", "lesson_err_bad_json"),
    (b'{"version": NaN}', "lesson_err_bad_json"),
    (b"[1, 2]", "lesson_err_not_lesson"),
    (json.dumps(raw(format="cnn-model")).encode(), "lesson_err_not_lesson"),
    (json.dumps({"steps": []}).encode(), "lesson_err_not_lesson"),
    (json.dumps(raw(version=2)).encode(), "lesson_err_version"),
    (json.dumps(raw(version=True)).encode(), "lesson_err_version"),
    (json.dumps(raw(extra=1)).encode(), "lesson_err_not_lesson"),
    (json.dumps(raw(title=["x"])).encode(), "lesson_err_title"),
    (json.dumps(raw(title="x" * (lf.MAX_TITLE + 1))).encode(), "lesson_err_title"),
    (json.dumps(raw(steps={"view": "conv"})).encode(), "lesson_err_steps"),
    (json.dumps(raw(steps=[{"view": "conv"}] * (lf.MAX_STEPS + 1))).encode(), "lesson_err_steps"),
    (json.dumps(raw(steps=["conv"])).encode(), "lesson_err_step"),
    (json.dumps(step_raw(script="x")).encode(), "lesson_err_step"),
    (json.dumps(step_raw(view="lesson")).encode(), "lesson_err_unknown_view"),
    (json.dumps(step_raw(view="nope")).encode(), "lesson_err_unknown_view"),
    (json.dumps(step_raw(query=[1])).encode(), "lesson_err_step"),
    (json.dumps(step_raw(query={f"k{i}": "1" for i in range(lf.MAX_SETTINGS + 1)})).encode(), "lesson_err_step"),
    (json.dumps(step_raw(query={"Kernel": "5"})).encode(), "lesson_err_setting"),
    (json.dumps(step_raw(query={"lang": "zh"})).encode(), "lesson_err_setting"),
    (json.dumps(step_raw(query={"theme": "projector"})).encode(), "lesson_err_setting"),
    (json.dumps(step_raw(query={"brush": "5"})).encode(), "lesson_err_setting"),       # a setting of another view
    (json.dumps(step_raw(query={"kernel": {"a": 1}})).encode(), "lesson_err_setting"),
    (json.dumps(step_raw(query={"kernel": "5" * (lf.MAX_VALUE + 1)})).encode(), "lesson_err_setting"),
    (json.dumps(step_raw(note_en=5)).encode(), "lesson_err_note"),
    (json.dumps(step_raw(note_zh="长" * (lf.MAX_NOTE + 1))).encode(), "lesson_err_note"),
])
def test_a_bad_file_is_refused_with_a_message_in_both_languages(data, key):
    assert refusal(data).key == key


def test_an_oversize_file_or_deep_json_is_refused_before_it_is_parsed():
    assert refusal(b" " * (lf.MAX_FILE_BYTES + 1)).key == "lesson_err_too_big"
    assert refusal(b"[" * 100_000 + b"]" * 100_000).key in ("lesson_err_too_big", "lesson_err_bad_json")
    assert refusal(b"[" * 50_000 + b"]" * 50_000).key == "lesson_err_bad_json"    # RecursionError: a message


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_values_are_refused_or_kept_as_the_characters_typed(payload):
    # as a view, a setting's name or a format marker: refused, the value quoted short
    for data in (step_raw(view=payload), step_raw(query={payload: "1"}), raw(format=payload), raw(version=payload)):
        error = refusal(json.dumps(data))
        for lang in ("en", "zh"):       # quoted short: a long value is named by its start
            assert len(payload) <= 40 or payload not in error.message(lang)
            assert len(error.message(lang)) < 400
    # as a title, a note or a setting's value: kept as text (the page shows it as text)
    read = lf.from_dict(step_raw(note_en=payload, note_zh=payload, query={"weights": payload}))
    assert read.steps[0].note_en == payload and read.steps[0].query["weights"] == payload
    assert lf.from_code(lf.to_code(read)) == read


# -- refusals: links ------------------------------------------------------------------------------
def test_a_bad_link_code_is_refused():
    good = lf.to_code(lesson())
    assert refusal("", lf.from_code).key == "lesson_err_code_bad"
    assert refusal(good[: len(good) // 2], lf.from_code).key == "lesson_err_code_bad"     # cut
    assert refusal(good + "!", lf.from_code).key == "lesson_err_code_bad"                  # not base64url
    assert refusal("A" * (lf.MAX_CODE_CHARS + 1), lf.from_code).key == "lesson_err_code_long"
    not_zlib = base64.urlsafe_b64encode(b"hello world").decode().rstrip("=")
    assert refusal(not_zlib, lf.from_code).key == "lesson_err_code_bad"
    for payload in PAYLOADS:
        assert refusal(payload, lf.from_code).key == "lesson_err_code_bad"


def test_a_zip_bomb_in_a_link_is_stopped_at_the_size_limit():
    bomb = base64.urlsafe_b64encode(zlib.compress(b" " * (20 * lf.MAX_FILE_BYTES), 9)).decode().rstrip("=")
    assert len(bomb) < lf.MAX_CODE_CHARS
    assert refusal(bomb, lf.from_code).key == "lesson_err_too_big"


def test_a_lesson_too_long_for_a_link_is_longer_than_the_limit():
    import random
    rng = random.Random(0)
    noisy = Lesson("x", [Step("conv", {}, "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(lf.MAX_NOTE)))
                         for _ in range(6)])
    assert len(lf.to_code(noisy)) > lf.MAX_CODE_CHARS        # the page offers the file instead
    assert lf.from_json(noisy.to_file()) == noisy            # the file holds it


# -- steps from links ------------------------------------------------------------------------------
@pytest.mark.parametrize("link, view, query", [
    ("http://localhost:5006/conv?kernel=5&stride=2&lang=zh&theme=projector", "conv", {"kernel": "5", "stride": "2"}),
    ("https://example.org/site/conv.html?kernel=5", "conv", {"kernel": "5"}),
    ("/playground?view=pooling&pooling_pool=avg&draw_brush=30&lang=en", "pooling", {"pool": "avg"}),
    ("http://localhost:5006/playground", "draw", {}),
    ("pooling?pool=max&utm_source=mail", "pooling", {"pool": "max"}),        # not the view's: left out
])
def test_a_step_from_a_link_of_a_view(link, view, query):
    step = lf.step_from_link(link)
    assert (step.view, step.query) == (view, query)


@pytest.mark.parametrize("link", ["", "http://localhost:5006/lesson?lesson=x", "http://localhost:5006/nothing",
                                  "http://x/index.html", "x" * (lf.MAX_LINK_CHARS + 1), *PAYLOADS])
def test_a_link_that_shows_no_view_is_refused(link):
    assert refusal(link, lf.step_from_link)


# -- building ---------------------------------------------------------------------------------------
def test_add_move_remove():
    built = Lesson("t")
    for k in (1, 2, 3):
        built.add(Step("conv", {"kernel": str(k)}))
    assert [s.query["kernel"] for s in built.steps] == ["1", "2", "3"]
    assert built.move(0, 1) == 1 and [s.query["kernel"] for s in built.steps] == ["2", "1", "3"]
    assert built.move(2, 5) == 2 and built.move(0, -1) == 0                    # clamped at the ends
    built.remove(1)
    assert [s.query["kernel"] for s in built.steps] == ["2", "3"]
    with pytest.raises(LessonError):
        built.add(Step("nope"))
    with pytest.raises(LessonError):
        built.add(Step("conv", {"lang": "zh"}))
    full = Lesson("t", [Step("conv")] * lf.MAX_STEPS)
    with pytest.raises(LessonError):
        full.add(Step("conv"))


def test_channel_names_differ_per_lesson():
    a, b = lf.to_code(lesson(2)), lf.to_code(lesson(3))
    assert lf.channel_name(a) == lf.channel_name(a) != lf.channel_name(b)
    assert lf.channel_name(a).startswith("cnn-lesson-")

"""The Train view without a browser: the run's controls, divergence, the builder, files, session.

Runs use a tiny network and few digits so each test takes a second or two;
``autoplay=False`` means no periodic callback: the tests call ``tick()``
themselves, as the callback would.
"""
import numpy as np
import pytest

from app.widgets.training_plots import KernelMosaic
from app.views.train.layers import DEFAULT_ARCH, build_network, format_arch, parse_arch
from app.core.training import TrainingRun
from app.core.i18n import STRINGS
from app.core.session import SessionState
from app.views.train.builder import NetworkBuilder
from app.views.train.view import TrainView, balanced_subset
from app.views.train.strings import STRINGS as TRAIN_STRINGS

TINY = "c4k3p1-relu-max2-max2"          # conv 4@3x3 -> 4 x 7 x 7 -> Linear 196 -> 10


def tiny_view(**params):
    settings = dict(model="custom", arch=TINY, subset=500, batch_size=16, epochs=1, lr=0.05)
    settings.update(params)
    return TrainView(autoplay=False, **settings)


def weights(model):
    return {k: np.array(v, copy=True) for k, v in model.state_dict().items()}


def test_strings_have_both_languages_and_are_merged():
    for key, entry in TRAIN_STRINGS.items():
        assert key.startswith(("train_", "builder_", "model_train_")), key
        assert entry.get("en") and entry.get("zh"), key
        assert STRINGS[key] == entry


def test_start_ticks_grow_history_and_streamed_curves():
    view = tiny_view()
    view.start()
    assert view.status == "running" and view.training is not None
    for _ in range(8):
        view.tick(budget=0.02)
    steps = view.training.trainer.history.step
    assert view.steps == len(steps) > 0
    view._flush(force=True)
    assert len(view.curves.steps.data["step"]) == view.steps
    assert view.curves.steps.data["step"] == steps
    assert len(view.grads.source.data["step"]) == view.steps
    assert view.curves.evals.data["step"][0] == 0          # evaluated before the first step
    assert f"data-steps='{view.steps}'" in view.status_pane.object


def test_pause_stops_steps_and_resume_continues():
    view = tiny_view()
    view.start()
    while view.steps < 2:
        view.tick(budget=0.02)
    view.pause()
    assert view.status == "paused"
    done = view.steps
    for _ in range(3):
        view.tick()
    assert view.steps == done
    assert view.start_button.label == view.t("train_resume") and not view.start_button.disabled
    view.start()
    view.tick(budget=0.0)
    assert view.status == "running" and view.steps >= done      # resumed the same run
    assert view.training.trainer.history.step[:done] == list(range(1, done + 1))


def test_single_step_is_exactly_one_optimizer_step():
    view = tiny_view()
    view.step_once()
    assert view.status == "paused" and view.steps == 1
    before = weights(view.training.model)
    view.step_once()
    assert view.steps == 2 and len(view.training.trainer.history.step) == 2
    after = weights(view.training.model)
    assert any(not np.array_equal(before[k], after[k]) for k in before)


def test_learning_rate_change_applies_at_the_next_step():
    view = tiny_view(lr=0.05)
    view.step_once()
    view.lr = 0.003
    assert view.training.lr == pytest.approx(0.003)
    assert view.lr_slider.value == 0.003
    view.step_once()
    assert view.training.trainer.history.lr == [pytest.approx(0.05), pytest.approx(0.003)]


def run_to_the_end(view):
    view.start()
    while view.status == "running":
        view.tick()


def test_huge_learning_rate_diverges_with_a_message_and_keeps_the_last_good_weights():
    view = tiny_view(model="lenet5", lr=1.0, optimizer="sgd", subset=1000, batch_size=32, epochs=5)
    snapshots = {0: weights(view.build_model())}
    for _ in range(60):
        view.step_once()
        if view.status == "diverged":
            break
        snapshots[view.steps] = weights(view.training.model)
    assert view.status == "diverged", "lr=1 should blow up within 60 steps"
    event = view.training.diverged
    assert view.diverged_alert.visible
    shown = view.diverged_alert.object
    assert f"at step {event.step}" in shown and "the learning rate 1 is too high; try ≤ 0.05" in shown
    assert f"weights from step {event.restored_step} were restored" in shown or "initial weights" in shown
    assert "train-diverged" in view.diverged_alert.object
    kept = weights(view.training.model)
    assert all(np.isfinite(v).all() for v in kept.values())
    good = snapshots[event.restored_step]
    assert all(np.array_equal(kept[k], good[k]) for k in kept)
    assert view.curves.diverged.visible and view.curves.diverged.location == event.step
    view.lang = "zh"
    assert "学习率 1 太大了，请试试 ≤ 0.05" in view.diverged_alert.object and view.diverged_alert.visible


def test_raising_the_learning_rate_mid_run_keeps_a_model_that_is_better_than_chance():
    """The issue's run: train at 0.05, raise the rate to 1 while it runs. The weights put back
    are really good ones (well above the 10 % of guessing), and the model offered to the other
    views says that its training diverged."""
    session = SessionState()
    view = TrainView(session=session, autoplay=False, model="lenet5", lr=0.05, subset=1000, batch_size=32,
                     epochs=5)
    for _ in range(48):
        view.step_once()
    learned = view.training.last_eval.accuracy
    assert learned > 0.4
    view.lr = 1.0
    while view.status == "paused":
        view.step_once()
    assert view.status == "diverged"
    restored = view.training.last_eval
    assert restored.step == view.steps and restored.accuracy > 0.4      # measured after the restore
    label = session.entry(view.trained_key).label("en")
    assert "diverged" in label and label in view.registered_note.object
    assert view.registered_note.alert_type == "warning"
    assert f"step {view.training.diverged.restored_step}" in view.registered_note.object
    view.lang = "zh"
    assert "发散" in session.entry(view.trained_key).label("zh") and "发散" in view.registered_note.object


def test_a_model_no_better_than_guessing_is_not_offered_to_the_other_views():
    session = SessionState()
    before = list(session.keys)
    view = TrainView(session=session, autoplay=False, model="custom", arch=TINY, subset=500, batch_size=128,
                     epochs=1, lr=0.0001)                               # too slow to learn anything in 4 steps
    run_to_the_end(view)
    assert view.status == "finished" and view.training.diverged is None
    assert view.training.last_eval.accuracy < 0.15
    assert session.keys == before and view.trained_key == ""
    assert view.registered_note.visible and view.registered_note.alert_type == "warning"
    assert "no better than guessing (10%)" in view.registered_note.object
    view.lang = "zh"
    assert "瞎猜" in view.registered_note.object


def test_the_learning_rate_offered_stays_where_training_can_work():
    import re
    from panel.io.location import Location

    view = TrainView(autoplay=False)
    low, high = view.param.lr.bounds
    assert list(view.lr_slider.options) == [r for r in view.lr_slider.options if low <= r <= high]
    assert (low, high) == (min(view.lr_slider.options), max(view.lr_slider.options)) == (0.0001, 1.0)
    for lang in ("en", "zh"):                                        # the hint invites no diverging value
        view.lang = lang
        hinted = [float(x) for x in re.findall(r"\d+(?:\.\d+)?", view.lr_hint.object)]
        assert hinted and max(hinted) <= 0.05
    for value in ("100", "0", "-1"):
        bad = TrainView(autoplay=False)
        bad.sync_url(Location(search=f"?lr={value}"))
        assert bad.lr == 0.05 and bad._error.visible, value
        assert "lr" in bad._error.object and "must be a number from 0.0001 to 1" in bad._error.object


def test_finished_run_is_registered_and_selectable():
    session = SessionState()
    view = TrainView(session=session, autoplay=False, model="custom", arch=TINY, subset=500, batch_size=128,
                     epochs=1)
    view.start()
    for _ in range(200):
        view.tick(budget=0.05)
        if view.status != "running":
            break
    assert view.status == "finished"
    assert view.trained_key in session.keys
    model = session.get(view.trained_key)
    assert model is not view.training.model                            # a copy: further runs do not change it
    x = np.random.default_rng(0).random((2, 1, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(model(x), view.training.model.eval()(x))
    assert view.trained_key in session.options("en").values()
    assert view.registered_note.visible


def test_stop_ends_the_run_and_evaluates_it_and_an_untrained_model_is_not_offered():
    view = tiny_view()
    keys = list(view.session.keys)
    view.step_once()
    view.stop()
    assert view.status == "stopped"
    assert view.training.last_eval.step == 1
    assert view.session.keys == keys and "no better than guessing" in view.registered_note.object
    assert view.stop_button.disabled and not view.start_button.disabled


def test_download_upload_roundtrip_gives_identical_outputs():
    view = tiny_view()
    view.step_once()
    data = view.model_bytes()
    assert view._download_file().getvalue() == data
    other = TrainView(autoplay=False)
    assert other.load_upload(data, "mine.npz")
    assert other.model == "uploaded" and other.upload_message.alert_type == "success"
    x = np.random.default_rng(1).random((3, 1, 28, 28)).astype(np.float32)
    uploaded = other.build_model()
    np.testing.assert_array_equal(uploaded.eval()(x), view.training.model.eval()(x))
    other.step_once()                                                 # training goes on from the file
    assert other.steps == 1


@pytest.mark.parametrize("data", [b"not a model at all", b"PK\x03\x04broken zip", b"\x00" * 64])
def test_malformed_upload_shows_the_model_file_error(data):
    from cnncore.errors import ModelFileError
    from cnncore.io import load

    with pytest.raises(ModelFileError) as info:
        load(data)
    view = TrainView(autoplay=False)
    assert not view.load_upload(data, "bad.npz")
    assert view.upload_message.visible and view.upload_message.alert_type == "danger"
    assert str(info.value) in view.upload_message.object              # plain text, quoted as it is
    assert "\\x" not in view.upload_message.object                     # never raw bytes
    assert view.model != "uploaded" and not view._error.visible
    view.lang = "zh"
    assert "无法使用文件 bad.npz" in view.upload_message.object and "已损坏" in view.upload_message.object


def test_empty_files_and_files_over_the_limit_are_explained_and_replace_the_old_message():
    import io as _io
    from app.views.train.view import MAX_UPLOAD_BYTES
    from cnncore.io import to_bytes

    view = TrainView(autoplay=False)
    assert f"at most {MAX_UPLOAD_BYTES // 2 ** 20} MB" in view.upload_label.object
    assert not view.load_upload(None, "empty.npz")                   # an empty file arrives as None
    assert view.upload_message.visible and "the file is empty" in view.upload_message.object
    empty_npz = _io.BytesIO()
    np.savez(empty_npz)
    assert not view.load_upload(empty_npz.getvalue(), "nothing.npz")
    assert "no '__cnncore__' entry" in view.upload_message.object and "empty" not in view.upload_message.object
    assert not view.load_upload(b"PK" + b"\0" * MAX_UPLOAD_BYTES, "huge.npz")
    assert "at most 10 MB can be uploaded" in view.upload_message.object
    assert view.load_upload(to_bytes(build_network(parse_arch(TINY)).model), "ok.npz")
    assert view.upload_message.alert_type == "success" and "at most" not in view.upload_message.object
    view.lang = "zh"
    assert "最大 10 MB" in view.upload_label.object


def test_a_field_of_a_model_file_shows_literally_not_as_markup():
    import io as _io
    import json
    from bokeh.document import Document

    header = {"format": "cnncore-model", "version": 1, "dtype": "float32",
              "architecture": {"type": "<b>__cnncore__</b>", "args": {}}}
    buffer = _io.BytesIO()
    np.savez(buffer, __cnncore__=np.frombuffer(json.dumps(header).encode(), np.uint8))
    view = TrainView(autoplay=False)
    assert not view.load_upload(buffer.getvalue(), "<i>x</i>.npz")
    assert "'<b>__cnncore__</b>'" in view.upload_message.object          # the text, as in the file
    model = view.upload_message.get_root(Document())
    assert "&amp;lt;b&amp;gt;__cnncore__&amp;lt;/b&amp;gt;" in model.text  # shown as characters, not bold


def test_upload_of_a_model_that_is_not_for_digits_is_refused():
    from cnncore import nn
    from cnncore.io import to_bytes

    view = TrainView(autoplay=False)
    assert not view.load_upload(to_bytes(nn.Sequential(nn.Flatten(), nn.Linear(784, 3))), "three.npz")
    assert "10" in view.upload_message.object and view.upload_message.alert_type == "danger"


def test_builder_add_remove_move_update_shapes_and_params():
    builder = NetworkBuilder(arch="c8k3p1-relu-max2")
    base = builder.result.params
    assert builder.result.ok and base == 8 * 9 + 8 + (8 * 14 * 14 * 10 + 10)
    builder.add("linear")                                              # Linear 1568 -> 64, head 64 -> 10
    assert builder.arch.endswith("fc64")
    assert builder.result.params == 8 * 9 + 8 + (1568 * 64 + 64) + (64 * 10 + 10)
    assert "Flatten" in builder._widgets[-1][2].object and builder._widgets[-1][2].visible
    assert "→ <b>64</b>" in builder._widgets[-1][1].object
    builder.set_option(0, "channels", 4)
    assert "4 × 28 × 28" in builder._widgets[0][1].object
    assert builder.result.params == 4 * 9 + 4 + (4 * 196 * 64 + 64) + 650
    builder.move(3, -1)                                               # fc64 before max2
    assert builder.arch == "c4k3p1-relu-fc64-max2"
    assert not builder.result.ok and builder.result.error_index == 3   # MaxPool2d on a (N, 64) input
    builder.remove(3)
    assert builder.result.ok and builder.arch == "c4k3p1-relu-fc64"


def test_builder_explains_an_invalid_stack_with_the_engine_message():
    from cnncore.errors import ShapeError
    from cnncore import nn
    from cnncore.inspect import summary

    builder = NetworkBuilder(arch="c8k7p0-max2-c8k7p0-max2")
    builder.add("conv")
    builder.set_option(4, "kernel", 5)
    builder.set_option(4, "padding", 0)
    assert not builder.result.ok and builder.result.error_index == 4
    with pytest.raises(ShapeError) as info:                            # the same layer, on its own
        summary(nn.Sequential(nn.Conv2d(8, 8, 5)), (1, 8, 2, 2))
    assert builder.message.visible and str(info.value) in builder.message.object
    assert "Layer 5" in builder.message.object and "✕" in builder._widgets[4][1].object
    view = TrainView(autoplay=False, model="custom", arch=builder.arch)
    assert view.start_button.disabled and view.step_button.disabled
    view.builder.remove(4)
    assert not view.start_button.disabled and view.arch == "c8k7p0-max2-c8k7p0-max2"


def test_layer_specs_roundtrip_and_bad_text():
    assert format_arch(parse_arch(DEFAULT_ARCH)) == DEFAULT_ARCH
    text = "c8k5s2p2-lrelu-bn-avg2-drop50-res16s2-fc128-tanh-bn-sigmoid"
    assert format_arch(parse_arch(text)) == text
    result = build_network(parse_arch(text))
    assert result.ok and result.model(np.zeros((2, 1, 28, 28), np.float32)).shape == (2, 10)
    with pytest.raises(ValueError, match="'wat'"):
        parse_arch("c8k3-wat")
    view = TrainView(autoplay=False, model="custom", arch="c8k3-wat")
    assert view.builder._error.visible and view.builder.result.ok      # the default stack instead


def test_language_switch_keeps_state():
    view = tiny_view(optimizer="adam", lr=0.003)
    view.step_once()
    view.lang = "zh"
    assert view.start_button.label == "▶ 继续" and view.steps == 1
    assert view.optimizer == "adam" and view.lr == 0.003 and view.arch == TINY
    assert view.curves.loss.title.text == STRINGS["train_loss_title"]["zh"]
    assert "1 · 选择网络" in view.headings["train_heading_model"].object
    view.lang = "en"
    assert view.start_button.label == "▶ Resume"


def test_url_params_and_subset():
    assert set(TrainView.url_params) >= {"model", "optimizer", "lr", "batch_size", "epochs", "augment"}
    labels = np.repeat(np.arange(10), 50)
    index = balanced_subset(labels, 100)
    assert np.bincount(labels[index]).tolist() == [10] * 10
    view = tiny_view(subset=500)
    (images, y), (test_images, test_y) = view._data()
    assert len(y) == 500 and len(test_y) == 1000


def test_session_evaluation_slices_equal_one_evaluation():
    from cnncore.data import load_digits
    from cnncore.train import evaluate

    model = build_network(parse_arch(TINY)).model
    test = load_digits("test")
    run = TrainingRun(model, load_digits("train"), test, eval_chunk=300)
    events = []
    while not events:
        events = run.advance(budget=0.0)
    whole = evaluate(model, *test)
    assert events[0].kind == "eval" and events[0].step == 0
    np.testing.assert_array_equal(events[0].confusion, whole.confusion)
    assert events[0].loss == pytest.approx(whole.loss, rel=1e-6)
    assert events[0].accuracy == whole.accuracy


def test_kernel_mosaic_shows_row_zero_on_top():
    from .image_geometry import row_zero_on_top

    plot = KernelMosaic()
    plot.update(np.random.default_rng(0).standard_normal((6, 1, 5, 5)))
    glyph = next(r.glyph for r in plot.figure.renderers if r.data_source is plot.source)
    assert row_zero_on_top(plot.figure, glyph, plot.source.data)


def test_layer_table_shows_every_row_without_a_scroll_box():
    """The ledger sat in a 260 px scroll box that hid its last rows (LeNet-5's output layer)."""
    from cnncore.inspect import summary

    from app.views.train.view import INPUT_SHAPE

    view = TrainView(model="lenet5")
    html_text = view.ledger.object
    rows = summary(view.build_model(preview=True), INPUT_SHAPE).rows
    assert "max-height" not in html_text and "overflow" not in html_text
    assert view.ledger.height is None and view.ledger.max_height is None
    assert html_text.count("<tr>") == len(rows) + 1


def test_the_file_picker_refuses_a_large_file_and_passes_the_others_on():
    from app.views.train.view import MAX_UPLOAD_BYTES

    view = TrainView(autoplay=False)
    assert view.upload.max_bytes == MAX_UPLOAD_BYTES                 # checked in the browser, before sending
    view.upload._handle_msg({"type": "refused", "name": "big.npz", "size": 25 * 2 ** 20})
    assert "too large: it holds 25.0 MB (26,214,400 bytes); at most 10 MB" in view.upload_message.object and view.upload_message.alert_type == "danger"
    view.upload._handle_msg({"type": "file", "name": "empty.npz", "data": ""})
    assert "the file is empty" in view.upload_message.object and "25.0" not in view.upload_message.object
    view.upload._handle_msg({"type": "file", "name": "empty.npz", "data": ""})   # the same file again
    assert view.upload_message.visible and "the file is empty" in view.upload_message.object

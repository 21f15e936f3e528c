"""The builder's global pools (gap, attn, bilinear): text, shapes, refusals, training, files, export, Inside.

A global pool sums a whole feature map up: ``gap`` into one average per
channel (``AdaptiveAvgPool2d(1)``, ``C x 1 x 1``), ``attn`` into one learned,
softmax-weighted average per channel (``AttentionPool2d``, ``C``),
``bilinear`` into the averaged products of every pair of channels
(``BilinearPool2d``, ``C*C``). The builder must show the shapes the engine
really computes, refuse a global pool where no map is left, and the built
network must train, save, load and export like any other.
"""
import numpy as np
import pytest

from app.views.train.layers import (KINDS, OPTIONS, build_network, default_spec, format_arch,
                                    parse_arch)
from app.core.i18n import t
from app.core.session import SessionState
from app.views.inside.view import InsideView
from app.views.train.builder import NetworkBuilder
from app.views.train.view import TrainView
from cnncore import nn
from cnncore.data import load_digits
from cnncore.inspect import capture
from cnncore.io import describe, load, to_bytes

HEADS = ("gap", "attn", "bilinear")
NIN = "c16k3p1-relu-max2-c32k3p1-relu-gap"              # the task's all-convolutional head


def arch(head, tail=""):
    return f"c4k3p1-relu-max2-c6k3p1-relu-{head}" + (f"-{tail}" if tail else "")


def digits(n=32):
    images, labels = load_digits("train")
    return images[:n].astype(np.float32), labels[:n]


def test_global_pool_tokens_round_trip_and_are_offered():
    assert "global" in KINDS and OPTIONS["global"]["type"] == HEADS
    assert default_spec("global").token == "gap"
    for head in HEADS:
        text = arch(head, "fc16-relu-drop25")
        specs = parse_arch(text)
        assert specs[5].kind == "global" and specs[5]["type"] == head
        assert format_arch(specs) == text
    assert format_arch(parse_arch("C8K3P1-GAP")) == "c8k3p1-gap"     # a link typed in capitals
    for bad in ("gap2", "attn16", "bilinear1", "gapp", "global"):
        with pytest.raises(ValueError, match=f"'{bad}' is not a layer.*gap"):
            parse_arch(f"c8k3p1-{bad}")


@pytest.mark.parametrize("head", HEADS)
def test_built_shapes_and_params_are_the_engine_forward_shapes(head):
    result = build_network(parse_arch(arch(head, "fc16")))
    assert result.ok, result.error
    x = np.random.default_rng(0).random((3, 1, 28, 28)).astype(np.float32)
    layers = list(result.model)
    assert len(layers) == len(result.rows)
    for layer, row in zip(layers, result.rows):                 # row by row, the real forward pass
        x = layer(x)
        assert row.shape == x.shape[1:], row.label
        assert row.params == sum(p.data.size for p in layer.parameters()), row.label
    assert x.shape == (3, 10)
    pool = result.rows[5]
    assert pool.index == 5 and not pool.auto
    expected = {"gap": ((6, 1, 1), 0, "AdaptiveAvgPool2d 1×1"), "attn": ((6,), 6 + 1, "AttentionPool2d 6"),
                "bilinear": ((36,), 0, "BilinearPool2d")}[head]
    assert (pool.shape, pool.params, pool.label) == expected
    assert type(layers[5]) is {"gap": nn.AdaptiveAvgPool2d, "attn": nn.AttentionPool2d,
                               "bilinear": nn.BilinearPool2d}[head]
    features = 6 if head != "bilinear" else 36
    flatten = [row for row in result.rows if row.label == "Flatten"]
    assert [row.shape for row in flatten] == ([(6,)] if head == "gap" else [])   # gap keeps C x 1 x 1
    assert [row.label for row in result.rows if row.label.startswith("Linear")] == [f"Linear {features}→16",
                                                                                   "Linear 16→10"]


def test_the_nin_head_replaces_the_big_linear():
    nin = build_network(parse_arch(NIN))
    flat = build_network(parse_arch(NIN[:-len("-gap")]))
    assert nin.ok and flat.ok
    assert nin.rows[-1].label == "Linear 32→10" and nin.rows[-1].params == 32 * 10 + 10
    assert flat.rows[-1].params == 32 * 14 * 14 * 10 + 10
    assert nin.params == flat.params - flat.rows[-1].params + nin.rows[-1].params


@pytest.mark.parametrize("text, index, engine", [
    ("c8k3p1-fc16-gap", 2, "AdaptiveAvgPool2d: expected a 4-D input"),
    ("c8k3p1-fc16-attn", 2, "AttentionPool2d: expected input (N, 16, H, W)"),
    ("c8k3p1-fc16-bilinear", 2, "BilinearPool2d: expected a 4-D input"),
    ("c8k3p1-attn-attn", 2, "AttentionPool2d: expected input (N, 8, H, W)"),
    ("c8k3p1-bilinear-bilinear", 2, "BilinearPool2d: expected a 4-D input"),
    ("c8k3p1-attn-gap", 2, "AdaptiveAvgPool2d: expected a 4-D input"),
])
def test_a_global_pool_where_no_map_is_left_is_refused_with_advice(text, index, engine):
    result = build_network(parse_arch(text))
    assert not result.ok and result.error_index == index and engine in result.error
    builder = NetworkBuilder(arch=text)
    assert builder.message.visible and "✕" in builder._widgets[index][1].object
    for lang in ("en", "zh"):
        builder.lang = lang
        message = builder.message.object
        assert engine in message and t("builder_error_hint_global", lang) in message
        assert t("builder_error_hint", lang) not in message
    view = TrainView(autoplay=False, model="custom", arch=text)
    assert view.start_button.disabled and view.export_button.disabled


@pytest.mark.parametrize("text, index", [("c8k3p1-attn-c8k3p1", 2), ("c8k3p1-bilinear-max2", 2),
                                         ("c8k3p1-gap-c8k3p0", 2), ("c8k3p1-attn-res16s1", 2)])
def test_a_map_layer_after_a_global_pool_says_to_move_it_up(text, index):
    builder = NetworkBuilder(arch=text)
    assert not builder.result.ok and builder.result.error_index == index
    assert builder.result.error in builder.message.object
    assert t("builder_error_hint_after_global", "en") in builder.message.object
    builder.move(index, -1)                                          # above the global pool: it works
    assert builder.result.ok and not builder.message.visible


def test_gap_twice_is_allowed_because_the_engine_allows_it():
    result = build_network(parse_arch("c8k3p1-gap-gap"))             # 8 x 1 x 1 averaged again: 8 x 1 x 1
    assert result.ok and result.rows[1].shape == result.rows[2].shape == (8, 1, 1)


def test_builder_rows_show_the_shape_params_and_explain_each_choice_in_both_languages():
    builder = NetworkBuilder(arch="c8k3p1-relu-max2-max2")
    builder.add("global")
    assert builder.arch == "c8k3p1-relu-max2-max2-gap"
    selects, info, flatten, row, note = builder._widgets[4]
    assert t("builder_kind_global", "en") in info.object and "→ <b>8 × 1 × 1</b>" in info.object
    assert "0 params" in info.object and not flatten.visible
    assert note.visible and note.object.count("nb-note") == 1
    assert t("builder_explain_gap", "en") in note.object
    assert list(selects[0].options) == ["average", "attention", "bilinear"]
    assert "Flatten (added for you) → 8" in builder.head_line.object
    assert "Linear 8→10" in builder.head_line.object
    assert builder.result.params == 8 * 9 + 8 + 8 * 10 + 10
    builder.set_option(4, "type", "attn")
    _, info, _, _, note = builder._widgets[4]
    assert builder.arch.endswith("-attn") and "→ <b>8</b>" in info.object and "9 params" in info.object
    assert t("builder_explain_attn", "en") in note.object and "Flatten" not in builder.head_line.object
    builder.set_option(4, "type", "bilinear")
    _, info, _, _, note = builder._widgets[4]
    assert "→ <b>64</b>" in info.object and "Linear 64→10" in builder.head_line.object
    builder.lang = "zh"
    _, info, _, _, note = builder._widgets[4]
    assert t("builder_explain_bilinear", "zh") in note.object and "全局池化" in info.object
    assert list(builder._widgets[4][0][0].options) == ["平均", "注意力", "双线性"]
    assert not any(w[4].visible for w in builder._widgets[:4])       # only a global pool row explains itself
    for head in HEADS:                                                # every explanation, both languages, differs
        assert t(f"builder_explain_{head}", "en") != t(f"builder_explain_{head}", "zh")


@pytest.mark.parametrize("head", HEADS)
def test_a_few_steps_lower_the_loss_on_a_fixed_batch(head):
    from cnncore.optim import Adam

    model = build_network(parse_arch(arch(head)), seed=1).model.train()
    images, labels = digits(32)
    criterion, optimizer = nn.CrossEntropyLoss(), Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(20):
        loss = criterion(model(images), labels)
        optimizer.zero_grad()
        model.backward(criterion.backward())
        optimizer.step()
        losses.append(float(loss))
    assert np.isfinite(losses).all()
    assert losses[-1] < losses[0] - 0.1 and max(losses[10:]) < losses[0], losses
    if head == "attn":                                                # the score kernel learns too
        assert np.abs(model[5].weight.grad).sum() > 0


@pytest.mark.parametrize("head", HEADS)
def test_the_train_view_trains_a_global_pool_network_and_it_saves_and_loads(head):
    session = SessionState()
    view = TrainView(session=session, autoplay=False, model="custom", arch=arch(head), subset=500,
                     batch_size=32, epochs=1, lr=0.05)
    before = {k: np.array(v, copy=True) for k, v in view.build_model().state_dict().items()}
    view.step_once()
    view.step_once()
    assert view.steps == 2 and view.training.diverged is None and not view._error.visible
    trained = view.training.model.eval()
    assert any(not np.array_equal(before[k], v) for k, v in trained.state_dict().items())
    x = digits(4)[0]
    restored = load(to_bytes(trained))                               # the model file round trip
    assert describe(restored) == describe(trained)
    np.testing.assert_array_equal(restored.eval()(x), trained(x))
    other = TrainView(autoplay=False, model="custom", arch=arch(head))
    assert other.load_upload(to_bytes(trained), f"{head}.npz")        # and it loads into the Train view
    assert other.model == "uploaded" and other.upload_message.alert_type == "success"
    np.testing.assert_array_equal(other.build_model().eval()(x), trained(x))


@pytest.mark.parametrize("head", HEADS)
def test_a_global_pool_network_exports_to_pytorch(head, tmp_path):
    from tests.app.test_export_view import exported_net, torch_out

    view = TrainView(autoplay=False, model="custom", arch=arch(head, "fc16-relu"))
    assert not view.export_button.disabled
    net, x, logits, _ = exported_net(view._export_file().getvalue(), tmp_path, f"global_{head}")
    ours = view.build_model().eval()(x)
    np.testing.assert_allclose(torch_out(net, x), ours, atol=1e-5 * max(1, np.abs(ours).max()), rtol=0)
    np.testing.assert_allclose(logits, ours, atol=0, rtol=0)
    source = (tmp_path / "model.py").read_text()
    assert {"gap": "nn.AdaptiveAvgPool2d(1)", "attn": "AttentionPool2d(6)", "bilinear": "BilinearPool2d()"}[head] \
        in source


@pytest.fixture(scope="module")
def inside():
    session = SessionState()
    return session, InsideView(session=session)


@pytest.mark.parametrize("head", HEADS)
def test_inside_shows_the_feature_maps_of_a_global_pool_network(inside, head):
    session, view = inside
    view.select("0")                                                   # as a fresh view starts
    model = build_network(parse_arch(arch(head, "fc16-relu"))).model
    view.model = session.register("mine", model, arch="custom")
    assert not view._error.visible, view._error.object
    names = {info.type: info for info in view.layers}
    pool = names[type(model[5]).__name__]
    assert pool.channels == {"gap": 6, "attn": 6, "bilinear": 36}[head]
    assert pool.is_map == (head == "gap")
    for info in view.layers:                                           # every map layer's units work
        if info.is_map:
            view.select(info.name, info.channels - 1, info.hw[0] - 1, info.hw[1] - 1)
            assert not view._error.visible, (info.name, view._error.object)
    if head == "gap":                                                  # the average, taken apart
        view.select(pool.name, 2, 0, 0)
        _, acts = capture(view.net, view.input)
        assert view.explanation.result == pytest.approx(float(acts[pool.name][0, 2, 0, 0]), rel=1e-5)


@pytest.mark.parametrize("head", ("attn", "bilinear"))
def test_inside_explains_or_skips_a_vector_global_pool_unit(inside, head):
    session, view = inside
    view.select("0")
    model = build_network(parse_arch(arch(head))).model
    view.model = session.register("mine", model, arch="custom")
    view._error.visible = False
    view.select("5", 0)
    assert not view._error.visible, view._error.object
    assert view.explanation is None and "weighted sum over the whole picture" in view.detail.object

"""The convolution lab without a browser: shown sizes, presets, impossible settings, the
sliding window and its arithmetic, against the engine's shape rules and PyTorch."""
import itertools
import re

import numpy as np
import pytest
import torch

from app.views.conv.images import make_input
from app.views.conv.presets import PRESETS, binomial, preset_kernel, preset_note
from app.core.i18n import STRINGS as ALL_STRINGS
from app.views.conv.view import CUSTOM, ConvLab, window_at
from app.views.conv.strings import STRINGS
from cnncore.errors import ShapeError
from cnncore.shapes import conv_output_size, same_padding

RNG = np.random.default_rng(7)


def shown(view, testid):
    """The text of the element ``data-testid=testid`` in any of the view's HTML panes."""
    for pane in (view.size_pane, view.products, view.caption, view.problem_pane, view.kernel_note):
        match = re.search(rf'data-testid="{testid}"[^>]*>([^<]*)<', pane.object or "")
        if match:
            return match.group(1)
    return None


def torch_output(view):
    """The same convolution in PyTorch (Conv2d with the lab's padding mode)."""
    x = make_input(view.source, view.channels, view.size, view.digit, view.photo, view.picture.image)
    c, k = x.shape[0], view.kernel
    padding = view.padding
    conv = torch.nn.Conv2d(c, 1, k, view.stride, padding, view.dilation, padding_mode=view.mode,
                           dtype=torch.float64)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(view.kernel_values[None]))
        conv.bias.fill_(view.bias)
        return conv(torch.from_numpy(x[None])).numpy()[0, 0]


@pytest.fixture(scope="module")
def view():
    return ConvLab()


def test_every_string_has_both_languages():
    for key, entry in STRINGS.items():
        assert set(entry) == {"en", "zh"} and all(entry.values()), key
        assert ALL_STRINGS[key] is entry


@pytest.mark.parametrize("channels", ["grey", "rgb"])
def test_shown_output_size_is_the_engines_and_the_output_matches_torch(view, channels):
    settings = list(itertools.product([5, 9, 14], [1, 2, 3, 5], [1, 2, 3], [0, 1, 2, "same"], [1, 2],
                                      ["zeros", "reflect", "replicate", "circular"]))
    picks = RNG.choice(len(settings), 30, replace=False)
    checked = 0
    view.param.update(channels=channels, source="picture", preset="gaussian", bias=0.25)
    for n, k, s, p, d, mode in (settings[i] for i in picks):
        view.param.update(size=n, kernel=k, stride=s, padding=p, dilation=d, mode=mode)
        pads = (0, 0) if p == "same" and s > 1 else same_padding(k, d) if p == "same" else (p, p)
        try:
            expected = conv_output_size(n, k, s, pads, d)
            if mode == "reflect" and max(pads) >= n or mode == "circular" and max(pads) > n:
                expected = None
            if p == "same" and s > 1:
                expected = None
        except ShapeError:
            expected = None
        if expected is None:
            assert view.problem, (n, k, s, p, d, mode)
            assert shown(view, "conv-output-size") == "✗"
            continue
        assert not view.problem, view.problem
        assert shown(view, "conv-output-size") == f"{expected} × {expected}"
        assert view.result.output.shape == (expected, expected) == view.result.out_size
        assert shown(view, "conv-formula-text").endswith(f"= {expected}")
        np.testing.assert_allclose(view.result.output, torch_output(view), rtol=1e-10, atol=1e-12)
        checked += 1
    assert checked >= 10


def test_same_padding_keeps_the_size_and_identity_keeps_the_image():
    v = ConvLab(padding="same", preset="identity", size=9)
    for k, d, mode in itertools.product(range(1, 8), [1, 2], ["zeros", "replicate"]):
        v.param.update(kernel=k, dilation=d, mode=mode)
        if d > 1 and k % 2 == 0:      # no tap of an even dilated kernel sits on the pixel
            continue
        assert not v.problem, v.problem
        np.testing.assert_allclose(v.result.output, v.result.x[0], atol=1e-12)


@pytest.mark.parametrize("channels", ["grey", "rgb"])
def test_presets_produce_the_kernel(channels):
    v = ConvLab(channels=channels)
    c = 3 if channels == "rgb" else 1
    for name, k in itertools.product(PRESETS, (1, 2, 3, 4, 7)):
        v.param.update(preset=name, kernel=k)
        expected = preset_kernel(name, k, c)
        assert v.kernel_values.shape == (c, k, k)
        np.testing.assert_array_equal(v.kernel_values, expected)
        np.testing.assert_array_equal(np.array(v.grid.values), expected)
        np.testing.assert_array_equal(v.result.weight[0], expected)
        assert v.weights == ""
        note = preset_note(name, k, c)
        assert (shown(v, "conv-kernel-note") or "") == (v.t(note) if note else "")


def test_presets_are_the_filters_they_claim():
    x = torch.from_numpy(RNG.random((1, 1, 12, 12)))
    for k in range(1, 8):
        box = torch.from_numpy(preset_kernel("box", k)[None])
        torch.testing.assert_close(torch.nn.functional.conv2d(x, box), torch.nn.functional.avg_pool2d(x, k, 1))
        g = preset_kernel("gaussian", k)[0]
        np.testing.assert_allclose(g.sum(), 1.0)
        np.testing.assert_allclose(g, g.T)
        np.testing.assert_allclose(binomial(k).sum(), 2.0 ** (k - 1))
    ramp = torch.arange(10.0, dtype=torch.float64).repeat(10, 1)[None, None]   # brighter to the right
    for k in range(2, 8):
        sx = torch.from_numpy(preset_kernel("sobel_x", k)[None])
        sy = torch.from_numpy(preset_kernel("sobel_y", k)[None])
        assert torch.all(torch.nn.functional.conv2d(ramp, sx) > 0)
        torch.testing.assert_close(torch.nn.functional.conv2d(ramp, sy), torch.zeros_like(
            torch.nn.functional.conv2d(ramp, sy)))
    flat = torch.ones(1, 1, 8, 8, dtype=torch.float64)
    for name in ("laplacian", "sobel_x", "sobel_y"):
        assert torch.nn.functional.conv2d(flat, torch.from_numpy(preset_kernel(name, 3)[None])).abs().max() == 0
    for name in ("sharpen", "identity", "box", "gaussian"):
        torch.testing.assert_close(
            torch.nn.functional.conv2d(flat, torch.from_numpy(preset_kernel(name, 5)[None])), torch.ones(1, 1, 4, 4,
                                                                                             dtype=torch.float64))
    np.testing.assert_allclose(preset_kernel("luminance", 1, 3).ravel(), [0.299, 0.587, 0.114])


@pytest.mark.parametrize("setup, change, fragment, hint", [
    (dict(size=6, kernel=5, padding=0), dict(kernel=7), "larger than the padded input", "conv_lab_hint_too_big"),
    (dict(size=6, kernel=3, padding=0), dict(dilation=3), "(dilated 7)", "conv_lab_hint_too_big"),
    (dict(size=4, padding=4), dict(mode="reflect"), "reflect padding must be smaller", "conv_lab_hint_reflect"),
    (dict(padding="same"), dict(stride=2), "padding='same' needs stride 1", "conv_lab_hint_same"),
])
def test_an_impossible_setting_explains_itself_and_keeps_the_last_good_output(setup, change, fragment, hint):
    v = ConvLab(size=12, kernel=3, padding=1)
    v.param.update(**setup)
    assert not v.problem
    v.go_to(0, 1)
    good, position = v.result, v.position
    v.param.update(**change)
    assert fragment in v.problem
    assert v.problem_pane.visible
    assert fragment in v.problem_pane.object.replace("&#x27;", "'")
    assert v.t(hint) in v.problem_pane.object.replace("&#x27;", "'")
    assert v.result is good and v.position == position
    assert shown(v, "conv-output-size") == "✗"
    assert not v._error.visible                                   # a message, not an error
    for name, value in change.items():                            # the requested setting is kept (and in the URL)
        assert getattr(v, name) == value
    v.step(1)                                                     # the last good output still animates
    assert v.position == position + 1
    v.lang = "zh"
    assert v.t(hint) in v.problem_pane.object.replace("&#x27;", "'") and v.problem
    v.param.update(size=12, kernel=3, padding=1, dilation=1, stride=1, mode="zeros")
    assert not v.problem and not v.problem_pane.visible
    assert v.result is not good


@pytest.mark.parametrize("stride, dilation, padding", [(1, 1, 0), (2, 1, 1), (3, 2, 2), (4, 1, 3)])
def test_stepping_moves_the_window_by_the_stride(stride, dilation, padding):
    v = ConvLab(size=13, kernel=3, stride=stride, dilation=dilation, padding=padding)
    assert not v.problem
    oh, ow = v.result.output.shape
    v.go(0)
    rows, cols = v.window
    np.testing.assert_array_equal(rows, np.arange(3) * dilation)
    for step in range(1, oh * ow + 1):
        before_r, before_c = v.window
        v.step(1)
        r, c = v.window
        i, j = divmod(step % (oh * ow), ow)
        assert v.cell == (i, j)
        np.testing.assert_array_equal(r, i * stride + np.arange(3) * dilation)
        np.testing.assert_array_equal(c, j * stride + np.arange(3) * dilation)
        if j > 0:
            assert c[0] - before_c[0] == stride and r[0] == before_r[0]
        np.testing.assert_array_equal(v.output_plot.cell.data["x"], [j + 0.5])
        np.testing.assert_array_equal(np.unique(v.input_plot.taps.data["x"]), c + 0.5)
        np.testing.assert_array_equal(np.unique(v.input_plot.taps.data["y"]), r + 0.5)
    v.go(0)
    v.key("down")
    assert v.window[0][0] == (stride if oh > 1 else 0)
    v.key("up")
    assert v.cell == (0, 0)
    v.key("prev")                                                 # wraps to the last cell
    assert v.cell == (oh - 1, ow - 1)
    v.key("first")
    assert v.cell == (0, 0)
    v.key("last")
    assert v.cell == (oh - 1, ow - 1)
    v.key("next")
    assert v.cell == (0, 0)
    v.go_to(oh - 1, 0)
    assert v.position == (oh - 1) * ow


@pytest.mark.parametrize("channels, mode", [("grey", "zeros"), ("rgb", "reflect"), ("rgb", "circular"),
                                            ("grey", "replicate")])
def test_products_sum_to_the_output_value(channels, mode):
    v = ConvLab(channels=channels, mode=mode, source="picture", size=11, padding=2, kernel=4,
                stride=2, dilation=2, bias=-0.3)
    v.set_kernel(RNG.normal(size=v.kernel_values.shape))
    assert v.preset == CUSTOM and not v.problem
    r = v.result
    oh, ow = r.output.shape
    for i, j in itertools.product(range(oh), range(ow)):
        rows, cols, window, mask = window_at(r, i, j)
        products = window * r.weight[0]
        np.testing.assert_allclose(products.sum() + r.bias, r.output[i, j], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(r.partials[:, i, j].sum() + r.bias, r.output[i, j], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(products.sum(axis=(1, 2)), r.partials[:, i, j], rtol=1e-10, atol=1e-12)
        assert mask.any() == bool((rows < 2).any() or (rows >= 13).any() or (cols < 2).any() or (cols >= 13).any())
    v.go_to(1, 2)
    assert float(shown(v, "conv-sum").replace("−", "-")) == pytest.approx(
        float(shown(v, "conv-value").replace("−", "-")), abs=2e-4)
    assert shown(v, "conv-value") is not None


def test_typed_kernel_becomes_custom_and_survives_a_link():
    v = ConvLab(kernel=3)
    values = np.arange(9.0).reshape(1, 3, 3) - 4
    v.grid.values = values.tolist()                               # as the browser sends an edit
    assert v.preset == CUSTOM
    np.testing.assert_array_equal(v.result.weight[0], values)
    link = v.weights
    w = ConvLab(kernel=3, preset=CUSTOM, weights=link)
    np.testing.assert_array_equal(w.kernel_values, values)
    w.kernel = 5                                                  # a custom kernel grows with zeros around
    np.testing.assert_array_equal(w.kernel_values[0, 1:4, 1:4], values[0])
    assert w.kernel_values[0, 0].sum() == 0
    w.weights = "1,2,3"                                           # a broken link: message, no crash
    assert w._error.visible
    w.preset = "box"
    np.testing.assert_array_equal(w.kernel_values, preset_kernel("box", 5))


def test_language_switch_keeps_the_state():
    v = ConvLab(size=10, kernel=5, stride=2, padding=1, channels="rgb", source="picture")
    before = (v.result.output.copy(), v.position, dict(v.param.values()))
    v.lang = "zh"
    assert "卷积核" in v.kernel_w.name and "步幅" in v.stride_w.name and "填充" in v.padding_w.name
    assert "让卷积核在图像上滑动" in v.heading.object
    np.testing.assert_array_equal(v.result.output, before[0])
    after = dict(v.param.values())
    assert {k: after[k] for k in after if k not in ("lang", "name")} == \
           {k: before[2][k] for k in after if k not in ("lang", "name")}
    assert v.partials_pane.object and shown(v, "conv-output-size") == "4 × 4"


def test_play_pause_uses_a_periodic_callback():
    v = ConvLab()
    v.toggle()
    try:
        assert v.playing and v._callback is not None
        assert v._callback.period == 1000 // v.speed
        v.speed = 8
        assert v._callback.period == 125
        position = v.position
        v._tick()
        assert v.position == position + 1
    finally:
        v.toggle()
    assert not v.playing and v._callback is None
    assert v.play_button.name == v.t("conv_lab_play")


def test_one_by_one_convolution_mixes_the_channels():
    v = ConvLab()
    v.try_one_by_one()
    assert (v.kernel, v.channels, v.preset) == (1, "rgb", "luminance") and not v.problem
    x = make_input("picture", "rgb", v.size)
    np.testing.assert_allclose(v.result.output, np.tensordot([0.299, 0.587, 0.114], x, axes=1), atol=1e-12)


# --------------------------------------------------------------------------- photos and your picture
def _png(image):
    import io
    from PIL import Image
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG")
    return out.getvalue()


def test_a_shipped_photo_from_a_link_with_its_credit():
    from panel.io.location import Location
    from cnncore.photos import photo_names
    view = ConvLab()
    view.sync_url(Location(search="?source=photo&photo=coffee&channels=rgb&size=20"))
    assert (view.source, view.photo, view.result.x.shape) == ("photo", "coffee", (3, 20, 20))
    assert view.photo_w.visible and "Rachel Michetti" in view.photo_credit.object
    assert not view.picture_card.visible
    np.testing.assert_allclose(view.result.output, torch_output(view), rtol=1e-10, atol=1e-12)
    cups = view.result.x
    view.photo = "rocket"
    assert not np.allclose(view.result.x, cups)
    assert set(view.photo_w.options.values()) == set(photo_names())


def test_your_picture_from_a_file_is_shown_channel_by_channel():
    view = ConvLab(channels="rgb", size=12)
    image = np.zeros((60, 80, 3), np.uint8)          # red left half, blue right half, a little green
    image[:, :40] = (255, 30, 0)
    image[:, 40:] = (0, 30, 200)
    assert view.picture.take_file(_png(image), "two halves.png")
    assert view.source == "yours" and view.picture_card.visible
    x = view.result.x                                  # the middle 60x60 square, shrunk to 12x12
    np.testing.assert_allclose(x[:, :, :5], np.array([1, 30 / 255, 0])[:, None, None] * np.ones((3, 12, 5)), atol=1e-9)
    np.testing.assert_allclose(x[:, :, 7:], np.array([0, 30 / 255, 200 / 255])[:, None, None] * np.ones((3, 12, 5)), atol=1e-9)
    np.testing.assert_allclose(view.result.output, torch_output(view), rtol=1e-10, atol=1e-12)
    assert "two halves.png" in view.picture.message.object and "80 × 60" in view.picture.message.object


def test_a_bad_picture_file_is_named_and_the_last_picture_kept():
    view = ConvLab(channels="rgb")
    image = np.full((32, 32, 3), 90, np.uint8)
    view.picture.take_file(_png(image), "good.png")
    before = view.result.x.copy()
    assert not view.picture.take_file(b"this is not a picture", "<b>notes</b>.txt")
    assert view.picture.message.alert_type == "danger"
    assert "<b>notes</b>.txt" in view.picture.message.object and "not an image" in view.picture.message.object
    np.testing.assert_array_equal(view.result.x, before)
    view.lang = "zh"
    assert "不是可读取的图片" in view.picture.message.object and "保留上一张图片" in view.picture.message.object


def test_a_camera_frame_becomes_the_input_and_yours_without_a_picture_shows_the_photo():
    from app.widgets.webcam import encode_frame
    view = ConvLab(source="yours", channels="rgb", size=8)
    assert view.result.x.shape == (3, 8, 8)                                   # the photo meanwhile
    assert "No picture of yours yet" in view.picture.message.object
    frame = np.zeros((64, 64, 3), np.uint8)
    frame[..., 1] = 255
    view.picture._on_frame("predict", encode_frame(frame))
    np.testing.assert_allclose(view.result.x, np.stack([np.zeros((8, 8)), np.ones((8, 8)), np.zeros((8, 8))]))
    assert "camera frame" in view.picture.message.object
    view.picture._on_frame("capture", "AAAA")                                  # a frame of the wrong size
    assert view.picture.message.alert_type == "danger"
    assert view.result.x[1].min() == 1.0                                        # the last frame is kept

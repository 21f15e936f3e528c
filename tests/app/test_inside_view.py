"""Inside the network, without a browser: selection, arithmetic, receptive fields, language, URL."""
import string

import numpy as np
import pytest
from panel.io.location import Location

from app.views.inside.network import dependency_box, network_layers
from app.views.inside.plots import REGION, TILE, TileMosaic, VectorCells
from app.core.i18n import STRINGS
from app.core.session import UNTRAINED_KEY, SessionState
from app.views.inside.view import InsideView
from app.views.inside.strings import STRINGS as INSIDE
from cnncore.inspect import capture, input_window, receptive_fields

from .image_geometry import row_span, row_zero_on_top


@pytest.fixture(scope="module")
def session():
    return SessionState()


@pytest.fixture(scope="module")
def shared_view(session):
    return InsideView(session=session)


@pytest.fixture
def view(shared_view):
    """One view for the module (building one takes seconds), back at its start state for each test."""
    shared_view.param.update(model="lenet5", lang="en", sample=3, use_drawing=False, image=None)
    shared_view.select("0", 0, 14, 14)
    shared_view._error.visible = False
    return shared_view


def _random_unit(view, rng, kinds, maps_only=False):
    """A random unit of a random layer whose type is in ``kinds``."""
    layers = [info for info in view.layers if info.type in kinds and (info.is_map or not maps_only)]
    info = layers[rng.integers(len(layers))]
    c = int(rng.integers(info.channels))
    i, j = (int(rng.integers(n)) for n in info.hw)
    return info, c, i, j


@pytest.mark.parametrize("seed", range(4))
def test_selecting_a_unit_explains_the_captured_activation(view, seed):
    rng = np.random.default_rng(seed)
    view.sample = int(rng.integers(10))
    for kinds in ({"Conv2d"}, {"MaxPool2d"}, {"ReLU"}, {"Linear"}):
        info, c, i, j = _random_unit(view, rng, kinds)
        view.select(info.name, c, i, j)
        assert not view._error.visible, view._error.object
        e = view.explanation
        assert (e.layer, e.channel) == (info.name, c)
        # the value the view shows is the layer's real output for this input
        _, acts = capture(view.net, view.input)
        a = acts[info.name][0]
        captured = a[c, i, j] if info.is_map else a[c]
        assert view.snapshot.value(info, c, i, j) == pytest.approx(float(captured))
        assert e.result == pytest.approx(float(captured), rel=1e-5, abs=1e-5)
        if e.kind in ("conv", "linear"):   # the sum of the shown products plus the bias is that value
            total = float(np.sum(np.asarray(e.products, np.float64)))
            assert total + e.bias == pytest.approx(float(captured), rel=1e-4, abs=1e-4)
            assert e.total == pytest.approx(total, rel=1e-5, abs=1e-5)
        if e.kind == "max_pool":           # the winner is the largest input of its window
            assert e.result == pytest.approx(float(np.max(e.window)))


def test_the_explanation_panel_shows_the_numbers(view):
    view.select("3", 2, 4, 5)
    e = view.explanation
    text = view.detail.object
    assert 'data-testid="inside-result"' in text
    k = int(np.argmax(np.abs(e.products.reshape(len(e.products), -1).sum(axis=1))))
    # the kernel of the shown input channel appears, cell by cell, with two decimals
    for w in e.kernel[k].ravel()[:5]:
        assert f"{float(w) + 0.0:.2f}".lstrip("-").replace("-", "−") in text
    view.in_channel = (k + 1) % len(e.products)         # another input channel, chosen by the widget
    assert view.in_channel_select.value == view.in_channel
    assert view.in_channel_select.visible


def test_receptive_field_matches_input_window(view):
    rows = receptive_fields(view.net, (1, 1, 28, 28))
    rng = np.random.default_rng(7)
    for _ in range(6):
        info, c, i, j = _random_unit(view, rng, {"Conv2d", "ReLU", "MaxPool2d"}, maps_only=True)
        view.select(info.name, c, i, j)
        assert view.rf_box == input_window(rows, info.name, i, j, (28, 28))
        top, left, bottom, right = view.rf_box
        outside = np.ones((28, 28), bool)
        outside[top:bottom, left:right] = False
        assert not view.erf[outside].any()       # the effective field lies inside the theoretical one
        # the box is drawn on the big input plot, in tile units
        marks = view.input_big.marks.data
        assert (marks["left"][0], marks["top"][0]) == pytest.approx((left / 28, top / 28))
        assert (marks["right"][0], marks["bottom"][0]) == pytest.approx((right / 28, bottom / 28))


def _image_glyph(plot, source):
    return next(r.glyph for r in plot.figure.renderers if r.data_source is source)


@pytest.mark.parametrize("name", ["0", "3"])
def test_effective_field_is_drawn_inside_its_box_for_corner_units(view, name):
    """The glow sent to the plot lands where the box is drawn (it was upside down: rows 21-25 for rows 2-6)."""
    plot = view.input_big
    info = next(info for info in view.layers if info.name == name)
    h, w = info.hw
    for i, j in ((0, 0), (0, w - 1), (h - 1, 0), (h - 1, w - 1), (min(4, h - 1), min(8, w - 1))):
        view.select(name, 1, i, j)
        data = plot.erf_source.data
        heat = data["image"][0]
        r, c = np.unravel_index(np.argmax(heat), heat.shape)
        low, high = row_span(_image_glyph(plot, plot.erf_source), data, 0, r)
        box = plot.marks.data
        eps = 1e-9
        assert box["top"][0] - eps <= low < high <= box["bottom"][0] + eps, (name, i, j, r)
        assert box["left"][0] <= data["x"][0] + (c + 0.5) / heat.shape[1] <= box["right"][0]


def test_tiles_show_row_zero_on_top_where_clicks_find_it(view):
    """Each tile's row 0 is drawn on top, in the data rows that ``locate`` maps to row 0."""
    for plot in (view.input_big, view.layer_plots["0"]):
        glyph = _image_glyph(plot, plot.source)
        assert row_zero_on_top(plot.figure, glyph, plot.source.data)
        for k in (0, plot.n - 1):
            low, high = row_span(glyph, plot.source.data, k, 0)
            assert plot.locate(plot.origin(k)[0] + 0.5 / plot.w, (low + high) / 2) == (k, 0, 0)
        view.select("0", 0, 14, 14)


def test_units_read_in_earlier_layers_follow_the_kernels(view):
    conv = dict(view.net.named_modules())["3"]
    k = conv.kernel_size[0]
    view.select("3", 1, 2, 6)
    assert view.depends["2"] == (2, 6, 2 + k, 6 + k)        # a k x k window of the pooled map
    pooled = view.depends["1"]                               # each pooled unit reads 2 x 2 ReLU units
    assert pooled == (2 * 2, 2 * 6, 2 * (2 + k), 2 * (6 + k))
    # the orange box is drawn on every channel tile of the earlier layer
    assert len(view.layer_plots["2"].marks.data["left"]) == view.layers[2].channels


def test_dependency_box_on_the_first_layer(session):
    """Units of a padded k x k convolution read input rows u - p ... u - p + k - 1: the ones inside
    the target's (unclipped) window are that window shrunk by k - 1 and shifted by the padding."""
    net = session.get("lenet5")
    layers = network_layers(net)
    rows = receptive_fields(net, (1, 1, 28, 28))
    first = dict(net.named_modules())["0"]
    k, p = first.kernel_size[0], first.padding[0]
    for name, i, j in (("4", 3, 7), ("5", 0, 4), ("2", 13, 0)):
        target = next(info for info in layers if info.name == name)
        top, left, bottom, right = input_window(rows, name, i, j, (28, 28), clip=False)
        box = dependency_box(rows, target, i, j, layers[0])
        assert box == (top + p, left + p, bottom - (k - 1) + p, right - (k - 1) + p)


def test_clicks_map_to_units():
    rng = np.random.default_rng(3)
    plot = TileMosaic(16, (10, 10), 3, 40)
    for _ in range(20):
        k, i, j = int(rng.integers(16)), int(rng.integers(10)), int(rng.integers(10))
        left, top, right, bottom = plot.cell_box(k, i, j, i + 1, j + 1)
        assert plot.locate((left + right) / 2, (top + bottom) / 2) == (k, i, j)
    assert plot.locate(1.05, 0.5) is None              # in the gap between tiles
    assert plot.locate(2.9, 5.9) is None               # past the last tile
    cells = VectorCells(120)
    assert cells.locate(3.5, 2.5) == 2 * cells.ncols + 3
    assert cells.locate(-1, 0) is None


def test_clicking_a_kernel_chooses_its_channels(view):
    plot, inp, out = view.kernel_plots["3"]
    view._pick_kernel("3", 4 * out + 9, out)         # row = input channel 4, column = output channel 9
    assert (view.layer, view.channel, view.in_channel) == ("3", 9, 4)
    marks = plot.marks.data
    boxes = {colour: [b for b, c in zip(zip(marks["left"], marks["top"]), marks["colour"]) if c == colour]
             for colour in set(marks["colour"])}
    assert len(boxes[TILE]) == inp                  # the output channel's column is outlined
    assert boxes[REGION] == [plot.cell_box(4 * out + 9, 0, 0, plot.h, plot.w)[:2]]   # the kernel shown


def test_language_switch_keeps_the_state(view):
    view.select("5", 7, 1, 3)
    view.lang = "zh"
    assert (view.layer, view.channel, view.i, view.j) == ("5", 7, 1, 3)
    assert "最大池化" in view.unit_title.object and "第 7 通道" in view.unit_title.object
    assert view.layer_select.name == "层" and view.row_slider.name == "行 i"
    assert "感受野" in view.rf_caption.object and "卷积核" in view.kernels_caption.object
    view.lang = "en"
    assert "Max pool 5" in view.unit_title.object


def test_every_string_is_translated():
    for key, entry in INSIDE.items():
        assert key.startswith("inside_") and STRINGS[key] is entry
        assert entry["en"].strip() and entry["zh"].strip(), key
        fields = [{f for _, f, _, _ in string.Formatter().parse(v) if f} for v in (entry["en"], entry["zh"])]
        assert fields[0] == fields[1], key


def test_url_restores_and_follows_the_selection(session):
    location = Location(search="?model=lenet5&layer=3&channel=5&i=2&j=3&sample=7&lang=zh")
    view = InsideView(session=session)
    view.sync_url(location)
    assert (view.layer, view.channel, view.i, view.j, view.sample, view.lang) == ("3", 5, 2, 3, 7, "zh")
    assert not view._error.visible
    assert view.explanation.position == (2, 3) and view.explanation.channel == 5
    view.select("2", 1, 6, 7)
    query = dict(p.split("=") for p in location.search.lstrip("?").split("&"))
    assert (query["layer"], query["channel"], query["i"], query["j"], query["sample"]) == ("2", "1", "6", "7", "7")


def test_bad_links_show_a_message_and_fall_back(session):
    view = InsideView(session=session)
    view.sync_url(Location(search="?layer=nope&i=99&j=99"))
    assert view._error.visible and "nope" in view._error.object
    assert view.layer == view.layers[0].name
    h, w = view.info.hw
    assert (view.i, view.j) == (h - 1, w - 1)             # clipped to the map
    view.sample = 2                                        # the view keeps working
    assert view.explanation is not None


def test_drawing_input_and_back_to_the_sample(view):
    drawing = np.zeros((28, 28), np.float32)
    drawing[6:22, 13:16] = 1.0                              # a "1"
    view.set_input(drawing * 255)                           # 0-255 is accepted too
    assert view.use_drawing and view.drawing_button.visible
    np.testing.assert_allclose(view.snapshot.x[0, 0], drawing)
    _, acts = capture(view.net, drawing[None, None])
    np.testing.assert_allclose(view.snapshot.activations["3"], acts["3"][0], rtol=1e-6)
    view.image = drawing[::-1].copy()                       # the lead links the Draw view to `image`
    np.testing.assert_allclose(view.snapshot.x[0, 0], drawing[::-1])
    view.sample_buttons[4].clicks += 1                      # a sample button switches back
    assert not view.use_drawing and view.sample == 4
    np.testing.assert_allclose(view.snapshot.x, view.input)
    view.set_input(np.zeros((5, 5)))                        # a wrong shape: a message, not a crash
    assert view._error.visible and "28" in view._error.object


def test_model_switch_rebuilds_and_clips(view):
    view.select("0", 5, 27, 27)
    view.model = UNTRAINED_KEY
    assert not view._error.visible and view.untrained_note.visible
    assert view.layer == "0" and (view.channel, view.i, view.j) == (5, 27, 27)
    view.model = "lenet5"
    assert not view.untrained_note.visible


def test_other_zoo_models_work_in_every_layer(view, session):
    """Models with batch norm, residual blocks and adaptive pooling (untrained here): no errors."""
    from cnncore.models import DIGIT_MODELS
    for name in ("resnet_small", "nin_small"):
        key = session.register(name, DIGIT_MODELS[name]().eval(), arch=name)
        view.model = key                                    # the chosen layer '0' does not exist here
        assert not view._error.visible, view._error.object
        for info in view.layers[::3]:
            h, w = info.hw
            view.select(info.name, info.channels - 1, h - 1, w // 2)
            assert not view._error.visible, (name, info.name, view._error.object)
            if view.explanation is not None and info.is_map:
                assert view.explanation.result == pytest.approx(
                    view.snapshot.value(info, info.channels - 1, h - 1, w // 2), rel=1e-4, abs=1e-4)


def test_layers_are_drawn_in_order_without_containers(session):
    net = session.get("lenet5")
    layers = network_layers(net)
    _, acts = capture(net, np.zeros((1, 1, 28, 28), np.float32))
    names = [info.name for info in layers]
    assert names == [n for n in acts if n in names]          # the capture order
    assert all(info.shape == acts[info.name].shape[1:] for info in layers)
    assert "Flatten" not in {info.type for info in layers}


def test_signed_maps_use_the_shared_palette(view):
    from .colour_checks import assert_signed_maps_use_the_shared_palette

    view.select("0", 1, 4, 8)
    assert_signed_maps_use_the_shared_palette(view)       # the layer mosaics and the chosen map

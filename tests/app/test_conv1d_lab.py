"""The 1-D convolution lab without a browser: sizes, outputs and pooling against the engine and torch."""
import re

import numpy as np
import pytest
import torch
from panel.io.location import Location

from app.views.conv1d.kernels import CUSTOM, MIN_SIZE, PRESETS, format_weights, parse_weights, preset_kernel
from app.core.i18n import STRINGS, t
from app.views.conv1d import strings as conv1d_lab_strings
from app.views.conv1d.view import MODES, Conv1dLab, convolve_series
from cnncore import nn
from cnncore.sequences import make_series

TORCH_MODES = {"zeros": "constant", "replicate": "replicate", "reflect": "reflect", "circular": "circular"}


@pytest.fixture(scope="module")
def lab():
    return Conv1dLab(train=True)


def random_cases(count, seed):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield dict(k=int(rng.integers(1, 16)), stride=int(rng.integers(1, 9)), padding=int(rng.integers(0, 11)),
                   mode=str(rng.choice(MODES)), pool=str(rng.choice(["none", "max", "avg"])),
                   pool_k=int(rng.integers(2, 9)), kernel_seed=int(rng.integers(1 << 30)))


@pytest.mark.parametrize("case", list(random_cases(24, 0)))
def test_output_matches_torch_and_the_length_formula(case):
    x = make_series(120, seed=case["kernel_seed"] % 50, patterns=2).price
    kernel = np.random.default_rng(case["kernel_seed"]).normal(size=case["k"])
    r = convolve_series(x, kernel, case["stride"], case["padding"], case["mode"], case["pool"], case["pool_k"])
    # The output length: the formula, cnncore's Conv1d and torch agree.
    formula = (len(x) + 2 * case["padding"] - case["k"]) // case["stride"] + 1
    layer = nn.Conv1d(1, 1, case["k"], case["stride"], case["padding"], padding_mode=case["mode"], bias=False)
    assert r.out_length == formula == layer.output_shape((1, 1, len(x)))[2] == len(r.y)
    xt = torch.tensor(x)[None, None]
    if case["padding"]:
        xt = torch.nn.functional.pad(xt, (case["padding"],) * 2, mode=TORCH_MODES[case["mode"]])
    expected = torch.nn.functional.conv1d(xt, torch.tensor(kernel)[None, None], stride=case["stride"])[0, 0]
    np.testing.assert_allclose(r.y, expected.numpy(), rtol=1e-10, atol=1e-9)
    # Every output is its window's products summed.
    for i in (0, r.out_length // 2, r.out_length - 1):
        times, values, products = r.window(i)
        assert len(times) == case["k"] and times[0] == case["stride"] * i - case["padding"]
        np.testing.assert_allclose(products.sum(), r.y[i], rtol=1e-10, atol=1e-9)
        inside = (times >= 0) & (times < len(x))
        np.testing.assert_array_equal(values[inside], x[times[inside]])
        np.testing.assert_allclose(r.times[i], times.mean())
    if case["pool"] != "none" and r.out_length >= case["pool_k"]:
        pool = torch.nn.functional.max_pool1d if case["pool"] == "max" else torch.nn.functional.avg_pool1d
        pooled = pool(torch.tensor(r.y)[None, None], case["pool_k"])[0, 0].numpy()
        np.testing.assert_allclose(r.pooled, pooled, rtol=1e-12)
        assert r.pool_length == len(pooled) == (r.out_length - case["pool_k"]) // case["pool_k"] + 1


def test_presets():
    np.testing.assert_allclose(preset_kernel("moving_average", 4), [0.25] * 4)
    np.testing.assert_allclose(preset_kernel("difference", 2), [-1, 1])
    np.testing.assert_allclose(preset_kernel("difference", 3), [-0.5, 0, 0.5])
    np.testing.assert_allclose(preset_kernel("second_difference", 3), [1, -2, 1])
    np.testing.assert_allclose(preset_kernel("step", 4), [-0.5, -0.5, 0.5, 0.5])
    ramp = np.arange(20.0) * 3 + 7                       # a line of slope 3
    for k in range(2, 9):
        slope = convolve_series(ramp, preset_kernel("difference", k)).y
        np.testing.assert_allclose(slope, 3.0)
        np.testing.assert_allclose(convolve_series(ramp, preset_kernel("moving_average", k)).y,
                                   ramp[:len(ramp) - k + 1] + 3 * (k - 1) / 2)
    for k in range(3, 9):
        np.testing.assert_allclose(convolve_series(ramp, preset_kernel("second_difference", k)).y, 0, atol=1e-12)
    step = np.r_[np.zeros(10), np.ones(10)]
    out = convolve_series(step, preset_kernel("step", 4)).y
    assert int(np.argmax(out)) == 10 - 2 and out.max() == pytest.approx(1.0)
    for name in PRESETS:
        with pytest.raises(ValueError):
            preset_kernel(name, MIN_SIZE[name] - 1) if MIN_SIZE[name] > 1 else preset_kernel("nope", 3)


def test_typed_kernels():
    np.testing.assert_array_equal(parse_weights("1, -2; 1"), [1, -2, 1])
    assert format_weights(parse_weights("0.5,-1.25")) == "0.5,-1.25"
    for bad in ("", "a,b", "1,inf"):
        with pytest.raises(ValueError):
            parse_weights(bad)
    with pytest.raises(ValueError, match="k = 2"):
        parse_weights("1,2,3", k=2)


def test_view_numbers_follow_the_controls(lab):
    lab.param.update(preset="moving_average", k=5, stride=1, padding=0, pool="none", pos=60)
    assert re.search(r"data-testid='c1d-lout'>396<", lab.summary.object)
    lab.param.update(k=7, stride=3, padding=2, pool="max", pool_k=3)
    r = lab.result
    assert r.out_length == (400 + 4 - 7) // 3 + 1
    assert f"⌊(400 + 2·2 − 7) / 3⌋ + 1" in lab.summary.object
    assert f"data-testid='c1d-lout'>{r.out_length}<" in lab.summary.object
    assert f"data-testid='c1d-pool-len'>{r.pool_length}<" in lab.summary.object
    sum_shown = re.search(r"c1d-sum'>([^<]+)<", lab.window_text.object).group(1)
    value_shown = re.search(r"c1d-value'>([^<]+)<", lab.window_text.object).group(1)
    assert float(sum_shown) == pytest.approx(float(value_shown), rel=1e-5)
    assert lab.output_plot.conv.data["y"] == [float(v) for v in r.y]
    assert len(lab.output_plot.pool.data["x"]) == r.pool_length
    assert lab.series_plot.window.data["left"] == [float(lab.pos * 3 - 2) - 0.5]
    lab.pos = 10_000                                         # beyond the end: the last output
    assert lab.pos == r.out_length - 1


def test_presets_custom_kernels_and_messages(lab):
    lab.param.update(preset="second_difference", k=2, stride=1, padding=0, pool="none")
    assert lab.k == 3 and "k ≥ 3" in lab.summary.object
    np.testing.assert_array_equal(lab.result.kernel, [1, -2, 1])
    lab._typed(type("E", (), {"new": [[[0.5, 0.0, -0.5, 1.0]]]})())    # an edit in the browser's grid
    assert (lab.preset, lab.weights, lab.k) == (CUSTOM, "0.5,0,-0.5,1", 4)
    np.testing.assert_array_equal(lab.result.kernel, [0.5, 0, -0.5, 1])
    lab.k = 2                                                # a custom kernel is cut (or padded with zeros)
    assert lab.weights == "0.5,0"
    lab.weights = "1,x"
    assert lab._error.visible and "numbers" in lab._error.object
    lab.param.update(preset="difference", k=3)
    assert not lab._error.visible and lab.weights == ""
    lab.param.update(pool="max", pool_k=8, stride=8, k=15, padding=0)     # 49 outputs, pools of 8: fine
    assert lab.result.pool_length == 6 and not lab._error.visible


def test_learned_network_and_where_it_fires(lab):
    assert lab.recipe is not None and lab.recipe.test_accuracy > 0.6
    assert f"{lab.recipe.test_accuracy:.0%}" in lab.learned_status.object
    c = lab.recipe.model[0].out_channels
    assert lab.responses.shape == (c, 399) and (lab.responses >= 0).all()
    assert lab.firing.shape == (c, 4)
    # Some kernel responds more strongly inside spikes than outside any pattern.
    spike = lab.series.labels[1:] == 1
    if spike.any():
        assert (lab.firing[:, 1] > lab.firing[:, 0]).any()
    assert lab.firing_plot.source.data["image"][0].shape == (c, 399)
    lab.seed = 3
    assert lab.series.seed == 3 and lab.firing_plot.source.data["image"][0].shape == (c, 399)
    assert "seed 3" in lab.series_plot.figure.title.text


def test_training_waits_for_the_page():
    lab = Conv1dLab(train=False)
    assert lab.recipe is None and "c1d-training" in lab.learned_status.object


def test_url_and_languages():
    lab = Conv1dLab(train=False)
    location = Location()
    lab.sync_url(location)
    lab.param.update(k=9, stride=2, pool="avg")
    assert all(s in location.search for s in ("k=9", "stride=2", "pool=avg"))
    other = Conv1dLab(train=False)
    other.sync_url(Location(search="?preset=custom&weights=1,0,-1&k=3&padding=4&mode=replicate&seed=8"))
    assert (other.preset, other.k, other.padding, other.mode, other.seed) == (CUSTOM, 3, 4, "replicate", 8)
    np.testing.assert_array_equal(other.result.kernel, [1, 0, -1])
    english = other.summary.object
    other.lang = "zh"
    assert other.summary.object != english and t("c1d_engine", "zh") in other.summary.object
    assert other.preset_select.name == t("c1d_preset", "zh")


def test_strings_have_both_languages():
    for key, entry in conv1d_lab_strings.STRINGS.items():
        assert set(entry) == {"en", "zh"} and STRINGS[key] == entry

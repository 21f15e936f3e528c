"""The architectures lab's roofline: the plot shows the engine's intensities; the button measures and classifies."""
import html
import re

import numpy as np
import panel as pn
import pytest

import cnncore.inspect
from app.views.architectures.roofline_plot import roofline_points
from app.core.i18n import t
from app.views.architectures.view import ArchitecturesLab
from cnncore.inspect import Machine, roofline
from cnncore.models import CLASSIC_MODELS
from cnncore.nn.init import meta

FAKE = Machine(peak_flops=4e10, bandwidth=5e9, gemm_size=512, copy_bytes=32 << 20, matmul="matmul",
               seconds=0.5, repeats=5)                      # ridge point: 8 FLOPs per byte


def engine_layers(name, batch):
    make, shape, _ = CLASSIC_MODELS[name]
    with meta():
        return roofline(make(), (batch,) + tuple(shape))


@pytest.fixture
def view(monkeypatch):
    monkeypatch.setattr(cnncore.inspect, "measure_machine", lambda: FAKE)
    return ArchitecturesLab(arch="alexnet", batch=1)


def test_before_measuring_the_plot_shows_the_engines_intensities_and_no_roof(view):
    layers = [l for l in engine_layers("alexnet", 1) if l.flops > 0]
    data = view.roofline.plot.source.data
    assert data["name"] == [l.name for l in layers]
    np.testing.assert_allclose(data["intensity"], [l.intensity for l in layers], rtol=1e-12)
    assert view.roofline.plot.roof.data["x"] == [] and not view.roofline.plot.ridge.visible
    assert "data-measured='0'" in view.roofline.text.object
    assert set(data["bound_text"]) == {t("archlab_bound_none", "en")}


def test_measuring_draws_the_roof_and_classifies_every_layer_at_the_ridge(view):
    view.roofline.button.clicks += 1                       # what a click does
    assert not view._error.visible and view.roofline.machine is FAKE
    roof = view.roofline.plot.roof.data
    assert roof["x"][1] == FAKE.ridge == 8.0 and roof["y"][1] == roof["y"][2] == FAKE.peak_flops
    np.testing.assert_allclose(roof["y"][0], roof["x"][0] * FAKE.bandwidth)
    assert view.roofline.plot.ridge.location == 8.0 and view.roofline.plot.ridge.visible
    data = view.roofline.plot.source.data
    for x, y, b in zip(data["intensity"], data["y"], data["bound"]):
        assert b == ("compute" if x >= 8.0 else "memory")
        assert y == pytest.approx(min(4e10, x * 5e9))
    # AlexNet at batch 1: the convolutions are compute-bound, the fully-connected layers memory-bound
    kinds = {(k, b) for k, b in zip(data["kind"], data["bound"])}
    assert ("Linear", "memory") in kinds and ("Conv2d", "compute") in kinds and ("Linear", "compute") not in kinds
    compute = data["bound"].count("compute")
    text = view.roofline.text.object
    assert "data-measured='1'" in text and f"data-compute='{compute}'" in text
    assert f"data-memory='{len(data['bound']) - compute}'" in text and "40.0 GFLOP/s" in text
    # a larger batch amortises the weights: the fully-connected layers climb past the ridge
    view.batch = 256
    data = view.roofline.plot.source.data
    assert all(b == "compute" for k, b in zip(data["kind"], data["bound"]) if k == "Linear")
    expected = roofline_points(engine_layers("alexnet", 256), FAKE)
    assert {k: data[k] for k in expected} == expected
    view.lang = "zh"
    assert t("archlab_bound_compute", "zh") in view.roofline.plot.source.data["bound_text"]
    assert "这台机器" in view.roofline.text.object
    assert view.roofline.button.label == t("archlab_roof_measure", "zh")


def test_one_by_one_convolutions_beside_fully_connected_layers():
    nin = ArchitecturesLab(arch="nin", batch=1)
    ones = [l.intensity for l in engine_layers("nin", 1) if l.detail.startswith("1x1")]
    text = html.unescape(nin.roofline.one_by_one.object)
    assert "1×1" in text and f"{min(ones):.3g}" in text
    alex = ArchitecturesLab(arch="alexnet", batch=1)
    assert re.search(r"0\.49\d*–0\.5", html.unescape(alex.roofline.one_by_one.object))
    assert "I_{1 \\times 1}" in alex.explanation.object


def test_the_real_measurement_runs_from_the_button():
    view = ArchitecturesLab(arch="nin", batch=1)
    view.roofline.button.clicks += 1
    m = view.roofline.machine
    assert m is not None and m.peak_flops > 0 and m.bandwidth > 0
    assert f"data-ridge='{m.ridge:.6g}'" in view.roofline.text.object
    assert not view.roofline.button.disabled


def test_roofline_formulas_reach_mathjax_intact():
    view = ArchitecturesLab(arch="nin")
    rendered = html.unescape(view.explanation._transform_object(view.explanation.object)["object"])
    formulas = re.findall(r"\$\$(.*?)\$\$", rendered, re.S)
    assert any("attainable" in f for f in formulas) and any("1 \\times 1" in f for f in formulas)
    assert all(not re.search(r"[<>]|&(gt|lt|amp);", f) for f in formulas)
    assert isinstance(view.__panel__(), pn.Column)

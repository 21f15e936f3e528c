"""The residual learning lab without a browser: both trainers step, gradient norms are recorded."""
import html
import math

import numpy as np
import pytest

from app.views.residual.diagram import block_figures, block_svg
from app.views.residual.race import ResidualRace, check_depth, gradient_layers, training_digits
from app.core.i18n import t
from app.views.residual.view import ResidualLab


@pytest.fixture(scope="module")
def data():
    return training_digits(100, 14)


def test_training_digits_are_balanced_and_shrunk(data):
    images, labels = data
    assert images.shape == (100, 1, 14, 14)
    assert np.all(np.bincount(labels) == 10)
    from cnncore.data import load_digits
    full, full_labels = load_digits("train")
    first_zero = full[np.flatnonzero(full_labels == 0)[0], 0].astype(np.float64)
    np.testing.assert_allclose(images[0, 0], first_zero.reshape(14, 2, 14, 2).mean(axis=(1, 3)), rtol=1e-6)


@pytest.mark.parametrize("depth, ok", [(8, True), (14, True), (20, True), (32, True), (9, False), (2, False),
                                        (15, False)])
def test_depth_validation(depth, ok):
    message = check_depth(depth)
    assert (message is None) == ok
    if not ok:
        assert "6n+2" in message and str(depth) in message


def test_race_steps_both_models_and_records_gradient_norms(data):
    race = ResidualRace(8, 4, data, steps=3, batch_size=8, lr=0.05)
    assert race.records["plain"].layers == race.records["resnet"].layers == gradient_layers(race.models["plain"])
    assert len(race.records["plain"].layers) == 8             # depth = layers with weights on the main path
    while not race.over:
        race.step()
    for key in ("plain", "resnet"):
        record, trainer = race.records[key], race.trainers[key]
        assert record.steps == [1, 2, 3] and trainer.steps_done == 3
        assert len(record.loss) == 3 and all(math.isfinite(v) for v in record.loss)
        # the norms are the trainer's, layer by layer
        for name in record.layers:
            assert record.grad_norms[-1][name] == trainer.history.grad_norms[name][-1] > 0
        # and they are ||dL/dW|| of the last step
        module = dict(race.models[key].named_modules())[record.layers[0]]
        assert record.grad_norms[-1][record.layers[0]] == pytest.approx(float(np.linalg.norm(module.weight.grad)),
                                                                        rel=1e-5)
    # only the ResNet's blocks split the gradient
    split = race.records["resnet"].split
    assert set(split) == {"layer1.0", "layer2.0", "layer3.0"}
    block = dict(race.models["resnet"].named_modules())["layer1.0"]
    assert split["layer1.0"][0] == pytest.approx(float(np.linalg.norm(block.grad_main)), rel=1e-5)
    assert split["layer1.0"][1] == pytest.approx(float(np.linalg.norm(block.grad_shortcut)), rel=1e-5)
    assert all(math.isnan(s) for _, s in race.records["plain"].split.values())
    assert race.layer_profile("plain").shape == (8,)


def test_advance_respects_the_budget(data):
    ticks = iter(np.arange(0, 100, 0.05))
    race = ResidualRace(8, 4, data, steps=5, batch_size=8, clock=lambda: next(ticks))
    assert race.advance(budget=0.1) == 2                      # 0.05 per pair on the fake clock
    assert race.steps_done == 2


def test_view_trains_and_shows_numbers(data, monkeypatch):
    monkeypatch.setattr("app.views.residual.view.training_digits", lambda n, s: data)
    view = ResidualLab(depth=8, width=4, steps=20, batch_size=8)
    assert view.status == "idle" and "data-steps='0'" in view.status_pane.object
    view.step_once()
    assert view.steps_done == 1 and view.status == "paused"
    view.start()
    assert view.status == "running"
    view.tick(budget=0.0)
    view._flush(force=True)
    assert view.steps_done == 2
    assert "data-steps='2'" in view.status_pane.object
    assert list(view.loss.source.data["step"]) == [1, 2]
    assert len(view.heat["plain"].source.data["value"]) == 2 * 8
    assert "data-testid='resid-split'" in view.split_caption.object
    view.pause()
    assert view.status == "paused"
    view.lang = "zh"
    assert t("residual_lab_state_paused", "zh") in view.status_pane.object
    view.depth = 14                                            # a new setting drops the race
    assert view.race is None and view.status == "idle"


def test_view_bad_depth_message(monkeypatch):
    view = ResidualLab(depth=10)
    assert view.depth_problem and view.problem_pane.visible
    assert "6n+2" in view.problem_pane.object and view.start_button.disabled
    view.start()
    assert view.race is None
    view.depth = 32
    assert not view.problem_pane.visible and not view.start_button.disabled


def test_diagram_shapes_come_from_the_blocks():
    identity, projection, bottleneck = block_figures(width=8, size=28)
    assert identity.shortcut is None and identity.output_shape == (1, 8, 28, 28)
    assert projection.shortcut[1] == projection.output_shape == (1, 16, 14, 14)
    assert [s[0] for s in bottleneck.stages if s[1] == "conv"] == ["1×1 conv, 64", "3×3 conv, 64", "1×1 conv, 256"]
    assert bottleneck.params == 256 * 64 + 9 * 64 * 64 + 64 * 256 + 2 * (64 + 64 + 256)
    svg = block_svg(projection, "P", "dashed", "parameters")
    assert "stroke-dasharray" in svg and "16×14×14" in svg and svg.startswith("<svg")
    assert "stroke-dasharray='8 5'" not in block_svg(identity, "I", "solid", "parameters")


@pytest.mark.parametrize("depth", [8, 32])
def test_gradient_verdict_follows_the_ratios_it_shows(data, monkeypatch, depth):
    """At depth 32 the caption said the plain net's gradient fades while its own numbers said the ResNet's did."""
    import re

    monkeypatch.setattr("app.views.residual.view.training_digits", lambda n, s: data)
    view = ResidualLab(depth=depth, width=4, steps=20, batch_size=8)
    for _ in range(3):
        view.step_once()
    caption = view.profile_caption.object
    plain, resnet = (float(v) for v in re.search(r"plain ([\d.e+-]+), ResNet ([\d.e+-]+)", caption).groups())
    verdict = re.search(r"data-verdict='(\w*)'", caption).group(1)
    if abs(plain - resnet) <= 0.1 * max(plain, resnet):
        assert verdict == "same"
    else:
        assert verdict == ("plain" if plain < resnet else "resnet")
    assert t(f"residual_lab_verdict_{verdict}", "en") in html.unescape(caption)

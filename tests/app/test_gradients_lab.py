"""The Gradients lab without a browser: its numbers against the engine, torch and finite differences."""
import numpy as np
import pytest
import torch
from panel.io.location import Location

from app.views.gradients.compute import (EPSILONS, conv_backward, conv_layers, finite_difference, layer_input,
                                         mosaic, weight_grad_terms, weighted_layers)
from app.core.i18n import STRINGS, t
from app.views.gradients import strings as gradients_lab_strings
from app.views.gradients.view import GradientsLab
from cnncore.inspect import capture, capture_gradients, saliency


@pytest.fixture(scope="module")
def view():
    return GradientsLab()


@pytest.fixture(scope="module")
def lenet(view):
    return view.session.get("lenet5")


def test_saliency_equals_capture_gradients_input(view):
    for target in (-1, 3):
        view.param.update(target=target, loss="score")
        s = view.saliency
        np.testing.assert_array_equal(s["gradient"], view.gradients["input"][0])
        np.testing.assert_array_equal(s["map"], np.abs(view.gradients["input"][0]).max(axis=0))
        expected = int(np.argmax(s["logits"])) if target < 0 else target
        assert s["target"] == expected
        assert "data-testid='grad-sal-check'>0<" in view.sal_summary.object
    view.target = -1


def test_every_layer_gradient_is_shown_and_signed(view):
    names = view._layer_names
    assert names[0] == "input" and "6" not in names        # the Flatten repeats the pooled gradient
    assert len(view.layer_grid.source.data["image"]) == len(names)
    for image in view.layer_grid.source.data["image"]:
        assert np.nanmax(np.abs(image)) <= 1.0 + 1e-12     # each panel scaled to its own max |g|
    m = mosaic(view.gradients["3"])
    assert m.shape == (4 * 11 - 1, 4 * 11 - 1) and np.isnan(m).sum() == m.size - 16 * 100


@pytest.mark.parametrize("seed", range(4))
def test_rotated_kernel_full_convolution_equals_conv2d_backward(lenet, seed):
    rng = np.random.default_rng(seed)
    x = rng.random((1, 1, 28, 28)).astype(np.float32)
    target = int(rng.integers(10))
    _, grads = capture_gradients(lenet, x, target)
    for name in conv_layers(lenet):
        cb = conv_backward(lenet, x, name, grads[name])
        np.testing.assert_allclose(cb.dx_full, cb.dx_backward, rtol=0, atol=1e-12 * np.abs(cb.dx_backward).max())
        np.testing.assert_allclose(cb.dweight_corr, cb.dweight, rtol=1e-12, atol=1e-14)
        # Output channel o's share, summed over o, is the whole input gradient.
        total = sum(cb.partial_full(o, 0) for o in range(cb.g.shape[0]))
        np.testing.assert_allclose(total, cb.dx_full[0], atol=1e-12)


def test_conv_backward_matches_torch(lenet):
    x = np.random.default_rng(5).random((1, 1, 28, 28))
    _, grads = capture_gradients(lenet, x.astype(np.float32), 4)
    cb = conv_backward(lenet, x.astype(np.float32), "3", grads["3"])
    module = dict(lenet.named_modules())["3"]
    xin = torch.tensor(cb.x[None], requires_grad=True)
    w = torch.tensor(module.weight.data.astype(np.float64), requires_grad=True)
    y = torch.nn.functional.conv2d(xin, w, padding=module.padding)
    y.backward(torch.tensor(cb.g[None]))
    np.testing.assert_allclose(cb.dx_backward, xin.grad[0].numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(cb.dweight, w.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_layer_input_is_the_previous_output(lenet):
    x = np.random.default_rng(1).random((1, 1, 28, 28)).astype(np.float32)
    _, acts = capture(lenet, x)
    np.testing.assert_array_equal(layer_input(lenet, x, "3"), acts["2"])
    np.testing.assert_array_equal(layer_input(lenet, x, "0"), x)
    assert "forward" not in dict(lenet.named_modules())["3"].__dict__     # the wrapper is gone


def test_worked_weight_gradient_cell_is_the_sum_of_its_terms(view):
    view.param.update(layer="0", out_ch=2, in_ch=0, cell_u=1, cell_v=3)
    cb = view.conv
    terms, total = weight_grad_terms(cb, 2, 0, 1, 3)
    assert len(terms) == cb.g.shape[1] * cb.g.shape[2]
    # By hand: the padded input under every output position, times the gradient there.
    xp = np.pad(cb.x[0], 2)
    by_hand = sum(cb.g[2, i, j] * xp[i + 1, j + 3] for i in range(28) for j in range(28))
    np.testing.assert_allclose(total, by_hand, rtol=1e-12)
    np.testing.assert_allclose(total, cb.dweight[2, 0, 1, 3], rtol=1e-12)
    assert f">{total:.6g}<" in view.worked.object.replace("<b data-testid='grad-wcell'>", ">")


def nonzero_weight(model, x, layer, k):
    """The k-th weight (flat index) of ``layer`` whose score gradient is not 0 (one engine backward pass)."""
    from cnncore.inspect import output_gradient
    model.zero_grad()
    seed, _ = output_gradient(model(x), None)
    model.backward(seed)
    grad = weighted_layers(model)[layer].weight.grad
    model.zero_grad()
    return int(np.flatnonzero(grad)[k])


@pytest.mark.parametrize("loss", ["score", "cross_entropy"])
@pytest.mark.parametrize("kind, layer, index", [("weight", "0", 17), ("weight", "3", 123), ("weight", "7", 99),
                                                ("weight", "11", 20), ("pixel", None, (13, 15))])
def test_finite_differences_agree_with_backprop_in_float64(lenet, loss, kind, layer, index):
    from cnncore.data import sample_digits
    x = sample_digits(1)[0][3:4]
    pixel = index if kind == "pixel" else (0, 0)
    if kind == "weight":
        index = nonzero_weight(lenet, x, layer, index)
    # A sure prediction has a cross-entropy near 1e-7, computed as a difference of numbers near 16:
    # rounding then swamps the finite difference. A wrong class keeps the loss (and its gradient) large.
    target = None if loss == "score" else 8
    results = finite_difference(lenet, x, target, loss, kind, layer, 0 if kind == "pixel" else index, pixel)
    assert [r.eps for r in results] == list(EPSILONS)
    analytic = results[0].analytic
    assert analytic != 0
    best = min(r.rel_error for r in results)
    assert best < 1e-6
    # The analytic value is the engine's backward pass, also in torch's float64 terms.
    assert len({r.analytic for r in results}) == 1
    assert lenet[0].weight.data.dtype == np.float32            # the model itself is untouched


def test_finite_difference_matches_torch_autograd(lenet):
    from cnncore.data import sample_digits
    x = sample_digits(1)[0][5:6]
    result = finite_difference(lenet, x, 2, "cross_entropy", "weight", "9", 321)[3]
    tnet = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(6, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(400, 120), torch.nn.ReLU(), torch.nn.Linear(120, 84), torch.nn.ReLU(),
        torch.nn.Linear(84, 10)).double()
    tnet.load_state_dict({k: torch.tensor(v.astype(np.float64)) for k, v in lenet.state_dict().items()})
    loss = torch.nn.functional.cross_entropy(tnet(torch.tensor(x, dtype=torch.float64)), torch.tensor([2]))
    loss.backward()
    np.testing.assert_allclose(result.analytic, tnet[9].weight.grad.numpy().reshape(-1)[321], rtol=1e-10)
    np.testing.assert_allclose(result.loss, loss.item(), rtol=1e-10)


def test_view_fd_controls(view):
    view.param.update(fd_kind="weight", fd_layer="3", fd_index=-1, fd_exp=3, loss="score")
    weight = weighted_layers(view.session.get(view.model))["3"].weight
    assert 0 <= view.fd_index < weight.data.size               # -1 picked the largest gradient
    grads = [abs(r.analytic) for r in view.fd]
    assert grads[0] > 0
    assert view.fd[2].rel_error < 1e-6
    assert f"{view.fd[2].rel_error:.2e}" in view.fd_summary.object
    shown = view.fd_summary.object
    view.fd_exp = 6
    assert view.fd_summary.object != shown and "1e-06" in view.fd_summary.object
    view._pixel_clicked(10, 12)
    assert (view.fd_kind, view.fd_row, view.fd_col) == ("pixel", 10, 12)
    assert view.fd[0].value == pytest.approx(float(view._image[0, 0, 10, 12]))
    assert view.sal_plot.marks.data["x"] == [12.5]


def test_model_switch_and_bad_links(view):
    view.model = "tiny_vgg"
    assert not view._error.visible
    assert view.layer in conv_layers(view.session.get("tiny_vgg"))
    view.param.update(layer="nope", out_ch=99)
    assert view.layer in conv_layers(view.session.get("tiny_vgg")) and view.out_ch < 10
    view.model = "lenet5"


def test_drawing_input_and_empty_drawing():
    lab = GradientsLab()
    digit = np.zeros((28, 28), np.float32)
    digit[6:22, 12:16] = 1.0
    lab.set_input(digit)
    assert lab.digit == -1 and not lab._error.visible
    np.testing.assert_array_equal(lab._image[0, 0], digit)
    lab.set_input(None)
    assert lab.digit == 7
    lab.digit = -1                                  # a blank canvas: a message, no traceback
    assert lab._error.visible and t("lab_draw_first", "en") in lab._error.object


def test_url_and_languages():
    lab = GradientsLab()
    location = Location()
    lab.sync_url(location)
    lab.param.update(target=5, fd_exp=4, layer="3")
    assert "target=5" in location.search and "fd_exp=4" in location.search and "layer=3" in location.search
    restored = GradientsLab()
    other = Location(search="?target=2&fd_kind=pixel&fd_row=9&fd_col=11&loss=cross_entropy&layer=0&digit=4")
    restored.sync_url(other)
    assert (restored.target, restored.fd_kind, restored.fd_row, restored.fd_col, restored.digit) == \
        (2, "pixel", 9, 11, 4)
    assert restored.fd[0].target == 2 and restored.saliency["target"] == 2
    english = restored.fd_summary.object
    restored.lang = "zh"
    assert restored.fd_summary.object != english
    assert t("grad_fd_analytic", "zh") in restored.fd_summary.object
    assert restored.target_select.label == t("grad_target", "zh")


def test_strings_have_both_languages():
    for key, entry in gradients_lab_strings.STRINGS.items():
        assert set(entry) == {"en", "zh"} and STRINGS[key] == entry

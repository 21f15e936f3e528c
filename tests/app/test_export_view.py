"""Export to PyTorch and import of a PyTorch state_dict, in the Train and "Your classes" views.

The zip the button downloads is unpacked and its model.py run with PyTorch: its logits equal
the view's network's. A state_dict saved from PyTorch with the documented two lines uploads
into the Train view, fitted to the chosen, the built or a zoo network; one that fits none is
explained in both languages, as plain text.
"""
import importlib.util
import io
import zipfile

import numpy as np
import pytest
import torch

from app.views.train.layers import build_network, parse_arch
from app.views.classes.view import ClassesView
from app.views.train.view import TrainView
from cnncore.data import load_digits
from cnncore.io import to_bytes
from cnncore.models import DIGIT_MODELS
from tests.hostile import SHORT_PAYLOAD

TINY = "c4k3p1-relu-max2-max2"


def exported_net(data, folder, name):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(folder)
    spec = importlib.util.spec_from_file_location(f"view_export_{name}", folder / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    net = module.Net()
    net.load_state_dict(module.load_weights(str(folder / "weights.npz")))
    with np.load(folder / "test_input.npz", allow_pickle=False) as f:
        x, logits, classes = f["input"], f["logits"], list(f["classes"])
    return net.eval(), x, logits, classes


def torch_out(net, x):
    with torch.no_grad():
        return net(torch.from_numpy(x)).numpy()


def npz_of(net):
    """The README's two lines."""
    buffer = io.BytesIO()
    np.savez(buffer, **{k: v.numpy() for k, v in net.state_dict().items()})
    return buffer.getvalue()


def test_train_view_exports_the_network_a_run_would_train(tmp_path):
    view = TrainView(autoplay=False, model="custom", arch=TINY)
    assert not view.export_button.disabled and view.export_button.filename == "cnn-playground-custom-pytorch.zip"
    net, x, logits, classes = exported_net(view._export_file().getvalue(), tmp_path, "custom")
    ours = view.build_model().eval()(x)
    np.testing.assert_allclose(torch_out(net, x), ours, atol=1e-5 * max(1, np.abs(ours).max()), rtol=0)
    np.testing.assert_allclose(logits, ours, atol=0, rtol=0)
    assert x.shape == (4, 1, 28, 28) and classes == [str(d) for d in range(10)]
    np.testing.assert_array_equal(x, load_digits("test")[0][::250])          # real test digits
    assert '"""Your network (c4k3p1-relu-max2-max2)' in (tmp_path / "model.py").read_text()


def test_train_view_exports_the_trained_weights_after_a_step(tmp_path):
    view = TrainView(autoplay=False, model="custom", arch=TINY, subset=500, batch_size=16, epochs=1)
    view.step_once()
    net, x, logits, _ = exported_net(view.export_bytes(), tmp_path, "stepped")
    trained = view.training.model.eval()(x)
    fresh = view.build_model().eval()(x)
    assert not np.allclose(trained, fresh)                                     # really the stepped weights
    np.testing.assert_allclose(torch_out(net, x), trained, atol=1e-5 * max(1, np.abs(trained).max()), rtol=0)
    assert "you trained" in (tmp_path / "model.py").read_text()
    view.builder.arch = "c8k3p1-relu-max2"                                     # chosen after the run:
    assert "Your network (c4k3p1-relu-max2-max2)" in zipfile.ZipFile(io.BytesIO(view.export_bytes())).read(
        "model.py").decode()                                                   # the export is still the run's


def test_export_button_is_off_when_the_built_stack_cannot_work_and_says_so_in_chinese():
    view = TrainView(autoplay=False, model="custom", arch="c8k9p0-c8k9p0-c8k9p0-c8k9p0")
    assert not view.builder.result.ok and view.export_button.disabled
    assert view.export_button.label == "⬇ Export to PyTorch (.zip)"
    view.lang = "zh"
    assert view.export_button.label == "⬇ 导出为 PyTorch（.zip）"
    assert "np.savez" in view.upload_hint.object


def test_a_pytorch_state_dict_uploads_into_the_built_network(tmp_path):
    view = TrainView(autoplay=False, model="custom", arch=TINY)
    net, x, _, _ = exported_net(view.export_bytes(), tmp_path, "up")
    torch.manual_seed(1)
    with torch.no_grad():
        for p in net.parameters():
            p.mul_(torch.rand_like(p) * 2)
    assert view.load_upload(npz_of(net), "from-torch.npz")
    assert view.model == "uploaded" and view.upload_message.alert_type == "success"
    assert view.import_note.visible and "your network (c4k3p1-relu-max2-max2)" in view.import_note.object
    model = view.build_model()
    np.testing.assert_allclose(model.eval()(x), torch_out(net, x), atol=1e-5, rtol=0)
    view.lang = "zh"
    assert "PyTorch state dict" in view.import_note.object and "已载入" in view.import_note.object
    view.load_upload(to_bytes(model), "own.npz")                                # our own file: no note
    assert not view.import_note.visible


def test_a_state_dict_of_a_zoo_network_finds_it():
    view = TrainView(autoplay=False, model="custom", arch=TINY)
    state = DIGIT_MODELS["tiny_vgg"](pretrained=True).state_dict()
    buffer = io.BytesIO()
    np.savez(buffer, **state)
    assert view.load_upload(buffer.getvalue(), "vgg.npz")
    assert "Tiny VGG" in view.import_note.object
    x = load_digits("test")[0][:3]
    np.testing.assert_allclose(view.build_model().eval()(x), DIGIT_MODELS["tiny_vgg"](pretrained=True)(x),
                               atol=0, rtol=0)


@pytest.mark.parametrize("case", ["missing", "shape", "extra"])
def test_a_state_dict_that_fits_nothing_is_explained(case):
    view = TrainView(autoplay=False, model="custom", arch=TINY)
    state = build_network(parse_arch(TINY)).model.state_dict()
    if case == "missing":
        state.pop("5.bias")
        expected = "missing keys 5.bias"
    elif case == "shape":
        state["0.weight"] = np.zeros((4, 1, 5, 5), np.float32)
        expected = "0.weight: shape (4, 1, 5, 5) in the file, (4, 1, 3, 3) in the network"
    else:
        state[SHORT_PAYLOAD] = np.zeros(1, np.float32)
        expected = "unexpected keys " + SHORT_PAYLOAD
    buffer = io.BytesIO()
    np.savez(buffer, **state)
    assert not view.load_upload(buffer.getvalue(), "m.npz")
    text = view.upload_message.object
    assert view.upload_message.alert_type == "danger" and view.model == "custom"
    assert "fit none of the networks here" in text and expected in text and "your network (" in text
    assert not view._error.visible and not view.import_note.visible
    view.lang = "zh"
    assert "任何网络都不一致" in view.upload_message.object and expected in view.upload_message.object


def test_classes_view_exports_its_trained_network(tmp_path):
    view = ClassesView(autoplay=False, epochs=1)
    assert view.export_button.disabled
    view.load_starter()
    view.step_once()
    assert not view.export_button.disabled
    net, x, logits, classes = exported_net(view._export_file().getvalue(), tmp_path, "classes")
    ours = view.model.eval()(x)
    assert x.shape == (3, 3, 32, 32) and classes == view.data.names
    np.testing.assert_allclose(torch_out(net, x), ours, atol=1e-5 * max(1, np.abs(ours).max()), rtol=0)
    np.testing.assert_allclose(logits, ours, atol=0, rtol=0)
    assert "your 3 classes" in (tmp_path / "model.py").read_text()
    view.lang = "zh"
    assert view.export_button.label == "⬇ 导出为 PyTorch（.zip）"


def test_classes_view_export_before_training_says_why():
    view = ClassesView(autoplay=False)
    assert view._export_file().getvalue() == b""
    assert view._error.visible and "Train the network first" in str(view._error.object)

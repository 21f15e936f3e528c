"""The "Your classes" network as a file: download it, open it again, open a PyTorch state dict,
and refuse whatever is not a network for these classes without losing anything."""
import io

import numpy as np
import pytest

from app.views.classes.network import NETWORK_FORMAT, network_to_bytes
from app.core.text import shorten
from app.views.classes.view import NAME_LIMIT, ClassesView, build_classifier, to_input
from cnncore import io as model_io, nn as cnn
from cnncore.train import evaluate
from cnncore.data import photo
from cnncore.images import fit
from tests.hostile import PAYLOADS

torch = pytest.importorskip("torch")


def trained(steps=3):
    view = ClassesView(autoplay=False, epochs=1)
    view.load_starter()
    for _ in range(steps):
        view.step_once()
    return view


def pictures():
    return [photo(name)[100:164, 100:164] for name in ("brick", "grass", "gravel")]


def npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def source():
    return trained()


def test_download_is_disabled_until_trained_and_holds_the_documented_arrays(source):
    assert ClassesView(autoplay=False).download_network.disabled
    assert not source.download_network.disabled
    blob = source._network_file().getvalue()
    with np.load(io.BytesIO(blob), allow_pickle=False) as archive:
        assert sorted(archive.files) == ["format", "model", "names"]
        assert str(archive["format"]) == NETWORK_FORMAT
        assert archive["names"].tolist() == ["brick", "grass", "gravel"]
        assert archive["model"].dtype == np.uint8
        same = model_io.load(archive["model"].tobytes())
    x = to_input(photo("grass")[None, :32, :32])
    np.testing.assert_array_equal(same.eval()(x), source.model.eval()(x))


def test_a_downloaded_network_opens_in_a_fresh_view_and_answers_the_same(source):
    fresh = ClassesView(autoplay=False)
    fresh.load_starter()
    assert fresh.open_network_file(source._network_file().getvalue(), "mine.npz")
    assert fresh._run_names == source._run_names and fresh.status == "finished"
    assert "mine.npz" in fresh.note.object and "opened from mine.npz" in fresh.status_pane.object
    for picture in pictures():
        np.testing.assert_allclose(fresh.predict(picture), source.predict(picture), atol=1e-6)
        assert fresh.prediction == source.prediction
    assert "brick:" in fresh.per_class.object                  # measured on the held-out tiles
    held_x, held_y = fresh.data.split()[1]
    confusion = evaluate(source.model, to_input(held_x), held_y).confusion
    assert confusion.sum() == 48 and fresh.confusion.source.data["count"] == confusion.ravel().tolist()
    entry = fresh.session.get(fresh.registered_key)
    assert entry is not None
    assert not fresh.export_button.disabled and fresh.export_bytes()[:2] == b"PK"
    assert fresh._network_file().getvalue()[:2] == b"PK"
    fresh.lang = "zh"
    assert "打开自 mine.npz" in fresh.status_pane.object and "已打开网络" in fresh.note.object


def test_names_come_from_the_file_and_differing_names_skip_the_measurement(source):
    fresh = ClassesView(autoplay=False)                      # two empty classes: "class 1", "class 2"
    assert fresh.open_network_file(source._network_file().getvalue(), "n.npz")
    assert fresh._run_names == ["brick", "grass", "gravel"] and fresh.data.names == ["class 1", "class 2"]
    assert "not measured" in fresh.note.object
    fresh.lang = "zh"
    assert "给它看一个文件" in fresh.prediction_pane.object and "没有在你的图片上检验它" in fresh.note.object
    fresh.lang = "en"
    fresh.predict(pictures()[1])
    assert fresh.prediction in ["brick", "grass", "gravel"]


def test_a_pytorch_state_dict_opens_with_the_current_names(source):
    nn = torch.nn
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(1024, 3))
    torch.manual_seed(1)
    for p in net.parameters():
        torch.nn.init.normal_(p, std=0.1)
    blob = npz(**{k: v.detach().numpy() for k, v in net.state_dict().items()})
    view = ClassesView(autoplay=False)
    view.load_starter()
    view._names[0].value = "bricks"
    assert view.open_network_file(blob, "from-torch.npz")
    assert view._run_names == ["bricks", "grass", "gravel"]
    x = to_input(np.stack([fit(p, (32, 32)) for p in pictures()]))
    expected = torch.softmax(net(torch.from_numpy(x)), 1).detach().numpy()
    for picture, p in zip(pictures(), expected):
        np.testing.assert_allclose(view.predict(picture), p, atol=1e-5)


def test_refusals_keep_the_network_and_the_pictures(source):
    view = trained(steps=1)
    before = view.predict(pictures()[0])
    names, counts, model = list(view._run_names), view.data.counts(), view.model
    blob = source._network_file().getvalue()
    two = build_classifier(2)
    bad = {
        "truncated.npz": blob[: len(blob) // 2],
        "text.npz": b"hello, not a network",
        "empty.npz": b"x",
        "two-classes.npz": model_io.save_state_dict(two),
        "two-model.npz": model_io.to_bytes(two),
        "grey.npz": model_io.to_bytes(cnn.Sequential(cnn.Flatten(), cnn.Linear(784, 3))),
        "data.npz": view.data.to_bytes(),
        "one-name.npz": npz(format=np.array(NETWORK_FORMAT), names=np.array(["a"]),
                            model=np.frombuffer(model_io.to_bytes(build_classifier(1)), np.uint8)),
        "names-mismatch.npz": network_to_bytes(two, ["a", "b", "c"]),
        "pickle.npz": npz(format=np.array(NETWORK_FORMAT), names=np.array(["a", "b"]),
                          model=np.array([object()], dtype=object)),
    }
    for filename, data in bad.items():
        assert not view.open_network_file(data, filename), filename
        assert view.note.alert_type == "danger" and f"{filename} was not opened" in view.note.object, filename
        assert view.model is model and view._run_names == names and view.data.counts() == counts
        np.testing.assert_array_equal(view.predict(pictures()[0]), before)
        assert not view._error.visible, filename
    view.lang = "zh"
    assert not view.open_network_file(bad["truncated.npz"], "truncated.npz")
    assert "未能作为网络打开" in view.note.object and "被截断" in view.note.object


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_file_names_are_text(source, payload):
    view = ClassesView(autoplay=False)
    assert not view.open_network_file(b"not a network", payload + ".npz")
    assert shorten(payload + ".npz", NAME_LIMIT) in view.note.object    # a Notice: shown as typed
    assert view.open_network_file(source._network_file().getvalue(), payload + ".npz")
    assert "<img" not in view.status_pane.object and "&lt;img" in view.status_pane.object


def test_training_again_forgets_the_opened_file(source):
    view = ClassesView(autoplay=False, epochs=1)
    view.load_starter()
    view.open_network_file(source._network_file().getvalue(), "n.npz")
    view.step_once()
    assert view.training is not None and "opened from" not in view.status_pane.object


def test_the_network_line_describes_the_opened_network(source):
    fresh = ClassesView(autoplay=False)                      # two classes on the page
    assert "1024→2" in fresh.model_pane.object
    assert fresh.open_network_file(source._network_file().getvalue(), "n.npz")     # a three-class network
    assert "1024→3" in fresh.model_pane.object and "1024→2" not in fresh.model_pane.object
    fresh.lang = "zh"
    assert "全连接 1024→3" in fresh.model_pane.object


def test_an_opened_network_of_another_layout_is_not_described_as_this_pages():
    other = cnn.Sequential(cnn.Conv2d(3, 4, 5, stride=2), cnn.ReLU(), cnn.Flatten(), cnn.Linear(4 * 14 * 14, 2))
    view = ClassesView(autoplay=False)
    assert view.open_network_file(model_io.to_bytes(other), "other.npz")
    text = view.model_pane.object
    assert "another layout" in text and "4 layers" in text and "Conv 3→8" not in text
    assert f"{sum(p.data.size for p in other.parameters()):,}".replace(",", "") in text.replace(",", "")
    view.lang = "zh"
    assert "结构与本页的不同（4 层）" in view.model_pane.object

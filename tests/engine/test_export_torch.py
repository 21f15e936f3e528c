"""cnncore.export_torch and cnncore.import_torch: to PyTorch and back, checked with PyTorch.

The exported zip is unpacked and its own ``model.py`` is imported and run: its logits must
equal cnncore's (1e-5) for every zoo model, a network from the builder and a model with every
layer; ``check.py`` runs in a fresh Python. Weights changed in PyTorch and saved with the
documented two lines come back into cnncore and give PyTorch's logits. Bad files raise
StateDictError naming the problem.
"""
import importlib.util
import io
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import torch

from cnncore import export_torch, import_torch, io as cio, nn
from cnncore.errors import StateDictError
from cnncore.models import CLASSIC_MODELS, DIGIT_MODELS
from cnncore.nn.init import meta
from app.views.train.layers import build_network, parse_arch
from tests.engine.test_io import every_1d_layer_model, every_layer_model, trained
from tests.hostile import SHORT_PAYLOAD

BUILDER_ARCH = "c8k3p1-relu-max2-bn-c16k5s2p2-lrelu-avg2-res16s2-drop25-fc32-bn-tanh-fc16-sigmoid"


def digits(n=3, seed=0):
    return np.random.default_rng(seed).random((n, 1, 28, 28)).astype(np.float32)


def builder_model():
    result = build_network(parse_arch(BUILDER_ARCH), seed=3)
    assert result.ok, result.error
    return trained(result.model, digits(8, 1))


def unpack(data, folder):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == ["README.md", "check.py", "export.json", "model.py", "test_input.npz",
                                         "weights.npz"]
        zf.extractall(folder)
    return folder


def import_model_py(folder, name):
    spec = importlib.util.spec_from_file_location(f"exported_{name}", folder / "model.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def within(theirs, ours, tolerance=1e-5):
    """|PyTorch - cnncore| <= 1e-5, in float32 times the largest logit (float32 sums are exact to
    about 1e-7 of their largest terms); float64 models are held to 1e-5 absolute as they are."""
    scale = max(1.0, float(np.abs(ours).max())) if ours.dtype == np.float32 else 1.0
    np.testing.assert_allclose(theirs, ours, atol=tolerance * scale, rtol=0)


def torch_logits(module, folder, x):
    net = module.Net()
    state = module.load_weights(str(folder / "weights.npz"))
    if state[next(iter(state))].dtype == torch.float64:
        net.double()
    net.load_state_dict(state)
    net.eval()
    with torch.no_grad():
        return net, net(torch.from_numpy(x).to(next(net.parameters()).dtype)).double().numpy()


MODELS = {**{name: (lambda make=make: make(pretrained=True)) for name, make in DIGIT_MODELS.items()},
          "untrained_resnet_small": lambda: trained(DIGIT_MODELS["resnet_small"](), digits(8, 2)),
          "builder": builder_model}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(MODELS))
def test_exported_model_gives_cnncore_logits(name, dtype, tmp_path):
    model = MODELS[name]().to(dtype)
    x = digits().astype(dtype)
    ours = model.eval()(x)
    folder = unpack(export_torch.export(model, x, title=f"{name} <b>\"\"\"\nimport os"), tmp_path)
    module = import_model_py(folder, name)
    net, theirs = torch_logits(module, folder, x)
    assert list(net.state_dict()) == list(model.state_dict())          # same keys, same order
    for key, value in model.state_dict().items():
        assert tuple(net.state_dict()[key].shape) == value.shape, key
    within(theirs, ours, 1e-5 if dtype == np.float32 else 1e-10)
    with np.load(folder / "test_input.npz", allow_pickle=False) as f:
        np.testing.assert_array_equal(f["input"], x)
        np.testing.assert_allclose(f["logits"], ours, atol=0, rtol=0)
    again = cio.load(folder / "weights.npz")                            # the weights open in the playground too
    np.testing.assert_allclose(again.eval()(x), ours, atol=0, rtol=0)
    source = (folder / "model.py").read_text()
    assert "·import os" in source and not any(line.strip() == "import os" for line in source.splitlines())
    assert "# -> (N, 10)" in source


def test_every_layer_exports(tmp_path):
    for i, (model, x) in enumerate(((every_layer_model(), np.random.default_rng(0).random((2, 2, 9, 8))),
                                    (every_1d_layer_model(), np.random.default_rng(1).random((2, 2, 8))))):
        x = x.astype(np.float32)
        trained(model, x)
        ours = model.eval()(x)
        folder = unpack(export_torch.export(model, x), tmp_path / str(i))
        _, theirs = torch_logits(import_model_py(folder, f"every{i}"), folder, x)
        within(theirs, ours)


def test_check_script_runs(tmp_path):
    model = builder_model()
    x = digits(2)
    folder = unpack(export_torch.export(model, x, class_names=[str(i) for i in range(10)]), tmp_path)
    run = subprocess.run([sys.executable, "check.py", "--save", "model.pt"], cwd=folder, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "max difference:" in run.stdout and "(OK" in run.stdout
    difference = float(run.stdout.split("max difference:")[1].split()[0])
    assert difference <= 1e-5
    assert f"class {int(model.eval()(x)[0].argmax())}" in run.stdout
    state = torch.load(folder / "model.pt", weights_only=True)
    assert list(state) == list(model.state_dict())
    # A wrong stored answer makes the script fail (it really compares).
    with np.load(folder / "test_input.npz") as f:
        np.savez(folder / "test_input.npz", input=f["input"], logits=f["logits"] + 1)
    bad = subprocess.run([sys.executable, "check.py"], cwd=folder, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "TOO LARGE" in bad.stdout


def torch_saved(net):
    """The documented two lines: a PyTorch state_dict as .npz bytes."""
    buffer = io.BytesIO()
    np.savez(buffer, **{k: v.numpy() for k, v in net.state_dict().items()})
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["lenet5", "resnet_small", "nin_small", "builder"])
def test_torch_state_dict_round_trips(name, tmp_path):
    model = MODELS[name]()
    x = digits()
    folder = unpack(export_torch.export(model, x), tmp_path)
    module = import_model_py(folder, f"back_{name}")
    net = module.Net()
    torch.manual_seed(0)
    with torch.no_grad():                    # weights changed in PyTorch: not the ones exported
        for p in net.parameters():
            p.copy_(torch.randn_like(p) * 0.2)
    net.train()
    net(torch.from_numpy(digits(8, 5)))      # BatchNorm running statistics move too
    net.eval()
    with torch.no_grad():
        theirs = net(torch.from_numpy(x)).numpy()
    data = torch_saved(net)
    assert import_torch.match(data, {"other": DIGIT_MODELS["tiny_vgg"](), name: model}) == [name]
    back = import_torch.load(data, model)
    assert back is not model
    within(back(x), theirs)
    assert not np.allclose(model.eval()(x), theirs, atol=1e-3)       # the import changed the weights
    assert import_torch.kind(cio.to_bytes(back)) == "model" and import_torch.kind(data) == "state_dict"
    assert import_torch.kind(cio.save_state_dict(back)) == "state_dict" and import_torch.kind(b"no") is None
    np.testing.assert_allclose(import_torch.load(cio.to_bytes(back), model)(x), back(x), atol=0, rtol=0)


def npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def lenet_state():
    return {k: v for k, v in DIGIT_MODELS["lenet5"]().state_dict().items()}


def test_bad_files_raise_state_dict_error():
    model = DIGIT_MODELS["lenet5"]()
    state = lenet_state()
    cases = {
        "missing": ({k: v for k, v in state.items() if k != "9.bias"}, "missing keys 9.bias"),
        "extra": ({**state, "features.0.weight": np.zeros(3)}, "unexpected keys features.0.weight"),
        "shape": ({**state, "0.weight": np.zeros((6, 1, 3, 3), np.float32)},
                  "0.weight: shape (6, 1, 3, 3) in the file, (6, 1, 5, 5) in the network"),
        "nan": ({**state, "3.bias": np.full(16, np.nan, np.float32)}, "NaN or infinite"),
        "text": ({**state, "3.bias": np.array(["a"] * 16)}, "not real numbers"),
    }
    for label, (arrays, message) in cases.items():
        with pytest.raises(StateDictError) as info:
            import_torch.load(npz(**arrays), model)
        assert message in str(info.value), label
    for data, message in ((b"", "the file is empty"), (b"\x89PNG\r\n\x1a\n...", "not a .npz archive"),
                          (b"PK\x03\x04garbage", "not a readable .npz"), (npz(), "holds no arrays")):
        with pytest.raises(StateDictError, match=message):
            import_torch.load(data, model)
    bomb = io.BytesIO()                      # 4 MB of zeros that compress to a few kB
    np.savez_compressed(bomb, **{**state, "0.weight": np.zeros((1000, 1000), np.float32)})
    assert len(bomb.getvalue()) < 1_000_000
    with pytest.raises(StateDictError, match="far more than its shape allows"):
        import_torch.load(bomb.getvalue(), model)
    pickled = io.BytesIO()
    np.savez(pickled, **state, evil=np.array([{"a": 1}], dtype=object))
    with pytest.raises(StateDictError, match="object array"):
        import_torch.load(pickled.getvalue(), model)


def test_hostile_key_names_are_quoted_short_and_printable():
    hostile = SHORT_PAYLOAD + "\x1b[31m\n" + "x" * 500
    with pytest.raises(StateDictError) as info:
        import_torch.load(npz(**lenet_state(), **{hostile: np.zeros(2)}), DIGIT_MODELS["lenet5"]())
    text = str(info.value)
    assert "unexpected keys" in text and "\x1b" not in text and "\n" not in text and len(text) < 400


def test_export_refuses_names_that_are_not_python():
    from collections import OrderedDict
    model = nn.Sequential(OrderedDict([("bad name); import os", nn.ReLU())]))
    with pytest.raises(ValueError, match="not a Python name"):
        export_torch.export(model, np.zeros((1, 3), np.float32))


@pytest.mark.parametrize("name", list(CLASSIC_MODELS))
def test_classic_architectures_export_with_torchvision_keys_and_shapes(name, tmp_path):
    """The ImageNet classics are too big to run here: their model.py is built on PyTorch's meta
    device (shapes, no memory) and must have every key and shape of ours."""
    make, shape, _ = CLASSIC_MODELS[name]
    with meta():
        model = make()
    (tmp_path / "model.py").write_text(export_torch.model_source(model, (1, *shape)))
    module = import_model_py(tmp_path, f"classic_{name}")
    with torch.device("meta"):
        net = module.Net()
    ours = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    assert {k: tuple(v.shape) for k, v in net.state_dict().items()} == ours
    assert list(net.state_dict()) == list(ours)

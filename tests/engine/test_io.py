"""cnncore.io: whole-model files round-trip exactly; every bad file raises ModelFileError."""
import io
import json
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch

import cnncore
from cnncore import io as cio
from cnncore import models, nn
from cnncore.errors import ModelFileError
from cnncore.nn.init import meta


def every_layer_model():
    """One model with every registered image layer, most with non-default settings."""
    cnncore.manual_seed(1)
    branches = OrderedDict(a=nn.Conv2d(4, 2, 1), b=nn.Sequential(nn.MinPool2d(3, 1, padding=1), nn.Conv2d(4, 3, 3, padding=1)))
    return nn.Sequential(OrderedDict(
        conv=nn.Conv2d(2, 4, (3, 2), stride=(1, 2), padding=(1, 2), dilation=(1, 2),
                       groups=2, bias=False, padding_mode="reflect"),
        bn=nn.BatchNorm2d(4, eps=1e-3, momentum=None),
        act=nn.LeakyReLU(0.2),
        branches=nn.Concat(branches),
        block=nn.BasicBlock(5, 6, stride=2),
        plain=nn.Bottleneck(6, 2, shortcut=False),
        maxpool=nn.MaxPool2d(3, 2, padding=1, ceil_mode=True),
        avgpool=nn.AvgPool2d(2, 1, padding=1, count_include_pad=False),
        lppool=nn.LPPool2d(2, 2),
        stoch=nn.StochasticPool2d(1, seed=3),
        adapt=nn.AdaptiveAvgPool2d((2, 1)),
        heads=nn.Concat(OrderedDict(flatten=nn.Flatten(), attn=nn.AttentionPool2d(8),
                                    bilinear=nn.BilinearPool2d(signed_sqrt=True, normalize=True))),
        drop=nn.Dropout(0.25),
        fc=nn.Linear(16 + 8 + 64, 7),
        bn1d=nn.BatchNorm1d(7, affine=False),
        tanh=nn.Tanh(), sig=nn.Sigmoid(), same=nn.Identity(), relu=nn.ReLU(),
        fc2=nn.Linear(7, 3, bias=False),
        logsm=nn.LogSoftmax(dim=1)))


def every_1d_layer_model():
    cnncore.manual_seed(2)
    return nn.Sequential(nn.Conv1d(2, 3, 3, padding=1, padding_mode="circular"), nn.BatchNorm1d(3),
                         nn.MaxPool1d(2, ceil_mode=True), nn.AvgPool1d(2, 1), nn.AdaptiveAvgPool1d(2),
                         nn.Flatten(), nn.Softmax(dim=1))


def trained(model, x):
    """A few training-mode passes so the BatchNorm running statistics are not the defaults."""
    model.train()
    for _ in range(2):
        model(x)
    return model


def assert_same_model(a, b):
    assert type(a) is type(b) and repr(a) == repr(b)
    assert cio.describe(a) == cio.describe(b)
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for key in sa:
        assert sa[key].dtype == sb[key].dtype and sa[key].shape == sb[key].shape, key
        np.testing.assert_array_equal(sa[key], sb[key], err_msg=key)
    assert a.training == b.training


X = np.random.default_rng(0).standard_normal((3, 2, 9, 10)).astype(np.float32)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_roundtrip_every_layer_reproduces_outputs_exactly(dtype):
    model = trained(every_layer_model().to(dtype), X.astype(dtype)).eval()
    loaded = cio.load(cio.save(model))
    assert_same_model(model, loaded)
    y = model(X.astype(dtype))
    assert y.dtype == dtype
    np.testing.assert_array_equal(loaded(X.astype(dtype)), y)


def test_roundtrip_1d_layers():
    x = np.random.default_rng(1).standard_normal((4, 2, 9)).astype(np.float32)
    model = trained(every_1d_layer_model(), x).eval()
    loaded = cio.load(cio.save(model))
    assert_same_model(model, loaded)
    np.testing.assert_array_equal(loaded(x), model(x))


def test_training_mode_and_running_statistics_continue_exactly():
    """A model saved mid-training continues as if it had never been saved."""
    model = trained(every_layer_model(), X)
    model.drop.p = 0.0  # dropout's random mask is not part of a model file
    model.stoch = nn.Identity()
    loaded = cio.load(cio.save(model))
    assert loaded.training
    for _ in range(2):
        np.testing.assert_array_equal(loaded(X), model(X))
    assert_same_model(model, loaded)
    assert int(loaded.bn.num_batches_tracked) == 4


@pytest.mark.parametrize("name", sorted(models.DIGIT_MODELS))
def test_zoo_digit_models_roundtrip(name):
    model = models.DIGIT_MODELS[name]().eval()
    x = np.random.default_rng(3).standard_normal((2, 1, 28, 28)).astype(np.float32)
    loaded = cio.load(cio.save(model))
    assert_same_model(model, loaded)
    np.testing.assert_array_equal(loaded(x), model(x))


@pytest.mark.parametrize("name", sorted(models.CLASSIC_MODELS))
def test_zoo_classics_can_be_described(name):
    with meta():
        model = models.CLASSIC_MODELS[name][0]()
        rebuilt = cio.build(json.loads(json.dumps(cio.describe(model))))
    assert repr(rebuilt) == repr(model)
    def shapes(m):  # not state_dict(): it would copy the placeholders into real memory
        return [(k, v.shape) for k, v in m.named_parameters()] + [(k, v.shape) for k, v in m.named_buffers()]
    assert shapes(rebuilt) == shapes(model)


def test_every_public_layer_is_registered():
    """A new layer class must be added to cnncore.io.LAYER_TYPES, or models using it cannot be saved."""
    layers = [name for name, obj in vars(nn).items() if isinstance(obj, type)
              and issubclass(obj, nn.Module) and obj is not nn.Module and not name.startswith("_")]
    assert set(layers) - set(cio.LAYER_TYPES) == set()


def test_paths_file_objects_and_bytes(tmp_path):
    model = every_1d_layer_model()
    path = tmp_path / "model.cnn"                          # no .npz suffix: written as named
    cio.save(model, path)
    assert path.exists() and not (tmp_path / "model.cnn.npz").exists()
    buffer = io.BytesIO()
    cio.save(model, buffer)
    blob = cio.to_bytes(model)
    for source in (path, str(path), buffer.getvalue(), bytearray(blob), io.BytesIO(blob), open(path, "rb")):
        assert_same_model(model, cio.load(source))


def test_file_is_an_ordinary_npz_without_pickle():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    with np.load(io.BytesIO(cio.save(model)), allow_pickle=False) as f:
        assert sorted(f.files) == sorted(["__cnncore__", *model.state_dict()])
        header = json.loads(f["__cnncore__"].tobytes())
        assert header["format"] == "cnncore-model" and header["version"] == 1
        assert header["architecture"]["children"]["0"] == {"type": "Conv2d", "args": {
            "in_channels": 1, "out_channels": 2, "kernel_size": [3, 3], "stride": [1, 1], "padding": [0, 0],
            "dilation": [1, 1], "groups": 1, "bias": True, "padding_mode": "zeros"}}
        assert f["1.num_batches_tracked"].dtype == np.int64 and f["1.num_batches_tracked"].shape == ()
        # the weights load into the same torch model, strictly
        theirs = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2))
        theirs.load_state_dict({k: torch.from_numpy(f[k]) for k in f.files if k != "__cnncore__"}, strict=True)


def test_state_dict_files(tmp_path):
    model = trained(every_1d_layer_model(), np.ones((2, 2, 9), np.float32) * np.arange(9))
    cio.save_state_dict(model, tmp_path / "w.npz")
    state = cio.load_state_dict_file(tmp_path / "w.npz")
    fresh = every_1d_layer_model()
    fresh.load_state_dict(state, strict=True)
    assert_same_model(model.eval(), fresh.eval())
    plain = io.BytesIO()
    np.savez(plain, **{k: v for k, v in model.state_dict().items()})  # e.g. a shipped pretrained file
    assert list(cio.load_state_dict_file(plain.getvalue())) == list(model.state_dict())
    assert list(cio.load_state_dict_file(cio.save(model))) == list(model.state_dict())


# -- refusing to save what cannot be rebuilt ---------------------------------------------------
def test_save_refuses_foreign_layers():
    class ReLU(nn.ReLU):  # same name, not the registered class
        pass

    class Mine(nn.Module):
        def forward(self, x):
            return x
    for model in (nn.Sequential(nn.Linear(2, 2), ReLU()), nn.Sequential(Mine())):
        with pytest.raises(ValueError, match="not one of the cnncore.nn layers"):
            cio.save(model)


def test_save_refuses_mixed_dtypes():
    model = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2).double())
    with pytest.raises(ValueError, match="mixed dtypes"):
        cio.save(model)


# -- every bad file raises ModelFileError ------------------------------------------------------
def good_file():
    return cio.save(nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3)))


def rewritten(blob, change):
    """The file with its arrays passed through ``change(dict) -> dict`` (written by plain NumPy)."""
    with np.load(io.BytesIO(blob), allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    arrays = change(arrays)
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


def with_header(change):
    def edit(arrays):
        header = json.loads(arrays["__cnncore__"].tobytes())
        header = change(header)
        text = header if isinstance(header, str) else json.dumps(header)
        arrays["__cnncore__"] = np.frombuffer(text.encode(), np.uint8)
        return arrays
    return lambda blob: rewritten(blob, edit)


def set_in(path, value):
    def change(header):
        node = header
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        return header
    return with_header(change)


def drop(key):
    return lambda blob: rewritten(blob, lambda a: {k: v for k, v in a.items() if k != key})


def replace(key, value):
    return lambda blob: rewritten(blob, lambda a: {**a, key: value})


def deeply_nested(depth):
    """A header whose architecture nests ``depth`` Sequentials (written as text: too deep for json.dumps)."""
    def change(header):
        header["architecture"] = "@"
        head, tail = json.dumps(header).split('"@"')
        node = '{"type": "Sequential", "args": {}, "children": {"0": '
        return head + node * depth + '{"type": "ReLU", "args": {}}' + "}}" * depth + tail
    return with_header(change)


def a_zip_that_is_not_npz(_):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    return out.getvalue()


def corrupted_weights(blob):
    """Flip a byte inside the compressed data of the largest member: its CRC no longer matches."""
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        info = max(z.infolist(), key=lambda i: i.compress_size)
    data = bytearray(blob)
    local = info.header_offset
    name_len, extra_len = int.from_bytes(data[local + 26:local + 28], "little"), int.from_bytes(data[local + 28:local + 30], "little")
    start = local + 30 + name_len + extra_len
    data[start + info.compress_size // 2] ^= 0xFF
    return bytes(data)


ARCH = ("architecture", "children")
BAD_FILES = {
    "empty": (lambda b: b"", ["empty"]),
    "text file": (lambda b: b"conv1.weight = [1, 2, 3]\n", ["not a .npz"]),
    "a .npy, not .npz": (lambda b: (lambda o: (np.save(o, np.ones(3)), o.getvalue())[1])(io.BytesIO()), ["not a .npz"]),
    "truncated to 40%": (lambda b: b[:len(b) * 2 // 5], ["truncated"]),
    "truncated by 1 byte": (lambda b: b[:-1], ["truncated"]),
    "corrupted weights": (corrupted_weights, ["cannot be read"]),
    "zip that is not npz": (a_zip_that_is_not_npz, ["not a cnncore model"]),
    "arbitrary npz": (lambda b: (lambda o: (np.savez(o, a=np.ones(3)), o.getvalue())[1])(io.BytesIO()),
                      ["not a cnncore model"]),
    "bad JSON": (with_header(lambda h: json.dumps(h)[:-5]), ["not valid JSON"]),
    "header not text": (replace("__cnncore__", np.ones(4)), ["not JSON text"]),
    "pickled header": (replace("__cnncore__", np.array([{"a": 1}], dtype=object)), ["cannot be read"]),
    "wrong format": (set_in(("format",), "torch"), ["format marker", "'torch'"]),
    "future version": (set_in(("version",), 2), ["version 2"]),
    "header is a list": (with_header(lambda h: [h]), ["format marker"]),
    "unknown type": (set_in(ARCH + ("2", "type"), "os.system"), ["'os.system'", "not a cnncore layer"]),
    "base class": (set_in(ARCH + ("2", "type"), "Module"), ["'Module'"]),
    "unknown argument": (set_in(ARCH + ("0", "args", "exec"), "print(1)"), ["unknown settings", "exec"]),
    "invalid argument": (set_in(ARCH + ("0", "args", "kernel_size"), -3), ["invalid settings"]),
    "argument of wrong type": (set_in(ARCH + ("0", "args", "kernel_size"), "three"), ["invalid settings"]),
    "children of a leaf": (set_in(ARCH + ("2", "children"), {"x": {"type": "ReLU"}}), ["cannot have listed children"]),
    "architecture missing": (set_in(("architecture",), None), ["not a layer description"]),
    "extra key in a node": (set_in(ARCH + ("2", "code"), "x"), ["malformed"]),
    "bad dtype in header": (set_in(("dtype",), "object"), ["dtype 'object'"]),
    "deeply nested (JSON)": (deeply_nested(5000), ["nested too deeply"]),
    "deeply nested (layers)": (deeply_nested(450), ["nested too deeply"]),
    "changed architecture": (set_in(ARCH + ("0", "args", "out_channels"), 4), ["shape", "0.weight"]),
    "missing array": (drop("4.bias"), ["missing arrays ['4.bias']"]),
    "extra array": (replace("5.weight", np.ones(3, np.float32)), ["unexpected arrays ['5.weight']"]),
    "mis-shaped array": (replace("4.bias", np.ones(4, np.float32)), ["'4.bias'", "shape (4,)", "(3,)"]),
    "wrong dtype": (replace("4.weight", np.ones((3, 8), np.float64)), ["'4.weight'", "float64", "float32"]),
    "wrong counter dtype": (replace("1.num_batches_tracked", np.array(0, np.int32)), ["int32", "int64"]),
    "object array": (replace("4.bias", np.array([1, "a", None], dtype=object)), ["object array"]),
    "oversized member": (replace("4.bias", np.zeros(1 << 21, np.float32)), ["far more than its shape allows"]),
    # fields of the wrong type, or huge: a short message that quotes their start
    "mode not a boolean": (set_in(("training",), "yes"), ["'training' is 'yes'", "not true or false"]),
    "huge version": (set_in(("version",), "9" * 1_000_000), ["format version '999", "…"]),
    "huge dtype": (set_in(("dtype",), "f" * 1_000_000), ["dtype 'fff", "…"]),
    "huge unknown argument": (set_in(ARCH + ("0", "args", "x" * 1_000_000), 1), ["unknown settings", "xxx…"]),
    "huge argument value": (set_in(ARCH + ("0", "args", "kernel_size"), "3" * 1_000_000), ["invalid settings", "…"]),
    "huge layer name": (with_header(lambda h: {**h, "architecture": {**h["architecture"], "children": {
        **h["architecture"]["children"], "n" * 1_000_000: {"type": "ReLU", "args": {}}}}}),
        ["named 'nnn", "1,000,000 characters long (at most 64)"]),
    "layer named like an attribute": (with_header(lambda h: {**h, "architecture": {**h["architecture"], "children": {
        "_modules": {"type": "ReLU", "args": {}}, **h["architecture"]["children"]}}}),
        ["'_modules'", "attribute of Sequential"]),
    "layer named forward": (with_header(lambda h: {**h, "architecture": {**h["architecture"], "children": {
        "forward": {"type": "ReLU", "args": {}}, **h["architecture"]["children"]}}}), ["'forward'", "attribute"]),
    "layer name with a dot": (with_header(lambda h: {**h, "architecture": {**h["architecture"], "children": {
        "a.b": {"type": "ReLU", "args": {}}, **h["architecture"]["children"]}}}), ["'a.b'", "dot"]),
    "empty layer name": (with_header(lambda h: {**h, "architecture": {**h["architecture"], "children": {
        "": {"type": "ReLU", "args": {}}, **h["architecture"]["children"]}}}), ["is empty"]),
    "huge unexpected array": (replace("k" * 60_000, np.ones(3, np.float32)), ["unexpected arrays ['kkk", "…"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_raise_model_file_error(case):
    make, words = BAD_FILES[case]
    blob = make(good_file())
    with pytest.raises(ModelFileError) as info:
        cio.load(blob)
    message = str(info.value)
    for word in words:
        assert word in message, message[:2000]
    assert "Traceback" not in message and "BadZipFile" not in message
    assert len(message) < 600, message[:2000]           # a huge field is quoted by its start


def test_good_file_helpers_change_nothing_by_themselves():
    """The tampering helpers above produce loadable files when they change nothing."""
    blob = good_file()
    for same in (rewritten(blob, lambda a: a), with_header(lambda h: h)(blob)):
        assert_same_model(cio.load(blob), cio.load(same))


def test_text_mode_file_and_missing_path(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(good_file())
    with open(path) as text_mode, pytest.raises(ModelFileError, match="binary mode"):
        cio.load(text_mode)
    with pytest.raises(FileNotFoundError):
        cio.load(tmp_path / "nothing.npz")


def test_bad_state_dict_files():
    for blob in (b"", b"not a zip", good_file()[:50]):
        with pytest.raises(ModelFileError):
            cio.load_state_dict_file(blob)
    with pytest.raises(ModelFileError, match="object array|not numbers"):
        cio.load_state_dict_file(replace("4.bias", np.array([1, None], dtype=object))(good_file()))
    with pytest.raises(ModelFileError, match="not numbers"):
        cio.load_state_dict_file(replace("4.bias", np.array(["a", "b"]))(good_file()))


def test_model_file_error_is_a_value_error():
    with pytest.raises(ValueError):
        cio.load(b"junk")


@pytest.mark.parametrize("data, quoted", [(b"not a model at all", "starts with 'not a mo'"),
                                          (b"\x00\x01\xfe" * 20, "starts with bytes that are not text"),
                                          (b"xy\x00\x9c\n" * 5, "starts with 'xy'")])
def test_messages_quote_a_short_printable_prefix_never_raw_bytes(data, quoted):
    from cnncore.errors import ModelFileError
    from cnncore.io import load

    with pytest.raises(ModelFileError) as info:
        load(data)
    message = str(info.value)
    assert quoted in message and "\\x" not in message and "b'" not in message
    assert all(c.isprintable() for c in message)

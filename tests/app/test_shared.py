"""Shared pieces of the app: translations, language choice, the session's models, softmax."""
import sys
import types

import numpy as np
import pytest

from app.core import i18n
from app.core.inference import predict, prepare
from app.core.session import UNTRAINED_KEY, SessionState, build_untrained_lenet5
from app.views.playground.view import ALL_VIEWS


def test_every_string_has_both_languages():
    for key, entry in i18n.STRINGS.items():
        assert set(entry) == set(i18n.LANGUAGES), key
        assert all(isinstance(v, str) and v.strip() for v in entry.values()), key
        # The same {fields} in both languages, so formatting never fails.
        import string
        fields = [{f for _, f, _, _ in string.Formatter().parse(v) if f} for v in entry.values()]
        assert fields[0] == fields[1], key


def test_chinese_uses_the_textbook_terms():
    import importlib
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    for table in sorted((root / "app" / "views").rglob("*strings.py")):
        importlib.import_module(".".join(table.relative_to(root).with_suffix("").parts))
    zh = " ".join(entry["zh"] for entry in i18n.STRINGS.values())
    for term in ("卷积核", "特征图", "感受野", "权值共享", "池化", "残差"):
        assert term in zh


@pytest.mark.parametrize("header, expected", [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
    ("en-US,en;q=0.9,zh;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,zh-TW;q=0.5", "zh"),
    ("en;q=0.2,zh;q=0.7", "zh"),
    ("zh;q=0,en", "en"),
    ("fr", None),
    ("", None),
    (None, None),
])
def test_language_from_accept_language(header, expected):
    assert i18n.language_from_header(header) == expected


def test_url_language_wins_over_the_browser():
    assert i18n.choose_language("en", "zh-CN") == "en"
    assert i18n.choose_language("zh", "en-US") == "zh"
    assert i18n.choose_language("xx", "zh-CN") == "zh"
    assert i18n.choose_language(None, None) == i18n.DEFAULT_LANGUAGE


def test_t_formats_and_falls_back():
    assert i18n.t("sample_button", "zh", digit=7).endswith("7")
    assert i18n.t("clear", "xx") == i18n.t("clear", "en")
    assert i18n.t("no_such_key", "zh") == "no_such_key"


def test_predictions_are_stable_for_huge_logits():
    z = np.array([1000.0, 1001.0, 999.0])
    answer = predict(lambda x: z[None], np.zeros((1, 1, 28, 28), np.float32))   # a "model": fixed logits
    p = answer.probs
    assert answer.digit == 1
    np.testing.assert_allclose(p.sum(), 1.0)
    np.testing.assert_allclose(p, np.exp(z - 1001) / np.exp(z - 1001).sum())


def test_untrained_lenet5_shape_and_determinism():
    x = prepare(np.pad(np.full((60, 10), 255, np.uint8), 25)).input
    a, b = build_untrained_lenet5(), build_untrained_lenet5()
    assert np.asarray(a(x)).shape == (1, 10)
    np.testing.assert_array_equal(a(x), b(x))
    assert predict(a, x).digit == int(np.argmax(a(x)))


def test_registry_uses_the_pretrained_zoo(monkeypatch):
    built = []

    def fake_lenet5(pretrained=False):
        built.append(pretrained)
        return build_untrained_lenet5()

    zoo = types.ModuleType("cnncore.models")
    zoo.DIGIT_MODELS = {"lenet5": fake_lenet5, "tiny_vgg": fake_lenet5, "resnet_small": fake_lenet5}
    zoo.pretrained_available = lambda name: name != "tiny_vgg"
    monkeypatch.setitem(sys.modules, "cnncore.models", zoo)
    import cnncore
    monkeypatch.setattr(cnncore, "models", zoo, raising=False)

    session = SessionState()
    assert session.keys == ["lenet5", "resnet_small", UNTRAINED_KEY]
    assert session.default == "lenet5"
    assert list(session.options("en")) == ["LeNet-5", "Small ResNet (residual)", "LeNet-5 (untrained)"]
    assert list(session.options("zh"))[1] == "小型 ResNet（残差）"
    session.get("resnet_small")
    session.get("resnet_small")
    assert built == [True]                       # built once per session, with weights


def test_registry_without_pretrained_weights_offers_the_untrained_lenet5(monkeypatch):
    import cnncore.models
    monkeypatch.setattr(cnncore.models, "pretrained_available", lambda name: False)   # no weights ship
    session = SessionState()
    assert session.keys == [UNTRAINED_KEY]
    assert not session.entry(UNTRAINED_KEY).pretrained
    with pytest.raises(KeyError, match="unknown model"):
        session.entry("nope")


def test_registered_models_get_numbered_keys_and_labels():
    session = SessionState()
    seen = []
    session.param.watch(lambda e: seen.append(e.new), "keys")
    k1 = session.register("mine", build_untrained_lenet5())
    k2 = session.register("mine", build_untrained_lenet5())
    assert (k1, k2) == ("mine_1", "mine_2")
    assert seen[-1][-2:] == [k1, k2]
    assert "trained in this session" in [label for label, k in session.options("en").items() if k == k1][0]


def test_add_strings_checks_languages_and_clashes(monkeypatch):
    monkeypatch.setattr(i18n, "STRINGS", dict(i18n.STRINGS))
    i18n.add_strings({"stride_demo": {"en": "Stride", "zh": "步幅"}})
    assert i18n.t("stride_demo", "zh") == "步幅"
    with pytest.raises(ValueError, match="needs exactly"):
        i18n.add_strings({"padding_demo": {"en": "Padding"}})
    with pytest.raises(ValueError, match="already defined"):
        i18n.add_strings({"clear": {"en": "Wipe", "zh": "擦除"}})


@pytest.mark.parametrize("key", sorted(ALL_VIEWS))
def test_every_string_a_view_shows_exists(monkeypatch, key):
    """A missing key would be shown to the user as it is (e.g. "batchnorm_lab_host_resnet_small")."""
    import importlib

    missing = set()

    class Recording(dict):
        def get(self, name, default=None):
            if name not in self:
                missing.add(name)
            return super().get(name, default)

    _, module, cls = ALL_VIEWS[key]
    view_class = getattr(importlib.import_module(module), cls)    # (its strings are registered on import)
    monkeypatch.setattr(i18n, "STRINGS", Recording(i18n.STRINGS))
    view = view_class(lang="en")
    view.__panel__()
    view.lang = "zh"
    assert ALL_VIEWS[key][0] in i18n.STRINGS and not missing, missing


def _strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings_in(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings_in(v)


def test_no_formula_has_a_character_markdown_escapes():
    """Inside ``$$...$$``, ``<``, ``>`` and ``&`` reach MathJax as ``&lt;`` etc. and the formula is
    blank: every formula in the app's modules and string tables uses ``\\lt``, ``\\gt`` instead."""
    import importlib
    import pkgutil
    import re

    import app

    texts = list(_strings_in(i18n.STRINGS))
    for info in pkgutil.walk_packages(app.__path__, "app."):
        if not info.name.startswith("app.pages"):
            module = importlib.import_module(info.name)
            texts += [s for value in vars(module).values() for s in _strings_in(value)]
    formulas = [f for text in texts for f in re.findall(r"\$\$(.*?)\$\$", text, re.S)]
    assert len(formulas) > 20
    bad = [f for f in formulas if re.search(r"[<>&]", f)]
    assert not bad, bad


#: What code looks like in a sentence: a call then an index ``f(…)['x']``, a snake_case name
#: (two parts or more, the last two letters or longer, so ``z_t`` and ``k_h`` stay maths), an empty
#: call ``f()``, a method call ``a.b(``, or a dotted module path ``cnncore.inspect``.
CODE_LIKE = r"\)\[|\b[a-z][a-z0-9]*_[a-z0-9]{2,}\b|\b\w+\(\)|\b\w+\.\w+\(|\bcnncore\.\w"


def test_no_ui_string_reads_like_code():
    """Students read words, not ``capture_gradients(…)['input']`` (formulas and {fields} aside)."""
    import importlib
    import pkgutil
    import re

    import app.views

    for info in pkgutil.walk_packages(app.views.__path__, "app.views."):
        importlib.import_module(info.name)
    bad = []
    for key, entry in i18n.STRINGS.items():
        for lang, text in entry.items():
            prose = re.sub(r"\$\$.*?\$\$|\\\(.*?\\\)|\{[^{}]*\}", " ", text, flags=re.S)
            bad += [(key, lang, hit) for hit in re.findall(CODE_LIKE, prose)]
    assert not bad, bad


def test_every_table_goes_through_add_strings():
    """One way to add texts: ``add_strings`` (its conflict check catches a key said twice, differently)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "app"
    tables = sorted((root / "views").rglob("*strings.py"))
    assert len(tables) > 10
    for path in tables + sorted(root.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"STRINGS(\s+as\s+\w+)?\b.*\n(.|\n)*\b\w*\.update\(STRINGS\)|STRINGS\.update\(|STRINGS\[[^]]+\]\s*=(?!=)",
                             text) or path.name == "i18n.py", path
    for path in tables:
        assert "add_strings(" in path.read_text(encoding="utf-8"), path

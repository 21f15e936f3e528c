"""The state of one browser session: the models it offers and the current drawing.

Every digit model of the zoo (``cnncore.models.DIGIT_MODELS``) whose
pretrained weights ship is offered (``lenet5``, ``tiny_vgg``,
``resnet_small``, ...), and an untrained LeNet-5 (random weights, seeded) is
always offered too. Models trained in a session are added with
:meth:`SessionState.register` and become selectable in that session's views.

Every entry says what its model takes (:attr:`ModelEntry.input`): ``"digit"`` models take a
``(1, 28, 28)`` grey digit and answer one of the ten digits; ``"photo"`` models take a
``(3, 32, 32)`` colour picture and answer one of their named classes (``ModelEntry.classes``):
the pretrained ``photo_tiles`` (which shipped picture a patch comes from) and the networks
trained in the "Your classes" view. ``keys`` lists only the digit models, so the views made for
digits (Draw, Train, Pooling, ...) never see a photo model; ``photo_keys`` lists the photo
models, and :meth:`SessionState.keys_for` / :meth:`SessionState.options` give both to the
views that take either (Inside the network, Gradients, Equivariance).

Models are built lazily and cached *in the* :class:`SessionState`; the app makes one per
browser session (every view of a page shares it), so two students training at once never share
a model object.
"""
from dataclasses import dataclass
from typing import Callable

import param

import cnncore
import cnncore.models
from cnncore.models import lenet5, photo_tiles
from cnncore.models.pretrained import available

from app.core.i18n import add_strings, t

__all__ = ["ModelEntry", "SessionState", "UNTRAINED_KEY", "INPUTS", "build_untrained_lenet5", "zoo_entries",
           "photo_entries", "DIGIT_CLASSES"]

UNTRAINED_KEY = "lenet5_untrained"
add_strings({
    "model_photo_tiles": {"en": "Photo-patch CNN (7 shipped pictures)", "zh": "图片块 CNN（7 张内置图片）"},
    "model_classes_cnn": {"en": "Your classes CNN", "zh": "你的类别 CNN"},
    "model_photo_tag": {"en": "colour 32 × 32", "zh": "彩色 32 × 32"},
})

INPUTS = {"digit": (1, 28, 28), "photo": (3, 32, 32)}   # what a model takes, (C, H, W) of one example
DIGIT_CLASSES = tuple(str(d) for d in range(10))


@dataclass(frozen=True)
class ModelEntry:
    """One model the picker offers.

    Attributes:
        key: stable id, used in the URL (``?model=lenet5``).
        build: makes the model (called once per session).
        arch: the zoo name of its architecture (``"lenet5"``), for labels.
        pretrained: trained weights are loaded; False means random weights.
        session: trained in this browser session: its number (1, 2, ...), else 0.
        note: a text key said with the name, e.g. ``"model_note_diverged"`` for a model whose
            training diverged (its weights are from before the blow-up); ``""`` for none.
        input: what it takes: ``"digit"`` (``(1, 28, 28)``, 0-1) or ``"photo"`` (``(3, 32, 32)``,
            an RGB picture through ``cnncore.models.photo_tiles.to_input``).
        classes: the names of its outputs; ``()`` for a digit model (the digits 0-9).
    """

    key: str
    build: Callable
    arch: str
    pretrained: bool
    session: int = 0
    note: str = ""
    input: str = "digit"
    classes: tuple = ()

    @property
    def input_shape(self):
        """``(C, H, W)`` of one example: ``(1, 28, 28)`` or ``(3, 32, 32)``."""
        return INPUTS[self.input]

    @property
    def class_names(self):
        """The names of the outputs, in order (``"0"`` ... ``"9"`` for a digit model)."""
        return tuple(self.classes) or DIGIT_CLASSES

    def label(self, lang):
        """The name shown in the picker, e.g. ``"LeNet-5 (untrained)"``."""
        name = t(f"model_{self.arch}", lang)
        if name == f"model_{self.arch}":
            name = self.arch
        if self.session:
            note = f", {t(self.note, lang)}" if self.note else ""
            return f"{name} #{self.session} ({t('trained_here', lang)}{note})"
        return name if self.pretrained else f"{name} ({t('untrained', lang)})"


def build_untrained_lenet5():
    """LeNet-5 with random weights (seeded, so every session starts from the same net).

    ``conv 6@5x5 pad 2 → ReLU → max-pool 2 → conv 16@5x5 → ReLU → max-pool 2
    → 400 → 120 → 84 → 10``.

    Shape:
        - Input: ``(N, 1, 28, 28)``
        - Output: ``(N, 10)`` logits
    """
    cnncore.manual_seed(0)
    return lenet5(pretrained=False).eval()


def _pretrained_builder(constructor):
    return lambda: constructor(pretrained=True).eval()


def zoo_entries():
    """The digit models of ``cnncore.models`` whose pretrained weights ship, in zoo order."""
    zoo = cnncore.models          # looked up on each call, so a test can stand in its own zoo
    return [ModelEntry(name, _pretrained_builder(constructor), name, True)
            for name, constructor in zoo.DIGIT_MODELS.items() if zoo.pretrained_available(name)]


def photo_entries():
    """The pretrained photo model (``photo_tiles``) if its weights ship, else nothing."""
    if not available(photo_tiles.NAME):
        return []
    return [ModelEntry(photo_tiles.NAME, _pretrained_builder(photo_tiles.photo_tiles), photo_tiles.NAME, True,
                       input="photo", classes=photo_tiles.PHOTO_CLASSES)]


class SessionState(param.Parameterized):
    """The models of one browser session: the pretrained zoo, an untrained LeNet-5, and
    whatever was trained in this session.

    Views watch ``keys`` to refresh their pickers when a model is registered.
    It also carries the session's current drawing (``drawing``), so every view
    that looks at "the current digit" sees what was drawn in Draw & predict.
    """

    keys = param.List(default=[], doc="Keys of the digit models, in picker order.")
    photo_keys = param.List(default=[], doc="Keys of the photo models, in picker order.")
    drawing = param.Array(default=None, allow_None=True,
                          doc="The current drawing as the model sees it (28x28 in [0, 1]), None when blank.")

    def __init__(self, **params):
        super().__init__(**params)
        self._entries = {e.key: e for e in zoo_entries()}
        self._entries[UNTRAINED_KEY] = ModelEntry(UNTRAINED_KEY, build_untrained_lenet5, "lenet5", False)
        photos = photo_entries()
        self._entries.update({e.key: e for e in photos})
        self._models = {}
        self.keys = [k for k, e in self._entries.items() if e.input == "digit"]
        self.photo_keys = [e.key for e in photos]

    @property
    def default(self):
        """The model a view starts with: the first pretrained one, else the untrained LeNet-5."""
        return self.keys[0]

    def entry(self, key):
        """The :class:`ModelEntry` for ``key`` (KeyError names the choices)."""
        if key not in self._entries:
            raise KeyError(f"unknown model {key!r}; choose one of {', '.join(self.keys)}")
        return self._entries[key]

    def keys_for(self, inputs=("digit",)):
        """The keys of the models that take one of ``inputs`` (``"digit"``, ``"photo"``): digit
        models first, then photo models."""
        return (list(self.keys) if "digit" in inputs else []) + (list(self.photo_keys) if "photo" in inputs else [])

    def options(self, lang, inputs=("digit",)):
        """``{label: key}`` for a picker widget, in ``lang``: the digit models unless ``inputs``
        names others (``("digit", "photo")`` for a view that takes both)."""
        return {self._label(k, lang): k for k in self.keys_for(inputs)}

    def _label(self, key, lang):
        entry = self._entries[key]
        label = entry.label(lang)
        return f"{label} · {t('model_photo_tag', lang)}" if entry.input == "photo" else label

    def get(self, key):
        """The model for ``key``, built on first use and then kept (per session)."""
        if key not in self._models:
            self._models[key] = self.entry(key).build()
        return self._models[key]

    def register(self, name, model, arch="lenet5", note="", input="digit", classes=()):
        """Add a model trained in this session; returns its key (``"mine_1"``, ...).

        ``note`` (a text key) is said with its name in every picker (see :class:`ModelEntry`).
        ``input="photo"`` with its ``classes`` (names) adds it to ``photo_keys``, so only the
        views that take photos offer it."""
        if input not in INPUTS:
            raise ValueError(f"input must be one of {', '.join(INPUTS)}, got {input!r}")
        number = sum(bool(e.session) for e in self._entries.values()) + 1
        key = f"{name}_{number}"
        self._entries[key] = ModelEntry(key, lambda: model, arch, True, session=number, note=note, input=input,
                                        classes=tuple(str(c) for c in classes))
        self._models[key] = model
        if input == "photo":
            self.photo_keys = self.photo_keys + [key]
        else:
            self.keys = self.keys + [key]
        return key

"""Which models the app offers, one registry per browser session.

The registry adapts to what the engine has: every digit model of
``cnncore.models`` whose pretrained weights ship is offered (``lenet5``,
``tiny_vgg``, ``resnet_small``, ...); an untrained LeNet-5 (random weights)
is always offered too, built by the zoo if it exists and from ``cnncore.nn``
layers otherwise. Models trained in a session are added with
:meth:`ModelRegistry.register` and become selectable in that session's views.

Models are built lazily and cached *in the registry instance*; the app makes
one registry per session, so two students training at once never share a
model object.
"""
from dataclasses import dataclass
from typing import Callable

import param

from .i18n import t

__all__ = ["ModelEntry", "ModelRegistry", "UNTRAINED_KEY", "build_untrained_lenet5", "zoo_entries"]

UNTRAINED_KEY = "lenet5_untrained"
# Zoo constructors to look for when cnncore.models has no DIGIT_MODELS table.
ZOO_NAMES = ("lenet5", "tiny_vgg", "resnet_small", "plain_net", "nin_small", "convnetjs_mnist")


@dataclass(frozen=True)
class ModelEntry:
    """One model the picker offers.

    Attributes:
        key: stable id, used in the URL (``?model=lenet5``).
        build: makes the model (called once per registry).
        arch: the zoo name of its architecture (``"lenet5"``), for labels.
        pretrained: trained weights are loaded; False means random weights.
        session: trained in this browser session: its number (1, 2, ...), else 0.
        note: a text key said with the name, e.g. ``"model_note_diverged"`` for a model whose
            training diverged (its weights are from before the blow-up); ``""`` for none.
    """

    key: str
    build: Callable
    arch: str
    pretrained: bool
    session: int = 0
    note: str = ""

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
    import cnncore
    from cnncore import nn

    cnncore.manual_seed(0)
    try:
        from cnncore.models import lenet5
        return lenet5(pretrained=False).eval()
    except ImportError:
        pass
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),             # (N, 16, 5, 5)
        nn.Flatten(),                                                 # (N, 400)
        nn.Linear(400, 120), nn.ReLU(),
        nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10),
    ).eval()


def _pretrained_builder(constructor):
    return lambda: constructor(pretrained=True).eval()


def zoo_entries():
    """The pretrained digit models of ``cnncore.models`` that can be loaded, in zoo order."""
    try:
        import cnncore.models as zoo
    except Exception:  # the zoo is missing or half-written: offer no pretrained models
        return []
    table = getattr(zoo, "DIGIT_MODELS", None) or {
        name: getattr(zoo, name) for name in ZOO_NAMES if hasattr(zoo, name)}
    available = getattr(zoo, "pretrained_available", None)
    entries = []
    for name, constructor in table.items():
        try:
            if available is not None and not available(name):
                continue
            if available is None:
                constructor(pretrained=True)  # raises when no weights ship
        except Exception:
            continue
        entries.append(ModelEntry(name, _pretrained_builder(constructor), name, True))
    return entries


class ModelRegistry(param.Parameterized):
    """The models of one browser session: the pretrained zoo, an untrained LeNet-5, and
    whatever was trained in this session.

    Views watch ``keys`` to refresh their pickers when a model is registered.
    It also carries the session's current drawing (``drawing``), so every view
    that looks at "the current digit" sees what was drawn in Draw & predict.
    """

    keys = param.List(default=[], doc="Model keys in picker order.")
    drawing = param.Array(default=None, allow_None=True,
                          doc="The current drawing as the model sees it (28x28 in [0, 1]), None when blank.")

    def __init__(self, **params):
        super().__init__(**params)
        self._entries = {e.key: e for e in zoo_entries()}
        self._entries[UNTRAINED_KEY] = ModelEntry(UNTRAINED_KEY, build_untrained_lenet5, "lenet5", False)
        self._models = {}
        self.keys = list(self._entries)

    @property
    def default(self):
        """The model a view starts with: the first pretrained one, else the untrained LeNet-5."""
        return self.keys[0]

    def entry(self, key):
        """The :class:`ModelEntry` for ``key`` (KeyError names the choices)."""
        if key not in self._entries:
            raise KeyError(f"unknown model {key!r}; choose one of {', '.join(self.keys)}")
        return self._entries[key]

    def options(self, lang):
        """``{label: key}`` for a picker widget, in ``lang``."""
        return {self._entries[k].label(lang): k for k in self.keys}

    def get(self, key):
        """The model for ``key``, built on first use and then kept (per registry)."""
        if key not in self._models:
            self._models[key] = self.entry(key).build()
        return self._models[key]

    def register(self, name, model, arch="lenet5", note=""):
        """Add a model trained in this session; returns its key (``"mine_1"``, ...).

        ``note`` (a text key) is said with its name in every picker (see :class:`ModelEntry`)."""
        number = sum(bool(e.session) for e in self._entries.values()) + 1
        key = f"{name}_{number}"
        self._entries[key] = ModelEntry(key, lambda: model, arch, True, session=number, note=note)
        self._models[key] = model
        self.keys = self.keys + [key]
        return key

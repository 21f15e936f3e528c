"""The classic architectures' cost ledgers, computed once per model and batch size.

Every number comes from ``cnncore.inspect.summary`` on a model of
``cnncore.models.CLASSIC_MODELS`` built inside ``cnncore.nn.init.meta()``
(placeholder weights: VGG-16's ledger without allocating 138 million
parameters). A ledger depends only on the architecture and the batch size,
never on a user, so the results are cached for the whole server (they are
never modified): a ResNet-152 ledger has 515 rows and is traced once.

* :func:`classic_models` — ``{name: (input shape, year)}`` in the zoo's order.
* :func:`ledger` — the ``Summary`` of ``name`` for ``batch`` examples.
* :func:`ledger_rows` — the ledger as columns for a table and the bar charts.
* :func:`conv_sharing` — each convolution's parameters beside those of the
  fully-connected layer that would map the same input to the same output.
* :func:`memory_sweep` — weights vs activations as the batch grows.
* :func:`comparison` — totals of every classic architecture.
"""
import functools

import cnncore.nn.init
from cnncore.inspect import summary
from cnncore.models import CLASSIC_MODELS

__all__ = ["DISPLAY_NAMES", "FAMILIES", "DEFAULT_ARCH", "BATCH_SIZES", "SWEEP_BATCHES", "classic_models", "family_of", "build_meta",
           "ledger", "ledger_rows", "conv_sharing", "memory_split", "memory_sweep", "comparison", "shape_text"]

# How the papers write the names (the same in every language).
DISPLAY_NAMES = {"lenet5": "LeNet-5", "alexnet": "AlexNet", "vgg11": "VGG-11", "vgg16": "VGG-16", "vgg19": "VGG-19",
                 "nin": "NiN", "googlenet": "GoogLeNet", "resnet18": "ResNet-18", "resnet34": "ResNet-34",
                 "resnet50": "ResNet-50", "resnet101": "ResNet-101", "resnet152": "ResNet-152"}

# The timeline: family -> (year, model shown when the family is picked, its members).
FAMILIES = {
    "lenet": (1998, "lenet5", ("lenet5",)),
    "alexnet": (2012, "alexnet", ("alexnet",)),
    "nin": (2013, "nin", ("nin",)),
    "vgg": (2014, "vgg16", ("vgg11", "vgg16", "vgg19")),
    "googlenet": (2014, "googlenet", ("googlenet",)),
    "resnet": (2015, "resnet50", ("resnet18", "resnet34", "resnet50", "resnet101", "resnet152")),
}
DEFAULT_ARCH = "vgg16"
BATCH_SIZES = (1, 8, 16, 32, 64, 128, 256)
SWEEP_BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def classic_models():
    """``{name: (input shape of one example, year)}`` for every classic architecture of the zoo."""
    return {name: (tuple(shape), int(year)) for name, (_, shape, year) in CLASSIC_MODELS.items()}


def family_of(name):
    """The timeline family of architecture ``name`` (``"vgg16"`` -> ``"vgg"``), or None."""
    return next((key for key, (_, _, members) in FAMILIES.items() if name in members), None)


@functools.lru_cache(maxsize=None)
def build_meta(name):
    """Architecture ``name`` built inside ``cnncore.nn.init.meta()`` (no weights allocated).

    Raises:
        KeyError: not a classic architecture (the message lists them).
    """
    if name not in CLASSIC_MODELS:
        raise KeyError(f"unknown architecture {name!r}; choose one of {', '.join(CLASSIC_MODELS)}")
    constructor = CLASSIC_MODELS[name][0]
    with cnncore.nn.init.meta():
        return constructor()


@functools.lru_cache(maxsize=256)
def ledger(name, batch=1):
    """``cnncore.inspect.summary`` of architecture ``name`` for ``batch`` examples (cached; do not modify).

    Shape:
        - the input: ``(batch, C, H, W)`` with ``(C, H, W)`` from ``CLASSIC_MODELS``
    """
    if int(batch) < 1:
        raise ValueError(f"the batch size must be at least 1, got {batch}")
    shape = classic_models()[name][0]
    return summary(build_meta(name), (int(batch),) + shape)


def shape_text(shape):
    """``(1, 64, 112, 112)`` -> ``"64×112×112"`` (one example, the batch axis left out)."""
    return "×".join(str(int(s)) for s in shape[1:])


def ledger_rows(result):
    """The ledger's rows as columns (lists), in execution order, for tables and bar charts.

    Columns: ``index`` (0, 1, ...), ``name``, ``kind``, ``detail``, ``output``
    (one example's output shape as text), ``params``, ``macs``,
    ``activation_bytes``, ``saved_bytes``, ``fc_params`` — the engine's numbers, unchanged.
    """
    rows = result.rows
    return dict(
        index=list(range(len(rows))),
        name=[r.name for r in rows],
        kind=[r.kind for r in rows],
        detail=[r.detail for r in rows],
        output=[shape_text(r.output_shape) for r in rows],
        params=[int(r.params) for r in rows],
        macs=[int(r.macs) for r in rows],
        activation_bytes=[int(r.activation_bytes) for r in rows],
        saved_bytes=[int(r.saved_bytes) for r in rows],
        fc_params=[int(r.fc_params) for r in rows],
    )


def conv_sharing(result):
    """Weight sharing in numbers: every ``Conv2d`` row as ``(name, params, fc_params)``.

    ``fc_params`` is the engine's count for a fully-connected layer with the
    same input and output (``LayerCost.fc_params``).
    """
    return [(r.name, int(r.params), int(r.fc_params)) for r in result.rows if r.kind == "Conv2d"]


def memory_split(name, batch):
    """Where the memory goes for ``batch`` examples, in bytes (float32).

    ``weights``: every parameter (``Summary.param_bytes``, independent of the
    batch); ``activations``: every layer's output (``activation_bytes``);
    ``saved``: what the backward pass keeps (``saved_bytes``).
    """
    result = ledger(name, batch)
    return dict(weights=int(result.param_bytes), activations=int(result.activation_bytes),
                saved=int(result.saved_bytes))


def memory_sweep(name, batches=SWEEP_BATCHES):
    """:func:`memory_split` for each batch size: ``{"batch": [...], "weights": [...], ...}``."""
    splits = [memory_split(name, b) for b in batches]
    return dict(batch=list(batches), **{key: [s[key] for s in splits] for key in ("weights", "activations", "saved")})


@functools.lru_cache(maxsize=1)
def _comparison():
    out = []
    for name, (_, year) in classic_models().items():
        result = ledger(name, 1)
        out.append(dict(name=name, year=year, params=int(result.params), macs=int(result.macs),
                        activation_bytes=int(result.activation_bytes), layers=len(result.rows)))
    return tuple(out)


def comparison():
    """Totals of every classic architecture for one example: a list of dicts
    (``name, year, params, macs, activation_bytes, layers``)."""
    return [dict(row) for row in _comparison()]

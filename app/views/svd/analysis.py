"""The maths of the weights & SVD lab, all delegated to ``cnncore.inspect``.

* :func:`digit_subset` — the test digits the accuracy is measured on (the
  first :data:`TEST_SUBSET` of ``cnncore.data.load_digits('test')``: about 50
  of each class, for speed).
* :func:`weighted_layers` — every convolution and linear layer with its
  weight matrix's shape and singular values (``singular_values``).
* :func:`curve_ranks` — the ranks on the tradeoff curve.
* :class:`LowRankStudy` — one model: the accuracy with one layer at rank r
  (``low_rank_tradeoff``), its rank-r weight matrix (``low_rank_approximation``),
  each cached per (layer, rank) for this study only (a study belongs to one
  session's view, so a model trained in that session is studied as it is).
"""
import functools
from dataclasses import dataclass

import numpy as np

from cnncore.data import load_digits
from cnncore.inspect import low_rank_approximation, low_rank_tradeoff, singular_values
from cnncore.inspect.weights import weight_matrix
from cnncore.train import evaluate

__all__ = ["TEST_SUBSET", "MAX_CURVE_POINTS", "LayerInfo", "digit_subset", "weighted_layers", "energy",
           "rank_for_energy", "curve_ranks", "default_layer", "LowRankStudy"]

TEST_SUBSET = 500        # test digits the accuracy is measured on
MAX_CURVE_POINTS = 12    # ranks evaluated for the tradeoff curve of one layer


@functools.lru_cache(maxsize=2)
def digit_subset(n=TEST_SUBSET):
    """The first ``n`` test digits and labels (read-only; shared, never modified).

    Shape:
        - images: ``(n, 1, 28, 28)`` float32; labels: ``(n,)``
    """
    images, labels = load_digits("test")
    images, labels = np.array(images[:n]), np.array(labels[:n])
    images.flags.writeable = labels.flags.writeable = False
    return images, labels


@dataclass(frozen=True)
class LayerInfo:
    """One convolution or linear layer: ``name``, ``kind``, ``weight_shape``, ``matrix`` ``(m, n)``, ``s``."""
    name: str
    kind: str
    weight_shape: tuple
    matrix: tuple
    s: np.ndarray

    @property
    def k(self):
        """How many singular values: ``min(m, n)``, the largest possible rank."""
        return len(self.s)

    @property
    def break_even(self):
        """The largest rank whose factored form ``r (m + n)`` has fewer weights than ``m n`` (0: none)."""
        m, n = self.matrix
        return max(0, (m * n - 1) // (m + n))


def weighted_layers(model):
    """Every convolution and linear layer of ``model``, in order, as :class:`LayerInfo`.

    The singular values are ``cnncore.inspect.singular_values(model)``; the
    matrix shape is ``cnncore.inspect.weight_matrix``'s.
    """
    modules = dict(model.named_modules())
    out = []
    for name, s in singular_values(model).items():
        module = modules[name]
        out.append(LayerInfo(name, type(module).__name__, tuple(module.weight.shape),
                             tuple(weight_matrix(module).shape), np.asarray(s)))
    return out


def energy(s):
    """Cumulative energy ``E(r) = (s_1^2 + ... + s_r^2) / (s_1^2 + ... + s_k^2)`` for ``r = 1 .. k``.

    ``1 - E(r)`` is the squared relative error of the best rank-``r`` matrix (Eckart–Young).
    """
    squares = np.asarray(s, dtype=np.float64) ** 2
    total = squares.sum()
    return np.cumsum(squares) / total if total > 0 else np.ones_like(squares)


def rank_for_energy(s, fraction):
    """The smallest rank that keeps at least ``fraction`` of the energy."""
    return int(min(np.searchsorted(energy(s), fraction - 1e-12) + 1, len(s)))


def curve_ranks(k, extra=(), points=MAX_CURVE_POINTS):
    """Ranks for a tradeoff curve of a layer with ``k`` singular values: all of them
    if ``k <= points``, else about ``points`` spread evenly on a log scale from 1 to ``k``
    (plus ``extra`` ranks, e.g. the break-even rank), sorted."""
    if k <= points:
        ranks = set(range(1, k + 1))
    else:
        ranks = {int(round(v)) for v in np.geomspace(1, k, points)}
    ranks |= {int(r) for r in extra if 1 <= int(r) <= k}
    return sorted(ranks)


def default_layer(layers):
    """The layer a study starts with: the one with the most weights (where low rank saves most)."""
    return max(layers, key=lambda info: info.matrix[0] * info.matrix[1]).name


class LowRankStudy:
    """Low-rank versions of one layer of ``model`` and their accuracy on :func:`digit_subset`.

    ``row(layer, rank)`` is ``cnncore.inspect.low_rank_tradeoff(model, layer, [rank], images, labels)[0]``;
    ``approximation(layer, rank)`` is ``low_rank_approximation(model, layer, rank)``. Both are cached.
    """

    def __init__(self, model, images=None, labels=None):
        self.model = model
        if images is None:
            images, labels = digit_subset()
        self.images, self.labels = images, labels
        self.layers = weighted_layers(model)
        self.by_name = {info.name: info for info in self.layers}
        self.baseline = float(evaluate(model, images, labels).accuracy)   # the model as it is
        self._rows, self._approx = {}, {}

    def layer(self, name):
        """The :class:`LayerInfo` of ``name`` (KeyError lists the layers)."""
        if name not in self.by_name:
            raise KeyError(f"no convolution or linear layer named {name!r}; layers: {', '.join(self.by_name)}")
        return self.by_name[name]

    def row(self, layer, rank):
        """The ``TradeoffRow`` (rank, accuracy, factored_parameters, full_parameters, relative_error)."""
        key = (layer, int(rank))
        if key not in self._rows:
            self._rows[key] = low_rank_tradeoff(self.model, layer, [int(rank)], self.images, self.labels)[0]
        return self._rows[key]

    def has_row(self, layer, rank):
        return (layer, int(rank)) in self._rows

    def rows(self, layer):
        """Every row computed so far for ``layer``, by rank."""
        return [row for (name, _), row in sorted(self._rows.items(), key=lambda item: item[0][1]) if name == layer]

    def approximation(self, layer, rank):
        """The ``LowRankResult`` of ``layer`` at ``rank`` (the last few are kept)."""
        key = (layer, int(rank))
        if key not in self._approx:
            if len(self._approx) >= 4:
                self._approx.pop(next(iter(self._approx)))
            self._approx[key] = low_rank_approximation(self.model, layer, int(rank))
        return self._approx[key]

    def matrices(self, layer, rank):
        """``(W, W_r)``: the layer's weight matrix and its rank-``rank`` truncation (the copy's weight).

        Shape:
            - each: ``(m, n)``, ``m`` outputs (channels), ``n`` inputs (``C_in/groups * kh * kw`` for a convolution)
        """
        original = dict(self.model.named_modules())[layer]
        result = self.approximation(layer, rank)
        truncated = dict(result.model.named_modules())[layer]
        return weight_matrix(original), weight_matrix(truncated)

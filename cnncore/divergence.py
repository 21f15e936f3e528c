"""Telling a run that learns from one that has blown up, and which weights were still good.

A too-high learning rate does not always end in ``NaN``. Often the loss jumps up and stays
finite, or every ReLU dies in one step and the network answers the same for every image:
its accuracy is then what guessing gets (*chance*: 10 % for ten balanced classes) and its
loss sits near ``ln(10) ≈ 2.3`` for ever. :class:`DivergenceWatch` looks at the *recent*
loss and accuracy (the mean of the last ``window`` batches, so one unlucky batch does not
count) and calls a run diverged when

* ``'loss_rose'``: the recent loss is far above its best (more than twice it, and more
  than 1 above it);
* ``'fell_to_chance'``: the recent accuracy fell back to chance after the run had once
  done clearly better, and the loss went up with it (more than 5 % above its best: a slow
  learner's accuracy wobbles near chance while its loss stays at its best);
* ``'dead_output'``: for a whole window the network gave the *same* scores to every image
  of each batch (its units died or saturated), which it did not do at the start.

It also says when the weights are *good*: when the recent loss is at (or within 2 % of) its
best and the scores still depend on the image. The trainer keeps a copy of those weights, so a blow-up is undone back to a model that
really had learned, not to the step just before the loss became ``NaN`` (by then the
network may have been dead for many steps).
"""
import math
from collections import deque
from dataclasses import dataclass

import numpy as np

__all__ = ["DivergenceWatch", "Verdict", "chance_accuracy"]

WINDOW_STEPS = 8          # the recent loss and accuracy average at least this many batches ...
WINDOW_EXAMPLES = 256     # ... and at least this many examples
RISE_RATIO, RISE_MARGIN = 2.0, 1.0
NEAR_BEST = 0.02          # a recent loss within 2 % of the best counts as good
CHANCE_MARGIN = 0.05      # a recent accuracy within 5 points of chance counts as chance
LEARNED_MARGIN = 0.15     # 15 points above chance: the run had learned something
FELL_LOSS_MARGIN = 0.05   # ... and a fall to chance counts only with a loss 5 % above its best
SAME_SCORES = 1e-6        # scores that differ by less than this (relative) across a batch are the same


def chance_accuracy(labels):
    """The accuracy of always answering the most common class (0.1 for ten balanced classes)."""
    labels = np.asarray(labels)
    return float(np.bincount(labels).max() / len(labels)) if len(labels) else 0.0


@dataclass
class Verdict:
    """What one step's loss says: ``good`` (keep these weights), and ``cause``/``what``
    (``None`` unless the run diverged; ``what`` is an English sentence fragment)."""
    good: bool
    cause: str = None
    what: str = None


class DivergenceWatch:
    """Watches the loss and accuracy of each batch (see the module docstring).

    Args:
        chance: accuracy of guessing the most common class (:func:`chance_accuracy`).
        batch_size: examples per step (sets the window: ``max(8, ceil(256 / batch_size))`` steps).

    After each :meth:`update`, ``recent_loss``/``recent_accuracy`` hold the window's means,
    ``best_loss`` the lowest recent loss so far (``best_accuracy`` the highest, full windows only).
    """

    def __init__(self, chance, batch_size):
        self.chance = float(chance)
        self.window = max(WINDOW_STEPS, math.ceil(WINDOW_EXAMPLES / max(int(batch_size), 1)))
        self._recent = deque(maxlen=self.window)     # (loss * n, correct, n, same scores)
        self.best_loss = math.inf
        self.best_accuracy = -math.inf
        self.recent_loss = self.recent_accuracy = math.nan
        self._same_at_start = None

    @property
    def full(self):
        return len(self._recent) == self.window

    def update(self, loss, logits, labels):
        """Record one batch (its mean ``loss``, its ``(N, C)`` ``logits`` and ``(N,)`` labels)."""
        n = len(labels)
        correct = int((logits.argmax(axis=1) == labels).sum())
        spread = float((logits.max(axis=0) - logits.min(axis=0)).max()) if n > 1 else math.inf
        same = spread <= SAME_SCORES * (1.0 + float(np.abs(logits).max()))
        if self._same_at_start is None:
            self._same_at_start = same
        self._recent.append((loss * n, correct, n, same))
        seen = sum(r[2] for r in self._recent)
        self.recent_loss = sum(r[0] for r in self._recent) / seen
        self.recent_accuracy = sum(r[1] for r in self._recent) / seen
        good = self.recent_loss <= self.best_loss * (1 + NEAR_BEST) or self.best_loss == math.inf
        good = good and (self._same_at_start or not same)     # dead units are never good weights
        self.best_loss = min(self.best_loss, self.recent_loss)
        if not self.full:
            return Verdict(good)
        at_chance = self.recent_accuracy <= self.chance + CHANCE_MARGIN
        if self.recent_loss > max(RISE_RATIO * self.best_loss, self.best_loss + RISE_MARGIN):
            return Verdict(False, "loss_rose", f"The loss rose to {self.recent_loss:.3g}, far above "
                                               f"its best ({self.best_loss:.3g})")
        fell = self.best_accuracy >= self.chance + LEARNED_MARGIN and \
            self.recent_loss > self.best_loss * (1 + FELL_LOSS_MARGIN)
        if at_chance and fell:
            return Verdict(False, "fell_to_chance", f"The accuracy fell back to chance "
                                                    f"({self.recent_accuracy:.0%}, from {self.best_accuracy:.0%})")
        if at_chance and not self._same_at_start and all(r[3] for r in self._recent):
            return Verdict(False, "dead_output", "The network gives every image the same scores "
                                                 f"(its units died), so it guesses: {self.recent_accuracy:.0%}")
        self.best_accuracy = max(self.best_accuracy, self.recent_accuracy)
        return Verdict(good)

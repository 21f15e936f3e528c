"""From a drawing to probabilities: the steps every view shares.

``prepare(image)`` makes the 28x28 model input (``cnncore.data.preprocess_drawing``:
crop, scale and centre the digit as MNIST did); ``predict(model, x)`` runs the model
and turns its logits into probabilities with the engine's softmax.
"""
from dataclasses import dataclass

import numpy as np

from cnncore.data import preprocess_drawing
from cnncore.functional import softmax

__all__ = ["Prepared", "Prediction", "prepare", "predict", "EMPTY_HINTS"]

SIZE = 28
# preprocess_drawing's messages (English) -> i18n keys of the hints shown instead.
EMPTY_HINTS = (("speck", "hint_speck"), ("blob", "hint_blob"), ("", "hint_draw"))


@dataclass(frozen=True)
class Prepared:
    """A drawing made ready for a model.

    Attributes:
        input: float32 ``(1, 1, 28, 28)``, white digit (1) on black (0).
        is_empty: nothing to classify (blank canvas, a speck, a dot).
        hint: i18n key of what to tell the student when empty, else ``""``.
    """

    input: np.ndarray
    is_empty: bool
    hint: str = ""


@dataclass(frozen=True)
class Prediction:
    """A model's answer: ``logits`` and ``probs`` are ``(10,)``, ``digit`` the argmax."""

    logits: np.ndarray
    probs: np.ndarray
    digit: int

    @property
    def confidence(self):
        return float(self.probs[self.digit])


def _hint_for(message):
    for word, key in EMPTY_HINTS:
        if word in message:
            return key
    return "hint_draw"


def prepare(image):
    """Turn a drawing (2-D grey, 0-255 or 0-1, white ink on black) into a model input.

    Shape:
        - image: ``(H, W)``
        - Output ``.input``: ``(1, 1, 28, 28)`` float32
    """
    result = preprocess_drawing(image)
    hint = _hint_for(result.message) if result.is_empty else ""
    return Prepared(np.asarray(result.input, dtype=np.float32), bool(result.is_empty), hint)


def predict(model, x):
    """Run ``model`` on one input and return its :class:`Prediction`.

    Shape:
        - x: ``(1, 1, 28, 28)``
    """
    if hasattr(model, "eval"):
        model.eval()
    logits = np.asarray(model(x), dtype=np.float64).reshape(-1)      # (1, 10) -> (10,)
    probs = softmax(logits, dim=-1)
    return Prediction(logits, probs, int(np.argmax(probs)))

"""From a drawing to probabilities: the steps every view shares.

``prepare(image)`` makes the 28x28 model input (with
``cnncore.data.preprocess_drawing`` when the engine has it, else a plain
resize); ``predict(model, x)`` runs the model and turns its logits into
probabilities with softmax.
"""
from dataclasses import dataclass

import numpy as np

__all__ = ["Prepared", "Prediction", "prepare", "softmax", "predict", "EMPTY_HINTS"]

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


def _fallback_prepare(image):
    """Area-resize to 28x28 without cropping or centring (used until cnncore.data exists)."""
    x = np.asarray(image, dtype=np.float64)
    if x.max(initial=0) > 1:
        x = x / 255.0
    if x.max(initial=0) < 0.2:
        return Prepared(np.zeros((1, 1, SIZE, SIZE), np.float32), True, "hint_draw")
    h, w = x.shape
    rows = np.minimum(np.arange(h) * SIZE // h, SIZE - 1)
    cols = np.minimum(np.arange(w) * SIZE // w, SIZE - 1)
    total = np.zeros((SIZE, SIZE))
    count = np.zeros((SIZE, SIZE))
    np.add.at(total, (rows[:, None], cols[None, :]), x)
    np.add.at(count, (rows[:, None], cols[None, :]), 1)
    small = total / np.maximum(count, 1)
    small /= small.max()
    return Prepared(small.astype(np.float32)[None, None], False)   # (28, 28) -> (1, 1, 28, 28)


def prepare(image):
    """Turn a drawing (2-D grey, 0-255 or 0-1, white ink on black) into a model input.

    Shape:
        - image: ``(H, W)``
        - Output ``.input``: ``(1, 1, 28, 28)`` float32
    """
    try:
        from cnncore.data import preprocess_drawing
    except ImportError:
        return _fallback_prepare(image)
    result = preprocess_drawing(image)
    hint = _hint_for(result.message) if result.is_empty else ""
    return Prepared(np.asarray(result.input, dtype=np.float32), bool(result.is_empty), hint)


def softmax(z):
    """``p_i = exp(z_i) / sum_j exp(z_j)``, computed stably (``z - max z`` first)."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def predict(model, x):
    """Run ``model`` on one input and return its :class:`Prediction`.

    Shape:
        - x: ``(1, 1, 28, 28)``
    """
    if hasattr(model, "eval"):
        model.eval()
    logits = np.asarray(model(x), dtype=np.float64).reshape(-1)      # (1, 10) -> (10,)
    probs = softmax(logits)
    return Prediction(logits, probs, int(np.argmax(probs)))

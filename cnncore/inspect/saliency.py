"""Saliency maps: which pixels would change the class score most.

Simonyan, Vedaldi and Zisserman (2014): the gradient of a class score
``z_t`` with respect to the input image, ``dz_t/dx``, tells for every pixel
how much a small change there would change the score. Its magnitude,
the maximum over the colour channels, is the *saliency map*. It is one
backward pass, starting from a one-hot gradient at the logits.

The score used is the logit ``z_t`` (before softmax), as in the paper: the
probability also depends on the other classes' scores.
"""
import numpy as np

from .activations import _softmax, input_gradient

__all__ = ['class_probabilities', 'saliency']


def class_probabilities(model, x):
    """The model's class probabilities, and the logits they come from.

    ``softmax(z)_k = exp(z_k - max z) / sum_i exp(z_i - max z)``: subtracting
    the largest logit changes nothing mathematically and keeps ``exp`` from
    overflowing.

    Returns:
        ``(probabilities, logits)``.

    Shape:
        - x: ``(N, C, H, W)``, or one image ``(C, H, W)``
        - probabilities, logits: ``(N, K)``, or ``(K,)`` for one image
    """
    x = np.asarray(x)
    single = x.ndim == 3
    logits = model(x[None] if single else x)
    probabilities = _softmax(logits, axis=1)
    return (probabilities[0], logits[0]) if single else (probabilities, logits)


def saliency(model, x, target=None):
    """The saliency map of ``target`` (by default the predicted class) for ``x``.

    Args:
        model: a classifier returning logits ``(N, K)``.
        x: one image ``(C, H, W)`` or a batch ``(N, C, H, W)``.
        target: ``None`` or ``'pred'`` (the predicted class), a class
            index, or one index per image.

    Returns:
        A dict with

        - ``'map'``: ``|dz_t/dx|`` maximised over the channels, ``(H, W)``
          (``(N, H, W)`` for a batch);
        - ``'gradient'``: the raw input gradient ``dz_t/dx``, the shape of ``x``;
        - ``'target'``: the class ``t`` (an int; ``(N,)`` for a batch);
        - ``'logits'``: ``(K,)`` (``(N, K)``);
        - ``'probabilities'``: ``softmax(logits)``, ``(K,)`` (``(N, K)``).

    The model's parameter gradients are left as they were.
    """
    x = np.asarray(x)
    single = x.ndim == 3
    logits, dx, t = input_gradient(model, x[None] if single else x, target)
    result = {
        "map": np.abs(dx).max(axis=1),          # (N, C, H, W) -> (N, H, W)
        "gradient": dx,
        "target": t,
        "logits": logits,
        "probabilities": _softmax(logits, axis=1),
    }
    if single:
        result = {k: v[0] for k, v in result.items()}
        result["target"] = int(result["target"])
    return result

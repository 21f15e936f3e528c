"""Shift the input and watch the feature maps move: equivariance and invariance.

A convolution applies the same kernel everywhere, so shifting its input
shifts its output by the same amount: convolution is *translation
equivariant*, ``f(shift(x)) = shift(f(x))``, apart from the borders (where
padding and the zero-filled edge enter). A layer with stride ``s`` moves
its map by ``shift / s`` of *its* pixels, which is a whole number only when
the shift is a multiple of the stride; so deep in the network, after a
cumulative stride (jump) ``J``, a shift of ``dx`` input pixels moves the
maps by ``dx / J`` units and anything else blurs. Pooling and the final
layers make the *prediction* (nearly) *invariant*: the class should not
change when the object moves a little.

Shifts are ``(dx, dy)`` in this module: ``dx`` to the right, ``dy`` down,
in pixels; every pair below is ``(horizontal, vertical)`` likewise.
"""
import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from .activations import _softmax, capture
from .receptive_field import receptive_fields

__all__ = ['shift_image', 'rotate_image', 'ShiftRow', 'TranslationReport', 'translation_experiment']


def shift_image(x, dx, dy):
    """Move the image ``dx`` pixels right and ``dy`` pixels down, filling with zeros.

    Negative values move left and up. Pixels shifted past the edge are lost.

    Shape:
        - x: ``(..., H, W)``
        - Output: same as ``x``
    """
    x = np.asarray(x)
    dx, dy = int(dx), int(dy)
    h, w = x.shape[-2:]
    out = np.zeros_like(x)
    if abs(dx) >= w or abs(dy) >= h:
        return out
    out[..., max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        x[..., max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def rotate_image(x, degrees):
    """Rotate the image counter-clockwise about its centre, with bilinear interpolation.

    Each output pixel looks up where it came from (the inverse rotation) and
    blends the four input pixels around that point by their distance;
    points outside the image read zeros.

    Shape:
        - x: ``(..., H, W)``
        - Output: same as ``x``
    """
    x = np.asarray(x)
    h, w = x.shape[-2:]
    theta = math.radians(degrees)
    cy, cx = (h - 1) / 2, (w - 1) / 2
    r, c = np.meshgrid(np.arange(h), np.arange(w), indexing="ij")
    u, v = c - cx, cy - r                                    # y axis pointing up
    src_c = u * math.cos(theta) + v * math.sin(theta) + cx   # rotate back by -theta
    src_r = cy - (-u * math.sin(theta) + v * math.cos(theta))
    src_r = np.where(np.abs(src_r - np.round(src_r)) < 1e-9, np.round(src_r), src_r)
    src_c = np.where(np.abs(src_c - np.round(src_c)) < 1e-9, np.round(src_c), src_c)
    r0, c0 = np.floor(src_r).astype(int), np.floor(src_c).astype(int)
    fr, fc = src_r - r0, src_c - c0
    out = np.zeros(x.shape, dtype=np.result_type(x.dtype, np.float32))
    for rr, cc, weight in ((r0, c0, (1 - fr) * (1 - fc)), (r0, c0 + 1, (1 - fr) * fc),
                           (r0 + 1, c0, fr * (1 - fc)), (r0 + 1, c0 + 1, fr * fc)):
        inside = (rr >= 0) & (rr < h) & (cc >= 0) & (cc < w)
        values = x[..., np.clip(rr, 0, h - 1), np.clip(cc, 0, w - 1)]
        out += np.where(inside, weight, 0.0) * values
    return out.astype(x.dtype, copy=False)


@dataclass
class ShiftRow:
    """How one layer's output responded to the shift.

    Attributes:
        name, type: the module's name and class.
        shape: its output shape for one image.
        jump: ``(horizontal, vertical)`` cumulative stride, ``None`` past the feature maps.
        expected_shift: ``input shift / jump`` in this layer's pixels ``(dx_l, dy_l)``.
        measured_shift: the whole-pixel displacement that best aligns the two
            maps (largest normalized cross-correlation), ``None`` past the maps.
        correlation: that largest correlation (cosine similarity, 1 = identical).
        exact: the expected shift is a whole number of pixels, so
            ``f(shift(x)) = shift(f(x))`` should hold exactly on the interior.
        equivariance_error: ``||f(shift x) - shift(f x)|| / ||shift(f x)||`` over
            the interior units (rounding ``expected_shift``); for a vector
            output, ``||f(shift x) - f(x)|| / ||f(x)||`` (how much it changed).
        interior_units: positions compared (those whose receptive field lies
            inside the image before and after the shift, clear of zero fill).
    """
    name: str
    type: str
    shape: tuple
    jump: Optional[tuple]
    expected_shift: Optional[tuple]
    measured_shift: Optional[tuple]
    correlation: Optional[float]
    exact: bool
    equivariance_error: Optional[float]
    interior_units: int


@dataclass
class TranslationReport:
    """Result of :func:`translation_experiment`.

    Attributes:
        shift: ``(dx, dy)`` applied to the input.
        rows: one :class:`ShiftRow` per layer, in the order of :func:`~cnncore.inspect.capture`.
        prediction_before, prediction_after: predicted class (``None`` if the
            output is not a vector of class scores).
        probability_before, probability_after: probability of the respective prediction.
        probability_of_original_after: probability of ``prediction_before`` after the shift.
        probabilities_before, probabilities_after: all class probabilities.
    """
    shift: tuple
    rows: list
    prediction_before: Optional[int]
    prediction_after: Optional[int]
    probability_before: Optional[float]
    probability_after: Optional[float]
    probability_of_original_after: Optional[float]
    probabilities_before: Optional[np.ndarray]
    probabilities_after: Optional[np.ndarray]


def _cosine(a, b):
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0 or nb == 0:
        return 1.0 if na == nb else 0.0
    return float(np.vdot(a, b) / (na * nb))


def _overlap(a, b, sx, sy):
    """``a`` moved by ``(sx, sy)`` and ``b``, cut to where both are defined."""
    h, w = a.shape[-2:]
    b_part = b[..., max(sy, 0):h + min(sy, 0), max(sx, 0):w + min(sx, 0)]
    a_part = a[..., max(-sy, 0):h + min(-sy, 0), max(-sx, 0):w + min(-sx, 0)]
    return a_part, b_part


def _measure_shift(a, b, expected):
    """The displacement ``(sx, sy)`` maximising the correlation of shifted ``a`` with ``b``."""
    h, w = a.shape[-2:]
    ranges = []
    for e, n in zip(expected, (w, h)):
        radius = max(2, math.ceil(abs(e)) + 2)
        ranges.append([s for s in range(-radius, radius + 1) if abs(s) < n])
    candidates = sorted(((sx, sy) for sx in ranges[0] for sy in ranges[1]),
                        key=lambda s: (s[0] - expected[0]) ** 2 + (s[1] - expected[1]) ** 2)
    best, best_corr = (0, 0), -np.inf
    for sx, sy in candidates:  # nearest to the expected shift first: ties go to it
        corr = _cosine(*_overlap(a, b, sx, sy))
        if corr > best_corr + 1e-12:
            best, best_corr = (sx, sy), corr
    return best, best_corr


def _interior(row, shape, dx, dy, image_hw):
    """Boolean ``(H_l, W_l)`` mask: units whose window avoids padding and zero fill."""
    h_img, w_img = image_hw
    mask = []
    for axis, (d, n_img) in enumerate(((dy, h_img), (dx, w_img))):
        idx = np.arange(shape[-2 + axis])
        top = row.start[axis] + idx * row.j[axis] - (row.r[axis] - 1) / 2
        bottom = top + row.r[axis]
        mask.append((top >= max(0, d)) & (bottom <= min(n_img, n_img + d)))
    return mask[0][:, None] & mask[1][None, :]


def _spatial_row(name, module, a, b, row, dx, dy, image_hw):
    jump = (row.j[1], row.j[0])
    expected = (dx / jump[0], dy / jump[1])
    measured, corr = _measure_shift(a, b, expected)
    exact = float(expected[0]).is_integer() and float(expected[1]).is_integer()
    ex, ey = int(round(expected[0])), int(round(expected[1]))
    mask = _interior(row, a.shape, dx, dy, image_hw)
    # Unit (y, x) of f(shift x) should equal unit (y - ey, x - ex) of f(x).
    shifted_a = shift_image(a, ex, ey)
    valid_a = shift_image(np.ones(a.shape[-2:], bool), ex, ey)
    mask &= valid_a
    error = None
    if mask.any():
        ref, got = shifted_a[:, mask], b[:, mask]
        norm = np.linalg.norm(ref)
        error = float(np.linalg.norm(got - ref) / norm) if norm > 0 else float(np.linalg.norm(got))
    return ShiftRow(name, type(module).__name__, tuple(a.shape), jump, expected, measured, corr,
                    exact, error, int(mask.sum()))


def translation_experiment(model, x, dx, dy):
    """Shift the input by ``(dx, dy)`` and compare every layer's output before and after.

    Two forward passes (original and shifted image). For each layer with a
    feature map: the shift expected from its jump, the shift measured by
    aligning the maps, and the equivariance error on the interior (exactly 0,
    up to rounding, when the expected shift is whole). For vector outputs the
    relative change; at the output, the prediction and its probability
    before and after (invariance).

    Args:
        model: the network (run as it is; call ``model.eval()`` first).
        x: one image, ``(C, H, W)`` or ``(1, C, H, W)``.
        dx, dy: the shift in pixels (right, down).

    Returns:
        A :class:`TranslationReport`.
    """
    x = np.asarray(x)
    if x.ndim == 3:
        x = x[None]
    shifted = shift_image(x, dx, dy)
    out_a, acts_a = capture(model, x)
    out_b, acts_b = capture(model, shifted)
    try:
        rf_rows = {row.name: row for row in receptive_fields(model, x.shape)}
    except NotImplementedError:
        rf_rows = {}
    modules = dict(model.named_modules())
    rows = []
    for name, a in acts_a.items():
        b, module, row = acts_b[name], modules[name], rf_rows.get(name)
        if not isinstance(a, np.ndarray):
            continue
        a, b = a[0], b[0]
        if a.ndim == 3 and row is not None and row.j is not None:
            rows.append(_spatial_row(name, module, a, b, row, dx, dy, x.shape[2:]))
        else:
            norm = np.linalg.norm(a)
            change = float(np.linalg.norm(b - a) / norm) if norm > 0 else float(np.linalg.norm(b))
            rows.append(ShiftRow(name, type(module).__name__, tuple(a.shape), None, None, None, None,
                                 False, change, 0))
    report = TranslationReport((int(dx), int(dy)), rows, None, None, None, None, None, None, None)
    if isinstance(out_a, np.ndarray) and out_a.ndim == 2:
        pa, pb = _softmax(out_a[0]), _softmax(out_b[0])
        ka, kb = int(pa.argmax()), int(pb.argmax())
        report.prediction_before, report.prediction_after = ka, kb
        report.probability_before, report.probability_after = float(pa[ka]), float(pb[kb])
        report.probability_of_original_after = float(pb[ka])
        report.probabilities_before, report.probabilities_after = pa, pb
    return report

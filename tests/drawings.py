"""Mouse-style digit drawings, made the way a person draws on the playground's canvas.

Each digit is a few strokes (polylines in a unit box, y pointing down),
written with a round brush of a chosen width on a black canvas: thick,
uniform strokes, placed anywhere at any size — unlike MNIST's pen scans.
Used to test ``preprocess_drawing`` + the pretrained models, and by the
browser tests to draw with the mouse.
"""
import numpy as np


def _arc(cx, cy, rx, ry, start, stop, n=24):
    t = np.radians(np.linspace(start, stop, n))
    return list(zip(cx + rx * np.cos(t), cy + ry * np.sin(t)))


# Several ways to write each digit; angles in degrees, 0 = right, 90 = down.
STROKES = {
    0: [[_arc(0.5, 0.5, 0.3, 0.45, 0, 360, 40)],
        [_arc(0.5, 0.5, 0.25, 0.45, -90, 270, 40)]],
    1: [[[(0.5, 0.05), (0.5, 0.95)]],
        [[(0.35, 0.2), (0.55, 0.05), (0.55, 0.95)]]],
    2: [[_arc(0.5, 0.3, 0.3, 0.25, 180, 360) + _arc(0.5, 0.3, 0.3, 0.25, 0, 40, 6) + [(0.2, 0.95), (0.85, 0.95)]],
        [_arc(0.5, 0.32, 0.28, 0.27, 200, 380) + [(0.2, 0.92), (0.82, 0.92)]]],
    3: [[_arc(0.5, 0.28, 0.28, 0.23, 200, 450) + _arc(0.5, 0.72, 0.3, 0.23, 270, 520)],
        [[(0.2, 0.08), (0.8, 0.08), (0.45, 0.45)] + _arc(0.5, 0.7, 0.3, 0.25, 270, 520)]],
    4: [[[(0.65, 0.05), (0.15, 0.65), (0.85, 0.65)], [(0.65, 0.3), (0.65, 0.95)]],
        [[(0.25, 0.05), (0.2, 0.55), (0.8, 0.55)], [(0.7, 0.05), (0.7, 0.95)]]],
    5: [[[(0.8, 0.05), (0.25, 0.05), (0.22, 0.45)] + _arc(0.48, 0.67, 0.3, 0.28, 240, 495)],
        [[(0.25, 0.05), (0.22, 0.45)] + _arc(0.5, 0.67, 0.3, 0.28, 230, 500), [(0.25, 0.05), (0.8, 0.05)]]],
    6: [[[(0.7, 0.05), (0.35, 0.4)] + _arc(0.5, 0.7, 0.28, 0.25, 190, 550)],
        [_arc(0.7, 0.6, 0.45, 0.55, 260, 180, 12) + _arc(0.48, 0.72, 0.27, 0.23, 180, 540)]],
    7: [[[(0.15, 0.05), (0.85, 0.05), (0.4, 0.95)]],
        [[(0.15, 0.08), (0.85, 0.08), (0.5, 0.95)], [(0.35, 0.5), (0.75, 0.5)]]],
    8: [[_arc(0.5, 0.27, 0.22, 0.22, 90, 450) + _arc(0.5, 0.72, 0.27, 0.23, 270, -90)],
        [_arc(0.5, 0.28, 0.24, 0.22, 0, 360), _arc(0.5, 0.73, 0.28, 0.22, 0, 360)]],
    9: [[_arc(0.48, 0.3, 0.27, 0.24, 0, 360) + [(0.75, 0.3), (0.72, 0.95)]],
        [_arc(0.5, 0.3, 0.28, 0.25, -10, 350) + [(0.78, 0.3), (0.55, 0.95)]]],
}


def draw_strokes(strokes, size=280, width=20.0, box=(60, 40, 160, 200), slant=0.0, wobble=0.0, rng=None):
    """Render polylines (unit-box coordinates) with a round brush on a black ``size``² canvas.

    ``box`` is ``(left, top, box_width, box_height)`` in canvas pixels; ink is 255.
    ``slant`` shears the digit (x moves by ``slant * (0.5 - y)`` box widths), ``wobble``
    jitters every point by that many box-relative units, as an unsteady hand does.
    """
    left, top, bw, bh = box
    rng = rng or np.random.default_rng(0)
    canvas_strokes = []
    for stroke in strokes:
        pts = np.array(stroke, dtype=np.float64)
        if wobble:  # an unsteady hand drifts smoothly along the stroke, it does not zigzag
            t = np.linspace(0, 1, len(pts))[:, None]
            freq, phase = rng.uniform(0.5, 2.5, (1, 2)), rng.uniform(0, 2 * np.pi, (1, 2))
            pts = pts + wobble * np.sin(2 * np.pi * freq * t + phase)
        pts[:, 0] += slant * (0.5 - pts[:, 1])
        canvas_strokes.append(np.column_stack([left + pts[:, 0] * bw, top + pts[:, 1] * bh]))
    allpts = np.concatenate(canvas_strokes)
    lo = np.clip(np.floor(allpts.min(0) - width), 0, size).astype(int)
    hi = np.clip(np.ceil(allpts.max(0) + width), 0, size).astype(int)
    yy, xx = np.mgrid[lo[1]:hi[1], lo[0]:hi[0]].astype(np.float64) + 0.5
    dist = np.full(yy.shape, np.inf)
    for pts in canvas_strokes:
        for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
            dx, dy = x1 - x0, y1 - y0
            t = np.clip(((xx - x0) * dx + (yy - y0) * dy) / max(dx * dx + dy * dy, 1e-9), 0, 1)
            dist = np.minimum(dist, np.hypot(xx - (x0 + t * dx), yy - (y0 + t * dy)))
    canvas = np.zeros((size, size))
    canvas[lo[1]:hi[1], lo[0]:hi[0]] = np.clip(width / 2 + 0.5 - dist, 0, 1)  # 1 px anti-aliasing
    return (canvas * 255).astype(np.uint8)


def drawn_digit_set(count_per_digit=10, seed=0, size=280):
    """``(images (N, size, size) uint8, labels (N,))``: random sizes, places, widths and variants."""
    rng = np.random.default_rng(seed)
    images, labels = [], []
    for digit, variants in STROKES.items():
        for k in range(count_per_digit):
            strokes = variants[k % len(variants)]
            bh = rng.uniform(0.3, 0.85) * size
            bw = bh * rng.uniform(0.45, 0.85)
            left, top = rng.uniform(0, size - bw), rng.uniform(0, size - bh)
            images.append(draw_strokes(strokes, size, rng.uniform(6, 30), (left, top, bw, bh),
                                       slant=rng.uniform(-0.3, 0.3), wobble=rng.uniform(0, 0.03), rng=rng))
            labels.append(digit)
    return np.stack(images), np.array(labels)

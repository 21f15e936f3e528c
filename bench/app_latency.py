"""Server compute from a finished stroke to the updated page (issue: at most 50 ms p95 for lenet5).

When a stroke ends, the canvas sends its picture; Draw & predict preprocesses it, runs the model
and updates the probability bars; the Inside-the-network view (when open) recomputes every
layer's feature maps and redraws them. This measures exactly that Python work — the views'
own ``update``/``set_input`` on a real ``DrawView``/``InsideView`` pair sharing one session —
for 200 mouse-style drawings (tests/drawings.py), and prints the median and p95. Sending the
changes to the browser is not included (it happens after, on the event loop).

    python bench/app_latency.py [--n 200]

Measured 2026-11-23 (2 cores, load average ~2, NumPy 2.4.6, one BLAS thread), 200 drawings:
Draw & predict alone p95 1.1 ms; Draw & predict + Inside the network p95 5.7 ms (before colour
maps stopped re-sending unchanged palettes: p95 54.8 ms). 196/200 drawings read correctly.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import cnncore  # noqa: E402
from app.core.session import SessionState  # noqa: E402
from app.views.draw.view import DrawView  # noqa: E402
from app.views.inside.view import InsideView  # noqa: E402
from tests.drawings import drawn_digit_set  # noqa: E402


def percentile(values, q):
    return float(np.percentile(np.array(values), q))


def stroke_times(pictures, labels, with_inside):
    """Milliseconds from "the canvas sent its picture" to "every view has updated", per drawing."""
    session = SessionState()
    draw = DrawView(session=session, lang="en")
    if with_inside:
        inside = InsideView(session=session, lang="en")
        session.param.watch(lambda e: inside.set_input(e.new), "drawing")  # as the playground links them
    times, correct = [], 0
    for picture, label in zip(pictures, labels):
        start = time.perf_counter()
        draw.canvas.set_image(picture)     # the stroke's picture arrives; the views update
        times.append((time.perf_counter() - start) * 1e3)
        correct += draw.prediction == str(label)
    return times, correct


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200)
    args = parser.parse_args()
    cnncore.backend.limit_blas_threads(1)
    images, labels = drawn_digit_set(count_per_digit=max(1, args.n // 10), seed=7)
    size = DrawView(lang="en").canvas.image_size        # the canvas sends size x size grey pixels
    pictures = [cnncore.data.area_resample(img.astype(np.float32) / 255, (size, size)) for img in images]
    print(f"{len(pictures)} mouse-style drawings sent as {size}x{size} pictures; lenet5; numpy {np.__version__}")
    for with_inside, what in ((False, "Draw & predict alone"), (True, "Draw & predict + Inside the network")):
        times, correct = stroke_times(pictures, labels, with_inside)
        print(f"{what:38s} median {statistics.median(times):5.1f} ms   p95 {percentile(times, 95):5.1f} ms"
              f"   max {max(times):5.1f} ms   ({correct}/{len(pictures)} read correctly)")


if __name__ == "__main__":
    main()

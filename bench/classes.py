"""The "Your classes" view: capture -> training -> prediction, against PyTorch.

This is a benchmark, not a test: it prints tables and never fails on a slow number.

    python bench/classes.py                          # CPython: the view itself, and the engine vs PyTorch
    node bench/pyodide_run.mjs bench/classes.py      # Pyodide (the browser's Python): the engine part

What is timed, on the starter set (three textures cut into 64 tiles each, 32x32 RGB, the same
pictures a student gets from "Load the starter set"):

1. **Capture -> training starts** (CPython, the view): from the last picture in the classes to
   the first training step done: ``ClassesView.new_run()`` (split, tensors, a fresh network)
   plus one step. This is what the student waits for after pressing *Train*.
2. **Training examples/s** of the view's network (``cnncore.models.small_rgb.small_rgb_cnn``,
   batch 16, Adam) in the engine, and the same network in PyTorch, interleaved (each repeat
   times one then the other, one thread each), with the median of the per-repeat ratios.
3. **Prediction latency from a webcam frame** (CPython, the view): a 64x64 RGB frame as the
   browser sends it (base64) -> decoded, fitted to 32x32, probabilities and bars updated:
   ``ClassesView._on_frame("predict", frame)``; median and p95 over 100 frames.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
import cnncore  # noqa: E402
from cnncore import backend, nn  # noqa: E402
from cnncore.images import to_tensor  # noqa: E402
from cnncore.models.small_rgb import small_rgb_cnn  # noqa: E402
from cnncore.optim import Adam  # noqa: E402
from cnncore.photos import texture_patches  # noqa: E402

from timing import IN_PYODIDE, machine_info  # noqa: E402

MEAN, STD = (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)   # as the view normalises
BATCH = 16


def starter():
    images, labels, names = texture_patches(32)      # (192, 32, 32, 3) uint8, (192,)
    return to_tensor(images, mean=MEAN, std=STD).astype(np.float32), labels, names


def engine_steps(x, y, steps, seed=0):
    """A function that trains ``steps`` batches of the engine's network (a fresh one per call)."""
    def run():
        model = small_rgb_cnn(3, seed).float()
        model[0].needs_input_grad = False              # the picture needs no gradient
        crit, opt = nn.CrossEntropyLoss(), Adam(model.parameters(), lr=0.003)
        rng = np.random.default_rng(seed)
        for _ in range(steps):
            idx = rng.integers(0, len(y), BATCH)
            opt.zero_grad()
            crit(model(x[idx]), y[idx])
            model.backward(crit.backward())
            opt.step()
    return run


def torch_steps(x, y, steps, seed=0):
    import torch
    from torch import nn as tnn
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def run():
        torch.manual_seed(seed)
        model = tnn.Sequential(tnn.Conv2d(3, 8, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
                               tnn.Conv2d(8, 16, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
                               tnn.Flatten(), tnn.Linear(16 * 8 * 8, 3))
        opt, rng = torch.optim.Adam(model.parameters(), lr=0.003), np.random.default_rng(seed)
        for _ in range(steps):
            idx = torch.from_numpy(rng.integers(0, len(y), BATCH))
            opt.zero_grad()
            tnn.functional.cross_entropy(model(xt[idx]), yt[idx]).backward()
            opt.step()
    return run


def training_table(x, y, steps, repeats):
    contenders = {"engine": engine_steps(x, y, steps)}
    if not IN_PYODIDE:
        try:
            import torch
            torch.set_num_threads(1)
            contenders["PyTorch"] = torch_steps(x, y, steps)
        except ImportError:
            pass
    times = {name: [] for name in contenders}
    for fn in contenders.values():
        fn()                                            # warm-up
    for _ in range(repeats):                            # interleaved: a burst of load hits both alike
        for name, fn in contenders.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    print(f"\n## Training the view's network: {steps} steps of batch {BATCH}, Adam, median of {repeats}\n")
    print("| engine | median s | examples/s |")
    print("|---|---:|---:|")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"| {name} | {median:.3f} | {steps * BATCH / median:,.0f} |")
    if "PyTorch" in times:
        ratios = [a / b for a, b in zip(times["engine"], times["PyTorch"])]
        print(f"\nengine / PyTorch time, median of per-repeat ratios: {statistics.median(ratios):.2f}x")


def view_table(frames):
    """Capture -> training starts, and a webcam frame -> prediction, in the view itself."""
    from app.widgets.webcam import FRAME_SIZE, encode_frame
    from app.views.classes.view import ClassesView

    starts = []
    for _ in range(5):
        view = ClassesView(autoplay=False, epochs=3)
        view.load_starter()
        t0 = time.perf_counter()
        view.new_run()
        view.status = "paused"
        view._handle(view.training.step_once())
        starts.append(time.perf_counter() - t0)
    view.status = "running"
    while view.status == "running":                    # 3 epochs, so predictions are real
        view._handle(view.training.advance(0.5))
    rng = np.random.default_rng(0)
    sent = [encode_frame(rng.integers(0, 256, (FRAME_SIZE, FRAME_SIZE, 3), dtype=np.uint8))
            for _ in range(frames)]
    latencies = []
    for frame in sent:
        t0 = time.perf_counter()
        view._on_frame("predict", frame)
        latencies.append((time.perf_counter() - t0) * 1e3)
    assert view.prediction, "no prediction was made"
    print("\n## The view (CPython, server compute; sending to the browser not included)\n")
    print("| what | median | p95 |")
    print("|---|---:|---:|")
    print(f"| last picture -> first training step done | {statistics.median(starts) * 1e3:.0f} ms | "
          f"{np.percentile(starts, 95) * 1e3:.0f} ms |")
    print(f"| webcam frame -> probabilities shown | {statistics.median(latencies):.1f} ms | "
          f"{np.percentile(latencies, 95):.1f} ms |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=40, help="training steps per repeat (default 40)")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--frames", type=int, default=100)
    a = ap.parse_args(argv)
    if not IN_PYODIDE:
        backend.limit_blas_threads(1)
    x, y, names = starter()
    print(f"# Your classes: the starter set ({len(y)} pictures of {', '.join(names)}, 32x32 RGB) "
          f"({machine_info()}; backend.matmul = {backend.get_matmul()!r})")
    training_table(x, y, a.steps, a.repeats)
    if not IN_PYODIDE:
        view_table(a.frames)


if __name__ == "__main__":
    cnncore.manual_seed(0)
    main()

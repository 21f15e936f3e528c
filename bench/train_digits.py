"""LeNet-5 training speed on the real digits: examples/s and time per epoch.

This is a benchmark, not a test: it prints a table and never fails on a
slow number.

    python bench/train_digits.py                        # CPython, BLAS limited to 1 thread
    python bench/train_digits.py --epochs 3 --threads 2
    node bench/pyodide_run.mjs bench/train_digits.py    # Pyodide (the browser's Python)

What is timed: ``cnncore.models.lenet5()`` trained on the 4,000 bundled
training digits (``cnncore.data.load_digits``), batch 64, shuffled every
epoch, cross-entropy, SGD with momentum 0.9 — once on the plain images and
once with every batch passed through ``cnncore.data.augment`` first (the
augmentation's time counts: it is part of an epoch). The first layer
skips ``dL/dx`` (the image needs no gradient), as the app's trainer does.

Both clocks are reported: wall time, and the process's CPU time (steadier
on a shared machine; in Pyodide under Node it is Node's CPU time). After
the last epoch the test accuracy on the 1,000 test digits shows that the
network learned (it is not part of the timing).
"""
import argparse
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
import cnncore  # noqa: E402
from cnncore import backend, nn  # noqa: E402
from cnncore.data import augment, load_digits  # noqa: E402
from cnncore.models import lenet5  # noqa: E402
from cnncore.optim import SGD  # noqa: E402
from cnncore.train import evaluate  # noqa: E402

from timing import IN_PYODIDE, cpu_clock, machine_info  # noqa: E402


def train_epoch(model, crit, opt, images, labels, batch, rng, augmented):
    """One pass over the shuffled training set; returns the mean training loss."""
    order = rng.permutation(len(images))
    total = 0.0
    for start in range(0, len(order), batch):
        idx = order[start:start + batch]
        x = images[idx]                                  # (B, 1, 28, 28)
        if augmented:
            x = augment(x, rng)
        opt.zero_grad()
        total += float(crit(model(x), labels[idx])) * len(idx)
        model.backward(crit.backward())
        opt.step()
    return total / len(order)


def run(augmented, epochs, batch, lr, seed):
    """Train a fresh LeNet-5; returns per-epoch (wall s, CPU s, loss) and the test accuracy."""
    cnncore.manual_seed(seed)
    rng = np.random.default_rng(seed)
    images, labels = load_digits("train")
    model = lenet5()
    model[0].needs_input_grad = False                    # the image needs no gradient
    crit = nn.CrossEntropyLoss()
    opt = SGD(model.parameters(), lr=lr, momentum=0.9)
    cpu = cpu_clock()
    epochs_out = []
    for _ in range(epochs):
        w0, c0 = time.perf_counter(), cpu()
        loss = train_epoch(model, crit, opt, images, labels, batch, rng, augmented)
        epochs_out.append((time.perf_counter() - w0, cpu() - c0, loss))
    test_x, test_y = load_digits("test")
    return epochs_out, evaluate(model.eval(), test_x, test_y)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=2, help="epochs per run (default 2)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="CPython: BLAS threads (default 1)")
    a = ap.parse_args(argv)
    if not IN_PYODIDE:
        backend.limit_blas_threads(a.threads)
    n = len(load_digits("train")[1])
    print(f"# LeNet-5 on {n:,} training digits, batch {a.batch}, SGD lr {a.lr} momentum 0.9, "
          f"{a.epochs} epochs ({machine_info()}; backend.matmul = {backend.get_matmul()!r}"
          f"{'' if IN_PYODIDE else f', {a.threads} BLAS thread(s)'})\n")
    print("| data | epoch | wall s | CPU s | ex/s (wall) | ex/s (CPU) | train loss |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for augmented in (False, True):
        epochs, result = run(augmented, a.epochs, a.batch, a.lr, a.seed)
        name = "augmented" if augmented else "plain"
        for i, (wall, cpu, loss) in enumerate(epochs, 1):
            print(f"| {name} | {i} | {wall:.2f} | {cpu:.2f} | {n / wall:,.0f} | {n / cpu:,.0f} | "
                  f"{loss:.3f} |", flush=True)
        print(f"|  | test accuracy | {result.accuracy:.1%} |  |  |  |  |", flush=True)


if __name__ == "__main__":
    main()

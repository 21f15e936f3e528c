"""Engine benchmark: cnncore against PyTorch (CPython) or on its own (Pyodide).

This is a benchmark, not a test: it prints a table and never fails on a
slow number.

    python bench/engine.py                        # CPython: cnncore vs PyTorch CPU, 1 and 2 threads
    python bench/engine.py --threads 1 --quick    # faster, fewer samples
    node bench/pyodide_run.mjs bench/engine.py    # Pyodide: cnncore with backend 'einsum' and 'matmul'

What is timed (medians over repeats, float32, random data):

* convolution forward, and forward+backward (with ``dL/dx``), for LeNet-5's
  two layers (64x1x28x28 -> 6@5x5 pad 2; 64x6x14x14 -> 16@5x5) and a wide
  layer (64x32x28x28 -> 32@3x3 pad 1);
* one LeNet-5 training step (forward, cross-entropy, backward, SGD) at
  batch 64 and 20, as examples per second;
* ConvNetJS's MNIST demo net (see bench/convnetjs_mnist.js) trained at batch 20
  with Adam (ConvNetJS's demo uses adadelta);
* batch-1 LeNet-5 forward keeping every layer's activation (what the UI
  shows) against PyTorch's plain batch-1 forward under ``torch.no_grad()``.

``speed`` is cnncore's speed relative to PyTorch (``t_pytorch / t_cnncore``;
above 1 means cnncore is faster). PyTorch and NumPy's BLAS get the same
number of threads (``torch.set_num_threads`` and threadpoolctl). With one
thread the clock is the process's CPU time (``--clock``), which does not
count time spent waiting for a core on a busy machine; with more threads
it is wall time.

In CPython every row is also measured on the wall clock, as a user meets it
(``--no-wall`` skips it): each repeat times one cnncore call and one PyTorch
call back to back with ``time.perf_counter``, and the speed is the median of
the per-repeat ratios (``timing.wall_ratios``); "middle half" is the 25%-75%
range of those ratios.
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
from cnncore.optim import SGD, Adam  # noqa: E402

from timing import (IN_PYODIDE, cpu_clock, fmt_ms, machine_info, median_times,  # noqa: E402
                    wall_ratios)

CONV_SHAPES = [  # (name, x shape, out channels, kernel, padding)
    ("conv 64x1x28x28 -> 6@5x5 p2", (64, 1, 28, 28), 6, 5, 2),
    ("conv 64x6x14x14 -> 16@5x5", (64, 6, 14, 14), 16, 5, 0),
    ("conv 64x32x28x28 -> 32@3x3 p1", (64, 32, 28, 28), 32, 3, 1),
]

# Targets from the issue, as minimum speed ratios t_pytorch / t_cnncore.
TARGET_CONV_FWD_BWD = 1 / 2.5
TARGET_TRAIN = {64: 0.6, 20: 0.9}
TARGET_BATCH1 = 1.0
# Issue 13: the same, measured on the wall clock (as a user meets it).
TARGET_TRAIN_WALL = {64: 0.8, 20: 1.0}


# ---------- the networks, in both engines ----------

def lenet5_cnncore():
    """LeNet-5 (ReLU, max-pooling) as in cnncore.models.lenet5."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),             # (N, 16, 5, 5)
        nn.Flatten(),                                                 # (N, 400)
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def convnetjs_twin_cnncore():
    """ConvNetJS's MNIST demo net: 24x24x1 -> conv8@5 -> pool2 -> conv16@5 -> pool3 -> 10."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2, 2),    # (N, 8, 12, 12)
        nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(3, 3),   # (N, 16, 4, 4)
        nn.Flatten(), nn.Linear(16 * 4 * 4, 10))


def lenet5_torch(torch):
    tnn = torch.nn
    return tnn.Sequential(
        tnn.Conv2d(1, 6, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2),
        tnn.Conv2d(6, 16, 5), tnn.ReLU(), tnn.MaxPool2d(2), tnn.Flatten(),
        tnn.Linear(400, 120), tnn.ReLU(), tnn.Linear(120, 84), tnn.ReLU(), tnn.Linear(84, 10))


def convnetjs_twin_torch(torch):
    tnn = torch.nn
    return tnn.Sequential(
        tnn.Conv2d(1, 8, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(2, 2),
        tnn.Conv2d(8, 16, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(3, 3),
        tnn.Flatten(), tnn.Linear(16 * 4 * 4, 10))


# ---------- one timed callable per case and engine ----------

def cnncore_cases(rng, quick):
    """name -> (kind, callable, work); work is examples per call for 'train' rows."""
    cases = {}
    for name, xs, o, k, p in CONV_SHAPES:
        conv = nn.Conv2d(xs[1], o, k, padding=p)
        x = rng.standard_normal(xs).astype(np.float32)
        g = rng.standard_normal(conv.output_shape(xs)).astype(np.float32)

        def fwd(conv=conv, x=x):
            conv(x)

        def fwd_bwd(conv=conv, x=x, g=g):
            conv.zero_grad()
            conv(x)
            conv.backward(g)

        cases[f"{name} fwd"] = ("conv fwd", fwd)
        cases[f"{name} fwd+bwd"] = ("conv fwd+bwd", fwd_bwd)

    for net_name, make, hw, batches in (("LeNet-5", lenet5_cnncore, 28, (64, 20)),
                                        ("ConvNetJS net", convnetjs_twin_cnncore, 24, (20,))):
        for batch in batches:
            kind = f"train{batch}" if net_name == "LeNet-5" else "train"  # targets: LeNet-5 only
            model = make()
            model[0].needs_input_grad = False      # the image needs no gradient
            crit = nn.CrossEntropyLoss()
            if net_name == "LeNet-5":
                opt = SGD(model.parameters(), lr=0.01)
            else:   # ConvNetJS's demo uses adadelta: a per-weight adaptive step, like Adam
                opt = Adam(model.parameters(), lr=1e-3)
            x = rng.standard_normal((batch, 1, hw, hw)).astype(np.float32)
            y = rng.integers(0, 10, batch)

            def step(model=model, crit=crit, opt=opt, x=x, y=y):
                opt.zero_grad()
                crit(model(x), y)
                model.backward(crit.backward())
                opt.step()

            cases[f"{net_name} train step b{batch}"] = (kind, step, batch)

    model = lenet5_cnncore().eval()
    x1 = rng.standard_normal((1, 1, 28, 28)).astype(np.float32)

    def forward_all(model=model, x=x1):
        acts = []
        for layer in model:       # every layer's output, as the UI shows them
            x = layer(x)
            acts.append(x)
        return acts

    cases["LeNet-5 b1 forward (cnncore: all activations)"] = ("batch1", forward_all)
    return cases


def torch_cases(torch, quick):
    torch.manual_seed(0)
    F = torch.nn.functional
    cases = {}
    for name, xs, o, k, p in CONV_SHAPES:
        conv = torch.nn.Conv2d(xs[1], o, k, padding=p)
        x = torch.randn(xs)
        xg = x.clone().requires_grad_(True)
        with torch.no_grad():
            g = torch.randn(conv(x).shape)

        def fwd(conv=conv, x=x):
            with torch.no_grad():
                conv(x)

        def fwd_bwd(conv=conv, x=xg, g=g):
            conv.weight.grad = conv.bias.grad = x.grad = None
            conv(x).backward(g)

        cases[f"{name} fwd"] = fwd
        cases[f"{name} fwd+bwd"] = fwd_bwd

    for net_name, make, hw, batches in (("LeNet-5", lenet5_torch, 28, (64, 20)),
                                        ("ConvNetJS net", convnetjs_twin_torch, 24, (20,))):
        for batch in batches:
            model = make(torch)
            opt = (torch.optim.SGD(model.parameters(), lr=0.01) if net_name == "LeNet-5"
                   else torch.optim.Adam(model.parameters(), lr=1e-3))
            x = torch.randn(batch, 1, hw, hw)
            y = torch.randint(0, 10, (batch,))

            def step(model=model, opt=opt, x=x, y=y):
                opt.zero_grad()
                F.cross_entropy(model(x), y).backward()
                opt.step()

            cases[f"{net_name} train step b{batch}"] = step

    model = lenet5_torch(torch).eval()
    x1 = torch.randn(1, 1, 28, 28)

    def forward_plain(model=model, x=x1):
        with torch.no_grad():
            model(x)

    cases["LeNet-5 b1 forward (cnncore: all activations)"] = forward_plain
    return cases


# ---------- running and reporting ----------

def _target(kind, wall=False):
    if wall:
        if kind.startswith("train") and kind[5:].isdigit():
            return TARGET_TRAIN_WALL.get(int(kind[5:]))
        return None
    if kind == "conv fwd+bwd":
        return TARGET_CONV_FWD_BWD
    if kind.startswith("train") and kind[5:].isdigit():
        return TARGET_TRAIN.get(int(kind[5:]))
    if kind == "batch1":
        return TARGET_BATCH1
    return None


def _times(fns, quick, clock=time.perf_counter):
    """Interleaved medians (see timing.median_times): fair ratios on a busy machine."""
    return median_times(fns, repeats=5 if quick else 11, min_sample=0.03 if quick else 0.08,
                        budget=1.0 if quick else 3.0, clock=clock)


def _wall(ours, theirs, quick):
    """Per-repeat wall-clock ratios (see timing.wall_ratios): (speed, quartiles, t_ours, t_theirs)."""
    return wall_ratios(ours, theirs, repeats=41 if quick else 201, budget=2.0 if quick else 8.0)


def _cell(entry, t):
    """ms per call, plus examples/s for training rows."""
    s = fmt_ms(t)
    if len(entry) == 3:
        s += f" ({entry[2] / t:,.0f} ex/s)"
    return s


def run_cpython(threads, quick, only, clock_kind="auto", wall=True):
    import torch
    from threadpoolctl import threadpool_limits

    print(f"# cnncore vs PyTorch {torch.__version__} (CPython; {machine_info()})")
    print(f"# cnncore backend.matmul = {backend.get_matmul()!r}; speed = t_pytorch / t_cnncore "
          f"(>1: cnncore faster); target = minimum speed from the issue")
    if wall:
        print("# wall: same process, each repeat times cnncore and PyTorch back to back with "
              "time.perf_counter (every other repeat PyTorch first); speed = median of the "
              "per-repeat ratios; middle half = their 25%-75% quantiles")
    print()
    verdicts = []
    for n in threads:
        torch.set_num_threads(n)
        use_cpu = clock_kind == "cpu" or (clock_kind == "auto" and n == 1)
        clock = cpu_clock() if use_cpu else time.perf_counter
        with threadpool_limits(n):
            ours = cnncore_cases(np.random.default_rng(0), quick)
            theirs = torch_cases(torch, quick)
            label = "CPU" if use_cpu else "wall"
            print(f"## {n} thread{'s' * (n > 1)} ({label} time{'; and wall-clock ratios' * wall})\n")
            head = f"| case | cnncore ms | PyTorch ms | speed ({label}) | target | met |"
            rule = "|---|---:|---:|---:|---:|:-:|"
            if wall:
                head += (" cnncore wall ms | PyTorch wall ms | speed (wall) | middle half |"
                         " target | met |")
                rule += "---:|---:|---:|---:|---:|:-:|"
            print(head)
            print(rule)
            for name, entry in ours.items():
                if only and only not in name:
                    continue
                t = _times({"ours": entry[1], "theirs": theirs[name]}, quick, clock)
                row = [name, _cell(entry, t["ours"]), _cell(entry, t["theirs"])]
                row += _verdict(t["theirs"] / t["ours"], _target(entry[0]), n, name, label, verdicts)
                if wall:
                    speed, (q1, q3), w_ours, w_theirs = _wall(entry[1], theirs[name], quick)
                    row += [_cell(entry, w_ours), _cell(entry, w_theirs)]
                    cells = _verdict(speed, _target(entry[0], wall=True), n, name, "wall", verdicts)
                    row += cells[:1] + [f"{q1:.2f}-{q3:.2f}"] + cells[1:]
                print("| " + " | ".join(row) + " |", flush=True)
            print()
    missed = [v for v in verdicts if v[4] == "NO"]
    print(f"targets met: {len(verdicts) - len(missed)}/{len(verdicts)}"
          + "".join(f"\n  missed ({v[0]} thr, {v[5]}): {v[1]}: {v[2]:.2f}x < {v[3]:.2f}x"
                    for v in missed))


def _verdict(speed, target, n, name, label, verdicts):
    """The table cells 'speed | target | met', recording the verdict."""
    met = "" if target is None else ("yes" if speed >= target else "NO")
    if target is not None:
        verdicts.append((n, name, speed, target, met, label))
    return [f"{speed:.2f}x", "" if target is None else f"{target:.2f}x", met]


def run_pyodide(kinds, quick, only, clock_kind="auto"):
    clock = time.perf_counter if clock_kind == "wall" else cpu_clock()
    print(f"# cnncore in Pyodide ({machine_info()}); clock: "
          f"{'wall' if clock is time.perf_counter else 'Node process CPU time'}")
    print(f"# default backend.matmul = {backend.get_matmul()!r}; "
          f"columns: median ms per call with each formulation\n")
    def with_kind(kind, fn):
        def run():
            previous = backend.set_matmul(kind)
            try:
                fn()
            finally:
                backend.set_matmul(previous)
        return run

    results = {}
    for name, entry in cnncore_cases(np.random.default_rng(0), quick).items():
        if only and only not in name:
            continue
        results[name] = _times({k: with_kind(k, entry[1]) for k in kinds}, quick, clock)
        results[name]["entry"] = entry
    print("| case | " + " | ".join(f"{k} ms" for k in kinds) + " | fastest |")
    print("|---|" + "---:|" * len(kinds) + ":-:|")
    for name, r in results.items():
        fastest = min(kinds, key=lambda k: r[k])
        print(f"| {name} | " + " | ".join(_cell(r["entry"], r[k]) for k in kinds)
              + f" | {fastest} |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                    help="CPython: thread counts for PyTorch and BLAS (default: 1 2)")
    ap.add_argument("--kinds", nargs="+", default=["einsum", "matmul"],
                    help="Pyodide: backend.matmul formulations to compare")
    ap.add_argument("--quick", action="store_true", help="fewer, shorter samples")
    ap.add_argument("--clock", choices=["auto", "cpu", "wall"], default="auto",
                    help="'cpu' = process CPU time (steady on a busy machine, right for one "
                         "thread); 'auto' = cpu for 1 thread and in Pyodide, wall otherwise")
    ap.add_argument("--only", default=None, help="run only cases whose name contains this")
    ap.add_argument("--no-wall", dest="wall", action="store_false",
                    help="CPython: skip the wall-clock per-repeat ratios")
    a = ap.parse_args(argv)
    cnncore.manual_seed(0)
    if IN_PYODIDE:
        run_pyodide(a.kinds, a.quick, a.only, a.clock)
    else:
        run_cpython(a.threads, a.quick, a.only, a.clock, a.wall)


if __name__ == "__main__":
    main()

"""Old engine against new, in one process: did a change make training faster?

A benchmark, not a test. It imports an older copy of ``cnncore`` under the
name ``cnncore_old`` beside the current one and times the same LeNet-5
training step (forward, cross-entropy, backward, SGD) with both, interleaved
(old, new, old, new, ...), so a burst of load from other processes hits both:

    mkdir -p .old-engine && git archive COMMIT cnncore | tar -x -C .old-engine
    python bench/engine_versions.py --old .old-engine            # CPython, 1 BLAS thread
    node bench/pyodide_run.mjs bench/engine_versions.py --old .old-engine   # Pyodide

(``.old-engine`` is inside the repo so that the Pyodide runner, which mounts
the repo, sees it too; never commit it.) Printed: the wall-clock speed-up
(median of the per-repeat ratios ``t_old / t_new``) and the CPU-time medians.
"""
import argparse
import importlib.util
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
import cnncore  # noqa: E402

from timing import IN_PYODIDE, cpu_clock, fmt_ms, machine_info, median_times, wall_ratios  # noqa: E402


def import_old(folder):
    """``folder/cnncore`` imported as the package ``cnncore_old`` (its imports are relative)."""
    root = os.path.join(os.path.abspath(folder), "cnncore")
    spec = importlib.util.spec_from_file_location(
        "cnncore_old", os.path.join(root, "__init__.py"), submodule_search_locations=[root])
    module = importlib.util.module_from_spec(spec)
    sys.modules["cnncore_old"] = module
    spec.loader.exec_module(module)
    return module


def lenet5_step(engine, batch, seed=0):
    """One LeNet-5 training step of ``engine`` (a cnncore package) as a callable."""
    import importlib
    nn = importlib.import_module(engine.__name__ + ".nn")
    optim = importlib.import_module(engine.__name__ + ".optim")
    engine.manual_seed(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),   # (N, 6, 14, 14)
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),             # (N, 16, 5, 5)
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
        nn.Linear(84, 10))
    model[0].needs_input_grad = False
    crit, opt = nn.CrossEntropyLoss(), optim.SGD(model.parameters(), lr=0.01)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((batch, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, batch)

    def step():
        opt.zero_grad()
        crit(model(x), y)
        model.backward(crit.backward())
        opt.step()
    return step


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", required=True, help="folder holding the old engine's cnncore/")
    ap.add_argument("--batches", type=int, nargs="+", default=[64, 20])
    ap.add_argument("--repeats", type=int, default=201)
    a = ap.parse_args(argv)
    old = import_old(a.old)
    limits = None
    if not IN_PYODIDE:
        from threadpoolctl import threadpool_limits
        limits = threadpool_limits(1)
    print(f"# old engine ({a.old}) vs new (this checkout); {machine_info()}")
    print(f"# backend.matmul = {cnncore.backend.get_matmul()!r}; speed-up = t_old / t_new\n")
    print("| LeNet-5 | old wall ms | new wall ms | speed-up (wall) | old CPU ms | new CPU ms | speed-up (CPU) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for batch in a.batches:
        s_old, s_new = lenet5_step(old, batch), lenet5_step(cnncore, batch)
        speed, _, w_new, w_old = wall_ratios(s_new, s_old, repeats=a.repeats, budget=8.0)
        t = median_times({"old": s_old, "new": s_new}, repeats=11, min_sample=0.05, budget=3.0,
                         clock=cpu_clock())
        print(f"| train step b{batch} | {fmt_ms(w_old)} | {fmt_ms(w_new)} | {speed:.2f}x | "
              f"{fmt_ms(t['old'])} | {fmt_ms(t['new'])} | {t['old'] / t['new']:.2f}x |", flush=True)
    if limits is not None:
        limits.restore_original_limits()


if __name__ == "__main__":
    main()

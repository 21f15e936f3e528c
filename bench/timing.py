"""Small timing helpers shared by the benchmarks (not part of cnncore).

The machine is noisy (2 shared cores), so every number is a *median* over
several samples; each sample repeats the call enough times to last at
least ``min_sample`` seconds, so that the clock's resolution does not matter.
"""
import platform
import statistics
import sys
import time

__all__ = ["median_time", "median_times", "wall_ratios", "fmt_ms", "machine_info", "cpu_clock", "IN_PYODIDE"]

IN_PYODIDE = sys.platform == "emscripten"


def _node_cpu_seconds():
    usage = _node_process.cpuUsage()          # microseconds of user and system CPU time
    return (usage.user + usage.system) / 1e6


try:  # Under Node (bench/pyodide_run.mjs), Node's process CPU time; in a browser, none.
    from js import process as _node_process  # type: ignore[import-not-found]
    _node_process.cpuUsage()
    _NODE_CPU = True
except Exception:
    _NODE_CPU = False


def cpu_clock():
    """The clock for single-threaded work on a shared machine: CPU time, not wall time.

    CPython: ``time.process_time``. Pyodide under Node: the Node process's
    CPU time (the WebAssembly runs on one thread). Elsewhere: wall time.
    """
    if not IN_PYODIDE:
        return time.process_time
    return _node_cpu_seconds if _NODE_CPU else time.perf_counter


def median_time(fn, repeats=7, min_sample=0.05, warmup=1, budget=None):
    """Median seconds per call of ``fn()`` over ``repeats`` samples.

    ``budget`` (seconds) caps the total time: fewer samples are taken when
    one call is slow (at least 3).
    """
    for _ in range(warmup):
        fn()
    t0 = time.perf_counter()
    fn()
    one = max(time.perf_counter() - t0, 1e-7)
    inner = max(1, int(min_sample / one))
    if budget is not None:
        repeats = max(3, min(repeats, int(budget / (one * inner))))
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) / inner)
    return statistics.median(samples)


def _calibrate(fns, min_sample):
    """After a warm-up call, seconds of one call of each ``fns[name]()`` and how many calls make
    one sample of at least ``min_sample`` seconds: ``(one, inner)``, dicts by name."""
    inner, one = {}, {}
    for name, fn in fns.items():
        fn()                                   # warm-up
        t0 = time.perf_counter()
        fn()
        one[name] = max(time.perf_counter() - t0, 1e-7)
        inner[name] = max(1, int(min_sample / one[name]))
    return one, inner


def median_times(fns, repeats=7, min_sample=0.05, budget=None, clock=time.perf_counter):
    """Median seconds per call of each ``fns[name]()``, with samples interleaved.

    The samples of the contenders alternate (a, b, a, b, ...), so a burst
    of load from other processes hits all of them alike and their *ratio*
    stays meaningful even when the absolute numbers drift.

    ``clock`` is wall time by default; ``time.process_time`` (CPU time of
    this process) is steadier on a shared machine for single-threaded work,
    since time spent waiting for a core is not counted.
    """
    one, inner = _calibrate(fns, min_sample)
    if budget is not None:
        per_round = sum(one[k] * inner[k] for k in fns)
        repeats = max(3, min(repeats, int(budget * len(fns) / per_round)))
    samples = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            t0 = clock()
            for _ in range(inner[name]):
                fn()
            samples[name].append((clock() - t0) / inner[name])
    return {name: statistics.median(s) for name, s in samples.items()}


def wall_ratios(ours, theirs, repeats=201, min_sample=0.002, budget=None, alternate=True):
    """Wall-clock speed of ``ours()`` relative to ``theirs()``, as a user meets it.

    Each repeat times ``ours`` and then ``theirs`` back to back with
    ``time.perf_counter`` (wall time: waiting for a core, cache misses after
    another process ran, memory traffic, everything counts) and takes that
    repeat's ratio ``t_theirs / t_ours``. The result is the median of the
    per-repeat ratios, so a burst of load that lands on one repeat hits both
    contenders of it and is outvoted by the other repeats. A "time" is one
    call, or as many back-to-back calls as last ``min_sample`` seconds (for
    calls too short for the clock).

    ``alternate``: every other repeat times ``theirs`` first, so that going
    first or second cannot favour either.

    How noisy it is (2 shared cores, load 4-7, LeNet-5 step timed against
    itself or against PyTorch three times in a row): with one call per time
    and 201 repeats the medians agreed within +-0.03; with samples of 20 ms
    and 41 repeats they moved by +-0.1. So many short repeats, not a few long ones.

    Returns ``(median ratio, (25%, 75%) quantiles of the ratios, median
    seconds per call of ours, of theirs)``.
    """
    fns = {"ours": ours, "theirs": theirs}
    one, inner = _calibrate(fns, min_sample)
    if budget is not None:
        per_round = sum(one[k] * inner[k] for k in one)
        repeats = max(5, min(repeats, int(budget / per_round)))
    ratios, times = [], {"ours": [], "theirs": []}
    for r in range(repeats):
        order = ("theirs", "ours") if alternate and r % 2 else ("ours", "theirs")
        this = {}
        for name in order:
            fn, k = fns[name], inner[name]
            t0 = time.perf_counter()
            for _ in range(k):
                fn()
            this[name] = (time.perf_counter() - t0) / k
            times[name].append(this[name])
        ratios.append(this["theirs"] / this["ours"])
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    return (statistics.median(ratios), (q1, q3), statistics.median(times["ours"]),
            statistics.median(times["theirs"]))

def fmt_ms(seconds):
    """Seconds as milliseconds with 3 significant digits."""
    ms = seconds * 1e3
    return f"{ms:.3g}" if ms < 100 else f"{ms:.0f}"


def machine_info():
    """One line: platform, Python, NumPy (and its BLAS), date."""
    import os

    import numpy as np
    blas = "no BLAS"
    if not IN_PYODIDE:
        try:
            from threadpoolctl import threadpool_info
            libs = [f"{i['internal_api']} {i.get('version') or ''}".strip()
                    for i in threadpool_info() if i.get("user_api") == "blas"]
            blas = ", ".join(libs) or "unknown BLAS"
        except Exception:  # threadpoolctl missing
            blas = "BLAS: unknown"
    load = ""
    if hasattr(os, "getloadavg") and not IN_PYODIDE:  # Pyodide reports a fixed 0.1
        try:
            load = f", load avg {os.getloadavg()[0]:.1f}"
        except OSError:
            pass
    return (f"{platform.system() or sys.platform} {platform.machine()}, nproc={os.cpu_count()}{load}, "
            f"Python {platform.python_version()}, NumPy {np.__version__} ({blas}), "
            f"{time.strftime('%Y-%m-%d')}")

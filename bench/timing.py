"""Small timing helpers shared by the benchmarks (not part of cnncore).

The machine is noisy (2 shared cores), so every number is a *median* over
several samples; each sample repeats the call enough times to last at
least ``min_sample`` seconds, so that the clock's resolution does not matter.
"""
import platform
import statistics
import sys
import time

__all__ = ["median_time", "fmt_ms", "machine_info", "IN_PYODIDE"]

IN_PYODIDE = sys.platform == "emscripten"


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
    return (f"{platform.system() or sys.platform} {platform.machine()}, nproc={os.cpu_count()}, "
            f"Python {platform.python_version()}, NumPy {np.__version__} ({blas}), "
            f"{time.strftime('%Y-%m-%d')}")

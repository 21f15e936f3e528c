"""Benchmark the static site in headless Chromium.

    python bench/site.py [--site site] [--page draw.html] [--runs 3] [--strokes 5] [--no-train]

Build first: ``CNN_PYODIDE_NUMPY_WHEEL=... ./build.sh --offline`` (NumPy is needed for the
interactive numbers). Served on 127.0.0.1, so network time is ~0: real visitors add their
download time (see "bytes"). Each run uses a new browser profile and measures:

* bytes transferred on the first visit (every response body, the worker's included);
* time to first prerendered paint (first-contentful-paint);
* time to interactive: from navigation until the worker has rendered the live page
  (cold = new profile; warm = the same page again in that profile, HTTP cache filled);
* draw-to-prediction latency: from the browser's ``pointerup`` at the end of a stroke on
  data-testid="draw-canvas" until the text of data-testid="prediction" changes, timed inside
  the page (checked every animation frame), each stroke on a cleared canvas;
* LeNet-5 training speed in the browser: the Train page (``train.html?model=lenet5``, batch
  32, 4,000 digits, 20 epochs) is started with its Start button and measured over
  ``--train-seconds`` while it runs; reported as the view's own "examples/s" (the trainer's
  step time) and as optimizer steps x 32 / wall time (data-testid="train-step", its
  data-steps), which includes the page updates between steps.
Medians over the runs are printed with the machine's load average (the numbers move with it).
Targets: interactive within 10 s cold and 5 s warm; prediction within 150 ms.
"""
import argparse
import functools
import http.server
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "site"))
from conftest import CHROMIUM_ARGS  # noqa: E402

STAGE = "document.documentElement.getAttribute('data-site-stage')"

# In the page: the text of the first element with data-testid=ID, looking into shadow roots.
DEEP_TEXT = """
window.cnnDeepText = function (id) {
  const stack = [document];
  while (stack.length) {
    const root = stack.pop();
    const hit = root.querySelector('[data-testid="' + id + '"]');
    if (hit) return hit.textContent;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) stack.push(el.shadowRoot);
  }
  return null;
};
"""
# Resolves with ms from the next pointerup to the first frame where the prediction differs.
ARM_LATENCY = """
() => {
  const before = window.cnnDeepText('prediction');
  window.cnnLatency = new Promise((resolve) => {
    window.addEventListener('pointerup', () => {
      const t0 = performance.now();
      const check = () => {
        const now = window.cnnDeepText('prediction');
        if (now !== before && now !== null) resolve(performance.now() - t0);
        else if (performance.now() - t0 > 30000) resolve(null);
        else requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    }, {capture: true, once: true});
  });
}
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def visit(context, url):
    page = context.new_page()
    outside = []
    page.on("request", lambda r: urlsplit(r.url).hostname not in ("127.0.0.1", None) and outside.append(r.url))
    page.add_init_script(DEEP_TEXT)
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(f"['ready', 'error'].includes({STAGE})", timeout=300_000, polling=50)
    interactive = time.perf_counter() - t0
    fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null")
    if page.evaluate(STAGE) == "error":
        raise SystemExit("the page shows an error: " + page.get_by_test_id("site-error").inner_text())
    if outside:
        raise SystemExit(f"requests left 127.0.0.1: {outside}")
    return page, interactive, fcp


def _stroke(page, box, k):
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    shapes = [  # a 1, a 7, an L, a slanted 1, a 4-ish: each changes the drawing a lot
        [(0.5, 0.2), (0.5, 0.8)], [(0.25, 0.25), (0.75, 0.25), (0.4, 0.8)],
        [(0.3, 0.2), (0.3, 0.8), (0.7, 0.8)], [(0.6, 0.2), (0.4, 0.8)],
        [(0.3, 0.2), (0.3, 0.55), (0.75, 0.55)],
    ]
    points = shapes[k % len(shapes)]
    page.mouse.move(x + points[0][0] * w, y + points[0][1] * h)
    page.mouse.down()
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        for i in range(1, 11):
            page.mouse.move(x + (x0 + (x1 - x0) * i / 10) * w, y + (y0 + (y1 - y0) * i / 10) * h)
    page.mouse.up()


def draw_latencies(page, strokes):
    """ms from pointerup to a changed prediction, for ``strokes`` strokes (each on a cleared canvas)."""
    canvas = page.get_by_test_id("draw-canvas")
    if not canvas.count():
        return []
    canvas.wait_for()
    out = []
    for k in range(strokes):
        if k:   # clear (Delete on the focused canvas), then wait for the blank prediction
            canvas.focus()
            page.keyboard.press("Delete")
            page.wait_for_function("window.cnnDeepText('prediction') === ''", timeout=30_000)
            page.wait_for_timeout(300)
        page.evaluate(ARM_LATENCY)
        _stroke(page, canvas.bounding_box(), k)
        ms = page.evaluate("window.cnnLatency")
        if ms is not None:
            out.append(ms)
        page.wait_for_timeout(300)
    return out


def train_speed(context, base, seconds):
    """(examples/s shown by the view, steps x batch / wall s) for LeNet-5 in the Train page."""
    # 4,000 digits x 20 epochs: the run lasts far longer than the measurement
    page, _, _ = visit(context, f"{base}/train.html?model=lenet5&pretrained=false&batch_size=32"
                                "&subset=4000&epochs=20&lang=en")
    start = page.get_by_role("button", name=re.compile("Start"))
    start.wait_for(timeout=60_000)
    step = page.get_by_test_id("train-step")

    def steps():
        return int(step.get_attribute("data-steps") or 0) if step.count() else 0

    start.click()
    page.wait_for_function("window.cnnDeepText('train-status') !== null", timeout=60_000)
    page.wait_for_timeout(2000)          # past the first steps (first-call costs)
    s0, t0 = steps(), time.perf_counter()
    page.wait_for_timeout(seconds * 1000)
    s1, t1 = steps(), time.perf_counter()
    shown = step.evaluate("el => el.parentElement.innerText")
    status = page.get_by_test_id("train-status").get_attribute("data-status")
    if status != "running":
        raise SystemExit(f"the training run stopped during the measurement ({status}): {shown}")
    page.close()
    match = re.search(r"([\d,]+) examples/s", shown)
    return (float(match.group(1).replace(",", "")) if match else None), (s1 - s0) * 32 / (t1 - t0)


def one_run(chromium, base, page_name, strokes):
    sizes = {}
    with tempfile.TemporaryDirectory() as profile:
        context = chromium.launch_persistent_context(
            profile, executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 950})

        def record(response):
            try:
                sizes[response.url] = len(response.body()) if response.ok else 0
            except Exception:  # the page closed before the body was read
                pass
        context.on("response", record)
        page, cold, fcp = visit(context, f"{base}/{page_name}")
        first_bytes = sum(sizes.values())
        latencies = draw_latencies(page, strokes)
        page.close()
        page, warm, _ = visit(context, f"{base}/{page_name}")
        latencies += draw_latencies(page, strokes)
        page.close()
        context.close()
    return {"cold": cold, "warm": warm, "fcp": fcp, "bytes": first_bytes, "latencies": latencies}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--page", default="draw.html")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--strokes", type=int, default=5, help="strokes per visit (cold and warm)")
    parser.add_argument("--no-train", action="store_true", help="skip the training-speed measurement")
    parser.add_argument("--train-seconds", type=int, default=10)
    parser.add_argument("--json", help="also write the raw numbers to this file")
    args = parser.parse_args()
    site = Path(args.site)
    if not (site / args.page).exists():
        raise SystemExit(f"{site / args.page} not found: build the site first (./build.sh --offline)")
    from playwright.sync_api import sync_playwright
    server, base = serve(site)
    load_before = os.getloadavg()
    runs, train = [], None
    with sync_playwright() as pw:
        chromium = pw.chromium
        for i in range(args.runs):
            runs.append(one_run(chromium, base, args.page, args.strokes))
            r = runs[-1]
            print(f"run {i + 1}: cold {r['cold']:.1f} s, warm {r['warm']:.1f} s, "
                  f"strokes {', '.join(f'{x:.0f}' for x in r['latencies'])} ms", flush=True)
        if not args.no_train and (site / "train.html").exists():
            with tempfile.TemporaryDirectory() as profile:
                context = chromium.launch_persistent_context(
                    profile, executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS, headless=True,
                    viewport={"width": 1400, "height": 950})
                train = train_speed(context, base, args.train_seconds)
                context.close()
    server.shutdown()
    load_after = os.getloadavg()
    med = statistics.median
    lat = sorted(x for r in runs for x in r["latencies"])
    fcps = [r["fcp"] for r in runs if r["fcp"]]
    print(f"page                         {args.page}  ({args.runs} runs; load average "
          f"{load_before[0]:.1f} before, {load_after[0]:.1f} after; {os.cpu_count()} CPUs)")
    print(f"bytes, first visit           {med(r['bytes'] for r in runs) / 1e6:.1f} MB")
    print(f"first prerendered paint      {med(fcps) / 1000:.2f} s" if fcps else "first prerendered paint      n/a")
    print(f"time to interactive          median {med(r['cold'] for r in runs):.1f} s cold (target 10), "
          f"{med(r['warm'] for r in runs):.1f} s warm (target 5)")
    if lat:
        print(f"draw -> prediction           median {med(lat):.0f} ms, 90% {lat[int(0.9 * (len(lat) - 1))]:.0f} ms, "
              f"max {lat[-1]:.0f} ms over {len(lat)} strokes (target 150)")
    else:
        print("draw -> prediction           n/a (no draw-canvas on this page)")
    if train:
        shown, measured = train
        print(f"training (LeNet-5, batch 32) {shown and f'{shown:,.0f}'} examples/s shown by the view, "
              f"{measured:,.0f} examples/s measured (steps x 32 / wall time)")
    else:
        print("training (LeNet-5)           n/a")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": runs, "train": train, "load": [load_before, load_after]}, indent=1))


if __name__ == "__main__":
    main()

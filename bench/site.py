"""Benchmark the offline static site in headless Chromium.

    python bench/site.py [--site site] [--page draw.html] [--runs 2]

Build first: ``CNN_PYODIDE_NUMPY_WHEEL=... ./build.sh --offline`` (NumPy is needed for the
interactive numbers). Measures, on 127.0.0.1 (so network time is ~0: real visitors add
their download time, see "bytes"):

* bytes transferred on the first visit (every response body, the worker's included);
* time to first prerendered paint (first-contentful-paint);
* time to interactive: until the worker has rendered the live page (cold cache = a new
  browser profile; warm = a reload in the same profile, HTTP cache filled);
* draw-to-prediction latency: from the end of a stroke on data-testid="draw-canvas" until
  data-testid="prediction" changes;
* LeNet-5 training examples/s, if a Train page exists and exposes data-testid="train-rate"
  (reported as found, else "n/a").
Targets: interactive within 10 s cold and 5 s warm; prediction within 150 ms.
"""
import argparse
import functools
import http.server
import shutil
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


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def visit(context, url, sizes):
    page = context.new_page()
    outside = []
    page.on("request", lambda r: urlsplit(r.url).hostname not in ("127.0.0.1", None) and outside.append(r.url))
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(f"['ready', 'error'].includes({STAGE})", timeout=300_000, polling=50)
    interactive = time.perf_counter() - t0
    fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || null")
    stage = page.evaluate(STAGE)
    if stage == "error":
        raise SystemExit("the page shows an error: " + page.get_by_test_id("site-error").inner_text())
    if outside:
        raise SystemExit(f"requests left 127.0.0.1: {outside}")
    return page, interactive, fcp


def draw_latency(page):
    """ms from the end of one stroke on a blank canvas until the prediction text changes."""
    from playwright.sync_api import expect
    canvas = page.get_by_test_id("draw-canvas")
    if not canvas.count():
        return []
    prediction = page.get_by_test_id("prediction")
    before = prediction.inner_text() if prediction.count() else ""
    box = canvas.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + 0.5 * w, y + 0.2 * h)
    page.mouse.down()
    for i in range(1, 16):
        page.mouse.move(x + 0.5 * w, y + (0.2 + 0.6 * i / 15) * h)
    t0 = time.perf_counter()
    page.mouse.up()
    expect(prediction).not_to_have_text(before, timeout=30_000)  # polls; adds up to ~30 ms
    return [(time.perf_counter() - t0) * 1000]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", default=str(ROOT / "site"))
    parser.add_argument("--page", default="draw.html")
    args = parser.parse_args()
    site = Path(args.site)
    if not (site / args.page).exists():
        raise SystemExit(f"{site / args.page} not found: build the site first (./build.sh --offline)")
    from playwright.sync_api import sync_playwright
    server, base = serve(site)
    sizes = {}
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 1400, "height": 950})
        def record(response):
            try:
                sizes[response.url] = len(response.body()) if response.ok else 0
            except Exception:  # the page closed before the body was read
                pass
        context.on("response", record)
        page, cold, fcp = visit(context, f"{base}/{args.page}", sizes)
        first_bytes = sum(sizes.values())
        latencies = draw_latency(page)
        page.close()
        sizes.clear()
        page, warm, warm_fcp = visit(context, f"{base}/{args.page}", sizes)
        latencies += draw_latency(page)
        rate = page.get_by_test_id("train-rate").inner_text() if page.get_by_test_id("train-rate").count() else "n/a"
        context.close()
    server.shutdown()
    print(f"page                         {args.page}")
    print(f"bytes, first visit           {first_bytes / 1e6:.1f} MB")
    print(f"first prerendered paint      {fcp and fcp / 1000:.2f} s (cold), {warm_fcp and warm_fcp / 1000:.2f} s (warm)")
    print(f"time to interactive          {cold:.1f} s cold (target 10), {warm:.1f} s warm (target 5)")
    if latencies:
        lat = sorted(latencies)
        print(f"draw -> prediction           median {lat[len(lat) // 2]:.0f} ms, max {lat[-1]:.0f} ms "
              f"over {len(lat)} strokes, cold + warm page (target 150)")
    else:
        print("draw -> prediction           n/a (no draw-canvas on this page)")
    print(f"training (LeNet-5)           {rate}")


if __name__ == "__main__":
    main()

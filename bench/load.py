"""Many students on one ``panel serve``: memory, stroke-to-prediction time and errors under load.

    python bench/load.py [--levels 5 10 20] [--trainers 3] [--strokes 4]

Starts ``panel serve app/pages/*.py --index playground`` on 127.0.0.1 (a free port) and drives
one headless Chromium (Debian's ``chromium``, Playwright's async API) with one browser context
per student. At each load level, ``--trainers`` students train LeNet-5 on /train (4,000 digits,
batch 32: the run lasts longer than the level) while N students draw on /draw, each
``--strokes`` strokes on a cleared canvas, all at once. Then every context closes and the
benchmark waits until the server has discarded the sessions (``--unused-session-lifetime``).

Measured:

* stroke -> prediction: in the browser, from the ``pointerup`` that ends a stroke to the first
  animation frame where the text of data-testid="prediction" differs (as ``bench/site.py``);
* page ready: from ``goto`` until the canvas (or the Start button) is visible;
* training: examples/s of each training session while the level ran (its optimizer steps);
* the server's memory: the RSS of the ``panel serve`` process (``/proc/<pid>/status``), before
  the level, its peak during, and after its sessions were discarded; and what it still holds
  then (Bokeh documents, the sessions' model registries and views: ``bench/load_probe.py``,
  loaded with ``--setup``, counts them on request);
* errors: uncaught JavaScript errors and console errors, websockets that closed before the
  benchmark closed the page, and tracebacks in the server's log.

The whole run is bounded (every wait has a timeout) and stops the server by itself; on 2
shared cores levels 5 and 10 take 3.5 minutes, level 20 alone 4.5 (``--levels 5 10`` for
less). Only 127.0.0.1 is used.
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.i18n import t  # noqa: E402
from app.views.train import strings  # noqa: E402,F401  (registers the texts)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]
TRAIN_QUERY = "model=lenet5&pretrained=false&batch_size=32&subset=4000&epochs=20&lang=en"
BATCH = 32
CLOSED = re.compile(r"StreamClosedError|WebSocketClosedError")   # a message to a page that just closed

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
SHAPES = [  # a 1, a 7, an L, a slanted 1: each a clear digit on a blank canvas
    [(0.5, 0.2), (0.5, 0.8)], [(0.25, 0.25), (0.75, 0.25), (0.4, 0.8)],
    [(0.3, 0.2), (0.3, 0.8), (0.7, 0.8)], [(0.6, 0.2), (0.4, 0.8)],
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    """Resident memory of process ``pid`` in MB (VmRSS of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values, q):
    """The q-th percentile (nearest rank) of ``values``, None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


class Server:
    """``panel serve app/pages/*.py --index playground`` on 127.0.0.1, with its log in a file."""

    def __init__(self, lifetime_ms, check_ms, log_dir):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = Path(log_dir) / f"panel-load-{self.port}.log"
        self.probe = Path(log_dir) / f"held-{self.port}.json"
        pages = [str(p) for p in sorted((ROOT / "app" / "pages").glob("*.py"))]
        env = dict(os.environ, CNN_LOAD_PROBE=str(self.probe), PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in [os.environ.get("PYTHONPATH")] if p]))
        self._log_file = open(self.log, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "panel", "serve", *pages, "--index", "playground",
             "--address", "127.0.0.1", "--port", str(self.port),
             "--allow-websocket-origin", f"127.0.0.1:{self.port}", "--liveness",
             "--setup", str(ROOT / "bench" / "load_probe.py"),
             "--unused-session-lifetime", str(lifetime_ms), "--check-unused-sessions", str(check_ms)],
            cwd=ROOT, env=env, stdout=self._log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("panel serve exited:\n" + self.log.read_text(errors="replace")[-3000:])
            try:
                with urllib.request.urlopen(f"{self.base}/liveness", timeout=5):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit("panel serve did not start within 90 s")

    def rss(self):
        return rss_mb(self.proc.pid)

    def held(self, timeout=30):
        """Live documents, model registries and app views in the server (``bench/load_probe.py``)."""
        request = self.probe.with_name(self.probe.name + ".request")
        self.probe.unlink(missing_ok=True)
        request.touch()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.probe.exists():
            time.sleep(0.3)
        time.sleep(0.2)
        return json.loads(self.probe.read_text()) if self.probe.exists() else None

    def exceptions(self):
        """The last line of every traceback in the server log, e.g. ``TypeError: ...``."""
        found = []
        for block in self.log.read_text(errors="replace").split("Traceback (most recent call last):")[1:]:
            lines = [line for line in block.splitlines() if line and not line.startswith((" ", "During handling"))]
            found.append(lines[0] if lines else "?")
        return found

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


class Student:
    """One browser context on one page, with the errors it saw."""

    def __init__(self, browser):
        self.browser = browser
        self.js_errors, self.console_errors, self.ws_closed = [], [], 0
        self.closing = False

    async def open(self, url, ready):
        self.context = await self.browser.new_context(locale="en-US", viewport={"width": 1400, "height": 950})
        self.context.set_default_timeout(120_000)
        self.page = page = await self.context.new_page()
        page.on("pageerror", lambda e: self.js_errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{m.text} ({m.location.get('url', '')})"))
        page.on("requestfailed", lambda r: self.console_errors.append(
            f"request failed: {r.url} {r.failure} (from {url.split('?')[0].rsplit('/', 1)[-1]})"))
        page.on("websocket", lambda ws: ws.on("close", self._ws_closed))
        await page.add_init_script(DEEP_TEXT)
        t0 = time.perf_counter()
        await page.goto(url)
        await ready(page).wait_for(state="visible")
        self.ready_s = time.perf_counter() - t0

    def _ws_closed(self, *_):
        if not self.closing:
            self.ws_closed += 1

    async def close(self):
        self.closing = True
        await self.context.close()


async def stroke(page, box, shape):
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    await page.mouse.move(x + shape[0][0] * w, y + shape[0][1] * h)
    await page.mouse.down()
    for (x0, y0), (x1, y1) in zip(shape, shape[1:]):
        for i in range(1, 11):
            await page.mouse.move(x + (x0 + (x1 - x0) * i / 10) * w, y + (y0 + (y1 - y0) * i / 10) * h)
    await page.mouse.up()


async def draw_session(student, base, strokes):
    """Open /draw, then ``strokes`` strokes on a cleared canvas; returns ms per answered stroke."""
    await student.open(f"{base}/draw?lang=en", lambda p: p.get_by_test_id("draw-canvas"))
    page = student.page
    canvas = page.get_by_test_id("draw-canvas")
    latencies, lost = [], 0
    for k in range(strokes):
        if k:   # clear (Delete on the focused canvas) and wait for the blank prediction
            await canvas.focus()
            await page.keyboard.press("Delete")
            await page.wait_for_function("window.cnnDeepText('prediction') === ''", timeout=60_000)
        await page.evaluate(ARM_LATENCY)
        await stroke(page, await canvas.bounding_box(), SHAPES[k % len(SHAPES)])
        ms = await page.evaluate("window.cnnLatency")
        if ms is None:
            lost += 1
        else:
            latencies.append(ms)
        await page.wait_for_timeout(200)
    return latencies, lost


async def start_training(student, base):
    start = lambda p: p.get_by_role("button", name=t("train_start", "en"), exact=True)  # noqa: E731
    await student.open(f"{base}/train?{TRAIN_QUERY}", start)
    await start(student.page).click()
    status = student.page.get_by_test_id("train-status")
    await status.and_(student.page.locator("[data-status=running]")).wait_for()


async def steps(student):
    value = await student.page.get_by_test_id("train-step").get_attribute("data-steps")
    return int(value or 0)


async def sample_memory(server, out, stop):
    while not stop.is_set():
        out.append(server.rss())
        await asyncio.sleep(0.25)


async def wait_discarded(server, timeout):
    """Seconds until the server holds no session's state or view (None if they outlive
    ``timeout``): the sessions were discarded and their objects collected."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        held = await asyncio.to_thread(server.held)
        if held and held["registries"] == 0 and held["views"] == 0:
            return time.perf_counter() - t0
        await asyncio.sleep(1)
    print(f"   still held {timeout:.0f} s after the pages closed: {held}", flush=True)
    return None


async def run_level(browser, server, drawers, trainers, strokes, discard_timeout):
    before = server.rss()
    samples, stop = [], asyncio.Event()
    sampler = asyncio.create_task(sample_memory(server, samples, stop))
    t0 = time.perf_counter()
    training = [Student(browser) for _ in range(trainers)]
    drawing = [Student(browser) for _ in range(drawers)]
    await asyncio.gather(*(start_training(s, server.base) for s in training))
    steps0, train_t0 = [await steps(s) for s in training], time.perf_counter()
    results = await asyncio.gather(*(draw_session(s, server.base, strokes) for s in drawing),
                                   return_exceptions=True)
    steps1, train_t1 = [await steps(s) for s in training], time.perf_counter()
    students = training + drawing
    await asyncio.gather(*(s.close() for s in students))
    elapsed = time.perf_counter() - t0
    discarded = await wait_discarded(server, discard_timeout)
    stop.set()
    await sampler
    await asyncio.sleep(1)
    failed = [r for r in results if isinstance(r, BaseException)]
    latencies = [ms for r in results if not isinstance(r, BaseException) for ms in r[0]]
    return dict(
        drawers=drawers, trainers=trainers, seconds=elapsed, discarded_s=discarded,
        ready=[s.ready_s for s in drawing if hasattr(s, "ready_s")], latencies=latencies,
        lost=sum(r[1] for r in results if not isinstance(r, BaseException)),
        failed=[f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}" for e in failed],
        train_rates=[(b - a) * BATCH / (train_t1 - train_t0) for a, b in zip(steps0, steps1)],
        rss_before=before, rss_peak=max(samples + [before]), rss_after=server.rss(),
        js_errors=sum(len(s.js_errors) for s in students), console_errors=sum(len(s.console_errors) for s in students),
        ws_closed=sum(s.ws_closed for s in students),
        error_texts=sorted({e[:160] for s in students for e in s.js_errors + s.console_errors}),
    )


async def warm_up(browser, server):
    """One /draw and one /train session, opened and closed: the pages' imports and first-use
    costs land before the first level, so "before" is the steady state of an idle server."""
    draw, train = Student(browser), Student(browser)
    await asyncio.gather(draw_session(draw, server.base, 1), start_training(train, server.base))
    await asyncio.gather(draw.close(), train.close())
    await wait_discarded(server, 60)


def fmt(value, spec, none="n/a"):
    return none if value is None else format(value, spec)


def table(rows, cold, warm, end):
    lines = [f"server RSS: {cold:.0f} MB started, {warm:.0f} MB after a warm-up session, {end:.0f} MB at the end",
             "",
             "| students (draw + train) | page ready p50 / p95 | stroke -> prediction p50 / p95 | strokes | "
             "training, each | server RSS before / peak / after | held after | errors: JS, console, ws closed, server |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        rates, held = r["train_rates"], r["held"] or {}
        gone = (f"{held.get('registries', '?')} sessions, {held.get('views', '?')} views, "
                f"{held.get('documents', '?')} documents" + (" (timed out)" if r["discarded_s"] is None else ""))
        lines.append(
            f"| {r['drawers']} + {r['trainers']} | {fmt(percentile(r['ready'], 50), '.1f')} / {fmt(percentile(r['ready'], 95), '.1f')} s"
            f" | {fmt(percentile(r['latencies'], 50), '.0f')} / {fmt(percentile(r['latencies'], 95), '.0f')} ms"
            f" | {len(r['latencies'])}" + (f" ({r['lost']} lost)" if r["lost"] else "")
            + (f" ({len(r['failed'])} sessions failed)" if r["failed"] else "")
            + f" | {fmt(statistics.median(rates) if rates else None, ',.0f')} ex/s"
            f" | {r['rss_before']:.0f} / {r['rss_peak']:.0f} / {r['rss_after']:.0f} MB | {gone}"
            f" | {r['js_errors']}, {r['console_errors']}, {r['ws_closed']}, {len(r['server_errors'])}"
            f" (+{r['server_closed']} sends to a closed page) |")
    return "\n".join(lines)


async def main_async(args):
    from playwright.async_api import async_playwright
    log_dir = Path(args.log_dir or tempfile.mkdtemp(prefix="cnn-load-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    server = Server(args.lifetime_ms, args.check_ms, log_dir)
    rows = []
    try:
        cold = server.rss()
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS,
                                               headless=True)
            await warm_up(browser, server)
            warm, held = server.rss(), await asyncio.to_thread(server.held)
            print(f"server up on {server.base}: {cold:.0f} MB, {warm:.0f} MB after the warm-up; held {held}",
                  flush=True)
            for level in args.levels:
                seen = len(server.exceptions())
                row = await run_level(browser, server, level, args.trainers, args.strokes, args.discard_timeout)
                new = server.exceptions()[seen:]
                row["server_errors"] = [e for e in new if not CLOSED.search(e)]
                row["server_closed"] = len(new) - len(row["server_errors"])
                row["held"] = await asyncio.to_thread(server.held)
                rows.append(row)
                print(f"{level} drawing + {args.trainers} training: {row['seconds']:.0f} s, "
                      f"{len(row['latencies'])} strokes, RSS {row['rss_before']:.0f} -> {row['rss_peak']:.0f} "
                      f"-> {row['rss_after']:.0f} MB, held after: {row['held']}"
                      + (f"; failed: {row['failed']}" if row["failed"] else ""), flush=True)
                for text in row["error_texts"] + sorted(set(row["server_errors"])):
                    print("   error:", text)
                print(table([row], cold, warm, server.rss()).splitlines()[-1], flush=True)
            await browser.close()
        end = server.rss()
    finally:
        server.stop()
    load_after = os.getloadavg()
    print()
    print(f"{os.cpu_count()} CPUs, load average {load_before[0]:.1f} before and {load_after[0]:.1f} after; "
          f"sessions discarded {args.lifetime_ms} ms after their page closed (checked every {args.check_ms} ms); "
          f"server log {server.log}")
    print(table(rows, cold, warm, end))
    if args.json:
        Path(args.json).write_text(json.dumps(dict(rows=rows, cold=cold, warm=warm, end=end,
                                                   load=[load_before, load_after]), indent=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[5, 10, 20], help="students drawing, per level")
    parser.add_argument("--trainers", type=int, default=3, help="students training during every level")
    parser.add_argument("--strokes", type=int, default=4, help="strokes per drawing student")
    parser.add_argument("--lifetime-ms", type=int, default=3000, help="panel serve --unused-session-lifetime")
    parser.add_argument("--check-ms", type=int, default=1000, help="panel serve --check-unused-sessions")
    parser.add_argument("--discard-timeout", type=float, default=45, help="seconds to wait for sessions to go")
    parser.add_argument("--log-dir", help="where the server log goes (default: a new temporary folder)")
    parser.add_argument("--json", help="also write the raw numbers to this file")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()

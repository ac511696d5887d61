"""The dashboards in Chromium: cold start and live update, against a bare Voila notebook.

    .venv/bin/python -m benchmarks.bench_dashboard [--starts K] [--changes N]

Cold start: from starting the Voila server (as ``tenfold dashboard`` does, with the shared
settings) to the radar drawn in the browser, as a ratio to a bare Voila notebook holding one
slider and one offline Altair chart, served the same way in the same run (runs alternate).
Opening the page again on a warm server (a preheated kernel) is reported the same way.

Live update: a click on a target level in the assessment dashboard until the radar shows the
new target point, timed inside the page (``performance.now()`` from the click to the redrawn
SVG), over N changes; median and 95th percentile. Each change is saved to the engagement file
(locked, atomic, fsynced) before the radar is redrawn.

Needs Debian's chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat

from toolkit import load_framework
from toolkit.dashboard.serve import dashboard_path, free_port, voila_command, voila_env

ROOT = Path(__file__).resolve().parents[1]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL = (
    "http://127.0.0.1",
    "http://localhost",
    "ws://127.0.0.1",
    "ws://localhost",
    "data:",
    "blob:",
)
CHART = ".vega-embed svg"

BARE = """\
import altair as alt
import ipywidgets as widgets
import pandas as pd
from IPython.display import display

alt.JupyterChart.enable_offline()
data = pd.DataFrame({"factor": list("abcdefghij"), "score": [1, 2, 3, 2, 1, 0, 4, 3, 2, 1]})
chart = alt.JupyterChart(alt.Chart(data).mark_point().encode(x="score:Q", y="factor:N"))
_ = display(widgets.VBox([widgets.IntSlider(description="Level", max=4), chart]))
"""

CLICK_AND_WAIT = """
async ([label, level]) => {
  const drawn = () => Array.from(document.querySelectorAll('.vega-embed svg [aria-label]'))
    .some(e => {
      const a = e.getAttribute('aria-label');
      return a.includes('series: Target; Factor: ' + label + ';')
        && a.includes('Level: ' + level + ';');
    });
  const button = Array.from(document.querySelectorAll('.widget-toggle-buttons button'))
    .find(b => b.textContent.trim() === String(level));
  const t0 = performance.now();
  button.click();
  return await new Promise((resolve, reject) => {
    const check = () => drawn() ? resolve(performance.now() - t0) : requestAnimationFrame(check);
    requestAnimationFrame(check);
    setTimeout(() => reject(new Error('the radar was not redrawn within 15 s')), 15000);
  });
}
"""


#: A level click in the finding form, then wait until the radar shows the preview at ``score``.
PREVIEW_AND_WAIT = """
async ([label, level, score]) => {
  const drawn = () => Array.from(document.querySelectorAll('.vega-embed svg [aria-label]'))
    .some(e => {
      const a = e.getAttribute('aria-label');
      return a.includes('series: Preview; Factor: ' + label + ';')
        && a.includes('Score: ' + score + ';');
    });
  const button = Array.from(document.querySelectorAll('.widget-toggle-buttons button'))
    .find(b => b.textContent.trim().startsWith(level + ' '));
  const t0 = performance.now();
  button.click();
  return await new Promise((resolve, reject) => {
    const check = () => drawn() ? resolve(performance.now() - t0) : requestAnimationFrame(check);
    requestAnimationFrame(check);
    setTimeout(() => reject(new Error('the preview was not drawn within 15 s')), 15000);
  });
}
"""
#: Sponsorship in the sample: raters' means 1 (the lead), 0.5 and 1.5. A lead's finding at level
#: 0, 1, 2 or 3 moves the median to these scores (as the tooltip prints them).
PREVIEW_SCORES = {0: "0.67", 1: "1", 2: "1.33", 3: "1.5"}


class Server:
    """A Voila server started as ``tenfold dashboard`` starts it."""

    def __init__(self, notebook: Path, folder: Path) -> None:
        import subprocess

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            voila_command(notebook, port=self.port),
            env=voila_env(folder),
            cwd=notebook.parent,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def wait_until_up(self, timeout: float = 60) -> None:
        import socket

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("Voila did not start")

    def stop(self) -> None:
        import os
        import signal

        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except ProcessLookupError:
            pass


def _context(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    return context


def _open(context: Any, url: str) -> tuple[Any, float]:
    """Open ``url`` and wait for the chart; returns the page and the seconds it took."""
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url, timeout=120_000)
    page.wait_for_selector(CHART, timeout=120_000)
    return page, time.perf_counter() - t0


def cold_and_warm(browser: Any, notebook: Path, folder: Path) -> tuple[float, float]:
    """Seconds from server start to chart drawn, and for opening the page again when warm."""
    server = Server(notebook, folder)
    try:
        server.wait_until_up()
        context = _context(browser)
        page, _ = _open(context, server.url)
        cold = time.perf_counter() - server.started
        page.close()
        time.sleep(3)  # let the pool refill its preheated kernel, as between two visitors
        page, warm = _open(context, server.url)
        context.close()
        return cold, warm
    finally:
        server.stop()


def live_updates(browser: Any, folder: Path, changes: int) -> list[float]:
    """Milliseconds from a target click to the radar redrawn, for ``changes`` clicks."""
    server = Server(dashboard_path("assessment"), folder)
    try:
        server.wait_until_up()
        context = _context(browser)
        page, _ = _open(context, server.url)
        label = load_framework().factor("sponsorship").label  # the factor selected on opening
        times = []
        for i in range(changes + 2):
            level = 1 + i % 4  # 1, 2, 3, 4, 1, ... (never the current target twice)
            ms = page.evaluate(CLICK_AND_WAIT, [label, level])
            if i >= 2:  # the first two warm up the browser's and the kernel's code paths
                times.append(float(ms))
        context.close()
        return times
    finally:
        server.stop()


def preview_updates(browser: Any, folder: Path, changes: int) -> list[float]:
    """Milliseconds from a level click in the form to the radar's preview drawn."""
    server = Server(dashboard_path("assessment"), folder)
    try:
        server.wait_until_up()
        context = _context(browser)
        page, _ = _open(context, server.url)
        label = load_framework().factor("sponsorship").label
        times = []
        for i in range(changes + 2):
            level = i % 4  # 0, 1, 2, 3, 0, ...: each click moves the preview
            ms = page.evaluate(PREVIEW_AND_WAIT, [label, level, PREVIEW_SCORES[level]])
            if i >= 2:
                times.append(float(ms))
        context.close()
        return times
    finally:
        server.stop()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the figures, print them, and return them as a dict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="cold starts of each notebook")
    parser.add_argument("--changes", type=int, default=50, help="live updates timed")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "engagements"
        folder.mkdir()
        shutil.copy(ROOT / "engagements" / "harbourline-2026-11.json", folder)
        bare = Path(tmp) / "bare.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(BARE)]
        nbformat.write(nb, bare)
        results: dict[str, Any] = {}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            runs: dict[str, list[tuple[float, float]]] = {
                "bare": [],
                "assessment": [],
                "viewer": [],
            }
            for _ in range(args.starts):
                runs["bare"].append(cold_and_warm(browser, bare, folder))
                runs["assessment"].append(
                    cold_and_warm(browser, dashboard_path("assessment"), folder)
                )
                runs["viewer"].append(cold_and_warm(browser, dashboard_path("viewer"), folder))
            live = live_updates(browser, folder, args.changes)
            preview = preview_updates(browser, folder, args.changes)
            browser.close()
    results["live_median_ms"] = statistics.median(live)
    results["live_p95_ms"] = percentile(live, 0.95)
    results["live_n"] = len(live)
    results["preview_median_ms"] = statistics.median(preview)
    results["preview_p95_ms"] = percentile(preview, 0.95)
    if args.starts:
        report_starts(runs, results, args.starts)
    print(f"live update, target click to radar redrawn ({len(live)} changes):")
    print(
        f"  median {results['live_median_ms']:.0f} ms, "
        f"95th percentile {results['live_p95_ms']:.0f} ms"
    )
    print(f"preview, level click in the form to the preview drawn ({len(preview)} changes):")
    print(
        f"  median {results['preview_median_ms']:.0f} ms, "
        f"95th percentile {results['preview_p95_ms']:.0f} ms"
    )
    return results


def report_starts(
    runs: dict[str, list[tuple[float, float]]], results: dict[str, Any], starts: int
) -> None:
    """Add the cold and warm start figures to ``results`` and print them."""
    for name, pairs in runs.items():
        results[f"{name}_cold_s"] = statistics.median(c for c, _w in pairs)
        results[f"{name}_warm_s"] = statistics.median(w for _c, w in pairs)
    for name in ("assessment", "viewer"):
        results[f"{name}_cold_ratio"] = results[f"{name}_cold_s"] / results["bare_cold_s"]
        results[f"{name}_warm_ratio"] = results[f"{name}_warm_s"] / results["bare_warm_s"]
    print(f"cold start, server start to chart drawn (median of {starts}):")
    print(f"  bare notebook      {results['bare_cold_s']:6.2f} s")
    for name in ("assessment", "viewer"):
        print(
            f"  {name:<18} {results[f'{name}_cold_s']:6.2f} s   "
            f"ratio {results[f'{name}_cold_ratio']:.2f}"
        )
    print("page opened again on a warm server (preheated kernel):")
    print(f"  bare notebook      {results['bare_warm_s']:6.2f} s")
    for name in ("assessment", "viewer"):
        print(
            f"  {name:<18} {results[f'{name}_warm_s']:6.2f} s   "
            f"ratio {results[f'{name}_warm_ratio']:.2f}"
        )


if __name__ == "__main__":
    main()

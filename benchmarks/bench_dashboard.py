"""The dashboards in Chromium: cold start, and a finding saved live at 45, 500 and 2,000 findings.

    .venv/bin/python -m benchmarks.bench_dashboard [--starts K] [--changes N] [--sizes 45,500,2000]

``--changes 0`` times the page openings only; ``--starts 0`` the saves only.

Cold start: from starting the Voila server (as ``tenfold dashboard`` does, with the shared
settings) to the radar drawn in the browser, as a ratio to a bare Voila notebook holding one
slider and one offline Altair chart, served the same way in the same run (runs alternate).
Opening the page again on a warm server (a preheated kernel) is reported the same way, and the
assessment page at each engagement size as the median of ``--starts`` openings; each such
opening starts once the server has a pre-started kernel that has run its notebook
(:func:`wait_for_pool`), as for a visitor who comes a little after the last.

A finding saved live: in the assessment dashboard, as a consultant does it: Esc, a level key,
the evidence typed, Ctrl+Enter. Timed inside the page (``performance.now()``) from the
Ctrl+Enter to the radar redrawn with the new score, after the page was told the finding is
saved to the file (locked, atomic, fsynced). At 45 (the sample), 500 and 2,000 findings: a
cost that grows with the engagement would show here. The baseline is the bare notebook's
slider moved with the arrow key until its chart is redrawn: the least a Voila page pays for a
round trip to the kernel and a new chart. The preview (a level key until the radar shows where
the score would move) is timed the same way.

Needs Debian's chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import nbformat

from toolkit import Engagement, changes, load_engagement, load_framework, save_engagement
from toolkit.dashboard.serve import dashboard_path
from toolkit.testing import VoilaServer

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


def draw(level):
    moved = data.assign(score=data["score"].where(data["factor"] != "a", level))
    return alt.Chart(moved).mark_point().encode(x="score:Q", y="factor:N")


chart = alt.JupyterChart(draw(1))
slider = widgets.IntSlider(description="Level", max=400)
slider.observe(lambda change: setattr(chart, "chart", draw(change["new"] / 100)), "value")
_ = display(widgets.VBox([slider, chart]))
"""

#: Watches the radar: a new SVG (a redraw) after the last Ctrl+Enter, the form saying saved.
WATCH = """
() => {
  window.__bench = { t0: 0 };
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) window.__bench.t0 = performance.now();
    if (e.key === 'ArrowRight') window.__bench.t0 = performance.now();
    if (/^[0-4]$/.test(e.key)) window.__bench.t0 = performance.now();
  }, true);
}
"""
#: The SVG drawn now, remembered so that a redraw can be told apart.
MARK = "() => { window.__bench.old = document.querySelector('.vega-embed svg'); }"
#: Milliseconds from the last timed key to the radar redrawn (and, with ``saved``, the form
#: saying saved), or null while waiting.
DONE = """
([saved, preview]) => {
  const svg = document.querySelector('.vega-embed svg');
  if (!svg || svg === window.__bench.old) return null;
  const hasPreview = svg.querySelector('[aria-label*="series: Preview;"]') !== null;
  if (hasPreview !== preview) return null;
  if (saved) {
    const status = document.querySelector('.tf-form-status');
    if (!status || !status.textContent.startsWith('\u2714 saved')) return null;
  }
  return performance.now() - window.__bench.t0;
}
"""


def _server(notebook: Path, folder: Path) -> VoilaServer:
    """Voila serving ``notebook`` on ``folder`` as ``tenfold dashboard`` does; its log is kept
    beside the folder (in the run's temporary directory) and quoted if it fails to start."""
    logs = folder.parent / "logs"
    logs.mkdir(exist_ok=True)
    log = logs / f"{notebook.stem}-{len(list(logs.iterdir()))}.log"
    return VoilaServer.launch(notebook, folder, log=log, timeout=60)


#: What Voila logs when it starts a kernel, when a page takes a pre-started one, and when its
#: pool of pre-started kernels is full again (the kernel is started then; the notebook may
#: still be running in it).
STARTED = re.compile(r"Kernel started: ([0-9a-f-]{36})")
TAKEN = re.compile(r"Using pre-heated kernel: ([0-9a-f-]{36})")
FILLED = "Kernel pool of "


def wait_for_pool(server: VoilaServer, *, timeout: float = 120.0) -> str:
    """Wait until the server has a pre-started kernel waiting that has run its notebook, and
    return its id: the log says the pool is filled after starting a kernel no page has taken
    yet, and the server's ``/api/kernels/<id>`` says that kernel has been idle for a second
    (Voila's own "filled" line comes as soon as the kernel starts, seconds before that)."""
    deadline = time.monotonic() + timeout
    quiet_since: float | None = None
    last = ""
    while time.monotonic() < deadline:
        text = server.log.read_text(encoding="utf-8", errors="replace")
        taken = set(TAKEN.findall(text))
        started = [k for k in STARTED.findall(text) if k not in taken]
        if started and FILLED in text.split(f"Kernel started: {started[-1]}", 1)[1]:
            with urllib.request.urlopen(f"{server.url}api/kernels/{started[-1]}") as answer:
                kernel = json.load(answer)
            now = f"{kernel['execution_state']} {kernel['last_activity']}"
            if kernel["execution_state"] != "idle" or now != last:
                quiet_since, last = None, now
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= 1.0:
                return str(started[-1])
        time.sleep(0.2)
    raise RuntimeError(f"no pre-started kernel ready after {timeout:.0f} s:\n{server.log_tail()}")


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
    with _server(notebook, folder) as server:
        context = _context(browser)
        page, _ = _open(context, server.url)
        cold = time.perf_counter() - server.started
        page.close()
        wait_for_pool(server)
        page, warm = _open(context, server.url)
        context.close()
        return cold, warm


def warm_opens(browser: Any, folder: Path, sizes: list[int], repeat: int) -> dict[int, float]:
    """Seconds to open the assessment page on a warm server (a preheated kernel) at each size,
    from the address typed to the radar drawn, each once the pool has a kernel waiting: the
    median of ``repeat`` openings a size, the sizes taken in turn."""
    for n in sizes:
        save_engagement(engagement_of(n), folder / f"bench-{n}.json")
    seen: dict[int, list[float]] = {n: [] for n in sizes}
    with _server(dashboard_path("assessment"), folder) as server:
        context = _context(browser)
        page, _ = _open(context, server.url)  # the first visitor takes the preheated kernel
        page.close()
        for _ in range(repeat):
            for n in sizes:
                wait_for_pool(server)
                page, seconds = _open(context, f"{server.url}?engagement=bench-{n}.json")
                seen[n].append(seconds)
                page.close()
        context.close()
    return {n: statistics.median(times) for n, times in seen.items()}


def engagement_of(size: int) -> Engagement:
    """The sample grown to ``size`` findings, as two weeks in the dashboard would leave it:
    three raters, every factor, each finding added through the change log."""
    sample = load_engagement(ROOT / "engagements" / "harbourline-2026-11.json")
    rnd = random.Random(size)
    factors = [f for f in load_framework().factor_ids if f not in sample.not_applicable]
    raters = sorted({f.rater for f in sample.findings})
    e = sample
    for i in range(size - len(sample.findings)):
        _id, add = changes.add_finding(
            factor=rnd.choice(factors),
            level=rnd.randint(0, 4),
            evidence=f"Observation {i}: " + "the floor lead described the weekly huddle. " * 3,
            source=rnd.choice(["interview", "observation", "document", "metric"]),
            rater=rnd.choice(raters),
        )
        e = add(e)
    return e


def _timed(page: Any, key: str, *, saved: bool, preview: bool) -> float:
    page.evaluate(MARK)
    page.keyboard.press(key)
    handle = page.wait_for_function(DONE, arg=[saved, preview], timeout=30_000)
    return float(handle.json_value())


def live_saves(
    browser: Any, folder: Path, size: int, changes_: int
) -> tuple[list[float], list[float]]:
    """Milliseconds from Ctrl+Enter to the radar redrawn with the finding saved, and from a
    level key to the preview drawn, for ``changes_`` findings added to a ``size``-finding file."""
    name = f"bench-{size}.json"
    save_engagement(engagement_of(size), folder / name)
    with _server(dashboard_path("assessment"), folder) as server:
        context = _context(browser)
        page = context.new_page()
        page.goto(f"{server.url}?engagement={name}&factor=purpose", timeout=120_000)
        page.wait_for_selector(".tf-radar-box svg", timeout=120_000)
        page.wait_for_timeout(2000)
        page.evaluate(WATCH)
        saves, previews = [], []
        for i in range(changes_ + 2):
            page.keyboard.press("Escape")
            ms = _timed(page, str(i % 5), saved=False, preview=True)
            page.keyboard.insert_text(f"Live finding {i}: agents wait for the lead to decide.")
            saved_ms = _timed(page, "Control+Enter", saved=True, preview=False)
            if i >= 2:  # the first two warm up the browser's and the kernel's code paths
                previews.append(ms)
                saves.append(saved_ms)
        context.close()
        added = len(load_engagement(folder / name).findings) - size
        if added != changes_ + 2:
            raise RuntimeError(f"{added} of {changes_ + 2} findings reached the file")
        return saves, previews


def bare_updates(browser: Any, notebook: Path, folder: Path, changes_: int) -> list[float]:
    """Milliseconds from an arrow key on the bare notebook's slider to its chart redrawn."""
    with _server(notebook, folder) as server:
        context = _context(browser)
        page, _ = _open(context, server.url)
        page.wait_for_timeout(1000)
        page.evaluate(WATCH)
        page.locator(".widget-slider .noUi-handle, .widget-slider [role=slider]").first.focus()
        times = [
            _timed(page, "ArrowRight", saved=False, preview=False) for _ in range(changes_ + 2)
        ]
        context.close()
        return times[2:]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run the figures, print them, and return them as a dict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="cold starts of each notebook")
    parser.add_argument("--changes", type=int, default=30, help="findings saved per size")
    parser.add_argument("--sizes", default="45,500,2000", help="engagement sizes, in findings")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.sizes.split(",")]
    from playwright.sync_api import sync_playwright

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "engagements"
        folder.mkdir()
        shutil.copy(ROOT / "engagements" / "harbourline-2026-11.json", folder)
        bare = Path(tmp) / "bare.ipynb"
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(BARE)]
        nbformat.write(nb, bare)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=ARGS,
                ignore_default_args=["--hide-scrollbars"],
            )
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
            opens = warm_opens(browser, folder, sizes, args.starts) if args.starts else {}
            baseline: list[float] = []
            live: dict[int, tuple[list[float], list[float]]] = {}
            if args.changes > 0:
                baseline = bare_updates(browser, bare, folder, args.changes)
                live = {n: live_saves(browser, folder, n, args.changes) for n in sizes}
            browser.close()
    if args.starts:
        report_starts(runs, results, args.starts)
        print(
            "assessment page opened on a warm server, by engagement size "
            f"(median of {args.starts}):"
        )
        for n, seconds in opens.items():
            ratio = seconds / results["bare_warm_s"]
            results[f"assessment_warm_{n}"] = {"s": seconds, "ratio": ratio}
            print(f"  {n:>5} findings      {seconds:6.2f} s   ratio {ratio:.2f}")
    if not baseline:
        print("no saves timed (--changes 0)")
        return results
    base = statistics.median(baseline)
    results["bare_update_median_ms"] = base
    print(f"bare notebook, slider key to chart redrawn ({len(baseline)} changes):")
    print(f"  median {base:.0f} ms, 95th percentile {percentile(baseline, 0.95):.0f} ms")
    print("a finding saved: Ctrl+Enter to the radar redrawn, the file saved; level key to preview")
    for n, (saves, previews) in live.items():
        med, p95 = statistics.median(saves), percentile(saves, 0.95)
        pmed, pp95 = statistics.median(previews), percentile(previews, 0.95)
        results[f"save_{n}"] = {"median_ms": med, "p95_ms": p95, "ratio": med / base}
        results[f"preview_{n}"] = {"median_ms": pmed, "p95_ms": pp95, "ratio": pmed / base}
        print(
            f"  {n:>5} findings: save median {med:4.0f} ms, p95 {p95:4.0f} ms, "
            f"ratio {med / base:.2f} | preview median {pmed:4.0f} ms, p95 {pp95:4.0f} ms, "
            f"ratio {pmed / base:.2f}"
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

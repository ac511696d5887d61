"""Loading and scoring a portfolio of 10,000 engagement files, as a ratio to json.loads of them.

    .venv/bin/python -m benchmarks.bench_portfolio [--engagements N] [--repeat K]
                                                   [--files generated|sample|both]

Two portfolios: generated files as the store writes them (45 findings from 3 raters each), and
copies of the sample engagement (``engagements/harbourline-2026-11.json``: longer evidence, a
consensus override, a factor not applicable). The baseline is the least any loader must do:
read every file and parse it with the standard library's ``json.loads``, nothing else.
``load_portfolio`` does that and checks every file (schema, every finding's fields, the
framework), and ``portfolio_scores`` scores every engagement in one pass. Both run in the same
process on the same files, in turn (the one that goes first alternates), after one read that
warms the operating system's file cache, so the ratio holds on a shared, noisy machine where
seconds do not. CPU time (this process only) is shown beside wall time. For orientation it also
times the former way of scoring, one engagement at a time, on a slice of the portfolio.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from toolkit import load_framework, load_portfolio, portfolio_scores, score_engagement
from toolkit.findings import SOURCES
from toolkit.store import SCHEMA_VERSION

#: Findings per engagement and raters per engagement, as in the sample portfolio.
FINDINGS = 45
RATERS = 3
SAMPLE = Path(__file__).resolve().parents[1] / "engagements" / "harbourline-2026-11.json"
KINDS = ("generated", "sample")


def write_portfolio(folder: Path, n: int, *, seed: int = 11) -> list[Path]:
    """``n`` engagement files as the store writes them (indented, sorted keys), deterministic."""
    rng = random.Random(seed)
    fw = load_framework()
    ids = fw.factor_ids
    paths = []
    for e in range(n):
        raters = rng.sample([f"Consultant {i:03d}" for i in range(300)], RATERS)
        findings = [
            {
                "evidence": f"Observation {k + 1}, fieldwork week {rng.randrange(1, 9)}.",
                "factor": ids[k % len(ids)],
                "id": f"{e:06x}{k:06x}",
                "level": rng.randrange(5),
                "rater": raters[k % RATERS],
                "recorded_at": f"2026-{1 + e % 12:02d}-{1 + k % 28:02d}T{9 + k % 8:02d}:00:00Z",
                "source": SOURCES[rng.randrange(len(SOURCES) - 1)],
            }
            for k in range(FINDINGS)
        ]
        data = {
            "schema_version": SCHEMA_VERSION,
            "changes": [],
            "client": f"Client {e // 2:05d}",
            "date": f"{2025 + e % 2}-{1 + e % 12:02d}-15",
            "findings": findings,
            "framework": {"id": fw.id, "version": fw.version},
            "id": f"{seed:04x}{e:08x}",
            "lead": raters[0],
            "not_applicable": [ids[1]] if e % 7 == 0 else [],
            "notes": "",
            "overrides": {},
            "phase": "open",
            "targets": {fid: 3 for fid in ids},
            "title": "Service management diagnostic",
        }
        path = folder / f"engagement-{e:05d}.json"
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def copy_sample(folder: Path, n: int) -> list[Path]:
    """``n`` copies of the sample engagement, as a consultant's folder of many clients would be."""
    paths = []
    for e in range(n):
        path = folder / f"engagement-{e:05d}.json"
        shutil.copyfile(SAMPLE, path)
        paths.append(path)
    return paths


def json_loads_all(folder: Path) -> list[Any]:
    """The baseline: read and parse every engagement file, nothing more."""
    paths = sorted(folder.glob("*.json"), key=lambda p: p.name)
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall seconds, CPU seconds (this process) and the result of ``fn()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure(folder: Path, repeat: int) -> dict[str, float]:
    """Baseline and candidate timed in turn ``repeat`` times; medians in seconds.

    Each step starts from the same heap: what the previous one made is dropped and collected
    first, so neither pays the garbage collector for the other's objects.
    """
    json_loads_all(folder)  # warm the file cache
    runs: dict[str, list[float]] = {
        name: [] for name in ("baseline", "baseline_cpu", "load", "score", "total", "total_cpu")
    }

    def baseline() -> None:
        wall, cpu, _ = timed(lambda: json_loads_all(folder))
        runs["baseline"].append(wall)
        runs["baseline_cpu"].append(cpu)

    def candidate() -> None:
        load_wall, load_cpu, portfolio = timed(lambda: load_portfolio(folder))
        score_wall, score_cpu, _ = timed(lambda: portfolio_scores(portfolio))
        runs["load"].append(load_wall)
        runs["score"].append(score_wall)
        runs["total"].append(load_wall + score_wall)
        runs["total_cpu"].append(load_cpu + score_cpu)

    for i in range(repeat):
        for step in (baseline, candidate) if i % 2 == 0 else (candidate, baseline):
            gc.collect()
            step()
    portfolio = load_portfolio(folder)
    fw = load_framework()
    sliced = list(portfolio.engagements[:500])
    one_wall, _, _ = timed(lambda: [score_engagement(e, framework=fw) for e in sliced])
    results = {name: statistics.median(values) for name, values in runs.items()}
    results["ratio"] = results["total"] / results["baseline"]
    results["ratio_cpu"] = results["total_cpu"] / results["baseline_cpu"]
    results["one_by_one_ms"] = one_wall / len(sliced) * 1e3
    return results


def main(
    engagements: int = 10_000, repeat: int = 3, kinds: tuple[str, ...] = KINDS
) -> dict[str, dict[str, float]]:
    out = {}
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix="tenfold-bench-") as tmp:
            folder = Path(tmp)
            if kind == "generated":
                write_portfolio(folder, engagements)
            else:
                copy_sample(folder, engagements)
            results = measure(folder, repeat)
        out[kind] = results
        each = FINDINGS if kind == "generated" else len(json.loads(SAMPLE.read_bytes())["findings"])
        findings = engagements * each
        print(
            f"{kind}: portfolio of {engagements:,} engagements ({findings:,} findings), "
            f"median of {repeat} runs"
        )
        b, b_cpu = results["baseline"], results["baseline_cpu"]
        print(f"  {'':40s} {'wall':>9s} {'ratio':>6s} {'CPU':>9s} {'ratio':>6s}")
        for name, wall, cpu in (
            ("json.loads of every file (baseline)", b, b_cpu),
            ("load_portfolio", results["load"], None),
            ("portfolio_scores", results["score"], None),
            ("load_portfolio + portfolio_scores", results["total"], results["total_cpu"]),
        ):
            cpu_text = f"{cpu:7.2f} s {cpu / b_cpu:5.2f}x" if cpu is not None else ""
            print(f"  {name:40s} {wall:7.2f} s {wall / b:5.2f}x {cpu_text}")
        one = results["one_by_one_ms"]
        print(
            f"  scoring one engagement at a time (score_engagement) takes {one:.2f} ms "
            f"each: {one * engagements / 1e3:.1f} s for the portfolio"
        )
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--files", choices=[*KINDS, "both"], default="both")
    args = parser.parse_args()
    main(args.engagements, args.repeat, KINDS if args.files == "both" else (args.files,))

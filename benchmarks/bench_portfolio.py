"""Loading and scoring a portfolio of 10,000 engagement files, as a ratio to json.loads of them.

    .venv/bin/python -m benchmarks.bench_portfolio [--engagements N] [--repeat K]

The baseline is the least any loader must do: read every file and parse it with the standard
library's ``json.loads``, nothing else. ``load_portfolio`` does that and checks every file
(schema, every finding's fields, the framework), and ``portfolio_scores`` scores every
engagement in one pass. Both run in the same process on the same files, alternating, after one
read that warms the operating system's file cache, so the ratio holds on a shared, noisy
machine where seconds do not. For orientation it also times the former way of scoring, one
engagement at a time, on a slice of the portfolio.
"""

from __future__ import annotations

import argparse
import json
import random
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
            "client": f"Client {e // 2:05d}",
            "date": f"{2025 + e % 2}-{1 + e % 12:02d}-15",
            "findings": findings,
            "framework": {"id": fw.id, "version": fw.version},
            "lead": raters[0],
            "not_applicable": [ids[1]] if e % 7 == 0 else [],
            "notes": "",
            "overrides": {},
            "targets": {fid: 3 for fid in ids},
            "title": "Service management diagnostic",
        }
        path = folder / f"engagement-{e:05d}.json"
        text = json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def json_loads_all(folder: Path) -> list[Any]:
    """The baseline: read and parse every engagement file, nothing more."""
    paths = sorted(folder.glob("*.json"), key=lambda p: p.name)
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def seconds(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(engagements: int = 10_000, repeat: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="tenfold-bench-") as tmp:
        folder = Path(tmp)
        write_portfolio(folder, engagements)
        json_loads_all(folder)  # warm the file cache
        baseline, load, score, total = [], [], [], []
        for _ in range(repeat):
            baseline.append(seconds(lambda: json_loads_all(folder)))
            start = time.perf_counter()
            portfolio = load_portfolio(folder)
            loaded = time.perf_counter()
            portfolio_scores(portfolio)
            done = time.perf_counter()
            load.append(loaded - start)
            score.append(done - loaded)
            total.append(done - start)
        sliced = list(portfolio.engagements[: min(500, engagements)])
        fw = load_framework()
        one_by_one = seconds(lambda: [score_engagement(e, framework=fw) for e in sliced]) / len(
            sliced
        )

    med = statistics.median
    results = {
        "engagements": float(engagements),
        "baseline_s": med(baseline),
        "load_s": med(load),
        "score_s": med(score),
        "total_s": med(total),
        "ratio": med(total) / med(baseline),
        "one_by_one_ms": one_by_one * 1e3,
    }
    b = results["baseline_s"]
    print(
        f"portfolio of {engagements:,} engagements ({engagements * FINDINGS:,} findings), "
        f"median of {repeat} runs"
    )
    for name, value in (
        ("json.loads of every file (baseline)", b),
        ("load_portfolio", results["load_s"]),
        ("portfolio_scores", results["score_s"]),
        ("load_portfolio + portfolio_scores", results["total_s"]),
    ):
        print(f"  {name:40s} {value:7.2f} s  {value / b:4.2f}x")
    print(
        f"  scoring one engagement at a time (score_engagement) takes {one_by_one * 1e3:.2f} ms "
        f"each: {one_by_one * engagements:.1f} s for the portfolio"
    )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    main(args.engagements, args.repeat)

"""One add to an engagement at the supported size, as a ratio to loading the same file.

    .venv/bin/python -m benchmarks.bench_store [--findings N] [--repeat K]

An add (``update_engagement``, as ``tenfold add`` and the dashboard do it) takes the lock,
re-reads and validates the whole file, applies the change, and writes the file again with its
backup. Loading (``load_engagement``) is the least any change must do, so it is the baseline,
measured in the same process on the same file. The target: one add under 1 s on a
50,000-finding engagement (``toolkit.limits.MAX_FINDINGS``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from toolkit import Engagement, limits, load_engagement, load_framework, update_engagement
from toolkit.findings import SOURCES, Finding
from toolkit.store import save_engagement


def make_engagement(findings: int) -> Engagement:
    """A deterministic engagement with ``findings`` findings of interview-note length."""
    ids = load_framework().factor_ids
    items = [
        Finding(
            id=f"f{i:07d}",
            factor=ids[i % len(ids)],
            level=i % 5,
            evidence=(
                f"Note {i}: the team lead said the queue was long again and that nobody "
                "reviews the weekly numbers with the agents."
            ),
            source=SOURCES[i % len(SOURCES)],
            rater=f"rater {i % 12:02d}",
        )
        for i in range(findings)
    ]
    return Engagement.new(client="Benchmark Care", lead="Ana Lima").with_findings(items)


def paired_medians(
    first: Callable[[], Any], second: Callable[[], Any], repeat: int
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median (wall, CPU) seconds of two operations timed in turn, so both see the same load.

    CPU time (this process only) is shown beside wall time because the machines are shared:
    when other work competes for the cores, wall time grows and CPU time does not.
    """
    first()  # warm-up
    second()
    wall: tuple[list[float], list[float]] = ([], [])
    cpu: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for i, fn in enumerate((first, second)):
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall[i].append(time.perf_counter() - start)
            cpu[i].append(time.process_time() - start_cpu)
    return (
        (statistics.median(wall[0]), statistics.median(cpu[0])),
        (statistics.median(wall[1]), statistics.median(cpu[1])),
    )


def peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(findings: int = limits.MAX_FINDINGS, repeat: int = 7) -> dict[str, float]:
    framework = load_framework()
    start = findings - repeat - 3  # every add stays within the supported size
    with tempfile.TemporaryDirectory(prefix="tenfold-bench-") as folder:
        path = save_engagement(make_engagement(start), Path(folder) / "big.json")
        size_mib = path.stat().st_size / 2**20
        counter = iter(range(10**6))

        def add() -> None:
            update_engagement(
                path,
                lambda e: e.add_finding(
                    factor="purpose", level=2, evidence=f"added {next(counter)}"
                ),
                framework=framework,
            )

        (load_s, load_cpu), (add_s, add_cpu) = paired_medians(
            lambda: load_engagement(path, framework=framework), add, repeat
        )
        load_peak = peak_mib(lambda: load_engagement(path, framework=framework))
        add_peak = peak_mib(add)
        count = len(load_engagement(path).findings)
    results = {
        "findings": float(count),
        "file_mib": size_mib,
        "load_s": load_s,
        "add_s": add_s,
        "add_ratio": add_s / load_s,
        "load_cpu_s": load_cpu,
        "add_cpu_s": add_cpu,
        "load_peak_mib": load_peak,
        "add_peak_mib": add_peak,
    }
    print(
        f"one add to an engagement of ~{findings:,} findings ({size_mib:.1f} MiB file), "
        f"median of {repeat} runs"
    )
    print(f"  {'':40s} {'wall':>8s}     {'ratio':>5s}  {'CPU':>8s}")
    for name, wall, cpu in (
        ("load_engagement (baseline)", load_s, load_cpu),
        ("update_engagement: add one finding", add_s, add_cpu),
    ):
        print(f"  {name:40s} {wall * 1e3:8.1f} ms  {wall / load_s:4.1f}x  {cpu * 1e3:8.1f} ms")
    print(f"  peak memory: load {load_peak:.0f} MiB, add {add_peak:.0f} MiB")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=limits.MAX_FINDINGS)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    main(args.findings, args.repeat)

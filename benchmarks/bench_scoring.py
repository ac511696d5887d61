"""Scoring 1,000,000 findings, as a ratio to a plain NumPy group-mean of the same data.

    .venv/bin/python -m benchmarks.bench_scoring [--rows N] [--repeat K]

The baseline is the least any scorer must do: a per-factor mean of the levels with
``np.bincount`` over the factor codes. ``score_findings`` does the whole rule (rater means,
their median, min/max, distinct sources, confidence), once on categorical columns (as
large exports are best loaded) and once on plain string columns. Both run in the same process on
the same data, so the ratio holds on a shared, noisy machine where seconds do not.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from toolkit import load_framework, score_findings
from toolkit.findings import SOURCES


def make_findings(rows: int, *, raters: int = 40, seed: int = 7) -> pd.DataFrame:
    """A deterministic findings table with categorical factor, rater and source columns."""
    rng = np.random.default_rng(seed)
    ids = list(load_framework().factor_ids)
    names = [f"rater {i:02d}" for i in range(raters)]
    return pd.DataFrame(
        {
            "factor": pd.Categorical.from_codes(
                rng.integers(0, len(ids), rows), categories=pd.Index(ids)
            ),
            "level": rng.integers(0, 5, rows),
            "rater": pd.Categorical.from_codes(
                rng.integers(0, raters, rows), categories=pd.Index(names)
            ),
            "source": pd.Categorical.from_codes(
                rng.integers(0, len(SOURCES), rows), categories=pd.Index(SOURCES)
            ),
        }
    )


def numpy_group_mean(findings: pd.DataFrame) -> np.ndarray:
    """The baseline: mean level per factor with bincount."""
    codes = np.asarray(findings["factor"].cat.codes, dtype=np.int64)
    levels = findings["level"].to_numpy(dtype=np.float64)
    return np.bincount(codes, weights=levels) / np.bincount(codes)


def numpy_group_mean_strings(findings: pd.DataFrame) -> np.ndarray:
    """The same baseline on a text factor column: factorize, then bincount."""
    codes, _ = pd.factorize(findings["factor"])
    levels = findings["level"].to_numpy(dtype=np.float64)
    return np.bincount(codes, weights=levels) / np.bincount(codes)


def median_seconds(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main(rows: int = 1_000_000, repeat: int = 7) -> dict[str, float]:
    cat = make_findings(rows)
    text = cat.astype({"factor": str, "rater": str, "source": str})
    fw = load_framework()
    baseline = median_seconds(lambda: numpy_group_mean(cat), repeat)
    scored_cat = median_seconds(lambda: score_findings(cat, framework=fw), repeat)
    baseline_text = median_seconds(lambda: numpy_group_mean_strings(text), repeat)
    scored_text = median_seconds(lambda: score_findings(text, framework=fw), repeat)
    input_mib = cat.memory_usage(deep=True).sum() / 2**20
    results = {
        "rows": float(rows),
        "baseline_s": baseline,
        "categorical_s": scored_cat,
        "strings_s": scored_text,
        "categorical_ratio": scored_cat / baseline,
        "baseline_strings_s": baseline_text,
        "strings_ratio": scored_text / baseline_text,
        "input_mib": input_mib,
        "peak_mib_categorical": peak_mib(lambda: score_findings(cat, framework=fw)),
    }
    print(f"scoring {rows:,} findings (10 factors, 40 raters), median of {repeat} runs")
    rows_out = [
        ("categorical columns: numpy group-mean", baseline, baseline),
        ("categorical columns: score_findings", scored_cat, baseline),
        ("string columns: factorize + group-mean", baseline_text, baseline_text),
        ("string columns: score_findings", scored_text, baseline_text),
    ]
    for name, seconds, base in rows_out:
        print(f"  {name:40s} {seconds * 1e3:8.1f} ms  {seconds / base:4.1f}x")
    print(
        f"  peak memory while scoring (categorical) {results['peak_mib_categorical']:.1f} MiB "
        f"for a {input_mib:.1f} MiB input"
    )
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    main(args.rows, args.repeat)

"""Importing a staff survey of 10,000 responses x 40 statements, as a ratio to ``pandas.read_csv``.

    .venv/bin/python -m benchmarks.bench_survey [--responses N] [--repeat K]

The export is a Microsoft Forms CSV as the tool writes it (a byte-order mark, its identifying
columns, a team column, the statements as headers, answers as words, some "Don't know", a
comment column). The framework is the bundled one with four statements for every factor (40 in
all), so every column of the survey is matched. The baseline is the least any import must do:
``pandas.read_csv`` of the same bytes with its default settings. ``survey_from_bytes`` does the
whole import: decode, recognise the layout, match every statement, read every answer, check the
scale, turn reverse-worded statements round, aggregate per factor and team, suppress small and
derivable groups, clean the comments. Both run in the same process on the same bytes, so the
ratio holds on a shared, noisy machine where seconds do not.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from toolkit.framework import Framework, load_framework
from toolkit.survey.importer import survey_from_bytes
from toolkit.survey.matching import COMMENT_QUESTION

ANSWERS = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
    "Don't know",
)
TEAMS = ("Billing", "Claims", "Field service", "Contact centre", "Back office")
TEAM_QUESTION = "Which team do you work in?"


def forty_statements() -> Framework:
    """The bundled framework with four statements for every factor."""
    fw = load_framework()
    data = fw.model_dump()
    for factor in data["factors"]:
        kept = list(factor["statements"])[:4]
        for i in range(len(kept), 4):
            text = f"In my team, {factor['label'].lower()} is handled well ({i + 1})."
            kept.append({"text": text, "reverse": i % 2 == 1})
        factor["statements"] = kept
    return Framework.model_validate(data)


def make_export(fw: Framework, responses: int, *, seed: int = 11) -> bytes:
    """A Microsoft Forms CSV export of ``responses`` rows over every statement of ``fw``."""
    rng = np.random.default_rng(seed)
    texts = [s.text for f in fw.factors for s in f.statements]
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time"]
    header += [TEAM_QUESTION, *texts, COMMENT_QUESTION]
    # Mostly answers on the scale, one in fifty "Don't know", one in ten left empty.
    codes = rng.choice(7, size=(responses, len(texts)), p=[0.1, 0.2, 0.25, 0.25, 0.08, 0.02, 0.1])
    words = np.array([*ANSWERS, ""], dtype=object)[codes]
    teams = rng.integers(0, len(TEAMS), responses)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for i in range(responses):
        meta = [i + 1, "11/20/26 9:01:02", "11/20/26 9:07:45", f"person{i}@client.example"]
        comment = "More time for training, please" if i % 7 == 0 else ""
        writer.writerow([*meta, f"Person {i}", "", TEAMS[teams[i]], *words[i], comment])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def median_seconds(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(responses: int = 10_000, repeat: int = 7) -> dict[str, float]:
    fw = forty_statements()
    data = make_export(fw, responses)
    statements = sum(len(f.statements) for f in fw.factors)
    found = survey_from_bytes(data, "pulse.csv", framework=fw, segment=TEAM_QUESTION)
    assert found.responses == responses and len(found.matched) == statements, found
    baseline = median_seconds(lambda: pd.read_csv(io.BytesIO(data)), repeat)
    imported = median_seconds(
        lambda: survey_from_bytes(data, "pulse.csv", framework=fw, segment=TEAM_QUESTION), repeat
    )
    results = {
        "responses": float(responses),
        "statements": float(statements),
        "mib": len(data) / 2**20,
        "read_csv_s": baseline,
        "import_s": imported,
        "ratio": imported / baseline,
    }
    print(
        f"importing {responses:,} responses x {statements} statements "
        f"({results['mib']:.1f} MiB CSV), median of {repeat} runs"
    )
    print(f"  {'pandas.read_csv':40s} {baseline * 1e3:8.1f} ms  1.0x")
    print(f"  {'survey_from_bytes':40s} {imported * 1e3:8.1f} ms  {imported / baseline:4.1f}x")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    main(args.responses, args.repeat)

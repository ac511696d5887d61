"""A table without the columns a function needs is one error, whatever the function.

Every function that takes a DataFrame raises :class:`toolkit.MissingColumnsError` naming the
columns it lacks: one type to catch, a ``TenfoldError`` like every input error, and a
``ValueError`` like pandas' own complaints about a table.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import toolkit as tf
from toolkit.charts import heatmap_chart, radar_chart, ranked_chart

SCORES = pd.DataFrame({"label": ["Shared purpose"]}, index=pd.Index(["purpose"], name="factor"))
FINDINGS = pd.DataFrame({"factor": ["purpose"], "level": [2]})


def _export(tmp_path: Path) -> Any:
    return tf.export_findings(FINDINGS, tmp_path / "findings.csv")


CASES: list[tuple[str, Callable[[Path], Any], tuple[str, ...]]] = [
    ("score_findings", lambda _: tf.score_findings(FINDINGS), ("rater",)),
    ("summarize", lambda _: tf.summarize(SCORES), ("score", "basis", "target", "gap")),
    ("radar_chart", lambda _: radar_chart(SCORES), ("score",)),
    ("ranked_chart", lambda _: ranked_chart(SCORES), ("group", "score")),
    ("heatmap_chart", lambda _: heatmap_chart(FINDINGS, by="rater"), ("rater",)),
    ("portfolio_benchmark", lambda _: tf.portfolio_benchmark(SCORES), ("engagement", "client")),
    ("export_findings", _export, ("evidence",)),
]


@pytest.mark.parametrize(("name", "call", "named"), CASES, ids=[c[0] for c in CASES])
def test_a_table_without_a_needed_column_names_what_it_lacks(
    tmp_path: Path, name: str, call: Callable[[Path], Any], named: tuple[str, ...]
) -> None:
    with pytest.raises(tf.MissingColumnsError) as err:
        call(tmp_path)
    assert set(named) <= set(err.value.missing)
    assert f"missing column(s) {', '.join(err.value.missing)}" in str(err.value)


def test_the_error_is_an_input_error_and_a_value_error() -> None:
    with pytest.raises(tf.TenfoldError):
        tf.score_findings(FINDINGS)
    with pytest.raises(ValueError, match=r"^findings: missing column\(s\) rater$"):
        tf.score_findings(FINDINGS)


def test_nothing_is_written_for_a_table_that_could_not_be_imported_again(tmp_path: Path) -> None:
    with pytest.raises(tf.MissingColumnsError, match="an import needs them"):
        _export(tmp_path)
    assert not (tmp_path / "findings.csv").exists()


def test_a_comparison_without_scores_is_named_as_such(framework: tf.Framework) -> None:
    scores = tf.score_engagement(tf.Engagement.new(client="Acme", lead="Ana"))
    with pytest.raises(tf.MissingColumnsError, match=r"^comparison: missing column\(s\) score"):
        radar_chart(scores, previous=SCORES, framework=framework)

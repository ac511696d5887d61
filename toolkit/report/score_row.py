"""One factor's line in a report's summary: what the summary table, the slides and "What to do
next" (:mod:`toolkit.report.next_steps`) read about a factor.

Its own module so that the content model (:mod:`toolkit.report.model`) and the next steps, which
the model holds, both import it and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ScoreRow"]


@dataclass(frozen=True)
class ScoreRow:
    """One factor's line in the summary table."""

    factor: str
    label: str
    group: str
    score: float | None
    score_text: str
    level_name: str
    basis: str
    target: int | None
    gap: float | None
    n_findings: int
    n_raters: int
    spread: float | None
    needs_consensus: bool
    confidence: str
    priority: int | None
    r_wg: float | None = None
    low_agreement: bool = False
    priority_note: str = ""

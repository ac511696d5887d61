"""The assessment dashboard's text panels, as escaped HTML: the factor's prompts, its title
line, its consensus, its history, the present-mode panel and the notice of colleagues' changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from toolkit.dashboard.common import esc, plural
from toolkit.findings import Engagement, LoggedChange, Phase
from toolkit.framework import Framework
from toolkit.report.wording import format_score

__all__ = [
    "NEXT_PHASE",
    "changed_elsewhere",
    "factor_title_html",
    "history_html",
    "override_html",
    "phase_note_html",
    "present_html",
    "prompts_html",
]


def prompts_html(framework: Framework, factor: str) -> str:
    """What to ask about ``factor`` and what to look for."""
    f = framework.factor(factor)
    look_for = "".join(f"<li>{esc(x)}</li>" for x in f.evidence)
    return (
        f'<div class="tf-section">{esc(f.label)}</div>'
        f'<div class="tf-muted">Fails as: {esc(f.failure_mode)}</div>'
        f"<div style='font-size:13px;margin-top:4px'>{esc(f.description)}</div>"
        '<div class="tf-section" style="margin-top:8px">Ask</div>'
        f"<ul>{''.join(f'<li>{esc(q)}</li>' for q in f.questions)}</ul>"
        + (f'<div class="tf-section">Look for</div><ul>{look_for}</ul>' if look_for else "")
    )


def factor_title_html(scores: pd.DataFrame, framework: Framework, factor: str) -> str:
    """``This factor: Composure: 2.5 (Partial) · 4 findings · basis ... · confidence ...``."""
    row = _row(scores, factor)
    return (
        f'<div class="tf-section">This factor: {esc(row["label"])}: '
        f"{esc(format_score(row['score'], basis=str(row['basis']), framework=framework))}</div>"
        f'<div class="tf-muted">{plural(int(row["n_findings"]), "finding")} · basis '
        f"{esc(row['basis'])} · confidence {esc(row['confidence'])}</div>"
    )


def _row(scores: pd.DataFrame, factor: str) -> dict[str, Any]:
    """One factor's row of a scores table, as plain values."""
    return {str(k): v for k, v in scores.loc[factor].items()}


def override_html(engagement: Engagement, factor: str) -> str:
    """The consensus level set for ``factor``, who agreed it, when and why ("" when none)."""
    o = engagement.overrides.get(factor)
    if o is None:
        return ""
    return (
        f'<div class="tf-muted">Consensus level {o.level} agreed by {esc(o.by)} on '
        f"{o.at:%d %b %Y}: {esc(o.reason)}</div>"
    )


def _when(entry: LoggedChange) -> str:
    return f"{entry.at.astimezone():%d %b %H:%M}"


def history_html(entries: Sequence[LoggedChange], *, shown: int = 12) -> str:
    """A factor's change log, newest first, folded away under "History"."""
    if not entries:
        body = '<div class="tf-muted">No changes recorded for this factor in this file yet.</div>'
    else:
        items = "".join(
            f"<li>{_when(e)} · {esc(e.by)}: {esc(e.summary)}</li>" for e in entries[:shown]
        )
        more = (
            f'<div class="tf-muted">and {len(entries) - shown} earlier</div>'
            if len(entries) > shown
            else ""
        )
        body = f"<ul>{items}</ul>{more}"
    return (
        f'<details class="tf-history"><summary>History ({len(entries)})</summary>{body}</details>'
    )


def present_html(scores: pd.DataFrame, framework: Framework, factor: str) -> str:
    """Present mode's panel: the factor stepped to, its score and what its level looks like."""
    row = _row(scores, factor)
    f = framework.factor(factor)
    score = row["score"]
    reached = framework.level_reached(score)
    level = "" if reached is None else f'<div class="tf-anchor">{esc(f.anchor(reached))}</div>'

    target = "" if pd.isna(row["target"]) else f" · target {int(row['target'])}"
    return (
        f'<div class="tf-focus-factor">{esc(f.label)}</div>'
        f'<div class="tf-muted">Fails as: {esc(f.failure_mode)}</div>'
        f'<div class="tf-focus-score">'
        f"{esc(format_score(score, basis=str(row['basis']), framework=framework))}"
        f"{target} · {plural(int(row['n_findings']), 'finding')}</div>{level}"
        '<div class="tf-muted" style="margin-top:6px">← → step through the factors · '
        "Esc leaves present mode</div>"
    )


_VERBS = {
    "finding added": "added a finding to",
    "finding changed": "changed a finding in",
    "finding deleted": "deleted a finding from",
    "target": "set the target of",
    "not applicable": "changed whether this applies:",
    "consensus": "set the consensus level of",
    "findings imported": "imported findings into",
    "undo": "undid a change to",
    "phase": "changed the phase of",
}


def changed_elsewhere(
    entries: Sequence[LoggedChange],
    framework: Framework,
    *,
    added: int = 0,
    removed: int = 0,
    blind: bool = False,
) -> str:
    """One quiet sentence on what others changed: ``"Tom Reyes added a finding to Composure"``.

    Without log entries (a file written by an older tool), it says what changed in the findings.
    In a blind rating it names who saved, never what or where: ``"Tom Reyes saved a change"``;
    where the store keeps even that from the rater (a PostgreSQL store's row-level security),
    it says that a colleague saved.
    """
    if blind and entries:
        names = ", ".join(dict.fromkeys(e.by for e in entries))
        return f"{names} saved {plural(len(entries), 'change')} (kept from you until the reveal)"
    if blind:  # signed in, the database itself keeps a colleague's entries from a blind rater
        return "A colleague saved a change (kept from you until the reveal)"
    if not entries:
        parts = []
        if added:
            parts.append(f"{plural(added, 'finding')} added")
        if removed:
            parts.append(f"{plural(removed, 'finding')} removed")
        what = ", ".join(parts) or "settings changed"
        return f"The engagement file was changed outside this page: {what}."
    labels = {f.id: f.label for f in framework.factors}
    said = []
    for e in entries[-3:]:
        where = labels.get(e.factor or "", e.factor or "the engagement")
        said.append(f"{e.by} {_VERBS.get(e.kind, 'changed')} {where}")
    more = f" (and {len(entries) - 3} more changes)" if len(entries) > 3 else ""
    return "; ".join(said) + more + f" · {entries[-1].at.astimezone():%H:%M}"


#: Each phase's next one, the button that moves to it and what the button does.
NEXT_PHASE: dict[str, tuple[Phase, str, str]] = {
    "open": (
        "independent",
        "Start blind rating",
        "Each rater records alone, seeing only their own findings, until the lead reveals "
        "the panel",
    ),
    "independent": (
        "consensus",
        "Reveal the panel",
        "Everyone sees every rater's findings; the consensus board opens",
    ),
    "consensus": ("open", "Close consensus", "Back to recording, everything visible"),
}


def phase_note_html(engagement: Engagement, *, by: str, named: bool) -> str:
    """The note under the toolbar in a blind rating or at consensus ("" otherwise)."""
    lead = engagement.lead
    if engagement.phase == "independent":
        ask = "" if named else " Name yourself in the Rater box (until then you are the lead)."
        note = (
            f"Blind rating: you see only your own findings, as {by}.{ask} The lead, {lead}, "
            "reveals the panel when all are done."
        )
    elif engagement.phase == "consensus":
        note = (
            "Consensus: every rater's findings are visible. Settle each factor on the board; "
            "the lead closes consensus when the team is done."
        )
    else:
        return ""
    return f'<div class="tf-phase">{esc(note)}</div>'

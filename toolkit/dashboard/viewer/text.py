"""The viewer's text, as escaped HTML, from the report's content model.

The headline sentences, "Where to act first", the line on what was assessed and each factor's
panel are drawn from :class:`~toolkit.report.ReportContent` (the words are made once, in
:mod:`toolkit.report.next_steps`); here they only get their markup. Every piece of engagement
text goes through :func:`~toolkit.dashboard.common.esc`. Terms a stakeholder may not know carry
their explanation as hover text (``title``).
"""

from __future__ import annotations

from toolkit.dashboard.common import esc, findings_table_html
from toolkit.findings import Engagement
from toolkit.framework import format_score
from toolkit.report import ReportContent
from toolkit.report.content import FactorSection
from toolkit.report.next_steps import Action, Flag
from toolkit.report.progress import PlanItem
from toolkit.report.wording import join_names, plural
from toolkit.share import EVIDENCE_REMOVED

__all__ = [
    "SCORE_HINT",
    "TARGET_HINT",
    "coverage_html",
    "next_steps_html",
    "panel_html",
    "radar_caption_html",
    "withheld_html",
]

SCORE_HINT = (
    "The score: the middle of the raters' levels, from 0 (Absent) to 4 (Embedded). The name "
    "is the whole level the score has reached."
)
TARGET_HINT = "The level the team set as this factor's goal."


def _term(text: str, hint: str, cls: str = "tf-term") -> str:
    """``text`` with ``hint`` on hover."""
    return f'<span class="{cls}" title="{esc(hint)}">{esc(text)}</span>'


def _flags(flags: tuple[Flag, ...]) -> str:
    return "".join(_term(f.text, f.explanation, "tf-flag") for f in flags)


def _level(content: ReportContent, name: str) -> str:
    meaning = {lv.name: lv.meaning for lv in content.framework.levels}.get(name, "")
    return _term(name, f"{name}: {meaning}") if meaning else esc(name)


def _action(content: ReportContent, a: Action) -> str:
    # The same words and separators as Action.standing and Action.line, with hover text.
    parts = [
        f'<span class="tf-act-score" title="{esc(SCORE_HINT)}">{esc(a.score_text)}</span> '
        + _level(content, a.level_name)
    ]
    if a.target is not None:
        parts.append(_term(f"target {a.target} {a.target_name}", TARGET_HINT, "tf-act-target"))
    if a.change.mark:
        parts.append(_term(a.change.mark, a.change.explanation, "tf-act-change"))
    return (
        f'<li class="tf-act" data-factor="{esc(a.factor)}">'
        f'<div class="tf-act-head"><a class="tf-act-label" href="#tf-factor-{esc(a.factor)}">'
        f"{esc(a.label)}</a> <span>{' · '.join(parts)}</span> {_flags(a.flags)}</div>"
        f'<div class="tf-act-step">First step: {esc(a.first_step)}</div>'
        f"{''.join(_planned(item) for item in a.planned)}</li>"
    )


def _planned(item: PlanItem) -> str:
    """One open action of the plan under its priority: what, owner, due date; overdue marked."""
    late = ' <span class="tf-overdue">overdue</span>' if item.overdue else ""
    cls = "tf-act-plan tf-act-late" if item.overdue else "tf-act-plan"
    words = f"{item.what} \u2014 {item.owner}, due {item.due_text} ({item.status})"
    return f'<div class="{cls}" data-action="{esc(item.id)}">Action: {esc(words)}{late}</div>'


def next_steps_html(content: ReportContent) -> str:
    """The headline sentences, then "Where to act first" in priority order."""
    steps = content.next_steps
    sentences = "".join(f"<p>{esc(s)}</p>" for s in steps.sentences)
    if steps.actions:
        items = "".join(_action(content, a) for a in steps.actions)
        actions = f'<ol class="tf-acts">{items}</ol>'
    else:
        actions = (
            '<div class="tf-muted">Nothing to act on first: no assessed factor falls short of '
            "its target.</div>"
        )
    return (
        f'<div class="tf-headline">{sentences}</div>'
        f'<div class="tf-section tf-acts-title">Where to act first</div>{actions}'
    )


def coverage_html(content: ReportContent) -> str:
    """What was assessed, in words, and the provenance line of the numbers."""
    s = content.summary
    parts = [f"{s.assessed} of {plural(s.n_factors, 'factor')} assessed"]
    if s.not_assessed:
        verb = "is" if len(s.not_assessed) == 1 else "are"
        parts.append(f"{join_names(s.not_assessed)} {verb} not assessed yet")
    if s.not_applicable:
        verb = "does" if len(s.not_applicable) == 1 else "do"
        parts.append(f"{join_names(s.not_applicable)} {verb} not apply here")
    evidence = f"{plural(s.n_findings, 'finding')} from {plural(s.n_raters, 'rater')}"
    return (
        f'<div class="tf-muted tf-coverage">{esc(" · ".join(parts))} · {esc(evidence)}</div>'
        f'<div class="tf-muted tf-provenance" title="The Tenfold version, the version of the '
        'scoring rule and a short fingerprint of the data these numbers come from.">'
        f"{esc(content.provenance.text)}</div>"
    )


def radar_caption_html(content: ReportContent) -> str:
    """How to read the radar, in plain words, for the marks it draws."""
    scores = content.scores
    since = content.next_steps.since
    lines = [
        "Each spoke is a factor, from 0 Absent at the centre to 4 Embedded at the rim. "
        "Solid blue: now."
        + (" Green dashes: the target." if scores["target"].notna().any() else "")
        + (f" Orange dots: {since}." if since else "")
    ]
    marks = []
    if (scores["n_raters"] >= 2).any():
        marks.append("a pale bar spans the lowest to the highest rater's level")
    if scores["low_agreement"].astype(bool).any():
        marks.append("a dashed black ring marks a factor whose raters disagree")
    if scores["score"].isna().any():
        marks.append("a hollow circle on the rim marks a factor with no score, never a zero")
    if marks:
        lines.append(join_names(marks).capitalize() + ".")
    lines += _staff_caption(content)
    lines.append("Click a factor to open its panel below.")
    return f'<div class="tf-muted tf-radar-caption">{esc(" ".join(lines))}</div>'


def _staff_caption(content: ReportContent) -> list[str]:
    """What the staff survey's marks on the radar are: who answered, the threshold, the gaps."""
    staff, survey = content.staff, content.engagement.survey
    if staff is None or survey is None:
        return []
    drawn = staff.table["staff"].notna()
    if not drawn.any():
        return [
            f"{staff.series_label}: no factor has the {survey.k} respondents it takes to be "
            "shown, so the radar has no staff marks."
        ]
    who = (
        f"{survey.respondents} staff respondents"
        if survey.respondents is not None
        else "staff respondents"
    )
    hidden = int((~drawn).sum())
    unshown = f"; {plural(hidden, 'factor')} without a staff mark" if hidden else ""
    out = [
        f"Sky-blue dashes and squares: the staff survey ({who}; a factor is shown only when "
        f"at least {survey.k} answered{unshown}), on the same 0-4 scale, with a pale sky-blue "
        "bar for its 95% interval."
    ]
    if staff.table["flag"].astype(bool).any():
        out.append(
            "A black diamond marks a factor where the assessment and the staff are more than "
            "a level apart."
        )
    return out


def withheld_html(engagement: Engagement) -> str:
    """What the sender left out of this copy, said plainly (``""`` when nothing)."""
    said = []
    if "rater names" in engagement.withheld:
        said.append(
            "Raters anonymised by the sender: they read Rater A, Rater B and so on, and the "
            "engagement's lead, in that role, Engagement lead."
        )
    if "evidence" in engagement.withheld:
        said.append("Evidence removed by the sender: scores, levels and counts are as recorded.")
    return "".join(f'<div class="tf-msg tf-msg-info">{esc(t)}</div>' for t in said)


def _anchors(section: FactorSection) -> str:
    out = ""
    if section.level_anchor:
        out += (
            f'<div class="tf-anchor"><b>Now, level {section.level} {esc(section.level_name)}, '
            f"looks like:</b> {esc(section.level_anchor)}</div>"
        )
    if section.target_anchor:
        out += (
            f'<div class="tf-anchor tf-anchor-goal"><b>Target, level {section.target} '
            f"{esc(section.target_name)}, looks like:</b> {esc(section.target_anchor)}</div>"
        )
    return out


def _evidence(content: ReportContent, section: FactorSection) -> str:
    if section.findings and all(f.evidence == EVIDENCE_REMOVED for f in section.findings):
        n = plural(len(section.findings), "finding")
        return f'<div class="tf-muted">{n}; the evidence was removed by the sender.</div>'
    frame = content.engagement.findings_frame()
    own = frame[frame["factor"] == section.factor]
    return findings_table_html(own, empty="No findings: not assessed.")


def panel_html(content: ReportContent, section: FactorSection, *, open: bool, nonce: int) -> str:
    """One factor's panel: where it stands, what it looks like, the evidence, the remedies.

    ``nonce`` makes each opening a new value, so the page redraws it even after a person
    folded the panel by hand.
    """
    steps = content.next_steps
    change = steps.changes.get(section.factor)
    head = [f"{esc(section.label)}"]
    if section.score is not None:
        head.append(f"{esc(section.score_text)} {esc(section.level_name)}")
    else:
        head.append(esc(section.status))
    if section.target is not None:
        head.append(f"target {section.target}")
    if change is not None and change.mark:
        head.append(_term(change.mark, change.explanation, "tf-act-change"))
    head.append(plural(len(section.findings), "finding"))
    rank = f"Priority {section.priority}: " if section.priority is not None else ""
    override = ""
    if section.override is not None:
        o = section.override
        override = (
            f'<div class="tf-muted">The team agreed level {o.level} ({esc(o.level_name)}), in '
            f"place of the computed {esc(o.computed_text)}; agreed by {esc(o.by)}: "
            f"{esc(o.reason)}</div>"
        )
    flags = "".join(
        f'<div class="tf-msg tf-msg-info">{esc(f.explanation)}</div>'
        for f in steps.flags.get(section.factor, ())
    )
    trend = trend_html(content, section)
    if trend:
        head[-1] += " " + _spark(section)  # beside the last item, not after a separator
    remedies = "".join(f"<li>{esc(r)}</li>" for r in section.remedies)
    body = (
        f'<div class="tf-muted">Fails as: {esc(section.failure_mode)} · confidence '
        f"{esc(section.confidence)}</div>{trend}{flags}{override}{_anchors(section)}"
        '<div class="tf-panel-cols">'
        f'<div class="tf-panel-evidence"><div class="tf-section">Evidence</div>'
        f"{_evidence(content, section)}</div>"
        f'<div class="tf-panel-remedies tf-prompts"><div class="tf-section">Remedies</div>'
        f"<ul>{remedies}</ul></div></div>"
    )
    return (
        f'<details class="tf-factor" id="tf-factor-{esc(section.factor)}" '
        f'data-factor="{esc(section.factor)}" data-n="{nonce}"{" open" if open else ""}>'
        f"<summary>{rank}{' · '.join(head)}</summary>{body}</details>"
    )


#: What a cycle without a score reads in a trend.
_DASH = "\u2013"


def _spark(section: FactorSection) -> str:
    """A small line of the factor's scores over the client's cycles, for the panel's title."""
    t = section.trend
    points = t.points(48, 14) if t is not None else ""
    if t is None or not points:
        return ""
    return (
        '<svg class="tf-spark" style="vertical-align: middle" viewBox="-2 -2 52 18" width="52" '
        f'height="18" role="img" '
        f'aria-label="Trend {esc(t.line)}"><title>Trend: {esc(t.line)}</title>'
        f'<polyline points="{points}" fill="none" stroke="#1f78c8" stroke-width="1.6"/></svg>'
    )


def trend_html(content: ReportContent, section: FactorSection) -> str:
    """The factor's score in each of the client's cycles (three or more), oldest first, with
    their dates; empty with fewer cycles."""
    trend, row = content.trend, section.trend
    if trend is None or row is None:
        return ""
    cycles = " → ".join(
        f'<span title="{esc(day)}">{_DASH if v is None else esc(format_score(v))}</span>'
        for day, v in zip(trend.dates, row.values, strict=False)
    )
    return (
        f'<div class="tf-trend tf-muted" data-factor="{esc(section.factor)}">Trend over '
        f"{len(trend.dates)} assessments, {esc(trend.dates[0])} to {esc(trend.dates[-1])}: "
        f"{cycles}</div>"
    )

"""The report as a 16:9 slide deck (python-pptx, default template).

Slides: a title slide, what to do next (the headline sentences and "Where to act first", with
each priority's first open action), what moved since the previous assessment (when there is
one), the action plan (when there are actions), a summary, the radar, the ranked chart, then
one slide per priority factor (the top five). Charts
are PNG at scale 2. Every piece of engagement text is plain slide text.
Long lists are cut to what fits, with a line such as "and 3 more findings", so nothing runs off
a slide.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence
from typing import Any

from toolkit.agreement import TOP_PRIORITIES
from toolkit.errors import MissingExtraError

try:
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches, Pt
except ModuleNotFoundError as exc:
    raise MissingExtraError("report", "the PPTX report", exc.name) from None

from toolkit.report.content import FactorSection, ReportContent
from toolkit.report.figures import Figures
from toolkit.report.model import MOVE_RULE, EvidenceItem
from toolkit.report.wording import format_score, plural

__all__ = ["CONTINUES", "MAX_PRIORITY_SLIDES", "evidence_pages", "render_pptx"]

#: How many priority factors get a slide of their own (and a line on "What to do next").
MAX_PRIORITY_SLIDES = TOP_PRIORITIES
_MAX_EVIDENCE = 4
_MAX_REMEDIES = 3
_MAX_ACTIONS = 2
#: Rows of the action plan on its slide; the rest are in the workbook.
_MAX_PLAN_ROWS = 10
_WARN = RGBColor(0xA6, 0x47, 0x0B)  # type: ignore[no-untyped-call]
_MAX_CHARS = 170
#: Characters of evidence that fit at 13 pt beside a factor's score (the right column, under
#: its heading and above the remedies), and on a full-width continuation slide. A paragraph
#: counts a line more for its spacing.
EVIDENCE_CHARS = 900
CONTINUED_CHARS = 2600
_PARA_CHARS = 70
#: The smallest piece of a finding worth starting at the foot of a slide.
_MIN_PIECE = 200
#: How a finding that goes on to the next slide ends, and how it picks up there.
CONTINUES = " (continued on the next slide)"

_WIDTH = Emu(12_192_000)  # 13.333 in: 16:9 with the 7.5 in height
_HEIGHT = Inches(7.5)
_MARGIN = Inches(0.6)
# python-pptx leaves RGBColor's constructor unannotated.
_INK = RGBColor(0x1F, 0x29, 0x33)  # type: ignore[no-untyped-call]
_MUTED = RGBColor(0x52, 0x60, 0x6D)  # type: ignore[no-untyped-call]
_ACCENT = RGBColor(0x0B, 0x5F, 0xA5)  # type: ignore[no-untyped-call]

# Layouts of python-pptx's default template.
_TITLE_LAYOUT = 0
_TITLE_ONLY_LAYOUT = 5


def _clip(text: str, limit: int = _MAX_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _split(text: str, room: int) -> tuple[str, str]:
    """``text`` cut at the last space that leaves at most ``room`` characters before it."""
    cut = text.rfind(" ", 0, room + 1)
    if cut <= 0:  # one long word: cut inside it
        cut = room
    return text[:cut].rstrip(), text[cut:].lstrip()


def evidence_pages(findings: Sequence[EvidenceItem]) -> list[list[str]]:
    """The evidence paragraphs of a factor's slide, then of each of its continuation slides.

    Every finding is carried whole, each ending with its "(source, rater)". One too long for
    the room left goes on to the next slide: its first part ends with :data:`CONTINUES` and
    the rest picks up as ``"• Level 2, continued: ..."``; nothing is cut.
    """
    pages: list[list[str]] = [[]]
    room = EVIDENCE_CHARS
    for f in findings:
        text = " ".join(f.evidence.split())
        head, tail = f"\u2022 Level {f.level}: ", f" ({f.source}, {f.rater})"
        while True:
            whole = head + text + tail
            if len(whole) <= room:
                pages[-1].append(whole)
                room -= len(whole) + _PARA_CHARS
                break
            fits = room - len(head) - len(CONTINUES)
            if fits >= _MIN_PIECE or (not pages[-1] and fits > 0):
                piece, text = _split(text, fits)
                pages[-1].append(head + piece + CONTINUES)
                head = f"\u2022 Level {f.level}, continued: "
            pages.append([])
            room = CONTINUED_CHARS
    return [page for i, page in enumerate(pages) if page or i == 0]


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels from a PNG header."""
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _title(slide: Any, text: str) -> None:
    title = slide.shapes.title
    title.left, title.top = _MARGIN, Inches(0.35)
    title.width, title.height = _WIDTH - 2 * _MARGIN, Inches(0.9)
    title.text = text
    frame = title.text_frame
    frame.word_wrap = True
    for p in frame.paragraphs:
        p.alignment = PP_ALIGN.LEFT
        for r in p.runs:
            r.font.size = Pt(30)
            r.font.bold = True
            r.font.color.rgb = _INK


def _textbox(slide: Any, left: int, top: int, width: int, height: int) -> Any:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    return frame


def _para(
    frame: Any,
    text: str,
    *,
    size: int = 16,
    bold: bool = False,
    color: RGBColor = _INK,
    first: bool = False,
    space_before: int = 4,
) -> None:
    p = frame.paragraphs[0] if first else frame.add_paragraph()
    p.space_before = Pt(0 if first else space_before)
    run = p.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = color


def _picture(slide: Any, png: bytes, top: int, max_width: int, max_height: int) -> None:
    w, h = _png_size(png)
    scale = min(max_width / w, max_height / h)
    width, height = int(w * scale), int(h * scale)
    left = int((_WIDTH - width) / 2)
    slide.shapes.add_picture(io.BytesIO(png), left, top, width, height)


def _title_slide(prs: Any, content: ReportContent) -> None:
    c = content.cover
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_LAYOUT])
    title = slide.shapes.title
    title.left, title.top = _MARGIN, Inches(1.6)
    title.width, title.height = _WIDTH - 2 * _MARGIN, Inches(1.8)
    title.text = _clip(c.title, 75)  # two lines at 36 pt
    title.text_frame.word_wrap = True
    for r in title.text_frame.paragraphs[0].runs:
        r.font.size = Pt(36)
        r.font.bold = True
        r.font.color.rgb = _INK
    sub = slide.placeholders[1]
    sub.left, sub.top = _MARGIN, Inches(3.6)
    sub.width, sub.height = _WIDTH - 2 * _MARGIN, Inches(2.4)
    frame = sub.text_frame
    frame.word_wrap = True
    _para(frame, _clip(c.client, 90), size=28, color=_ACCENT, first=True)
    _para(frame, _clip(f"{c.lead} \u00b7 {c.date}", 90), size=18, color=_MUTED, space_before=12)
    _para(
        frame,
        f"{c.framework_name}, framework {c.framework_id} {c.framework_version}",
        size=14,
        color=_MUTED,
    )
    _para(frame, content.provenance.text, size=11, color=_MUTED)


def _next_steps_slide(prs: Any, content: ReportContent) -> None:
    steps = content.next_steps
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    _title(slide, "What to do next")
    frame = _textbox(slide, _MARGIN, Inches(1.3), _WIDTH - 2 * _MARGIN, Inches(5.9))
    for i, sentence in enumerate(steps.sentences):
        _para(frame, _clip(sentence, 260), size=16, first=i == 0, space_before=6)
    _para(frame, "Where to act first", size=14, bold=True, color=_MUTED, space_before=14)
    if not steps.actions:
        _para(frame, "Nothing: no assessed factor falls short of its target.", size=15)
    for a in steps.actions[:MAX_PRIORITY_SLIDES]:
        _para(frame, _clip(a.line, 150), size=15, bold=True, space_before=8)
        _para(frame, _clip(f"First step: {a.first_step}", 150), size=13, space_before=1)
        if a.planned:
            first = a.planned[0]
            others = f" (and {len(a.planned) - 1} more)" if len(a.planned) > 1 else ""
            _para(
                frame,
                _clip(f"Action: {first.line}{others}", 150),
                size=13,
                color=_WARN if first.overdue else _INK,
                space_before=1,
            )
    more = len(steps.actions) - MAX_PRIORITY_SLIDES
    if more > 0:
        _para(frame, f"and {more} more in the full report", size=12, color=_MUTED)


def _summary_slide(prs: Any, content: ReportContent) -> None:
    s = content.summary
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    _title(slide, "Summary")
    frame = _textbox(slide, _MARGIN, Inches(1.4), Inches(5.6), Inches(5.6))
    mean = f"{s.mean_text} of 4" if s.mean_text else "\u2013"
    _para(frame, s.coverage_text, size=18, bold=True, first=True)
    _para(frame, f"Weighted mean score {mean}", size=16)
    findings = plural(s.n_findings, "finding")
    _para(frame, f"{findings} from {plural(s.n_raters, 'rater')}", size=16)
    # The factors ad hoc or worse are named on "What to do next", in the same words.
    _para(frame, "Needing consensus", size=14, bold=True, color=_MUTED, space_before=14)
    _para(frame, _clip(", ".join(s.needs_consensus) or "none"), size=16)
    _para(frame, "Raters disagree (r_wg < 0.70)", size=14, bold=True, color=_MUTED, space_before=10)
    _para(frame, _clip(", ".join(s.raters_disagree) or "none"), size=16)
    _para(frame, "Confidence (assessed factors)", size=14, bold=True, color=_MUTED, space_before=10)
    _para(frame, s.confidence_text, size=16)
    if s.not_assessed or s.not_applicable:
        _para(frame, "Not scored", size=14, bold=True, color=_MUTED, space_before=10)
        parts = [f"{name} (not assessed)" for name in s.not_assessed]
        parts += [f"{name} (not applicable)" for name in s.not_applicable]
        _para(frame, _clip(", ".join(parts)), size=16)

    rows = s.rows
    top, left = Inches(1.4), Inches(6.6)
    width = _WIDTH - left - _MARGIN
    row_height = min(Inches(0.42), int((_HEIGHT - top - Inches(0.4)) / (len(rows) + 1)))
    size = 13 if len(rows) <= 12 else 10
    shape = slide.shapes.add_table(len(rows) + 1, 4, left, top, width, row_height * (len(rows) + 1))
    table = shape.table
    widths = (0.42, 0.26, 0.14, 0.18)  # the score column fits "not applicable"
    for i, share in enumerate(widths):
        table.columns[i].width = int(width * share)
    for i, head in enumerate(("Factor", "Score", "Target", "Priority")):
        table.cell(0, i).text = head
    for i, r in enumerate(rows, start=1):
        cells = (
            r.label,
            r.score_text,
            "\u2013" if r.target is None else str(r.target),
            "\u2013" if r.priority is None else str(r.priority),
        )
        for j, text in enumerate(cells):
            table.cell(i, j).text = text
    for i in range(len(rows) + 1):
        table.rows[i].height = row_height
        for j in range(4):
            for p in table.cell(i, j).text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(size)


def _staff_slide(prs: Any, content: ReportContent) -> None:
    """The staff's view beside the assessment: a table of the factors surveyed, the gaps."""
    staff = content.staff
    assert staff is not None
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    _title(slide, "The staff's view beside the assessment")
    frame = _textbox(slide, _MARGIN, Inches(1.25), _WIDTH - 2 * _MARGIN, Inches(1.0))
    _para(frame, _clip(" ".join(staff.sentences[:2]), 300), size=12, color=_MUTED, first=True)
    for gap in staff.gaps[:3]:
        _para(frame, _clip(gap, 160), size=13, bold=True)
    rows = staff.rows
    top = Inches(2.35) + Inches(0.25) * min(len(staff.gaps), 3)
    width = _WIDTH - 2 * _MARGIN
    row_height = min(Inches(0.38), int((_HEIGHT - top - Inches(0.3)) / (len(rows) + 1)))
    size = 12 if len(rows) <= 12 else 9
    heads = ("Factor", "Assessment", "Staff", "Respondents", "Favourable", "Gap")
    shape = slide.shapes.add_table(
        len(rows) + 1, len(heads), _MARGIN, top, width, row_height * (len(rows) + 1)
    )
    table = shape.table
    for i, share in enumerate((0.26, 0.13, 0.13, 0.13, 0.12, 0.23)):
        table.columns[i].width = int(width * share)
    for i, head in enumerate(heads):
        table.cell(0, i).text = head
    for i, r in enumerate(rows, start=1):
        cells = (
            r.label,
            r.score_text,
            r.staff_text if r.n is not None else f"not shown: {r.note}",
            "" if r.n is None else str(r.n),
            r.favourable_text,
            r.flag,
        )
        for j, text in enumerate(cells):
            table.cell(i, j).text = _clip(text, 80)
    for i in range(len(rows) + 1):
        table.rows[i].height = row_height
        for j in range(len(heads)):
            for p in table.cell(i, j).text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(size)


def _table(slide: Any, rows: Sequence[tuple[str, ...]], widths: tuple[float, ...], top: int) -> Any:
    """A table of ``rows`` (the first is the header) across the slide; returns it."""
    width = _WIDTH - 2 * _MARGIN
    row_height = min(Inches(0.42), int((_HEIGHT - top - Inches(0.9)) / len(rows)))
    shape = slide.shapes.add_table(
        len(rows), len(widths), _MARGIN, top, width, row_height * len(rows)
    )
    table = shape.table
    for i, share in enumerate(widths):
        table.columns[i].width = int(width * share)
    size = 12 if len(rows) <= 12 else 10
    for i, cells in enumerate(rows):
        table.rows[i].height = row_height
        for j, text in enumerate(cells):
            cell = table.cell(i, j)
            cell.text = _clip(text, 90)
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(size)
    return table


def _moved_slide(prs: Any, content: ReportContent) -> None:
    c = content.comparison
    assert c is not None
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    _title(slide, f"What moved since {c.since}")
    trend = content.trend
    head: tuple[str, ...] = ("Factor", "Then", "Now", "Change", "Raters then", "Raters now")
    widths: tuple[float, ...] = (0.3, 0.1, 0.1, 0.18, 0.16, 0.16)
    if trend is not None:
        head, widths = (*head, "Trend"), (0.24, 0.08, 0.08, 0.15, 0.12, 0.12, 0.21)
    rows: list[tuple[str, ...]] = [head]
    for m in c.rows:
        mark = m.mark + (" real move" if m.moved else "")
        cells: tuple[str, ...] = (
            m.label,
            m.previous_text,
            m.current_text,
            mark,
            m.raters_then,
            m.raters_now,
        )
        if trend is not None:
            t = trend.row(m.factor)
            cells = (*cells, t.line if t else "")
        rows.append(cells)
    _table(slide, rows, widths, Inches(1.3))
    frame = _textbox(slide, _MARGIN, Inches(6.55), _WIDTH - 2 * _MARGIN, Inches(0.8))
    _para(frame, _clip(c.note, 200), size=11, color=_MUTED, first=True)
    _para(frame, _clip(MOVE_RULE, 300), size=10, color=_MUTED, space_before=2)


def _plan_slide(prs: Any, content: ReportContent) -> None:
    plan = content.plan
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    _title(slide, "Action plan")
    items = plan.open or plan.items
    rows = [("Factor", "Action", "Owner", "Due", "Status")]
    for i in items[:_MAX_PLAN_ROWS]:
        due = f"{i.due}, overdue" if i.overdue else i.due
        rows.append((i.label, i.what, i.owner, due, i.status))
    table = _table(slide, rows, (0.2, 0.42, 0.16, 0.12, 0.1), Inches(1.3))
    for n, i in enumerate(items[:_MAX_PLAN_ROWS], start=1):
        if i.overdue:
            for p in table.cell(n, 3).text_frame.paragraphs:
                for run in p.runs:
                    run.font.color.rgb = _WARN
                    run.font.bold = True
    frame = _textbox(slide, _MARGIN, Inches(6.75), _WIDTH - 2 * _MARGIN, Inches(0.5))
    more = len(items) - _MAX_PLAN_ROWS
    shown = "open actions" if plan.open else "actions"
    tail = f"; {more} more {shown} in the workbook" if more > 0 else ""
    _para(
        frame, f"{plan.summary_line} (as of {plan.today}){tail}.", size=12, color=_MUTED, first=True
    )


def _chart_slide(prs: Any, title: str, png: bytes, caption: str) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    _title(slide, title)
    _picture(slide, png, Inches(1.35), _WIDTH - 2 * _MARGIN, Inches(5.3))
    frame = _textbox(slide, _MARGIN, Inches(6.75), _WIDTH - 2 * _MARGIN, Inches(0.5))
    _para(frame, caption, size=12, color=_MUTED, first=True)


def _factor_slide(prs: Any, s: FactorSection) -> None:
    pages = evidence_pages(s.findings[:_MAX_EVIDENCE])
    slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
    _title(slide, s.heading)
    left_w = Inches(5.4)
    frame = _textbox(slide, _MARGIN, Inches(1.3), left_w, Inches(5.8))
    _para(frame, f"Score {s.score_line}", size=18, bold=True, first=True)
    _para(frame, f"Target {s.target_line}", size=16)
    agreement = f"; {s.agreement_line}" if s.agreement_line else ""
    _para(
        frame,
        _clip(f"Confidence {s.confidence}; {plural(s.n_raters, 'rater')}{agreement}", 120),
        size=14,
        color=_MUTED,
    )
    if s.priority_note:
        _para(frame, _clip(s.priority_note, 260), size=14)
    if s.needs_consensus:
        spread = format_score(s.spread)
        _para(frame, f"Raters disagree by {spread} levels: agree a consensus.", size=14)
    if s.override is not None:
        _para(frame, _clip(f"Consensus: {s.override.reason}", 140), size=14)
    if s.level_anchor:
        _para(
            frame, f"Now \u2014 {s.level_name}", size=14, bold=True, color=_MUTED, space_before=12
        )
        _para(frame, _clip(s.level_anchor, 140), size=14)
    if s.target_anchor:
        _para(frame, f"Target \u2014 {s.target_name}", size=14, bold=True, color=_MUTED)
        _para(frame, _clip(s.target_anchor, 140), size=14)

    right = _MARGIN + left_w + Inches(0.4)
    frame = _textbox(slide, right, Inches(1.3), _WIDTH - right - _MARGIN, Inches(5.8))
    _para(frame, "Evidence", size=14, bold=True, color=_MUTED, first=True)
    for line in pages[0]:
        _para(frame, line, size=13)
    more = len(s.findings) - _MAX_EVIDENCE
    if more > 0 and len(pages) == 1:
        _para(frame, f"and {plural(more, 'more finding')}", size=12, color=_MUTED)
    _para(frame, "Remedies", size=14, bold=True, color=_MUTED, space_before=12)
    for r in s.remedies[:_MAX_REMEDIES]:
        _para(frame, _clip(f"\u2022 {r}"), size=13)
    more_remedies = len(s.remedies) - _MAX_REMEDIES
    if more_remedies > 0:
        _para(frame, f"and {more_remedies} more in the full report", size=12, color=_MUTED)
    planned = [i for i in s.actions if i.open]
    if planned:
        _para(frame, "Actions", size=14, bold=True, color=_MUTED, space_before=12)
        for i in planned[:_MAX_ACTIONS]:
            _para(frame, _clip(f"\u2022 {i.line}"), size=13, color=_WARN if i.overdue else _INK)
        more_actions = len(planned) - _MAX_ACTIONS
        if more_actions > 0:
            _para(frame, f"and {more_actions} more in the action plan", size=12, color=_MUTED)
    for n, page in enumerate(pages[1:], start=2):
        slide = prs.slides.add_slide(prs.slide_layouts[_TITLE_ONLY_LAYOUT])
        _title(slide, f"{s.heading}: evidence, continued")
        frame = _textbox(slide, _MARGIN, Inches(1.3), _WIDTH - 2 * _MARGIN, Inches(5.8))
        for k, line in enumerate(page):
            _para(frame, line, size=13, first=k == 0)
        if more > 0 and n == len(pages):
            _para(frame, f"and {plural(more, 'more finding')}", size=12, color=_MUTED)


def render_pptx(content: ReportContent, figures: Figures | None = None) -> bytes:
    """The report as PPTX bytes: 5 slides (and "The staff's view" with a staff survey, "What
    moved" with a previous assessment, "Action plan" with actions) plus one per priority factor
    (at most five)."""
    figs = figures or Figures(content)
    prs = Presentation()
    prs.slide_width, prs.slide_height = _WIDTH, _HEIGHT
    c = content.cover
    prs.core_properties.title = _clip(f"{c.title} \u2014 {c.client}", 250)
    prs.core_properties.author = _clip(c.lead, 250)
    prs.core_properties.comments = content.provenance.text
    _title_slide(prs, content)
    _next_steps_slide(prs, content)
    if content.comparison is not None:
        _moved_slide(prs, content)
    if content.plan.items:
        _plan_slide(prs, content)
    _summary_slide(prs, content)
    _chart_slide(
        prs,
        "Current scores against targets",
        figs.png("radar"),
        "0 at the centre, 4 at the rim. Factors not assessed or not applicable are marked, "
        "not drawn at zero.",
    )
    _chart_slide(
        prs,
        "Factors from weakest to strongest",
        figs.png("ranked"),
        "Dot: score. Bar: range between raters. Tick: target.",
    )
    if content.staff is not None:
        _staff_slide(prs, content)
    for section in content.priority_sections[:MAX_PRIORITY_SLIDES]:
        _factor_slide(prs, section)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()

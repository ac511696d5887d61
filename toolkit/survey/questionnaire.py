"""The staff questionnaire, made from the framework's statements.

:func:`questionnaire` lays the statements out in the order respondents see them (the first
statement of every factor, then the second of every factor..., so neighbouring statements are
about different factors), each with its code (``purpose.2``). Three texts are made from it:

- :func:`plain_list`: the questionnaire as numbered text, to read, to paste into any survey
  tool, or to save as a Word document for Microsoft Forms' Quick import;
- :func:`forms_csv`: one row per question with its type, whether it is required and its
  choices (the scale and "Don't know"), the layout that question-from-a-sheet importers for
  Microsoft Forms and Google Forms read; text a spreadsheet would run as a formula is
  neutralised;
- :func:`intro_text`: what respondents read first: why they are asked, what happens to their
  answers, the anonymity promise with its thresholds.

The statements' text is what an export is matched by: keep it as written here in the survey
tool (a grid or Likert question whose rows are the statements works in every tool).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from toolkit.framework import Framework
from toolkit.survey.matching import COMMENT_QUESTION, DONT_KNOW, SCALE, framework_statements
from toolkit.survey.model import DEFAULT_COMMENT_K, DEFAULT_K
from toolkit.workbook import neutralize

__all__ = ["Question", "forms_csv", "intro_text", "plain_list", "questionnaire"]

#: The instruction above the statements.
GRID_PROMPT = "How far do you agree with each statement about how your service is led?"


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire."""

    code: str
    text: str
    kind: str  # "statement", "segment" or "comment"
    required: bool


def questionnaire(framework: Framework, *, segment: str | None = None) -> tuple[Question, ...]:
    """The questions in the order respondents see them (see the module docstring).

    ``segment`` is an optional question for the group a respondent belongs to ("Which team do
    you work in?"), asked first; give its choices in the survey tool, and the same column to
    ``tenfold survey import --segment``.
    """
    by_factor: dict[str, list[Question]] = {}
    for s in framework_statements(framework):
        by_factor.setdefault(s.factor, []).append(Question(s.code, s.text, "statement", False))
    rounds = max((len(v) for v in by_factor.values()), default=0)
    ordered = [
        qs[i]
        for i in range(rounds)
        for f in framework.factor_ids
        if (qs := by_factor.get(f, []))
        if i < len(qs)
    ]
    head = [Question("segment", segment, "segment", False)] if segment else []
    return (*head, *ordered, Question("comment", COMMENT_QUESTION, "comment", False))


def plain_list(framework: Framework, *, segment: str | None = None) -> str:
    """The questionnaire as numbered plain text."""
    questions = questionnaire(framework, segment=segment)
    lines = [f"Staff survey: {framework.name}", ""]
    number = 0
    if segment:
        number += 1
        lines += [f"{number}. {segment}", "   (one choice; list your teams or sites)", ""]
    lines += [GRID_PROMPT, "Choices for every statement: " + ", ".join([*SCALE, DONT_KNOW]), ""]
    for q in questions:
        if q.kind != "statement":
            continue
        number += 1
        lines.append(f"{number}. {q.text}")
    lines += ["", f"{number + 1}. {COMMENT_QUESTION}", "   (free text)", ""]
    return "\n".join(lines)


def forms_csv(framework: Framework, *, segment: str | None = None) -> str:
    """The questionnaire as CSV: code, question, type, required and the choices, one row each.

    The statements share one grid (``Likert`` in Microsoft Forms, ``Multiple choice grid`` in
    Google Forms): the column ``grid`` names it, and a tool that asks one question per row
    takes the rows as they are.
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    choices = [*SCALE, DONT_KNOW]
    writer.writerow(
        ["code", "question", "type", "grid", "required", *[f"choice {i}" for i in range(1, 7)]]
    )
    for q in questionnaire(framework, segment=segment):
        if q.kind == "statement":
            row = [q.code, q.text, "Likert", GRID_PROMPT, "no", *choices]
        elif q.kind == "segment":
            row = [q.code, q.text, "Choice", "", "no", *[""] * 6]
        else:
            row = [q.code, q.text, "Long text", "", "no", *[""] * 6]
        writer.writerow([neutralize(cell) for cell in row])
    return "\ufeff" + buf.getvalue()  # Excel reads UTF-8 with the mark


def intro_text(
    framework: Framework,
    *,
    client: str = "",
    k: int = DEFAULT_K,
    comment_k: int = DEFAULT_COMMENT_K,
    segment: str | None = None,
) -> str:
    """What respondents read before the questions: purpose, anonymity promise, thresholds."""
    who = f" at {client}" if client else ""
    n = len(framework_statements(framework))
    group = "team or site" if segment else "group"
    return "\n".join(
        [
            f"Staff survey{who}: how your service is led",
            "",
            f"This short survey ({n} statements, about ten minutes) asks how you see the way your "
            "service is led and supported. Your answers are put beside what managers and "
            "consultants report, so that the picture of what needs to change includes yours.",
            "",
            "Your answers are anonymous:",
            "- Do not write your name. If the survey tool records names, email addresses or "
            "where you answer from, none of it is kept: only totals are.",
            f"- Results are only ever shown for a {group} of at least {k} people. A smaller "
            "group is hidden, and so is any group that could be worked out by comparing "
            "others.",
            f"- Written comments are kept only for groups of at least {comment_k} people, "
            "without any name or email address they mention, and are never shown for a "
            f"smaller {group}.",
            "",
            "There are no right answers. For each statement choose how far you agree; choose "
            f"\u201c{DONT_KNOW}\u201d when you cannot say. Every question is optional.",
        ]
    )

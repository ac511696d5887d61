"""An export's columns -> the framework's statements, its answers -> the 1-5 agreement scale.

A column is matched to a statement by text, compared as :func:`toolkit.framework.statement_key`
compares it (case, punctuation and spacing left out), in each form the tools write it: the
statement alone (Microsoft Forms' Likert), ``Question [Statement]`` (a Google Forms grid,
LimeSurvey's text headings), ``Q1[SQ001]. Question [Statement]`` (LimeSurvey's code and text),
``Question - Statement`` (Qualtrics' second header row), and cut short with or without an
ellipsis (LimeSurvey's abbreviated headings): a cut text matches when it begins exactly one
statement. A small mapping file (:func:`read_mapping`) names what text cannot: a column by its
header, as a statement (its code such as ``purpose.2``, or its text), ``segment``, ``comment``
or ``ignore``; and answer codes as scale points.

Answers are the scale's words (``Strongly disagree`` ... ``Strongly agree``, and the usual
variants such as ``Somewhat agree`` or ``Neutral``), or the numbers 1-5 (1 = strongly
disagree), alone or before the words (``5 - Strongly agree``). "Don't know", "N/A", "Not
applicable", "Prefer not to say" and an empty cell are no answer: dropped, never counted.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit.errors import SurveyImportError
from toolkit.framework import Framework, statement_key

__all__ = [
    "COMMENT_QUESTION",
    "SCALE",
    "Mapping",
    "StatementRef",
    "answer_cells",
    "answer_points",
    "framework_statements",
    "match_column",
    "read_mapping",
]

#: The five points of the agreement scale, as the questionnaire words them (1 to 5).
SCALE: tuple[str, ...] = (
    "Strongly disagree",
    "Disagree",
    "Neither agree nor disagree",
    "Agree",
    "Strongly agree",
)
#: The choice the questionnaire offers beside the scale; its answers are dropped.
DONT_KNOW = "Don't know"
#: The questionnaire's open question; a column with this text is kept as comments.
COMMENT_QUESTION = (
    "Is there anything else you would like to say about how the service is led? (optional)"
)

_LABELS: dict[str, int] = {
    statement_key(word): point
    for point, words in {
        1: ("strongly disagree", "disagree strongly", "definitely disagree", "completely disagree"),
        2: ("disagree", "somewhat disagree", "tend to disagree", "mostly disagree"),
        3: (
            "neither agree nor disagree",
            "neither agree or disagree",
            "neither disagree nor agree",
            "neutral",
            "undecided",
        ),
        4: ("agree", "somewhat agree", "tend to agree", "mostly agree"),
        5: ("strongly agree", "agree strongly", "definitely agree", "completely agree"),
    }.items()
    for word in words
}
_NO_ANSWER = {
    statement_key(word)
    for word in (
        "don't know",
        "dont know",
        "do not know",
        "n/a",
        "na",
        "not applicable",
        "prefer not to say",
        "prefer not to answer",
        "no opinion",
        "not sure",
        "unsure",
        "cannot say",
        "can't say",
        "no answer",
    )
}
_PREFIXED = re.compile(r"^([1-5])(?:\.0)? (.+)$")
_SUFFIXED = re.compile(r"^(.+) ([1-5])$")
_ELLIPSIS = re.compile(r"(\.\.\.?|\u2026)\s*$")
_GRID_ROW = re.compile(r"\[([^\[\]]+)\]\s*$")
_LIMESURVEY_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\[[^\]]*\])*\.\s+")
_NUMBERING = re.compile(r"^(q?\d{1,3}[a-z]?)\s+")


@dataclass(frozen=True)
class StatementRef:
    """One statement of the framework, with the factor it belongs to."""

    factor: str
    number: int
    text: str
    reverse: bool

    @property
    def code(self) -> str:
        """``purpose.2``: the factor's id and the statement's number in it (from 1)."""
        return f"{self.factor}.{self.number}"


def framework_statements(framework: Framework) -> tuple[StatementRef, ...]:
    """Every survey statement of ``framework``, factor by factor."""
    return tuple(
        StatementRef(f.id, i, s.text, s.reverse)
        for f in framework.factors
        for i, s in enumerate(f.statements, start=1)
    )


@dataclass(frozen=True)
class Mapping:
    """What a mapping file says: column header key -> a statement code, ``"segment"``,
    ``"comment"`` or ``"ignore"``; answer key -> a scale point (None: no answer)."""

    columns: dict[str, str] = field(default_factory=dict)
    answers: dict[str, int | None] = field(default_factory=dict)


_ROLES = ("segment", "comment", "ignore")


def read_mapping(text: str, source: str, framework: Framework) -> Mapping:
    """Read a mapping file (TOML)::

        [columns]
        "Q1[SQ001]" = "sponsorship.1"        # a statement, by code ...
        "Q1[SQ002]" = "Different managers push us to chase different targets."  # ... or text
        "Q9" = "comment"                      # or segment, or ignore

        [answers]
        A1 = 1                                # LimeSurvey answer codes -> 1-5
        A6 = "don't know"

    Raises :class:`~toolkit.errors.SurveyImportError` naming the entry that is wrong.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SurveyImportError(source, [f"not valid TOML ({exc})"]) from None
    statements = framework_statements(framework)
    by_code = {s.code: s.code for s in statements}
    by_text = {statement_key(s.text): s.code for s in statements}
    problems: list[str] = []
    unknown = sorted(set(data) - {"columns", "answers"})
    if unknown:
        problems.append(f"unknown table [{unknown[0]}]; a mapping has [columns] and [answers]")
    columns: dict[str, str] = {}
    for header, target in (data.get("columns") or {}).items():
        where = f"[columns] {header!r}"
        if not isinstance(target, str):
            problems.append(f"{where}: expected text, found {target!r}")
            continue
        role = target.strip().casefold()
        code = by_code.get(target.strip()) or by_text.get(statement_key(target))
        if role in _ROLES:
            columns[_header_key(header)] = role
        elif code is not None:
            columns[_header_key(header)] = code
        else:
            problems.append(
                f"{where}: {target!r} is neither a statement of the framework (a code such as "
                f"{statements[0].code if statements else 'factor.1'}, or a statement's text) nor "
                f"one of {', '.join(_ROLES)}"
            )
    answers: dict[str, int | None] = {}
    for answer, point in (data.get("answers") or {}).items():
        where = f"[answers] {answer!r}"
        if isinstance(point, int) and not isinstance(point, bool) and 1 <= point <= 5:
            answers[statement_key(str(answer))] = point
        elif isinstance(point, str) and statement_key(point) in _NO_ANSWER:
            answers[statement_key(str(answer))] = None
        else:
            problems.append(f'{where}: expected 1 to 5 (1 = strongly disagree) or "don\'t know"')
    if problems:
        raise SurveyImportError(source, problems)
    return Mapping(columns=columns, answers=answers)


def _header_key(header: str) -> str:
    return " ".join(str(header).replace("\ufeff", "").strip().casefold().split())


def _candidates(name: str, text: str) -> list[tuple[str, bool]]:
    """The texts a column may carry its statement in, each as (key, cut short)."""
    raw: list[str] = []
    for whole in (text, name):
        if not whole:
            continue
        whole = _LIMESURVEY_CODE.sub("", whole.strip())
        raw.append(whole)
        row = _GRID_ROW.search(whole)
        if row:
            raw.append(row.group(1))
        if " - " in whole:
            raw.append(whole.rsplit(" - ", 1)[1])
    out = []
    for candidate in raw:
        cut = bool(_ELLIPSIS.search(candidate))
        key = _NUMBERING.sub("", statement_key(_ELLIPSIS.sub("", candidate)))
        if key:
            out.append((key, cut))
    return out


def match_column(name: str, text: str, keys: dict[str, str]) -> tuple[str | None, list[str]]:
    """The target of a column (a statement code or ``"comment"``) whose header reads ``name``
    (and ``text``, a tool's question-text row), among ``keys`` (statement key -> target).

    Returns ``(target, [])``, ``(None, [])`` when nothing matches, or ``(None, targets)``
    when a cut text begins several statements (ambiguous).
    """
    candidates = _candidates(name, text)
    for key, _ in candidates:
        if key in keys:
            return keys[key], []
    for key, cut in candidates:
        if not cut and len(key) < 20:
            continue
        found = sorted({target for full, target in keys.items() if full.startswith(key)})
        if len(found) == 1:
            return found[0], []
        if len(found) > 1:
            return None, found
    return None, []


def _point(value: str, answers: dict[str, int | None]) -> float:
    """A scale point 1-5, NaN for no answer, -1 for a value that is not an answer."""
    stripped = value.strip()
    if stripped in ("", "-99", "-98"):  # Qualtrics' "seen, not answered" codes
        return np.nan
    key = statement_key(stripped)
    if key in answers:
        point = answers[key]
        return np.nan if point is None else float(point)
    if key in _NO_ANSWER or not key:
        return np.nan
    if key in _LABELS:
        return float(_LABELS[key])
    try:
        number = float(stripped)
    except ValueError:
        number = None
    if number is not None:
        return number if number in (1.0, 2.0, 3.0, 4.0, 5.0) else -1.0
    for pattern, label_group, digit_group in ((_PREFIXED, 2, 1), (_SUFFIXED, 1, 2)):
        found = pattern.match(key)
        if found:
            label = found.group(label_group)
            if label in _LABELS:
                return float(_LABELS[label])
            if label in _NO_ANSWER:
                return np.nan
            return float(found.group(digit_group))
    return -1.0


def answer_points(column: pd.Series, answers: dict[str, int | None]) -> np.ndarray:
    """Each cell of ``column`` as a scale point 1-5 (NaN: no answer; -1: not an answer).

    Each distinct value is read once, so a column of ten thousand answers costs five lookups.
    """
    codes, uniques = pd.factorize(column, sort=False)
    lookup = np.array([_point(str(u), answers) for u in uniques] + [np.nan], dtype=np.float64)
    out: np.ndarray = lookup[codes]
    return out


def answer_cells(
    column: pd.Series, answers: dict[str, int | None]
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`answer_points` of ``column``, and which of its cells are blank (left empty, as
    against answered "don't know"), each distinct value read once."""
    codes, uniques = pd.factorize(column, sort=False)
    texts = [str(u) for u in uniques]
    lookup = np.array([_point(t, answers) for t in texts] + [np.nan], dtype=np.float64)
    empty = np.array([not t.strip() for t in texts] + [True], dtype=bool)
    points: np.ndarray = lookup[codes]
    blank: np.ndarray = empty[codes]
    return points, blank


def looks_like_answers(column: pd.Series, answers: dict[str, int | None]) -> bool:
    """Whether a column holds answers on the scale (and nothing else): a statement, unmatched."""
    uniques = [str(u) for u in pd.unique(column)]
    points = [_point(u, answers) for u in uniques]
    return any(p >= 1 for p in points) and not any(p == -1.0 for p in points)


def scale_words() -> str:
    """The scale in words, for a message."""
    return ", ".join(SCALE) + f" (or 1 to 5), or {DONT_KNOW}"


def first_bad(points: np.ndarray) -> Iterable[int]:
    """Positions of the cells that are not answers."""
    return (int(i) for i in np.flatnonzero(points == -1.0))

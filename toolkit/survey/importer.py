"""A survey tool's export -> the aggregates an engagement keeps, all or nothing.

:func:`survey_from_export` reads the export (:mod:`toolkit.survey.layouts`), sorts its columns
(identifying, the tool's own, statements, the segment, comments, the rest), matches the
statements (:mod:`toolkit.survey.matching`), reads every answer, turns reverse-worded
statements round and aggregates (:mod:`toolkit.survey.aggregate`). It returns the
:class:`~toolkit.survey.model.StaffSurvey` and a :class:`SurveyImport` report of what was read,
or raises one :class:`~toolkit.errors.SurveyImportError` listing every problem, with file, row
and column. Nothing is stored here: :func:`import_survey` is the change that stores a survey
(:func:`toolkit.store.update_engagement`, or a store's ``apply``).

Identifying columns (names, email addresses, IP addresses, recipient fields, locations,
tokens, response ids, external references) are read only to take their values out of the
comments; their values, and every single response, go no further.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from toolkit._checks import _CONTROL_RE
from toolkit.change_log import LoggedChange, plain_label
from toolkit.errors import SurveyImportError
from toolkit.findings import Change, Engagement, author
from toolkit.framework import Framework, load_framework, statement_key
from toolkit.survey.aggregate import aggregate
from toolkit.survey.layouts import IDENTIFYING_PATTERN, Column, Export, Layout, read_export
from toolkit.survey.matching import (
    COMMENT_QUESTION,
    Mapping,
    _header_key,
    answer_cells,
    first_bad,
    framework_statements,
    looks_like_answers,
    match_column,
    read_mapping,
    scale_words,
)
from toolkit.survey.model import DEFAULT_COMMENT_K, DEFAULT_K, MIN_K, StaffSurvey

__all__ = [
    "SurveyImport",
    "import_survey",
    "survey_from_bytes",
    "survey_from_export",
    "survey_from_frame",
]

#: The longest comment kept; a longer one is cut with an ellipsis.
MAX_COMMENT = 2000
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
#: What a comment reads where an identifying value (a name, an address) stood.
REMOVED = "(removed)"
_PREVIEW = re.compile(r"preview|test|spam")
_PREVIEW_CODES = {"1", "2", "8", "9", "12", "17"}  # Qualtrics' numeric Status of such responses


@dataclass(frozen=True)
class SurveyImport:
    """What an import read: the aggregates, and the columns as it understood them."""

    survey: StaffSurvey
    tool: str
    responses: int
    #: Statement code -> the column it was read from (``column F ("...")``).
    matched: dict[str, str] = field(default_factory=dict)
    #: Statements of the framework the export does not ask.
    not_asked: tuple[str, ...] = ()
    #: Columns neither answers, segment nor comments (a question the framework does not have).
    ignored: tuple[str, ...] = ()
    #: Identifying columns, read for nothing but cleaning comments.
    identifying: tuple[str, ...] = ()
    #: Answers dropped as "don't know", N/A or empty.
    dropped: int = 0
    #: Responses left out as previews, tests or spam (Qualtrics' Status).
    previews: int = 0
    comment_columns: tuple[str, ...] = ()


def _kept_rows(export: Export) -> np.ndarray:
    keep = np.ones(len(export.table), dtype=bool)
    if export.layout.tool != "Qualtrics":
        return keep
    for column in export.columns:
        if column.name.casefold() in ("status", "distributionchannel"):
            values = export.table[column.index].astype(str).str.strip().str.casefold()
            flagged = values.str.contains(_PREVIEW) | values.isin(_PREVIEW_CODES)
            keep &= ~flagged.to_numpy()
    return keep


_WORD = re.compile(r"\w+(?:[.'@-]\w+)*")


def _clean(text: str, identifying: set[str]) -> str:
    """A comment with control characters, email addresses and identifying values (any word of
    a name, an address, a token the export's identifying columns hold) taken out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub(" ", text)
    text = _EMAIL.sub(REMOVED, text)
    if identifying:
        text = _WORD.sub(
            lambda m: REMOVED if m.group().casefold() in identifying else m.group(), text
        )
    text = text.strip()
    return text if len(text) <= MAX_COMMENT else text[: MAX_COMMENT - 1].rstrip() + "\u2026"


def _identifying_values(export: Export, columns: Sequence[Column]) -> set[str]:
    # Every distinct value of every column on a line of its own, read by one pass of the
    # pattern: a word never runs across a line break.
    distinct = {
        str(v)
        for column in columns
        for v in np.asarray(export.table[column.index].unique(), dtype=object).tolist()
    }
    words = set(_WORD.findall("\n".join(distinct).casefold()))
    # An address's local part often spells a name (tom.reyes@, ana_lima@): its parts too.
    words |= {
        part
        for w in words
        if "@" in w
        for part in re.split(r"[._+\-\d]+", w.split("@", 1)[0])
        if part.isalpha()
    }
    return {w for w in words if len(w) >= 3 and not w.isdigit()}


def _names(column: Column) -> set[str]:
    """The ways a segment column may be named: its header, its question text (Qualtrics), and
    LimeSurvey's code and text apart (``TEAM. Which team?``)."""
    out = set()
    for whole in (column.name, column.text):
        key = " ".join(whole.casefold().split())
        if key:
            out.add(key)
            code, dot, rest = key.partition(". ")
            if dot and re.fullmatch(r"[a-z][a-z0-9_]*(\[[^\]]*\])*", code):
                out.update({code, rest})
    return out


def _find_segment(export: Export, name: str, taken: set[int]) -> Column:
    key = " ".join(name.casefold().split())
    found = [c for c in export.columns if key in _names(c)]
    if not found:
        others = [
            c.where for c in export.columns if c.index not in taken and export.kind(c) == "answers"
        ]
        raise SurveyImportError(
            export.source,
            [
                f"row 1: no column {name!r} to take segments from; the columns that are not "
                f"statements are {', '.join(others[:12]) or 'none'}"
            ],
        )
    column = found[0]
    if export.kind(column) == "identifying" or IDENTIFYING_PATTERN.search(key):
        raise SurveyImportError(
            export.source,
            [
                f"row 1, {column.where}: identifies respondents, so it cannot be a segment; a "
                "segment is a group such as a team or a site"
            ],
        )
    return column


def survey_from_export(
    export: Export,
    *,
    framework: Framework | None = None,
    k: int = DEFAULT_K,
    comment_k: int = DEFAULT_COMMENT_K,
    expected: int | None = None,
    segment: str | None = None,
    mapping: Mapping | None = None,
) -> SurveyImport:
    """The aggregates of a read export (see the module docstring).

    Parameters
    ----------
    export
        What :func:`toolkit.survey.layouts.read_export` read.
    framework
        The framework whose statements the survey asked (default: the bundled one).
    k
        The least respondents a group shown has: 3 or more (default 5).
    comment_k
        The least respondents a group's comments are kept for (default 10; at least ``k``).
    expected
        The headcount the survey was sent to, for the response rate.
    segment
        The column whose answers are segments (a team, a site).
    mapping
        What a mapping file says (:func:`toolkit.survey.matching.read_mapping`).
    """
    fw = framework or load_framework()
    source = export.source
    if k < MIN_K:
        raise SurveyImportError(
            source, [f"k is {k}; results are shown for groups of at least {MIN_K}, never fewer"]
        )
    comment_k = max(comment_k, k)
    mapping = mapping or Mapping()
    statements = {s.code: s for s in framework_statements(fw)}
    if not statements:
        raise SurveyImportError(
            source,
            [
                f"the framework {fw.id!r} has no survey statements; give its factors "
                "[[factors.statements]] (see the bundled framework file)"
            ],
        )
    keys = {statement_key(s.text): code for code, s in statements.items()}
    keys[statement_key(COMMENT_QUESTION)] = "comment"
    table = export.table.fillna("")
    problems: list[str] = []
    identifying: list[Column] = []
    matched: dict[str, Column] = {}
    comment_columns: list[Column] = []
    ignored: list[Column] = []
    segment_column = _find_segment(export, segment, set()) if segment else None
    for column in export.columns:
        if segment_column is not None and column.index == segment_column.index:
            continue
        role = mapping.columns.get(" ".join(column.name.casefold().split()))
        kind = export.kind(column)
        if role == "ignore":
            ignored.append(column)
            continue
        if role is None and kind == "identifying":
            identifying.append(column)
            continue
        if role is None and kind == "metadata":
            continue
        if role == "segment":
            problems.append(
                f"row 1, {column.where}: the mapping names it the segment; name it with "
                "--segment instead"
            )
            continue
        target, ambiguous = (role, []) if role else match_column(column.name, column.text, keys)
        if ambiguous:
            problems.append(
                f"row 1, {column.where}: the text, cut short, begins more than one statement "
                f"({', '.join(ambiguous)}); name the statement in a mapping file (--mapping)"
            )
            continue
        if target == "comment":
            comment_columns.append(column)
        elif target is not None:
            if target in matched:
                problems.append(
                    f"row 1, {column.where}: statement {target} is already read from "
                    f"{matched[target].where}; remove one of them, or map it (--mapping)"
                )
                continue
            matched[target] = column
        elif looks_like_answers(table[column.index], mapping.answers):
            problems.append(
                f"row 1, {column.where}: holds answers on the agreement scale but matches no "
                f"statement of the framework {fw.id!r}; check the text against `tenfold survey "
                "questionnaire`, or name the statement in a mapping file (--mapping)"
            )
        else:
            ignored.append(column)
    if not matched and not problems:
        seen = ", ".join(c.where for c in ignored[:6]) or "none"
        problems.append(
            "row 1: no column matches a statement of the framework (the columns read as other "
            f"questions: {seen}); was the questionnaire made with `tenfold survey "
            "questionnaire` from the same framework? Columns headed by codes, or answers "
            "exported as codes, need a mapping file (--mapping)"
        )
    keep = _kept_rows(export)
    previews = int((~keep).sum())
    order = [code for code in statements if code in matched]
    values = np.full((len(table), len(order)), np.nan)
    dropped = 0
    for j, code in enumerate(order):
        column = matched[code]
        points, blank = answer_cells(table[column.index], mapping.answers)
        bad = [i for i in first_bad(points) if keep[i]]
        if bad:
            first = bad[0]
            value = str(table.iat[first, column.index]).strip()
            more = f" (and {len(bad) - 1} more rows)" if len(bad) > 1 else ""
            problems.append(
                f"row {export.row_number(first)}, {column.where}: {value[:60]!r} is not an "
                f"answer on the agreement scale ({scale_words()}){more}"
            )
            continue
        dropped += int((np.isnan(points) & keep & ~blank).sum())
        if statements[code].reverse:
            points = 6.0 - points
        values[:, j] = points - 1.0
    if problems:
        raise SurveyImportError(source, problems)
    no_comment: tuple[str, ...] = ()
    comments: list[Sequence[str]] = [no_comment] * len(table)  # a list only where one is written
    # Per comment column: each row's code, and the distinct texts (each cleaned once).
    written: list[tuple[list[int], list[str]]] = []
    for c in comment_columns:
        found, distinct = pd.factorize(table[c.index].astype(str), sort=False)
        texts = [str(t) for t in distinct]
        if any(t.strip() for t in texts):
            written.append((found.tolist(), texts))
    secret = _identifying_values(export, identifying) if written else set()
    for row_codes, texts in written:
        cleaned = [_clean(t, secret) if t.strip() else "" for t in texts]
        for i, at in enumerate(row_codes):
            if at >= 0 and cleaned[at]:
                comments[i] = [*comments[i], cleaned[at]]
    segments: list[str] | None = None
    if segment_column is not None:
        codes, names = pd.factorize(table[segment_column.index].astype(str), sort=False)
        plain = [" ".join(_CONTROL_RE.sub(" ", str(s)).split())[:120] for s in names]
        segments = [plain[c] for c in codes.tolist()]
    kept_idx = np.flatnonzero(keep)
    responses = int(
        (
            (~np.isnan(values[kept_idx])).any(axis=1)
            | np.array([bool(comments[i]) for i in kept_idx])
        ).sum()
    )
    if expected is not None and responses > expected:
        raise SurveyImportError(
            source,
            [
                f"{responses} responses, more than the expected headcount of {expected}; check "
                "the headcount (--expected), or whether the export holds duplicate responses"
            ],
        )
    survey = aggregate(
        values[kept_idx],
        [statements[code].factor for code in order],
        tool=export.layout.tool,
        segments=[segments[i] for i in kept_idx] if segments is not None else None,
        segment_column=segment_column.name if segment_column is not None else None,
        comments=[comments[i] for i in kept_idx],
        k=k,
        comment_k=comment_k,
        expected=expected,
        factor_order=fw.factor_ids,
    )
    return SurveyImport(
        survey=survey,
        tool=export.layout.tool,
        responses=responses,
        matched={code: matched[code].where for code in order},
        not_asked=tuple(code for code in statements if code not in matched),
        ignored=tuple(c.where for c in ignored),
        identifying=tuple(c.where for c in identifying),
        dropped=dropped,
        previews=previews,
        comment_columns=tuple(c.where for c in comment_columns),
    )


def survey_from_bytes(
    data: bytes,
    source: str,
    *,
    framework: Framework | None = None,
    k: int = DEFAULT_K,
    comment_k: int = DEFAULT_COMMENT_K,
    expected: int | None = None,
    segment: str | None = None,
    mapping: str | None = None,
    mapping_source: str = "mapping",
) -> SurveyImport:
    """An export's bytes -> :class:`SurveyImport` (what a dashboard's drop zone calls).

    ``mapping`` is a mapping file's text (:func:`toolkit.survey.matching.read_mapping`). Raises
    :class:`~toolkit.errors.SurveyImportError`, one message naming the file, row and column of
    every problem; nothing is stored either way.
    """
    fw = framework or load_framework()
    parsed = read_mapping(mapping, mapping_source, fw) if mapping is not None else None
    return survey_from_export(
        read_export(data, source),
        framework=fw,
        k=k,
        comment_k=comment_k,
        expected=expected,
        segment=segment,
        mapping=parsed,
    )


#: A table an analyst built or read: no header rows of its own, no columns of a tool's own.
FRAME_LAYOUT = Layout(
    tool="a table", starts=(), identifying=frozenset(), metadata=frozenset(), header_rows=0
)


def survey_from_frame(
    responses: pd.DataFrame,
    *,
    framework: Framework | None = None,
    k: int = DEFAULT_K,
    comment_k: int = DEFAULT_COMMENT_K,
    expected: int | None = None,
    segment: str | None = None,
    mapping: str | None = None,
    source: str = "the table",
) -> SurveyImport:
    """The aggregates of a table of responses, one row per respondent: the analyst's way in.

    The columns are statements, headed by their text or their code (``composure.1``, as
    :func:`~toolkit.survey.questionnaire.questionnaire` numbers them); the answers the words of
    the agreement scale or the numbers 1-5 (NaN, empty or "don't know": no answer). A column
    named by ``segment`` gives each respondent's team or site; a column headed by the
    questionnaire's comment question, the comments. Identifying columns (Email, Name, ...) are
    read only to take their values out of the comments, as in an export. The same rules as an
    import apply: a problem raises :class:`~toolkit.errors.SurveyImportError` naming the row
    (its position in the table, from 0) and the column (by its spreadsheet letter and header).

    Examples
    --------
    >>> import pandas as pd
    >>> from toolkit.survey import survey_from_frame
    >>> answers = pd.DataFrame({"composure.1": [4, 5, 3, 4, 2], "composure.2": [2, 1, 3, 2, 4]})
    >>> survey_from_frame(answers).survey.group("composure").n
    5
    """
    fw = framework or load_framework()
    if not isinstance(responses, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame of responses, got {type(responses).__name__}")
    parsed = read_mapping(mapping, "mapping", fw) if mapping is not None else Mapping()
    by_code = {_header_key(s.code): s.code for s in framework_statements(fw)}
    parsed = Mapping(columns={**by_code, **parsed.columns}, answers=parsed.answers)
    table = pd.DataFrame(
        {
            i: [
                "" if v is None or (isinstance(v, float) and np.isnan(v)) else _frame_text(v)
                for v in responses.iloc[:, i].tolist()
            ]
            for i in range(responses.shape[1])
        },
        index=pd.RangeIndex(len(responses)),
        columns=pd.RangeIndex(responses.shape[1]),
        dtype=object,
    )
    if table.empty:
        raise SurveyImportError(source, ["no responses: the table has no rows or no columns"])
    columns = tuple(Column(index=i, name=str(c).strip()) for i, c in enumerate(responses.columns))
    export = Export(source=source, layout=FRAME_LAYOUT, columns=columns, table=table, first_row=0)
    return survey_from_export(
        export,
        framework=fw,
        k=k,
        comment_k=comment_k,
        expected=expected,
        segment=segment,
        mapping=parsed,
    )


def _frame_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def import_survey(
    survey: StaffSurvey, *, source: str, by: str | None = None, keep_setting: bool = True
) -> Change:
    """The change that stores ``survey`` in an engagement, replacing any survey it had.

    ``keep_setting`` keeps the engagement's choice to count the survey as a rater (set by
    :func:`set_count_as_rater`) across a new import. The change log records the import (the
    tool, the file's name, how many responded), never the figures: two logged versions could
    otherwise be subtracted from each other.
    """
    name = plain_label(source)

    def change(e: Engagement) -> Engagement:
        kept = survey
        if keep_setting and e.survey is not None:
            kept = survey.model_copy(update={"count_as_rater": e.survey.count_as_rater})
        shown = kept.respondents if kept.respondents is not None else f"fewer than {kept.k}"
        return e.model_copy(update={"survey": kept}).logged(
            LoggedChange(
                by=author(e, by),
                kind="survey",
                subject=name,
                summary=f"Staff survey imported from {name} ({kept.tool}, {shown} respondents)",
                after={"tool": kept.tool, "k": kept.k, "comment_k": kept.comment_k},
            )
        )

    return change


def set_count_as_rater(value: bool, *, by: str | None = None) -> Change:
    """The change that makes the engagement count its survey as one more rater, or not."""

    def change(e: Engagement) -> Engagement:
        if e.survey is None:
            raise SurveyImportError(
                e.client, ["has no staff survey to count; import one first (tenfold survey import)"]
            )
        if e.survey.count_as_rater == value:
            return e
        words = "counts as one more rater" if value else "no longer counts as a rater"
        return e.model_copy(
            update={"survey": e.survey.model_copy(update={"count_as_rater": value})}
        ).logged(
            LoggedChange(
                by=author(e, by),
                kind="survey",
                subject="engagement",
                summary=f"The staff survey {words} in the scores",
                before=not value,
                after=value,
            )
        )

    return change


def remove_survey(*, by: str | None = None) -> Change:
    """The change that takes the staff survey out of an engagement."""

    def change(e: Engagement) -> Engagement:
        if e.survey is None:
            return e
        return e.model_copy(update={"survey": None}).logged(
            LoggedChange(
                by=author(e, by),
                kind="survey",
                subject="engagement",
                summary="Staff survey removed",
            )
        )

    return change

"""Findings in and out of CSV and Excel files.

Imports are all-or-nothing: every row is checked first, every bad row is reported at once
(``row 7, level: 5 is outside 0-4``), and nothing is imported unless all rows are good. Rows are
numbered as a spreadsheet shows them (header = row 1). What a file may be (size, rows, a
workbook's unpacked size) is in :mod:`toolkit.limits`, and how it is read in
:mod:`toolkit._sheets`: CSV with ``,``, ``;`` or tab, XLSX with dates as dates.

Exports neutralise text that a spreadsheet would run as a formula, and the import takes that
back exactly, so a round trip keeps every string as it was; in a workbook, evidence longer than
Excel's 32,767 characters per cell continues in the columns ``evidence_2``, ``evidence_3``...,
which the import joins again. How cells are written is :mod:`toolkit.workbook`'s.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from toolkit._files import write_atomic
from toolkit._model import utcnow
from toolkit._sheets import Cell, column_letter, read_table
from toolkit.errors import ExportError, FindingsImportError, require_columns
from toolkit.findings import (
    FINDING_COLUMNS,
    Engagement,
    Finding,
    describe_validation_error,
    findings_to_frame,
)
from toolkit.framework import Framework, load_framework
from toolkit.workbook import continue_long_text, neutralize, unneutralize, xlsx_bytes

__all__ = [
    "IMPORT_COLUMNS",
    "export_findings",
    "import_findings",
    "neutralize",
    "read_findings",
]

#: Columns an import understands; ``factor``, ``level`` and ``evidence`` are required, and
#: ``evidence_2``, ``evidence_3``... continue a long evidence text.
IMPORT_COLUMNS: tuple[str, ...] = ("factor", "level", "evidence", "source", "rater", "recorded_at")
_REQUIRED = ("factor", "level", "evidence")
_CONTINUATION = re.compile(r"evidence_([2-9]|[1-9][0-9]+)")
_SHOWN_COLUMNS = 5


def _cell_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _date_value(value: Cell) -> Any:
    """A recorded_at cell as the finding takes it: dates as dates, numbers left to be refused."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=dt.UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else value
    return unneutralize(_cell_text(value).strip())


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _columns(
    header: list[str], rows: list[tuple[int, list[Cell]]]
) -> tuple[dict[str, int], list[str]]:
    """The index of each named column, and the problems with the header."""
    problems = []
    used = {i for _, row in rows for i, cell in enumerate(row) if _cell_text(cell).strip()}
    index: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for i, name in enumerate(header):
        if not name:
            if i in used:
                problems.append(
                    f"column {column_letter(i)} has values but no name in the header row; "
                    "name it or delete it"
                )
            continue
        if name in index:
            repeated.append(name)
            continue
        index[name] = i
        if name not in (*IMPORT_COLUMNS, "id") and not _CONTINUATION.fullmatch(name):
            unknown.append(name)
    missing = [c for c in _REQUIRED if c not in index]
    if missing:
        problems.insert(0, f"missing column(s): {', '.join(missing)}")
    if unknown:
        shown = ", ".join(repr(_shorten(c)) for c in unknown[:_SHOWN_COLUMNS])
        more = len(unknown) - _SHOWN_COLUMNS
        problems.append(
            f"unexpected column(s): {shown}"
            + (f" and {more:,} more" if more > 0 else "")
            + f"; expected {', '.join(IMPORT_COLUMNS)}"
        )
    if repeated:
        problems.append(
            f"column(s) named twice in the header: {', '.join(map(repr, repeated[:5]))}"
        )
    return index, problems


def _evidence_columns(index: dict[str, int]) -> list[int]:
    continued = sorted(
        (int(m.group(1)), i) for name, i in index.items() if (m := _CONTINUATION.fullmatch(name))
    )
    return [index["evidence"], *(i for _, i in continued)]


def read_findings(
    path: str | Path,
    *,
    framework: Framework | None = None,
    default_rater: str | None = None,
) -> list[Finding]:
    """Read and validate findings from a CSV or XLSX file.

    Parameters
    ----------
    path
        A ``.csv`` (UTF-8; comma, semicolon or tab separated) or ``.xlsx`` file with a header
        row naming the columns of :data:`IMPORT_COLUMNS` (``factor``, ``level`` and
        ``evidence`` required; empty unnamed columns are ignored). ``factor`` may be the id or
        the label (case-insensitive); ``source`` defaults to interview, ``rater`` to
        ``default_rater``, ``recorded_at`` to now (a date, or date and time, never a bare
        number). An ``id`` column is ignored: imported findings get new ids.

    Raises
    ------
    FindingsImportError
        With every problem listed (``row 7, level: 5 is outside 0-4``), or the one thing that
        kept the file from being read (a limit of :mod:`toolkit.limits`, an unclosed quote).
    """
    path = Path(path)
    fw = framework or load_framework()
    table = read_table(path, (*IMPORT_COLUMNS, "id"))
    index, problems = _columns(table.header, table.rows)
    if problems:
        raise FindingsImportError(str(path), problems)
    if not table.rows:
        raise FindingsImportError(str(path), ["no findings below the header row"])
    evidence_at = _evidence_columns(index)
    width = len(table.header)

    def cell(row: list[Cell], name: str) -> Cell:
        i = index.get(name)
        return row[i] if i is not None and i < len(row) else None

    now = utcnow()
    findings: list[Finding] = []
    for number, row in table.rows:
        if any(_cell_text(c).strip() for c in row[width:]):
            problems.append(f"row {number}: more cells than header columns")
            continue
        text = {name: unneutralize(_cell_text(cell(row, name)).strip()) for name in index}
        evidence = "".join(unneutralize(_cell_text(row[i])) for i in evidence_at if i < len(row))
        data: dict[str, Any] = {"evidence": evidence, "level": text["level"]}
        factor = fw.resolve_factor(text["factor"]) if text["factor"] else None
        if factor is None:
            if text["factor"]:
                guess = fw.suggest_factor(text["factor"])
                hint = f"; did you mean {guess!r}?" if guess else ""
                problems.append(f"row {number}, factor: unknown factor {text['factor']!r}{hint}")
            else:
                problems.append(f"row {number}, factor: is empty")
            data["factor"] = "?"
        else:
            data["factor"] = factor
        if not text["level"]:
            problems.append(f"row {number}, level: is empty")
            continue
        data["source"] = text.get("source", "").lower() or "interview"
        rater = text.get("rater") or default_rater
        if not rater:
            problems.append(f"row {number}, rater: is empty and no default rater was given")
            continue
        data["rater"] = rater
        recorded = _date_value(cell(row, "recorded_at"))
        data["recorded_at"] = now if recorded == "" else recorded
        try:
            finding = Finding.model_validate(data)
        except ValidationError as exc:
            problems += [f"row {number}, {p}" for p in describe_validation_error(exc)]
            continue
        if factor is not None:
            findings.append(finding)
    if problems:
        raise FindingsImportError(str(path), problems)
    return findings


def import_findings(
    engagement: Engagement, path: str | Path, *, framework: Framework | None = None
) -> Engagement:
    """``engagement`` with every finding of ``path`` added, or an error and no change at all."""
    new = read_findings(path, framework=framework, default_rater=engagement.lead)
    return engagement.with_findings([*engagement.findings, *new])


def _export_frame(findings: Engagement | pd.DataFrame | Iterable[Finding]) -> pd.DataFrame:
    if isinstance(findings, Engagement):
        frame = findings.findings_frame()
    elif isinstance(findings, pd.DataFrame):
        # A file without these could not be imported again.
        require_columns(findings, _REQUIRED, table="findings", hint="an import needs them")
        frame = findings.copy()
    else:
        frame = findings_to_frame(findings)
    cols = [c for c in FINDING_COLUMNS if c in frame.columns]
    frame = frame[cols].copy()
    if "recorded_at" in frame.columns:
        stamps = pd.to_datetime(frame["recorded_at"], utc=True)
        frame["recorded_at"] = stamps.map(lambda t: t.isoformat() if pd.notna(t) else "")
    for col in frame.columns:
        if col != "level":
            frame[col] = frame[col].map(lambda v: "" if v is None else str(v))
    return frame


def export_findings(
    findings: Engagement | pd.DataFrame | Iterable[Finding], path: str | Path
) -> Path:
    """Write findings to ``.csv`` (UTF-8) or ``.xlsx``, formula-like text neutralised.

    A DataFrame must have the columns an import needs (``factor``, ``level``, ``evidence``;
    :class:`~toolkit.errors.MissingColumnsError` otherwise); the other columns of
    :data:`~toolkit.findings.FINDING_COLUMNS` are written where it has them.

    The file is written to a temporary name and renamed into place, so a failed export
    never leaves half a file; an existing file keeps its permissions, a read-only one is
    refused (:func:`toolkit._files.write_atomic`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ExportError(f"{path}: unsupported file type {suffix!r}; use .csv or .xlsx")
    frame = _export_frame(findings)
    if suffix == ".csv":
        for col in frame.columns:
            if col != "level":
                frame[col] = frame[col].map(neutralize)
        data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    else:
        data = xlsx_bytes({"Findings": continue_long_text(frame)})
    write_atomic(path, data)
    return path

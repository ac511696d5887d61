"""Findings in and out of CSV and Excel files.

Imports are all-or-nothing: every row is checked first, every bad row is reported at once
(``row 7, level: 5 is outside 0-4``), and nothing is imported unless all rows are good. Rows are
numbered as a spreadsheet shows them (header = row 1).

Exports neutralise text that a spreadsheet would run as a formula: a cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, which the
import strips again, so a round trip keeps the text as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import ValidationError

from toolkit._files import write_atomic
from toolkit.errors import ExportError, FindingsImportError
from toolkit.findings import (
    FINDING_COLUMNS,
    Engagement,
    Finding,
    describe_validation_error,
    findings_to_frame,
    utcnow,
)
from toolkit.framework import Framework, load_framework

__all__ = [
    "IMPORT_COLUMNS",
    "export_findings",
    "import_findings",
    "neutralize",
    "read_findings",
]

#: Columns an import understands; ``factor``, ``level`` and ``evidence`` are required.
IMPORT_COLUMNS: tuple[str, ...] = ("factor", "level", "evidence", "source", "rater", "recorded_at")
_REQUIRED = ("factor", "level", "evidence")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TableFormat = Literal["csv", "xlsx"]


def neutralize(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made literal with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _unneutralize(value: str) -> str:
    if value.startswith("'") and value[1:2] and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


def _format_of(path: Path) -> TableFormat:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".xlsx":
        return "xlsx"
    raise FindingsImportError(str(path), [f"unsupported file type {suffix!r}; use .csv or .xlsx"])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and data rows of a CSV or XLSX file, every cell as text."""
    fmt = _format_of(path)
    try:
        if fmt == "csv":
            text = path.read_text(encoding="utf-8-sig")
            rows = [row for row in csv.reader(io.StringIO(text, newline=""))]
        else:
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = wb["Findings"] if "Findings" in wb.sheetnames else wb.worksheets[0]
                rows = [[_cell_text(c) for c in r] for r in sheet.iter_rows(values_only=True)]
            finally:
                wb.close()
    except FileNotFoundError:
        raise FindingsImportError(str(path), ["no such file"]) from None
    except UnicodeDecodeError:
        raise FindingsImportError(str(path), ["not UTF-8 text; save the CSV as UTF-8"]) from None
    except csv.Error as exc:
        raise FindingsImportError(str(path), [f"not a readable CSV file ({exc})"]) from None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise FindingsImportError(
            str(path), [f"not a readable {fmt.upper()} file ({exc})"]
        ) from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise FindingsImportError(str(path), ["the file is empty; expected a header row"])
    header = [c.strip().lower() for c in rows[0]]
    return header, rows[1:]


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
        A ``.csv`` (UTF-8) or ``.xlsx`` file with a header row naming the columns of
        :data:`IMPORT_COLUMNS` (``factor``, ``level`` and ``evidence`` required). ``factor``
        may be the id or the label (case-insensitive); ``source`` defaults to interview,
        ``rater`` to ``default_rater``, ``recorded_at`` to now. An ``id`` column is ignored:
        imported findings get new ids.

    Raises
    ------
    FindingsImportError
        With every problem listed (``row 7, level: 5 is outside 0-4``).
    """
    path = Path(path)
    fw = framework or load_framework()
    header, rows = _read_rows(path)
    unknown = [c for c in header if c not in (*IMPORT_COLUMNS, "id")]
    missing = [c for c in _REQUIRED if c not in header]
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(
            f"unexpected column(s): {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(IMPORT_COLUMNS)}"
        )
    if len(set(header)) != len(header):
        problems.append("a column name appears twice in the header")
    if problems:
        raise FindingsImportError(str(path), problems)
    if not rows:
        raise FindingsImportError(str(path), ["no findings below the header row"])

    now = utcnow()
    findings: list[Finding] = []
    for number, row in enumerate(rows, start=2):
        if len(row) > len(header) and any(c.strip() for c in row[len(header) :]):
            problems.append(f"row {number}: more cells than header columns")
            continue
        cells = {
            name: _unneutralize(row[i].strip()) if i < len(row) else ""
            for i, name in enumerate(header)
        }
        data: dict[str, Any] = {"evidence": cells["evidence"], "level": cells["level"]}
        factor = fw.resolve_factor(cells["factor"]) if cells["factor"] else None
        if factor is None:
            problems.append(
                f"row {number}, factor: "
                + (f"unknown factor {cells['factor']!r}" if cells["factor"] else "is empty")
            )
            data["factor"] = "?"
        else:
            data["factor"] = factor
        if not cells["level"]:
            problems.append(f"row {number}, level: is empty")
            continue
        data["source"] = cells.get("source", "").lower() or "interview"
        rater = cells.get("rater") or default_rater
        if not rater:
            problems.append(f"row {number}, rater: is empty and no default rater was given")
            continue
        data["rater"] = rater
        data["recorded_at"] = cells.get("recorded_at") or now
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
            frame[col] = frame[col].map(lambda v: neutralize("" if v is None else str(v)))
    return frame


def export_findings(
    findings: Engagement | pd.DataFrame | Iterable[Finding], path: str | Path
) -> Path:
    """Write findings to ``.csv`` (UTF-8) or ``.xlsx``, formula-like text neutralised.

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
        data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    else:
        data = xlsx_bytes({"Findings": frame})
    write_atomic(path, data)
    return path


def write_xlsx(sheets: dict[str, pd.DataFrame], path: str | Path, *, index: bool = False) -> Path:
    """Write DataFrames as sheets of an XLSX file (see :func:`xlsx_bytes`), atomically."""
    return write_atomic(path, xlsx_bytes(sheets, index=index))


def xlsx_bytes(
    sheets: dict[str, pd.DataFrame],
    *,
    index: bool = False,
    properties: dict[str, str] | None = None,
) -> bytes:
    """DataFrames as the sheets of an XLSX workbook, as bytes.

    Each sheet has a bold, frozen header and fitted column widths; text is kept literal
    (formula-like text neutralised). ``properties`` sets the workbook's document properties
    (``title``, ``creator``, ``subject``), each cut to Excel's 255 characters.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=name[:31])
        data = frame.reset_index() if index else frame
        columns = [str(c) for c in data.columns]
        ws.append(columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in data.itertuples(index=False):
            ws.append([_xlsx_value(v) for v in row])
        ws.freeze_panes = "A2"
        for i, col in enumerate(columns, start=1):
            longest = max([len(col), *(len(str(v)) for v in data.iloc[:, i - 1].head(500))])
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = min(max(10, longest + 2), 80)
            if longest > 80:
                for cell in ws[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for key, value in (properties or {}).items():
        setattr(wb.properties, key, value[:255])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, bool | int | float):
        return value
    return neutralize(str(value))

"""Rows out of a CSV or XLSX file, read defensively: limits first, then a safe parser.

Before anything is parsed the file must be a regular file within
:data:`toolkit.limits.MAX_IMPORT_BYTES`; a workbook must also unpack to at most
:data:`toolkit.limits.MAX_IMPORT_UNPACKED_BYTES` (read from the zip directory, so a zip bomb is
refused without being unpacked), and a table may have at most
:data:`toolkit.limits.MAX_IMPORT_ROWS` rows below its header.

- CSV: UTF-8 (a byte-order mark is fine); the delimiter is the one of ``,`` ``;`` or tab that
  splits the header row into the most known column names, so files saved by a European Excel
  (``;``) or as tab-separated text import as they are. A quote that is never closed is reported
  at the row where it opens instead of swallowing every row after it.
- XLSX: read by python-calamine, a compiled reader that does not expand XML entities; the sheet
  named ``Findings`` or else the first. Date cells arrive as dates, numbers as numbers.

Rows keep the numbers a spreadsheet shows (the header is row 1 when it is the first line).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit import limits
from toolkit._files import irregular
from toolkit.errors import FindingsImportError

__all__ = ["Table", "column_letter", "read_table"]

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass(frozen=True)
class Table:
    """A header row and the rows below it, each with the number a spreadsheet shows."""

    header: list[str]
    rows: list[tuple[int, list[Cell]]]


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _fail(path: Path, problem: str) -> FindingsImportError:
    return FindingsImportError(str(path), [problem])


def _is_blank(row: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in row)


def _too_many_rows(path: Path) -> FindingsImportError:
    return _fail(
        path,
        f"more than {limits.MAX_IMPORT_ROWS:,} rows of findings; Tenfold imports up to "
        f"{limits.MAX_IMPORT_ROWS:,} rows at a time: split the file",
    )


def read_table(path: Path, known_columns: tuple[str, ...]) -> Table:
    """The header and rows of ``path`` (``.csv`` or ``.xlsx``), within the import limits.

    ``known_columns`` are the header names the caller understands; they pick a CSV's delimiter.

    Raises
    ------
    FindingsImportError
        The file is missing, not a regular file, over a limit, unreadable, or empty.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise _fail(path, f"unsupported file type {suffix!r}; use .csv or .xlsx")
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise _fail(path, "no such file") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise _fail(
            path, f"cannot read the file ({getattr(exc, 'strerror', None) or exc})"
        ) from None
    problem = irregular(st)
    if problem is not None:
        raise _fail(path, problem)
    size = st.st_size
    if size > limits.MAX_IMPORT_BYTES:
        raise _fail(
            path,
            f"the file is {limits.describe_bytes(size)}; Tenfold imports files up to "
            f"{limits.describe_bytes(limits.MAX_IMPORT_BYTES)}: split it",
        )
    numbered = _csv_rows(path, known_columns) if suffix == ".csv" else _xlsx_rows(path)
    numbered = [(n, row) for n, row in numbered if not _is_blank(row)]
    if not numbered:
        raise _fail(path, "the file is empty; expected a header row")
    (_, header_cells), *rows = numbered
    if len(rows) > limits.MAX_IMPORT_ROWS:
        raise _too_many_rows(path)
    header = ["" if c is None else str(c).strip().lower() for c in header_cells]
    return Table(header=header, rows=rows)


# -- CSV ---------------------------------------------------------------------------------------


def _delimiter(first_line: str, known_columns: tuple[str, ...]) -> str:
    """The delimiter, of ``,`` ``;`` and tab, that finds the most known names in the header."""
    known = set(known_columns)
    best, best_score = ",", 0
    for candidate in (",", ";", "\t"):
        try:
            names = next(csv.reader([first_line], delimiter=candidate))
        except (csv.Error, StopIteration):
            continue
        score = sum(1 for name in names if name.strip().lower() in known)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _csv_rows(path: Path, known_columns: tuple[str, ...]) -> list[tuple[int, list[Cell]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _fail(path, "not UTF-8 text; save the CSV as UTF-8") from None
    except OSError as exc:
        raise _fail(path, f"cannot read the file ({exc.strerror or exc})") from None
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # The csv module refuses a field over 131,072 characters unless told otherwise; no field
    # can be longer than the file, and the file is within MAX_IMPORT_BYTES, so a field may be
    # as long as the text: evidence of any length the import accepts comes back as it went.
    if csv.field_size_limit() < len(text) + 1:
        csv.field_size_limit(len(text) + 1)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(first_line, known_columns), strict=True
    )
    rows: list[tuple[int, list[Cell]]] = []
    number = 0
    while True:
        number += 1
        start_line = reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            spans_lines = reader.line_num - start_line > 1
            if spans_lines or "end of data" in str(exc):
                raise _fail(
                    path,
                    f"row {number}: a quote opened here is never closed; close it, or double "
                    'it ("") to keep it',
                ) from None
            raise _fail(path, f"row {number}: {exc}; check the quotes in this row") from None
        rows.append((number, list(row)))
        if len(rows) > limits.MAX_IMPORT_ROWS + 1:
            raise _too_many_rows(path)
    return rows


# -- XLSX --------------------------------------------------------------------------------------


def _xlsx_rows(path: Path) -> list[tuple[int, list[Cell]]]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _fail(
            path, f"not a readable XLSX file ({exc}); save it from Excel as an .xlsx workbook"
        ) from None
    if unpacked > limits.MAX_IMPORT_UNPACKED_BYTES:
        raise _fail(
            path,
            f"the workbook unpacks to {limits.describe_bytes(unpacked)}; Tenfold imports "
            f"workbooks that unpack to at most "
            f"{limits.describe_bytes(limits.MAX_IMPORT_UNPACKED_BYTES)}: is it a findings table?",
        )
    try:
        with CalamineWorkbook.from_path(str(path)) as workbook:
            names = workbook.sheet_names
            if not names:
                raise _fail(path, "the workbook has no sheets")
            sheet = workbook.get_sheet_by_name("Findings" if "Findings" in names else names[0])
            if sheet.height > limits.MAX_IMPORT_ROWS + 1:
                raise _too_many_rows(path)
            first_row = sheet.start[0] if sheet.start else 0
            values: list[list[Any]] = sheet.to_python(skip_empty_area=True)
    except FindingsImportError:
        raise
    except (CalamineError, OSError, ValueError, RuntimeError) as exc:
        raise _fail(
            path,
            f"not a readable XLSX file ({type(exc).__name__}: {exc}); open it in Excel and "
            "save it again as .xlsx",
        ) from None
    return [(first_row + i + 1, row) for i, row in enumerate(values)]

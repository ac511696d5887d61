"""Writing spreadsheets: text kept literal, long text continued, XLSX workbooks as bytes.

Text that a spreadsheet would run as a formula is neutralised: a cell starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, and so does text that
itself starts with an apostrophe; :func:`unneutralize` strips exactly one again, so a round
trip keeps every string as it was. In a workbook, text Excel would decode (``_x000D_``) is
escaped, and nothing is ever cut: text longer than a cell holds is continued in further
columns (:func:`continue_long_text`) or refused.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pandas as pd

from toolkit import limits
from toolkit._checks import control_character_problem
from toolkit.errors import ExportError

__all__ = [
    "continue_long_text",
    "neutralize",
    "split_for_cells",
    "unneutralize",
    "xlsx_bytes",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_GUARDED_START = (*_FORMULA_START, "'")
# Excel reads _xHHHH_ in a cell as the character U+HHHH; _x005F_ is its escape for "_".
_EXCEL_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def neutralize(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, made literal with a leading apostrophe.

    Text that starts with an apostrophe gets one more, so the import, which strips one
    apostrophe before such text, gives back exactly what was exported.
    """
    if isinstance(value, str) and value.startswith(_GUARDED_START):
        return "'" + value
    return value


def unneutralize(value: str) -> str:
    """``value`` as it was before :func:`neutralize`: one guarding apostrophe stripped."""
    if value.startswith("'") and value[1:].startswith(_GUARDED_START):
        return value[1:]
    return value


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cell_form(text: str) -> str:
    """Text as an XLSX cell holds it: Excel's escapes kept literal, formulas neutralised."""
    return str(neutralize(_EXCEL_ESCAPE.sub("_x005F_", text)))


def split_for_cells(text: str) -> list[str]:
    """``text`` cut into pieces whose cell form each fits one Excel cell (32,767 characters,
    counted as Excel counts them); joining the pieces gives ``text`` back."""
    pieces = []
    limit = limits.XLSX_CELL_CHARS
    rest = text
    while rest:
        size = min(len(rest), limit - 1)
        while size > 1 and _utf16_length(_cell_form(rest[:size])) > limit:
            size = size * 9 // 10
        pieces.append(rest[:size])
        rest = rest[size:]
    return pieces or [""]


def continue_long_text(frame: pd.DataFrame, column: str = "evidence") -> pd.DataFrame:
    """``frame`` with text too long for one Excel cell continued in ``column_2``, ``column_3``...

    The continuation columns follow ``column``; a frame whose text all fits is returned as is.
    """
    if column not in frame.columns or frame.empty:
        return frame
    texts = frame[column].map(lambda v: "" if v is None else str(v))
    if not (texts.str.len() > (limits.XLSX_CELL_CHARS - 1) // 2).any():
        return frame
    pieces = texts.map(split_for_cells)
    width = int(pieces.map(len).max())
    if width == 1:
        return frame
    out = frame.copy()
    out[column] = pieces.map(lambda p: p[0])
    position = list(out.columns).index(column)
    for k in range(2, width + 1):
        out.insert(
            position + k - 1,
            f"{column}_{k}",
            pieces.map(lambda p, k=k: p[k - 1] if len(p) >= k else None),
        )
    return out


def xlsx_bytes(
    sheets: dict[str, pd.DataFrame],
    *,
    index: bool = False,
    properties: dict[str, str] | None = None,
) -> bytes:
    """DataFrames as the sheets of an XLSX workbook, as bytes.

    Each sheet has a bold, frozen header and fitted column widths; text is kept literal
    (formula-like text neutralised, Excel's ``_xHHHH_`` escapes kept as typed). ``properties``
    sets the workbook's document properties (``title``, ``creator``, ``subject``...), each cut to
    Excel's 255 characters.

    Raises
    ------
    ExportError
        A cell would hold a control character or more than 32,767 characters (continue long
        text first with :func:`continue_long_text`): nothing is ever cut silently.
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
        for number, row in enumerate(data.itertuples(index=False), start=2):
            ws.append(
                [_xlsx_value(v, name, number, col) for v, col in zip(row, columns, strict=True)]
            )
        ws.freeze_panes = "A2"
        for i, col in enumerate(columns, start=1):
            longest = max([len(col), *(len(str(v)) for v in data.iloc[:, i - 1].head(500))])
            letter = ws.cell(row=1, column=i).column_letter
            ws.column_dimensions[letter].width = min(max(10, longest + 2), 80)
            if longest > 80:
                for cell in ws[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for key, value in (properties or {}).items():
        problem = control_character_problem(value)
        setattr(wb.properties, key, value[:255] if problem is None else "")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any, sheet: str, row: int, column: str) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # a date cell: sorted and filtered as a date
    text = str(value)
    problem = control_character_problem(text)
    if problem:
        raise ExportError(f"{sheet} sheet, row {row}, {column}: {problem}")
    text = _cell_form(text)
    if _utf16_length(text) > limits.XLSX_CELL_CHARS:
        raise ExportError(
            f"{sheet} sheet, row {row}, {column}: {len(text):,} characters, more than the "
            f"{limits.XLSX_CELL_CHARS:,} an Excel cell holds; export CSV instead"
        )
    return text

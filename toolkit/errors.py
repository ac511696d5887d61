"""The exceptions Tenfold raises for bad input.

Every error says what was wrong, where (file, row, factor, field) and, where it helps, what to
do about it. Catch :class:`TenfoldError` to handle them all::

    TenfoldError
    ├── FrameworkError          a framework file is missing, unreadable or invalid
    ├── EngagementError         an engagement file or object is invalid
    │   └── SchemaVersionError  the file was written with a schema this version cannot read
    ├── FindingsImportError     a CSV/XLSX import has bad rows (all listed; nothing imported)
    ├── SurveyImportError       a survey tool's export cannot be read or matched (file, row,
    │                           column named; nothing stored)
    ├── MissingColumnsError     a table (DataFrame) lacks columns a function needs; also a
    │                           ValueError, as pandas' own complaints about a table are
    ├── StoreError              an engagement could not be saved (lock timeout, disk error,
    │   │                       read-only file, more findings than toolkit.limits allows)
    │   ├── StoreUnavailableError  the store's database cannot be reached or refused the sign-in
    │   └── StoreSchemaError    the database has no Tenfold schema, or one that needs migrating
    ├── MissingExtraError       a dashboard, report or chart file needs a package of an extra
    │                           that is not installed; also an ImportError
    └── ExportError             a chart, table or report could not be written (nothing is cut:
                                text too long for a cell or holding a control character is an error)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EngagementError",
    "ExportError",
    "FindingsImportError",
    "FrameworkError",
    "MissingColumnsError",
    "MissingExtraError",
    "SchemaVersionError",
    "StoreError",
    "StoreSchemaError",
    "StoreUnavailableError",
    "SurveyImportError",
    "TenfoldError",
    "require_columns",
]


class TenfoldError(Exception):
    """Base class of every error caused by input that Tenfold cannot accept."""


class FrameworkError(TenfoldError):
    """A framework file is missing, unreadable or breaks a rule."""


class EngagementError(TenfoldError):
    """An engagement file or object is invalid."""


class SchemaVersionError(EngagementError):
    """An engagement file was written with a schema version this toolkit cannot read."""


class StoreError(TenfoldError):
    """An engagement could not be saved or locked."""


class StoreUnavailableError(StoreError):
    """A store's database cannot be reached, or refused the user's sign-in.

    The message names the server (never the password) and what to check.
    """


class StoreSchemaError(StoreError):
    """A database has no Tenfold schema, or one older or newer than this Tenfold's.

    The message names the server and the command to run (``tenfold store init URL``).
    """


class ExportError(TenfoldError):
    """A chart, table or report could not be written."""


class MissingExtraError(TenfoldError, ImportError):
    """What was asked for needs a package of one of Tenfold's extras, and it is not installed.

    ``extra`` names the extra; the message says what needed it and how to install it:
    ``"the PPTX report needs pptx, which is not installed: pip install 'tenfold[report]'"``.
    """

    def __init__(self, extra: str, purpose: str, missing: str | None) -> None:
        self.extra = extra
        what = missing or "a package"
        super().__init__(
            f"{purpose} needs {what}, which is not installed: pip install 'tenfold[{extra}]'",
            name=missing,
        )


class MissingColumnsError(TenfoldError, ValueError):
    """A table lacks columns a function needs; ``missing`` names them, in the order needed.

    The message reads like ``"findings: missing column(s) level, rater"``, then what to pass
    where that helps (``"pass the table made by portfolio_scores()"``).
    """

    def __init__(self, table: str, missing: Sequence[str], *, hint: str = "") -> None:
        self.table = table
        self.missing = tuple(missing)
        message = f"{table}: missing column(s) {', '.join(self.missing)}"
        super().__init__(f"{message}; {hint}" if hint else message)


def require_columns(
    frame: pd.DataFrame, needed: Iterable[str], *, table: str, hint: str = ""
) -> None:
    """Raise :class:`MissingColumnsError` unless ``frame`` has every column of ``needed``."""
    present = set(frame.columns)
    missing = [c for c in needed if c not in present]
    if missing:
        raise MissingColumnsError(table, missing, hint=hint)


class FindingsImportError(TenfoldError):
    """An import of findings failed; ``problems`` lists every bad row, and nothing was imported.

    Each problem reads like ``"row 7, level: 5 is outside 0-4"``. Rows are counted as a
    spreadsheet shows them: the header is row 1, the first finding row 2. One problem makes a
    one-line message; several are listed one per line, the first 20 shown, each line cut to
    :data:`MAX_LINE` characters.
    """

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(_nothing_imported(source, self.problems, cut_one=True))


#: The longest line a message shows; a longer one (a whole row of text) is cut with an ellipsis.
MAX_LINE = 300


def _cut(line: str) -> str:
    return line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "\u2026"


def _nothing_imported(source: str, problems: list[str], *, cut_one: bool) -> str:
    """An import's refusal: one problem on one line (cut to :data:`MAX_LINE` if ``cut_one``),
    or several listed one per line, the first 20 shown, each cut."""
    if len(problems) == 1:
        one = _cut(problems[0]) if cut_one else problems[0]
        return f"{source}: {one}; nothing was imported"
    shown = problems[:20]
    lines = [f"{source}: {len(problems)} problem(s), nothing was imported:"]
    lines += [f"  {_cut(p)}" for p in shown]
    if len(problems) > len(shown):
        lines.append(f"  ... and {len(problems) - len(shown)} more")
    return "\n".join(lines)


class SurveyImportError(TenfoldError):
    """A staff survey's export could not be read or matched to the framework; nothing stored.

    ``problems`` lists what was wrong, each naming the row and column where there is one
    (``"row 7, column F (\"My manager stays calm...\"): 'Sometimes' is not an answer on the
    agreement scale"``); rows are counted as a spreadsheet shows them.
    """

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(_nothing_imported(source, self.problems, cut_one=False))

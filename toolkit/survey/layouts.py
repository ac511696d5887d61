"""The export layouts of the survey tools Tenfold reads, recognised by their header rows.

=================  ======================================================================
tool               how its export starts
=================  ======================================================================
Microsoft Forms    ``ID, Start time, Completion time, Email, Name`` (then ``Last modified
                   time`` in newer exports); a Likert question gives one column per
                   statement, headed by the statement's text alone; answers are the
                   choices' text
Google Forms       ``Timestamp`` (then ``Email address`` when collected); a grid question
                   gives one column per row, headed ``Question [Row]``
LimeSurvey         ``id, submitdate, lastpage, startlanguage, ...`` with question codes
                   such as ``Q1[SQ001]`` (or their text, ``Response ID, Date submitted,
                   Last page, ...``, when headings are exported as text); a BOM, every
                   field quoted, ``,`` or ``;`` between fields
Qualtrics          three header rows: the names (``StartDate, EndDate, Status, IPAddress,
                   ..., ResponseId, ..., Q1_1``), the question text (a matrix row as
                   ``Question - Statement``), and the import ids (``{"ImportId":"QID1_1"}``)
=================  ======================================================================

:func:`read_export` reads a CSV (UTF-8, with or without a byte-order mark, UTF-16 as
Qualtrics writes its tab-separated files, or Windows-1252 as Excel saves "CSV (Comma
delimited)"; ``,`` ``;`` or tab between fields, or what Excel's ``sep=;`` first line names) or
an XLSX workbook within the import limits of
:mod:`toolkit.limits`, recognises the layout and returns an :class:`Export`: the columns with
their header text, and the answers as a table of text. Every problem is a
:class:`~toolkit.errors.SurveyImportError` naming the file, and the row and column where
there is one.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from toolkit import limits
from toolkit._sheets import column_letter
from toolkit.errors import SurveyImportError

__all__ = ["LAYOUTS", "Column", "Export", "Layout", "read_export"]


def _key(name: str) -> str:
    return " ".join(str(name).replace("\ufeff", "").strip().casefold().split())


@dataclass(frozen=True)
class Layout:
    """One tool's export: how to recognise it and which of its columns are not answers."""

    tool: str
    #: The columns that open the header, in order (compared without case or spacing).
    starts: tuple[str, ...]
    #: Columns that identify a respondent: never kept (values used only to clean comments).
    identifying: frozenset[str]
    #: Other columns of the tool's own (times, progress, language): never kept.
    metadata: frozenset[str]
    #: Header rows before the answers.
    header_rows: int = 1

    def describe(self) -> str:
        return f"{self.tool} ({', '.join(self.starts)}{', ...' if self.tool else ''})"


#: Column names that identify a respondent whatever the tool (compared without case or spacing).
IDENTIFYING_NAMES = frozenset(
    {
        "email",
        "email address",
        "e-mail",
        "name",
        "respondent",
        "respondent name",
        "respondent email address",
        "first name",
        "last name",
        "firstname",
        "lastname",
        "ipaddress",
        "ip address",
        "ipaddr",
        "token",
        "access code",
        "responseid",
        "response id",
        "respondent id",
        "id",
        "recipientlastname",
        "recipientfirstname",
        "recipientemail",
        "recipient last name",
        "recipient first name",
        "recipient email",
        "externalreference",
        "externaldatareference",
        "external data reference",
        "external reference",
        "locationlatitude",
        "locationlongitude",
        "location latitude",
        "location longitude",
        "latitude",
        "longitude",
        "phone",
        "phone number",
        "employee id",
        "username",
        "user name",
        "seed",
        "refurl",
        "referrer url",
    }
)

#: What a column name must not contain to be kept as a segment: it would name a person.
IDENTIFYING_PATTERN = re.compile(
    r"e-?mail|\bname\b|firstname|lastname|\bip\b|ipaddr|ip address|token|response ?id|"
    r"respondent|recipient|latitude|longitude|external ?(data)? ?reference|phone|employee ?id|"
    r"user ?name"
)

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        tool="Microsoft Forms",
        starts=("ID", "Start time", "Completion time", "Email", "Name"),
        identifying=frozenset({"id", "email", "name"}),
        metadata=frozenset(
            {"start time", "completion time", "last modified time", "total points"}
            | {"quiz feedback", "grade posted time"}
        ),
    ),
    Layout(
        tool="Google Forms",
        starts=("Timestamp",),
        identifying=frozenset({"email address", "email", "username"}),
        metadata=frozenset({"timestamp", "score"}),
    ),
    Layout(
        tool="LimeSurvey",
        starts=("id", "submitdate", "lastpage"),
        identifying=frozenset({"id", "token", "ipaddr", "refurl", "seed", "email"})
        | frozenset({"firstname", "lastname"}),
        metadata=frozenset(
            {"submitdate", "lastpage", "startlanguage", "startdate", "datestamp"}
            | {"interviewtime", "optin", "emailstatus", "sent", "remindersent", "completed"}
        ),
    ),
    Layout(
        tool="LimeSurvey",
        starts=("Response ID", "Date submitted", "Last page"),
        identifying=frozenset(
            {"response id", "token", "access code", "ip address", "referrer url", "seed"}
            | {"first name", "last name", "email address", "email"}
        ),
        metadata=frozenset(
            {"date submitted", "last page", "start language", "date started"}
            | {"date last action", "total time"}
        ),
    ),
    Layout(
        tool="Qualtrics",
        starts=("StartDate", "EndDate", "Status"),
        identifying=frozenset(
            {"ipaddress", "responseid", "recipientlastname", "recipientfirstname"}
            | {"recipientemail", "externalreference", "externaldatareference"}
            | {"locationlatitude", "locationlongitude"}
        ),
        metadata=frozenset(
            {"startdate", "enddate", "status", "progress", "duration (in seconds)"}
            | {"finished", "recordeddate", "distributionchannel", "userlanguage"}
        ),
        header_rows=3,
    ),
)

#: LimeSurvey's timing columns (``interviewtime``, ``groupTime123``, ``Q1Time``).
_LIMESURVEY_TIMING = re.compile(r"^(interviewtime|grouptime\d+|[a-z][a-z0-9_]*time)$")
#: Qualtrics' own columns beyond the first (``Q_RecaptchaScore``, display orders ``Q1_DO``).
_QUALTRICS_OWN = re.compile(r"^(q_[a-z].*|.*_do(_\d+)?|.*_click|.*_count|.*_submit)$")


@dataclass(frozen=True)
class Column:
    """One column of an export: where it is, its name, and the question text if the tool has
    a separate row for it (Qualtrics)."""

    index: int
    name: str
    text: str = ""

    @property
    def letter(self) -> str:
        """The spreadsheet letter of the column (``A``, ``AB``)."""
        return column_letter(self.index)

    @property
    def where(self) -> str:
        """``column C ("Team")``: how a message names it."""
        shown = self.name if len(self.name) <= 80 else self.name[:79] + "\u2026"
        return f'column {self.letter} ("{shown}")'


@dataclass(frozen=True)
class Export:
    """A survey tool's export, read: its layout, its columns and its answers as text."""

    source: str
    layout: Layout
    columns: tuple[Column, ...]
    #: The answers, one row per response, one column per :attr:`columns` entry, all text
    #: ("" for an empty cell).
    table: pd.DataFrame
    #: The spreadsheet row number of the first response (2, or 4 after Qualtrics' three rows).
    first_row: int

    def row_number(self, position: int) -> int:
        """The spreadsheet row of the response at ``position`` (0-based) in :attr:`table`."""
        return self.first_row + position

    def kind(self, column: Column) -> str:
        """``"identifying"``, ``"metadata"`` or ``"answers"`` for one of its columns."""
        key = _key(column.name)
        if key in self.layout.identifying or key in IDENTIFYING_NAMES:
            return "identifying"
        if key in self.layout.metadata:
            return "metadata"
        if self.layout.tool == "LimeSurvey" and _LIMESURVEY_TIMING.match(key):
            return "metadata"
        if self.layout.tool == "Qualtrics" and _QUALTRICS_OWN.match(key):
            return "metadata"
        return "answers"


def _fail(source: str, problem: str) -> SurveyImportError:
    return SurveyImportError(source, [problem])


def known_layouts() -> str:
    """The layouts Tenfold knows, in words, for a message."""
    return "; ".join(
        f"{layout.tool}: {', '.join(layout.starts)}"
        + (" (three header rows)" if layout.header_rows == 3 else "")
        for layout in LAYOUTS
    )


def recognise(header: Sequence[str], source: str) -> Layout:
    """The layout whose opening columns ``header`` starts with; an error listing the columns
    seen and the layouts known otherwise."""
    keys = [_key(h) for h in header]
    for layout in LAYOUTS:
        wanted = [_key(s) for s in layout.starts]
        if keys[: len(wanted)] == wanted:
            return layout
        if layout.tool == "Qualtrics" and "responseid" in keys and "startdate" in keys:
            return layout
    seen = [h for h in header if str(h).strip()][:15]
    more = len([h for h in header if str(h).strip()]) - len(seen)
    shown = ", ".join(repr(str(h).strip()) for h in seen) + (f" and {more} more" if more else "")
    raise _fail(
        source,
        f"not an export Tenfold recognises: its first row has the columns {shown or '(none)'}; "
        f"the layouts Tenfold reads start with {known_layouts()}. Export the responses again "
        "from the survey tool without editing the header row",
    )


# -- reading -----------------------------------------------------------------------------------


def _decode(data: bytes, source: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _fail(source, "not readable UTF-16 text") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    try:
        # What Excel on Windows writes as "CSV (Comma delimited)": Windows-1252.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _fail(
            source,
            f"row {line}: neither UTF-8 nor Windows-1252 text; export the file again, or save "
            "it from Excel as 'CSV UTF-8'",
        ) from None


def _delimiter(first_line: str) -> str:
    """Of ``,`` ``;`` and tab, the one that splits the header row into the most columns."""
    best, count = ",", 0
    for candidate in (",", ";", "\t"):
        try:
            fields = next(csv.reader([first_line], delimiter=candidate))
        except (csv.Error, StopIteration):
            continue
        if len(fields) > count:
            best, count = candidate, len(fields)
    return best


_ROW_IN_MESSAGE = re.compile(r"(?:line|row) (\d+)")


def _parse_problem(text: str, delimiter: str, message: str) -> str:
    """Where a CSV breaks, in a person's words: the standard library's reader finds the row
    where a quote opens and never closes, which the fast parser reports rows later."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        number += 1
        start = reader.line_num
        try:
            next(reader)
        except StopIteration:
            break
        except csv.Error:
            return (
                f"row {number} (line {start + 1}): a quote opened here is never closed; close "
                'it, or double it ("") to keep it'
            )
    found = _ROW_IN_MESSAGE.search(message)
    where = f"line {found.group(1)}: " if found else ""
    return f"{where}{message.strip()}; check the quotes and separators there"


#: Excel's hint on a CSV's first line naming the separator (``sep=;``), kept by some exports.
_SEP_HINT = re.compile(r"^sep=(.)\s*$")


def _csv_frame(data: bytes, source: str) -> tuple[pd.DataFrame, int]:
    """The file's cells as text, and how many lines before its header were skipped."""
    text = _decode(data, source)
    if not text.strip():
        raise _fail(source, "the file is empty; expected a header row and responses")
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    skipped = 0
    hint = _SEP_HINT.match(first_line.strip('"'))
    if hint:
        delimiter = hint.group(1)
        text = text[text.index(first_line) + len(first_line) :].lstrip("\r\n")
        skipped = 1
    else:
        delimiter = _delimiter(first_line)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
            engine="c",
        )
    except pd.errors.ParserError as exc:
        raise _fail(source, _parse_problem(text, delimiter, str(exc))) from None
    except pd.errors.EmptyDataError:
        raise _fail(source, "the file is empty; expected a header row and responses") from None
    return frame, skipped


def _xlsx_frame(data: bytes, source: str) -> pd.DataFrame:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _fail(source, f"not a readable XLSX workbook ({exc})") from None
    if unpacked > limits.MAX_IMPORT_UNPACKED_BYTES:
        raise _fail(
            source,
            f"the workbook unpacks to {limits.describe_bytes(unpacked)}; Tenfold reads workbooks "
            f"that unpack to at most {limits.describe_bytes(limits.MAX_IMPORT_UNPACKED_BYTES)}",
        )
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        if not names:
            raise _fail(source, "the workbook has no sheets")
        sheet = workbook.get_sheet_by_name(names[0])
        if sheet.height > limits.MAX_IMPORT_ROWS + 3:
            raise _too_many(source)
        rows = sheet.to_python(skip_empty_area=False)
    except SurveyImportError:
        raise
    except (CalamineError, OSError, ValueError, RuntimeError) as exc:
        raise _fail(source, f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from None
    width = max((len(r) for r in rows), default=0)
    cells = [[_cell_text(c) for c in r] + [""] * (width - len(r)) for r in rows]
    cells = [r for r in cells if any(c.strip() for c in r)]
    if not cells:
        raise _fail(source, "the workbook's first sheet is empty; expected a header row")
    return pd.DataFrame(cells, dtype=object)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _too_many(source: str) -> SurveyImportError:
    return _fail(
        source,
        f"more than {limits.MAX_IMPORT_ROWS:,} responses; Tenfold reads up to "
        f"{limits.MAX_IMPORT_ROWS:,} at a time (toolkit.limits.MAX_IMPORT_ROWS)",
    )


def read_export(data: bytes, source: str) -> Export:
    """Read a survey tool's export (see the module docstring).

    Parameters
    ----------
    data
        The file's bytes.
    source
        Its name, for messages; its suffix (``.csv``, ``.tsv``, ``.txt``, ``.xlsx``) says how
        to read it.
    """
    suffix = source.rsplit(".", 1)[-1].lower() if "." in source else ""
    if suffix not in ("csv", "tsv", "txt", "xlsx"):
        raise _fail(source, f"unsupported file type {'.' + suffix!r}; use .csv or .xlsx")
    if len(data) > limits.MAX_IMPORT_BYTES:
        raise _fail(
            source,
            f"the file is {limits.describe_bytes(len(data))}; Tenfold reads exports up to "
            f"{limits.describe_bytes(limits.MAX_IMPORT_BYTES)}",
        )
    if not data.strip():
        raise _fail(source, "the file is empty; expected a header row and responses")
    frame, skipped = (
        (_xlsx_frame(data, source), 0) if suffix == "xlsx" else _csv_frame(data, source)
    )
    header = [str(v) for v in frame.iloc[0]]
    layout = recognise(header, source)
    rows = layout.header_rows
    texts = [""] * len(header)
    if layout.tool == "Qualtrics":
        if len(frame) >= 2:
            texts = [str(v) for v in frame.iloc[1]]
        third = [str(v) for v in frame.iloc[2]] if len(frame) >= 3 else []
        if not any('"importid"' in v.casefold().replace(" ", "") for v in third):
            rows = 2  # an export without the import ids' row
    body = frame.iloc[rows:].reset_index(drop=True)
    if len(body) > limits.MAX_IMPORT_ROWS:
        raise _too_many(source)
    if body.empty:
        raise _fail(
            source,
            f"row {rows + 1}: no responses below the header row"
            + (f"s (rows 1-{rows})" if rows > 1 else ""),
        )
    body.columns = pd.RangeIndex(len(header))
    columns = tuple(
        Column(index=i, name=name.replace("\ufeff", "").strip(), text=texts[i].strip())
        for i, name in enumerate(header)
    )
    return Export(
        source=source, layout=layout, columns=columns, table=body, first_row=skipped + rows + 1
    )

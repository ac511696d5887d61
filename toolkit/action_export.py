"""The action plan out of Tenfold: a CSV a ticket tracker imports, or the workbook's sheet.

:func:`export_actions` writes ``.csv`` for a tracker and ``.xlsx`` for people. The CSV is
comma separated UTF-8 with one header row, the columns of :data:`TRACKER_COLUMNS`:

- ``Summary``: the action, on one line, at most 255 characters (a tracker's title);
- ``Description``: the whole action, its factor, owner, due date, status, the level it aims
  for, the remedy it came from, the cycle that opened it, and its Tenfold id;
- ``Assignee``: the owner's name (map it to a user when the tracker asks);
- ``Due Date``: ``YYYY-MM-DD`` (tell Jira's importer the format ``yyyy-MM-dd``);
- ``Labels``, three times: ``tenfold``, the client (as a slug) and the factor's id, one label
  per column, as Jira writes several labels in its own CSV files;
- ``Status``: planned, in progress, done or dropped (map them to the tracker's workflow).

These are the names Jira's CSV importer maps without being told (Summary is the one it
requires); Linear imports Jira's CSV format. Every text cell is guarded against formula
injection (:func:`toolkit.workbook.neutralize`: text starting ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading apostrophe), as in every Tenfold export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from toolkit._files import write_atomic
from toolkit._model import utcnow
from toolkit.errors import ExportError
from toolkit.findings import Engagement
from toolkit.framework import Framework, load_framework
from toolkit.naming import slug
from toolkit.report.progress import PlanItem, PlanView, plan_view
from toolkit.report.xlsx import plan_sheet
from toolkit.workbook import neutralize, xlsx_bytes

__all__ = ["SUMMARY_LIMIT", "TRACKER_COLUMNS", "export_actions", "tracker_rows"]

#: The CSV's header, in order (``Labels`` repeated: one label per column).
TRACKER_COLUMNS: tuple[str, ...] = (
    "Summary",
    "Description",
    "Assignee",
    "Due Date",
    "Labels",
    "Labels",
    "Labels",
    "Status",
)
#: The longest summary a tracker takes (Jira's limit).
SUMMARY_LIMIT = 255


def _summary(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= SUMMARY_LIMIT else line[: SUMMARY_LIMIT - 1].rstrip() + "\u2026"


def _description(item: PlanItem, client: str) -> str:
    lines = [
        item.what,
        "",
        f"Factor: {item.label} ({item.factor})",
        f"Owner: {item.owner}",
        f"Due: {item.due}" + (" (overdue)" if item.overdue else ""),
        f"Status: {item.status}",
    ]
    if item.aim is not None:
        lines.append(f"Aims for: level {item.aim} ({item.aim_name})")
    if item.remedy:
        lines.append(f"From remedy {item.remedy_number}: {item.remedy}")
    lines.append(f"Opened in the assessment of {item.opened_on} of {client} ({item.opened_in})")
    lines.append(f"Tenfold action {item.id}")
    return "\n".join(lines)


def _plan(
    engagement: Engagement, framework: Framework, today: dt.date | None, only_open: bool
) -> PlanView:
    plan = plan_view(
        engagement.actions,
        engagement_id=engagement.id,
        framework=framework,
        order=framework.factor_ids,
        today=today or utcnow().date(),
    )
    if only_open:
        return PlanView(today=plan.today, items=plan.open)
    return plan


def tracker_rows(
    engagement: Engagement,
    *,
    framework: Framework | None = None,
    today: dt.date | None = None,
    only_open: bool = False,
) -> list[list[str]]:
    """The CSV's rows, header first (:data:`TRACKER_COLUMNS`), text guarded against formulas.

    Actions follow framework order, each factor's open ones first by due date; ``only_open``
    leaves out the done and dropped ones.
    """
    fw = framework or load_framework()
    plan = _plan(engagement, fw, today, only_open)
    client = slug(engagement.client, fallback="client")
    rows = [list(TRACKER_COLUMNS)]
    for item in plan.items:
        row = [
            _summary(item.what),
            _description(item, engagement.client),
            item.owner,
            item.due,
            "tenfold",
            client,
            item.factor,
            item.status,
        ]
        rows.append([str(neutralize(cell)) for cell in row])
    return rows


def export_actions(
    engagement: Engagement,
    path: str | Path,
    *,
    framework: Framework | None = None,
    today: dt.date | None = None,
    only_open: bool = False,
) -> Path:
    """Write ``engagement``'s action plan to ``path``: ``.csv`` for a tracker (see the module
    docstring), ``.xlsx`` as the report workbook's Action plan sheet.

    Overdue is judged on ``today`` (default: today in UTC). The file is written whole or not at
    all (:func:`toolkit._files.write_atomic`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    fw = framework or load_framework()
    if suffix == ".csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows(tracker_rows(engagement, framework=fw, today=today, only_open=only_open))
        data = buffer.getvalue().encode("utf-8")
    elif suffix == ".xlsx":
        sheet = plan_sheet(_plan(engagement, fw, today, only_open))
        data = xlsx_bytes({"Action plan": sheet})
    else:
        raise ExportError(f"{path}: unsupported file type {suffix!r}; use .csv or .xlsx")
    write_atomic(path, data)
    return path

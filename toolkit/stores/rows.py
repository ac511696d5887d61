"""An engagement as rows of the SQL store, and back, exactly.

What a row holds is what the file holds: reading the rows of an engagement gives the engagement
that was written, whose file text (:func:`toolkit.engagement_json.engagement_to_json`) is byte
for byte the text it was pushed from. Moments keep the zone they were written with (a column
beside each), findings and log entries their order (``position``).

Positions are spaced :data:`STEP` apart, so a finding put back between two others (an undo of a
deletion) takes a free number between theirs and no other row is touched; only when none is
free are the findings numbered again.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from toolkit.change_log import LoggedChange
from toolkit.engagement_json import MIGRATIONS, SCHEMA_VERSION
from toolkit.errors import EngagementError, SchemaVersionError
from toolkit.findings import Engagement, Finding, describe_validation_error

__all__ = [
    "STEP",
    "Layout",
    "change_values",
    "engagement_from_rows",
    "engagement_values",
    "finding_values",
    "positions",
]

#: The gap between the positions of two findings written one after the other.
STEP = 1024
#: The engagement's fields kept as columns of its row; the rest go in its JSON document.
_COLUMNS = ("id", "client", "title", "lead", "date", "framework", "phase")
_LISTS = ("findings", "changes")


@dataclass(frozen=True)
class Layout:
    """Where an engagement's rows stand: each finding's position, and the log's length."""

    positions: dict[str, int]
    log_length: int


def _offset(moment: dt.datetime) -> int:
    delta = moment.utcoffset()
    return 0 if delta is None else int(delta.total_seconds())


def _moment(utc: dt.datetime, offset: int) -> dt.datetime:
    zone = dt.UTC if offset == 0 else dt.timezone(dt.timedelta(seconds=offset))
    return utc.astimezone(zone)


def engagement_values(e: Engagement) -> dict[str, Any]:
    """The columns of an engagement's row, its JSON document included."""
    document = e.model_dump(mode="json", exclude={*_COLUMNS, *_LISTS})
    return {
        "id": e.id,
        "client": e.client,
        "title": e.title,
        "lead": e.lead,
        "date": e.date,
        "framework_id": e.framework.id,
        "framework_version": e.framework.version,
        "phase": e.phase,
        "document": document,
        "schema_version": SCHEMA_VERSION,
    }


def finding_values(engagement_id: str, f: Finding, position: int) -> dict[str, Any]:
    """The columns of a finding's row."""
    return {
        "engagement_id": engagement_id,
        "id": f.id,
        "position": position,
        "factor": f.factor,
        "level": f.level,
        "evidence": f.evidence,
        "source": f.source,
        "rater": f.rater,
        "recorded_at": f.recorded_at,
        "recorded_offset": _offset(f.recorded_at),
    }


def change_values(engagement_id: str, c: LoggedChange, position: int) -> dict[str, Any]:
    """The columns of a change log entry's row."""
    return {
        "engagement_id": engagement_id,
        "position": position,
        "id": c.id,
        "at": c.at,
        "at_offset": _offset(c.at),
        "by": c.by,
        "kind": c.kind,
        "factor": c.factor,
        "subject": c.subject,
        "summary": c.summary,
        "before": c.before,
        "after": c.after,
        "undoes": c.undoes,
    }


def engagement_from_rows(
    row: Any, findings: Sequence[Any], changes: Sequence[Any], *, source: str
) -> tuple[Engagement, Layout]:
    """The engagement stored in ``row`` and its findings' and log's rows (in position order),
    validated as a file is; errors name ``source``."""
    if row.schema_version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{source}: written by a newer Tenfold (schema version {row.schema_version}; this "
            f"one reads up to {SCHEMA_VERSION}): upgrade the tenfold package to open it"
        )
    data: dict[str, Any] = {
        **row.document,
        "id": row.id,
        "client": row.client,
        "title": row.title,
        "lead": row.lead,
        "date": row.date,
        "framework": {"id": row.framework_id, "version": row.framework_version},
        "phase": row.phase,
        "findings": [
            {
                "id": f.id,
                "factor": f.factor,
                "level": f.level,
                "evidence": f.evidence,
                "source": f.source,
                "rater": f.rater,
                "recorded_at": _moment(f.recorded_at, f.recorded_offset),
            }
            for f in findings
        ],
        "changes": [
            {
                "id": c.id,
                "at": _moment(c.at, c.at_offset),
                "by": c.by,
                "kind": c.kind,
                "factor": c.factor,
                "subject": c.subject,
                "summary": c.summary,
                "before": c.before,
                "after": c.after,
                "undoes": c.undoes,
            }
            for c in changes
        ],
    }
    version = row.schema_version
    while version < SCHEMA_VERSION:  # a row written by an older Tenfold: as an older file
        data = MIGRATIONS[version](data)
        version += 1
    try:
        engagement = Engagement.model_validate(data)
    except ValidationError as exc:
        raise EngagementError(f"{source}: " + "; ".join(describe_validation_error(exc))) from None
    layout = Layout({f.id: f.position for f in findings}, len(changes))
    return engagement, layout


def positions(ids: Sequence[str], old: dict[str, int]) -> dict[str, int]:
    """A position for each finding of ``ids`` (in order), keeping ``old`` ones where it can.

    Findings that stay in the same order keep their numbers; a new finding takes a number
    between its neighbours' (after the last one: :data:`STEP` further). When no number is free
    between two neighbours, every finding is numbered again.
    """
    n = len(old)
    if len(ids) >= n and list(old) == list(ids[:n]):  # findings appended (the usual save)
        last_position = max(old.values(), default=-STEP)
        appended = dict(old)
        appended.update((fid, last_position + STEP * (k + 1)) for k, fid in enumerate(ids[n:]))
        return appended
    kept: list[int] = []  # indexes into ids whose old position stays
    last: int | None = None
    for i, fid in enumerate(ids):
        p = old.get(fid)
        if p is not None and (last is None or p > last):
            kept.append(i)
            last = p
    out: dict[str, int] = {ids[i]: old[ids[i]] for i in kept}
    bounds = [-1, *kept, len(ids)]
    for lo_i, hi_i in itertools.pairwise(bounds):
        run = ids[lo_i + 1 : hi_i]
        if not run:
            continue
        lo = old[ids[lo_i]] if lo_i >= 0 else None
        hi = old[ids[hi_i]] if hi_i < len(ids) else None
        k = len(run)
        if hi is None:
            start = -STEP if lo is None else lo
            numbers = [start + STEP * (n + 1) for n in range(k)]
        elif lo is None:
            numbers = [hi - STEP * (k - n) for n in range(k)]
        elif hi - lo - 1 >= k:
            numbers = [lo + (hi - lo) * (n + 1) // (k + 1) for n in range(k)]
        else:
            return {fid: n * STEP for n, fid in enumerate(ids)}
        out.update(zip(run, numbers, strict=True))
    return {fid: out[fid] for fid in ids}  # in the findings' order, as a read gives it

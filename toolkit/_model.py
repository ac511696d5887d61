"""What every record of an engagement is built on: frozen models, times in UTC, random ids.

Findings, consensus overrides, change log entries and the engagement itself are frozen pydantic
models that refuse unknown fields and trim surrounding whitespace from text. Their times carry
a zone (a time without one is taken as UTC) and are recorded to the second; their ids are random,
so two processes never need to agree on the next one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

__all__ = ["Moment", "Record", "new_id", "utcnow"]


class Record(BaseModel):
    """A frozen model: unknown fields refused, text trimmed."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def utcnow() -> dt.datetime:
    """The current time in UTC, to the second (what ``recorded_at`` stores)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def new_id() -> str:
    """A new random id; unique across processes without coordination."""
    return uuid.uuid4().hex[:12]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


#: A point in time with its zone; one written without a zone is taken as UTC.
Moment = Annotated[dt.datetime, AfterValidator(_aware)]

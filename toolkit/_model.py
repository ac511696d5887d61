"""What every record of an engagement is built on: frozen models, times in UTC, random ids.

Findings, consensus overrides, change log entries and the engagement itself are frozen pydantic
models that refuse unknown fields and trim surrounding whitespace from text. Their times carry
a zone (a time without one is taken as UTC) and are recorded to the second; their ids are random,
so two processes never need to agree on the next one.

A field whose validation calls Python (a line-break rule, a level that is not ``True``) can name,
with :class:`CompiledFirst`, the plain form most values already have: pydantic then checks a file's
values against that form in its compiled code first, and calls the Python only for the rest.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema

__all__ = ["CompiledFirst", "Moment", "Record", "new_id", "utcnow"]


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


@dataclass(frozen=True)
class CompiledFirst:
    """In JSON, try the field's ``plain`` form before its full validation.

    Written last in an ``Annotated`` field type, after the validators it speeds up::

        Level = Annotated[int, Field(ge=0, le=4), BeforeValidator(_whole),
                          CompiledFirst(Annotated[int, Field(ge=0, le=4, strict=True)])]

    ``plain`` is a type pydantic checks entirely in compiled code (constraints, strict types, no
    Python function). It must accept only values the full validation accepts, and give the same
    value for them: the field then accepts exactly what it did before, and a file's usual values
    (a level written as a plain number, text without a carriage return) cost no call into
    Python; any other value goes through the full validation as before. JSON only: Python input
    (an import, a form) goes straight to the full validation, whose errors the messages word.
    Tests compare the two readings of the same file (``tests/test_loader.py``).
    """

    plain: tuple[Any, ...]

    def __init__(self, *plain: Any) -> None:
        # One type, or several whose validations are chained (each step's value is the next
        # one's input), as a text pattern then a time.
        object.__setattr__(self, "plain", plain)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        full = handler(source)
        steps = [handler.generate_schema(step) for step in self.plain]
        plain = steps[0] if len(steps) == 1 else core_schema.chain_schema(steps)
        return core_schema.json_or_python_schema(
            json_schema=core_schema.union_schema([plain, full], mode="left_to_right"),
            python_schema=full,
        )

"""An engagement's change log: who changed what, when, from what to what.

Every change made through :mod:`toolkit.changes` appends a :class:`LoggedChange`; undo
(:mod:`toolkit.undo`) reads the log back, so it survives a reload and a restart. What a change
is, and who it is logged as, are :mod:`toolkit.findings`' (``Change``, ``author``): an entry
knows nothing of the engagement that holds it.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import Field, JsonValue, field_validator

from toolkit._checks import TEXT_PATTERN, control_character_problem
from toolkit._model import Moment, Record, new_id, utcnow

__all__ = [
    "ACTION_KINDS",
    "CHANGE_KINDS",
    "UNDOABLE",
    "ChangeKind",
    "LoggedChange",
    "plain_label",
]

ChangeKind = Literal[
    "phase",
    "finding added",
    "finding changed",
    "finding deleted",
    "target",
    "not applicable",
    "consensus",
    "findings imported",
    "undo",
    "survey",
    "action added",
    "action changed",
    "action deleted",
    "cycle started",
]
#: What a change log entry can record.
CHANGE_KINDS: tuple[str, ...] = get_args(ChangeKind)
#: The kinds of change undo can take back: a phase, an import, a staff survey (imported, counted
#: or removed), the start of a cycle and an undo cannot be.
UNDOABLE: frozenset[str] = frozenset(CHANGE_KINDS) - {
    "phase",
    "findings imported",
    "survey",
    "cycle started",
    "undo",
}
#: The kinds of change made to the action plan (:mod:`toolkit.action_plan`).
ACTION_KINDS: frozenset[str] = frozenset({"action added", "action changed", "action deleted"})


def _sorted_json(value: Any) -> Any:
    """A JSON value with every mapping's keys in sorted order, as the file writes them."""
    if isinstance(value, dict):
        return {k: _sorted_json(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_sorted_json(v) for v in value]
    return value


class LoggedChange(Record):
    """One entry of an engagement's change log: who changed what, when, from what to what.

    ``subject`` is what changed: a finding id for the finding kinds, an action id for the action
    kinds, the previous engagement's id for the start of a cycle, a factor id otherwise.
    ``before`` and ``after`` are its value either side of the change, as JSON (a finding's
    fields, a level, a flag, a consensus override; ``None`` where there was none). An undo is
    logged too, naming the entry it takes back in ``undoes``.
    """

    # Fields in alphabetical order, and the keys inside before and after sorted when an entry is
    # made: the file lists them so, and pydantic writes the log in one compiled pass.
    after: JsonValue = None
    at: Moment = Field(default_factory=utcnow)
    before: JsonValue = None
    by: str = Field(min_length=1, pattern=TEXT_PATTERN)
    factor: str | None = None
    id: str = Field(default_factory=new_id, min_length=1)
    kind: ChangeKind
    subject: str = Field(min_length=1, pattern=TEXT_PATTERN)
    summary: str = Field(min_length=1, pattern=TEXT_PATTERN)
    undoes: str | None = None

    @field_validator("before", "after")
    @classmethod
    def _sorted(cls, value: JsonValue) -> JsonValue:
        return value if not isinstance(value, dict | list) else _sorted_json(value)


def plain_label(text: str) -> str:
    """``text`` (a file name, say) with any control character shown as U+FFFD, for a log
    entry that names it."""
    return "".join("\ufffd" if control_character_problem(c) else c for c in text)

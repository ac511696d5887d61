"""The action plan: what the client will do about each factor, by whom, by when.

An :class:`Action` belongs to one factor of an engagement: what is to be done, its owner, its
due date, its status (:data:`ACTION_STATUSES`), the level it aims for, the framework's remedy it
came from, and the cycle (engagement) it was first opened in. Open actions (planned or in
progress) carry into the client's next assessment (:func:`toolkit.cycles.next_cycle`), each
still naming the cycle that opened it.

Actions are changed through :mod:`toolkit.changes` (``add_action``, ``update_action``,
``remove_action``), which log every change and which undo takes back. An action is the lead's
plan: during a blind rating only the lead changes it (:func:`plan_author_problem`) and raters do
not see it (:mod:`toolkit.access`).

What an owner may be is checked here (:func:`person_problem`): a name, never empty, with no
control character, and not text a spreadsheet would run as a formula (``=SUM(...)``,
``+1``, ``-2``, ``@cmd``): an owner is written into trackers' CSV files and Excel sheets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any, Literal, get_args

import pandas as pd
from pydantic import BeforeValidator, Field, field_validator

from toolkit._checks import TEXT_PATTERN, clean_text, control_character_problem, not_a_number
from toolkit._model import Moment, Record, new_id, utcnow
from toolkit.framework import LEVELS, Framework

__all__ = [
    "ACTION_COLUMNS",
    "ACTION_STATUSES",
    "OPEN_STATUSES",
    "Action",
    "ActionStatus",
    "PersonName",
    "Remedy",
    "action_json",
    "action_row",
    "actions_frame",
    "is_open",
    "is_overdue",
    "person_problem",
    "plan_author_problem",
]

ActionStatus = Literal["planned", "in progress", "done", "dropped"]
#: An action's statuses, in the order it usually goes through them.
ACTION_STATUSES: tuple[str, ...] = get_args(ActionStatus)
#: The statuses of an action still to be done: it carries into the next cycle and can be
#: overdue.
OPEN_STATUSES: tuple[str, ...] = ("planned", "in progress")
#: A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@")
#: The longest name an owner or a team member may have.
MAX_NAME = 200


def person_problem(value: Any) -> str | None:
    """What is wrong with ``value`` as a person's name (an owner, a team member), or ``None``.

    A name is text, not empty, without control characters, at most :data:`MAX_NAME`
    characters, and does not start as a spreadsheet formula does (``=``, ``+``, ``-``, ``@``).
    """
    if not isinstance(value, str):
        return f"{value!r} is not a name"
    text = value.strip()
    if not text:
        return "is empty"
    problem = control_character_problem(text)
    if problem:
        return problem
    if text.startswith(_FORMULA_START):
        return (
            f"{text[:40]!r} starts with {text[0]!r}, as a spreadsheet formula does; "
            "write the person's name"
        )
    if len(text) > MAX_NAME:
        return f"{len(text):,} characters; a name has at most {MAX_NAME}"
    return None


def _person(value: Any) -> Any:
    problem = person_problem(value)
    if problem:
        raise ValueError(problem)
    return value


#: A person's name as an owner or a team member holds it (see :func:`person_problem`).
PersonName = Annotated[str, BeforeValidator(_person)]


def _level_or_none(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not a whole number from 0 to 4")
    if not LEVELS[0] <= value <= LEVELS[-1]:
        raise ValueError(f"{value} is outside 0-4")
    return value


def _status(value: Any) -> Any:
    if value not in ACTION_STATUSES:
        raise ValueError(f"{value!r} is not one of {', '.join(ACTION_STATUSES)}")
    return value


def _date(value: Any) -> Any:
    value = not_a_number(value)
    if isinstance(value, dt.datetime):
        raise ValueError(f"{value.isoformat()} is a time; give the day, such as 2026-12-31")
    return value


class Remedy(Record):
    """The framework's remedy an action came from: its number among the factor's remedies
    (1 is the first) and its text as the framework had it then."""

    number: int = Field(ge=1)
    text: str = Field(min_length=1, pattern=TEXT_PATTERN)


class Action(Record):
    """One action of the plan (see the module docstring)."""

    # Fields in alphabetical order, as the file lists them.
    #: The level of the factor the action aims for; ``None`` when not said.
    aim: Annotated[int | None, BeforeValidator(_level_or_none)] = None
    created_at: Moment = Field(default_factory=utcnow)
    due: Annotated[dt.date, BeforeValidator(_date)]
    factor: str = Field(min_length=1, pattern=TEXT_PATTERN)
    id: str = Field(default_factory=new_id, min_length=1, pattern=TEXT_PATTERN)
    #: The id of the engagement (the cycle) the action was first opened in, and its date.
    opened_in: str = Field(min_length=1, pattern=TEXT_PATTERN)
    opened_on: dt.date
    owner: PersonName
    remedy: Remedy | None = None
    status: Annotated[ActionStatus, BeforeValidator(_status)] = "planned"
    what: str = Field(min_length=1, pattern=TEXT_PATTERN)

    @field_validator("what", mode="before")
    @classmethod
    def _what(cls, value: Any) -> Any:
        value = clean_text(value)
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty")
        return value

    @property
    def open(self) -> bool:
        """Whether the action is still to be done (planned or in progress)."""
        return self.status in OPEN_STATUSES

    def overdue(self, today: dt.date) -> bool:
        """Whether the action is open and its due date is before ``today``."""
        return self.open and self.due < today


def is_open(action: Action) -> bool:
    """Whether ``action`` is still to be done (planned or in progress)."""
    return action.open


def is_overdue(action: Action, today: dt.date | None = None) -> bool:
    """Whether ``action`` is open and due before ``today`` (default: today in UTC)."""
    return action.overdue(today or utcnow().date())


def action_json(action: Action) -> dict[str, Any]:
    """An action as a log entry holds it in ``before`` or ``after``."""
    data: dict[str, Any] = action.model_dump(mode="json")
    return data


def action_row(action: Action, framework: Framework, today: dt.date) -> dict[str, Any]:
    """An action as a list shows it, in JSON's types: the rows of ``tenfold action list
    --format json`` and of the action plan on the consultant's page.

    ``id``, ``factor``, ``what``, ``owner``, ``status``, ``aim`` as the action has them;
    ``label``, the factor's label in ``framework`` (its id when the framework has no such
    factor); ``due`` and ``opened_on`` as ``YYYY-MM-DD``; ``overdue`` as of ``today``;
    ``remedy``, the number of the framework remedy it came from (``None`` when none);
    ``opened_in``, the id of the engagement (the cycle) that opened it.
    """
    factor = action.factor
    return {
        "id": action.id,
        "factor": factor,
        "label": framework.factor(factor).label if factor in framework.factor_ids else factor,
        "what": action.what,
        "owner": action.owner,
        "due": action.due.isoformat(),
        "status": action.status,
        "overdue": action.overdue(today),
        "aim": action.aim,
        "remedy": action.remedy.number if action.remedy else None,
        "opened_in": action.opened_in,
        "opened_on": action.opened_on.isoformat(),
    }


def plan_author_problem(*, phase: str, lead: str, who: str) -> str | None:
    """Why ``who`` may not change the action plan now, or ``None`` when they may.

    The plan is the lead's: during a blind rating (phase ``"independent"``) only the lead
    changes it, as raters do not see it (:mod:`toolkit.access`).
    """
    if phase == "independent" and who != lead:
        return (
            f"during a blind rating the action plan is the lead's: only {lead} can change it "
            f"(you are {who})"
        )
    return None


#: The columns of :func:`actions_frame`, in order.
ACTION_COLUMNS: tuple[str, ...] = (
    "id",
    "factor",
    "what",
    "owner",
    "due",
    "status",
    "overdue",
    "aim",
    "remedy",
    "opened_in",
    "opened_on",
    "created_at",
)


def actions_frame(actions: Iterable[Action], *, today: dt.date | None = None) -> pd.DataFrame:
    """Actions as a DataFrame with the columns of :data:`ACTION_COLUMNS`.

    ``overdue`` is judged on ``today`` (default: today in UTC); ``aim`` is a nullable integer
    and ``remedy`` the remedy's text (empty when the action came from none).
    """
    day = today or utcnow().date()
    items = tuple(actions)
    frame = pd.DataFrame(
        {
            "id": [a.id for a in items],
            "factor": [a.factor for a in items],
            "what": [a.what for a in items],
            "owner": [a.owner for a in items],
            "due": [a.due for a in items],
            "status": [a.status for a in items],
            "overdue": [a.overdue(day) for a in items],
            "aim": pd.array([a.aim for a in items], dtype="Int64"),
            "remedy": [a.remedy.text if a.remedy else "" for a in items],
            "opened_in": [a.opened_in for a in items],
            "opened_on": [a.opened_on for a in items],
            "created_at": pd.to_datetime([a.created_at for a in items], utc=True),
        },
        columns=list(ACTION_COLUMNS),
    )
    frame["overdue"] = frame["overdue"].astype(bool)
    return frame

"""Findings and engagements: what a consultant records, and the rules it must follow.

A :class:`Finding` is one piece of evidence that points to a :data:`Level` (0-4) of one factor.
An :class:`Engagement` is one diagnostic of one client: its findings, per-factor consensus
overrides, targets and not-applicable factors, and its change log
(:class:`~toolkit.change_log.LoggedChange`). Engagements are immutable; every change returns a
new engagement, so a change can be replayed on the latest file on disk (see
:mod:`toolkit.store`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from operator import attrgetter
from typing import Annotated, Any, Literal, TypeAlias, TypeVar, get_args

import pandas as pd
from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from toolkit._checks import (
    TEXT_PATTERN,
    clean_text,
    control_character_problem,
    line_breaks,
    not_a_number,
)
from toolkit._model import CompiledFirst, Moment, Record, new_id, utcnow
from toolkit.action_plan import Action, PersonName
from toolkit.change_log import CHANGE_KINDS, ChangeKind, LoggedChange
from toolkit.errors import EngagementError
from toolkit.framework import LEVELS, Framework, load_framework
from toolkit.survey.model import StaffSurvey

__all__ = [
    "CHANGE_KINDS",
    "FINDING_COLUMNS",
    "PHASES",
    "SOURCES",
    "WITHHELD",
    "Change",
    "ChangeKind",
    "Engagement",
    "Finding",
    "Level",
    "LoggedChange",
    "Override",
    "Phase",
    "Source",
    "Withheld",
    "author",
    "finding_json",
    "level_problem",
]

Source = Literal["interview", "observation", "document", "survey", "metric", "other"]
#: Where a finding's evidence came from.
SOURCES: tuple[str, ...] = get_args(Source)
#: The columns of a findings table (CSV, XLSX and DataFrame alike), in order.
FINDING_COLUMNS: tuple[str, ...] = (
    "id",
    "factor",
    "level",
    "evidence",
    "source",
    "rater",
    "recorded_at",
)


M = TypeVar("M", bound=BaseModel)
_FACTOR = attrgetter("factor")


def _whole(value: Any) -> Any:
    # An int is the usual case, decided at once (this runs for every finding of a large file).
    if type(value) is not int and isinstance(value, bool):
        raise ValueError("must be a whole number from 0 to 4")
    return value


#: A level of the scale, :data:`~toolkit.framework.LEVELS`: a whole number from 0 to 4 (``True``
#: is not a level). The one level type of every model: a finding, a consensus, a target.
#: The bounds come first, so pydantic checks them in its compiled int validator; ``_whole``,
#: written after them, still runs before it. In a file, a level written as a plain number is
#: checked in compiled code alone (:class:`~toolkit._model.CompiledFirst`).
Level = Annotated[
    int,
    Field(ge=LEVELS[0], le=LEVELS[-1]),
    BeforeValidator(_whole),
    CompiledFirst(Annotated[int, Field(ge=LEVELS[0], le=LEVELS[-1], strict=True)]),
]
_LEVEL: TypeAdapter[int] = TypeAdapter(Level)
_OUT_OF_RANGE = ("less_than_equal", "greater_than_equal")
#: Pydantic's error types for a value that is not a level (``value_error``: ``True``).
_NOT_A_LEVEL = (*_OUT_OF_RANGE, "int_", "float_", "value_error")


def _level_words(value: Any, error_type: str) -> str:
    if error_type in _OUT_OF_RANGE:
        return f"{value} is outside 0-4"
    return f"{value!r} is not a whole number from 0 to 4"


def level_problem(value: Any) -> str | None:
    """What is wrong with ``value`` as a level (``"5 is outside 0-4"``), or ``None``.

    The words every check of a level uses: a finding, a target, an import row, a table scored.
    """
    if hasattr(value, "item"):  # a NumPy number, as a table holds it
        value = value.item()
    try:
        _LEVEL.validate_python(value)
    except ValidationError as exc:
        return _level_words(value, exc.errors()[0]["type"])
    return None


_TEXT = Field(min_length=1, pattern=TEXT_PATTERN)
#: A finding's evidence or rater: text without control characters, a Windows or old Mac line
#: break stored as a plain one. In a file, text with no carriage return (all of it, written by
#: Tenfold) is checked in compiled code alone (:class:`~toolkit._model.CompiledFirst`).
FindingText = Annotated[
    str, _TEXT, BeforeValidator(line_breaks), CompiledFirst(Annotated[str, _TEXT])
]


def _date_not_number(value: Any) -> Any:
    # ISO text (2026-11-02...) is never a number: the common case, decided at once.
    return value if type(value) is str and value[4:5] == "-" else not_a_number(value)


#: When a finding was recorded: a time with its zone (one without is taken as UTC), never a bare
#: number (45000 is an Excel serial). In a file, ISO text with a zone (all of it, written by
#: Tenfold) is checked in compiled code alone (:class:`~toolkit._model.CompiledFirst`).
RecordedAt = Annotated[
    Moment,
    BeforeValidator(_date_not_number),
    CompiledFirst(
        Annotated[str, StringConstraints(strip_whitespace=False, pattern=r"^.{4}-")], AwareDatetime
    ),
]


class Finding(Record):
    """One piece of evidence for one factor."""

    # Fields in alphabetical order: the engagement file lists them sorted, so pydantic writes a
    # finding as the file has it in one compiled pass (see toolkit.store.engagement_to_json).
    # Tables use FINDING_COLUMNS for their order.
    evidence: FindingText
    factor: str = Field(min_length=1, pattern=TEXT_PATTERN)
    id: str = Field(default_factory=new_id, min_length=1, pattern=TEXT_PATTERN)
    level: Level
    rater: FindingText
    recorded_at: RecordedAt = Field(default_factory=utcnow)
    source: Source = "interview"


class Override(Record):
    """A consensus level agreed by the team for one factor, replacing the computed one."""

    # Fields in alphabetical order, as the file lists them (see Finding).
    at: Moment = Field(default_factory=utcnow)
    by: str = Field(min_length=1)
    level: Level
    reason: str = Field(min_length=1)

    @field_validator("reason", "by", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return clean_text(value)


Phase = Literal["open", "independent", "consensus"]
#: The phases of an engagement, in the order a blind rating goes through them.
PHASES: tuple[str, ...] = get_args(Phase)

Withheld = Literal["rater names", "evidence"]
#: What a shared copy of an engagement can leave out (see :func:`toolkit.share.shared_copy`).
WITHHELD: tuple[str, ...] = get_args(Withheld)


def _nothing_withheld(value: tuple[str, ...]) -> bool:
    return not value


def _no_survey(value: StaffSurvey | None) -> bool:
    return value is None


def _nothing(value: Any) -> bool:
    return not value


class FrameworkRef(Record):
    """The framework an engagement was scored against, pinned by id and version."""

    id: str
    version: str


class Engagement(Record):
    """One diagnostic of one client's service organisation."""

    #: The engagement's own name in every store: random when it is made, kept for good after
    #: (a file of schema 3 or older gets one derived from its content, see
    #: :mod:`toolkit.engagement_json`). A later assessment names its previous one by this id.
    id: str = Field(default_factory=new_id, min_length=1, pattern=TEXT_PATTERN)
    client: str = Field(min_length=1)
    title: str = Field(min_length=1)
    lead: str = Field(min_length=1)
    date: dt.date = Field(default_factory=lambda: utcnow().date())
    framework: FrameworkRef = Field(
        default_factory=lambda: FrameworkRef(
            id=load_framework().id, version=load_framework().version
        )
    )
    findings: tuple[Finding, ...] = ()
    overrides: dict[str, Override] = Field(default_factory=dict)
    not_applicable: tuple[str, ...] = ()
    targets: dict[str, Level] = Field(default_factory=dict)
    notes: str = ""
    changes: tuple[LoggedChange, ...] = ()
    #: "independent": raters record blind, each seeing only their own findings, until the lead
    #: reveals the panel ("consensus"); "open" otherwise.
    phase: Phase = "open"
    #: What the sender left out of this copy (``tenfold share``): "rater names" (raters read
    #: "Rater A", "Rater B"...) and "evidence" (levels and counts kept). Not written when empty.
    withheld: tuple[Withheld, ...] = Field(default=(), exclude_if=_nothing_withheld)
    #: The staff survey's aggregates (:mod:`toolkit.survey`), shown beside the consultants'
    #: scores; never a response. Not written when there is none.
    survey: StaffSurvey | None = Field(default=None, exclude_if=_no_survey)
    #: The id of the client's previous assessment this one was started from (``tenfold new
    #: --from``): every comparison is with exactly that one (:mod:`toolkit.cycles`). Not
    #: written when there is none.
    previous: str | None = Field(
        default=None, min_length=1, pattern=TEXT_PATTERN, exclude_if=_nothing
    )
    #: The engagement team as set when the engagement was started (the lead and the raters of
    #: the previous cycle, or as given); :func:`toolkit.cycles.team_of` adds whoever has rated
    #: since. Not written when empty.
    team: tuple[PersonName, ...] = Field(default=(), exclude_if=_nothing)
    #: The action plan (:class:`~toolkit.action_plan.Action`), in the order actions were
    #: opened. Not written when empty.
    actions: tuple[Action, ...] = Field(default=(), exclude_if=_nothing)

    @field_validator("client", "title", "lead", "notes", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return clean_text(value)

    @field_validator("actions")
    @classmethod
    def _unique_actions(cls, value: tuple[Action, ...]) -> tuple[Action, ...]:
        ids = [a.id for a in value]
        if len(set(ids)) != len(ids):
            shared = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"two actions share the id {shared[0]!r}; give each its own id")
        return value

    # -- construction ----------------------------------------------------------------------
    @classmethod
    def new(
        cls,
        *,
        client: str,
        lead: str,
        title: str = "Service management diagnostic",
        date: dt.date | None = None,
        framework: Framework | None = None,
        id: str | None = None,
    ) -> Engagement:
        """A new, empty engagement pinned to ``framework`` (default: the bundled one).

        ``id`` defaults to a new random one (:attr:`id`).
        """
        fw = framework or load_framework()
        data: dict[str, Any] = {
            "client": client,
            "lead": lead,
            "title": title,
            "framework": {"id": fw.id, "version": fw.version},
        }
        if date is not None:
            data["date"] = date
        if id is not None:
            data["id"] = id
        return _validated(cls, data)

    # -- checks ------------------------------------------------------------------------------
    def problems(self, framework: Framework) -> list[str]:
        """Everything in this engagement that does not fit ``framework`` (empty when fine)."""
        out = []
        if self.framework.id != framework.id:
            out.append(
                f"framework: engagement uses {self.framework.id!r}, not {framework.id!r}; "
                "load the framework it was made with"
            )
        known = set(framework.factor_ids)
        if not known.issuperset(map(_FACTOR, self.findings)):  # one pass in C when all fit
            for i, f in enumerate(self.findings):
                if f.factor not in known:
                    out.append(f"findings[{i}] (id {f.id}), factor: unknown factor {f.factor!r}")
        for i, c in enumerate(self.changes):
            if c.factor is not None and c.factor not in known:
                out.append(f"changes[{i}] (id {c.id}), factor: unknown factor {c.factor!r}")
        if self.survey is not None:
            out += [
                f"survey: unknown factor {fid!r}" for fid in self.survey.factors if fid not in known
            ]
        for i, a in enumerate(self.actions):
            if a.factor not in known:
                out.append(f"actions[{i}] (id {a.id}), factor: unknown factor {a.factor!r}")
        for name, ids in (
            ("overrides", self.overrides),
            ("targets", self.targets),
            ("not_applicable", self.not_applicable),
        ):
            out += [f"{name}: unknown factor {fid!r}" for fid in ids if fid not in known]
        return out

    def check(self, framework: Framework | None = None) -> Engagement:
        """Raise :class:`EngagementError` listing every problem against ``framework``."""
        problems = self.problems(framework or load_framework())
        if problems:
            raise EngagementError(f"engagement {self.client!r}: " + "; ".join(problems))
        return self

    # -- changes (each returns a new engagement) --------------------------------------------
    def add_finding(
        self,
        *,
        factor: str,
        level: int,
        evidence: str,
        source: str = "interview",
        rater: str | None = None,
        id: str | None = None,
        recorded_at: dt.datetime | None = None,
    ) -> Engagement:
        """A copy with one more finding; ``rater`` defaults to the engagement lead."""
        data: dict[str, Any] = {
            "factor": factor,
            "level": level,
            "evidence": evidence,
            "source": source,
            "rater": rater if rater and rater.strip() else self.lead,
        }
        if id:
            data["id"] = id
        if recorded_at is not None:
            data["recorded_at"] = recorded_at
        return self.with_findings([*self.findings, _validated(Finding, data)])

    def with_findings(self, findings: Iterable[Finding]) -> Engagement:
        """A copy whose findings are ``findings`` (ids must be unique)."""
        items = tuple(findings)
        ids = [f.id for f in items]
        if len(set(ids)) != len(ids):
            raise EngagementError("findings: two findings share an id")
        return self.model_copy(update={"findings": items})

    def update_finding(self, finding_id: str, **changes: Any) -> Engagement:
        """A copy where the finding ``finding_id`` has ``changes`` applied (validated)."""
        found = False
        items = []
        for f in self.findings:
            if f.id == finding_id:
                found = True
                f = _validated(Finding, {**f.model_dump(), **changes, "id": f.id})
            items.append(f)
        if not found:
            raise EngagementError(f"findings: no finding with id {finding_id!r}")
        return self.with_findings(items)

    def remove_finding(self, finding_id: str) -> Engagement:
        """A copy without the finding ``finding_id`` (an error if it does not exist)."""
        items = [f for f in self.findings if f.id != finding_id]
        if len(items) == len(self.findings):
            raise EngagementError(f"findings: no finding with id {finding_id!r}")
        return self.with_findings(items)

    def set_override(
        self, factor: str, level: int | None, *, reason: str = "", by: str | None = None
    ) -> Engagement:
        """Set a consensus override for ``factor`` (a reason is required); ``None`` clears it."""
        overrides = dict(self.overrides)
        if level is None:
            overrides.pop(factor, None)
        else:
            overrides[factor] = _validated(
                Override, {"level": level, "reason": reason, "by": by or self.lead}
            )
        return self.model_copy(update={"overrides": overrides})

    def set_target(self, factor: str, level: int | None) -> Engagement:
        """Set the target level of ``factor``; ``None`` clears it."""
        targets = dict(self.targets)
        if level is None:
            targets.pop(factor, None)
        else:
            problem = level_problem(level)
            if problem:
                raise EngagementError(f"targets.{factor}: {problem}")
            targets[factor] = int(level)
        return self.model_copy(update={"targets": targets})

    def set_not_applicable(self, factor: str, value: bool = True) -> Engagement:
        """Mark ``factor`` as not applicable to this client (or applicable again)."""
        na = [f for f in self.not_applicable if f != factor]
        if value:
            na.append(factor)
        return self.model_copy(update={"not_applicable": tuple(sorted(na))})

    def logged(self, entry: LoggedChange) -> Engagement:
        """A copy with ``entry`` appended to the change log."""
        return self.model_copy(update={"changes": (*self.changes, entry)})

    def with_actions(self, actions: Iterable[Action]) -> Engagement:
        """A copy whose action plan is ``actions`` (ids must be unique)."""
        items = tuple(actions)
        ids = [a.id for a in items]
        if len(set(ids)) != len(ids):
            raise EngagementError("actions: two actions share an id")
        return self.model_copy(update={"actions": items})

    def action(self, action_id: str) -> Action:
        """The action with id ``action_id``."""
        for a in self.actions:
            if a.id == action_id:
                return a
        raise EngagementError(f"actions: no action with id {action_id!r}")

    def finding(self, finding_id: str) -> Finding:
        """The finding with id ``finding_id``."""
        for f in self.findings:
            if f.id == finding_id:
                return f
        raise EngagementError(f"findings: no finding with id {finding_id!r}")

    # -- tables ------------------------------------------------------------------------------
    def findings_frame(self, columns: Iterable[str] = FINDING_COLUMNS) -> pd.DataFrame:
        """The findings as a DataFrame with ``columns`` (default all of :data:`FINDING_COLUMNS`)."""
        return findings_to_frame(self.findings, columns)


#: A change: a function from an engagement to the changed engagement, its log entry appended.
#: It is applied to the latest file on disk by :func:`toolkit.store.update_engagement`.
Change: TypeAlias = Callable[[Engagement], Engagement]


def author(engagement: Engagement, by: str | None) -> str:
    """Who a change is logged as: ``by``, or the engagement's lead when it is blank.

    Raises :class:`~toolkit.errors.EngagementError` when ``by`` holds a control character.
    """
    if by and by.strip():
        problem = control_character_problem(by)
        if problem:
            raise EngagementError(f"rater: {problem}")
        return by.strip()
    return engagement.lead


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding as a log entry holds it in ``before`` or ``after``."""
    data: dict[str, Any] = finding.model_dump(mode="json")
    return data


def findings_to_frame(
    findings: Iterable[Finding], columns: Iterable[str] = FINDING_COLUMNS
) -> pd.DataFrame:
    """Findings as a DataFrame (``columns`` of :data:`FINDING_COLUMNS`, ``recorded_at`` in UTC).

    Built column by column from the findings' attributes: a live dashboard rescoring a
    2,000-finding engagement after every change pays microseconds per finding, not a dump.
    """
    names = list(columns)
    unknown = [c for c in names if c not in FINDING_COLUMNS]
    if unknown:
        raise ValueError(f"unknown finding column(s): {', '.join(unknown)}")
    items = tuple(findings)
    frame = pd.DataFrame({name: [getattr(f, name) for f in items] for name in names}, columns=names)
    if "level" in frame:
        frame["level"] = frame["level"].astype("int64")
    if "recorded_at" in frame:
        frame["recorded_at"] = pd.to_datetime(frame["recorded_at"], utc=True)
    return frame


def describe_validation_error(exc: ValidationError) -> list[str]:
    """Pydantic's errors as ``"field: message"`` lines in the project's words."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "value"
        msg = str(err["msg"]).removeprefix("Value error, ")
        value = err.get("input")
        is_level = loc.endswith("level") or loc.startswith("targets.")
        if is_level and err["type"].startswith(_NOT_A_LEVEL):
            msg = _level_words(value, err["type"])
        elif err["type"] == "literal_error":
            msg = f"{value!r} is not one of {', '.join(SOURCES)}"
        elif err["type"] in ("string_too_short", "missing") and loc.endswith("evidence"):
            msg = "is empty"
        elif err["type"] == "string_pattern_mismatch" and isinstance(value, str):
            msg = control_character_problem(value) or msg
        out.append(f"{loc}: {msg}")
    return out


def _validated(model: type[M], data: Mapping[str, Any]) -> M:
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        raise EngagementError("; ".join(describe_validation_error(exc))) from None

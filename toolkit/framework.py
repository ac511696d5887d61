"""The diagnostic framework: factors, their groups and the 0-4 health scale.

The default framework ships as ``toolkit/frameworks/tenfold.toml``, a human-editable file. A
custom file may rename labels, change weights, and drop or add factors (3 to 20). Every factor
carries five anchors, one for each level of the scale.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from toolkit._checks import control_character_problem
from toolkit.errors import FrameworkError

__all__ = [
    "LEVELS",
    "LEVEL_TOLERANCE",
    "MAX_FACTORS",
    "MIN_FACTORS",
    "Factor",
    "Framework",
    "Group",
    "ScaleLevel",
    "Statement",
    "format_change",
    "format_score",
    "level_reached",
    "load_framework",
    "score_number",
    "statement_key",
]

#: The scale is health: higher is healthier, so a bigger radar is better.
LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4)
MIN_FACTORS = 3
MAX_FACTORS = 20
MAX_LABEL = 22
#: How close below a level a score may fall and still have reached it. Scores are means and
#: medians of whole levels, so a score that is really 3 may be stored as 2.9999999999999996;
#: a real shortfall this small would take a million findings from one rater.
LEVEL_TOLERANCE = 1e-6
_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
#: How many survey statements a surveyed factor has (a factor may have none: not surveyed).
MIN_STATEMENTS = 2
MAX_STATEMENTS = 4


def level_reached(score: float | None) -> int | None:
    """The level a score has reached, 0 to 4, or ``None`` for no score (the one level rule).

    The whole level at or below the score, ``floor(score)``, with :data:`LEVEL_TOLERANCE`; a
    value beyond the scale has reached the nearer end of it. :meth:`Framework.level_reached`
    is this rule; :func:`toolkit.report.wording.format_score` shows a score so its number and
    this level always agree.
    """
    if score is None or pd.isna(score):
        return None
    return max(LEVELS[0], min(LEVELS[-1], math.floor(float(score) + LEVEL_TOLERANCE)))


#: What a factor without a score reads as: its basis, never 0.
NOT_ASSESSED = "not assessed"
NOT_APPLICABLE = "not applicable"


def score_number(value: float) -> float:
    """A score as it is shown: two decimals, never past the level it has reached.

    The nearest hundredth, except that a score just below a level stays below it: 0.996 has
    reached 0 (Absent) and is shown as 0.99, never as 1.00. A reader therefore gets the same
    level from the number shown as the level rule gives for the score (:func:`level_reached`).
    """
    level = level_reached(value)
    shown = round(float(value), 2)
    if level is not None and level < LEVELS[-1] and float(value) < LEVELS[-1]:
        shown = min(shown, level + 0.99)
    if level is not None and LEVELS[0] <= float(value):
        shown = max(shown, float(level))
    return shown


def format_score(
    value: float | None, *, basis: str | None = None, framework: Framework | None = None
) -> str:
    """A score as every surface shows it: ``"1.5"``, ``"0.75"``, ``"2.0 (Partial)"``.

    The one formatting of a score for the viewer, the dashboards, the reports (HTML, PDF, PPTX,
    XLSX), the CLI and chart tooltips. The number is :func:`score_number` (two decimals, never
    rounded past its level), written with one decimal when the second is 0: 1.5, 2.0, 0.75,
    1.33, 0.99. So 0.75, which has reached Absent, reads "0.75 (Absent)", never "0.8", and
    0.996 reads "0.99", never "1.0".

    Parameters
    ----------
    value
        A score from 0 to 4, or ``None``/NaN for a factor without one.
    basis
        For a missing score: what it reads as, "not assessed" or "not applicable" (any other
        basis: "not assessed"). Without it, a missing score reads as ``""``.
    framework
        Given, the name of the level the score has reached follows in brackets:
        ``"1.7 (Ad hoc)"``.
    """
    if value is None or math.isnan(value):
        if basis is None:
            return ""
        return basis if basis in (NOT_ASSESSED, NOT_APPLICABLE) else NOT_ASSESSED
    text = f"{score_number(value):.2f}"
    if text.endswith("0"):
        text = text[:-1]
    if framework is None:
        return text
    return f"{text} ({framework.level_name(level_reached(value))})"


#: A difference of two scores smaller than this reads as no change ("0.0").
STEADY = 0.005


def format_change(delta: float) -> str:
    """A difference of two scores as every surface shows it: ``"+0.5"``, ``"+0.25"``,
    ``"\u22121.0"``, ``"0.0"``.

    Written as :func:`format_score` writes a score (two decimals, the second dropped when it
    is 0), so the difference of two scores a reader sees adds up to the difference shown.
    """
    if abs(delta) < STEADY:
        return "0.0"
    text = f"{abs(delta):.2f}"
    text = text[:-1] if text.endswith("0") else text
    return f"+{text}" if delta > 0 else f"\u2212{text}"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        """Framework text holds no control character (a direction override included)."""
        for text in value if isinstance(value, tuple) else (value,):
            problem = control_character_problem(text) if isinstance(text, str) else None
            if problem:
                raise ValueError(problem)
        return value


class ScaleLevel(_Frozen):
    """One level of the health scale: its number, name and meaning (the framework checks the
    numbers are exactly :data:`LEVELS`; a level as data is :data:`toolkit.findings.Level`)."""

    level: int
    name: str = Field(min_length=1)
    meaning: str = Field(min_length=1)


class Group(_Frozen):
    """A group of factors (the default framework has ``organization`` and ``manager``)."""

    id: str = Field(pattern=_ID_PATTERN)
    label: str = Field(min_length=1)
    description: str = ""


class Statement(_Frozen):
    """One sentence of the staff survey, answered on a 5-point agreement scale.

    ``reverse`` marks a sentence worded against the healthy practice ("When money gets tight,
    service is cut first"): agreeing with it is a bad sign, so its answers are turned round
    before they are counted.
    """

    text: str = Field(min_length=1, max_length=300)
    reverse: bool = False


def statement_key(text: str) -> str:
    """``text`` as survey statements are compared: case, punctuation, apostrophes and spacing
    left out, compatible characters made plain (NFKC), so ``"It's  clear, who decides."`` and
    ``"its clear who decides"`` are one."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.replace("\u2019", "").replace("'", "")
    return " ".join(re.sub(r"[^\w\s]|_", " ", folded).split())


class Factor(_Frozen):
    """One factor of the framework, with the text a consultant uses in the room."""

    id: str = Field(pattern=_ID_PATTERN)
    group: str
    label: str = Field(min_length=1, max_length=MAX_LABEL)
    failure_mode: str = Field(min_length=1)
    description: str = Field(min_length=1)
    weight: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    anchors: tuple[str, ...]
    questions: tuple[str, ...] = Field(min_length=1)
    evidence: tuple[str, ...] = ()
    remedies: tuple[str, ...] = Field(min_length=1)
    #: What the staff survey asks about this factor: none (not surveyed), or two to four.
    statements: tuple[Statement, ...] = ()

    @field_validator("statements")
    @classmethod
    def _statement_count(cls, value: tuple[Statement, ...]) -> tuple[Statement, ...]:
        if value and not MIN_STATEMENTS <= len(value) <= MAX_STATEMENTS:
            raise ValueError(
                f"needs {MIN_STATEMENTS} to {MAX_STATEMENTS} survey statements (or none, for a "
                f"factor the staff survey leaves out), got {len(value)}"
            )
        return value

    @field_validator("anchors")
    @classmethod
    def _five_anchors(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) != len(LEVELS):
            raise ValueError(f"needs exactly {len(LEVELS)} anchors (levels 0-4), got {len(value)}")
        if any(not a.strip() for a in value):
            raise ValueError("an anchor is empty")
        return value

    def anchor(self, level: int) -> str:
        """The behavioural anchor text of ``level`` (0-4) for this factor."""
        return self.anchors[int(level)]


class Framework(_Frozen):
    """A validated framework. Factors keep the file's order, which is the radar's order."""

    id: str = Field(pattern=_ID_PATTERN)
    version: str = Field(min_length=1)
    name: str = Field(min_length=1)
    description: str = ""
    levels: tuple[ScaleLevel, ...]
    groups: tuple[Group, ...] = Field(min_length=1)
    factors: tuple[Factor, ...] = Field(min_length=MIN_FACTORS, max_length=MAX_FACTORS)

    @model_validator(mode="after")
    def _consistent(self) -> Framework:
        if tuple(lv.level for lv in self.levels) != LEVELS:
            raise ValueError("levels must be exactly 0, 1, 2, 3, 4 in that order")
        ids = [f.id for f in self.factors]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"factor ids must be unique; repeated: {', '.join(dupes)}")
        labels = [f.label.casefold() for f in self.factors]
        if len(set(labels)) != len(labels):
            raise ValueError("factor labels must be unique (case-insensitive)")
        seen: dict[str, str] = {}
        for f in self.factors:
            for i, statement in enumerate(f.statements, start=1):
                key = statement_key(statement.text)
                if key in seen:
                    raise ValueError(
                        f"factor {f.id!r}, field 'statements.{i}': the same text as a statement "
                        f"of {seen[key]!r}; every survey statement needs words of its own, since "
                        "an export is matched to the framework by them"
                    )
                seen[key] = f.id
        groups = {g.id for g in self.groups}
        for f in self.factors:
            if f.group not in groups:
                raise ValueError(
                    f"factor {f.id!r}, field 'group': {f.group!r} is not one of the groups "
                    f"({', '.join(sorted(groups))})"
                )
        return self

    # -- lookups ----------------------------------------------------------------------------
    @property
    def factor_ids(self) -> tuple[str, ...]:
        """Factor ids in framework order."""
        return tuple(f.id for f in self.factors)

    def __iter__(self) -> Iterator[Factor]:  # type: ignore[override]
        return iter(self.factors)

    def __len__(self) -> int:
        return len(self.factors)

    def factor(self, factor_id: str) -> Factor:
        """The factor with id ``factor_id``; ``KeyError`` naming the known ids otherwise."""
        for f in self.factors:
            if f.id == factor_id:
                return f
        raise KeyError(f"unknown factor {factor_id!r}; known: {', '.join(self.factor_ids)}")

    def group(self, group_id: str) -> Group:
        """The group with id ``group_id``."""
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(f"unknown group {group_id!r}")

    def level_name(self, level: int | None) -> str:
        """The name of a scale level, e.g. ``2 -> "Partial"``; ``""`` for ``None`` (no level).

        For a score, name the level it has reached: ``level_name(level_reached(score))``.
        """
        return "" if level is None else self.levels[int(level)].name

    def level_reached(self, score: float | None) -> int | None:
        """The level a score has reached: the whole level at or below it, ``floor(score)``.

        Every surface (charts, reports, dashboards) names a score's level with this one rule:
        1.5 has reached 1 (Ad hoc), not 2; 2.0 has reached 2 (Partial). A score within
        :data:`LEVEL_TOLERANCE` below a level has reached it, so a mean of thirds that is
        really 3 but is stored as 2.9999999999999996 reads as 3 (Established).

        Parameters
        ----------
        score
            A factor score from 0 to 4, or ``None``/NaN for a factor without a score.

        Returns
        -------
        int or None
            The level, 0 to 4; ``None`` when there is no score. A value beyond the scale (a
            comparison series drawn off the scale, say) has reached the nearer end of it.
        """
        return level_reached(score)

    def resolve_factor(self, name: str) -> str | None:
        """The factor id for an id or a label (case-insensitive); ``None`` if neither matches."""
        key = str(name).strip().casefold()
        for f in self.factors:
            if key in (f.id.casefold(), f.label.casefold()):
                return f.id
        return None

    def suggest_factor(self, name: str) -> str | None:
        """The factor id whose id or label is closest to a mistyped ``name``, if any is close."""
        key = str(name).strip().casefold()
        names = {f.id.casefold(): f.id for f in self.factors}
        names.update({f.label.casefold(): f.id for f in self.factors})
        close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
        return names[close[0]] if close else None

    @property
    def weights(self) -> pd.Series:
        """Factor weights as a Series indexed by factor id, in framework order."""
        return pd.Series(
            [f.weight for f in self.factors], index=pd.Index(self.factor_ids, name="factor")
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per factor: label, group, failure mode, weight, description, anchors and more."""
        rows = []
        for f in self.factors:
            row: dict[str, Any] = {
                "factor": f.id,
                "label": f.label,
                "group": f.group,
                "failure_mode": f.failure_mode,
                "weight": f.weight,
                "description": f.description,
            }
            for lv in LEVELS:
                row[f"anchor_{lv}"] = f.anchors[lv]
            row["questions"] = "\n".join(f.questions)
            row["evidence"] = "\n".join(f.evidence)
            row["remedies"] = "\n".join(f.remedies)
            rows.append(row)
        return pd.DataFrame(rows).set_index("factor")

    def derive(self, **changes: Any) -> Framework:
        """A validated copy with ``changes`` applied (e.g. ``factors=...``, ``id=...``)."""
        data = self.model_dump()
        data.update(changes)
        return _validate(data, source=f"derived from {self.id}")


def _describe_location(loc: tuple[int | str, ...], data: Any) -> str:
    """Turn a pydantic location such as ('factors', 2, 'anchors') into words."""
    if len(loc) >= 2 and loc[0] == "factors" and isinstance(loc[1], int):
        fid = None
        factors = data.get("factors") if isinstance(data, dict) else None
        if (
            isinstance(factors, list)
            and loc[1] < len(factors)
            and isinstance(factors[loc[1]], dict)
        ):
            fid = factors[loc[1]].get("id")
        who = f"factor {fid!r}" if fid else f"factor #{loc[1] + 1}"
        parts = list(loc[2:])
        if len(parts) >= 2 and parts[0] == "statements" and isinstance(parts[1], int):
            parts[1] += 1  # statements are counted from 1, as a person counts them
        rest = ".".join(str(p) for p in parts)
        return f"{who}, field {rest!r}" if rest else who
    return "field " + repr(".".join(str(p) for p in loc)) if loc else "framework"


def _validate(data: Any, *, source: str) -> Framework:
    if isinstance(data, dict) and isinstance(data.get("framework"), dict):
        header = data.pop("framework")
        data = {**header, **data}
    try:
        return Framework.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = _describe_location(tuple(err["loc"]), data)
            msg = str(err["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {msg}")
        raise FrameworkError(f"{source}: " + "; ".join(problems)) from None


def default_framework_path() -> Path:
    """Where the bundled default framework file lives."""
    return Path(str(resources.files("toolkit") / "frameworks" / "tenfold.toml"))


@lru_cache(maxsize=1)
def _default() -> Framework:
    return _load(default_framework_path())


def _load(path: Path) -> Framework:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError(f"{path}: no such framework file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError(f"{path}: cannot read the framework file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(f"{path}: not valid TOML ({exc})") from None
    return _validate(data, source=str(path))


def load_framework(path: str | Path | None = None) -> Framework:
    """Load the default framework, or a custom one from a TOML file.

    Parameters
    ----------
    path
        A framework TOML file. ``None`` gives the bundled Tenfold framework.

    Raises
    ------
    FrameworkError
        The file is missing, is not TOML, or breaks a rule; the message names the file, the
        factor and the field (``"custom.toml: factor 'purpose', field 'anchors': needs exactly
        5 anchors (levels 0-4), got 4"``).
    """
    if path is None:
        return _default()
    return _load(Path(path))

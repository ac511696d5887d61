"""What an engagement keeps of a staff survey: aggregates only, anonymous by construction.

A :class:`StaffSurvey` holds, per factor and per segment (a team, a site), the number of
respondents, their mean on the 0-4 scale, the percentage of favourable answers, the spread and
a 95% interval: never a response, a respondent's row or an identifying column. The rules that
keep a group from being read or worked out (see :mod:`toolkit.survey.suppress`) are checked
again here, when a survey is made and whenever an engagement file is read, so a file edited by
hand to show a small group is refused with the group named, and every surface that shows a
survey (reports, charts, shares, the dashboards) can show what the model holds.

The invariants, per factor:

- a group shown has at least ``k`` respondents; a suppressed group carries no figure at all,
  only why it is suppressed;
- when everyone (the parent) is suppressed, so is every segment;
- the respondents of the suppressed segments, together, are none or at least ``k`` (what
  subtracting the shown segments from the parent leaves is itself a group of ``k`` or more);
- a parent never has exactly one segment shown beside suppressed ones;
- comments are kept for everyone only with at least ``comment_k`` respondents, and with a
  segment only when every segment has a factor shown with ``comment_k`` respondents or more
  (otherwise the comments of a small segment could be picked out by elimination).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from toolkit._checks import TEXT_PATTERN, clean_text
from toolkit._model import Moment, Record, utcnow

__all__ = [
    "DEFAULT_COMMENT_K",
    "DEFAULT_K",
    "MIN_K",
    "StaffSurvey",
    "SurveyComment",
    "SurveyGroup",
]

#: Results for a group are shown only when it has at least this many respondents (the default).
DEFAULT_K = 5
#: The least ``k`` Tenfold accepts: below it, a group's answers are too close to a person's.
MIN_K = 3
#: Free-text comments are kept only for groups of at least this many respondents (the default).
DEFAULT_COMMENT_K = 10

_TEXT = Field(min_length=1, max_length=2000, pattern=TEXT_PATTERN)


class SurveyGroup(Record):
    """One factor's staff view for everyone (``segment`` None) or one segment.

    A suppressed group has ``suppressed`` saying why and every figure ``None``.
    """

    factor: str = Field(min_length=1, pattern=TEXT_PATTERN)
    segment: str | None = Field(default=None, min_length=1, max_length=120, pattern=TEXT_PATTERN)
    #: Respondents who answered at least one of the factor's statements.
    n: int | None = Field(default=None, ge=0)
    #: The mean of the respondents' own means, on the 0-4 scale (strongly disagree 0 ... 4).
    mean: float | None = Field(default=None, ge=0, le=4, allow_inf_nan=False)
    #: The percentage of answers in the top two boxes (agree, strongly agree), reverse-worded
    #: statements turned round first.
    favourable: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)
    #: The standard deviation of the respondents' means (n - 1 in the denominator).
    sd: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    #: The 95% interval of the mean (Student's t), within 0-4.
    low: float | None = Field(default=None, ge=0, le=4, allow_inf_nan=False)
    high: float | None = Field(default=None, ge=0, le=4, allow_inf_nan=False)
    #: Why the group is not shown; "" when it is.
    suppressed: str = Field(default="", pattern=TEXT_PATTERN)

    @field_validator("segment", mode="before")
    @classmethod
    def _segment_text(cls, value: Any) -> Any:
        return clean_text(value)

    @property
    def shown(self) -> bool:
        """Whether the group's figures are shown (it is not suppressed)."""
        return not self.suppressed

    @model_validator(mode="after")
    def _figures_or_reason(self) -> SurveyGroup:
        figures = (self.n, self.mean, self.favourable, self.sd, self.low, self.high)
        if self.suppressed:
            if any(v is not None for v in figures):
                raise ValueError(
                    f"factor {self.factor!r}{_segment_words(self.segment)}: a suppressed group "
                    "keeps no figures (n, mean, favourable, sd, low, high)"
                )
        elif any(v is None for v in figures):
            raise ValueError(
                f"factor {self.factor!r}{_segment_words(self.segment)}: a group shown needs n, "
                "mean, favourable, sd, low and high"
            )
        return self


class SurveyComment(Record):
    """One free-text answer, kept for everyone (``segment`` None) or with its segment."""

    text: str = _TEXT
    segment: str | None = Field(default=None, min_length=1, max_length=120, pattern=TEXT_PATTERN)

    @field_validator("text", "segment", mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return clean_text(value)


def _segment_words(segment: str | None) -> str:
    return "" if segment is None else f", segment {segment!r}"


class StaffSurvey(Record):
    """A staff survey's aggregates, as an engagement keeps them (see the module docstring)."""

    #: The survey tool whose export was read ("Microsoft Forms", "Google Forms", ...).
    tool: str = Field(min_length=1, max_length=60, pattern=TEXT_PATTERN)
    imported_at: Moment = Field(default_factory=utcnow)
    #: The least respondents a group shown has (at least :data:`MIN_K`).
    k: int = Field(default=DEFAULT_K, ge=MIN_K, le=1000)
    #: The least respondents a group's comments are kept for (at least ``k``).
    comment_k: int = Field(default=DEFAULT_COMMENT_K, ge=MIN_K, le=1000)
    #: Everyone who answered anything; ``None`` when fewer than ``k`` did.
    respondents: int | None = Field(default=None, ge=0)
    #: The headcount the survey was sent to, when the consultant gave it.
    expected: int | None = Field(default=None, ge=1)
    #: The export's column the segments come from ("Team"), if any.
    segment: str | None = Field(default=None, min_length=1, max_length=120, pattern=TEXT_PATTERN)
    #: How many of the framework's statements the export answered.
    statements: int = Field(default=0, ge=0)
    groups: tuple[SurveyGroup, ...] = ()
    comments: tuple[SurveyComment, ...] = ()
    #: Whether the survey counts as one more rater in the scoring rule (off unless opted in).
    count_as_rater: bool = False

    @field_validator("segment", mode="before")
    @classmethod
    def _segment_text(cls, value: Any) -> Any:
        return clean_text(value)

    # -- lookups -----------------------------------------------------------------------------
    def group(self, factor: str, segment: str | None = None) -> SurveyGroup | None:
        """The group of ``factor`` for ``segment`` (None: everyone), if the survey has it."""
        for g in self.groups:
            if g.factor == factor and g.segment == segment:
                return g
        return None

    @property
    def segments(self) -> tuple[str, ...]:
        """The segments, in the order the groups list them."""
        return tuple(dict.fromkeys(g.segment for g in self.groups if g.segment is not None))

    @property
    def factors(self) -> tuple[str, ...]:
        """The factors the survey asked about, in the order the groups list them."""
        return tuple(dict.fromkeys(g.factor for g in self.groups))

    @property
    def response_rate(self) -> float | None:
        """Respondents over the expected headcount, as a percentage; ``None`` if either is
        unknown (fewer than ``k`` respondents, or no headcount given)."""
        if self.respondents is None or self.expected is None:
            return None
        return 100.0 * self.respondents / self.expected

    def rater_level(self, factor: str) -> float | None:
        """The level the survey gives ``factor`` as a rater: everyone's mean, when shown."""
        g = self.group(factor)
        return g.mean if g is not None and g.shown else None

    def rater_levels(self) -> dict[str, float]:
        """:meth:`rater_level` of every factor that has one, by factor id."""
        levels = {f: self.rater_level(f) for f in self.factors}
        return {f: level for f, level in levels.items() if level is not None}

    # -- the anonymity invariants ------------------------------------------------------------
    @model_validator(mode="after")
    def _anonymous(self) -> StaffSurvey:
        if self.comment_k < self.k:
            raise ValueError(f"comment_k ({self.comment_k}) must be at least k ({self.k})")
        if self.respondents is not None and self.respondents < self.k:
            raise ValueError(
                f"respondents: {self.respondents} is fewer than k ({self.k}); a survey with "
                "fewer respondents keeps no count"
            )
        if (
            self.respondents is not None
            and self.expected is not None
            and self.respondents > self.expected
        ):
            raise ValueError(
                f"respondents: {self.respondents} is more than the expected headcount "
                f"({self.expected})"
            )
        keys = [(g.factor, g.segment) for g in self.groups]
        if len(set(keys)) != len(keys):
            raise ValueError("groups: a factor and segment appear twice")
        if self.segment is None and any(g.segment is not None for g in self.groups):
            raise ValueError("groups: segments without the segment column they come from")
        for g in self.groups:
            if g.shown and g.n is not None and g.n < self.k:
                raise ValueError(
                    f"factor {g.factor!r}{_segment_words(g.segment)}: {g.n} respondents is "
                    f"fewer than k ({self.k}); such a group is suppressed, never shown"
                )
        for factor in self.factors:
            self._check_factor(factor)
        self._check_comments()
        return self

    def _check_factor(self, factor: str) -> None:
        parent = self.group(factor)
        children = [g for g in self.groups if g.factor == factor and g.segment is not None]
        if parent is None:
            if children:
                raise ValueError(f"factor {factor!r}: segments without a group for everyone")
            return
        if not parent.shown:
            visible = [g.segment for g in children if g.shown]
            if visible:
                raise ValueError(
                    f"factor {factor!r}: everyone is suppressed, so segment {visible[0]!r} must "
                    "be too"
                )
            return
        if not children:
            return
        assert parent.n is not None
        shown = [g for g in children if g.shown]
        hidden = [g for g in children if not g.shown]
        rest = parent.n - sum(g.n or 0 for g in shown)
        if rest < 0:
            raise ValueError(
                f"factor {factor!r}: the segments shown have more respondents than everyone"
            )
        if hidden and rest < self.k:
            raise ValueError(
                f"factor {factor!r}: the suppressed segments together have {rest} respondents, "
                f"fewer than k ({self.k}); subtracting the shown segments from everyone would "
                "reveal them"
            )
        if hidden and len(shown) == 1:
            raise ValueError(
                f"factor {factor!r}: segment {shown[0].segment!r} is the only one shown beside "
                "suppressed ones; with everyone shown, it reveals the rest"
            )
        if not hidden and rest != 0:
            raise ValueError(
                f"factor {factor!r}: the segments add up to {parent.n - rest} respondents, not "
                f"everyone's {parent.n}"
            )

    def _check_comments(self) -> None:
        if not self.comments:
            return
        if self.respondents is None or self.respondents < self.comment_k:
            raise ValueError(
                f"comments: kept only with {self.comment_k} respondents or more "
                f"(comment_k); this survey has {self.respondents or 'fewer than k'}"
            )
        segmented = {c.segment for c in self.comments if c.segment is not None}
        if not segmented:
            return
        unknown = segmented - set(self.segments)
        if unknown:
            raise ValueError(f"comments: segment {sorted(unknown)[0]!r} has no groups")
        for segment in self.segments:
            largest = max(
                (g.n or 0 for g in self.groups if g.segment == segment and g.shown), default=0
            )
            if largest < self.comment_k:
                raise ValueError(
                    f"comments: kept with their segment only when every segment has "
                    f"{self.comment_k} respondents or more (comment_k); segment {segment!r} "
                    "does not"
                )

"""Assessment cycles: the next assessment of a client starts from the last, and every comparison
is with exactly the one it was started from.

A consultant reassesses a client every six or twelve months. :func:`next_cycle` makes the next
assessment from the previous one: same client, title and lead (unless given), the same targets
and not-applicable factors, the team (:func:`team_of`: the lead, the team as set, and everyone
who rated), and the open actions of the plan, each still naming the cycle that opened it.
Findings, consensus levels, notes and the change log are not carried: a new cycle rates on fresh
evidence. The new engagement names its previous one by id (``Engagement.previous``), and its
log opens with one entry saying what was carried. :func:`start_next_cycle` does the same in a
store (a folder of files or a database) and is what ``tenfold new --from`` and the dashboard
call.

Every surface that compares with a previous assessment reads :func:`history`: the linked
previous cycle, found in the store by id (in a folder, the file holding that id; in a database,
its row), then the one it links to, and so on, for a trend. An engagement with no link (made
before links existed, or by ``tenfold new`` without ``--from``) falls back to a guess, the latest
earlier assessment of the same client in the store, and :attr:`History.note` says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from toolkit import access
from toolkit._model import utcnow
from toolkit.action_plan import person_problem
from toolkit.change_log import LoggedChange
from toolkit.errors import EngagementError, TenfoldError
from toolkit.findings import Engagement, author
from toolkit.framework import Framework, load_framework

if TYPE_CHECKING:
    from toolkit.stores.base import Snapshot, Store

__all__ = [
    "MAX_CYCLES",
    "History",
    "HowFound",
    "carried",
    "history",
    "next_cycle",
    "start_next_cycle",
    "team_of",
]

#: How many earlier cycles :func:`history` follows at most (a trend needs a few).
MAX_CYCLES = 12

#: How the previous assessment was found: through the engagement's link, by a guess (same
#: client, earlier date) for an engagement without one, given by the caller; or none
#: ("none"), or a link to an engagement the store does not hold ("missing").
HowFound = Literal["linked", "guessed", "given", "none", "missing"]


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def team_of(engagement: Engagement) -> tuple[str, ...]:
    """The engagement team today: the lead, the team as set, then everyone who has rated.

    Each person once (names compared without case and extra spaces), in that order.
    """
    out: dict[str, str] = {}
    for name in (engagement.lead, *engagement.team, *(f.rater for f in engagement.findings)):
        if name.strip():
            out.setdefault(_key(name), name.strip())
    return tuple(out.values())


def carried(previous: Engagement) -> dict[str, object]:
    """What :func:`next_cycle` carries from ``previous``: targets, not-applicable factors, the
    team and the open actions (for a message or a test)."""
    return {
        "targets": dict(previous.targets),
        "not_applicable": tuple(previous.not_applicable),
        "team": team_of(previous),
        "actions": tuple(a for a in previous.actions if a.open),
    }


def _day(day: dt.date) -> str:
    """``"14 May 2026"``, as the reports write a date."""
    return f"{day.day} {day:%B %Y}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def next_cycle(
    previous: Engagement,
    *,
    framework: Framework | None = None,
    date: dt.date | None = None,
    lead: str | None = None,
    title: str | None = None,
    team: tuple[str, ...] | list[str] | None = None,
    by: str | None = None,
    id: str | None = None,
) -> Engagement:
    """The next assessment of ``previous``'s client (see the module docstring).

    Parameters
    ----------
    previous
        The last assessment, whole (as its lead reads it).
    framework
        The framework to assess against: the one ``previous`` was made with (by id); its
        version is the one pinned in the new engagement (default: the bundled framework).
    date
        The new assessment's date (default: today); after ``previous``'s.
    lead, title
        Default: ``previous``'s.
    team
        The team of the new cycle (default: :func:`team_of` ``previous``); the lead is always
        in it.
    by
        Who starts the cycle, for its log entry (default: the lead).
    id
        The new engagement's id (default: a new random one).

    Raises
    ------
    EngagementError
        Naming the field: ``previous`` made with another framework, a date on or before
        ``previous``'s, a lead or team member that is not a name, or ``previous`` still in a
        blind rating (its plan is hidden from raters until the lead reveals the panel).
    """
    fw = framework or load_framework()
    if previous.framework.id != fw.id:
        raise EngagementError(
            f"framework: the previous assessment of {previous.client} was made with framework "
            f"{previous.framework.id!r}, not {fw.id!r}; start the next cycle with the framework "
            "it was made with (--framework FILE)"
        )
    previous.check(fw)
    if previous.phase == "independent":
        raise EngagementError(
            f"phase: the previous assessment of {previous.client} is still in a blind rating; "
            f"its lead, {previous.lead}, reveals the panel before the next cycle starts from it"
        )
    day = date or utcnow().date()
    if day <= previous.date:
        raise EngagementError(
            f"date: {day.isoformat()} is not after the previous assessment's date, "
            f"{previous.date.isoformat()}; the next cycle comes later"
        )
    new_lead = (previous.lead if lead is None else lead).strip()
    for field, names in (("lead", [new_lead]), ("team", list(team or ()))):
        for name in names:
            problem = person_problem(name)
            if problem:
                raise EngagementError(f"{field}: {name!r}: {problem}")
    members = tuple(team) if team is not None else team_of(previous)
    people: dict[str, str] = {_key(new_lead): new_lead}
    for name in members:
        people.setdefault(_key(name), name.strip())
    open_actions = tuple(a for a in previous.actions if a.open)
    fresh = Engagement.new(
        client=previous.client,
        lead=new_lead,
        title=title or previous.title,
        date=day,
        framework=fw,
        id=id,
    )
    fresh = fresh.model_copy(
        update={
            "targets": dict(previous.targets),
            "not_applicable": tuple(previous.not_applicable),
            "team": tuple(people.values()),
            "actions": open_actions,
            "previous": previous.id,
        }
    )
    fresh = Engagement.model_validate(fresh.model_dump())  # every carried value checked again
    who = author(fresh, by)
    summary = (
        f"Started from the assessment of {previous.date.isoformat()} ({previous.id}): "
        f"{_plural(len(previous.targets), 'target')}, "
        f"{len(previous.not_applicable)} not applicable, a team of {len(fresh.team)}, "
        f"{_plural(len(open_actions), 'open action')} carried"
    )
    return fresh.logged(
        LoggedChange(
            by=who,
            kind="cycle started",
            subject=previous.id,
            summary=summary,
            after={
                "previous": previous.id,
                "targets": dict(previous.targets),
                "not_applicable": list(previous.not_applicable),
                "team": list(fresh.team),
                "actions": [a.id for a in open_actions],
            },
        )
    )


def start_next_cycle(
    store: Store,
    ref: str,
    *,
    framework: Framework | None = None,
    name: str | None = None,
    date: dt.date | None = None,
    lead: str | None = None,
    title: str | None = None,
    team: tuple[str, ...] | list[str] | None = None,
    by: str | None = None,
) -> Snapshot:
    """Start the next cycle of the engagement ``ref`` of ``store`` and store it.

    What the dashboard's *Switch engagement... > New from this one* and ``tenfold new --from``
    call. ``name`` is the new file's name in a folder (default: the client and month); a
    database ignores it. The other arguments are :func:`next_cycle`'s. Returns the new
    engagement's snapshot; nothing is written when anything is refused.
    """
    fw = framework or load_framework()
    previous = store.load(ref, framework=fw).engagement
    fresh = next_cycle(previous, framework=fw, date=date, lead=lead, title=title, team=team, by=by)
    return store.create(fresh, name=name)


# -- what a surface compares with -----------------------------------------------------------------


@dataclass(frozen=True)
class History:
    """The assessments before an engagement, as every surface compares with them.

    ``cycles`` are the earlier assessments, oldest first; the last is the previous one. Through
    links they go back as far as each names its own previous (:data:`MAX_CYCLES` at most); a
    guessed previous brings the cycles it links to. ``note`` says, in a sentence for the page
    or the report, which assessment is compared and how it was found.
    """

    cycles: tuple[Engagement, ...] = ()
    how: HowFound = "none"
    note: str = ""

    @property
    def previous(self) -> Engagement | None:
        """The assessment compared with, or ``None``."""
        return self.cycles[-1] if self.cycles else None

    @classmethod
    def given(cls, previous: Engagement | None) -> History:
        """A previous assessment named by the caller (``tenfold report --compare FILE``)."""
        if previous is None:
            return cls()
        return cls((previous,), "given", f"Compared with the assessment of {_day(previous.date)}.")


def _load(store: Store, engagement_id: str, framework: Framework | None) -> Engagement | None:
    try:
        return store.load(engagement_id, framework=framework).engagement
    except TenfoldError:
        return None


def _earlier(
    store: Store,
    first: Engagement,
    framework: Framework | None,
    reader: access.Reader,
    seen: set[str],
) -> list[Engagement]:
    """``first`` and the cycles it links to, newest first, while they can be compared."""
    chain: list[Engagement] = []
    current: Engagement | None = first
    while current is not None and len(chain) < MAX_CYCLES:
        if current.id in seen or access.blind(current, reader):
            break
        seen.add(current.id)
        chain.append(current)
        link = current.previous
        current = _load(store, link, framework) if link else None
    return chain


def _guess(store: Store, engagement: Engagement, framework: Framework | None) -> Engagement | None:
    key = _key(engagement.client)
    earlier = [
        info
        for info in store.engagements()
        if not info.problem
        and info.id != engagement.id
        and _key(info.client) == key
        and info.date is not None
        and info.date < engagement.date
    ]
    for info in sorted(earlier, key=lambda i: (i.date or dt.date.min, i.ref), reverse=True):
        found = _load(store, info.ref, framework)
        if found is not None:
            return found
    return None


def history(
    store: Store,
    engagement: Engagement,
    *,
    framework: Framework | None = None,
    reader: access.Reader = access.STAKEHOLDER,
    guess: bool = True,
) -> History:
    """The earlier assessments of ``engagement`` in ``store`` (see :class:`History`).

    The previous one is the engagement's linked one (``Engagement.previous``), found by id; a
    link to an engagement the store does not hold compares with nothing, and says so. Without a
    link, and with ``guess``, the latest earlier assessment of the same client (by name, case
    and spaces aside) stands in, and the note says it was guessed. An assessment ``reader``
    may not see whole (one still in a blind rating) ends the chain there: it is not compared.
    """
    seen = {engagement.id}
    if engagement.previous:
        first = _load(store, engagement.previous, framework)
        if first is None:
            return History(
                (),
                "missing",
                f"This assessment was started from assessment {engagement.previous}, which is "
                "not here: nothing is compared.",
            )
        chain = _earlier(store, first, framework, reader, seen)
        if not chain:
            return History(
                (), "none", "The previous assessment is not compared: it is in a blind rating."
            )
        return History(
            tuple(reversed(chain)),
            "linked",
            f"Compared with the previous assessment, of {_day(first.date)}, which this one was "
            "started from.",
        )
    if not guess:
        return History()
    found = _guess(store, engagement, framework)
    if found is None:
        return History()
    chain = _earlier(store, found, framework, reader, seen)
    if not chain:
        return History()
    return History(
        tuple(reversed(chain)),
        "guessed",
        f"Compared with the assessment of {_day(found.date)}, the latest earlier one of "
        f"{engagement.client} here: this assessment does not name the one it follows, so that "
        "one was taken.",
    )

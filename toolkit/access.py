"""Who may see what of an engagement: the one rule every surface reads through.

A :class:`Reader` is whoever asks for an engagement's content: the name the findings credit
them with (``who``; empty for a stakeholder, or anyone who has not named themselves), their
``role`` in the engagement where they signed in (lead, rater or stakeholder; None on a laptop,
where nobody signs in), and whether, as the engagement's lead, they ask explicitly for the
whole panel (``whole_panel``).
:func:`seen` gives the engagement as that reader may see it, and :func:`whole` gives it only to
a reader who may see all of it. Every surface that hands out an engagement's content reads
through them: the assessment session (its table, radar and scores, history, undo, board and
preview), every download of both dashboards, the viewer, and ``tenfold export``, ``score``,
``chart``, ``report`` and ``share``. A new surface that reads :func:`seen` cannot forget the
rule, and the rule can change here alone.

The rule
--------
Outside a blind rating (phase ``"open"`` or ``"consensus"``) every reader sees everything.

During a blind rating (phase ``"independent"``) a reader sees:

- their own findings only (``rater == who``), so their scores and radar are their own levels;
- no consensus levels: they are the panel's view, set aside until the lead reveals the panel;
- their own change log entries only, and of those none that holds someone else's finding or a
  consensus (an edit of a colleague's finding made before the rating started, say);
- no engagement notes, which may quote any rater;
- no staff survey: the staff's view would anchor a rater's own judgement, as the panel's would;
- no action plan, and none of its log entries: the actions are the lead's plan for the client,
  drawn from the panel's view of each factor, and would anchor a rater's own (only the lead
  changes the plan then, see :func:`toolkit.action_plan.plan_author_problem`);
- the engagement's settings as they are: client, title, lead, date, targets, factors marked
  not applicable, the team, the link to the previous cycle, the phase. They are nobody's
  rating.

A stakeholder (``who`` empty, or ``role="stakeholder"``) therefore sees no findings at all
during a blind rating, and the lead sees their own findings like every rater, unless they ask
for the whole panel (``Reader(lead, whole_panel=True)``): only the engagement's lead may, and
only by asking. Who the lead is: with a role, the reader whose role is ``"lead"``; without one
(a laptop), the reader named as the engagement's ``lead``.

:func:`whole` is for what is made from every rater's findings (a client report, a copy to send,
the stakeholders' view): it returns the engagement to a reader who sees all of it and raises
:class:`BlindRatingError`, saying why and what to do, to anyone else.

Roles and writing
-----------------
Signed in to a PostgreSQL store, each user holds a role per engagement (:data:`ROLES`), and
the user's ``who`` is the database user they signed in as. What each role may write is
:data:`WRITES` (:func:`may` asks it): a lead everything, a rater findings of their own, a
stakeholder nothing; nobody without a role reads anything. The database enforces the same
rule for that user's own connection (row-level security, revision 0002 of the store's
migrations); this module is what the kernel decides before asking the database, so that a
surface can say it in words. Where nobody signs in (``role`` None), nothing is refused, as it
always was on a laptop.

Where each role reads: a lead and a rater on the assessment page; a stakeholder in the
engagement's viewer, their assessment page holding only the engagement switcher and a link to
it (:func:`sees_assessment`).

Some changes are the lead's alone in every phase and on every store, laptop included:
importing or removing the staff survey (the dashboard's drop zone and ``tenfold survey
import``). :func:`check_lead` decides them: the lead by role where people sign in, by name
where nobody does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from toolkit.change_log import ACTION_KINDS
from toolkit.errors import EngagementError
from toolkit.findings import Engagement, LoggedChange

__all__ = [
    "ACTIONS",
    "ROLES",
    "STAKEHOLDER",
    "WRITES",
    "AccessError",
    "Action",
    "BlindRatingError",
    "Reader",
    "Role",
    "blind",
    "check",
    "check_lead",
    "may",
    "plan_refusal",
    "read_only",
    "seen",
    "seen_on_assessment",
    "sees_assessment",
    "undo_action",
    "whole",
]

#: A user's role in one engagement.
Role = Literal["lead", "rater", "stakeholder"]
ROLES: tuple[Role, ...] = get_args(Role)

#: What a change to an engagement does, as :data:`WRITES` grants it.
Action = Literal[
    "add own finding",  # a finding credited to oneself
    "change own finding",  # edit, delete or undo a finding credited to oneself
    "credit another rater",  # add, edit or delete a finding credited to someone else
    "settings",  # client, title, date, targets, factors not applicable, notes
    "phase",  # start a blind rating, reveal the panel
    "consensus",  # set or clear a consensus level
    "replace",  # push the engagement again from a file
    "roles",  # grant, change, revoke and list roles
    "whole panel",  # read every rater's findings during a blind rating
    "plan",  # add, change or delete actions of the client's action plan
]
ACTIONS: tuple[Action, ...] = get_args(Action)

#: What each role may write. A stakeholder reads and writes nothing else.
WRITES: Mapping[Role, frozenset[Action]] = {
    "lead": frozenset(ACTIONS),
    "rater": frozenset({"add own finding", "change own finding"}),
    "stakeholder": frozenset(),
}


@dataclass(frozen=True)
class Reader:
    """Who asks for an engagement's content (see the module docstring).

    Parameters
    ----------
    who
        Their name as the findings credit them (``Finding.rater``); empty for a stakeholder or
        anyone who has not named themselves.
    whole_panel
        They ask, as the engagement's lead, for every rater's findings during a blind rating.
        Granted only to the engagement's lead (see the module docstring).
    role
        Their role in the engagement, where they signed in (a PostgreSQL store); None where
        nobody signs in.
    """

    who: str = ""
    whole_panel: bool = False
    role: Role | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "who", self.who.strip())
        if self.role is not None and self.role not in ROLES:
            raise ValueError(f"{self.role!r}: a role is one of {', '.join(ROLES)}")

    def is_lead(self, engagement: Engagement) -> bool:
        """Whether this reader is the engagement's lead (by role, or by name on a laptop)."""
        if self.role is not None:
            return self.role == "lead"
        return bool(self.who) and self.who == engagement.lead


#: A stakeholder: nobody in the panel. Sees everything, except during a blind rating: nothing.
STAKEHOLDER = Reader()


class BlindRatingError(EngagementError):
    """What was asked for is made from every rater's findings, and a blind rating is under way."""


class AccessError(EngagementError):
    """The reader's role in the engagement does not let them make this change."""


def blind(engagement: Engagement, reader: Reader) -> bool:
    """Whether ``reader`` sees only part of ``engagement`` (a blind rating, not the whole panel)."""
    if engagement.phase != "independent":
        return False
    return not (reader.whole_panel and reader.is_lead(engagement))


def may(reader: Reader, action: Action) -> bool:
    """Whether ``reader`` may make a change of the kind ``action`` (see :data:`WRITES`).

    Where nobody signs in (``role`` None) everything is allowed, as on a laptop.
    """
    return reader.role is None or action in WRITES[reader.role]


def read_only(reader: Reader) -> bool:
    """Whether ``reader`` may change nothing at all (a stakeholder): their page has no form.

    :func:`may` answers the same for every action; this asks it once for the page.
    """
    return not any(may(reader, action) for action in ACTIONS)


def sees_assessment(role: Role | None) -> bool:
    """Whether someone of ``role`` works on an engagement's assessment page: its findings,
    radar, form and tools.

    A stakeholder does not: they read the engagement in its viewer, the stakeholders' view
    (which shows nothing during a blind rating, :func:`whole`), and their assessment page holds
    only the engagement switcher and a link to that viewer, with nothing of the findings in it.
    Where nobody signs in (``role`` None) everyone does, as on a laptop.
    """
    return role != "stakeholder"


def undo_action(kind: str) -> Action:
    """What undoing a change log entry of the kind ``kind`` changes, for :func:`check`: a
    finding's for the finding kinds, a consensus for a consensus, the plan for an action, the
    lead's otherwise."""
    if kind in ("finding added", "finding changed", "finding deleted"):
        return "change own finding"
    if kind == "consensus":
        return "consensus"
    if kind in ACTION_KINDS:
        return "plan"
    return "settings"


def check(reader: Reader, action: Action, *, where: str) -> None:
    """Raise :class:`AccessError`, saying who may, unless ``reader`` :func:`may` ``action``.

    ``where`` names the engagement in the message (``"STORE, engagement ID"``).
    """
    if may(reader, action):
        return
    role = reader.role or ""
    if role == "stakeholder":
        why = "a stakeholder sees the engagement and changes nothing"
    else:
        why = "a rater adds and changes their own findings; the rest is the lead's"
    raise AccessError(
        f"{where}: {reader.who or 'you'} may not {_WORDS[action]} as its {role} ({why})"
    )


def check_lead(reader: Reader, engagement: Engagement, what: str) -> None:
    """Raise :class:`AccessError` unless ``reader`` is ``engagement``'s lead.

    For what is the lead's alone whatever the phase, such as importing or removing the staff
    survey (``what``: ``"import the staff survey"``): by role where people sign in (the
    database, too, lets only a lead change the engagement itself), by name on a laptop.
    """
    if reader.is_lead(engagement):
        return
    who = reader.who or "you"
    raise AccessError(
        f"only the engagement's lead, {engagement.lead}, may {what} ({who} is not the lead)"
    )


_WORDS: Mapping[Action, str] = {
    "add own finding": "add findings",
    "change own finding": "change findings",
    "credit another rater": "write findings credited to someone else",
    "settings": "change the engagement's details, targets or notes",
    "phase": "change the phase",
    "consensus": "set consensus levels",
    "replace": "replace the engagement",
    "roles": "grant, revoke or list roles",
    "whole panel": "read every rater's findings during a blind rating",
    "plan": "change the action plan",
}


def plan_refusal(engagement: Engagement, reader: Reader) -> str | None:
    """Why ``reader`` may not change ``engagement``'s action plan now, or ``None`` when they may.

    The plan is the lead's where people sign in (:data:`WRITES`: a rater writes their own
    findings only, a stakeholder nothing); during a blind rating only the engagement's lead
    changes it, as raters do not see it (:func:`seen`). Every surface that edits the plan asks
    here first, and says the answer in words.
    """
    if not may(reader, "plan"):
        who = reader.who or "you"
        if reader.role == "stakeholder":
            return f"{who} may not change the action plan: a stakeholder reads and changes nothing"
        return f"{who} may not change the action plan: it is the lead's (a rater records findings)"
    if engagement.phase == "independent" and not reader.is_lead(engagement):
        return (
            f"during a blind rating the action plan is the lead's: only {engagement.lead} can "
            f"change it{f' (you are {reader.who})' if reader.who else ''}"
        )
    return None


def seen(engagement: Engagement, reader: Reader) -> Engagement:
    """``engagement`` as ``reader`` may see it (the engagement itself when they see all of it).

    The result is an engagement like any other: score it, chart it, export it, list its log.
    """
    if not blind(engagement, reader):
        return engagement
    who = "" if reader.role == "stakeholder" else reader.who  # a stakeholder rates nothing
    raters = _raters_by_finding(engagement)
    return engagement.model_copy(
        update={
            "findings": tuple(f for f in engagement.findings if f.rater == who),
            "overrides": {},
            "notes": "",
            "survey": None,
            "actions": (),
            "changes": tuple(_own_entries(engagement.changes, who, raters)),
        }
    )


def seen_on_assessment(engagement: Engagement, reader: Reader) -> Engagement:
    """``engagement`` as ``reader``'s assessment page may show it: :func:`seen` for whoever
    works there (:func:`sees_assessment`); for a stakeholder, who reads it in the viewer, its
    settings only (client, title, lead, date, targets, ...): no findings, consensus, notes,
    staff survey, action plan or change log."""
    if sees_assessment(reader.role):
        return seen(engagement, reader)
    return engagement.model_copy(
        update={
            "findings": (),
            "overrides": {},
            "notes": "",
            "survey": None,
            "actions": (),
            "changes": (),
        }
    )


def whole(engagement: Engagement, reader: Reader, *, what: str) -> Engagement:
    """``engagement`` when ``reader`` sees all of it; :class:`BlindRatingError` otherwise.

    ``what`` names what was asked for in the message (``"the client report"``).
    """
    if not blind(engagement, reader):
        return engagement
    raise BlindRatingError(
        f"{what} is made from every rater's findings, and {engagement.client} is in a blind "
        f"rating: each rater sees only their own until the lead, {engagement.lead}, reveals "
        "the panel"
    )


# -- the change log during a blind rating -------------------------------------------------------


def _finding_dicts(value: Any) -> Iterable[dict[str, Any]]:
    """The findings a log entry's ``before`` or ``after`` holds (a finding's fields)."""
    if isinstance(value, dict) and "rater" in value and "evidence" in value:
        yield value


def _raters_by_finding(engagement: Engagement) -> dict[str, str]:
    """Each finding id the engagement knows of, now or in its log, -> its rater."""
    raters = {}
    for entry in engagement.changes:
        for value in (entry.before, entry.after):
            for data in _finding_dicts(value):
                raters[str(data.get("id"))] = str(data.get("rater"))
    raters.update({f.id: f.rater for f in engagement.findings})
    return raters


def _own_entries(
    entries: tuple[LoggedChange, ...], who: str, raters: dict[str, str]
) -> Iterable[LoggedChange]:
    by_id = {entry.id: entry for entry in entries}

    def own(entry: LoggedChange, depth: int = 0) -> bool:
        if entry.by != who or entry.kind == "consensus" or depth > 50:
            return False
        if entry.kind in ACTION_KINDS:
            return False
        for value in (entry.before, entry.after):
            if any(data.get("rater") != who for data in _finding_dicts(value)):
                return False
        if entry.kind == "findings imported":
            ids = entry.after.get("ids", []) if isinstance(entry.after, dict) else None
            if not isinstance(ids, list) or any(raters.get(str(i)) != who for i in ids):
                return False
        if entry.kind == "undo":
            undone = by_id.get(entry.undoes or "")
            return undone is not None and own(undone, depth + 1)
        return True

    return (entry for entry in entries if own(entry))

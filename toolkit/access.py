"""Who may see what of an engagement: the one rule every surface reads through.

A :class:`Reader` is whoever asks for an engagement's content: the name the findings credit
them with (``who``; empty for a stakeholder, or anyone who has not named themselves) and
whether, as the engagement's lead, they ask explicitly for the whole panel (``whole_panel``).
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
- the engagement's settings as they are: client, title, lead, date, targets, factors marked
  not applicable, the phase. They are nobody's rating.

A stakeholder (``who`` empty) therefore sees no findings at all during a blind rating, and the
lead sees their own findings like every rater, unless they ask for the whole panel
(``Reader(lead, whole_panel=True)``): only the engagement's lead may, and only by asking.

:func:`whole` is for what is made from every rater's findings (a client report, a copy to send,
the stakeholders' view): it returns the engagement to a reader who sees all of it and raises
:class:`BlindRatingError`, saying why and what to do, to anyone else.

Later, roles per engagement (lead, rater, stakeholder) and a signed-in identity become fields of
:class:`Reader` and cases of this rule; the surfaces keep calling :func:`seen` and :func:`whole`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from toolkit.errors import EngagementError
from toolkit.findings import Engagement, LoggedChange

__all__ = ["STAKEHOLDER", "BlindRatingError", "Reader", "blind", "seen", "whole"]


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
        Granted only when ``who`` is the engagement's lead.
    """

    who: str = ""
    whole_panel: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "who", self.who.strip())


#: A stakeholder: nobody in the panel. Sees everything, except during a blind rating: nothing.
STAKEHOLDER = Reader()


class BlindRatingError(EngagementError):
    """What was asked for is made from every rater's findings, and a blind rating is under way."""


def blind(engagement: Engagement, reader: Reader) -> bool:
    """Whether ``reader`` sees only part of ``engagement`` (a blind rating, not the whole panel)."""
    if engagement.phase != "independent":
        return False
    return not (reader.whole_panel and reader.who == engagement.lead)


def seen(engagement: Engagement, reader: Reader) -> Engagement:
    """``engagement`` as ``reader`` may see it (the engagement itself when they see all of it).

    The result is an engagement like any other: score it, chart it, export it, list its log.
    """
    if not blind(engagement, reader):
        return engagement
    who = reader.who
    raters = _raters_by_finding(engagement)
    return engagement.model_copy(
        update={
            "findings": tuple(f for f in engagement.findings if f.rater == who),
            "overrides": {},
            "notes": "",
            "survey": None,
            "changes": tuple(_own_entries(engagement.changes, who, raters)),
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

"""The copy of an engagement a consultant sends to the client: raters anonymised, evidence out.

:func:`shared_copy` returns a valid engagement with, on request,

- every person the engagement names replaced (``anonymise_raters``): each rater by an alias,
  "Rater A", "Rater B"..., given in a random order for each copy, and the same person the same
  alias everywhere; the engagement's lead, in their role (the ``lead`` field, a consensus they
  agreed, the changes only a lead makes), by :data:`LEAD_ALIAS`, so the lead's own findings
  cannot be told from any other rater's;
- the text of every finding's evidence replaced by :data:`EVIDENCE_REMOVED`, in the findings
  and in the change log, and the staff survey's comments left out; scores, levels, sources,
  counts and the survey's aggregates stay as they were.

The staff survey's aggregates are kept as they are: they are anonymous by construction (the
survey model refuses any group under its threshold or derivable from others, and comments of
groups under the comment threshold), and a copy is validated by the same model. Names of the
engagement's people in staff comments are replaced like anywhere else.

Who is a person: every rater of a finding, the lead, the engagement team, whoever made a change
in the log, the raters held in the log's copies of findings, and whoever agreed a consensus
when that is written as a name (two or more words, each capitalised: "Priya Natarajan", not
"Steering group"). The owner of an action who is one of them reads their alias; an owner the
engagement does not otherwise name (someone at the client) is kept as written, as the client
needs to know who does what, and the text of each action is free text like evidence. Each is
found in every piece of free text (evidence, notes, consensus reasons and who agreed them,
actions, change log summaries, the names of imported files) in every form
:class:`~toolkit.person_names.NameFinder` knows: any case or accent, whole, first or last name
alone, initials, possessives, joined by hyphens or underscores. A first or last name two people
share reads :data:`NAME_REMOVED`. Mentions of the lead in free text read :data:`LEAD_ALIAS`.

What it cannot know: a person named only in free text (a colleague, a client's employee).
:func:`names_left` lists the capitalised words left in a copy's free text that may be such
names, with where they are; ``tenfold share`` shows them and writes the copy only with
``--yes``. The client's name is left as it is.

The copy records what was withheld (``Engagement.withheld``), so the viewer and a reader can say
so. ``tenfold share FILE -o OUT.json`` writes it.
"""

from __future__ import annotations

import calendar
import random
import string
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from toolkit.errors import EngagementError
from toolkit.findings import Engagement, Withheld, describe_validation_error
from toolkit.framework import Framework, load_framework
from toolkit.person_names import SHARED, NameFinder, capitalised_words, fold

__all__ = [
    "EVIDENCE_REMOVED",
    "LEAD_ALIAS",
    "NAME_REMOVED",
    "names_left",
    "people",
    "rater_aliases",
    "shared_copy",
]

#: What a finding's evidence reads in a copy shared without evidence.
EVIDENCE_REMOVED = "(evidence removed by the sender)"
#: The engagement's lead, in their role, in an anonymised copy.
LEAD_ALIAS = "Engagement lead"
#: A first or last name that two people of the engagement share, in an anonymised copy.
NAME_REMOVED = "(name removed)"

#: Change log kinds that record what a rater did to findings: their author keeps the rater's
#: alias, so a finding and the entry that added it agree. Any other change by the lead (the
#: phase, targets, consensus) is the lead's role and reads :data:`LEAD_ALIAS`.
_FINDING_KINDS = frozenset(
    {"finding added", "finding changed", "finding deleted", "findings imported"}
)
#: Fields that hold ids, factors, dates and choices: never free text.
_STRUCTURAL = frozenset(
    {"id", "factor", "level", "source", "recorded_at", "at", "kind", "undoes", "ids", "date"}
    | {"due", "status", "aim", "opened_in", "opened_on", "created_at", "number", "previous"}
)


def _named_person(value: str) -> bool:
    """Whether who agreed a consensus is written as one person's name ("Priya Natarajan")."""
    words = value.split()
    return len(words) >= 2 and all(w[:1].isupper() for w in words)


def _log_people(value: Any) -> Iterator[str]:
    """Names held in a change log's before/after: a finding's rater, a consensus' author."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and (key == "rater" or (key == "by" and _named_person(item))):
                yield item
            else:
                yield from _log_people(item)
    elif isinstance(value, list):
        for item in value:
            yield from _log_people(item)


def people(engagement: Engagement) -> list[str]:
    """Every person ``engagement`` names (see the module docstring), in order of appearance."""
    found: list[str] = [f.rater for f in engagement.findings]
    found.append(engagement.lead)
    found += engagement.team
    found += [o.by for o in engagement.overrides.values() if _named_person(o.by)]
    for change in engagement.changes:
        found.append(change.by)
        found += _log_people(change.before)
        found += _log_people(change.after)
    unique: dict[str, str] = {}
    for name in found:
        if name.strip():
            unique.setdefault(" ".join(fold(name).split()), name)
    return list(unique.values())


def _letters(n: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = string.ascii_uppercase[rest] + out
    return out


def rater_aliases(engagement: Engagement, *, rng: random.Random | None = None) -> dict[str, str]:
    """Each person of ``engagement`` -> ``"Rater A"``, ``"Rater B"``..., in a random order.

    ``rng`` draws the order (default: the system's randomness, a new order for every copy).
    A person really named like an alias ("Rater A") makes that alias skipped.
    """
    names = people(engagement)
    order = list(names)
    (rng or random.SystemRandom()).shuffle(order)
    taken = {fold(n) for n in names}
    aliases: dict[str, str] = {}
    n = 0
    for name in order:
        alias = f"Rater {_letters(n)}"
        while fold(alias) in taken:
            n += 1
            alias = f"Rater {_letters(n)}"
        aliases[name] = alias
        n += 1
    return aliases


class _Anonymiser:
    """Replaces the people of one engagement in its data (``model_dump(mode="json")``)."""

    def __init__(self, engagement: Engagement, rng: random.Random | None) -> None:
        self.lead = engagement.lead
        self.aliases = rater_aliases(engagement, rng=rng)
        self.by_fold = {" ".join(fold(n).split()): a for n, a in self.aliases.items()}
        self.names = list(self.aliases)
        self.finder = NameFinder(self.names)
        self.lead_fold = " ".join(fold(self.lead).split())

    def rater(self, name: str) -> str:
        """A person's rater alias (their findings, their own changes)."""
        return self.by_fold.get(" ".join(fold(name).split())) or self.text(name)

    def role(self, name: str) -> str:
        """A person in a role: the lead reads :data:`LEAD_ALIAS`, anyone else their alias."""
        if " ".join(fold(name).split()) == self.lead_fold:
            return LEAD_ALIAS
        return self.rater(name)

    def agreed_by(self, value: str) -> str:
        """Who agreed a consensus: the lead's role, a person's alias, else text with names out."""
        folded = " ".join(fold(value).split())
        if folded == self.lead_fold:
            return LEAD_ALIAS
        if folded in self.by_fold:
            return self.by_fold[folded]
        return self.text(value)

    def owner(self, name: str) -> str:
        """An action's owner: a person of the engagement by their alias (the lead in their
        role), anyone else (someone at the client) as written."""
        folded = " ".join(fold(name).split())
        if folded == self.lead_fold:
            return LEAD_ALIAS
        return self.by_fold.get(folded, name)

    def _alias(self, person: int) -> str:
        if person == SHARED:
            return NAME_REMOVED
        name = self.names[person]
        return LEAD_ALIAS if " ".join(fold(name).split()) == self.lead_fold else self.aliases[name]

    def text(self, value: str) -> str:
        """Free text with every form of every person's name replaced."""
        return self.finder.replace(value, self._alias)

    def walk(self, value: Any) -> Any:
        """Every string below ``value`` anonymised: raters by alias, text by :meth:`text`."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        if not isinstance(value, dict):
            return value
        out = {}
        for key, item in value.items():
            if key in _STRUCTURAL or not isinstance(item, str | dict | list):
                out[key] = item
            elif key == "rater" and isinstance(item, str):
                out[key] = self.rater(item)
            elif key == "by" and isinstance(item, str):
                out[key] = self.agreed_by(item)
            elif key == "owner" and isinstance(item, str):
                out[key] = self.owner(item)
            else:
                out[key] = self.walk(item)
        return out

    def engagement(self, data: dict[str, Any]) -> dict[str, Any]:
        out = dict(data)
        out["lead"] = LEAD_ALIAS
        out["title"] = self.text(data["title"])
        out["notes"] = self.text(data["notes"])
        out["findings"] = [self.walk(f) for f in data["findings"]]
        out["overrides"] = {k: self.walk(o) for k, o in data["overrides"].items()}
        out["changes"] = [self.change(c, data["changes"]) for c in data["changes"]]
        if data.get("survey"):  # staff comments may name a rater or the lead
            survey = dict(data["survey"])
            survey["comments"] = [
                {**c, "text": self.text(c["text"])} for c in survey.get("comments", [])
            ]
            out["survey"] = survey
        if data.get("team"):
            out["team"] = list(dict.fromkeys(self.role(name) for name in data["team"]))
        if data.get("actions"):
            out["actions"] = [self.walk(a) for a in data["actions"]]
        return out

    def change(self, entry: dict[str, Any], log: list[dict[str, Any]]) -> dict[str, Any]:
        kind = entry["kind"]
        if kind == "undo":  # an undo is authored as what it takes back
            undone = next((c for c in log if c["id"] == entry.get("undoes")), None)
            kind = undone["kind"] if undone is not None else kind
        out: dict[str, Any] = self.walk({k: v for k, v in entry.items() if k != "by"})
        author = self.rater if kind in _FINDING_KINDS else self.role
        out["by"] = author(entry["by"])
        return out


def _drop_evidence(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: EVIDENCE_REMOVED if k == "evidence" else _drop_evidence(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_drop_evidence(v) for v in value]
    return value


def shared_copy(
    engagement: Engagement,
    *,
    anonymise_raters: bool = False,
    without_evidence: bool = False,
    rng: random.Random | None = None,
) -> Engagement:
    """A copy of ``engagement`` to send to the client (see the module docstring).

    Parameters
    ----------
    engagement
        The engagement to share: all of it (a caller serving a reader goes through
        :func:`toolkit.access.whole` first). A copy made during a blind rating is written with
        the panel revealed (phase "consensus"), since it holds every rater's findings.
    anonymise_raters
        Replace every person's name by "Rater A", "Rater B"... and the lead's by
        :data:`LEAD_ALIAS`.
    without_evidence
        Replace the text of the evidence by :data:`EVIDENCE_REMOVED`.
    rng
        Draws the order of the aliases (default: the system's randomness).

    Returns
    -------
    Engagement
        A valid engagement whose ``withheld`` names what was left out (added to what an
        earlier share withheld). Consensus reasons and notes are kept with names replaced; what
        else they say is sent as written (see :func:`names_left`).
    """
    data = engagement.model_dump(mode="json")
    withheld: list[Withheld] = list(engagement.withheld)
    if data["phase"] == "independent":
        data["phase"] = "consensus"
    if without_evidence:
        data["findings"] = _drop_evidence(data["findings"])
        data["changes"] = _drop_evidence(data["changes"])
        if data.get("survey"):  # staff comments are verbatim evidence too
            data["survey"] = {**data["survey"], "comments": []}
        withheld.append("evidence")
    if anonymise_raters:
        data = _Anonymiser(engagement, rng).engagement(data)
        withheld.append("rater names")
    data["withheld"] = sorted(set(withheld))
    try:
        return Engagement.model_validate(data)
    except ValidationError as exc:  # not expected from a valid engagement; said plainly if so
        raise EngagementError("shared copy: " + "; ".join(describe_validation_error(exc))) from None


# -- what anonymising cannot know ---------------------------------------------------------------


def _free_text(copy: Engagement) -> Iterator[tuple[str, str]]:
    """(where, text) of every piece of free text in ``copy``."""
    yield "title", copy.title
    yield "notes", copy.notes
    for i, f in enumerate(copy.findings, start=1):
        yield f"finding {i} evidence", f.evidence
    for factor, o in copy.overrides.items():
        yield f"consensus on {factor}, reason", o.reason
        yield f"consensus on {factor}, agreed by", o.by
    if copy.survey is not None:
        for i, comment in enumerate(copy.survey.comments, start=1):
            yield f"staff comment {i}", comment.text
    for i, a in enumerate(copy.actions, start=1):
        yield f"action {i}", a.what
    for i, c in enumerate(copy.changes, start=1):
        # Summaries are the tool's own words; an import names its file in the subject.
        if c.kind in ("findings imported", "survey"):
            yield f"change {i} file name", c.subject
        for side, value in (("before", c.before), ("after", c.after)):
            for text in _strings(value):
                yield f"change {i} {side}", text


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _STRUCTURAL and key not in ("rater", "owner"):
                yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _framework_words(framework: Framework) -> Iterable[str]:
    yield framework.name
    yield framework.description
    for factor in framework.factors:
        yield from (factor.label, factor.failure_mode, factor.description)
        yield from factor.questions
        yield from factor.evidence
        yield from factor.remedies
        yield from factor.anchors
    yield from (level.name for level in framework.levels)


def names_left(copy: Engagement, framework: Framework | None = None) -> dict[str, list[str]]:
    """Capitalised words in ``copy``'s free text that may name someone the engagement does not
    know (a colleague named only in evidence): each word -> where it is.

    Left out: words used in lower case elsewhere in the copy, the framework's own words, the
    aliases, the client's name, days and months. All-capital words (``KPI``) are not listed.
    """
    fw = framework or load_framework()
    known = [
        "Rater",
        LEAD_ALIAS,
        NAME_REMOVED,
        copy.client,
        *calendar.day_name,
        *calendar.month_name[1:],
        *_framework_words(fw),
    ]
    return capitalised_words(_free_text(copy), known=known)

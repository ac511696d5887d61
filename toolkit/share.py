"""The copy of an engagement a consultant sends to the client: raters anonymised, evidence out.

:func:`shared_copy` returns a valid engagement with, on request,

- every rater and consultant name replaced by "Rater A", "Rater B"... the same person the same
  letter everywhere: findings, the lead, consensus levels (who agreed them), the change log (who
  changed what, and the names inside what changed), and wherever a full name appears in text;
- the text of every finding's evidence replaced by :data:`EVIDENCE_REMOVED`, in the findings
  and in the change log; scores, levels, sources and counts stay as they were.

The copy records what was withheld (``Engagement.withheld``), so the viewer and a reader can say
so. ``tenfold share FILE -o OUT.json`` writes it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from toolkit.errors import EngagementError
from toolkit.findings import Engagement, Withheld, describe_validation_error

__all__ = ["EVIDENCE_REMOVED", "rater_aliases", "shared_copy"]

#: What a finding's evidence reads in a copy shared without evidence.
EVIDENCE_REMOVED = "(evidence removed by the sender)"


def _names(engagement: Engagement) -> list[str]:
    """Every person named in ``engagement``, in order of first appearance."""
    found: list[str] = [f.rater for f in engagement.findings]
    found.append(engagement.lead)
    found += [o.by for o in engagement.overrides.values()]
    for change in engagement.changes:
        found.append(change.by)
        found += _people_in(change.before)
        found += _people_in(change.after)
    return list(dict.fromkeys(n for n in found if n.strip()))


def _people_in(value: Any) -> Iterable[str]:
    """Names held in a change log's before/after: a finding's rater, an override's "by"."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("rater", "by") and isinstance(item, str):
                yield item
            else:
                yield from _people_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _people_in(item)


def _letters(n: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    out = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        out = string.ascii_uppercase[rest] + out
    return out


def rater_aliases(engagement: Engagement) -> dict[str, str]:
    """Each person named in ``engagement`` -> ``"Rater A"``, ``"Rater B"``... in order of first
    appearance (raters of findings first, then the lead, then anyone else)."""
    names = _names(engagement)
    taken = set(names)
    aliases: dict[str, str] = {}
    n = 0
    for name in names:
        alias = f"Rater {_letters(n)}"
        while alias in taken:  # someone really called "Rater A": skip that letter
            n += 1
            alias = f"Rater {_letters(n)}"
        aliases[name] = alias
        n += 1
    return aliases


def _replace_names(value: Any, pattern: re.Pattern[str], aliases: dict[str, str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(lambda m: aliases[m.group(0)], value)
    if isinstance(value, dict):
        return {k: _replace_names(v, pattern, aliases) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_names(v, pattern, aliases) for v in value]
    return value


def _drop_evidence(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: EVIDENCE_REMOVED if k == "evidence" else _drop_evidence(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_drop_evidence(v) for v in value]
    return value


def shared_copy(
    engagement: Engagement, *, anonymise_raters: bool = False, without_evidence: bool = False
) -> Engagement:
    """A copy of ``engagement`` to send to the client (see the module docstring).

    Parameters
    ----------
    engagement
        The engagement to share.
    anonymise_raters
        Replace every rater's and consultant's name by "Rater A", "Rater B"...
    without_evidence
        Replace the text of the evidence by :data:`EVIDENCE_REMOVED`.

    Returns
    -------
    Engagement
        A valid engagement whose ``withheld`` names what was left out (added to what an
        earlier share withheld). Consensus reasons and notes are kept: names written in full
        inside them are replaced, anything else they say is sent as written.
    """
    data = engagement.model_dump(mode="json")
    withheld: list[Withheld] = list(engagement.withheld)
    if without_evidence:
        data["findings"] = _drop_evidence(data["findings"])
        data["changes"] = _drop_evidence(data["changes"])
        withheld.append("evidence")
    if anonymise_raters:
        aliases = rater_aliases(engagement)
        if aliases:
            # Whole names only ("Ana" is not replaced inside "Analysis"), longest first.
            ordered = sorted(aliases, key=len, reverse=True)
            pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)")
            data = _replace_names(data, pattern, aliases)
        withheld.append("rater names")
    data["withheld"] = sorted(set(withheld))
    try:
        return Engagement.model_validate(data)
    except ValidationError as exc:  # not expected from a valid engagement; said plainly if so
        raise EngagementError("shared copy: " + "; ".join(describe_validation_error(exc))) from None

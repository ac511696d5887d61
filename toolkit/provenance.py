"""Where a document's numbers come from: the Tenfold version, the rule's version, the data's hash.

Every report and every chart written by :func:`toolkit.save_chart` from an engagement's scores
carries one line such as ``Tenfold 0.1.0 · scoring rule 1 · data 3f9a1c0b7e21``, so a reader
holding two documents can tell whether they show the same data scored the same way.

The data hash covers what the scores are computed from: the findings, the consensus overrides,
the not-applicable factors and the targets. It is computed from the validated engagement, not
from the file's bytes, so key order, indentation, the order of the findings and the spelling of
a timestamp (``Z`` or ``+00:00``) do not change it; any change to a finding, an override, a
target or the scope does.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

import pydantic_core

from toolkit._memo import KeptByIdentity
from toolkit.findings import Engagement, Finding
from toolkit.scoring_rule import SCORING_RULE_VERSION

__all__ = ["HASH_LENGTH", "Provenance", "findings_hash", "provenance", "tenfold_version"]

#: Hex digits of the SHA-256 shown: 48 bits, so two different data sets share a hash only by a
#: one-in-280-trillion chance.
HASH_LENGTH = 12


@functools.cache  # package metadata is read from disk: once per process, not once per score
def tenfold_version() -> str:
    """The installed Tenfold version (``"dev"`` when running from a plain checkout)."""
    try:
        return version("tenfold")
    except PackageNotFoundError:  # pragma: no cover - running from a plain checkout
        return "dev"


def findings_hash(engagement: Engagement) -> str:
    """A short, stable hash of the data an engagement's scores are computed from.

    Parameters
    ----------
    engagement
        The engagement; its findings, overrides, not-applicable factors and targets are hashed
        (and its staff survey's levels, when it counts the survey as a rater), its client,
        title, notes and dates are not.

    Returns
    -------
    str
        The first :data:`HASH_LENGTH` hex digits of a SHA-256 over the SHA-256 of each finding
        (its compact JSON, keys sorted), in sorted order, and a canonical JSON form of the rest:
        the same data gives the same hash whatever the file's key order, formatting or finding
        order.
    """
    digests = sorted(_finding_digest(f) for f in engagement.findings)
    rest: dict[str, object] = {
        "overrides": {k: o.model_dump(mode="json") for k, o in engagement.overrides.items()},
        "not_applicable": sorted(engagement.not_applicable),
        "targets": engagement.targets,
    }
    survey = engagement.survey
    if survey is not None and survey.count_as_rater:  # only then does it move a score
        rest["survey"] = {f: survey.rater_level(f) for f in survey.factors}
    text = json.dumps(rest, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(b"".join(digests) + text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def _digest(finding: Finding) -> bytes:
    # Compact JSON with the keys in sorted order (the model declares them so).
    return hashlib.sha256(pydantic_core.to_json(finding)).digest()


#: Each finding's digest, kept with it (see :mod:`toolkit._memo`): a live dashboard rehashes
#: only the findings a change made.
_finding_digest = KeptByIdentity(_digest, limit=200_000)


@dataclass(frozen=True)
class Provenance:
    """The versions and data hash a document was made from (see :func:`provenance`)."""

    tenfold_version: str
    rule_version: str
    data_hash: str

    @property
    def text(self) -> str:
        """``"Tenfold 0.1.0 · scoring rule 1 · data 3f9a1c0b7e21"``."""
        return (
            f"Tenfold {self.tenfold_version} \u00b7 scoring rule {self.rule_version} "
            f"\u00b7 data {self.data_hash}"
        )

    def as_dict(self) -> dict[str, str]:
        """The three values by name, for metadata (a chart's ``usermeta``, a file's properties)."""
        return {
            "tenfold_version": self.tenfold_version,
            "rule_version": self.rule_version,
            "data_hash": self.data_hash,
        }


def provenance(engagement: Engagement) -> Provenance:
    """The provenance of documents made from ``engagement`` by this Tenfold.

    Examples
    --------
    >>> tf.provenance(engagement).text  # doctest: +SKIP
    'Tenfold 0.1.0 · scoring rule 1 · data 3f9a1c0b7e21'
    """
    return Provenance(
        tenfold_version=tenfold_version(),
        rule_version=SCORING_RULE_VERSION,
        data_hash=findings_hash(engagement),
    )

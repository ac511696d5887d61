"""An engagement in the middle of a blind rating, for tests that try to read around it.

Alice Moreau and Bob Tanaka rate; Carla Mendes leads. Every one of Bob's findings holds the word
:data:`BOB_WORD` and every one of Alice's :data:`ALICE_WORD`, so a test can tell whose evidence
any output holds (a CSV, a workbook, a deck, a PDF's text). Before the rating started Alice
edited one of Bob's findings and imported two more of his, the team recorded a consensus, and
the notes quote Bob: each a way for Bob's view to reach Alice.
"""

from __future__ import annotations

from toolkit import Engagement, Finding, load_framework
from toolkit import changes as log

LEAD, ALICE, BOB = "Carla Mendes", "Alice Moreau", "Bob Tanaka"
ALICE_WORD, BOB_WORD = "Marigold", "Zephyrine"
#: Alice rates low, Bob high: a radar or a score with Bob's levels in it differs from hers.
ALICE_LEVEL, BOB_LEVEL = 1, 4


def blind_engagement() -> Engagement:
    """The engagement, in phase "independent"."""
    fw = load_framework()
    e = Engagement.new(client="Larchmont Care", lead=LEAD, framework=fw)
    steps = []
    for factor in ("sponsorship", "purpose", "composure"):
        _id, step = log.add_finding(
            factor=factor,
            level=ALICE_LEVEL,
            evidence=f"{ALICE_WORD} rota: the team leads were not asked about {factor}",
            rater=ALICE,
            framework=fw,
        )
        steps.append(step)
        _id, step = log.add_finding(
            factor=factor,
            level=BOB_LEVEL,
            evidence=f"{BOB_WORD} board pack: {factor} reviewed every month by the COO",
            rater=BOB,
            framework=fw,
        )
        steps.append(step)
    for step in steps:
        e = step(e)
    bobs = [f for f in e.findings if f.rater == BOB]
    e = log.update_finding(
        bobs[0].id, by=ALICE, framework=fw, evidence=f"{BOB_WORD} board pack, reworded by Alice"
    )(e)
    imported = [
        Finding(factor="connection", level=BOB_LEVEL, evidence=f"{BOB_WORD} skip-level", rater=BOB),
        Finding(factor="authority", level=BOB_LEVEL, evidence=f"{BOB_WORD} town hall", rater=BOB),
    ]
    e = log.add_findings(imported, source="bob-notes.csv", by=ALICE)(e)
    e = log.set_override(
        "purpose", 3, reason=f"{BOB_WORD}: Bob's board pack convinced us", agreed_by=LEAD
    )(e)
    e = e.model_copy(update={"notes": f"Bob Tanaka says: {BOB_WORD} everywhere"})
    e = log.set_target("purpose", 3, by=LEAD, framework=fw)(e)
    return log.set_phase("independent", by=LEAD)(e)

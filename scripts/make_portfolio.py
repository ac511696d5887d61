"""Write the sample portfolio: fictional engagements beside the bundled sample in engagements/.

Five clients, six assessments: four other clients and an earlier (May 2026) assessment of
Harbourline Contact Services, whose November assessment is the bundled sample written by
scripts/make_sample_engagement.py (left untouched here). The findings are drawn from a seeded
random generator and a small phrase bank per factor, so every run writes the same bytes:

    .venv/bin/python scripts/make_portfolio.py            # into engagements/
    .venv/bin/python scripts/make_portfolio.py --out DIR  # anywhere else (used by the tests)
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from toolkit import Engagement
from toolkit.store import engagement_to_json

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "engagements"
SEED = 20261122

# Phrase bank: per factor, phrases for low (levels 0-1), middling (2) and healthy (3-4)
# practice, each with the source it would come from. {pct}, {n}, {kpis} and {weeks} are filled
# in from the generator; a phrase used again in one engagement says how it recurred.
Phrase = tuple[str, str]
BANK: dict[str, dict[str, list[Phrase]]] = {
    "sponsorship": {
        "low": [
            ("document", "Service budget fell {pct}% over two years while other functions grew."),
            ("interview", "The COO called the contact centre 'a cost to be managed down'."),
            ("observation", "No executive visited the service floor during {weeks} weeks."),
        ],
        "mid": [
            ("interview", "A director sponsors service projects, but only after complaint spikes."),
            ("document", "Service appears on the leadership agenda in {n} of 12 monthly meetings."),
            (
                "observation",
                "The sponsoring director joined one floor walk in {weeks} weeks, during a backlog.",
            ),
        ],
        "high": [
            ("document", "Service has had a standing slot in every quarterly business review."),
            ("interview", "The CEO protected service headcount during this year's cost review."),
            ("observation", "Two board members spent a morning taking calls alongside agents."),
        ],
    },
    "cx_executive": {
        "low": [
            ("interview", "Nobody could name who owns service quality across the channels."),
            ("document", "The organisation chart shows service split across {n} directors."),
            (
                "observation",
                "Quality, complaints and workforce planning report to different directors.",
            ),
        ],
        "mid": [
            ("interview", "A head of customer experience exists but has no budget authority."),
            ("observation", "The CX lead attends operations reviews but rarely speaks to quality."),
            ("document", "The CX director's remit covers quality but not headcount or tooling."),
        ],
        "high": [
            ("document", "A single customer director owns service quality, budget and staffing."),
            ("interview", "Team leaders escalate quality issues to one named executive."),
            (
                "interview",
                "The customer director settles trade-offs between cost and service in one meeting.",
            ),
        ],
    },
    "main_metric": {
        "low": [
            ("metric", "The weekly performance pack carries {kpis} KPIs with no headline measure."),
            ("survey", "Only {pct}% of agents named the same measure as their team's first goal."),
            (
                "interview",
                "Managers disagreed on whether handle time or satisfaction matters most.",
            ),
        ],
        "mid": [
            (
                "document",
                "Resolution rate is the stated goal but is missing from agent scorecards.",
            ),
            ("interview", "Leaders name first-contact resolution, then review mostly handle time."),
            ("survey", "{pct}% of agents named the intended goal; most also listed handle time."),
        ],
        "high": [
            ("metric", "Every team board leads with one customer measure, updated daily."),
            ("survey", "{pct}% of agents named the same measure as the one that matters most."),
            (
                "interview",
                "Every leader we met named resolution as the measure that decides their week.",
            ),
        ],
    },
    "leader_aptitude": {
        "low": [
            ("interview", "Team leaders were promoted on call volumes, not on how they lead."),
            ("survey", "Only {pct}% of agents say their leader stays patient at peak times."),
            ("observation", "A team leader criticised an agent in front of the whole team."),
        ],
        "mid": [
            ("observation", "{n} of 6 team leaders coached agents between calls during the peak."),
            ("document", "The leader role profile lists service behaviours; promotions ignore it."),
            ("survey", "{pct}% of agents say their leader is patient with them most of the time."),
        ],
        "high": [
            ("observation", "Leaders sat with new agents on difficult calls throughout the peak."),
            ("interview", "Agents describe their leaders as patient and available when it counts."),
            (
                "document",
                "Leader promotions are scored on coaching observations as well as results.",
            ),
        ],
    },
    "purpose": {
        "low": [
            ("survey", "Only {pct}% of agents could say how their work affects customers."),
            ("observation", "A policy change reached the service team the day it went live."),
            (
                "interview",
                "Back-office teams described service as 'the people who pass on complaints'.",
            ),
        ],
        "mid": [
            (
                "document",
                "A purpose statement exists on the intranet; induction does not cover it.",
            ),
            ("interview", "Agents explain their purpose well; back-office teams do not share it."),
            ("survey", "{pct}% of staff can say how their work helps the customer."),
        ],
        "high": [
            ("interview", "Agents and back-office staff describe the same reason for their work."),
            (
                "observation",
                "Planning, quality and operations ran a joint customer review unprompted.",
            ),
            (
                "survey",
                "{pct}% of staff describe the same purpose for the service, in their own words.",
            ),
        ],
    },
    "originality": {
        "low": [
            (
                "observation",
                "Team huddles read out yesterday's figures and end without discussion.",
            ),
            ("document", "The suggestion log holds {n} entries this year, none with a response."),
            ("survey", "Agents rate 'we try new ways of working' at 1.{n} out of 5."),
        ],
        "mid": [
            (
                "interview",
                "One leader runs a monthly improvement session; others have not copied it.",
            ),
            ("survey", "Agents rate 'we try new ways of working' at 3 out of 5."),
            (
                "observation",
                "Huddles include a question for ideas; few are recorded or followed up.",
            ),
        ],
        "high": [
            ("document", "{n} agent-led improvements went live this quarter, each with an owner."),
            ("observation", "Huddles end with one idea to try that day, chosen by the agents."),
            (
                "interview",
                "Agents described three changes this year that started with their ideas.",
            ),
        ],
    },
    "authority": {
        "low": [
            ("interview", "Agents go over their leader's head to get decisions reversed."),
            ("observation", "Rules are enforced for some agents and waived for others."),
            ("survey", "Only {pct}% of agents agree that 'decisions made by my manager stick'."),
        ],
        "mid": [
            ("survey", "{pct}% of agents agree that 'decisions made by my manager stick'."),
            ("interview", "Leaders are respected on one shift and bypassed on the other."),
        ],
        "high": [
            (
                "observation",
                "Leaders explained a rota change and it was followed without pushback.",
            ),
            ("survey", "{pct}% of agents say their leader is fair and clearly in charge."),
            ("interview", "Agents accept their leader's calls even when they disagree with them."),
        ],
    },
    "composure": {
        "low": [
            (
                "observation",
                "A manager raised his voice at the floor when queues passed {n} calls.",
            ),
            ("interview", "Agents say the mood of the floor follows the manager's mood."),
            (
                "survey",
                "Only {pct}% of agents say the floor stays calm when their manager is near.",
            ),
        ],
        "mid": [
            ("observation", "Leaders stayed calm through the morning peak and snapped by noon."),
            ("interview", "Agents describe their leader as steady, except in month-end weeks."),
            (
                "document",
                "Incident logs show calm handling of outages, and escalations at month end.",
            ),
        ],
        "high": [
            ("observation", "During a {n}-minute system outage the leaders kept the floor calm."),
            ("interview", "Agents say their leader 'never lets the pressure land on us'."),
            ("survey", "{pct}% of agents say their leader stays calm under pressure."),
        ],
    },
    "connection": {
        "low": [
            ("survey", "Only {pct}% say someone at work speaks up for them."),
            ("document", "One-to-one records exist for {pct}% of agents in the last quarter."),
            ("interview", "Exit interviews cite 'nobody noticed I was struggling'."),
        ],
        "mid": [
            ("interview", "One-to-ones happen monthly but are a read-out of the agent's figures."),
            ("observation", "Leaders know their agents well on days, less so on the night shift."),
            ("survey", "{pct}% of agents feel their leader knows them beyond their figures."),
        ],
        "high": [
            (
                "interview",
                "A leader arranged flexible hours after hearing an agent's caring duties.",
            ),
            ("survey", "{pct}% of agents say their leader knows what matters to them."),
            ("document", "One-to-one notes record personal goals for {pct}% of agents."),
        ],
    },
    "accountability": {
        "low": [
            ("observation", "In the operations review every missed target had an external cause."),
            ("metric", "The same complaint recurs in {n} of the last 10 weekly reports."),
            (
                "interview",
                "Leaders attributed last month's missed targets to the client's forecast.",
            ),
        ],
        "mid": [
            ("document", "Reviews with owners exist for major incidents, not for daily failures."),
            (
                "interview",
                "Leaders own their team's misses in private, not in front of the client.",
            ),
            (
                "metric",
                "A complaint recurring in {n} of the last 10 weekly reports now has an owner.",
            ),
        ],
        "high": [
            ("document", "Every service failure this quarter has a review, an owner and a date."),
            ("interview", "A manager presented her own team's quality mistakes to the client."),
            (
                "metric",
                "Repeat complaints fell in {n} of the last 10 weeks after owners were named.",
            ),
        ],
    },
}


@dataclass(frozen=True)
class Client:
    """One fictional assessment: who, when, and the 'true' level of each factor."""

    stem: str
    client: str
    title: str
    date: dt.date
    lead: str
    raters: tuple[str, ...]
    profile: dict[str, float]
    not_assessed: tuple[str, ...] = ()
    not_applicable: tuple[str, ...] = ()
    override: tuple[str, int, str] | None = None
    targets: dict[str, int] = field(default_factory=dict)
    notes: str = ""


MAYA, TOMAS, PRIYA = "Maya Okafor", "Tomás Herrera", "Priya Nair"
DANIEL, AIKO, SOFIA = "Daniel Reyes", "Aiko Tanaka", "Sofia Lindqvist"
TARGET_3 = dict.fromkeys(BANK, 3)

CLIENTS: tuple[Client, ...] = (
    Client(
        stem="harbourline-2026-05",
        client="Harbourline Contact Services",
        title="Service management diagnostic, May 2026",
        date=dt.date(2026, 5, 14),
        lead=MAYA,
        raters=(MAYA, TOMAS),
        profile={
            "sponsorship": 0.8,
            "cx_executive": 1.0,
            "main_metric": 1.0,
            "leader_aptitude": 1.5,
            "purpose": 1.4,
            "originality": 1.0,
            "authority": 2.2,
            "composure": 2.0,
            "connection": 1.5,
            "accountability": 0.6,
        },
        not_assessed=("composure",),
        not_applicable=("cx_executive",),
        targets={**TARGET_3, "connection": 4},
        notes="First assessment. Composure left for a peak-period observation. "
        "Service executive scoped out: executive ownership sits with the client brand.",
    ),
    Client(
        stem="northgate-2026-03",
        client="Northgate Insurance",
        title="Customer care diagnostic, March 2026",
        date=dt.date(2026, 3, 19),
        lead=DANIEL,
        raters=(DANIEL, AIKO, SOFIA),
        profile={
            "sponsorship": 3.0,
            "cx_executive": 3.2,
            "main_metric": 2.6,
            "leader_aptitude": 1.6,
            "purpose": 2.8,
            "originality": 1.2,
            "authority": 1.8,
            "composure": 1.4,
            "connection": 1.2,
            "accountability": 2.0,
        },
        targets=TARGET_3,
        notes="Strong executive backing; the gaps sit with team-level leadership.",
    ),
    Client(
        stem="larkspur-2026-06",
        client="Larkspur Energy Retail",
        title="Service recovery diagnostic, June 2026",
        date=dt.date(2026, 6, 25),
        lead=PRIYA,
        raters=(PRIYA, TOMAS),
        profile={
            "sponsorship": 1.2,
            "cx_executive": 0.6,
            "main_metric": 0.8,
            "leader_aptitude": 1.4,
            "purpose": 1.0,
            "originality": 1.0,
            "authority": 1.6,
            "composure": 1.0,
            "connection": 1.8,
            "accountability": 0.8,
        },
        not_assessed=("originality",),
        targets={**TARGET_3, "cx_executive": 2, "originality": 2},
        notes="Assessed during a regulator-led recovery plan; originality deferred.",
    ),
    Client(
        stem="meridian-2026-09",
        client="Meridian Rail Customer Relations",
        title="Customer relations diagnostic, September 2026",
        date=dt.date(2026, 9, 10),
        lead=TOMAS,
        raters=(TOMAS, SOFIA, MAYA),
        profile={
            "sponsorship": 2.2,
            "cx_executive": 2.0,
            "main_metric": 2.4,
            "leader_aptitude": 2.0,
            "purpose": 2.6,
            "originality": 2.2,
            "authority": 2.4,
            "composure": 1.8,
            "connection": 2.0,
            "accountability": 1.6,
        },
        override=(
            "composure",
            2,
            "Observed calm leadership in the disruption week outweighs two interviews; "
            "agreed in calibration.",
        ),
        targets={**TARGET_3, "composure": 4},
    ),
    Client(
        stem="quayside-2026-10",
        client="Quayside Telecom",
        title="Service management diagnostic, October 2026",
        date=dt.date(2026, 10, 8),
        lead=AIKO,
        raters=(AIKO, DANIEL),
        profile={
            "sponsorship": 2.8,
            "cx_executive": 3.0,
            "main_metric": 3.4,
            "leader_aptitude": 3.0,
            "purpose": 2.6,
            "originality": 2.8,
            "authority": 3.2,
            "composure": 2.8,
            "connection": 3.0,
            "accountability": 2.6,
        },
        not_applicable=("purpose",),
        targets={**TARGET_3, "main_metric": 4, "authority": 4},
        notes="A benchmark-setting operation; shared purpose is run by group HR, out of scope.",
    ),
)


#: How a phrase used again in one engagement is told apart, by source: the same point made by
#: another person, seen elsewhere, or found in another document.
AGAIN: dict[str, tuple[str, ...]] = {
    "interview": ("a second interviewee said the same", "repeated in a team leader interview"),
    "observation": ("seen again on the night shift", "seen again in the billing team"),
    "document": ("also in last quarter's papers", "also in the annual service review"),
    "metric": ("also in last quarter's figures", "unchanged over the last six months"),
    "survey": ("night-shift respondents", "complaints-team respondents"),
}


#: Survey and record percentages that fit each band of practice.
PCT = {"low": (12, 40), "mid": (40, 66), "high": (66, 93)}


def _band(level: int) -> str:
    return "low" if level <= 1 else "mid" if level == 2 else "high"


def build(spec: Client, seed: int) -> Engagement:
    """The engagement of one client, identical on every run for the same ``seed``."""
    rng = np.random.default_rng(seed)
    engagement = Engagement.new(
        client=spec.client,
        lead=spec.lead,
        title=spec.title,
        date=spec.date,
        id=hashlib.sha1(spec.stem.encode()).hexdigest()[:12],
    )
    start = dt.datetime.combine(spec.date, dt.time(9, 0), tzinfo=dt.UTC) - dt.timedelta(days=14)
    i = 0
    used: list[str] = []
    for factor, true_level in spec.profile.items():
        if factor in spec.not_assessed:
            continue
        n = int(rng.integers(3, 7))
        for _ in range(n):
            level = int(np.clip(np.rint(true_level + rng.normal(0.0, 0.7)), 0, 4))
            phrases = BANK[factor][_band(level)]
            fresh = [p for p in phrases if p[1] not in used] or phrases
            source, template = fresh[int(rng.integers(len(fresh)))]
            again = used.count(template)
            used.append(template)
            evidence = template.format(
                pct=int(rng.integers(*PCT[_band(level)])),
                n=int(rng.integers(2, 9)),
                kpis=int(rng.integers(24, 46)),
                weeks=int(rng.integers(2, 5)),
            )
            if again:
                notes = AGAIN[source]
                evidence = f"{evidence[:-1]} ({notes[(again - 1) % len(notes)]})."
            engagement = engagement.add_finding(
                factor=factor,
                level=level,
                evidence=evidence,
                source=source,
                rater=spec.raters[int(rng.integers(len(spec.raters)))],
                id=hashlib.sha1(f"{spec.stem}-{i}".encode()).hexdigest()[:12],
                recorded_at=start + dt.timedelta(hours=3 * i, minutes=11 * (i % 5)),
            )
            i += 1
    for factor in spec.not_applicable:
        engagement = engagement.set_not_applicable(factor)
    for factor, level in spec.targets.items():
        engagement = engagement.set_target(factor, level)
    if spec.override:
        factor, level, reason = spec.override
        engagement = engagement.set_override(factor, level, reason=reason, by=spec.lead)
        at = dt.datetime.combine(spec.date, dt.time(16, 0), tzinfo=dt.UTC)
        engagement = engagement.model_copy(
            update={
                "overrides": {
                    k: v.model_copy(update={"at": at}) for k, v in engagement.overrides.items()
                }
            }
        )
    return engagement.model_copy(update={"notes": spec.notes})


def write_portfolio(out: Path) -> list[Path]:
    """Write every generated engagement into ``out``; return the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for k, spec in enumerate(CLIENTS):
        path = out / f"{spec.stem}.json"
        text = engagement_to_json(build(spec, SEED + k))
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write (engagements/)")
    args = parser.parse_args(argv)
    for path in write_portfolio(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

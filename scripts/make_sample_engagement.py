"""Write the bundled sample engagement, engagements/harbourline-2026-11.json.

Harbourline Contact Services is a fictional mid-sized BPO running customer care for a utility
and a telecoms brand. The findings are deterministic (fixed ids and timestamps), so running this
script again reproduces the committed file byte for byte:

    .venv/bin/python scripts/make_sample_engagement.py
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path

from toolkit import Engagement, save_engagement

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "engagements" / "harbourline-2026-11.json"

MAYA, TOMAS, PRIYA = "Maya Okafor", "Tomás Herrera", "Priya Nair"

# (factor, level, source, rater, evidence)
FINDINGS: list[tuple[str, int, str, str, str]] = [
    (
        "sponsorship",
        1,
        "interview",
        MAYA,
        "COO described the contact centre as 'a cost line we keep as lean as possible'.",
    ),
    (
        "sponsorship",
        0,
        "document",
        TOMAS,
        "Service budget cut 12% in each of the last two years while IT grew 9% a year.",
    ),
    (
        "sponsorship",
        1,
        "document",
        PRIYA,
        "Board minutes for 2026 mention customer service twice, both times after an outage.",
    ),
    (
        "sponsorship",
        2,
        "interview",
        PRIYA,
        "The CFO sponsored the new IVR after the March complaints spike, then stopped attending.",
    ),
    (
        "sponsorship",
        1,
        "observation",
        MAYA,
        "No executive visited the floor during our two-week fieldwork.",
    ),
    (
        "cx_executive",
        1,
        "interview",
        TOMAS,
        "Team leaders escalate to the client brand's CX director; nobody at Harbourline owns QA.",
    ),
    (
        "main_metric",
        1,
        "metric",
        TOMAS,
        "The weekly pack has 37 KPIs on four pages, with no ranking or headline number.",
    ),
    (
        "main_metric",
        2,
        "interview",
        MAYA,
        "Operations director names handle time as 'the number'; the account manager says CSAT.",
    ),
    (
        "main_metric",
        1,
        "survey",
        PRIYA,
        "Only 18% of agents chose the same answer to 'what is your team measured on first?'.",
    ),
    (
        "main_metric",
        1,
        "document",
        TOMAS,
        "Agent scorecards weight AHT, adherence and QA equally; CSAT is not on them.",
    ),
    (
        "main_metric",
        2,
        "interview",
        PRIYA,
        "A retention target was introduced in September but is not yet in any review.",
    ),
    (
        "leader_aptitude",
        2,
        "observation",
        MAYA,
        "Two of five team leaders took escalated calls themselves during the Monday peak.",
    ),
    (
        "leader_aptitude",
        3,
        "interview",
        TOMAS,
        "Night-shift leader coaches de-escalation by sitting in on calls weekly.",
    ),
    (
        "leader_aptitude",
        1,
        "survey",
        PRIYA,
        "41% of agents disagree that 'my manager shows me the patience I must show customers'.",
    ),
    (
        "leader_aptitude",
        2,
        "document",
        TOMAS,
        "Leader job description lists service behaviours, but promotion panels score only KPIs.",
    ),
    (
        "leader_aptitude",
        2,
        "interview",
        MAYA,
        "Site manager admitted leaders are promoted 'for numbers, not for how they treat people'.",
    ),
    (
        "purpose",
        2,
        "interview",
        PRIYA,
        "Agents on the utility line explain their work as 'keeping people's heating on'.",
    ),
    (
        "purpose",
        1,
        "observation",
        TOMAS,
        "A billing change went live without telling the care team; 900 calls followed in two days.",
    ),
    (
        "purpose",
        2,
        "document",
        MAYA,
        "A purpose statement exists on the intranet; onboarding does not mention it.",
    ),
    (
        "purpose",
        2,
        "interview",
        TOMAS,
        "Workforce planning and quality teams had never met before our joint workshop.",
    ),
    (
        "originality",
        1,
        "observation",
        MAYA,
        "Team huddles read out yesterday's numbers and end; no ideas or actions are discussed.",
    ),
    (
        "originality",
        2,
        "interview",
        PRIYA,
        "One team leader runs a monthly 'fix one thing' session; the others have not copied it.",
    ),
    (
        "originality",
        1,
        "document",
        TOMAS,
        "The suggestion log has 4 entries this year, none with a response.",
    ),
    (
        "originality",
        1,
        "survey",
        PRIYA,
        "Agents rate 'we try new ways of working' 2.1 out of 5, lowest of all survey items.",
    ),
    (
        "authority",
        3,
        "observation",
        MAYA,
        "Utility team leader explains schedule changes and they are followed without pushback.",
    ),
    (
        "authority",
        1,
        "interview",
        TOMAS,
        "Telecoms agents go straight to the site manager to reverse their team leader's decisions.",
    ),
    ("authority", 3, "interview", MAYA, "Agents call their leader 'fair but clearly in charge'."),
    (
        "authority",
        1,
        "observation",
        TOMAS,
        "Break rules are enforced for some agents and waived for the leader's friends.",
    ),
    ("authority", 3, "survey", PRIYA, "72% agree that 'decisions made by my manager stick'."),
    (
        "connection",
        2,
        "interview",
        PRIYA,
        "One-to-ones happen monthly but are a read-out of the agent's KPIs.",
    ),
    (
        "connection",
        2,
        "document",
        TOMAS,
        "One-to-one records exist for 60% of agents in the last quarter.",
    ),
    (
        "connection",
        3,
        "interview",
        MAYA,
        "Team leader got night-shift agents a safe taxi scheme after hearing their concerns.",
    ),
    (
        "connection",
        1,
        "survey",
        PRIYA,
        "Only 35% say someone at work speaks up for them when targets change.",
    ),
    (
        "connection",
        2,
        "observation",
        TOMAS,
        "Leaders of the two accounts sit apart and never discuss shared staffing problems.",
    ),
    (
        "connection",
        2,
        "interview",
        MAYA,
        "Attrition exit interviews cite 'nobody noticed I was struggling' in 5 of 12 cases.",
    ),
    (
        "accountability",
        0,
        "interview",
        TOMAS,
        "Manager attributed the September SLA miss entirely to 'the client's forecast'.",
    ),
    (
        "accountability",
        3,
        "document",
        PRIYA,
        "Post-incident reviews exist for the two largest outages, with owners and dates.",
    ),
    (
        "accountability",
        1,
        "metric",
        TOMAS,
        "The same mis-routing complaint recurs in 7 of the last 10 weekly complaint reports.",
    ),
    (
        "accountability",
        3,
        "interview",
        PRIYA,
        "Quality lead openly presented her team's calibration mistakes to the client.",
    ),
    (
        "accountability",
        0,
        "observation",
        MAYA,
        "In the ops review, every red KPI was explained by an external cause.",
    ),
    (
        "sponsorship",
        1,
        "interview",
        TOMAS,
        "Account director: 'we only get headcount approved when the client threatens to leave'.",
    ),
    (
        "leader_aptitude",
        2,
        "observation",
        PRIYA,
        "Leaders are patient with customers on calls but curt with agents at the desk.",
    ),
    (
        "originality",
        2,
        "interview",
        MAYA,
        "The new site manager has proposed a pilot of agent-led call reviews, not yet started.",
    ),
    (
        "purpose",
        1,
        "survey",
        PRIYA,
        "Half of agents could not say how their work affects the client's customers.",
    ),
    (
        "main_metric",
        1,
        "interview",
        TOMAS,
        "Team leaders were unable to name the account's goal for this year.",
    ),
]

TARGETS = {
    "sponsorship": 3,
    "cx_executive": 3,
    "main_metric": 3,
    "leader_aptitude": 3,
    "purpose": 3,
    "originality": 3,
    "authority": 3,
    "composure": 3,
    "connection": 4,
    "accountability": 3,
}


def build() -> Engagement:
    """The sample engagement, identical on every run."""
    engagement = Engagement.new(
        client="Harbourline Contact Services",
        lead=MAYA,
        title="Service management diagnostic, November 2026",
        date=dt.date(2026, 11, 16),
        id=hashlib.sha1(b"harbourline-2026-11").hexdigest()[:12],
    )
    start = dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC)
    for i, (factor, level, source, rater, evidence) in enumerate(FINDINGS):
        engagement = engagement.add_finding(
            factor=factor,
            level=level,
            evidence=evidence,
            source=source,
            rater=rater,
            id=hashlib.sha1(f"harbourline-{i}".encode()).hexdigest()[:12],
            recorded_at=start + dt.timedelta(hours=4 * i, minutes=7 * (i % 5)),
        )
    engagement = engagement.set_not_applicable("cx_executive")
    for factor, level in TARGETS.items():
        engagement = engagement.set_target(factor, level)
    override_at = dt.datetime(2026, 11, 14, 15, 30, tzinfo=dt.UTC)
    engagement = engagement.set_override(
        "accountability",
        1,
        reason="Reviews exist for big outages only; day-to-day failures are still blamed on "
        "the client. Agreed in the team calibration session.",
        by=MAYA,
    )
    overrides = {
        k: v.model_copy(update={"at": override_at}) for k, v in engagement.overrides.items()
    }
    return engagement.model_copy(
        update={
            "overrides": overrides,
            # The May assessment of the sample portfolio (scripts/make_portfolio.py): the
            # November one follows it, so reports and the viewer compare with exactly that one.
            "previous": hashlib.sha1(b"harbourline-2026-05").hexdigest()[:12],
            "notes": "Composure not yet assessed: peak-period observation is booked for December. "
            "Service executive scoped out: executive ownership sits with the client brand.",
        }
    )


def main() -> int:
    save_engagement(build(), OUT)
    OUT.with_name(OUT.name + ".bak").unlink(missing_ok=True)
    print(OUT.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())

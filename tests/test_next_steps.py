"""What to do next, in plain words: the headline sentences and "Where to act first"."""

from __future__ import annotations

import base64
import datetime as dt
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from soup import attr, one

from toolkit import Engagement, load_engagement, load_framework, score_engagement, summarize
from toolkit.cli import cli
from toolkit.report import build_content
from toolkit.report.next_steps import (
    DISAGREE,
    IN_TOP_ON_ONE_RATER,
    OUT_OF_TOP_ON_ONE_RATER,
    SETTLED,
)
from toolkit.report.wording import change_mark, format_score, join_names, plural, signed

ROOT = Path(__file__).resolve().parents[1]
NOVEMBER = ROOT / "engagements" / "harbourline-2026-11.json"
MAY = ROOT / "engagements" / "harbourline-2026-05.json"


@pytest.fixture(scope="module")
def november() -> Engagement:
    return load_engagement(NOVEMBER)


@pytest.fixture(scope="module")
def may() -> Engagement:
    return load_engagement(MAY)


def test_words_for_counts_lists_and_changes() -> None:
    assert (plural(1, "rater"), plural(2, "rater"), plural(0, "finding")) == (
        "1 rater",
        "2 raters",
        "0 findings",
    )
    assert join_names([]) == "" and join_names(["A"]) == "A"
    assert join_names(["A", "B"]) == "A and B"
    assert join_names(["A", "B", "C"]) == "A, B and C"
    assert (signed(0.5), signed(-1.0), signed(0.004)) == ("+0.5", "\u22121.0", "0.0")
    assert change_mark(0.5) == "\u25b2 +0.5"
    assert change_mark(-1.0) == "\u25bc \u22121.0"
    assert change_mark(0.0) == "= 0.0"
    assert change_mark(None) == ""


def test_one_score_format_on_paper_and_on_screen() -> None:
    # Reports print the number; the dashboards add the level it has reached.
    framework = load_framework()
    assert (format_score(1.5), format_score(1.0 / 3), format_score(None)) == ("1.5", "0.33", "")
    assert format_score(float("nan")) == ""
    assert format_score(1.7, framework=framework) == "1.7 (Ad hoc)"
    assert format_score(2.0, basis="findings", framework=framework) == "2.0 (Partial)"
    nan = float("nan")
    assert format_score(nan, basis="not applicable", framework=framework) == "not applicable"
    assert format_score(nan, basis="not assessed") == "not assessed"
    assert format_score(None, basis="findings") == "not assessed"


def test_headline_counts_ad_hoc_or_worse_by_the_level_rule(november: Engagement) -> None:
    fw = load_framework()
    content = build_content(november, framework=fw)
    scores = score_engagement(november, framework=fw)
    reached = {str(f): fw.level_reached(s) for f, s in scores["score"].dropna().items()}
    weak = [f for f, level in reached.items() if level is not None and level <= 1]
    labels = [fw.factor(f).label for f in weak]
    assert len(weak) == 5  # 1.0, 1.0 and three at 1.5: all have reached Ad hoc
    assert content.summary.weakest == tuple(labels)
    first = content.next_steps.sentences[0]
    assert first == (f"5 of the 8 assessed factors are ad hoc or worse: {join_names(labels)}.")


def test_headline_names_the_largest_gaps_and_what_moved(
    november: Engagement, may: Engagement
) -> None:
    steps = build_content(november, previous=may).next_steps
    assert steps.since == "14 May 2026"
    assert steps.sentences[1] == (
        "The largest gaps to target are in Executive sponsorship (1.0 against a target of 3) "
        "and People connection (2.0 against a target of 4)."
    )
    assert steps.sentences[2] == (
        "Since the assessment of 14 May 2026, 5 factors scored higher, 2 factors scored lower "
        "and 1 is unchanged; 2 of these changes are beyond the raters' disagreement, real "
        "moves: Service-minded leaders (+0.83) and People connection (+1.0)."
    )
    alone = build_content(november).next_steps
    assert alone.sentences[2] == "There is no earlier assessment to compare with."
    assert {a.change.mark for a in alone.actions} == {""}


def test_where_to_act_first_follows_the_priorities_with_first_remedy_and_change(
    november: Engagement, may: Engagement
) -> None:
    fw = load_framework()
    steps = build_content(november, framework=fw, previous=may).next_steps
    priorities = summarize(score_engagement(november, framework=fw), framework=fw).priorities
    assert [a.factor for a in steps.actions] == list(priorities)
    first = steps.actions[0]
    assert first.standing == "1.0 Ad hoc \u00b7 target 3 Established"
    assert first.first_step == fw.factor("sponsorship").remedies[0]
    assert first.change.mark == "= 0.0"
    metric = next(a for a in steps.actions if a.factor == "main_metric")
    # 1.5 now, 1.25 in May, each shown as it is: the difference shown is the one a reader computes.
    # under half a level: a hollow triangle, and the words say it is not a real move
    assert metric.change.mark == "\u25b3 +0.25"
    assert metric.change.explanation == (
        "0.25 higher than on 14 May 2026 (1.25 then): under half a level, not a real move."
    )
    connection = next(a for a in steps.actions if a.factor == "connection")
    assert connection.change.mark == "\u25b2 +1.0"
    assert "a real move" in connection.change.explanation


def test_flags_say_raters_disagree_in_plain_words(november: Engagement) -> None:
    steps = build_content(november).next_steps
    assert [f.text for f in steps.flags["authority"]] == [DISAGREE]
    assert "2.0 levels apart" in steps.flags["authority"][0].explanation
    assert SETTLED in [f.text for f in steps.flags["accountability"]]  # the team agreed level 1
    # Sponsorship moves from priority 1 to 3 without one rater: still in the top 5, no flag.
    assert steps.flags["sponsorship"] == ()
    # Purpose (5th) and Energising the team (6th) tie at 1.5: leaving any rater out swaps them.
    assert [f.text for f in steps.flags["purpose"]] == [IN_TOP_ON_ONE_RATER]
    assert [f.text for f in steps.flags["originality"]] == [OUT_OF_TOP_ON_ONE_RATER]
    assert steps.flags["purpose"][0].explanation.startswith(
        "In the top 5 on one rater's findings: without Maya Okafor's, it would be priority 6"
    )
    flagged = [a.factor for a in steps.actions if any("one rater" in f.text for f in a.flags)]
    assert flagged == ["purpose", "originality"]  # 2 of 7 priorities, not 9 of 10


def test_a_newly_assessed_factor_is_marked_new(may: Engagement) -> None:
    e = may.add_finding(factor="composure", level=2, evidence="Calm at peak", rater="Ana Lima")
    e = e.set_target("composure", 4)
    steps = build_content(e, previous=may).next_steps
    assert steps.changes["composure"].mark == "new"
    assert steps.changes["composure"].explanation == "Not scored on 14 May 2026."


def test_nothing_assessed_and_nothing_short_of_target_read_plainly() -> None:
    empty = Engagement.new(client="Acme", lead="Ana Lima", date=dt.date(2026, 1, 5))
    steps = build_content(empty).next_steps
    assert steps.sentences[0] == "No factor has been assessed yet: there are no findings to score."
    assert steps.actions == ()
    e = empty.add_finding(factor="purpose", level=3, evidence="Clear", rater="Ana Lima")
    e = e.set_target("purpose", 3)
    steps = build_content(e).next_steps
    assert steps.sentences[:2] == (
        "The only assessed factor, Shared purpose, is not ad hoc or worse: 3.0 (Established).",
        "Every assessed factor meets its target.",
    )


def test_none_ad_hoc_names_the_lowest() -> None:
    e = Engagement.new(client="Acme", lead="Ana Lima")
    for factor, level in (("purpose", 3), ("connection", 2)):
        e = e.add_finding(factor=factor, level=level, evidence="Seen", rater="Ana Lima")
    assert build_content(e).next_steps.sentences[:2] == (
        "None of the 2 assessed factors is ad hoc or worse; the lowest is People connection at "
        "2.0 (Partial).",
        "No targets are set, so the list below starts from the lowest scores.",
    )


def test_tenfold_report_compare_says_what_moved(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        cli, ["report", str(NOVEMBER), "-o", str(out), "--compare", str(MAY)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Since the assessment of 14 May 2026, 5 factors scored higher" in text
    radar = attr(one(BeautifulSoup(text, "html.parser"), "figure.radar img"), "src")
    svg = base64.b64decode(radar.split(",", 1)[1]).decode("utf-8")
    assert "Previous (14 May 2026)" in svg  # the radar draws the previous assessment too

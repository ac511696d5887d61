"""`tenfold score FILE --explain FACTOR`: the working of one score, as a consultant explains it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from toolkit import Engagement, load_engagement, provenance, score_engagement
from toolkit.cli import cli
from toolkit.explain import explain_factor
from toolkit.framework import format_score


def explain(path: Path, factor: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["score", str(path), "--explain", factor])
    return result.exit_code, result.stdout, result.stderr


def test_accountability_reads_as_the_calculation_step_by_step(sample_path: Path) -> None:
    code, out, err = explain(sample_path, "accountability")
    assert code == 0, err
    steps = [
        "Owning failures (accountability). Failure mode: Doesn't own failures.",
        "Maya Okafor, 1 finding: level 0, so 0.00",
        "Tomás Herrera, 2 findings: (0 + 1) / 2 = 0.50",
        "Priya Nair, 2 findings: (3 + 3) / 2 = 3.00",
        "median of the rater levels 0.00, 0.50, 3.00: the middle one, 0.50.",
        "Consensus override: the team agreed level 1 (Ad hoc), replacing the computed 0.5.",
        "Agreed in the team calibration session.",
        "Score 1.0 (basis consensus): it has reached level 1, Ad hoc.",
        "Priority 3 of 7.",
        "Confidence: high, from 5 findings and 4 kinds of source",
        "Agreement: r_wg = 1 - 2.58 / 2 = 0.00 (clipped to 0)",
        "so the raters disagree",
        provenance(load_engagement(sample_path)).text,
    ]
    flat = " ".join(out.split())
    positions = [flat.index(" ".join(step.split())) for step in steps]
    assert positions == sorted(positions)  # in the order a consultant would tell it
    assert all(len(line) <= 96 for line in out.splitlines())


def test_each_finding_is_shown_under_its_rater(sample_path: Path) -> None:
    _, out, _ = explain(sample_path, "accountability")
    flat = " ".join(out.split())
    herrera = flat.index("Tomás Herrera, 2 findings")
    assert (
        herrera
        < flat.index("level 1 metric The same mis-routing complaint")
        < flat.index("Priya Nair, 2 findings")
    )


def test_a_label_in_any_case_explains_the_same_factor(sample_path: Path) -> None:
    assert explain(sample_path, "OWNING failures")[1] == explain(sample_path, "accountability")[1]


def test_a_mistyped_factor_gets_a_suggestion_and_exit_2(sample_path: Path) -> None:
    code, out, err = explain(sample_path, "acountabilty")
    assert code == 2 and out == ""
    assert "unknown factor 'acountabilty'; did you mean 'accountability'?" in err
    code, _, err = explain(sample_path, "morale")
    assert code == 2 and "known: sponsorship, cx_executive" in err


def test_the_score_explained_is_the_score_in_the_table(sample: Engagement) -> None:
    scores = score_engagement(sample)
    for fid, score in scores["score"].items():
        text = " ".join(explain_factor(sample, str(fid)).split())
        basis = str(scores.at[fid, "basis"])
        if score == score:  # not NaN
            assert f"Score {format_score(score)} (basis {basis})" in text
        else:
            assert f"Score: none ({basis})." in text


def _two_raters(levels: dict[str, list[int]]) -> Engagement:
    e = Engagement.new(client="Acme Care", lead="Ana Lima")
    for rater, values in levels.items():
        for level in values:
            e = e.add_finding(factor="purpose", level=level, evidence="seen", rater=rater)
    return e


def test_an_even_panel_takes_the_mean_of_the_middle_two() -> None:
    text = " ".join(explain_factor(_two_raters({"Ana": [1], "Ben": [2]}), "purpose").split())
    assert "the mean of the middle two, (1.00 + 2.00) / 2 = 1.50" in text
    assert "r_wg = 1 - 0.50 / 2 = 0.75, where" in text and "so the raters agree" in text


def test_one_rater_has_no_median_to_take_and_no_agreement() -> None:
    text = " ".join(explain_factor(_two_raters({"Ana": [1, 2, 2]}), "purpose").split())
    assert "One rater, so the computed score is their level, 1.67." in text
    assert "Agreement: not measured; it takes two raters or more." in text


@pytest.mark.parametrize("factor", ["composure", "cx_executive"])
def test_unscored_factors_say_why(sample_path: Path, factor: str) -> None:
    out = " ".join(explain(sample_path, factor)[1].split())
    basis = "not assessed" if factor == "composure" else "not applicable"
    assert f"Score: none ({basis})." in out
    assert "Score 0" not in out


def test_explain_reads_a_findings_spreadsheet_too(tmp_path: Path) -> None:
    csv = tmp_path / "notes.csv"
    csv.write_text(
        "factor,level,evidence,rater\npurpose,1,seen,Ana\npurpose,3,heard,Ben\n", encoding="utf-8"
    )
    code, out, err = explain(csv, "purpose")
    assert code == 0, err
    out = " ".join(out.split())
    assert "Ana, 1 finding: level 1, so 1.00" in out and "Score 2.0 (basis findings)" in out


def test_the_score_table_shows_agreement_and_names_the_factors_raters_disagree_on(
    sample_path: Path,
) -> None:
    result = CliRunner().invoke(cli, ["score", str(sample_path)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split()[-2:] == ["r_wg", "confidence"]
    authority = next(line for line in lines if line.startswith("authority"))
    assert authority.split()[-2:] == ["0.33", "high"]
    assert "raters disagree (r_wg < 0.70): authority, accountability" in result.stdout

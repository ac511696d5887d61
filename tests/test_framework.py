"""The framework file: the ten factors, their text, and clear errors for broken custom files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from toolkit import Framework, FrameworkError, load_framework
from toolkit.framework import LEVEL_TOLERANCE, default_framework_path

SEED_IDS = (
    "sponsorship",
    "cx_executive",
    "main_metric",
    "leader_aptitude",
    "purpose",
    "originality",
    "authority",
    "composure",
    "connection",
    "accountability",
)


def test_default_framework_has_the_ten_factors_in_order(framework: Framework) -> None:
    assert framework.factor_ids == SEED_IDS


def test_groups_split_five_executive_and_five_manager(framework: Framework) -> None:
    groups = [f.group for f in framework.factors]
    assert groups == ["organization"] * 5 + ["manager"] * 5


def test_every_factor_has_the_text_a_consultant_needs(framework: Framework) -> None:
    for f in framework.factors:
        assert len(f.label) <= 22, f.id
        assert len(f.anchors) == 5 and all(a.strip() for a in f.anchors), f.id
        assert 2 <= len(f.questions) <= 4, f.id
        assert 2 <= len(f.remedies) <= 3, f.id
        assert f.evidence and f.failure_mode and f.description, f.id


def test_scale_names_run_from_absent_to_embedded(framework: Framework) -> None:
    names = [lv.name for lv in framework.levels]
    assert names == ["Absent", "Ad hoc", "Partial", "Established", "Embedded"]
    assert framework.level_name(2) == "Partial"


def test_resolve_factor_accepts_id_or_label_case_insensitively(framework: Framework) -> None:
    assert framework.resolve_factor("main_metric") == "main_metric"
    assert framework.resolve_factor("  clear MAIN metric ") == "main_metric"
    assert framework.resolve_factor("nothing like it") is None


def _custom(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "custom.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _default_text() -> str:
    return default_framework_path().read_text(encoding="utf-8")


def test_custom_file_with_fewer_factors_and_new_weight_loads(tmp_path: Path) -> None:
    text = _default_text()
    # Drop the last factor and weight the first one double.
    text = text[: text.rindex("[[factors]]")]
    text = text.replace('group = "organization"\n', 'group = "organization"\nweight = 2.0\n', 1)
    fw = load_framework(_custom(tmp_path, text))
    assert len(fw) == 9
    assert fw.weights["sponsorship"] == 2.0
    assert fw.weights["cx_executive"] == 1.0


def test_missing_anchor_names_file_factor_and_field(tmp_path: Path) -> None:
    text = _default_text().replace(
        '  "Nobody can name the unit\'s goal; reports list many numbers with no priority.",\n', ""
    )
    path = _custom(tmp_path, text)
    with pytest.raises(FrameworkError) as err:
        load_framework(path)
    message = str(err.value)
    assert str(path) in message
    assert "factor 'main_metric'" in message
    assert "'anchors'" in message
    assert "got 4" in message


def test_label_too_long_is_refused_with_its_factor(tmp_path: Path) -> None:
    text = _default_text().replace('label = "Composure"', 'label = "' + "x" * 30 + '"')
    with pytest.raises(FrameworkError, match=r"factor 'composure', field 'label'"):
        load_framework(_custom(tmp_path, text))


def test_unknown_group_is_refused(tmp_path: Path) -> None:
    text = _default_text().replace('group = "manager"', 'group = "managment"', 1)
    with pytest.raises(FrameworkError, match=r"factor 'originality', field 'group'"):
        load_framework(_custom(tmp_path, text))


def test_too_few_factors_is_refused(tmp_path: Path) -> None:
    text = _default_text()
    text = text[: text.index("[[factors]]", text.index('id = "cx_executive"'))]
    with pytest.raises(FrameworkError, match="at least 3"):
        load_framework(_custom(tmp_path, text))


def test_duplicate_ids_are_refused(framework: Framework) -> None:
    with pytest.raises(FrameworkError, match="repeated: purpose"):
        framework.derive(factors=[*framework.factors, framework.factor("purpose")])


def test_not_toml_and_missing_file_say_so(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="not valid TOML"):
        load_framework(_custom(tmp_path, "[framework\nid ="))
    with pytest.raises(FrameworkError, match="no such framework file"):
        load_framework(tmp_path / "nope.toml")


def test_derive_can_add_a_factor(framework: Framework) -> None:
    extra = framework.factor("purpose").model_copy(
        update={"id": "tooling", "label": "Fit-for-purpose tools", "statements": ()}
    )
    bigger = framework.derive(factors=[*framework.factors, extra])
    assert len(bigger) == 11 and bigger.factor_ids[-1] == "tooling"


def test_to_frame_has_one_row_per_factor_with_anchors(framework: Framework) -> None:
    frame = framework.to_frame()
    assert list(frame.index) == list(SEED_IDS)
    assert frame.loc["purpose", "anchor_4"] == framework.factor("purpose").anchors[4]


@pytest.mark.parametrize("weight", ["inf", "-inf", "nan", "0.0", "-1.0"])
def test_a_weight_must_be_finite_and_positive(tmp_path: Path, weight: str) -> None:
    text = _default_text().replace(
        'group = "organization"\n', f'group = "organization"\nweight = {weight}\n', 1
    )
    with pytest.raises(FrameworkError, match=r"factor 'sponsorship', field 'weight': ") as err:
        load_framework(_custom(tmp_path, text))
    assert "finite" in str(err.value) or "greater than 0" in str(err.value)


def test_a_mistyped_factor_gets_the_closest_suggestion(framework: Framework) -> None:
    assert framework.suggest_factor("purpse") == "purpose"
    assert framework.suggest_factor("clear main metrc") == "main_metric"
    assert framework.suggest_factor("zzzz") is None


# -- the level a score has reached ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "level", "name"),
    [
        (0.0, 0, "Absent"),
        (0.5, 0, "Absent"),
        (1.0, 1, "Ad hoc"),
        (1.5, 1, "Ad hoc"),
        (1.99, 1, "Ad hoc"),
        (2.0, 2, "Partial"),
        (2.5, 2, "Partial"),
        (3.75, 3, "Established"),
        (4.0, 4, "Embedded"),
    ],
)
def test_a_score_has_reached_the_whole_level_at_or_below_it(
    framework: Framework, score: float, level: int, name: str
) -> None:
    assert framework.level_reached(score) == level
    assert framework.level_name(framework.level_reached(score)) == name


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA])
def test_no_score_has_reached_no_level(framework: Framework, missing: object) -> None:
    assert framework.level_reached(missing) is None  # type: ignore[arg-type]
    assert framework.level_name(None) == ""


def test_a_score_that_is_really_a_whole_level_reaches_it_despite_float_rounding(
    framework: Framework,
) -> None:
    six_thirds = sum([1 / 3] * 6)  # 2 in exact arithmetic
    assert six_thirds < 2  # the float really falls short: 1.9999999999999998
    assert framework.level_reached(six_thirds) == 2
    assert framework.level_reached(2.9999999999999996) == 3
    assert framework.level_reached(2.9999999) == 3


def test_a_real_shortfall_below_a_level_does_not_reach_it(framework: Framework) -> None:
    assert framework.level_reached(2.999) == 2
    assert framework.level_reached(2.99999) == 2  # 1e-5 short: more than the tolerance
    assert framework.level_reached(3 - 2 * LEVEL_TOLERANCE) == 2


def test_a_value_beyond_the_scale_has_reached_its_nearer_end(framework: Framework) -> None:
    assert framework.level_reached(-0.5) == 0
    assert framework.level_reached(4.5) == 4

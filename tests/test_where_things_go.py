"""The README's "Where things go" holds: each recipe names files that exist, names constants and
methods those files define, and asks for at most three of the toolkit's own files; and the
input-source recipe, followed, reads a new tool's export.

A renamed file, a moved table or a recipe that grows a fourth toolkit file fails here, so the
README cannot drift from the code an engineer extends.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from survey_exports import (
    AUTHORITY_1,
    COMPOSURE,
    EXPECTED,
    IDENTIFYING,
    RESPONDENTS,
    TEAM_QUESTION,
    as_csv,
)

from toolkit.survey import layouts
from toolkit.survey.importer import survey_from_bytes
from toolkit.survey.matching import COMMENT_QUESTION

ROOT = Path(__file__).resolve().parents[1]

#: The extension points every engineer meets first; each must have its recipe.
REQUIRED = ("A chart layer", "A report format", "A dashboard control", "An input source")


def recipes() -> dict[str, str]:
    """Each recipe's text by its bold title, from the README's "Where things go" list."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\nWhere things go:\n", 1)[1].split("\n## ", 1)[0]
    found: dict[str, str] = {}
    for item in re.split(r"\n(?=- \*\*)", section.strip()):
        title = re.match(r"- \*\*(.+?)\*\*", item)
        assert title, f"a recipe without a bold title: {item[:60]!r}"
        found[title.group(1)] = item
    return found


def paths(recipe: str) -> list[str]:
    """The repository paths a recipe names in backticks."""
    names = re.findall(r"`([^`\s]+)`", recipe)
    path = re.compile(r"[\w.-]+(/[\w.-]*)*\.(py|toml|txt)|[\w.-]+/[\w./-]*")
    return [n for n in names if path.fullmatch(n)]


def test_every_extension_point_has_its_recipe() -> None:
    assert set(REQUIRED) <= set(recipes())


@pytest.mark.parametrize("title", sorted(recipes()))
def test_a_recipe_names_files_that_exist(title: str) -> None:
    named = paths(recipes()[title])
    assert named, f"{title}: names no file"
    missing = [p for p in named if not (ROOT / p).exists()]
    assert not missing, f"{title}: {missing} not in the repository"


@pytest.mark.parametrize("title", REQUIRED)
def test_a_recipe_asks_for_at_most_three_toolkit_files(title: str) -> None:
    own = {p for p in paths(recipes()[title]) if p.startswith("toolkit/")}
    assert 1 <= len(own) <= 3, f"{title}: {sorted(own)}"


@pytest.mark.parametrize("title", sorted(recipes()))
def test_the_tables_and_methods_a_recipe_names_are_where_it_says(title: str) -> None:
    recipe = recipes()[title]
    files = [ROOT / p for p in paths(recipe) if p.endswith(".py")]
    sources = "\n".join(f.read_text(encoding="utf-8") for f in files)
    for table in re.findall(r"`([A-Z][A-Z_]{2,})`", recipe):
        assert re.search(rf"^{table}\b[^=\n]*=", sources, re.M), f"{title}: {table} not defined"
    for cls, method in re.findall(r"`([A-Z]\w+)\.(_?\w+)`", recipe):
        assert re.search(rf"^class {cls}\b", sources, re.M), f"{title}: no class {cls}"
        assert re.search(rf"^    def {method}\(", sources, re.M), f"{title}: no {cls}.{method}"


def test_the_input_source_recipe_followed_reads_a_new_tools_export(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One `Layout` more in `LAYOUTS` is all the importer needs: a tool whose export opens with
    a respondent number, a submission time and an e-mail column is recognised, read to the
    hand-counted table, and keeps none of its identifying values."""
    tool = layouts.Layout(
        tool="Pulse",
        starts=("Respondent", "Submitted at", "Work email"),
        identifying=frozenset({"respondent", "work email"}),
        metadata=frozenset({"submitted at"}),
    )
    monkeypatch.setattr(layouts, "LAYOUTS", (*layouts.LAYOUTS, tool))
    header = ["Respondent", "Submitted at", "Work email", TEAM_QUESTION]
    header += [*COMPOSURE, AUTHORITY_1, COMMENT_QUESTION]
    rows: list[list[Any]] = [header]
    for i, r in enumerate(RESPONDENTS, start=1):
        rows.append([i, "2026-11-20 09:07", r[1], r[2], r[3], r[4], r[5], r[6], r[7]])

    found = survey_from_bytes(as_csv(rows, "Pulse"), "pulse.csv", segment=TEAM_QUESTION)

    assert found.tool == "Pulse" and found.responses == 10
    for (factor, segment), figures in EXPECTED.items():
        group = found.survey.group(factor, segment)
        assert group is not None
        assert group.shown == (figures is not None)
        if figures is not None:
            assert group.mean == pytest.approx(figures[1], abs=0.001)
    kept = found.survey.model_dump_json()
    assert not [v for v in IDENTIFYING if v in kept]

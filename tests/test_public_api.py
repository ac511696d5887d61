"""The public API is curated: __all__ exists, is sorted, and misses nothing public."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

import toolkit


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff keeps __all__ in (RUF022): CONSTANTS, then Classes, then functions.
    kind = 0 if name.isupper() else 1 if name[0].isupper() else 2
    return kind, name


def test_all_is_sorted_and_unique() -> None:
    assert toolkit.__all__ == sorted(set(toolkit.__all__), key=_isort_key)


def test_every_name_in_all_exists() -> None:
    missing = [name for name in toolkit.__all__ if not hasattr(toolkit, name)]
    assert missing == []


def test_every_public_function_and_class_is_in_all() -> None:
    public = {
        name
        for name, obj in vars(toolkit).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__.startswith("toolkit")
    }
    assert public - set(toolkit.__all__) == set()


@pytest.mark.slow
def test_scoring_does_not_pay_for_charts_until_they_are_used() -> None:
    code = (
        "import sys, toolkit as tf; tf.score_engagement; "
        "assert 'altair' not in sys.modules, 'altair imported eagerly'; "
        "tf.radar_chart; assert 'altair' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_lazy_names_are_listed_by_dir() -> None:
    assert {"radar_chart", "build_report"} <= set(dir(toolkit))


def test_framework_is_keyword_only_everywhere() -> None:
    # `score_engagement(e, fw)` reads like "score e against fw" in one function and means
    # something else in the next: every public function takes the framework by name.
    positional = []
    for name in toolkit.__all__:
        obj = getattr(toolkit, name)
        if not inspect.isfunction(obj):
            continue
        parameter = inspect.signature(obj).parameters.get("framework")
        if parameter is not None and parameter.kind is not inspect.Parameter.KEYWORD_ONLY:
            positional.append(name)
    assert positional == []


def test_the_tables_columns_are_named_at_the_top() -> None:
    engagement = toolkit.Engagement.new(client="Acme", lead="Ana").add_finding(
        factor="purpose", level=2, evidence="No stated purpose"
    )
    assert tuple(engagement.findings_frame().columns) == toolkit.FINDING_COLUMNS
    assert tuple(toolkit.score_engagement(engagement).columns) == toolkit.SCORE_COLUMNS


def test_render_chart_is_reachable_from_the_package() -> None:
    from toolkit.charts.export import render_chart

    assert toolkit.render_chart is render_chart

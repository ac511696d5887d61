"""Tenfold: diagnose why a customer-service organisation fails, across ten management factors.

The public API, in the order an analyst meets it::

    import toolkit as tf

    framework = tf.load_framework()                  # the ten factors and the 0-4 scale
    engagement = tf.load_engagement("engagements/harbourline-2026-11.json")
    scores = tf.score_engagement(engagement)         # one row per factor, pandas in and out
    summary = tf.summarize(scores)
    store = tf.open_store("postgresql+psycopg://ana@db/tenfold")  # or a folder, sqlite:///f.db
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from toolkit.agreement import (
    panel_agreement,
    priority_sensitivity,
    rank_note,
    rater_levels,
    rater_profile,
)
from toolkit.errors import (
    EngagementError,
    ExportError,
    FindingsImportError,
    FrameworkError,
    MissingColumnsError,
    MissingExtraError,
    SchemaVersionError,
    StoreError,
    TenfoldError,
)
from toolkit.explain import explain_factor
from toolkit.findings import FINDING_COLUMNS, SOURCES, Engagement, Finding, Override
from toolkit.framework import Factor, Framework, load_framework
from toolkit.portfolio import (
    PORTFOLIO_COLUMNS,
    Portfolio,
    client_trend,
    compare_clients,
    load_portfolio,
    portfolio_benchmark,
    portfolio_scores,
)
from toolkit.provenance import Provenance, findings_hash, provenance
from toolkit.scoring import SCORE_COLUMNS, Summary, score_engagement, score_findings, summarize
from toolkit.spreadsheets import export_findings, import_findings, read_findings
from toolkit.store import load_engagement, save_engagement, update_engagement

if TYPE_CHECKING:
    from toolkit.charts import (
        RadarOptions,
        chart_widget,
        heatmap_chart,
        radar_chart,
        ranked_chart,
        render_chart,
        save_chart,
    )
    from toolkit.report import build_report, report_bytes, report_filename
    from toolkit.stores import open_store

# Charts and reports import Altair, vl-convert and the report writers: seconds of start-up that
# `tenfold score` or a scoring script should not pay. They load on first use instead.
_LAZY = {
    **dict.fromkeys(
        (
            "RadarOptions",
            "chart_widget",
            "heatmap_chart",
            "radar_chart",
            "ranked_chart",
            "render_chart",
            "save_chart",
        ),
        "toolkit.charts",
    ),
    **dict.fromkeys(("build_report", "report_bytes", "report_filename"), "toolkit.report"),
    "open_store": "toolkit.stores",
}

__all__ = [
    "FINDING_COLUMNS",
    "PORTFOLIO_COLUMNS",
    "SCORE_COLUMNS",
    "SOURCES",
    "Engagement",
    "EngagementError",
    "ExportError",
    "Factor",
    "Finding",
    "FindingsImportError",
    "Framework",
    "FrameworkError",
    "MissingColumnsError",
    "MissingExtraError",
    "Override",
    "Portfolio",
    "Provenance",
    "RadarOptions",
    "SchemaVersionError",
    "StoreError",
    "Summary",
    "TenfoldError",
    "build_report",
    "chart_widget",
    "client_trend",
    "compare_clients",
    "explain_factor",
    "export_findings",
    "findings_hash",
    "heatmap_chart",
    "import_findings",
    "load_engagement",
    "load_framework",
    "load_portfolio",
    "open_store",
    "panel_agreement",
    "portfolio_benchmark",
    "portfolio_scores",
    "priority_sensitivity",
    "provenance",
    "radar_chart",
    "rank_note",
    "ranked_chart",
    "rater_levels",
    "rater_profile",
    "read_findings",
    "render_chart",
    "report_bytes",
    "report_filename",
    "save_chart",
    "save_engagement",
    "score_engagement",
    "score_findings",
    "summarize",
    "update_engagement",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'toolkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

"""Altair charts of factor scores: the radar and its honest companions, offline display, export.

A radar alone misleads (its area grows with the square of the score), so it comes with a ranked
dot chart and an evidence heatmap. Every chart is built by a pure function returning an Altair
chart; :func:`chart_widget` displays one with no network access and :func:`save_chart` writes
PNG, SVG, PDF or self-contained HTML.
"""

from __future__ import annotations

from toolkit.charts._radar_options import RadarOptions, overlay, staff_overlay
from toolkit.charts.companions import heatmap_chart, ranked_chart
from toolkit.charts.export import FORMATS, chart_widget, render_chart, save_chart
from toolkit.charts.radar import LiveRadar, fit_radar, radar_chart, series_levels

__all__ = [
    "FORMATS",
    "LiveRadar",
    "RadarOptions",
    "chart_widget",
    "fit_radar",
    "heatmap_chart",
    "overlay",
    "radar_chart",
    "ranked_chart",
    "render_chart",
    "save_chart",
    "series_levels",
    "staff_overlay",
]

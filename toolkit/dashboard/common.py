"""Pieces both dashboards share: the engagements folder, the header, messages, text as HTML.

Every piece of user text (client names, evidence, reasons) reaches the page through
:func:`esc`, so text containing HTML or a script is shown as text.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import ipywidgets as widgets
import pandas as pd

from toolkit.errors import TenfoldError
from toolkit.findings import Engagement
from toolkit.framework import Framework, load_framework
from toolkit.store import load_engagement

__all__ = [
    "CSS",
    "EngagementFile",
    "Tone",
    "close_all",
    "default_folder",
    "default_framework",
    "esc",
    "findings_table_html",
    "format_score",
    "header_html",
    "list_engagements",
    "message_html",
    "pick_option",
    "plural",
    "previous_assessment",
    "style_widget",
    "summary_html",
]

Tone = Literal["info", "ok", "error"]

CSS = """
<style>
.tf-app { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: #1f2933; max-width: 1360px; }
.tf-app .widget-html-content { line-height: 1.45; }
.tf-header { display: flex; align-items: baseline; gap: 16px; padding: 10px 4px 8px 4px;
  border-bottom: 3px solid #0b4f6c; margin-bottom: 6px; }
.tf-header .tf-client { font-size: 22px; font-weight: 650; color: #0b4f6c; }
.tf-header .tf-title { font-size: 15px; color: #3e4c59; }
.tf-header .tf-meta { font-size: 13px; color: #616e7c; }
.tf-brand { font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: #7b8794; }
.tf-card { background: #f7f9fb; border: 1px solid #d9e2ec; border-radius: 6px;
  padding: 8px 12px; }
.tf-section { font-size: 14px; font-weight: 650; color: #0b4f6c; margin: 4px 0 2px 0; }
.tf-muted { color: #616e7c; font-size: 12.5px; }
.tf-msg { border-radius: 5px; padding: 6px 10px; font-size: 13.5px; }
.tf-msg-error { background: #fde8e8; color: #8a1c1c; border: 1px solid #f5b5b5; }
.tf-msg-ok { background: #e6f4ea; color: #1e5631; border: 1px solid #b7dfc2; }
.tf-msg-info { background: #eef4fb; color: #1f4e79; border: 1px solid #c6dbf0; }
.tf-saved { color: #1e5631; font-size: 13px; white-space: nowrap; }
.tf-anchor { background: #fff8e6; border-left: 4px solid #e0a100; padding: 6px 10px;
  font-size: 13px; }
.tf-prompts ul { margin: 4px 0 0 0; padding-left: 18px; font-size: 13px; }
.tf-prompts li { margin-bottom: 4px; }
.tf-table { border-collapse: collapse; width: 100%; font-size: 13px; table-layout: fixed; }
.tf-table th { text-align: left; color: #52606d; font-weight: 600; border-bottom: 1px solid #cbd2d9;
  padding: 4px 6px; }
.tf-table td { border-bottom: 1px solid #e4e7eb; padding: 4px 6px; vertical-align: top;
  overflow-wrap: anywhere; }
.tf-level { display: inline-block; min-width: 18px; text-align: center; border-radius: 9px;
  background: #0b4f6c; color: white; font-weight: 600; font-size: 12px; padding: 0 6px; }
.tf-row { border-bottom: 1px solid #e4e7eb; padding: 3px 0; }
.tf-row .widget-html-content { font-size: 13px; }
.tf-summary td { padding: 2px 8px 2px 0; font-size: 13.5px; vertical-align: top; }
.tf-pill { display: inline-block; border-radius: 10px; padding: 0 8px; font-size: 12px;
  margin: 1px 2px; background: #e4e7eb; color: #323f4b; }
.tf-pill-weak { background: #fde8e8; color: #8a1c1c; }
.tf-pill-warn { background: #fff3c4; color: #7a4d00; }
.tf-app .widget-toggle-buttons .widget-toggle-button { min-width: 40px; padding: 0 7px;
  margin-right: 3px; }
.tf-app .tf-row .jupyter-button { padding: 0 6px; }
.tf-app .vega-embed details { display: none; }
.tf-app .vega-embed.has-actions { padding-right: 0; }
.tf-app .jupyter-button.tf-download, .tf-app .tf-download { width: auto; }
</style>
"""


def esc(text: object) -> str:
    """``text`` as HTML text: ``<script>`` shows as ``<script>``, never runs."""
    return html.escape(str(text), quote=True)


def plural(n: int, word: str) -> str:
    """``"1 finding"``, ``"3 findings"``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def close_all(widget: widgets.Widget) -> None:
    """Close ``widget`` and every widget inside it (frees them in the kernel and the browser)."""
    for child in getattr(widget, "children", ()):
        close_all(child)
    widget.close()


def style_widget(widget: widgets.Widget, *classes: str) -> widgets.Widget:
    """Add CSS classes to ``widget`` (returns it, for building layouts inline)."""
    for cls in classes:
        widget.add_class(cls)
    return widget


def message_html(text: str, tone: Tone = "info") -> str:
    """An inline message box (empty text: nothing)."""
    if not text:
        return ""
    return f'<div class="tf-msg tf-msg-{tone}">{esc(text)}</div>'


def header_html(engagement: Engagement | None, *, subtitle: str = "") -> str:
    """The dashboard's header: client, title, lead and date, all escaped."""
    if engagement is None:
        return (
            '<div class="tf-header"><span class="tf-client">Tenfold</span>'
            f'<span class="tf-title">{esc(subtitle or "No engagement open")}</span></div>'
        )
    return (
        '<div class="tf-header">'
        f'<span class="tf-client">{esc(engagement.client)}</span>'
        f'<span class="tf-title">{esc(engagement.title)}</span>'
        f'<span class="tf-meta">lead {esc(engagement.lead)} · {engagement.date:%d %b %Y}</span>'
        f'<span class="tf-brand" style="margin-left:auto">{esc(subtitle)}</span>'
        "</div>"
    )


def format_score(value: float, basis: str, framework: Framework) -> str:
    """A score for people: ``"1.7 (Ad hoc)"``; "not assessed" / "not applicable" when NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return basis if basis in ("not assessed", "not applicable") else "not assessed"
    return f"{value:.1f} ({framework.level_name(framework.level_reached(value))})"


def default_framework() -> Framework:
    """The framework: the TOML file named by ``TENFOLD_FRAMEWORK``, else the bundled one."""
    return load_framework(os.environ.get("TENFOLD_FRAMEWORK") or None)


def default_folder(notebook_dir: str | Path = ".") -> Path:
    """The engagements folder: ``TENFOLD_ENGAGEMENTS``, else the notebook's ``../engagements``."""
    env = os.environ.get("TENFOLD_ENGAGEMENTS")
    if env:
        return Path(env)
    return (Path(notebook_dir) / ".." / "engagements").resolve()


@dataclass(frozen=True)
class EngagementFile:
    """One engagement file of the folder, as listed in a picker."""

    path: Path
    engagement: Engagement | None
    problem: str = ""

    @property
    def label(self) -> str:
        """``"Client — Title (16 Nov 2026)"``, or the file name and "cannot be opened"."""
        e = self.engagement
        if e is None:
            return f"{self.path.name} (cannot be opened)"
        return f"{e.client} — {e.title} ({e.date:%d %b %Y})"


def list_engagements(folder: str | Path, framework: Framework) -> list[EngagementFile]:
    """Every ``*.json`` engagement file in ``folder``, newest assessment first.

    Files that cannot be read are listed too (last), with the problem, so the dashboards can
    say what is wrong instead of hiding the file.
    """
    out = []
    for path in sorted(Path(folder).glob("*.json")):
        try:
            out.append(EngagementFile(path, load_engagement(path, framework=framework)))
        except TenfoldError as exc:
            out.append(EngagementFile(path, None, str(exc)))
    far = dt.date(1, 1, 1)
    return sorted(
        out,
        key=lambda f: (
            f.engagement is None,
            -(f.engagement.date if f.engagement else far).toordinal(),
            f.path.name,
        ),
    )


def pick_option(options: list[tuple[str, str]], wanted: str | Path | None, folder: Path) -> str:
    """The picker value of ``wanted`` (a path, or a file name in ``folder``); else the first."""
    if wanted is None:
        return options[0][1]
    path = Path(wanted) if Path(wanted).is_absolute() else folder / wanted
    return next((value for _label, value in options if Path(value) == path), options[0][1])


def previous_assessment(
    current: EngagementFile, files: list[EngagementFile]
) -> EngagementFile | None:
    """The latest earlier assessment of the same client in ``files``, if there is one."""
    e = current.engagement
    if e is None:
        return None
    key = e.client.casefold().strip()
    earlier = [
        f
        for f in files
        if f.engagement is not None
        and f.path != current.path
        and f.engagement.client.casefold().strip() == key
        and f.engagement.date < e.date
    ]
    return max(
        earlier, key=lambda f: f.engagement.date if f.engagement else dt.date.min, default=None
    )


def findings_table_html(frame: pd.DataFrame, *, empty: str = "No findings yet.") -> str:
    """A findings table (level, evidence, source, rater) as escaped HTML."""
    if frame.empty:
        return f'<div class="tf-muted">{esc(empty)}</div>'
    rows = "".join(
        "<tr>"
        f'<td style="width:46px"><span class="tf-level">{level}</span></td>'
        f"<td>{esc(evidence)}</td>"
        f'<td style="width:96px">{esc(source)}</td>'
        f'<td style="width:130px">{esc(rater)}</td>'
        "</tr>"
        for level, evidence, source, rater in zip(
            frame["level"], frame["evidence"], frame["source"], frame["rater"], strict=True
        )
    )
    return (
        '<table class="tf-table"><thead><tr><th style="width:46px">Level</th><th>Evidence</th>'
        '<th style="width:96px">Source</th><th style="width:130px">Rater</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def summary_html(scores: pd.DataFrame, framework: Framework, *, priorities: int = 5) -> str:
    """The headline under a radar: coverage, mean, weakest factors, consensus, gaps in evidence."""
    from toolkit.scoring import summarize

    s = summarize(scores, framework)
    labels = scores["label"]

    def pills(ids: tuple[str, ...] | list[str], kind: str = "") -> str:
        if not ids:
            return '<span class="tf-muted">none</span>'
        cls = f"tf-pill {kind}".strip()
        return "".join(f'<span class="{cls}">{esc(labels[f])}</span>' for f in ids)

    mean = "-" if math.isnan(s.mean_score) else f"{s.mean_score:.1f} of 4"
    consensus = [str(f) for f in scores.index[scores["needs_consensus"].astype(bool)]]
    weakest = [str(f) for f in scores["score"].dropna().sort_values(kind="stable").index[:3]]
    rows = [
        ("Assessed", f"{s.assessed} of {s.n_factors} factors · weighted mean {mean}"),
        ("Weakest", pills(weakest, "tf-pill-weak")),
        ("Priorities", pills(list(s.priorities[:priorities]))),
        ("Needs consensus", pills(consensus, "tf-pill-warn")),
        ("Not assessed", pills(list(s.not_assessed))),
        ("Not applicable", pills(list(s.not_applicable))),
    ]
    body = "".join(
        f'<tr><td class="tf-muted" style="white-space:nowrap">{name}</td><td>{value}</td></tr>'
        for name, value in rows
    )
    return f'<table class="tf-summary">{body}</table>'

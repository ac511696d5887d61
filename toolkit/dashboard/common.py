"""Pieces both dashboards share: the header, the message line, the summary, text as HTML.

Every piece of user text (client names, evidence, reasons) reaches the page through
:func:`esc`, so text containing HTML or a script is shown as text.
"""

from __future__ import annotations

import html
import math
import re
from typing import Literal

import ipywidgets as widgets
import pandas as pd

from toolkit.findings import Engagement
from toolkit.framework import Framework, format_score

__all__ = [
    "Tone",
    "esc",
    "findings_table_html",
    "header_html",
    "message_html",
    "plain_text",
    "plural",
    "style_widget",
    "summary_html",
]

Tone = Literal["info", "ok", "error"]


def esc(text: object) -> str:
    """``text`` as HTML text: ``<script>`` shows as ``<script>``, never runs."""
    return html.escape(str(text), quote=True)


def plural(n: int, word: str) -> str:
    """``"1 finding"``, ``"3 findings"``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def style_widget(widget: widgets.Widget, *classes: str) -> widgets.Widget:
    """Add CSS classes to ``widget`` (returns it, for building layouts inline)."""
    for cls in classes:
        widget.add_class(cls)
    return widget


def plain_text(markup: str) -> str:
    """HTML as the text a person reads: tags dropped, ``&amp;`` back to ``&``."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


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

    s = summarize(scores, framework=framework)
    labels = scores["label"]

    def pills(ids: tuple[str, ...] | list[str], kind: str = "") -> str:
        if not ids:
            return '<span class="tf-muted">none</span>'
        cls = f"tf-pill {kind}".strip()
        return "".join(f'<span class="{cls}">{esc(labels[f])}</span>' for f in ids)

    mean = "-" if math.isnan(s.mean_score) else f"{format_score(s.mean_score)} of 4"
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

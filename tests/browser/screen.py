"""What the layout tests measure in a page: sideways scrolling, scrollbars, chart text that
overlaps, and screenshots to look at (written to ``TENFOLD_SCREENSHOTS`` when it is set).

Shared by the consultant's and the stakeholders' layout tests; import it as ``browser.screen``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: Every element that scrolls sideways (or the page itself), as "tag.class scroll>client".
#: Whether the kernel has answered every save the form sent, and saved after revision ``since``.
ANSWERED = """since => {
    const form = document.querySelector('.tf-form');
    const stamp = document.querySelector('.tf-saved');
    return form !== null && form.dataset.pending === '0'
        && stamp !== null && Number(stamp.dataset.rev) > since;
}"""


def record_signed_in(page: Any, login: str, level: int, evidence: str) -> None:
    """Record a finding as a person signed in to a team's store does: the Rater box already
    shows their login (nothing to type there), a digit for the level, the evidence typed,
    Ctrl+Enter; then wait for the page's own "saved"."""
    assert page.get_by_label("Rater (signed in)", exact=True).input_value() == login
    page.locator(".tf-form textarea").click()
    page.keyboard.press("Escape")  # leave the text box, so the digit chooses the level
    page.keyboard.press(str(level))
    page.keyboard.type(evidence, delay=8)
    page.keyboard.press("Control+Enter")
    page.wait_for_function(ANSWERED, arg=-1, timeout=20_000)


def open_each(at: list[tuple[Any, str]], wait_for_dashboard: Any, ready: str) -> list[Any]:
    """Open each address in its browser (each person's machine: an ``offline_at`` context),
    once the dashboard is drawn and ``ready`` (a selector) is on the page."""
    pages = []
    for browser, address in at:
        page = browser.new_page()
        page.goto(address, timeout=90_000)
        wait_for_dashboard(page)
        page.wait_for_selector(ready, timeout=60_000)
        pages.append(page)
    return pages


SIDEWAYS = """() => [...document.querySelectorAll('*')].filter(e => {
    const s = getComputedStyle(e);
    const scrolls = e === document.scrollingElement || ['auto', 'scroll'].includes(s.overflowX);
    return scrolls && e.scrollWidth > e.clientWidth + 1;
}).map(e => `${e.tagName}.${e.className} ${e.scrollWidth}>${e.clientWidth}`)"""

#: The width of the scrollbar of whatever scrolls the page (Voila scrolls an inner panel).
SCROLLBAR = """() => Math.max(0, ...[...document.querySelectorAll('*')]
    .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowY)
                 && e.scrollHeight > e.clientHeight && e.offsetWidth >= window.innerWidth - 20)
    .map(e => e.offsetWidth - e.clientWidth))"""

#: Every piece of text in the radar: its text, box and font size (halos are drawn twice).
CHART_TEXT = """() => {
    const seen = new Set();
    return [...document.querySelectorAll('.tf-radar-box svg text')].map(t => {
        const r = t.getBoundingClientRect();
        const g = t.closest('g.role-mark, g.role-legend, g.role-legend-label, g.role-legend-title');
        const size = parseFloat(getComputedStyle(t).fontSize);
        return {text: t.textContent, x: r.left, y: r.top, w: r.width, h: r.height, size,
                layer: g ? g.getAttribute('class') : ''};
    }).filter(t => {
        const key = [t.text, Math.round(t.x), Math.round(t.y)].join('|');
        if (seen.has(key) || !t.text.trim() || t.w === 0) return false;
        seen.add(key);
        return true;
    });
}"""


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if (
                a["x"] < b["x"] + b["w"] - 0.5
                and b["x"] < a["x"] + a["w"] - 0.5
                and a["y"] < b["y"] + b["h"] - 0.5
                and b["y"] < a["y"] + a["h"] - 0.5
            ):
                out.append((a["text"], b["text"]))
    return out


def shoot(page: Any, name: str) -> None:
    folder = os.environ.get("TENFOLD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"))


#: Whether the radar on the screen was drawn for the room the page last measured: the page
#: writes that room on <html> (data-tf-room, none while a new measure is pending) and the
#: kernel stamps each drawing with the room it was fitted to (the chart's description, which
#: Vega puts on the chart's element as its aria-label).
FITTED = """() => {
    const root = document.documentElement;
    const chart = document.querySelector('.tf-radar-box .vega-embed');
    if (chart === null || chart.querySelector('svg') === null) return false;
    if (root.dataset.tfMeasuring || !root.dataset.tfRoom) return false;
    return (chart.getAttribute('aria-label') || '').includes('room ' + root.dataset.tfRoom + ';');
}"""


def settle(page: Any) -> None:
    """Wait until the radar has been redrawn for the room the page measured."""
    page.wait_for_function(FITTED, timeout=60_000)


#: Every control on the screen whose text is cut, as "tag: text (needed>room)". A button, a
#: label or any text set to end in an ellipsis is cut when its text is wider than its box; a
#: text box when its value or placeholder is wider than the room inside it; a dropdown when any
#: of its choices (a person may pick each) is wider than the room beside its arrow (Chromium
#: draws a native dropdown's arrow, about 20 px, inside its padding box). Only what a person can
#: see counts.
CUT = """() => {
    const ctx = document.createElement('canvas').getContext('2d');
    const room = (e) => {
        const s = getComputedStyle(e);
        const arrow = e.tagName === 'SELECT' && s.appearance !== 'none' ? 20 : 0;
        return e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) - arrow;
    };
    const cut = (e, text) => {
        const s = getComputedStyle(e);
        ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
        const need = ctx.measureText(text || '').width;
        return need > room(e) + 0.5 ? `${text} (${Math.ceil(need)}>${Math.floor(room(e))})` : null;
    };
    const seen = (e) => e.getClientRects().length > 0
        && getComputedStyle(e).visibility !== 'hidden';
    const out = [];
    for (const e of [...document.querySelectorAll('*')].filter(seen)) {
        const texts = e.tagName === 'SELECT' ? [...e.options].map(o => o.text)
            : e.tagName === 'INPUT' && ['text', 'search', ''].includes(e.getAttribute('type') || '')
            ? [e.value, e.placeholder] : null;
        if (texts) {
            for (const why of texts.map(t => cut(e, t)).filter(Boolean)) {
                out.push(`${e.tagName.toLowerCase()}: ${why}`);
            }
            continue;
        }
        const control = e.matches('button, label, .widget-label');
        if (!control && getComputedStyle(e).textOverflow !== 'ellipsis') continue;
        if (!e.textContent.trim() || e.closest('svg') || e.scrollWidth <= e.clientWidth + 1) {
            continue;
        }
        out.push(`${e.tagName.toLowerCase()}: ${e.textContent.trim()} `
                 + `(${e.scrollWidth}>${e.clientWidth})`);
    }
    return out;
}"""

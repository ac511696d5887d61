"""Slides carry long evidence whole: a long finding goes on to the next slide, never cut.

Each deck is written by the report and read back with python-pptx, as a consultant's deck would
be opened: the text of the factor's slides, in order, holds every word of every finding shown,
each with its "(source, rater)", and every text box still fits its slide.
"""

from __future__ import annotations

import io
import random
import re

import pytest
from pptx import Presentation
from test_report import _text_height

from toolkit import Engagement
from toolkit.report import build_content
from toolkit.report.pptx import CONTINUES, evidence_pages, render_pptx

pytestmark = pytest.mark.slow

WORDS = [
    "the",
    "sponsor",
    "named",
    "in",
    "March",
    "has",
    "not",
    "chaired",
    "a",
    "review",
    "since",
    "and",
    "escalations",
    "wait",
]


def _words(n: int, seed: int) -> str:
    """``n`` characters or a few more of plain words, the same for the same seed."""
    pick = random.Random(seed)
    out: list[str] = []
    while len(" ".join(out)) < n:
        out.append(pick.choice(WORDS))
    return " ".join(out) + f" (end of note {seed})."


def _deck(e: Engagement) -> list[tuple[str, list[str]]]:
    """Each slide's title and the paragraphs of its text boxes, read back from the file."""
    prs = Presentation(io.BytesIO(render_pptx(build_content(e))))
    slides = []
    for slide in prs.slides:
        paragraphs = [
            p.text
            for shape in slide.shapes
            if shape.has_text_frame and shape != slide.shapes.title
            for p in shape.text_frame.paragraphs
        ]
        slides.append((slide.shapes.title.text, paragraphs))
    return slides


def _evidence_of(slides: list[tuple[str, list[str]]], heading: str) -> list[str]:
    """The evidence paragraphs of one factor: its slide, then its continuation slides."""
    out: list[str] = []
    for title, paragraphs in slides:
        if title == heading:
            out += paragraphs[paragraphs.index("Evidence") + 1 : paragraphs.index("Remedies")]
        elif title == f"{heading}: evidence, continued":
            out += paragraphs
    return [p for p in out if p.startswith("\u2022 Level ")]


def _joined(pieces: list[str]) -> list[str]:
    """The findings as one text each, the pieces of a continued one put back together."""
    whole: list[str] = []
    for piece in pieces:
        body = re.sub(r"^\u2022 Level \d(, continued)?: ", "", piece)
        if re.match(r"^\u2022 Level \d, continued: ", piece):
            whole[-1] = whole[-1] + " " + body
        else:
            whole.append(body)
    return [w.replace(CONTINUES + " ", " ") for w in whole]


def test_a_2000_character_finding_continues_on_the_next_slide_with_its_attribution() -> None:
    long = _words(2000, 1)
    e = Engagement.new(client="Longform Care", lead="Ana Lima")
    e = e.add_finding(
        factor="sponsorship", level=1, evidence=long, rater="Ana Lima", source="interview"
    )
    e = e.add_finding(factor="sponsorship", level=2, evidence="Short note.", rater="Ben Okoro")
    e = e.set_target("sponsorship", 3)
    slides = _deck(e)
    heading = next(t for t, _ in slides if t.startswith("Priority 1: "))
    pieces = _evidence_of(slides, heading)
    assert len(pieces) >= 2 and pieces[0].endswith(CONTINUES)
    assert any(t == f"{heading}: evidence, continued" for t, _ in slides)
    texts = _joined(pieces)
    assert f"{long} (interview, Ana Lima)" in texts
    assert any(t.startswith("Short note. (") and t.endswith(", Ben Okoro)") for t in texts)
    assert not [p for p in pieces if "\u2026" in p or "..." in p]  # nothing cut


def test_every_finding_shown_is_whole_however_long() -> None:
    # Findings of 40 to 5,000 characters on five priorities: every one whole, and every text box
    # of the priority slides and their continuations fitting its slide.
    e = Engagement.new(client="Longform Care", lead="Ana Lima")
    lengths = [40, 300, 900, 1200, 2000, 5000, 150, 700]
    factors = ("sponsorship", "main_metric", "purpose", "authority", "connection")
    written: dict[str, list[str]] = {f: [] for f in factors}
    for i, n in enumerate(lengths * 2):
        factor = factors[i % len(factors)]
        text = _words(n, i)
        written[factor].append(text)
        e = e.add_finding(factor=factor, level=i % 3, evidence=text, rater=f"Rater {i % 3}")
    for factor in factors:
        e = e.set_target(factor, 4)
    prs = Presentation(io.BytesIO(render_pptx(build_content(e))))
    for number, slide in enumerate(prs.slides, start=1):
        if not slide.shapes.title.text.startswith("Priority "):
            continue
        for shape in slide.shapes:
            if shape.has_text_frame and shape.text_frame.text:
                assert _text_height(shape.text_frame, shape.width) <= shape.height, number
    slides = _deck(e)
    for title, _ in slides:
        if not title.startswith("Priority ") or ": evidence, continued" in title:
            continue
        texts = _joined(_evidence_of(slides, title))
        assert texts, title
        for text in texts:
            assert re.search(r" \(interview, Rater \d\)$", text), text[-60:]
            body = text.removesuffix(re.search(r" \([^()]*\)$", text).group(0))  # type: ignore[union-attr]
            assert any(body == w for ws in written.values() for w in ws), body[:80]


def test_evidence_pages_cut_only_at_a_space_and_lose_nothing() -> None:
    from toolkit.report.model import EvidenceItem

    text = _words(4000, 7)
    item = EvidenceItem(
        evidence=text, level=2, level_name="Partial", source="survey", rater="Ana", recorded=""
    )
    pages = evidence_pages([item, item])
    pieces = [p for page in pages for p in page]
    assert all(len(" ".join(page)) <= 2700 for page in pages[1:])
    assert _joined(pieces) == [f"{text} (survey, Ana)"] * 2

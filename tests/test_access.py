"""Who may see what of an engagement: the rule, and every surface that reads through it.

A rater in a blind rating tries to read around it here as a curious rater would: through the
session's every view, the table's edit button, the board, and every download button the
assessment dashboard builds, whether or not the page greys it out.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest
from blind import ALICE, ALICE_LEVEL, ALICE_WORD, BOB, BOB_WORD, LEAD, blind_engagement

from toolkit import access, load_engagement, load_framework, save_engagement, score_engagement
from toolkit.access import STAKEHOLDER, BlindRatingError, Reader
from toolkit.dashboard import AssessmentApp
from toolkit.dashboard.assessment.session import AssessmentSession, Draft
from toolkit.dashboard.widgets.download import DownloadButton
from toolkit.errors import EngagementError, TenfoldError

NAME = "larchmont-2026-11.json"


@pytest.fixture
def blind_folder(tmp_path: Path) -> Path:
    save_engagement(blind_engagement(), tmp_path / NAME)
    return tmp_path


# -- the rule -----------------------------------------------------------------------------------


def test_a_rater_in_a_blind_rating_sees_only_what_is_theirs() -> None:
    e = blind_engagement()
    mine = access.seen(e, Reader(ALICE))
    assert {f.rater for f in mine.findings} == {ALICE} and len(mine.findings) == 3
    assert mine.overrides == {} and mine.notes == ""
    # her own log entries, less the edit of Bob's finding and the import of his findings
    assert [c.kind for c in mine.changes] == ["finding added"] * 3
    assert all(c.by == ALICE for c in mine.changes)
    assert BOB_WORD not in mine.model_dump_json()
    # the engagement's settings are nobody's rating
    assert (mine.client, mine.lead, mine.targets, mine.phase) == (
        e.client,
        e.lead,
        e.targets,
        "independent",
    )


def test_the_lead_sees_their_own_unless_they_ask_for_the_whole_panel() -> None:
    e = blind_engagement()
    assert access.seen(e, Reader(LEAD)).findings == ()  # the lead rated nothing yet
    assert access.seen(e, Reader(LEAD, whole_panel=True)) is e
    # only the lead may ask
    assert access.blind(e, Reader(ALICE, whole_panel=True))
    assert (
        access.seen(e, Reader(ALICE, whole_panel=True)).findings
        == access.seen(e, Reader(ALICE)).findings
    )
    assert access.whole(e, Reader(LEAD, whole_panel=True), what="the report") is e


def test_a_stakeholder_sees_nothing_of_a_blind_rating_and_everything_after() -> None:
    e = blind_engagement()
    assert access.seen(e, STAKEHOLDER).findings == ()
    with pytest.raises(BlindRatingError, match="the client report is made from every rater"):
        access.whole(e, STAKEHOLDER, what="the client report")
    revealed = e.model_copy(update={"phase": "consensus"})
    for reader in (STAKEHOLDER, Reader(ALICE), Reader(BOB)):
        assert access.seen(revealed, reader) is revealed
        assert access.whole(revealed, reader, what="x") is revealed


def test_a_stakeholder_s_assessment_page_holds_the_settings_only() -> None:
    e = blind_engagement().model_copy(update={"phase": "open", "notes": f"{ALICE_WORD} said so"})
    shown = access.seen_on_assessment(e, Reader("", role="stakeholder"))
    assert shown.findings == () and shown.changes == () and shown.notes == ""
    assert shown.overrides == {} and shown.actions == () and shown.survey is None
    assert (shown.client, shown.lead, shown.targets) == (e.client, e.lead, e.targets)
    # whoever works on the page sees what access.seen gives them
    assert access.seen_on_assessment(e, Reader(ALICE, role="rater")) == e
    assert access.seen_on_assessment(e, Reader(ALICE)) == e


def test_an_undo_shows_only_when_what_it_undoes_does() -> None:
    e = blind_engagement().model_copy(update={"phase": "open"})
    edit = next(c for c in e.changes if c.kind == "finding changed")
    from toolkit import changes as log

    e = log.undo(edit.id, by=ALICE)(e)
    e = e.model_copy(update={"phase": "independent"})
    assert [c.kind for c in access.seen(e, Reader(ALICE)).changes] == ["finding added"] * 3


# -- the assessment session ---------------------------------------------------------------------


def _alice(folder: Path) -> AssessmentSession:
    session = AssessmentSession(load_framework(), folder)
    session.open(NAME)
    session.set_rater(ALICE)
    return session


def test_every_view_of_the_session_holds_only_the_raters_own(blind_folder: Path) -> None:
    s = _alice(blind_folder)
    assert s.blind
    assert {r["rater"] for r in s.rows()} == {ALICE} and len(s.rows()) == 3
    assert s.scores is not None
    assessed = s.scores.dropna(subset=["score"])
    assert set(assessed["score"]) == {ALICE_LEVEL} and set(assessed["basis"]) == {"findings"}
    assert s.board() == []
    for factor in load_framework().factor_ids:
        assert all(c.by == ALICE for c in s.history(factor))
        assert BOB_WORD not in str(s.history(factor))
    entry = s.undoable()
    assert entry is not None and entry.kind == "finding added"  # not her edit of Bob's finding
    assert s.preview("purpose", 2) == pytest.approx((ALICE_LEVEL + 2) / 2)  # her two only


def test_a_rater_cannot_edit_delete_or_settle_what_they_may_not_see(blind_folder: Path) -> None:
    s = _alice(blind_folder)
    bobs = [f.id for f in load_engagement(blind_folder / NAME).findings if f.rater == BOB]
    before = (blind_folder / NAME).read_bytes()
    with pytest.raises(EngagementError, match="no finding with id"):
        s.edit(bobs[0])
    with pytest.raises(EngagementError, match="no finding with id"):
        s.delete(bobs[0])
    draft = Draft("purpose", 0, "overwritten", rater=ALICE, editing=bobs[0])
    with pytest.raises(EngagementError, match="no finding with id"):
        s.submit(draft)
    with pytest.raises(EngagementError, match="once the lead reveals the panel"):
        s.set_consensus("purpose", None)  # would tell her whether a consensus exists
    assert (blind_folder / NAME).read_bytes() == before


# -- the dashboard: every download button, greyed or not ----------------------------------------


def _download_buttons(widget: Any) -> list[DownloadButton]:
    """Every download button in the page's widget tree, however deep."""
    found = [widget] if isinstance(widget, DownloadButton) else []
    for child in getattr(widget, "children", ()):
        found += _download_buttons(child)
    return found


def _readable_text(name: str, data: bytes) -> str:
    """What a person could read in a downloaded file: every part of a zip (XLSX, PPTX),
    a PDF's text, or the bytes as text."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if data[:5] == b"%PDF-":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode("utf-8", "replace")


def test_every_download_of_the_assessment_holds_only_the_raters_own(blind_folder: Path) -> None:
    from toolkit.charts import radar_chart, render_chart

    app = AssessmentApp(blind_folder, open=NAME)
    app.ui.form.handle({"op": "rater", "rater": ALICE})
    buttons = _download_buttons(app.ui.view)
    assert buttons and set(buttons) == set(app.ui.downloads)  # none outside the toolbar's list
    assert all(b.disabled for b in buttons)  # greyed in the page; now read around that
    own = access.seen(load_engagement(blind_folder / NAME), Reader(ALICE))
    own_radar = render_chart(radar_chart(score_engagement(own)), "png")
    delivered = {}
    for button in buttons:
        try:
            name, data = button.payload()
        except TenfoldError as exc:
            assert "blind rating" in str(exc)  # refused, with the reason
            continue
        delivered[button.description] = name
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            assert data == own_radar, f"{button.description}: not her own radar"
            continue
        text = _readable_text(name, data)
        assert BOB_WORD not in text and "Tanaka" not in text, button.description
        assert ALICE_WORD in text, f"{button.description}: her own findings are missing"
    assert set(delivered) >= {"Radar PNG", "Findings CSV", "Findings XLSX"}


def test_a_click_sent_by_the_page_delivers_only_the_raters_own(blind_folder: Path) -> None:
    app = AssessmentApp(blind_folder, open=NAME)
    app.ui.form.handle({"op": "rater", "rater": ALICE})
    delivered = []
    for button in app.ui.downloads:
        sent: list[tuple[dict[str, Any], list[bytes]]] = []
        button.send = lambda content, buffers=None, sent=sent: sent.append((content, buffers))
        button.handle({"event": "request"})  # what a re-enabled button's click sends
        for content, buffers in sent:
            text = _readable_text(content["filename"], b"".join(bytes(b) for b in buffers))
            assert BOB_WORD not in text, button.description
            delivered.append(button.description)
    assert delivered == ["Radar PNG", "Findings CSV", "Findings XLSX"]
    assert "blind rating" in app.message_text  # the reports were refused, in words


def test_the_table_s_edit_of_another_rater_s_finding_is_refused(blind_folder: Path) -> None:
    app = AssessmentApp(blind_folder, open=NAME)
    app.ui.form.handle({"op": "rater", "rater": ALICE})
    sent: list[dict[str, Any]] = []
    app.ui.form.send = lambda content, buffers=None: sent.append(content)
    bob = next(f for f in load_engagement(blind_folder / NAME).findings if f.rater == BOB)
    app.ui.table.handle({"op": "edit", "id": bob.id})
    assert "no finding with id" in app.message_text
    assert BOB_WORD not in str(sent)
    app.ui.board.handle(
        {"op": "record", "factor": "purpose", "level": 1, "reason": "r", "agreed_by": "Alice"}
    )
    assert "once the lead reveals the panel" in app.message_text
    shown = [w.value for w in _html_widgets(app.ui.view)]
    assert [v for v in shown if BOB_WORD in v or "Tanaka" in v] == []


def _html_widgets(widget: Any) -> list[widgets.HTML]:
    found = [widget] if isinstance(widget, widgets.HTML) else []
    for child in getattr(widget, "children", ()):
        found += _html_widgets(child)
    return found


# -- the command line ---------------------------------------------------------------------------


def _run(*args: str) -> Any:
    from click.testing import CliRunner

    from toolkit.cli import cli

    return CliRunner().invoke(cli, list(args))


def test_the_command_line_refuses_a_blind_rating_unless_told_who_reads(
    blind_folder: Path,
) -> None:
    path = str(blind_folder / NAME)
    out = blind_folder / "out"
    for args in (
        ("export", path, str(out) + ".csv"),
        ("score", path),
        ("score", path, "--explain", "purpose"),
        ("chart", path, "-o", str(out) + ".svg"),
        ("report", path, "-o", str(out) + ".html"),
        ("share", path, "-o", str(out) + ".json"),
    ):
        result = _run(*args)
        assert result.exit_code == 2, args
        assert result.output.count("\n") == 1 and "blind rating" in result.output, args
        assert BOB_WORD not in result.output
    assert list(blind_folder.glob("out*")) == []  # nothing written


def test_a_rater_reads_their_own_and_the_lead_the_whole_panel_when_asking(
    blind_folder: Path,
) -> None:
    path = str(blind_folder / NAME)
    csv = blind_folder / "mine.csv"
    assert _run("export", path, str(csv), "--rater", ALICE).exit_code == 0
    text = csv.read_text(encoding="utf-8")
    assert ALICE_WORD in text and BOB_WORD not in text and BOB not in text
    scores = _run("score", path, "--rater", ALICE, "--format", "csv")
    assert scores.exit_code == 0 and ",4," not in scores.output  # none of Bob's levels
    explained = _run("score", path, "--rater", ALICE, "--explain", "purpose")
    assert explained.exit_code == 0 and BOB not in explained.output
    chart = _run("chart", path, "-o", str(blind_folder / "mine.svg"), "--rater", ALICE)
    assert chart.exit_code == 0, chart.output
    # a report and a copy to send need every rater's findings: not for a rater
    report = _run("report", path, "-o", str(blind_folder / "r.html"), "--rater", ALICE)
    assert report.exit_code == 2 and "--whole-panel" in report.output
    # the lead, asking explicitly
    whole = blind_folder / "whole.csv"
    assert _run("export", path, str(whole), "--whole-panel").exit_code == 0
    assert BOB_WORD in whole.read_text(encoding="utf-8")
    shared = blind_folder / "shared.json"
    result = _run("share", path, "-o", str(shared), "--whole-panel", "--without-evidence")
    assert result.exit_code == 0, result.output
    assert load_engagement(shared).phase == "consensus"  # written with the panel revealed
    # and nobody else
    result = _run("export", path, str(whole), "--whole-panel", "--rater", ALICE)
    assert result.exit_code == 2
    assert f"only the engagement's lead, {LEAD}, may ask" in result.output


# -- the stakeholders' view ---------------------------------------------------------------------


def test_the_viewer_shows_no_blind_rating_from_the_folder_or_a_file(blind_folder: Path) -> None:
    from toolkit.dashboard import ViewerApp
    from toolkit.store import engagement_to_json

    app = ViewerApp(blind_folder, open=NAME)
    assert "Cannot show this engagement" in app.message_text
    assert "blind rating" in app.message_text and app.session.shown is None
    data = engagement_to_json(blind_engagement()).encode("utf-8")
    app.receive([("larchmont.json", data)])
    assert "Not opened" in app.message_text and "blind rating" in app.message_text
    shown = "".join(w.value for w in _html_widgets(app.ui.view))
    assert BOB_WORD not in shown and ALICE_WORD not in shown
    for button in app.ui.downloads:
        with pytest.raises(TenfoldError):
            button.payload()

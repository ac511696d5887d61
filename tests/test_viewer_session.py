"""The viewer's session: one engagement, from the URL, the server's choice or the page; in memory.

No widgets here: each test runs in milliseconds against a scratch copy of the sample folder.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from folders import folder_digest

from toolkit import EngagementError, load_framework
from toolkit.dashboard.viewer.session import OPEN_AT_FIRST, ViewerSession
from toolkit.dashboard.widgets.upload import CHUNK_BYTES, FileDrop
from toolkit.share import shared_copy
from toolkit.store import engagement_to_json, load_engagement

ROOT = Path(__file__).resolve().parents[1]
ENGAGEMENTS = ROOT / "engagements"
NOVEMBER = "harbourline-2026-11.json"
MAY = "harbourline-2026-05.json"
FRAMEWORK = load_framework()


def session(folder: Path, *, portfolio: bool = False, pinned: str | None = None) -> ViewerSession:
    return ViewerSession(FRAMEWORK, folder, portfolio=portfolio, pinned=pinned)


def test_the_url_names_the_engagement_shown(folder: Path) -> None:
    s = session(folder)
    assert s.open_page({"engagement": "larkspur-2026-06.json"}) == ""
    assert s.shown is not None and s.shown.engagement.client == "Larkspur Energy Retail"
    assert s.query() == {"engagement": "larkspur-2026-06.json"}


def test_without_a_name_the_newest_is_shown_with_its_previous_assessment(folder: Path) -> None:
    s = session(folder)
    s.open_page({})
    assert s.shown is not None and s.shown.name == NOVEMBER
    assert s.shown.previous is not None and s.shown.previous.date.isoformat() == "2026-05-14"
    assert s.shown.content.next_steps.since == "14 May 2026"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("nobody-2026-01.json", "there is no engagement of that name here"),
        ("../pyproject.toml", "not an engagement file in this store"),
        ("/etc/passwd", "not an engagement file in this store"),
    ],
)
def test_an_engagement_that_cannot_be_shown_is_never_replaced_by_another(
    folder: Path, name: str, why: str
) -> None:
    s = session(folder)
    with pytest.raises(EngagementError, match=why):
        s.open_page({"engagement": name})
    assert s.shown is None  # not the newest: that could be another client


def test_a_viewer_started_for_one_engagement_shows_that_one_only(folder: Path) -> None:
    s = session(folder, pinned=MAY)
    s.open_page({})
    assert s.shown is not None and s.shown.name == MAY
    note = s.open_page({"engagement": "larkspur-2026-06.json"})
    assert "one engagement only" in note
    assert s.shown.name == MAY and s.shown.engagement.client == "Harbourline Contact Services"


def test_only_a_portfolio_viewer_lists_the_folder(folder: Path) -> None:
    assert session(folder).choices() == []
    labels = [label for label, _ in session(folder, portfolio=True).choices()]
    assert len(labels) == 6 and any("Larkspur Energy Retail" in x for x in labels)


def test_from_environment_reads_the_server_choices(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TENFOLD_ENGAGEMENT", MAY)
    monkeypatch.setenv("TENFOLD_PORTFOLIO", "1")
    s = ViewerSession.from_environment(FRAMEWORK, folder)
    assert (s.pinned, s.portfolio) == (MAY, True)
    monkeypatch.delenv("TENFOLD_PORTFOLIO")
    monkeypatch.delenv("TENFOLD_ENGAGEMENT")
    s = ViewerSession.from_environment(FRAMEWORK, folder)
    assert (s.pinned, s.portfolio) == (None, False)


def test_a_chosen_file_is_shown_and_nothing_is_written(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    before = folder_digest(folder)
    e = load_engagement(ENGAGEMENTS / "larkspur-2026-06.json")
    data = engagement_to_json(e.model_copy(update={"client": "Brightwater Care"})).encode()
    s = session(folder)
    shown = s.receive([("brightwater.json", data)])
    assert shown.engagement.client == "Brightwater Care"
    assert (shown.name, shown.uploaded) == (None, "brightwater.json")
    assert s.query() == {"engagement": None}  # the URL names no folder file now
    assert shown.previous is None  # never taken from the folder for a file from outside
    assert folder_digest(folder) == before
    assert list(scratch.iterdir()) == []


def test_two_files_of_one_client_compare_the_earlier_with_the_later(folder: Path) -> None:
    files = [(n, (ENGAGEMENTS / n).read_bytes()) for n in (MAY, NOVEMBER)]
    shown = session(folder).receive(files)
    assert shown.engagement.date.isoformat() == "2026-11-16"
    assert shown.previous is not None and shown.previous.date.isoformat() == "2026-05-14"
    assert "Since the assessment of 14 May 2026" in shown.content.next_steps.sentences[2]


def test_a_file_of_another_client_is_never_taken_as_previous_from_the_folder(
    folder: Path,
) -> None:
    # The newest Harbourline file, chosen on the page: its May assessment sits in the folder,
    # but a file from outside is compared only with what the page was given.
    shown = session(folder).receive([(NOVEMBER, (ENGAGEMENTS / NOVEMBER).read_bytes())])
    assert shown.previous is None


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([("findings.xlsx", b"PK\x03\x04")], r"findings\.xlsx: a workbook .* \.json file"),
        ([("notes.txt", b"hello")], r"notes\.txt: not an engagement file"),
        ([("empty.json", b"")], r"empty\.json: the file is empty"),
        ([("broken.json", b'{"client": ')], r"broken\.json: not valid JSON at line 1"),
        ([("a.json", b"{}")] * 3, r"3 files chosen"),
    ],
)
def test_bad_files_are_refused_with_file_and_reason(
    folder: Path, files: list[tuple[str, bytes]], message: str
) -> None:
    s = session(folder)
    s.open(NOVEMBER)
    with pytest.raises(EngagementError, match=message):
        s.receive(files)
    assert s.shown is not None and s.shown.name == NOVEMBER  # what was shown stays


def test_a_bad_field_is_named_as_tenfold_validate_names_it(folder: Path) -> None:
    data = json.loads((ENGAGEMENTS / NOVEMBER).read_text(encoding="utf-8"))
    data["findings"][3]["level"] = 9
    with pytest.raises(EngagementError, match=r"mine\.json: findings\.3\.level: 9 is outside 0-4"):
        session(folder).receive([("mine.json", json.dumps(data).encode())])


def test_two_clients_or_two_copies_of_one_day_are_refused(folder: Path) -> None:
    larkspur = (ENGAGEMENTS / "larkspur-2026-06.json").read_bytes()
    november = (ENGAGEMENTS / NOVEMBER).read_bytes()
    with pytest.raises(EngagementError, match="two files compare one client's assessments"):
        session(folder).receive([("a.json", larkspur), ("b.json", november)])
    with pytest.raises(EngagementError, match="assessments of the same day"):
        session(folder).receive([("a.json", november), ("b.json", november)])


def test_a_shared_copy_opens_and_says_what_was_withheld(folder: Path) -> None:
    e = load_engagement(ENGAGEMENTS / NOVEMBER)
    copy = shared_copy(e, anonymise_raters=True, without_evidence=True)
    shown = session(folder).receive([("shared.json", engagement_to_json(copy).encode())])
    assert shown.engagement.withheld == ("evidence", "rater names")


def test_top_priorities_open_first_then_all_or_a_picked_one(folder: Path) -> None:
    s = session(folder)
    s.open(NOVEMBER)
    assert s.shown is not None
    top = [a.factor for a in s.shown.content.next_steps.actions[:OPEN_AT_FIRST]]
    assert s.open_panels == set(top) == {"sponsorship", "connection", "accountability"}
    assert s.expand(True) == set(FRAMEWORK.factor_ids)
    assert s.expand(False) == set(top)
    assert s.pick("composure") and "composure" in s.open_panels
    assert not s.pick("no_such_factor")


def test_the_drop_zone_assembles_pieces_and_refuses_what_is_too_large() -> None:
    drop = FileDrop()
    got: list[list[tuple[str, bytes]]] = []
    refused: list[str] = []
    drop.on_files = got.append
    drop.on_refused = refused.append
    data = b"x" * 2500
    drop.handle({"event": "start", "upload": "u1", "files": [{"name": "a.json", "size": 2500}]})
    for at in range(0, 2500, 1000):
        drop.handle(
            {"event": "chunk", "upload": "u1", "file": 0}, [memoryview(data[at : at + 1000])]
        )
    drop.handle({"event": "end", "upload": "u1"})
    assert got == [[("a.json", data)]]
    drop.handle({"event": "start", "upload": "u2", "files": [{"name": "b.json", "size": 10}]})
    drop.handle({"event": "chunk", "upload": "u2", "file": 0}, [memoryview(b"short")])
    drop.handle({"event": "end", "upload": "u2"})
    assert refused[-1] == "b.json: only 5 bytes of 10 bytes arrived; choose the file again."
    drop.handle({"event": "too-large", "name": "huge.json", "size": 70_000_000})
    assert refused[-1] == (
        "huge.json: the file is 70.0 MB; the viewer opens engagement files up to 64.0 MB, as "
        "Tenfold does on disk."
    )
    drop.handle({"event": "start", "upload": "u3", "files": [{"name": "c.json", "size": 99}]})
    drop.handle({"event": "chunk", "upload": "u3", "file": 0}, [memoryview(b"y" * 120)])
    assert refused[-1] == "c.json: more arrived than the page announced; choose the file again."
    drop.handle({"event": "end", "upload": "u3"})
    assert len(got) == 1


def _send_as_a_page_does(drop: FileDrop, files: list[tuple[str, int]], piece: bytes) -> None:
    """What upload.js sends for ``files`` (name, size), each in pieces of ``len(piece)`` bytes;
    a hostile page sends it all whatever the limits."""
    drop.handle(
        {"event": "start", "upload": "u", "files": [{"name": n, "size": s} for n, s in files]}
    )
    view = memoryview(piece)
    for index, (_name, size) in enumerate(files):
        for _at in range(0, size, len(piece)):
            drop.handle({"event": "chunk", "upload": "u", "file": index}, [view])
    drop.handle({"event": "end", "upload": "u"})


def test_an_upload_beyond_the_limits_is_refused_and_holds_nothing() -> None:
    import tracemalloc

    from toolkit import limits

    drop = FileDrop()
    got: list[list[tuple[str, bytes]]] = []
    refused: list[str] = []
    drop.on_files = got.append
    held: list[int] = []  # what the widget still held when it said no

    def refuse(text: str) -> None:
        refused.append(text)
        held.append(drop.held)

    drop.on_refused = refuse
    piece = b"x" * CHUNK_BYTES  # one browser message's worth, sent again and again
    tracemalloc.start()
    try:
        # fifty files of 60 MB: 3 GB announced, then streamed piece by piece as a page does
        _send_as_a_page_does(drop, [(f"f{i}.json", 60_000_000) for i in range(50)], piece)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused == [
        "50 files dropped; drop one engagement file, or two of the same client to see what "
        "moved between them."
    ]
    assert got == [] and drop.held == 0 and held == [0]
    assert peak < limits.MAX_UPLOAD_BYTES // 100  # nothing of the 3 GB was kept
    # two files each within the file limit but together over the upload's (set lower here,
    # as a server short of memory may set it): refused before a byte is kept
    drop.max_total_bytes = 100_000_000
    _send_as_a_page_does(drop, [("a.json", 60_000_000), ("b.json", 60_000_000)], piece)
    assert refused[-1] == "the files come to 120.0 MB; one upload holds at most 100.0 MB in all."
    assert got == [] and drop.held == 0
    # a page that announces little and sends much is cut off at the piece that goes over, and
    # what it had sent is let go
    drop.handle({"event": "start", "upload": "v", "files": [{"name": "c.json", "size": 2_500_000}]})
    for _ in range(40):
        drop.handle({"event": "chunk", "upload": "v", "file": 0}, [memoryview(piece)])
        assert drop.held <= 2_500_000
    assert refused[-1] == "c.json: more arrived than the page announced; choose the file again."
    assert drop.held == 0 and held[-1] == 0
    # pieces for a file that was never announced are not kept
    drop.handle({"event": "start", "upload": "w", "files": [{"name": "d.json", "size": 10}]})
    drop.handle({"event": "chunk", "upload": "w", "file": 7}, [memoryview(piece)])
    drop.handle({"event": "chunk", "upload": "other", "file": 0}, [memoryview(piece)])
    assert drop.held == 0

"""Every file Tenfold writes: complete or absent, no temporaries left, links and modes kept.

Engagements, findings exports, reports and charts all go through one writer, so each property
is checked on every kind of file.
"""

from __future__ import annotations

import errno
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from toolkit import (
    Engagement,
    ExportError,
    StoreError,
    TenfoldError,
    export_findings,
    load_engagement,
    save_engagement,
)

Writer = Callable[[Engagement, Path], object]


def _save(engagement: Engagement, path: Path) -> object:
    return save_engagement(engagement, path)


def _csv(engagement: Engagement, path: Path) -> object:
    return export_findings(engagement, path)


def _report(engagement: Engagement, path: Path) -> object:
    from toolkit import build_report

    return build_report(engagement, path)


def _chart(engagement: Engagement, path: Path) -> object:
    from toolkit import ranked_chart, save_chart, score_engagement

    return save_chart(ranked_chart(score_engagement(engagement)), path)


WRITERS: dict[str, tuple[Writer, str, type[TenfoldError]]] = {
    "engagement": (_save, "e.json", StoreError),
    "findings csv": (_csv, "f.csv", ExportError),
    "findings xlsx": (_csv, "f.xlsx", ExportError),
    "report": (_report, "r.html", ExportError),
    "chart": (_chart, "c.svg", ExportError),
}


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture(
    params=[  # a report or chart renders first (seconds): the full run tries those writers too
        pytest.param(name, marks=pytest.mark.slow) if name in ("report", "chart") else name
        for name in WRITERS
    ]
)
def writer(request: pytest.FixtureRequest) -> tuple[Writer, str, type[TenfoldError]]:
    return WRITERS[request.param]


def test_every_writer_keeps_the_mode_of_the_file_it_replaces(
    tmp_path: Path, sample: Engagement, writer: tuple[Writer, str, type[TenfoldError]]
) -> None:
    write, name, _ = writer
    path = tmp_path / name
    path.write_bytes(b"previous")
    path.chmod(0o664)  # a folder shared by a team: group members may write
    write(sample, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    assert path.read_bytes() != b"previous"


def test_every_writer_gives_a_new_file_the_usual_mode(
    tmp_path: Path, sample: Engagement, writer: tuple[Writer, str, type[TenfoldError]]
) -> None:
    write, name, _ = writer
    old = os.umask(0o022)
    try:
        write(sample, tmp_path / name)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644


def test_every_writer_refuses_a_read_only_file(
    tmp_path: Path, sample: Engagement, writer: tuple[Writer, str, type[TenfoldError]]
) -> None:
    write, name, error = writer
    path = tmp_path / name
    path.write_bytes(b"signed off")
    path.chmod(0o444)
    with pytest.raises(error, match=rf"{name}: the file is read-only.*chmod u\+w"):
        write(sample, path)
    assert path.read_bytes() == b"signed off"
    assert _leftovers(tmp_path) == []


def test_every_writer_writes_through_a_link_and_keeps_it(
    tmp_path: Path, sample: Engagement, writer: tuple[Writer, str, type[TenfoldError]]
) -> None:
    write, name, _ = writer
    real = tmp_path / "shared" / name
    real.parent.mkdir()
    real.write_bytes(b"previous")
    link = tmp_path / f"link-{name}"
    link.symlink_to(real)
    write(sample, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() != b"previous"


@pytest.mark.parametrize("failing", ["write", "fsync", "link", "sendfile", "replace"])
def test_every_writer_removes_its_temporaries_when_the_disk_is_full(
    tmp_path: Path,
    sample: Engagement,
    writer: tuple[Writer, str, type[TenfoldError]],
    failing: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write, name, error = writer
    path = tmp_path / name
    write(sample, path)
    before = path.read_bytes()
    real = getattr(os, failing)

    def full(*args: object, **kwargs: object) -> object:
        if failing in ("write", "fsync", "sendfile") or str(tmp_path) in str(args):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(os, failing, full)
    for i in range(3):
        try:
            write(sample.add_finding(factor="purpose", level=2, evidence=f"new {i}"), path)
        except error as exc:
            assert "No space left on device" in str(exc) and name in str(exc)
            assert path.read_bytes() == before  # a failed write changes nothing
        else:
            before = path.read_bytes()
        assert _leftovers(tmp_path) == []
    monkeypatch.undo()
    if name == "e.json":
        load_engagement(path)  # whatever happened, the engagement is whole


def test_a_failed_engagement_save_leaves_the_file_and_its_backup_whole(
    tmp_path: Path, empty: Engagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = save_engagement(empty, tmp_path / "e.json")
    save_engagement(empty.add_finding(factor="purpose", level=1, evidence="one"), path)
    before, backup = path.read_bytes(), (tmp_path / "e.json.bak").read_bytes()
    real_replace = os.replace

    def full(src: str, dst: str) -> None:
        if str(dst) == str(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(StoreError, match="No space left"):
        save_engagement(empty.add_finding(factor="purpose", level=2, evidence="two"), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert load_engagement(tmp_path / "e.json.bak").findings  # still an engagement
    assert backup  # the backup existed before the failure
    assert _leftovers(tmp_path) == []


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_next_save_sweeps_stale_temporaries_of_that_engagement_only(
    tmp_path: Path, empty: Engagement
) -> None:
    path = save_engagement(empty, tmp_path / "e.json")
    killed = tmp_path / ".e.json.k1ll3d_9.tmp"  # a writer killed with kill -9, an hour ago
    killed_backup = tmp_path / ".e.json.bak.k1ll3d_9.tmp"
    in_flight = tmp_path / ".e.json.w0rk1ng_.tmp"  # another writer, still at work
    other = tmp_path / ".other.json.k1ll3d_9.tmp"  # another engagement's
    lookalike = tmp_path / ".e.json.notes.tmp"  # not a name Tenfold makes
    for p in (killed, killed_backup, in_flight, other, lookalike):
        p.write_bytes(b"x" * 4096)
    for p in (killed, killed_backup, other, lookalike):
        _age(p, 3600)
    save_engagement(empty.add_finding(factor="purpose", level=2, evidence="x"), path)
    assert not killed.exists() and not killed_backup.exists()
    assert in_flight.exists() and other.exists() and lookalike.exists()


def test_an_export_sweeps_stale_temporaries_of_its_file(tmp_path: Path, sample: Engagement) -> None:
    out = tmp_path / "f.csv"
    killed = tmp_path / ".f.csv.k1ll3d_9.tmp"
    killed.write_bytes(b"x")
    _age(killed, 3600)
    export_findings(sample, out)
    assert not killed.exists()

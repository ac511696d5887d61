"""An engagement's id: random when made, kept by every save, derived from the content of a file
that has none (schema 3 or older), the same on every read of that file."""

from __future__ import annotations

import json
from pathlib import Path

from toolkit import Engagement, load_engagement, update_engagement
from toolkit.store import SCHEMA_VERSION, engagement_to_json
from toolkit.store import load_engagement as read_engagement


def _schema_3(sample_path: Path, tmp_path: Path, name: str = "old.json") -> Path:
    data = json.loads(sample_path.read_text(encoding="utf-8"))
    del data["id"]
    data["schema_version"] = 3
    old = tmp_path / name
    old.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return old


def test_new_engagements_get_distinct_ids() -> None:
    a = Engagement.new(client="Acme", lead="Ana")
    b = Engagement.new(client="Acme", lead="Ana")
    assert a.id and b.id and a.id != b.id
    assert Engagement.new(client="Acme", lead="Ana", id="acme-1").id == "acme-1"


def test_a_schema_3_file_gets_the_same_id_on_every_read(sample_path: Path, tmp_path: Path) -> None:
    old = _schema_3(sample_path, tmp_path)
    first = load_engagement(old)
    assert len(first.id) == 12
    assert load_engagement(old).id == first.id
    assert read_engagement(old).id == first.id  # the portfolio's reader agrees


def test_the_derived_id_is_kept_by_the_first_save(sample_path: Path, tmp_path: Path) -> None:
    old = _schema_3(sample_path, tmp_path)
    derived = load_engagement(old).id
    saved = update_engagement(old, lambda e: e.set_target("purpose", 2))
    assert saved.id == derived
    data = json.loads(old.read_text(encoding="utf-8"))
    assert data["schema_version"] == SCHEMA_VERSION == 5
    assert data["id"] == derived
    # from now on it is written down: a change to the content no longer moves it
    assert update_engagement(old, lambda e: e.set_target("purpose", 4)).id == derived


def test_different_old_files_get_different_ids(sample_path: Path, tmp_path: Path) -> None:
    a = load_engagement(_schema_3(sample_path, tmp_path, "a.json"))
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    data["notes"] = "another engagement"
    (tmp_path / "b.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_engagement(tmp_path / "b.json").id != a.id


def test_a_current_file_without_an_id_is_read_as_an_old_one(
    sample_path: Path, tmp_path: Path
) -> None:
    data = json.loads(sample_path.read_text(encoding="utf-8"))
    del data["id"]
    path = tmp_path / "no-id.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    first = load_engagement(path)
    assert first.id == load_engagement(path).id == read_engagement(path).id


def test_the_sample_keeps_its_written_id(sample: Engagement) -> None:
    assert sample.id == json.loads(engagement_to_json(sample))["id"]

"""Provenance: the data hash names the findings and overrides, not the file's formatting."""

from __future__ import annotations

import json
import re
from pathlib import Path

import toolkit as tf
from toolkit import Engagement
from toolkit.store import engagement_from_json


def _reformatted(path: Path) -> Engagement:
    """The same engagement written differently: compact, keys reversed, findings reversed."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["findings"] = [
        {k: (v.replace("Z", "+00:00") if k == "recorded_at" else v) for k, v in reversed(f.items())}
        for f in reversed(data["findings"])
    ]
    text = json.dumps(dict(reversed(list(data.items()))), separators=(",", ":"))
    return engagement_from_json(text, source="reformatted")


def test_the_hash_ignores_key_order_formatting_and_finding_order(sample_path: Path) -> None:
    sample = tf.load_engagement(sample_path)
    assert tf.findings_hash(_reformatted(sample_path)) == tf.findings_hash(sample)


def test_the_hash_is_short_hex_and_the_same_on_every_call(sample: Engagement) -> None:
    digest = tf.findings_hash(sample)
    assert re.fullmatch(r"[0-9a-f]{12}", digest)
    assert tf.findings_hash(sample) == digest


def test_the_hash_changes_with_findings_overrides_scope_and_targets(sample: Engagement) -> None:
    first = sample.findings[0]
    changed = [
        sample.update_finding(first.id, level=(first.level + 1) % 5),
        sample.update_finding(first.id, evidence=first.evidence + "!"),
        sample.remove_finding(first.id),
        sample.set_override("accountability", 2, reason="Recalibrated", by="Maya Okafor"),
        sample.set_override("accountability", None),
        sample.set_not_applicable("composure"),
        sample.set_target("authority", 4),
    ]
    hashes = {tf.findings_hash(e) for e in changed}
    assert tf.findings_hash(sample) not in hashes and len(hashes) == len(changed)


def test_the_hash_ignores_what_does_not_feed_the_scores(sample: Engagement) -> None:
    renamed = sample.model_copy(update={"client": "Someone Else", "notes": "", "title": "Draft"})
    assert tf.findings_hash(renamed) == tf.findings_hash(sample)


def test_provenance_names_the_version_rule_and_data(sample: Engagement) -> None:
    mark = tf.provenance(sample)
    assert mark.rule_version == "1"
    assert mark.text == (
        f"Tenfold {mark.tenfold_version} \u00b7 scoring rule 1 \u00b7 data {mark.data_hash}"
    )
    assert tf.score_engagement(sample).attrs["provenance"] == mark.as_dict()

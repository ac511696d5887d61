"""Scratch copies of the engagements folder, and how to tell that a folder was not touched."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def copy_engagements(dest: Path) -> Path:
    """``dest`` holding a copy of every engagement file in ``engagements/`` (five clients)."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "engagements").glob("*.json")):
        shutil.copy(path, dest / path.name)
    return dest


def folder_digest(folder: Path) -> dict[str, str]:
    """Each file of ``folder`` by name -> its SHA-256: equal digests, byte-identical folders."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"

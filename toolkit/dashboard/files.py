"""The engagements folder as the dashboards see it: which files, which one to open, which is the
previous assessment of the same client. No widgets here.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import EngagementError, TenfoldError
from toolkit.findings import Engagement
from toolkit.framework import Framework, load_framework
from toolkit.store import load_engagement

__all__ = [
    "EngagementFile",
    "default_folder",
    "default_framework",
    "list_engagements",
    "pick_option",
    "previous_assessment",
    "resolve_engagement",
]


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


def resolve_engagement(folder: Path, name: str | Path) -> Path:
    """The path of the engagement file ``name`` in ``folder``: only ``*.json`` files there.

    Raises :class:`~toolkit.errors.EngagementError` for anything else, so a URL cannot open an
    arbitrary file on the server (``../``, an absolute path, another suffix, a control
    character such as the NUL of ``x.json%00.json``).
    """
    shown = str(name)
    if any(ord(c) < 32 or ord(c) == 127 for c in shown):
        raise EngagementError(
            f"{shown!r}: not an engagement file name (it holds a control character)"
        )
    path = Path(name)
    if not path.is_absolute():
        path = folder / path
    if path.suffix != ".json" or path.resolve().parent != folder.resolve():
        raise EngagementError(f"{name}: not an engagement file in this folder")
    return path

"""The folder store: one JSON file per engagement, as Tenfold has always kept them.

The file functions of :mod:`toolkit.store` do the work (atomic saves with a backup, a lock file
per engagement, a file's signature as its version). An engagement is named by its file name in
the folder (``harbourline-2026-11.json``, what ``?engagement=`` carries) or by its id.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from toolkit import store as files
from toolkit.engagement_json import engagement_from_json
from toolkit.errors import EngagementError, StoreError, TenfoldError
from toolkit.findings import Change, Engagement
from toolkit.framework import Framework
from toolkit.naming import slug
from toolkit.stores.base import EngagementInfo, Snapshot, Store, Watch

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FolderStore"]

#: How often a watch looks at the folder's files, in seconds.
POLL_INTERVAL = 0.2


class FolderStore(Store):
    """Engagement files in ``folder`` (see the module docstring)."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.location = str(self.folder)

    @property
    def identity(self) -> str | None:
        return None

    # -- names --------------------------------------------------------------------------------
    def _files(self) -> list[Path]:
        try:
            entries = sorted(self.folder.glob("*.json"))
        except OSError as exc:
            raise EngagementError(f"{self.folder}: cannot read the folder ({exc})") from None
        return [p for p in entries if not p.name.startswith(".")]

    def path(self, ref: str) -> Path:
        """The file of the engagement ``ref``: a file name in the folder, or an id."""
        if not ref or "/" in ref or "\\" in ref or ref in (".", ".."):
            raise EngagementError(f"{ref!r}: name an engagement file in {self.folder}, or an id")
        path = self.folder / ref
        if ref.endswith(".json"):
            return path  # a missing file is reported by whoever reads it, naming the path
        found = [p for p in self._files() if _id_of(p) == ref]
        if len(found) > 1:
            names = ", ".join(p.name for p in found)
            raise EngagementError(
                f"{self.folder}: the engagement id {ref!r} is in several files ({names}): "
                "name the file instead"
            )
        if not found:
            raise EngagementError(f"{self.folder}: no engagement file or id {ref!r}")
        return found[0]

    # -- reading ------------------------------------------------------------------------------
    def engagements(self) -> list[EngagementInfo]:
        out = []
        for path in self._files():
            try:
                e = files.load_engagement(path)
            except TenfoldError as exc:
                out.append(EngagementInfo(path.name, "", "", "", None, "", None, str(exc)))
                continue
            out.append(EngagementInfo(path.name, e.id, e.client, e.title, e.date, e.lead, e.phase))
        far = dt.date(1, 1, 1)
        return sorted(out, key=lambda i: (bool(i.problem), -(i.date or far).toordinal(), i.ref))

    def load(
        self, ref: str, *, framework: Framework | None = None, whole_panel: bool = False
    ) -> Snapshot:
        path = self.path(ref)  # a file holds every rater's findings: access.seen() cuts them
        snap = files.read_snapshot(path, framework=framework)
        return Snapshot(path.name, snap.engagement, snap.signature)

    def changed_since(self, snapshot: Snapshot) -> bool:
        return files.signature(self.folder / snapshot.ref) != snapshot.version

    # -- writing ------------------------------------------------------------------------------
    def create(self, engagement: Engagement, *, name: str | None = None) -> Snapshot:
        taken = [p.name for p in self._files() if _id_of(p) == engagement.id]
        if taken:
            raise StoreError(
                f"{self.folder}: engagement {engagement.id} is already here as {taken[0]}"
            )
        if name is not None:
            if "/" in name or not name.endswith(".json"):
                raise StoreError(f"{name}: give a file name ending in .json, without a folder")
            names = [name]
        else:
            stem = f"{slug(engagement.client)}-{engagement.date:%Y-%m}"
            names = [f"{stem}.json", *(f"{stem}-{n}.json" for n in range(2, 1000))]
        for candidate in names:
            path = self.folder / candidate
            if path.exists() and name is None:
                continue
            try:
                files.save_engagement(engagement, path, exclusive=True)
            except StoreError:
                if name is None and path.exists():  # a colleague took the name meanwhile
                    continue
                raise
            return Snapshot(candidate, engagement, files.signature(path))
        raise StoreError(f"{self.folder}: too many engagements named {names[0]}")

    def apply(
        self,
        ref: str,
        change: Change,
        *,
        known: Snapshot | None = None,
        framework: Framework | None = None,
    ) -> Snapshot:
        path = self.path(ref)
        seen = None
        if known is not None and known.ref == path.name and isinstance(known.version, tuple):
            seen = files.Snapshot(path, known.engagement, known.version)
        snap = files.update_snapshot(path, change, framework=framework, known=seen)
        return Snapshot(path.name, snap.engagement, snap.signature)

    def push(
        self,
        text: str,
        *,
        source: str = "<file>",
        name: str | None = None,
        replace: bool = False,
        framework: Framework | None = None,
    ) -> str:
        engagement = engagement_from_json(text, source=source)
        if framework is not None:
            engagement.check(framework)
        here = [p for p in self._files() if _id_of(p) == engagement.id]
        if here and not replace:
            raise StoreError(
                f"{source}: engagement {engagement.id} is already in {self.folder} as "
                f"{here[0].name}; pull it, or push again with --replace to overwrite it"
            )
        if here:
            self.apply(here[0].name, lambda _: engagement, framework=framework)
        else:
            self.create(engagement, name=name)
        return engagement.id

    # -- live ---------------------------------------------------------------------------------
    def _watch(self) -> Watch:
        seen = self._signatures()

        def wait(timeout: float) -> list[str]:
            nonlocal seen
            deadline = time.monotonic() + timeout
            while True:
                now = self._signatures()
                written = sorted(n for n in now.keys() | seen.keys() if now.get(n) != seen.get(n))
                seen = now
                if written or time.monotonic() >= deadline:
                    return written
                time.sleep(min(POLL_INTERVAL, max(0.0, deadline - time.monotonic())))

        return Watch(wait, lambda: None)

    def _signatures(self) -> dict[str, files.Signature | None]:
        try:
            return {p.name: files.signature(p) for p in self._files()}
        except TenfoldError:
            return {}

    # -- a portfolio --------------------------------------------------------------------------
    def portfolio_scores(self, *, framework: Framework | None = None) -> pd.DataFrame:
        from toolkit.portfolio import load_portfolio, portfolio_scores

        return portfolio_scores(
            load_portfolio(self.folder, framework=framework), framework=framework
        )


def _id_of(path: Path) -> str | None:
    """The engagement id a file holds (derived for a file without one); None if unreadable."""
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return str(data["id"])
    try:
        return files.load_engagement(path).id
    except TenfoldError:
        return None

"""The consultant's session, apart from any widget: the open engagement, its scores, edit state,
saving, undo, the preview and what colleagues changed.

:class:`AssessmentSession` is plain Python over :mod:`toolkit.store` and :mod:`toolkit.changes`:
every change is applied under the file's lock to the latest content on disk and written into
the engagement's change log, so undo works from the file and survives a reload. The dashboard
(:class:`~toolkit.dashboard.assessment.app.AssessmentApp`) only turns what a person does into calls
here and shows the results; tests drive this object directly, in milliseconds.

What the person at the page may see is :mod:`toolkit.access`'s rule: everything shown or handed
out here (table rows, scores and radar, history, undo, the board, the preview, the downloads)
is read from :attr:`AssessmentSession.seen`, the engagement as this page's :attr:`reader` may
see it, or from :meth:`AssessmentSession.whole` for what needs every rater's findings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from toolkit import access, changes
from toolkit.access import Reader
from toolkit.dashboard.assessment.consensus import board_rows
from toolkit.dashboard.assessment.updates import Draft, Update, diff
from toolkit.dashboard.files import (
    EngagementFile,
    list_engagements,
    previous_assessment,
    resolve_engagement,
)
from toolkit.errors import EngagementError, StoreError, TenfoldError
from toolkit.findings import Engagement, Finding, LoggedChange, Phase
from toolkit.framework import Framework
from toolkit.naming import slug
from toolkit.scoring import score_engagement, score_findings
from toolkit.store import Snapshot, read_snapshot, save_engagement, signature, update_snapshot

__all__ = ["AssessmentSession", "Draft", "Update"]


@dataclass
class AssessmentSession:
    """One consultant's session on one engagement file (see the module docstring).

    Parameters
    ----------
    framework
        The framework the engagements are scored against.
    folder
        The engagements folder (for the previous assessment of the same client, and for
        switching to another engagement).
    """

    framework: Framework
    folder: Path
    snapshot: Snapshot | None = None
    scores: pd.DataFrame | None = None
    previous: EngagementFile | None = None
    previous_scores: pd.DataFrame | None = None
    editing: str | None = None
    rater: str = ""
    _own: set[str] = field(default_factory=set)

    # -- what is open -------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return None if self.snapshot is None else self.snapshot.path

    @property
    def engagement(self) -> Engagement | None:
        return None if self.snapshot is None else self.snapshot.engagement

    @property
    def by(self) -> str:
        """Who is making changes here: the rater named in this tab, else the engagement lead."""
        e = self.engagement
        return self.rater.strip() or (e.lead if e is not None else "")

    @property
    def reader(self) -> Reader:
        """Who reads here: the rater named in this tab, else the lead (:mod:`toolkit.access`)."""
        return Reader(self.by)

    @property
    def seen(self) -> Engagement | None:
        """The open engagement as this page's reader may see it (:func:`toolkit.access.seen`):
        in a blind rating, their own findings and log entries only, and no consensus."""
        e = self.engagement
        return None if e is None else access.seen(e, self.reader)

    def whole(self, what: str) -> Engagement:
        """The open engagement for what is made from every rater's findings (a report);
        :class:`~toolkit.access.BlindRatingError` during a blind rating."""
        return access.whole(self._require().engagement, self.reader, what=what)

    def set_rater(self, rater: str) -> bool:
        """Name the person at this page; ``True`` when what they may see changed with it."""
        if rater == self.rater:
            return False
        self.rater = rater
        if self.blind:
            self._rescore()
            return True
        return False

    def files(self) -> list[EngagementFile]:
        """The folder's engagement files, newest assessment first (for "Switch engagement")."""
        return list_engagements(self.folder, self.framework)

    def resolve(self, name: str | Path) -> Path:
        """A file name in the folder (or a path) as a path; only ``*.json`` files in the folder.

        Raises :class:`~toolkit.errors.EngagementError` for anything outside the folder, so a
        URL cannot open an arbitrary file on the server.
        """
        return resolve_engagement(self.folder, name)

    def create(self, *, client: str, title: str, lead: str) -> Path:
        """Create a new engagement file in the folder (named after the client and month)."""
        client, title, lead = client.strip(), title.strip(), lead.strip()
        missing = [n for n, v in (("client", client), ("title", title), ("lead", lead)) if not v]
        if missing:
            raise EngagementError(f"to create an engagement, fill in: {', '.join(missing)}")
        engagement = Engagement.new(client=client, title=title, lead=lead, framework=self.framework)
        stem = f"{slug(client)}-{engagement.date:%Y-%m}"
        for n in range(1, 1000):
            path = self.folder / (f"{stem}.json" if n == 1 else f"{stem}-{n}.json")
            if not path.exists():
                try:
                    return save_engagement(engagement, path, exclusive=True)
                except StoreError:
                    if not path.exists():  # not lost to a colleague creating the same name
                        raise
        raise EngagementError(f"{self.folder}: too many engagements named {stem}")

    def open(self, path: str | Path) -> Engagement:
        """Open an engagement file; the previous one stays open if this one cannot be read."""
        snapshot = read_snapshot(self.resolve(path), framework=self.framework)
        files = list_engagements(self.folder, self.framework)
        entry = next((f for f in files if f.path == snapshot.path), None)
        previous = previous_assessment(entry, files) if entry is not None else None
        self.snapshot = snapshot
        self.editing = None
        self._own.clear()
        self.previous = previous
        self.previous_scores = (
            score_engagement(previous.engagement, framework=self.framework)
            if previous is not None and previous.engagement is not None
            else None
        )
        self._rescore()
        return snapshot.engagement

    def close(self) -> None:
        self.snapshot = None
        self.scores = self.previous = self.previous_scores = None
        self.editing = None

    @property
    def blind(self) -> bool:
        """Whether this is a blind rating: each rater sees only their own findings."""
        e = self.engagement
        return e is not None and access.blind(e, self.reader)

    def _rescore(self) -> None:
        # In a blind rating, a radar of this rater's own levels: nobody else's, no consensus.
        seen = self.seen
        self.scores = None if seen is None else score_engagement(seen, framework=self.framework)
        if self.editing is not None and (
            seen is None or self.editing not in {f.id for f in seen.findings}
        ):
            self.editing = None  # deleted here or elsewhere, or no longer this person's to see

    def _seen_finding(self, finding_id: str) -> Finding:
        """The finding ``finding_id`` if this person may see it (an error naming it otherwise)."""
        self._require()
        seen = self.seen
        assert seen is not None
        return seen.finding(finding_id)

    def _require(self) -> Snapshot:
        if self.snapshot is None:
            raise EngagementError("open or create an engagement first")
        return self.snapshot

    # -- saving -------------------------------------------------------------------------------
    def apply(self, change: changes.Change) -> Update:
        """Apply ``change`` to the latest file under its lock, save it, rescore."""
        known = self._require()
        old = known.engagement

        def logged(current: Engagement) -> Engagement:
            new = change(current)
            self._own.update(c.id for c in new.changes[len(current.changes) :])
            return new

        saved = update_snapshot(known.path, logged, framework=self.framework, known=known)
        return self._adopt(old, saved)

    def _adopt(self, old: Engagement, snapshot: Snapshot) -> Update:
        self.snapshot = snapshot
        new = snapshot.engagement
        self._rescore()
        reader = self.reader
        added, changed, removed = diff(access.seen(old, reader), access.seen(new, reader))
        known_ids = {c.id for c in old.changes}
        others = tuple(c for c in new.changes if c.id not in known_ids and c.id not in self._own)
        settings = (
            old.targets != new.targets
            or old.not_applicable != new.not_applicable
            or old.overrides != new.overrides
        )
        return Update(
            tuple(added), tuple(changed), tuple(removed), others, settings, old.phase != new.phase
        )

    def poll(self) -> Update | None:
        """Read the file again if someone else saved it; ``None`` when nothing changed.

        Cheap when nothing changed (one ``stat``), so it can run every second.
        """
        known = self.snapshot
        if known is None or signature(known.path) == known.signature:
            return None
        fresh = read_snapshot(known.path, framework=self.framework)
        return self._adopt(known.engagement, fresh)

    def submit(self, draft: Draft) -> tuple[str, Update]:
        """Save the finding in the form: add it, or update the one being edited.

        Returns the finding's id and what changed. The rater of an edited finding stays who
        recorded it; a new finding is credited to ``draft.rater``, else this session's rater,
        else the lead.
        """
        problems = draft.problems()
        if problems:
            raise EngagementError(" and ".join(problems))
        assert draft.level is not None
        if draft.editing is not None:
            self._seen_finding(draft.editing)
            change = changes.update_finding(
                draft.editing,
                by=self.by,
                framework=self.framework,
                factor=draft.factor,
                level=int(draft.level),
                evidence=draft.evidence.strip(),
                source=draft.source,
            )
            update = self.apply(change)
            if self.editing == draft.editing:
                self.editing = None
            return draft.editing, update
        fid, change = changes.add_finding(
            factor=draft.factor,
            level=int(draft.level),
            evidence=draft.evidence.strip(),
            source=draft.source,
            rater=draft.rater.strip() or self.rater.strip() or None,
            by=draft.rater.strip() or self.by,
            framework=self.framework,
        )
        return fid, self.apply(change)

    def delete(self, finding_id: str) -> Update:
        self._seen_finding(finding_id)
        if self.editing == finding_id:
            self.editing = None
        return self.apply(changes.remove_finding(finding_id, by=self.by, framework=self.framework))

    def set_target(self, factor: str, level: int | None) -> Update:
        return self.apply(changes.set_target(factor, level, by=self.by, framework=self.framework))

    def set_not_applicable(self, factor: str, value: bool) -> Update:
        return self.apply(
            changes.set_not_applicable(factor, value, by=self.by, framework=self.framework)
        )

    def set_consensus(
        self, factor: str, level: int | None, *, reason: str = "", agreed_by: str = ""
    ) -> Update:
        """Set the team's consensus level (a reason and who agreed it are required), or clear it."""
        e = self._require().engagement
        if self.blind:
            raise EngagementError(
                "consensus levels are recorded once the lead reveals the panel; during a blind "
                "rating each rater records findings only"
            )
        label = self.framework.factor(factor).label
        if level is None:
            if factor not in e.overrides:
                raise EngagementError(f"{label} has no consensus level to clear")
        else:
            missing = [n for n, v in (("a reason", reason), ("who agreed it", agreed_by)) if not v]
            if missing:
                raise EngagementError("a consensus level needs " + " and ".join(missing))
        return self.apply(
            changes.set_override(
                factor,
                level,
                reason=reason.strip(),
                agreed_by=agreed_by.strip() or None,
                by=self.by,
                framework=self.framework,
            )
        )

    # -- blind rating, then consensus ------------------------------------------------------------
    def set_phase(self, phase: Phase) -> Update:
        """Start a blind rating, reveal the panel for consensus, or open everything again.

        Only the engagement's lead may (see :func:`toolkit.changes.set_phase`).
        """
        return self.apply(changes.set_phase(phase, by=self.by))

    def board(self) -> list[dict[str, Any]]:
        """The consensus board's rows (:func:`board_rows`); empty during a blind rating."""
        e, scores = self.seen, self.scores
        if e is None or scores is None or self.blind:
            return []
        return board_rows(e, scores, self.framework)

    # -- undo and history ---------------------------------------------------------------------
    def undoable(self) -> LoggedChange | None:
        """This person's latest change that undo would take back (from the file's log)."""
        e = self.seen
        return None if e is None else changes.last_undoable(e, self.by)

    def undo(self) -> tuple[LoggedChange, Update]:
        """Take back this person's latest change; an error if someone changed it since."""
        entry = self.undoable()
        if entry is None:
            raise EngagementError("nothing of yours to undo")
        return entry, self.apply(changes.undo(entry.id, by=self.by))

    def history(self, factor: str) -> list[LoggedChange]:
        """The change log entries about ``factor``, newest first (in a blind rating, only this
        person's own)."""
        e = self.seen
        return [] if e is None else changes.factor_history(e, factor)

    # -- editing and the preview --------------------------------------------------------------
    def edit(self, finding_id: str) -> Finding:
        """Start editing a finding; returns it (the form shows its fields)."""
        finding = self._seen_finding(finding_id)
        self.editing = finding_id
        return finding

    def cancel_edit(self) -> None:
        self.editing = None

    def preview(self, factor: str, level: int | None) -> float | None:
        """Where ``factor``'s score would move if the finding in the form were saved.

        Only that factor's findings are scored, so the cost does not grow with the engagement.
        ``None`` with no level chosen, or where the factor would have no score.
        """
        e = self.seen
        if e is None or level is None or factor not in self.framework.factor_ids:
            return None
        own = [f for f in e.findings if f.factor == factor and f.id != self.editing]
        rater = self.by
        if self.editing is not None:
            rater = e.finding(self.editing).rater
        rows = [*_rows(own), {"factor": factor, "level": int(level), "rater": rater}]
        try:
            scored = score_findings(
                pd.DataFrame(rows),
                framework=self.framework,
                overrides={k: o.level for k, o in e.overrides.items()},
                not_applicable=e.not_applicable,
            )
        except TenfoldError:
            return None
        score = float(scored["score"].to_numpy()[list(scored.index).index(factor)])
        return None if math.isnan(score) else score

    # -- rows for the findings table ----------------------------------------------------------
    def radar_options(self, factor: str, level: int | None, *, highlight: str) -> dict[str, Any]:
        """What the radar draws beside the scores: the previous assessment (never in a blind
        rating, where only one's own levels are drawn), the preview of ``level`` for
        ``factor``, and the factor under discussion highlighted."""
        previous = self.previous
        preview = self.preview(factor, level)
        return {
            "previous": None if self.blind else self.previous_scores,
            "previous_label": (
                f"Previous ({previous.engagement.date:%b %Y})"
                if previous is not None and previous.engagement is not None
                else "Previous"
            ),
            "preview": None if preview is None else pd.Series({factor: preview}),
            "highlight": highlight,
        }

    def rows(self, ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Findings as table rows (all, or those with ``ids``), with the factor's label."""
        e = self.seen
        if e is None:
            return []
        wanted = None if ids is None else set(ids)
        labels = {f.id: f.label for f in self.framework.factors}
        return [
            {
                "id": f.id,
                "factor": f.factor,
                "factor_label": labels.get(f.factor, f.factor),
                "level": f.level,
                "evidence": f.evidence,
                "source": f.source,
                "rater": f.rater,
                "recorded_at": f.recorded_at.isoformat(),
            }
            for f in e.findings
            if wanted is None or f.id in wanted
        ]


def _rows(findings: list[Finding]) -> list[dict[str, Any]]:
    return [{"factor": f.factor, "level": f.level, "rater": f.rater} for f in findings]

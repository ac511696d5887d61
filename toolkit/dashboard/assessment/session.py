"""The consultant's session, apart from any widget: the engagement open, its scores, the page's
view, saving, undo, the preview and what colleagues changed.

:class:`AssessmentSession` is plain Python over a :class:`~toolkit.stores.Store` (a folder of
files or a database, :func:`toolkit.stores.open_store`) and :mod:`toolkit.changes`: every change
is applied by :meth:`Store.apply <toolkit.stores.Store.apply>` to the latest state of the
engagement, as one transaction, and written into its change log, so undo works from the store
and survives a reload. The dashboard (:class:`~toolkit.dashboard.assessment.app.AssessmentApp`)
turns what a person does into calls here and draws :attr:`AssessmentSession.view`, the one
value of what the page shows (:class:`~toolkit.dashboard.assessment.state.AssessmentView`),
which every call replaces; tests drive this object directly, in milliseconds.

What the person at the page may see is :mod:`toolkit.access`'s rule: everything shown or handed
out here (table rows, scores and radar, history, undo, the board, the preview, the downloads)
is read from :attr:`AssessmentSession.seen`, the engagement as this page's :attr:`reader` may
see it, or from :meth:`AssessmentSession.whole` for what needs every rater's findings.

Where the store signs its user in (a PostgreSQL store opened with a person's own login, as in a
JupyterHub server), the person at the page is that user (:attr:`AssessmentSession.identity`):
every finding is credited to them and every change logged as theirs, whatever the page sends as
a rater's name, and their role in the engagement open (:attr:`AssessmentSession.role`) decides
what they may change. Every write goes through :meth:`AssessmentSession.apply`, which asks
:func:`toolkit.access.check` first: a stakeholder changes nothing, a rater only their own
findings. On a laptop (a folder store, nobody signs in) the Rater box names the person, and
nothing is refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import os
from collections.abc import Iterable
from typing import Any

import pandas as pd

from toolkit import access, changes
from toolkit.access import Action, Reader, Role
from toolkit.charts import RadarOptions
from toolkit.charts._radar_options import StaffOverlay, overlay, staff_overlay
from toolkit.dashboard.assessment import text
from toolkit.dashboard.assessment.consensus import board_rows
from toolkit.dashboard.assessment.state import AssessmentView
from toolkit.dashboard.assessment.updates import Draft, Update, diff
from toolkit.dashboard.common import Tone
from toolkit.dashboard.engagements import page_ref, previous_assessment, store_of
from toolkit.dashboard.widgets.bridge import PageSize
from toolkit.errors import EngagementError, StoreUnavailableError, TenfoldError
from toolkit.findings import Engagement, Finding, LoggedChange, Phase
from toolkit.framework import Framework
from toolkit.scoring import score_engagement, score_findings
from toolkit.stores import EngagementInfo, Snapshot, Store

__all__ = ["AssessmentSession", "Draft", "Update"]


class AssessmentSession:
    """One consultant's session on one engagement at a time (see the module docstring).

    Parameters
    ----------
    framework
        The framework the engagements are scored against.
    store
        Where the engagements are: a :class:`~toolkit.stores.Store`, a folder or a database
        URL (default: :func:`~toolkit.dashboard.engagements.default_store`).
    """

    def __init__(
        self, framework: Framework, store: Store | str | os.PathLike[str] | None = None
    ) -> None:
        self.framework = framework
        self.store = store_of(store)
        #: Who the store signed in as (the person at this page), or None where nobody signs in.
        self.identity: str | None = self.store.identity
        #: Their role in the engagement open (None where nobody signs in, or none is open).
        self.role: Role | None = None
        self.view = AssessmentView(factor=framework.factor_ids[0], rater=self.identity or "")
        self.snapshot: Snapshot | None = None
        self.scores: pd.DataFrame | None = None
        self.previous: EngagementInfo | None = None
        self.previous_scores: pd.DataFrame | None = None
        self._own: set[str] = set()

    # -- what is open -------------------------------------------------------------------------
    @property
    def ref(self) -> str | None:
        """The store's name for the engagement open (a file name, an id)."""
        return None if self.snapshot is None else self.snapshot.ref

    @property
    def engagement(self) -> Engagement | None:
        return None if self.snapshot is None else self.snapshot.engagement

    @property
    def editing(self) -> str | None:
        return self.view.editing

    @property
    def rater(self) -> str:
        return self.view.rater

    @property
    def by(self) -> str:
        """Who is making changes here: the signed-in user; on a laptop the rater named in this
        tab, else the engagement lead."""
        if self.identity is not None:
            return self.identity
        e = self.engagement
        return self.view.rater.strip() or (e.lead if e is not None else "")

    @property
    def reader(self) -> Reader:
        """Who reads here (:mod:`toolkit.access`): the signed-in user with their role; on a
        laptop the rater named in this tab, else the lead."""
        return Reader(self.by, role=self.role)

    @property
    def read_only(self) -> bool:
        """Whether the person here may change nothing of the engagement open (a stakeholder)."""
        return self.snapshot is not None and access.read_only(self.reader)

    def may(self, action: Action) -> bool:
        """Whether the person here may make a change of the kind ``action`` (:func:`access.may`)."""
        return access.may(self.reader, action)

    def check(self, action: Action) -> None:
        """:class:`~toolkit.access.AccessError`, in words, unless the person here :meth:`may`."""
        e = self._require().engagement
        access.check(self.reader, action, where=e.client)

    @property
    def sees_assessment(self) -> bool:
        """Whether the person here works on this page (:func:`toolkit.access.sees_assessment`);
        a stakeholder reads the engagement in its viewer instead."""
        return access.sees_assessment(self.role)

    @property
    def seen(self) -> Engagement | None:
        """The open engagement as this page's reader may see it (:func:`toolkit.access.seen`):
        in a blind rating, their own findings and log entries only, and no consensus. For a
        stakeholder, who reads it in the viewer, its settings only: no findings, consensus,
        notes, survey, plan or log reach this page."""
        e = self.engagement
        return None if e is None else access.seen_on_assessment(e, self.reader)

    def whole(self, what: str) -> Engagement:
        """The open engagement for what is made from every rater's findings (a report);
        :class:`~toolkit.access.BlindRatingError` during a blind rating."""
        return access.whole(self._require().engagement, self.reader, what=what)

    @property
    def blind(self) -> bool:
        """Whether this is a blind rating: each rater sees only their own findings."""
        e = self.engagement
        return e is not None and access.blind(e, self.reader)

    def engagements(self) -> list[EngagementInfo]:
        """The store's engagements, newest assessment first (for "Switch engagement")."""
        return self.store.engagements()

    # -- the view -----------------------------------------------------------------------------
    def _next(self, **changes: Any) -> AssessmentView:
        self.view = self.view.but(**changes)
        return self.view

    def say(self, message: str, tone: Tone = "info") -> None:
        """Show a message above the page (empty: none)."""
        self._next(message=message, tone=tone)

    def choose(self, factor: str, level: int | None) -> None:
        """The form's factor or level changed: discuss that factor, preview that level."""
        if factor not in self.framework.factor_ids:
            factor = self.view.factor
        if (factor, level) != (self.view.factor, self.view.preview):
            self._next(factor=factor, preview=level)

    def select(self, factor: str) -> None:
        """Discuss ``factor`` (from the address, a click on the radar, present mode's keys); the
        form follows it, with no level chosen."""
        if factor in self.framework.factor_ids and (factor, None) != (
            self.view.factor,
            self.view.preview,
        ):
            self._next(factor=factor, preview=None)

    def step(self, delta: int) -> None:
        """The next (or previous) factor, round the radar."""
        ids = list(self.framework.factor_ids)
        self.select(ids[(ids.index(self.view.factor) + delta) % len(ids)])

    def set_present(self, on: bool) -> None:
        """Present mode: radar and summary fill the screen; the arrow keys step through factors."""
        if on != self.view.present:
            self._next(present=on)

    def measure(self, room: PageSize) -> None:
        """The page reported the room the radar has."""
        if room != self.view.room:
            self._next(room=room)

    def switch(self, on: bool) -> None:
        """Open or close "Switch engagement…"."""
        if on != self.view.switching:
            self._next(switching=on)

    def set_rater(self, rater: str) -> bool:
        """Name the person at this page; ``True`` when what they may see changed with it.

        Where the store signs its user in, the person is that user: a name typed changes nothing.
        """
        if self.identity is not None or rater == self.view.rater:
            return False
        before = self.blind
        self._next(rater=rater)
        if before or self.blind:
            self._rescore()
            return True
        return False

    def edit(self, finding_id: str) -> Finding:
        """Start editing a finding; returns it (the form shows its fields)."""
        finding = self._seen_finding(finding_id)
        self.check(self._finding_action(finding))
        self._next(editing=finding_id, factor=finding.factor, preview=finding.level)
        return finding

    def cancel_edit(self) -> None:
        if self.view.editing is not None:
            self._next(editing=None, preview=None)

    # -- opening ------------------------------------------------------------------------------
    def page_opened(self, query: dict[str, str], default: str | None = None) -> bool:
        """A browser drew the page: open what its address names (else ``default``, else the
        newest engagement), then its factor and present mode. ``False`` when nothing opened."""
        wanted = query.get("engagement") or default
        if wanted is None and not any(not i.problem for i in self.store.engagements()):
            self.close()
            self.say(
                f"No engagements in {self.store.location} yet: create one with "
                "“Switch engagement…”."
            )
            return False
        if not self._showing(wanted):
            try:
                self.open(wanted)
            except TenfoldError as exc:
                self.close()
                self.say(f"Cannot open this engagement: {exc}. Nothing was changed.", "error")
                return False
        if query.get("factor") in self.framework.factor_ids:
            self.select(query["factor"])
        self.set_present(query.get("present") == "1")
        return True

    def _showing(self, wanted: str | None) -> bool:
        """Whether the engagement ``wanted`` (any, for None) is the one open now."""
        if self.snapshot is None:
            return False
        return wanted is None or wanted in (self.snapshot.ref, self.snapshot.id)

    def open(self, ref: str | None = None) -> Update:
        """Open the engagement ``ref`` (default: the newest in the store); the one open stays
        open if this one cannot be read."""
        if ref is None:
            readable = [i for i in self.store.engagements() if not i.problem]
            if not readable:
                self.close()
                raise EngagementError(
                    f"no engagement in {self.store.location} yet: create one with "
                    "“Switch engagement…”"
                )
            ref = readable[0].ref
        snapshot = self.store.load(page_ref(ref), framework=self.framework)
        role = None if self.identity is None else self.store.role(snapshot.ref)
        found = previous_assessment(self.store, snapshot.engagement, framework=self.framework)
        self.snapshot = snapshot
        self.role = role
        self._own.clear()
        self.previous = None if found is None else found[0]
        self.previous_scores = (
            None if found is None else score_engagement(found[1], framework=self.framework)
        )
        self._next(
            engagement=snapshot.ref,
            phase=snapshot.engagement.phase,
            editing=None,
            preview=None,
            notice="",
            message="",
            switching=False,
        )
        self._rescore()
        return Update(opened=True)

    def close(self) -> None:
        self.snapshot = None
        self.role = None
        self.scores = self.previous = self.previous_scores = None
        self._next(engagement=None, phase=None, editing=None, preview=None, notice="")

    def create(self, *, client: str, title: str, lead: str) -> str:
        """Create a new engagement in the store and open it; returns its ref.

        Where the store signs its user in, its lead is that user whatever ``lead`` says (the
        database makes whoever creates an engagement its lead, too).
        """
        client, title = client.strip(), title.strip()
        lead = self.identity if self.identity is not None else lead.strip()
        missing = [n for n, v in (("client", client), ("title", title), ("lead", lead)) if not v]
        if missing:
            raise EngagementError(f"to create an engagement, fill in: {', '.join(missing)}")
        engagement = Engagement.new(client=client, title=title, lead=lead, framework=self.framework)
        created = self.store.create(engagement)
        self.open(created.ref)
        self.say(f"Created {created.ref}.", "ok")
        return created.ref

    def _rescore(self) -> None:
        # In a blind rating, a radar of this rater's own levels: nobody else's, no consensus.
        seen = self.seen
        self.scores = None if seen is None else score_engagement(seen, framework=self.framework)
        editing = self.view.editing
        if editing is not None and (seen is None or editing not in {f.id for f in seen.findings}):
            self._next(editing=None)  # deleted here or elsewhere, or no longer theirs to see

    def _seen_finding(self, finding_id: str) -> Finding:
        """The finding ``finding_id`` if this person may see it (an error naming it otherwise)."""
        self._require()
        if not self.sees_assessment:  # a stakeholder's page has no findings: say why in words
            self.check("change own finding")
        seen = self.seen
        assert seen is not None
        return seen.finding(finding_id)

    def _finding_action(self, finding: Finding) -> Action:
        """What changing ``finding`` is, for :mod:`toolkit.access`: one's own, or another's."""
        return "change own finding" if finding.rater == self.by else "credit another rater"

    def _require(self) -> Snapshot:
        if self.snapshot is None:
            raise EngagementError("open or create an engagement first")
        return self.snapshot

    # -- saving -------------------------------------------------------------------------------
    def apply(
        self, change: changes.Change, note: str = "", *, action: Action = "settings"
    ) -> Update:
        """Apply ``change`` to the latest state in the store and save it; rescore; say ``note``.

        ``action`` is what the change does (:data:`toolkit.access.ACTIONS`); unless the person
        here :meth:`may`, :class:`~toolkit.access.AccessError` says so and nothing is written.
        A change that names none is the lead's (``"settings"``).

        Raises what the change or the store raises, with nothing written: an engagement error,
        or :class:`~toolkit.errors.StoreError` (its ``StoreUnavailableError`` when the database
        cannot be reached; the message names the server, never a password).
        """
        known = self._require()
        self.check(action)

        def logged(current: Engagement) -> Engagement:
            new = change(current)
            self._own.update(c.id for c in new.changes[len(current.changes) :])
            return new

        saved = self.store.apply(known.ref, logged, known=known, framework=self.framework)
        update = self._adopt(known.engagement, saved)
        self._next(saved_at=dt.datetime.now(), message=note, tone="ok")
        return update

    def _adopt(self, old: Engagement, snapshot: Snapshot, *, polled: bool = False) -> Update:
        self.snapshot = snapshot
        new = snapshot.engagement
        self._next(phase=new.phase)
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
        update = Update(
            tuple(added),
            tuple(changed),
            tuple(removed),
            others,
            settings,
            old.phase != new.phase,
            survey=old.survey != new.survey,
        )
        if old.actions != new.actions:
            update = dataclasses.replace(update, actions=True)
        if others:
            self._next(notice=text.changed_elsewhere(others, self.framework, blind=self.blind))
        elif old.phase != new.phase:
            self._next(notice="")  # what it said belonged to the phase that ended
        elif polled:
            self._next(
                notice=text.changed_elsewhere(
                    (),
                    self.framework,
                    added=len(update.added),
                    removed=len(update.removed),
                    blind=self.blind,
                )
            )
        return update

    def poll(self) -> Update | None:
        """Read the engagement again if someone else saved it since; ``None`` when nobody did.

        Cheap when nothing changed (a file's signature, a row's version), so it can run every
        second; a store's watch says when to run it at once.
        """
        known = self.snapshot
        if known is None or not self.store.changed_since(known):
            return None
        fresh = self.store.load(known.ref, framework=self.framework)
        return self._adopt(known.engagement, fresh, polled=True)

    def submit(self, draft: Draft) -> tuple[str, Update]:
        """Save the finding in the form: add it, or update the one being edited.

        Returns the finding's id and what changed. The rater named in the form is this page's
        rater from now on; the rater of an edited finding stays who recorded it, and a new one is
        credited to the rater named, else the lead.
        """
        problems = draft.problems()
        if problems:
            raise EngagementError(" and ".join(problems))
        assert draft.level is not None
        self.set_rater(draft.rater)
        label = self.framework.factor(draft.factor).label
        if draft.editing is not None:
            action = self._finding_action(self._seen_finding(draft.editing))
            change = changes.update_finding(
                draft.editing,
                by=self.by,
                framework=self.framework,
                factor=draft.factor,
                level=int(draft.level),
                evidence=draft.evidence.strip(),
                source=draft.source,
            )
            update = self.apply(change, f"Finding changed in {label}.", action=action)
            if self.view.editing == draft.editing:
                self._next(editing=None)
            self._next(preview=None)
            return draft.editing, update
        fid, change = changes.add_finding(
            factor=draft.factor,
            level=int(draft.level),
            evidence=draft.evidence.strip(),
            source=draft.source,
            rater=self.identity or draft.rater.strip() or None,
            by=self.by,
            framework=self.framework,
        )
        rater = self.identity or draft.rater.strip() or self.by
        added: Action = "add own finding" if rater == self.by else "credit another rater"
        update = self.apply(change, f"Finding added to {label}.", action=added)
        self._next(preview=None)  # the page cleared the level it saved
        return fid, update

    def delete(self, finding_id: str) -> Update:
        action = self._finding_action(self._seen_finding(finding_id))
        change = changes.remove_finding(finding_id, by=self.by, framework=self.framework)
        update = self.apply(change, "Finding deleted (Undo puts it back).", action=action)
        if self.view.editing == finding_id:
            self._next(editing=None, preview=None)
        return update

    def set_target(self, factor: str, level: int | None) -> Update:
        """Set (or clear) ``factor``'s target; nothing is saved when it is already that."""
        e = self._require().engagement
        if e.targets.get(factor) == level:  # a render heard back: nothing to save
            return Update()
        self.check("settings")
        change = changes.set_target(factor, level, by=self.by, framework=self.framework)
        return self.apply(change, "Target saved.")

    def set_not_applicable(self, factor: str, value: bool) -> Update:
        """Mark ``factor`` not applicable, or applicable again; nothing is saved when it is so."""
        e = self._require().engagement
        if (factor in e.not_applicable) == value:
            return Update()
        self.check("settings")
        change = changes.set_not_applicable(factor, value, by=self.by, framework=self.framework)
        return self.apply(change, "Saved.")

    def set_consensus(
        self, factor: str, level: int | None, *, reason: str = "", agreed_by: str = ""
    ) -> Update:
        """Set the team's consensus level (a reason and who agreed it are required), or clear it."""
        e = self._require().engagement
        self.check("consensus")
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
        change = changes.set_override(
            factor,
            level,
            reason=reason.strip(),
            agreed_by=agreed_by.strip() or None,
            by=self.by,
            framework=self.framework,
        )
        return self.apply(
            change,
            f"Consensus on {label} saved." if level is not None else "Consensus cleared.",
            action="consensus",
        )

    # -- blind rating, then consensus ------------------------------------------------------------
    def set_phase(self, phase: Phase) -> Update:
        """Start a blind rating, reveal the panel for consensus, or open everything again.

        Only the engagement's lead may (see :func:`toolkit.changes.set_phase`).
        """
        _next, button, _tip = text.NEXT_PHASE[self._require().engagement.phase]
        e = self._require().engagement
        as_lead = self.role is not None and self.reader.is_lead(e)  # signed in as its lead
        change = changes.set_phase(phase, by=self.by, as_lead=as_lead)
        return self.apply(change, f"{button}: done.", action="phase")

    def next_phase(self) -> Update:
        """Move to the next phase: a blind rating, then the panel revealed, then open again."""
        phase, _button, _tip = text.NEXT_PHASE[self._require().engagement.phase]
        return self.set_phase(phase)

    def board(self) -> list[dict[str, Any]]:
        """The consensus board's rows (:func:`board_rows`); empty unless the panel is revealed
        for consensus."""
        e, scores = self.seen, self.scores
        if e is None or scores is None or self.blind or e.phase != "consensus":
            return []
        return board_rows(e, scores, self.framework)

    # -- undo and history ---------------------------------------------------------------------
    def undoable(self) -> LoggedChange | None:
        """This person's latest change that undo would take back (from the engagement's log)."""
        e = self.seen
        return None if e is None else changes.last_undoable(e, self.by)

    def undo(self) -> tuple[LoggedChange, Update]:
        """Take back this person's latest change; an error if someone changed it since."""
        entry = self.undoable()
        if entry is None:
            raise EngagementError("nothing of yours to undo")
        return entry, self.apply(
            changes.undo(entry.id, by=self.by),
            f"Undone: {entry.summary}.",
            action=access.undo_action(entry.kind),
        )

    def history(self, factor: str) -> list[LoggedChange]:
        """The change log entries about ``factor``, newest first (in a blind rating, only this
        person's own)."""
        e = self.seen
        return [] if e is None else changes.factor_history(e, factor)

    # -- the preview and the radar ------------------------------------------------------------
    def preview(self, factor: str, level: int | None) -> float | None:
        """Where ``factor``'s score would move if the finding in the form were saved.

        Only that factor's findings are scored, so the cost does not grow with the engagement.
        ``None`` with no level chosen, or where the factor would have no score.
        """
        e = self.seen
        if e is None or level is None or factor not in self.framework.factor_ids:
            return None
        editing = self.view.editing
        own = [f for f in e.findings if f.factor == factor and f.id != editing]
        rater = self.by
        if editing is not None:
            rater = e.finding(editing).rater
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

    def radar_options(self) -> RadarOptions:
        """What the radar draws beside the scores, from the view: the previous assessment (never
        in a blind rating, where only one's own levels are drawn), where the factor under
        discussion would move with the level chosen, and that factor picked out."""
        view, previous = self.view, self.previous
        moved = self.preview(view.factor, view.preview)
        staff, staff_name = self._staff()
        return RadarOptions(
            previous=None if self.blind else overlay(self.previous_scores),
            previous_label=(
                f"Previous ({previous.date:%b %Y})"
                if previous is not None and previous.date is not None
                else "Previous"
            ),
            preview=None if moved is None else ((view.factor, moved),),
            staff=staff,
            staff_label=staff_name,
            framework=self.framework,
            highlight=view.factor,
        )

    def _staff(self) -> tuple[StaffOverlay | None, str]:
        """The staff survey's series beside the scores, as this reader may see it (none in a
        blind rating: :func:`toolkit.access.seen`), and its name."""
        seen, scores = self.seen, self.scores
        if seen is None or seen.survey is None or scores is None:
            return None, "Staff survey"
        from toolkit.survey.compare import staff_label, staff_view

        table = staff_view(seen, scores, framework=self.framework)
        return staff_overlay(table), staff_label(seen.survey)

    # -- rows for the findings table ----------------------------------------------------------
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


def unavailable(exc: Exception) -> bool:
    """Whether ``exc`` says the store could not be reached (worth a retry once it is back)."""
    return isinstance(exc, StoreUnavailableError)


def _rows(findings: list[Finding]) -> list[dict[str, Any]]:
    return [{"factor": f.factor, "level": f.level, "rater": f.rater} for f in findings]

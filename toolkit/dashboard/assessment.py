"""The consultant's live dashboard: record findings in the client's meeting room.

Every change is saved at once through :func:`toolkit.store.update_engagement` (atomic, locked,
replayed on the latest file so two tabs keep each other's work); the app then shows what was
saved, the radar redrawn and "saved hh:mm:ss". Bad input gets an inline message and nothing is
written. Nothing here raises into the page: every failure becomes a message.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from toolkit.dashboard import changes
from toolkit.dashboard.assessment_layout import NO_LEVEL, RADAR_SIZE, AssessmentLayout, slug
from toolkit.dashboard.common import (
    EngagementFile,
    Tone,
    close_all,
    default_folder,
    default_framework,
    esc,
    format_score,
    header_html,
    list_engagements,
    message_html,
    pick_option,
    plural,
    style_widget,
    summary_html,
)
from toolkit.errors import TenfoldError
from toolkit.findings import Engagement, Finding
from toolkit.framework import Framework
from toolkit.scoring import score_engagement
from toolkit.spreadsheets import export_findings
from toolkit.store import load_engagement, save_engagement, update_engagement

__all__ = ["AssessmentApp", "slug"]


class AssessmentApp(AssessmentLayout):
    """The assessment dashboard, built from widgets; display it with ``display(app)``.

    Parameters
    ----------
    folder
        The engagements folder (default: ``TENFOLD_ENGAGEMENTS``, else ``../engagements``).
    framework
        The framework (default: ``TENFOLD_FRAMEWORK``'s file, else the bundled one).
    open
        The engagement file to open first (a name in ``folder`` or a path); default the most
        recent assessment in the folder.

    Attributes
    ----------
    path, engagement, scores
        The open engagement file, the engagement as last saved or read, and its scores.
    radar
        The radar widget (``radar.chart`` is the Altair chart currently drawn).
    """

    def __init__(
        self,
        folder: str | Path | None = None,
        *,
        framework: Framework | None = None,
        open: str | Path | None = None,
    ) -> None:
        self.framework = framework or default_framework()
        self.folder = Path(folder) if folder is not None else default_folder()
        self.path: Path | None = None
        self.engagement: Engagement | None = None
        self.scores: pd.DataFrame | None = None
        self.radar: Any = None
        self._drawn: tuple[Any, ...] | None = None  # what the radar shows: scores and preview
        self._hold_radar = False  # set while one action changes several widgets
        self.saved_at: dt.datetime | None = None
        self.editing: str | None = None
        self._undo: list[tuple[str, changes.Inverse]] = []
        self._syncing = False
        self.finding_rows: dict[str, tuple[widgets.Button, widgets.Button]] = {}
        self._rows_shown: tuple[Finding, ...] | None = None
        self._build()
        # A typed rater changes whose mean the preview moves.
        self.rater.observe(lambda _change: self._draw_radar(), names="value")
        self.refresh_files(select=open)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.view)  # type: ignore[no-untyped-call]

    # -- messages -----------------------------------------------------------------------------
    def say(self, text: str, tone: Tone = "info") -> None:
        """Show an inline message above the dashboard (empty text clears it)."""
        self.message.value = message_html(text, tone)

    @property
    def message_text(self) -> str:
        """The message shown now, as plain text (for tests and logs)."""
        return re.sub(r"<[^>]+>", "", self.message.value)

    def _export_failed(self, exc: Exception) -> None:
        self.say(f"Export failed: {exc}", "error")

    # -- opening ------------------------------------------------------------------------------
    def refresh_files(self, *, select: str | Path | None = None, keep: bool = False) -> None:
        """List the folder's engagement files again and open ``select`` (or the newest).

        With ``keep``, an engagement already open stays open, re-read only if it changed.
        """
        self.files: list[EngagementFile] = list_engagements(self.folder, self.framework)
        options = [(f.label, str(f.path)) for f in self.files]
        if keep and self.path is not None and str(self.path) in dict(options).values():
            if tuple(options) != tuple(self.picker.options):
                self._syncing = True
                try:
                    self.picker.options = options
                    self.picker.value = str(self.path)
                finally:
                    self._syncing = False
            self.reload()
            return
        if not options:
            self.picker.options = []
            self._show(None)
            self.say(
                f"No engagement files in {self.folder}. Create one with “New engagement…”.",
                "info",
            )
            return
        chosen = pick_option(options, select, self.folder)
        self._syncing = True
        try:
            self.picker.options = options
            self.picker.value = None
        finally:
            self._syncing = False
        self.picker.value = chosen

    def _on_pick(self, change: dict[str, Any]) -> None:
        if not self._syncing and change["new"]:
            self.open(change["new"])

    def open(self, path: str | Path) -> bool:
        """Open an engagement file; an unreadable file gets a message and is left untouched."""
        path = Path(path)
        try:
            engagement = load_engagement(path, framework=self.framework)
        except TenfoldError as exc:
            self.path = None
            self._show(None)
            self.say(f"Cannot open this engagement: {exc}. The file was not changed.", "error")
            return False
        self.path = path
        self._undo.clear()
        self.cancel_edit()
        self.saved_at = None
        self._show(engagement)
        self.say("")
        return True

    def page_opened(self) -> None:
        """A browser opened the page: show the folder and the engagement as they are now."""
        current = self.path
        self.refresh_files(select=current, keep=True)

    def reload(self) -> bool:
        """Read the open engagement file again (to see another tab's or a colleague's work)."""
        if self.path is None:
            self.refresh_files()
            return self.path is not None
        try:
            engagement = load_engagement(self.path, framework=self.framework)
        except TenfoldError as exc:
            self.say(f"Cannot read the engagement file: {exc}. Nothing was saved.", "error")
            return False
        if engagement != self.engagement:
            self._show(engagement)
        return True

    def create(self) -> bool:
        """Create a new engagement file from the client, title and lead fields, and open it."""
        client, title, lead = (
            self.new_client.value.strip(),
            self.new_title.value.strip(),
            self.new_lead.value.strip(),
        )
        missing = [n for n, v in (("client", client), ("title", title), ("lead", lead)) if not v]
        if missing:
            self.say(f"To create an engagement, fill in: {', '.join(missing)}.", "error")
            return False
        try:
            engagement = Engagement.new(
                client=client, title=title, lead=lead, framework=self.framework
            )
            stem = f"{slug(client)}-{engagement.date:%Y-%m}"
            path = self.folder / f"{stem}.json"
            n = 2
            while path.exists():
                path = self.folder / f"{stem}-{n}.json"
                n += 1
            save_engagement(engagement, path)
        except TenfoldError as exc:
            self.say(f"Not created: {exc}", "error")
            return False
        self.new_button.value = False
        for w in (self.new_client, self.new_lead):
            w.value = ""
        self.refresh_files(select=path)
        self.say(f"Created {path.name}.", "ok")
        return True

    # -- showing ------------------------------------------------------------------------------
    def _show(self, engagement: Engagement | None) -> None:
        """Show ``engagement`` everywhere: header, radar, summary, the selected factor."""
        self.engagement = engagement
        self.body.layout.display = "none" if engagement is None else "flex"
        self.header.value = header_html(engagement, subtitle="Tenfold assessment")
        for b in (self.png_button, self.csv_button, self.xlsx_button):
            b.disabled = engagement is None
        if engagement is None:
            self.scores = None
            return
        self.scores = score_engagement(engagement, self.framework)
        self._drawn = None
        self.summary.value = summary_html(self.scores, self.framework)
        self.rater.placeholder = f"default: {engagement.lead}"
        self._on_factor()

    def _on_factor(self, _change: Any = None) -> None:
        fid = self.factor.value
        factor = self.framework.factor(fid)
        self.level.tooltips = [f"{lv}: {factor.anchor(lv)}" for lv in range(5)]
        self._show_anchor()
        look_for = "".join(f"<li>{esc(x)}</li>" for x in factor.evidence)
        self.prompts.value = (
            f'<div class="tf-section">{esc(factor.label)}</div>'
            f'<div class="tf-muted">Fails as: {esc(factor.failure_mode)}</div>'
            f"<div style='font-size:13px;margin-top:4px'>{esc(factor.description)}</div>"
            '<div class="tf-section" style="margin-top:8px">Ask</div>'
            f"<ul>{''.join(f'<li>{esc(q)}</li>' for q in factor.questions)}</ul>"
            + (f'<div class="tf-section">Look for</div><ul>{look_for}</ul>' if look_for else "")
        )
        self._show_factor_panel()

    def _show_anchor(self) -> None:
        factor = self.framework.factor(self.factor.value)
        level = self.level.value
        if level is None:
            self.anchor.value = '<div class="tf-muted">Choose the level the evidence shows.</div>'
        else:
            name = self.framework.level_name(level)
            self.anchor.value = (
                f'<div class="tf-anchor"><b>{level} {esc(name)}:</b> '
                f"{esc(factor.anchor(level))}</div>"
            )
        self._draw_radar()

    def preview(self) -> pd.Series | None:
        """Where the chosen factor's score would move if the finding in the form were saved.

        ``None`` when no level is chosen or the factor would have no score (not applicable).
        Nothing is saved: the change is scored on a copy of the engagement.
        """
        e, level, fid = self.engagement, self.level.value, self.factor.value
        if e is None or level is None:
            return None
        try:
            if self.editing is not None:
                pending = e.update_finding(self.editing, factor=fid, level=int(level))
            else:
                pending = e.add_finding(
                    factor=fid,
                    level=int(level),
                    evidence="(not saved)",
                    rater=self.rater.value.strip() or None,
                )
            score = float(score_engagement(pending, self.framework).loc[fid, "score"])
        except TenfoldError:
            return None
        return None if math.isnan(score) else pd.Series({fid: score})

    def _draw_radar(self) -> None:
        """Redraw the radar: the saved scores, plus the preview of the finding being typed."""
        from toolkit.charts import chart_widget, radar_chart

        if self.scores is None or self._hold_radar:
            return
        preview = self.preview()
        key = (id(self.scores), None if preview is None else tuple(preview.items()))
        if key == self._drawn:
            return
        self._drawn = key
        chart = radar_chart(self.scores, preview=preview, framework=self.framework, size=RADAR_SIZE)
        if self.radar is None:
            self.radar = chart_widget(chart)
            self.radar_box.children = [self.radar]
        else:
            self.radar.chart = chart

    def _show_factor_panel(self) -> None:
        e, scores = self.engagement, self.scores
        if e is None or scores is None:
            return
        fid = self.factor.value
        row = scores.loc[fid]
        own = [f for f in e.findings if f.factor == fid]
        self.factor_title.value = (
            f'<div class="tf-section">Findings for {esc(row["label"])}: '
            f"{esc(format_score(row['score'], row['basis'], self.framework))}"
            f' <span class="tf-muted">· {plural(len(own), "finding")} · basis {esc(row["basis"])}'
            f" · confidence {esc(row['confidence'])}</span></div>"
        )
        if tuple(own) != self._rows_shown:
            self._show_rows(own)
        self._syncing = True
        try:
            self.not_applicable.value = fid in e.not_applicable
            self.target.value = e.targets.get(fid, NO_LEVEL)
            override = e.overrides.get(fid)
            self.override_level.value = override.level if override else NO_LEVEL
            self.override_reason.value = override.reason if override else ""
        finally:
            self._syncing = False
        self.override_state.value = (
            f'<div class="tf-muted">Consensus {override.level} set by {esc(override.by)} on '
            f"{override.at:%d %b %Y}: {esc(override.reason)}</div>"
            if override
            else ""
        )

    def _show_rows(self, own: list[Finding]) -> None:
        """Rebuild the findings rows of the selected factor (only when its findings changed)."""
        old = self.findings_box.children
        self.finding_rows = {}
        rows: list[widgets.Widget] = []
        for f in own:
            text = widgets.HTML(
                f'<span class="tf-level">{f.level}</span> {esc(f.evidence)} '
                f'<span class="tf-muted">— {esc(f.source)}, {esc(f.rater)}</span>',
                layout=widgets.Layout(flex="1 1 auto", width="auto"),
            )
            edit = widgets.Button(description="Edit", layout=widgets.Layout(width="56px"))
            delete = widgets.Button(description="Delete", layout=widgets.Layout(width="76px"))
            edit.on_click(lambda _b, i=f.id: self.edit(i))
            delete.on_click(lambda _b, i=f.id: self.delete(i))
            self.finding_rows[f.id] = (edit, delete)
            rows.append(style_widget(widgets.HBox([text, edit, delete]), "tf-row"))
        if not rows:
            rows = [widgets.HTML('<div class="tf-muted">No findings yet: not assessed.</div>')]
        self.findings_box.children = rows
        self._rows_shown = tuple(own)
        for widget in old:  # free the replaced rows in the kernel and the browser
            close_all(widget)

    # -- saving -------------------------------------------------------------------------------
    def apply(self, what: str, change: changes.Change) -> bool:
        """Apply ``change`` to the latest file under its lock, show the result, remember undo."""
        if self.path is None:
            self.say("Open or create an engagement first.", "error")
            return False
        inverse: list[changes.Inverse] = []

        def run(current: Engagement) -> Engagement:
            new, undo = change(current)
            inverse.append(undo)
            return new

        saved = self._save(run)
        if saved is None:
            return False
        self._undo.append((what, inverse[-1]))
        self._after_save(saved, f"{what}.")
        return True

    def _save(self, change: Callable[[Engagement], Engagement]) -> Engagement | None:
        assert self.path is not None
        try:
            return update_engagement(self.path, change, framework=self.framework)
        except TenfoldError as exc:
            self.say(f"Not saved: {exc}", "error")
        except Exception as exc:  # never a traceback on the page
            self.say(f"Not saved: an unexpected problem ({type(exc).__name__}: {exc})", "error")
        return None

    def _after_save(self, saved: Engagement, note: str) -> None:
        self.saved_at = dt.datetime.now()
        self.saved.value = f'<span class="tf-saved">✔ saved {self.saved_at:%H:%M:%S}</span>'
        self.undo_button.disabled = not self._undo
        self.undo_button.tooltip = f"Undo: {self._undo[-1][0]}" if self._undo else ""
        self._show(saved)
        self.say(note, "ok")

    def undo(self) -> bool:
        """Take back the last change made here (applied to the latest file, like any change)."""
        if not self._undo or self.path is None:
            self.say("Nothing to undo.", "info")
            return False
        what, inverse = self._undo[-1]
        saved = self._save(inverse)
        if saved is None:
            return False
        self._undo.pop()
        self._after_save(saved, f"Undone: {what}.")
        return True

    # -- the form -----------------------------------------------------------------------------
    def submit(self) -> bool:
        """Add the finding in the form (or save the finding being edited)."""
        evidence = self.evidence.value.strip()
        problems = []
        if self.level.value is None:
            problems.append("choose a level (0-4)")
        if not evidence:
            problems.append("write the evidence")
        if problems:
            self.say("Not saved: " + " and ".join(problems) + ".", "error")
            return False
        fields: dict[str, Any] = {
            "factor": self.factor.value,
            "level": int(self.level.value),
            "evidence": evidence,
            "source": self.source.value,
            "rater": self.rater.value.strip() or None,
        }
        label = self.framework.factor(self.factor.value).label
        self._hold_radar = True  # one redraw for the save and the cleared form, not three
        try:
            ok = self._submit(fields, label)
        finally:
            self._hold_radar = False
        self._draw_radar()
        return ok

    def _submit(self, fields: dict[str, Any], label: str) -> bool:
        if self.editing is not None:
            if fields["rater"] is None:
                fields.pop("rater")
            ok = self.apply(
                f"Finding for {label} changed", changes.update_finding(self.editing, **fields)
            )
        else:
            _id, change = changes.add_finding(**fields)
            ok = self.apply(f"Finding added to {label}", change)
        if ok:
            self.cancel_edit()
            self.evidence.value = ""
            self.level.value = None
        return ok

    def edit(self, finding_id: str) -> None:
        """Load a finding into the form; "Save changes" then updates it."""
        if self.engagement is None:
            return
        try:
            f = self.engagement.finding(finding_id)
        except TenfoldError as exc:
            self.say(str(exc), "error")
            return
        self.editing = finding_id
        self.factor.value = f.factor
        self.level.value = f.level
        self.evidence.value = f.evidence
        self.source.value = f.source
        self.rater.value = f.rater
        self.add_button.description = "Save changes"
        self.add_button.icon = "check"
        self.cancel_button.layout.display = "inline-flex"

    def cancel_edit(self) -> None:
        """Leave editing: the form adds new findings again."""
        if self.editing is not None:
            self.evidence.value = ""
            self.rater.value = ""
            self.level.value = None
        self.editing = None
        self.add_button.description = "Add finding"
        self.add_button.icon = "plus"
        self.cancel_button.layout.display = "none"

    def delete(self, finding_id: str) -> bool:
        """Delete a finding (Undo puts it back)."""
        label = self.framework.factor(self.factor.value).label
        if self.editing == finding_id:
            self.cancel_edit()
        return self.apply(f"Finding deleted from {label}", changes.remove_finding(finding_id))

    # -- factor settings ----------------------------------------------------------------------
    def _on_target(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        fid = self.factor.value
        level = None if change["new"] == NO_LEVEL else int(change["new"])
        label = self.framework.factor(fid).label
        shown = "cleared" if level is None else f"set to {level}"
        self.apply(f"Target of {label} {shown}", changes.set_target(fid, level))

    def _on_not_applicable(self, change: dict[str, Any]) -> None:
        if self._syncing:
            return
        fid = self.factor.value
        label = self.framework.factor(fid).label
        what = "not applicable" if change["new"] else "applicable again"
        self.apply(f"{label} marked {what}", changes.set_not_applicable(fid, bool(change["new"])))

    def apply_override(self) -> bool:
        """Set or clear the consensus override of the selected factor (a reason is required)."""
        fid = self.factor.value
        label = self.framework.factor(fid).label
        level = self.override_level.value
        reason = self.override_reason.value.strip()
        if level == NO_LEVEL:
            if self.engagement is not None and fid not in self.engagement.overrides:
                self.say(f"{label} has no consensus override to clear.", "info")
                return False
            return self.apply(
                f"Consensus on {label} cleared", changes.set_override(fid, None, reason="", by=None)
            )
        if not reason:
            self.say("Not saved: a consensus override needs a reason.", "error")
            return False
        by = self.rater.value.strip() or None
        return self.apply(
            f"Consensus on {label} set to {level}",
            changes.set_override(fid, int(level), reason=reason, by=by),
        )

    # -- exports ------------------------------------------------------------------------------
    def _filename(self, kind: str, ext: str) -> Callable[[], str]:
        def name() -> str:
            e = self.engagement
            stem = f"{slug(e.client)}-{e.date:%Y-%m-%d}" if e else "engagement"
            return f"{stem}-{kind}.{ext}"

        return name

    def _radar_png(self) -> bytes:
        from toolkit.charts import radar_chart, save_chart

        if self.scores is None:
            raise TenfoldError("no engagement is open")
        chart = radar_chart(self.scores, framework=self.framework)
        with tempfile.TemporaryDirectory() as tmp:
            data: bytes = save_chart(chart, Path(tmp) / "radar.png").read_bytes()
            return data

    def _findings_bytes(self, fmt: str) -> bytes:
        if self.engagement is None:
            raise TenfoldError("no engagement is open")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"findings.{fmt}"
            export_findings(self.engagement, path)
            return path.read_bytes()

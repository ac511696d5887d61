"""The staff survey on the consultant's page: a drop zone for a survey tool's export, and the
staff's figures for the factor under discussion.

:class:`SurveyPanel` takes the export a person drops (or chooses) with the settings beside it
(k, the expected headcount, an optional segment column) and imports it exactly as
``tenfold survey import`` does (:func:`toolkit.survey.survey_from_bytes`, then the change
:func:`toolkit.survey.import_survey` through the session's store, one transaction, written to
the change log): all of it, or nothing and a message naming the file, row and column of every
problem. Only the engagement's lead may import or remove the survey, decided here in the
kernel by :func:`toolkit.access.check_lead`, whatever the page shows. The zone itself is a
:class:`~toolkit.dashboard.widgets.upload.FileDrop`, bounded in the kernel to one file within
:data:`toolkit.limits.MAX_IMPORT_BYTES`.

Undo does not take an import back: the change log keeps no survey figures (two logged
versions could be subtracted from each other to reveal a small group), so the panel offers
"Remove staff survey" instead, and says so.

:meth:`SurveyPanel.figures_html` is the factor's line: the staff's mean beside the
assessment's score with respondents, percentage favourable, 95% interval and the gap flag; or
why there is no figure ("suppressed: fewer than 5 respondents", "not asked"). Nothing is shown
during a blind rating (:func:`toolkit.access.seen` gives no survey then).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from toolkit import access, limits
from toolkit.dashboard.assessment.panels import Act, Redraw
from toolkit.dashboard.assessment.session import AssessmentSession
from toolkit.dashboard.assessment.updates import Update
from toolkit.dashboard.common import esc, plural, style_widget
from toolkit.dashboard.widgets.upload import FileDrop
from toolkit.errors import SurveyImportError, TenfoldError
from toolkit.survey.model import DEFAULT_K, MIN_K, StaffSurvey

__all__ = ["ACCEPT", "SurveyDrop", "SurveyPanel", "SurveySettings", "import_export"]

#: What the file chooser offers: the CSV and XLSX exports of the four survey tools.
ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The largest headcount the settings take (beyond any staff survey of one service).
MAX_HEADCOUNT = 1_000_000
NO_UNDO = (
    "Undo does not take a survey import back (the change log keeps no survey figures); "
    "“Remove staff survey” takes it out."
)


class SurveyDrop(FileDrop):
    """A :class:`FileDrop` for one survey export, its refusals worded for one."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_bytes", limits.MAX_IMPORT_BYTES)
        kwargs.setdefault("max_files", 1)
        kwargs.setdefault("max_total_bytes", limits.MAX_IMPORT_BYTES)
        super().__init__(**kwargs)

    def _refuse_file(self, name: str, size: int) -> None:
        self._refuse(
            f"{name}: the file is {limits.describe_bytes(size)}; Tenfold imports survey exports "
            f"up to {limits.describe_bytes(self.max_bytes)}. Nothing was imported."
        )

    def _refuse_count(self, count: int) -> None:
        self._refuse(f"{count} files dropped; drop one survey export. Nothing was imported.")

    def _refuse_total(self, size: int) -> None:
        self._refuse_file("the files", size)


@dataclass(frozen=True)
class SurveySettings:
    """What the panel's settings say: as ``tenfold survey import``'s ``--k``, ``--expected``
    and ``--segment``."""

    k: int = DEFAULT_K
    expected: int | None = None
    segment: str | None = None


def import_export(
    session: AssessmentSession, files: list[tuple[str, bytes]], settings: SurveySettings
) -> tuple[str, Update]:
    """Import the one export in ``files`` into the engagement open, as its lead; returns what
    was imported, in words, and what it changed.

    Raises :class:`~toolkit.access.AccessError` for anyone but the lead,
    :class:`~toolkit.errors.SurveyImportError` (file, row and column of every problem) for an
    export that cannot be read or matched, or what the store raises; nothing is stored then.
    """
    from toolkit.survey.importer import import_survey, survey_from_bytes

    e = session.engagement
    if e is None:
        raise TenfoldError("open an engagement before importing its staff survey")
    access.check_lead(session.reader, e, "import the staff survey")
    if len(files) != 1:
        raise SurveyImportError("the drop", [f"{len(files)} files; drop one survey export"])
    name, data = files[0]
    segment = (settings.segment or "").strip() or None
    expected = settings.expected if settings.expected else None
    found = survey_from_bytes(
        data,
        name,
        framework=session.framework,
        k=settings.k,
        expected=expected,
        segment=segment,
    )
    replaced = e.survey
    update = session.apply(import_survey(found.survey, source=name, by=session.by))
    s = found.survey
    asked = len(found.matched) + len(found.not_asked)
    suppressed = sum(1 for g in s.groups if not g.shown)
    who = plural(found.responses, "respondent")
    if s.expected is not None and s.response_rate is not None:
        who += f" of {s.expected} ({s.response_rate:.0f}%)"
    parts = [
        f"Staff survey imported from {name} ({found.tool}): {who}, "
        f"{len(found.matched)} of {asked} statements matched, "
        f"{len(s.groups) - suppressed} of {plural(len(s.groups), 'group')} shown, "
        f"{suppressed} suppressed for anonymity (fewer than k={s.k} respondents, or one that "
        "could be worked out from the others).",
    ]
    if found.identifying:
        parts.append(f"Not kept, they identify people: {', '.join(found.identifying)}.")
    if found.dropped:
        parts.append(f"Not counted as “don't know” or N/A: {plural(found.dropped, 'answer')}.")
    if replaced is not None:
        parts.append(
            f"It replaces the survey imported {replaced.imported_at:%d %b %Y} ({replaced.tool})."
        )
    return " ".join(parts), update


def remove(session: AssessmentSession) -> Update:
    """Take the staff survey out of the engagement open, as its lead."""
    from toolkit.survey.importer import remove_survey

    e = session.engagement
    if e is None or e.survey is None:
        raise TenfoldError("this engagement has no staff survey to remove")
    access.check_lead(session.reader, e, "remove the staff survey")
    return session.apply(remove_survey(by=session.by), "Staff survey removed.")


def _number(value: Any) -> float | None:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


class SurveyPanel:
    """The staff survey card (settings, drop zone, what the last import did, Remove) and the
    factor's staff figures (:attr:`figures`, placed with the factor's settings)."""

    def __init__(self, session: AssessmentSession, act: Act) -> None:
        self.session = session
        self.figures = style_widget(widgets.HTML(""), "tf-staff-figures")
        self.k = widgets.BoundedIntText(
            value=DEFAULT_K,
            min=MIN_K,
            max=MAX_HEADCOUNT,
            description="k",
            tooltip=f"The least respondents a group shown has (never fewer than {MIN_K})",
            style={"description_width": "20px"},
            layout=widgets.Layout(width="90px"),
        )
        self.expected = widgets.BoundedIntText(
            value=0,
            min=0,
            max=MAX_HEADCOUNT,
            description="Headcount",
            tooltip="How many staff the survey was sent to (0: not known)",
            style={"description_width": "72px"},
            layout=widgets.Layout(width="160px"),
        )
        self.segment = widgets.Text(
            description="Segment",
            placeholder="column of teams or sites (optional)",
            style={"description_width": "60px"},
            layout=widgets.Layout(width="auto", min_width="0", flex="1 1 220px"),
        )
        self.drop = style_widget(
            SurveyDrop(
                prompt="Drop a staff survey export here (CSV or XLSX from Microsoft Forms, "
                "Google Forms, LimeSurvey or Qualtrics)",
                accept=ACCEPT,
                label="Choose a staff survey export",
            ),
            "tf-drop-widget",
        )
        self.result = style_widget(widgets.HTML(""), "tf-survey-result")
        self.remove = widgets.Button(description="Remove staff survey", icon="trash", disabled=True)
        self.note = widgets.HTML("")
        self._confirming = False
        settings = widgets.HBox(
            [self.k, self.expected, self.segment],
            layout=widgets.Layout(grid_gap="6px", flex_flow="row wrap", align_items="center"),
        )
        self.view = style_widget(
            widgets.VBox(
                [
                    widgets.HTML('<div class="tf-section">Staff survey</div>'),
                    settings,
                    self.drop,
                    self.result,
                    widgets.HBox([self.remove, self.note], layout=widgets.Layout(grid_gap="8px")),
                ],
                layout=widgets.Layout(grid_gap="4px"),
            ),
            "tf-card",
            "tf-editing-tools",
            "tf-survey-panel",
        )

        def dropped(files: list[tuple[str, bytes]]) -> None:
            def run() -> Update:
                wanted = SurveySettings(
                    k=int(self.k.value),
                    expected=int(self.expected.value) or None,
                    segment=self.segment.value,
                )
                try:
                    said, update = import_export(session, files, wanted)
                except SurveyImportError as exc:
                    self._refused(exc.source, exc.problems)
                    session.say(str(exc), "error")
                    return Update()
                except TenfoldError as exc:
                    self._refused(files[0][0] if files else "the drop", [str(exc)])
                    session.say(f"Staff survey not imported: {exc}.", "error")
                    return Update()
                self.drop.status = f"Imported {files[0][0]}"
                self.result.value = (
                    f'<div class="tf-msg tf-msg-ok">{esc(said)}</div>'
                    f'<div class="tf-muted">{esc(NO_UNDO)}</div>'
                )
                session.say(said, "ok")
                return update

            act(run)

        def refused(text: str) -> None:
            self._refused("the drop", [text])
            act(lambda: session.say(f"Staff survey not imported: {text}", "error"))

        def removed() -> Update:
            update = remove(session)
            self.result.value = ""
            self.drop.status = ""
            return update

        self.drop.on_files = dropped
        self.drop.on_refused = refused

        def remove_clicked(_b: widgets.Button) -> None:
            if not self._confirming:  # the figures cannot be got back but by importing again
                self._confirm(True)
                return
            self._confirm(False)
            act(removed)

        self.remove.on_click(remove_clicked)

    def _confirm(self, on: bool) -> None:
        """Ask for a second click before removing the survey (or stop asking)."""
        self._confirming = on
        self.remove.description = "Click again to remove" if on else "Remove staff survey"
        self.remove.button_style = "danger" if on else ""

    def _refused(self, source: str, problems: list[str]) -> None:
        self.drop.status = "Not imported"
        items = "".join(f"<li>{esc(p)}</li>" for p in problems[:20])
        more = len(problems) - 20
        if more > 0:
            items += f"<li>… and {more} more</li>"
        self.result.value = (
            f'<div class="tf-msg tf-msg-error">{esc(source)}: not imported, nothing was changed.'
            f"<ul>{items}</ul></div>"
        )

    def render(self, r: Redraw) -> None:
        s, v = r.session, r.new
        e = s.engagement
        if r.opened:
            self.result.value = ""
            self.drop.status = ""
        if r.data or r.changed("rater", "factor"):
            self._confirm(False)
        if e is not None and (r.data or r.changed("rater", "phase")):
            lead = s.reader.is_lead(e)
            self.remove.disabled = not lead or e.survey is None
            self.note.value = (
                ""
                if lead
                else f'<span class="tf-muted">Only the lead, {esc(e.lead)}, imports or '
                "removes the staff survey.</span>"
            )
        if r.data or r.changed("factor"):
            self.figures.value = self.figures_html(v.factor)

    def figures_html(self, factor: str) -> str:
        """The staff's figures for ``factor``, as this page's reader may see them."""
        s = self.session
        seen, scores = s.seen, s.scores
        if seen is None or scores is None:
            return ""
        if s.blind:
            return _line("not shown during a blind rating")
        survey = seen.survey
        if survey is None:
            return _line("none imported (drop an export in “Staff survey” below)")
        from toolkit.survey.compare import staff_view

        table = staff_view(seen, scores, framework=s.framework)
        if factor not in table.index:
            return _line("not asked")
        row = table.loc[factor]
        mean = _number(row["staff"])
        if mean is None:
            note = str(row["note"])
            return _line("not asked" if note == "not in the survey" else f"suppressed: {note}")
        return _shown(survey, s.framework, row, mean)


def _line(text: str) -> str:
    return f'<div class="tf-muted tf-staff-line">Staff survey: {esc(text)}</div>'


def _shown(survey: StaffSurvey, framework: Any, row: Any, mean: float) -> str:
    name = framework.level_name(framework.level_reached(mean))
    parts = [
        f"staff mean {mean:.1f} ({name})",
        plural(int(row["n"]), "respondent"),
    ]
    favourable, low, high = (_number(row[c]) for c in ("favourable", "low", "high"))
    if favourable is not None:
        parts.append(f"{favourable:.0f}% favourable")
    if low is not None and high is not None:
        parts.append(f"95% interval {low:.1f} to {high:.1f}")
    flag = (
        f'<div class="tf-staff-gap">\u25c6 {esc(row["explanation"])}</div>' if row["flag"] else ""
    )
    return (
        f'<div class="tf-staff-line">Staff survey: {esc(" · ".join(parts))} '
        f'<span class="tf-muted">(k={survey.k})</span></div>{flag}'
    )

"""The finding form: a widget whose fields live in the browser (see ``static/form.js``).

What is typed stays in the page until the consultant saves it; a save arrives here as one
message carrying every field as the person saw it
(:class:`~toolkit.dashboard.assessment.updates.Draft`), and the form is answered with
:meth:`FindingForm.saved` or :meth:`FindingForm.rejected`. The page clears only what a save
consumed, so input typed while a finding saves is never lost.

Keys, from wherever the focus is: Ctrl/Cmd+Enter saves (from the evidence, the rater or the
source); 0-4 choose the level when the focus is not in a text box; Esc leaves edit mode, or
leaves the text box so the level keys work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from toolkit.dashboard.assessment.session import Draft
from toolkit.dashboard.widgets.assets import ignore, widget_module
from toolkit.findings import SOURCES, Finding
from toolkit.framework import Framework

__all__ = ["FindingForm"]


class FindingForm(anywidget.AnyWidget):
    """The finding form. Its handler attributes receive what the person did:

    - ``on_submit(seq, draft)``: save ``draft``; answer with :meth:`saved` or :meth:`rejected`;
    - ``on_draft(factor, level)``: the factor or level chosen changed (preview, factor panel);
    - ``on_rater(name)``: the rater typed in this tab (sticky per tab, also after a reload);
    - ``on_cancel_edit()``: the person left edit mode;
    - ``on_ready(rater)``: the page drew the form (send it the factor and edit state now).
    """

    on_submit: Callable[[int, Draft], Any] = ignore
    on_draft: Callable[[str, int | None], Any] = ignore
    on_rater: Callable[[str], Any] = ignore
    on_cancel_edit: Callable[[], Any] = ignore
    on_ready: Callable[[str], Any] = ignore

    _esm = widget_module("form.js")
    factors = traitlets.List(traitlets.Dict()).tag(sync=True)
    levels = traitlets.List(traitlets.Dict()).tag(sync=True)
    sources = traitlets.List(traitlets.Unicode()).tag(sync=True)
    lead = traitlets.Unicode("").tag(sync=True)
    #: Who signed in (a team's server): shown in the Rater box, which then takes no typing.
    signed_in = traitlets.Unicode("").tag(sync=True)

    def __init__(self, framework: Framework, **kwargs: Any) -> None:
        super().__init__(
            factors=[
                {
                    "id": f.id,
                    "label": f.label,
                    "failure_mode": f.failure_mode,
                    "anchors": list(f.anchors),
                }
                for f in framework.factors
            ],
            levels=[{"level": lv.level, "name": lv.name} for lv in framework.levels],
            sources=list(SOURCES),
            **kwargs,
        )
        self.on_msg(lambda _w, content, _b: self.handle(content))

    def handle(self, content: Any) -> None:
        """Act on one message from the page (public so tests can send what a page sends)."""
        if not isinstance(content, dict):
            return
        op = content.get("op")
        if op == "submit":
            level = content.get("level")
            draft = Draft(
                factor=str(content.get("factor", "")),
                level=None if level is None else int(level),
                evidence=str(content.get("evidence", "")),
                source=str(content.get("source", "interview")),
                rater=str(content.get("rater", "")),
                editing=content.get("editing") or None,
            )
            self.on_submit(int(content.get("seq", 0)), draft)
        elif op == "draft":
            level = content.get("level")
            self.on_draft(str(content.get("factor", "")), None if level is None else int(level))
        elif op == "rater":
            self.on_rater(str(content.get("rater", "")))
        elif op == "cancel_edit":
            self.on_cancel_edit()
        elif op == "ready":
            self.on_ready(str(content.get("rater", "")))

    # -- answers to the page -------------------------------------------------------------------
    def saved(self, seq: int, finding_id: str) -> None:
        self.send({"op": "saved", "seq": seq, "id": finding_id})

    def rejected(self, seq: int, message: str, *, retry: bool = False) -> None:
        """Say why the finding ``seq`` was not saved; ``retry`` when trying again later may work
        (the store could not be reached): the page then offers a Retry beside the message."""
        self.send({"op": "rejected", "seq": seq, "message": message, "retry": retry})

    def edit(self, finding: Finding) -> None:
        """Load ``finding`` into the form (its rater stays on it; the Rater box is untouched)."""
        self.send({"op": "edit", "finding": finding.model_dump(mode="json")})

    def choose_factor(self, factor: str) -> None:
        """Show ``factor`` in the form (nothing happens when it shows it already)."""
        self.send({"op": "factor", "factor": factor})

    def cancel_edit(self, finding_id: str) -> None:
        """Leave edit mode if the page is editing ``finding_id`` (deleted elsewhere)."""
        self.send({"op": "cancel_edit", "id": finding_id})

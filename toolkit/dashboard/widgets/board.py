"""The consensus board (see ``static/board.js``): after a blind rating, the team settles each
factor in place, every rater's level and evidence side by side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from toolkit.dashboard.widgets.assets import ignore, widget_module
from toolkit.framework import Framework

__all__ = ["ConsensusBoard"]


class ConsensusBoard(anywidget.AnyWidget):
    """The board; ``rows`` is :meth:`AssessmentSession.board`'s list. ``on_record(factor,
    level, reason, agreed_by)`` receives a consensus recorded on the page."""

    _esm = widget_module("board.js")
    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    levels = traitlets.List(traitlets.Dict()).tag(sync=True)
    on_record: Callable[[str, int | None, str, str], Any] = ignore

    def __init__(self, framework: Framework, **kwargs: Any) -> None:
        super().__init__(
            levels=[{"level": lv.level, "name": lv.name} for lv in framework.levels], **kwargs
        )
        self.on_msg(lambda _w, content, _b: self.handle(content))

    def handle(self, content: Any) -> None:
        """Act on one message from the page (public so tests can send what a page sends)."""
        if isinstance(content, dict) and content.get("op") == "record":
            level = content.get("level")
            self.on_record(
                str(content.get("factor", "")),
                None if level is None else int(level),
                str(content.get("reason", "")),
                str(content.get("agreed_by", "")),
            )

    def recorded(self, factor: str) -> None:
        """Tell the page the consensus of ``factor`` was saved (its inputs are cleared)."""
        self.send({"op": "recorded", "factor": factor})

"""Every finding of the engagement in one table (see ``static/table.js``).

Sortable by any column and filterable by factor ("This factor" follows the factor chosen in
the form), rater and source; the finding being edited is highlighted. Rows reach the page once
when it draws the table and then one change at a time, so a change costs the same at 2,000
findings as at 45.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import anywidget
import traitlets

from toolkit.dashboard.widgets.assets import ignore, widget_module
from toolkit.framework import Framework

__all__ = ["FindingsTable"]


def _no_rows() -> list[dict[str, Any]]:
    return []


class FindingsTable(anywidget.AnyWidget):
    """The findings table. ``rows()`` gives every row (for a page that draws the table);
    ``on_edit(id)`` and ``on_delete(id)`` receive the buttons pressed on a row."""

    rows: Callable[[], list[dict[str, Any]]] = _no_rows
    on_edit: Callable[[str], Any] = ignore
    on_delete: Callable[[str], Any] = ignore

    _esm = widget_module("table.js")
    factors = traitlets.List(traitlets.Dict()).tag(sync=True)
    factor = traitlets.Unicode("").tag(sync=True)  # the factor chosen in the form
    highlight = traitlets.Unicode("").tag(sync=True)  # the finding being edited

    def __init__(self, framework: Framework, **kwargs: Any) -> None:
        super().__init__(
            factors=[{"id": f.id, "label": f.label} for f in framework.factors], **kwargs
        )
        #: The revision of the view the rows sent next come from; the page stamps the table with
        #: it once they are in (``data-rev``).
        self.revision = 0
        self.on_msg(lambda _w, content, _b: self.handle(content))

    def handle(self, content: Any) -> None:
        """Act on one message from the page (public so tests can send what a page sends)."""
        if not isinstance(content, dict):
            return
        op = content.get("op")
        if op == "ready":
            self.reset()
        elif op == "edit":
            self.on_edit(str(content.get("id", "")))
        elif op == "delete":
            self.on_delete(str(content.get("id", "")))

    def reset(self) -> None:
        """Send every row again (an engagement was opened)."""
        self.send({"op": "reset", "rows": self.rows(), "rev": self.revision})

    def upsert(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.send({"op": "upsert", "rows": rows, "rev": self.revision})

    def remove(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if ids:
            self.send({"op": "remove", "ids": ids, "rev": self.revision})

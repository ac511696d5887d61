"""Know when a person opens the page, so a dashboard can show what is on disk at that moment.

Voila runs a dashboard's notebook in a preheated kernel before anyone asks for the page; the
app built then may be minutes old when the page opens. :class:`PageOpened` is an invisible
widget whose view, when the browser draws it, tells Python; the apps then read the folder again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget

__all__ = ["PageOpened"]

_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  model.send({ event: "opened" });
}
export default { render };
"""


class PageOpened(anywidget.AnyWidget):
    """An invisible widget calling ``on_open()`` each time a browser draws it."""

    _esm = _ESM

    def __init__(self, on_open: Callable[[], Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_open = on_open
        self.opened = 0  # how many times a browser has drawn it
        self.on_msg(self._handle_message)

    def _handle_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "opened":
            self.opened += 1
            self._on_open()

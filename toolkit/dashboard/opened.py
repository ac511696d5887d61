"""Know when a person opens the page, and let them save with the keyboard.

Voila runs a dashboard's notebook in a preheated kernel before anyone asks for the page; the
app built then may be minutes old when the page opens. :class:`PageOpened` is an invisible
widget whose view, when the browser draws it, tells Python; the apps then read the folder again.
It also passes on Ctrl+Enter (Cmd+Enter on a Mac), with which a consultant adds a finding
without reaching for the mouse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anywidget

__all__ = ["PageOpened"]

_ESM = """
function render({ model, el }) {
  el.style.display = "none";
  const onKey = (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      // Let a text box that still has the focus hand its value over first.
      if (document.activeElement) document.activeElement.dispatchEvent(new Event("change"));
      model.send({ event: "submit" });
    }
  };
  document.addEventListener("keydown", onKey);
  model.send({ event: "opened" });
  return () => document.removeEventListener("keydown", onKey);
}
export default { render };
"""


class PageOpened(anywidget.AnyWidget):
    """An invisible widget: ``on_open()`` when a browser draws it, ``on_submit()`` on Ctrl+Enter."""

    _esm = _ESM

    def __init__(
        self,
        on_open: Callable[[], Any],
        *,
        on_submit: Callable[[], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._on_open = on_open
        self._on_submit = on_submit
        self.opened = 0  # how many times a browser has drawn it
        self.on_msg(self._handle_message)

    def _handle_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("event") == "opened":
            self.opened += 1
            self._on_open()
        elif content.get("event") == "submit" and self._on_submit is not None:
            self._on_submit()

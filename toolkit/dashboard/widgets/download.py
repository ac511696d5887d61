"""A button that makes the browser download bytes produced in Python, in Jupyter and in Voila.

On click the browser asks the kernel for the file; Python calls ``producer()`` and sends the
bytes back as a binary buffer; the browser wraps them in a Blob and clicks a hidden
``<a download>``. Nothing is written on the server, and nothing large sits in an Output widget
(which stalls Voila's first render).
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

__all__ = ["DownloadButton"]

_ESM = r"""
function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "jupyter-widgets jupyter-button widget-button tf-download";
  const sync = () => {
    button.textContent = model.get("description");
    button.title = model.get("tooltip");
    button.disabled = model.get("disabled") || model.get("busy");
  };
  sync();
  model.on("change:description", sync);
  model.on("change:tooltip", sync);
  model.on("change:disabled", sync);
  model.on("change:busy", sync);
  button.addEventListener("click", () => model.send({ event: "request" }));
  const onMessage = (msg, buffers) => {
    if (!msg || msg.event !== "file") return;
    const blob = new Blob(buffers, { type: msg.mime });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = msg.filename;
    link.style.display = "none";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  };
  model.on("msg:custom", onMessage);
  el.appendChild(button);
  return () => model.off("msg:custom", onMessage);
}
export default { render };
"""


class DownloadButton(anywidget.AnyWidget):
    """A button whose click downloads ``producer()``'s bytes as ``filename`` in the browser.

    Parameters
    ----------
    description
        The button's text.
    filename
        The downloaded file's name, or a function returning it (e.g. from the open engagement).
    producer
        Returns the file's bytes; called on each click. An exception it raises is passed to
        ``on_error`` (shown inline by the dashboards) and nothing is downloaded.
    mime
        The content type (default: guessed from ``filename``).
    tooltip
        Shown on hover.
    on_error
        Called with the exception when ``producer`` fails.

    Examples
    --------
    >>> button = DownloadButton("Findings CSV", "findings.csv", lambda: b"id,factor\\n")
    >>> button.payload()
    ('findings.csv', b'id,factor\\n')
    """

    _esm = _ESM
    description = traitlets.Unicode("Download").tag(sync=True)
    tooltip = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        description: str,
        filename: str | Callable[[], str],
        producer: Callable[[], bytes],
        *,
        mime: str | None = None,
        tooltip: str = "",
        on_error: Callable[[Exception], None] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(description=description, tooltip=tooltip, **kwargs)
        self._filename = filename
        self._producer = producer
        self._mime = mime
        self._on_error = on_error
        self.sent: list[tuple[str, int]] = []  # (filename, size) of each download, newest last
        self.on_msg(lambda _w, content, _b: self.handle(content))

    def payload(self) -> tuple[str, bytes]:
        """The file name and bytes a click would download now."""
        name = self._filename() if callable(self._filename) else self._filename
        return name, bytes(self._producer())

    def click(self) -> bool:
        """Do what a click does: produce the file and send it to the browser; ``False`` on error."""
        self.busy = True
        try:
            name, data = self.payload()
        except Exception as exc:  # every failure becomes an inline message, never a traceback
            if self._on_error is not None:
                self._on_error(exc)
            return False
        finally:
            self.busy = False
        mime = self._mime or mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.send({"event": "file", "filename": name, "mime": mime}, buffers=[data])
        self.sent.append((name, len(data)))
        return True

    def handle(self, content: Any) -> None:
        """Act on one message from the page: ``{"event": "request"}``, sent when the button is
        clicked in the browser, does what :meth:`click` does; anything else is ignored (public
        so tests can send what a page sends)."""
        if isinstance(content, dict) and content.get("event") == "request":
            self.click()

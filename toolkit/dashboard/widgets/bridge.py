"""What passes between the page and the kernel besides the widgets (see ``static/bridge.js``).

Voila runs a dashboard's notebook in a preheated kernel before anyone asks for the page, so the
app cannot read the page's URL when it is built. :class:`PageBridge` is an invisible widget:
when the browser draws it, it sends the URL's query string (``?engagement=FILE&factor=ID``)
and the room the page has; the app opens what the URL names and keeps the URL in step with what
is shown (:meth:`PageBridge.set_query`), so a reload or a second tab reopens the same engagement
and factor. In present mode it also passes on the arrow keys that step through the factors.
When the page goes away (a closed tab, a reload), it says so, so the app stops what it runs for
that page (:class:`Ticker`, a store's watch).

The room the page last reported is also written on the page itself
(``document.documentElement.dataset.tfRoom``, in the words of :func:`room_key`), and
``dataset.tfMeasuring`` is set while a new measure is on its way: with the radar's stamp, a page
can tell whether the radar on the screen was drawn for the room it has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import anywidget
import traitlets

from toolkit.dashboard.widgets.assets import ignore, widget_module

__all__ = ["PageBridge", "PageSize", "Ticker", "every", "parse_query", "room_key"]


def parse_query(search: str) -> dict[str, str]:
    """``"?engagement=a.json&factor=purpose"`` -> ``{"engagement": "a.json", ...}``."""
    return dict(parse_qsl(search.lstrip("?"), keep_blank_values=False))


@dataclass(frozen=True)
class PageSize:
    """The window and the measured column, in CSS pixels."""

    width: int
    height: int
    column_width: int
    column_top: int


def room_key(room: PageSize) -> str:
    """``"1280x720 column 600 at 120"``: a room as the page writes it (see the module)."""
    return f"{room.width}x{room.height} column {room.column_width} at {room.column_top}"


class PageBridge(anywidget.AnyWidget):
    """An invisible widget between the page and the app. Its handler attributes receive:

    ``on_open(query)`` when a browser draws the page (the URL's query string, parsed);
    ``on_size(size)`` with the room the page has (the element matching ``measure`` and the
    window); ``on_step(delta)`` for the arrow keys and ``on_present(False)`` for Esc while
    ``present`` is set; ``on_close()`` when the page goes away.
    """

    on_open: Callable[[dict[str, str]], Any] = ignore
    on_size: Callable[[PageSize], Any] = ignore
    on_step: Callable[[int], Any] = ignore
    on_present: Callable[[bool], Any] = ignore
    on_close: Callable[[], Any] = ignore

    _esm = widget_module("bridge.js")
    measure = traitlets.Unicode(".tf-radar-col").tag(sync=True)
    present = traitlets.Bool(False).tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.opened = 0  # how many times a browser has drawn the page
        self.closed = 0  # how many times a page has gone away
        self.on_msg(lambda _w, content, _b: self.handle(content))

    def handle(self, content: Any) -> None:
        """Act on one message from the page (public so tests can send what a page sends)."""
        if not isinstance(content, dict):
            return
        event = content.get("event")
        if event == "opened":
            self.opened += 1
            # The room first: what the page opens is then drawn once, already fitted to it.
            self._size(content)
            self.on_open(parse_query(str(content.get("search", ""))))
        elif event == "size":
            self._size(content)
        elif event == "step":
            self.on_step(int(content.get("delta", 1)))
        elif event == "present":
            self.on_present(bool(content.get("value")))
        elif event == "closed":
            self.closed += 1
            self.on_close()

    def _size(self, content: Mapping[str, Any]) -> None:
        if not content.get("column_width"):
            return
        self.on_size(
            PageSize(
                width=int(content.get("width", 0)),
                height=int(content.get("height", 0)),
                column_width=int(content.get("column_width", 0)),
                column_top=int(content.get("column_top", 0)),
            )
        )

    def set_query(self, query: Mapping[str, str | None]) -> None:
        """Show ``query`` in the page's URL (keys with None or "" are left out)."""
        kept = {k: v for k, v in query.items() if v}
        self.send({"op": "url", "search": "?" + urlencode(kept) if kept else ""})

    def remeasure(self) -> None:
        """Ask the page for its size again (after the layout changed)."""
        self.send({"op": "measure"})

    def scroll_to(self, selector: str) -> None:
        """Scroll the page so that the element matching ``selector`` is at the top."""
        self.send({"op": "scroll", "selector": selector})


class Ticker:
    """Something that runs again and again until :meth:`stop` is called (see :func:`every`)."""

    def __init__(self) -> None:
        self._handle: Any = None
        self.stopped = False
        self.ticks = 0

    @property
    def running(self) -> bool:
        return self._handle is not None and not self.stopped

    def stop(self) -> None:
        """Stop ticking (a tick under way finishes); stopping twice does nothing."""
        self.stopped = True
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None


def every(seconds: float, tick: Callable[[], Any]) -> Ticker:
    """Call ``tick`` every ``seconds`` on the kernel's running event loop, between messages,
    until the returned :class:`Ticker` is stopped.

    Where no loop runs (a script, a test), nothing is scheduled and the ticker is not
    ``running``: the caller calls ``tick`` itself.
    """
    import asyncio

    ticker = Ticker()
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return ticker

    def run() -> None:
        if ticker.stopped:
            return
        ticker._handle = loop.call_later(seconds, run)  # first: a failing tick keeps ticking
        ticker.ticks += 1
        tick()

    ticker._handle = loop.call_later(seconds, run)
    return ticker

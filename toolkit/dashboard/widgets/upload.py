"""A drop zone and file chooser that hands files read in the browser to Python, in memory.

The browser reads the chosen or dropped files itself and sends their bytes to the kernel in
pieces of :data:`CHUNK_BYTES` (the Jupyter server refuses a single websocket message over
10 MiB). Nothing touches the disk: the handler receives ``[(file name, bytes), ...]``.

What one upload may be is decided here, in the kernel, whatever the page does: at most
:data:`toolkit.limits.MAX_UPLOAD_FILES` files, each within
:data:`toolkit.limits.MAX_ENGAGEMENT_BYTES` (the engagement file limit) and all together
within :data:`toolkit.limits.MAX_UPLOAD_BYTES`. An upload announced beyond them is refused
before a byte of it is kept; a page that sends more than it announced is refused at the piece
that goes over, and everything received for that upload is let go. So one page's upload never
holds more than :data:`~toolkit.limits.MAX_UPLOAD_BYTES` of the server's memory
(:attr:`FileDrop.held` says how much it holds now). The page checks the same limits before
reading anything, so a person hears at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anywidget
import traitlets

from toolkit import limits
from toolkit.dashboard.widgets.assets import ignore, widget_module

__all__ = ["CHUNK_BYTES", "FileDrop"]

#: The size of one piece of a file on its way to the kernel.
CHUNK_BYTES = 1_000_000


@dataclass
class _Upload:
    names: list[str]
    sizes: list[int]
    parts: list[bytearray] = field(default_factory=list)

    @property
    def held(self) -> int:
        return sum(len(p) for p in self.parts)


def _size(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError, OverflowError):
        return 0


class FileDrop(anywidget.AnyWidget):
    """Drop files here or choose them; ``on_files([(name, data), ...])`` receives them.

    ``on_refused(text)`` gets a sentence when an upload is beyond the limits or the page sent
    something else than it announced; ``status`` is a line shown in the zone (set it to say
    what happened). ``prompt`` is the zone's invitation, ``label`` its file chooser's name.
    """

    on_files: Callable[[list[tuple[str, bytes]]], Any] = ignore
    on_refused: Callable[[str], Any] = ignore

    _esm = widget_module("upload.js")
    prompt = traitlets.Unicode("Drop an engagement file here").tag(sync=True)
    accept = traitlets.Unicode(".json,application/json").tag(sync=True)
    #: The file chooser's accessible name (what a screen reader, and a test, calls it).
    label = traitlets.Unicode("Choose an engagement file").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(0).tag(sync=True)
    max_files = traitlets.Int(0).tag(sync=True)
    max_total_bytes = traitlets.Int(0).tag(sync=True)
    chunk_bytes = traitlets.Int(CHUNK_BYTES).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_bytes", limits.MAX_ENGAGEMENT_BYTES)
        kwargs.setdefault("max_files", limits.MAX_UPLOAD_FILES)
        kwargs.setdefault("max_total_bytes", limits.MAX_UPLOAD_BYTES)
        super().__init__(**kwargs)
        self._uploads: dict[str, _Upload] = {}
        self.on_msg(lambda _w, content, buffers: self.handle(content, buffers))

    @property
    def held(self) -> int:
        """The bytes this widget holds now for an upload still arriving."""
        return sum(upload.held for upload in self._uploads.values())

    def handle(self, content: Any, buffers: list[Any] | None = None) -> None:
        """Act on one message from the page (public so tests can send what a page sends)."""
        if not isinstance(content, dict):
            return
        event, key = content.get("event"), str(content.get("upload", ""))
        if event == "too-large":
            self._refuse_file(str(content.get("name", "the file")), _size(content.get("size")))
        elif event == "too-many":
            self._refuse_count(_size(content.get("count")))
        elif event == "too-much":
            self._refuse_total(_size(content.get("size")))
        elif event == "start":
            self._start(key, content.get("files"))
        elif event == "chunk":
            index = content.get("file")
            self._chunk(key, index if isinstance(index, int) else -1, buffers or [])
        elif event == "end":
            self._end(key)

    # -- refusals: each lets go of whatever was received ---------------------------------------
    def _refuse(self, text: str) -> None:
        self._uploads.clear()
        self.on_refused(text)

    def _refuse_file(self, name: str, size: int) -> None:
        self._refuse(
            f"{name}: the file is {limits.describe_bytes(size)}; the viewer opens engagement "
            f"files up to {limits.describe_bytes(self.max_bytes)}, as Tenfold does on disk."
        )

    def _refuse_count(self, count: int) -> None:
        self._refuse(
            f"{count} files dropped; drop one engagement file, or two of the same client to see "
            "what moved between them."
        )

    def _refuse_total(self, size: int) -> None:
        self._refuse(
            f"the files come to {limits.describe_bytes(size)}; one upload holds at most "
            f"{limits.describe_bytes(self.max_total_bytes)} in all."
        )

    # -- an upload arriving --------------------------------------------------------------------
    def _start(self, key: str, announced: Any) -> None:
        self._uploads.clear()  # a new upload replaces one still arriving
        files = [f for f in announced if isinstance(f, dict)] if isinstance(announced, list) else []
        if not files:
            return
        if len(files) > self.max_files:
            self._refuse_count(len(files))
            return
        names = [str(f.get("name", ""))[:300] for f in files]
        sizes = [_size(f.get("size")) for f in files]
        for name, size in zip(names, sizes, strict=True):
            if size > self.max_bytes:
                self._refuse_file(name, size)
                return
        if sum(sizes) > self.max_total_bytes:
            self._refuse_total(sum(sizes))
            return
        self._uploads[key] = _Upload(names, sizes, [bytearray() for _ in names])

    def _chunk(self, key: str, index: int, buffers: list[Any]) -> None:
        upload = self._uploads.get(key)
        if upload is None or not 0 <= index < len(upload.parts):
            return  # a piece of an upload that was refused or replaced: not kept
        part = upload.parts[index]
        for buffer in buffers:
            piece = memoryview(buffer).cast("B")
            if len(part) + len(piece) > upload.sizes[index]:
                self._refuse(
                    f"{upload.names[index]}: more arrived than the page announced; choose the "
                    "file again."
                )
                return
            part.extend(piece)

    def _end(self, key: str) -> None:
        upload = self._uploads.pop(key, None)
        if upload is None:
            return
        for name, size, part in zip(upload.names, upload.sizes, upload.parts, strict=True):
            if len(part) != size:
                self.on_refused(
                    f"{name}: only {limits.describe_bytes(len(part))} of "
                    f"{limits.describe_bytes(size)} arrived; choose the file again."
                )
                return
        files = []
        for i, name in enumerate(upload.names):  # one copy at a time, each piece let go
            files.append((name, bytes(upload.parts[i])))
            upload.parts[i] = bytearray()
        self.on_files(files)

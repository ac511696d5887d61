"""A drop zone and file chooser that hands files read in the browser to Python, in memory.

The browser reads the chosen or dropped files itself and sends their bytes to the kernel in
pieces of :data:`CHUNK_BYTES` (the Jupyter server refuses a single websocket message over
10 MiB). Files over :data:`toolkit.limits.MAX_ENGAGEMENT_BYTES`, the engagement file limit,
are refused before they are read, and again here if a page sends more than it announced.
Nothing touches the disk: the handler receives ``[(file name, bytes), ...]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anywidget
import traitlets

from toolkit import limits
from toolkit.dashboard.common import ignore, widget_module

__all__ = ["CHUNK_BYTES", "MAX_FILES", "FileDrop"]

#: The size of one piece of a file on its way to the kernel.
CHUNK_BYTES = 1_000_000
#: How many files one drop may hold.
MAX_FILES = 2


@dataclass
class _Upload:
    names: list[str]
    sizes: list[int]
    parts: list[bytearray] = field(default_factory=list)


class FileDrop(anywidget.AnyWidget):
    """Drop files here or choose them; ``on_files([(name, data), ...])`` receives them.

    ``on_refused(text)`` gets a sentence when a file is too large or the page sent something
    else than it announced; ``status`` is a line shown in the zone (set it to say what
    happened). ``prompt`` is the zone's invitation.
    """

    on_files: Callable[[list[tuple[str, bytes]]], Any] = ignore
    on_refused: Callable[[str], Any] = ignore

    _esm = widget_module("upload.js")
    prompt = traitlets.Unicode("Drop an engagement file here").tag(sync=True)
    accept = traitlets.Unicode(".json,application/json").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    max_bytes = traitlets.Int(0).tag(sync=True)
    max_files = traitlets.Int(MAX_FILES).tag(sync=True)
    chunk_bytes = traitlets.Int(CHUNK_BYTES).tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_bytes=limits.MAX_ENGAGEMENT_BYTES, **kwargs)
        self._uploads: dict[str, _Upload] = {}
        self.on_msg(lambda _w, content, buffers: self.handle(content, buffers))

    def handle(self, content: Any, buffers: list[Any] | None = None) -> None:
        """Act on one message from the page (public so tests can send what a page sends)."""
        if not isinstance(content, dict):
            return
        event, key = content.get("event"), str(content.get("upload", ""))
        if event == "too-large":
            self._refuse(str(content.get("name", "the file")), int(content.get("size", 0)))
        elif event == "too-many":
            self.on_refused(
                f"{int(content.get('count', 0))} files dropped; drop one engagement file, or "
                "two of the same client to see what moved between them."
            )
        elif event == "start":
            files = [f for f in content.get("files", []) if isinstance(f, dict)]
            names = [str(f.get("name", "")) for f in files]
            sizes = [int(f.get("size", 0)) for f in files]
            for name, size in zip(names, sizes, strict=True):
                if size > self.max_bytes:
                    self._refuse(name, size)
                    return
            self._uploads = {key: _Upload(names, sizes, [bytearray() for _ in names])}
        elif event == "chunk":
            self._chunk(key, int(content.get("file", -1)), buffers or [])
        elif event == "end":
            self._end(key)

    def _refuse(self, name: str, size: int) -> None:
        self._uploads.clear()
        self.on_refused(
            f"{name}: the file is {limits.describe_bytes(size)}; the viewer opens engagement "
            f"files up to {limits.describe_bytes(self.max_bytes)}, as Tenfold does on disk."
        )

    def _chunk(self, key: str, index: int, buffers: list[Any]) -> None:
        upload = self._uploads.get(key)
        if upload is None or not 0 <= index < len(upload.parts):
            return  # a piece of an upload that was refused or replaced
        part = upload.parts[index]
        for buffer in buffers:
            part.extend(bytes(buffer))
        if len(part) > self.max_bytes:
            self._refuse(upload.names[index], len(part))
        elif len(part) > upload.sizes[index]:
            self._uploads.clear()
            self.on_refused(
                f"{upload.names[index]}: more arrived than the page announced; choose the file "
                "again."
            )

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
        self.on_files([(n, bytes(p)) for n, p in zip(upload.names, upload.parts, strict=True)])

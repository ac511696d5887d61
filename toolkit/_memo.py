"""Values worked out once per immutable object, kept by the object's identity.

Findings and change log entries are frozen and pass unchanged from one version of an engagement
to the next, so what is derived from one (its text in the file, its digest) can be kept and
reused: saving or hashing a 2,000-finding engagement after a change works out only what the
change made. Each value is kept with its object, so the object's id cannot be reused by another
while the entry stands; past ``limit`` entries everything is forgotten at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["KeptByIdentity"]

T = TypeVar("T")
V = TypeVar("V")


class KeptByIdentity(Generic[T, V]):
    """``make(item)``, worked out once per object and kept while ``limit`` allows."""

    def __init__(self, make: Callable[[T], V], *, limit: int) -> None:
        self._make = make
        self._limit = limit
        self._kept: dict[int, tuple[T, V]] = {}

    def __call__(self, item: T) -> V:
        kept = self._kept.get(id(item))
        if kept is not None and kept[0] is item:
            return kept[1]
        if len(self._kept) >= self._limit:
            self._kept.clear()
        value = self._make(item)
        self._kept[id(item)] = (item, value)
        return value

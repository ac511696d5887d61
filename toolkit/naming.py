"""File names made from people's words: ``"Café Nord"`` -> ``"cafe-nord"``."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["slug"]


def slug(text: str, *, fallback: str = "engagement", limit: int = 60) -> str:
    """A safe ASCII file-name part: accents dropped, anything else a hyphen, at most ``limit``
    characters; ``fallback`` when nothing is left (a name with no Latin letters or digits)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cut = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")
    return cut or fallback

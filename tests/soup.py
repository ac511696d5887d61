"""Reading HTML in tests (the reports, the viewer's panels) with BeautifulSoup, typed.

``select_one`` may find nothing; these helpers fail the test there, naming what was looked for,
instead of failing later on ``None``.
"""

from __future__ import annotations

from bs4 import Tag


def one(node: Tag, selector: str) -> Tag:
    """The first element under ``node`` that ``selector`` matches; the test fails if none does."""
    found = node.select_one(selector)
    assert found is not None, f"no element matches {selector!r}"
    return found


def text_of(node: Tag, selector: str, separator: str = "") -> str:
    """The text of :func:`one` ``(node, selector)``, its pieces joined by ``separator``."""
    return one(node, selector).get_text(separator)


def attr(tag: Tag, name: str) -> str:
    """The value of ``tag``'s attribute ``name``; the test fails if it is missing or a list
    (``class`` and other multi-valued attributes: use :func:`classes`)."""
    value = tag.get(name)
    assert isinstance(value, str), f"<{tag.name}> has {name}={value!r}, not one string"
    return value


def classes(tag: Tag | None) -> list[str]:
    """The classes of ``tag`` (a parent, say: the test fails if there is none), in order."""
    assert tag is not None, "no element"
    value = tag.get("class")
    return [] if value is None else [value] if isinstance(value, str) else list(value)

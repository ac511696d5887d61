"""People's names in free text, in every form a person writes them, and words that may be names.

:class:`NameFinder` knows a set of people (each a full name such as ``"Tomás Herrera"``) and
finds each one in text whatever the case or accents (``TOMAS HERRERA``, ``tomás``), as a whole
name, a first or last name alone (``Tom``, ``Herrera``), with initials (``T. Herrera``,
``T.H.``, ``Tom H.``), last name first (``Herrera, Tomás``), as a possessive (``Tomás's``), and
joined by hyphens, underscores or dots as in file names (``Tomas-Herrera notes.csv``,
``tomas_herrera``). Text is compared after :func:`fold`: letters transliterated to ASCII by
`anyascii <https://github.com/anyascii/anyascii>`_ (``é`` -> ``e``, ``ø`` -> ``o``,
``ß`` -> ``ss``) and case-folded.

A first or last name alone belongs to one person; one that two people share (two Toms) is
found as :data:`SHARED`. A name part of one letter is never looked for alone, nor the particles
of :data:`PARTICLES` ("van", "de"...), which are words as often as names.

:func:`capitalised_words` lists the words in text that look like a name nobody told the finder
about: a capital letter followed by lower-case letters, and not a word that the rest of the
text, or the framework, uses in lower case.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from anyascii import anyascii

__all__ = ["PARTICLES", "SHARED", "NameFinder", "capitalised_words", "fold", "name_parts"]

#: Name particles never looked for alone: as often ordinary words as parts of a name.
PARTICLES = frozenset(
    {"al", "bin", "da", "das", "de", "del", "della", "der", "des", "di", "do", "dos", "du"}
    | {"el", "la", "le", "lo", "st", "van", "von", "y"}
)
#: Who a name part belongs to when two or more people share it ("Tom" of two Toms).
SHARED = -1

_BEFORE = r"(?<![^\W_])"  # no letter or digit just before (an underscore or a dot may be)
_AFTER = r"(?![^\W_])"  # no letter or digit just after
_JOIN = r"[\s_.'-]*"  # between the parts of a name: nothing, spaces, _ . ' or -
_ALNUM = re.compile(r"[^\W_]+")


def _fold_char(char: str) -> str:
    return anyascii(char).casefold()


def fold(text: str) -> str:
    """``text`` transliterated to ASCII and case-folded: ``"Tomás"`` -> ``"tomas"``."""
    return text.casefold() if text.isascii() else "".join(_fold_char(c) for c in text)


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text, and where each character of ``text`` starts in it (one more entry at
    the end: the folded length)."""
    if text.isascii():
        return text.casefold(), list(range(len(text) + 1))
    starts, parts, at = [], [], 0
    for char in text:
        starts.append(at)
        piece = _fold_char(char)
        parts.append(piece)
        at += len(piece)
    starts.append(at)
    return "".join(parts), starts


def name_parts(name: str) -> list[str]:
    """The folded parts of a name: ``"Jean-Luc O'Brien"`` -> ``["jean", "luc", "o", "brien"]``."""
    return re.findall(r"[^\W_]+", fold(name))


def _forms(parts: Sequence[str]) -> list[str]:
    """Regular expressions (over folded text) for the whole-name forms of one person."""
    if not parts:
        return []
    esc = [re.escape(p) for p in parts]
    forms = [_JOIN.join(esc)]  # tom reyes, tom-reyes, tom_reyes, tomreyes
    if len(parts) >= 2:
        first, last = esc[0], esc[-1]
        forms += [
            rf"{last}[\s_.,'-]+{first}",  # reyes, tom
            "".join(rf"{re.escape(p[0])}\.?[\s_.-]*" for p in parts[:-1]) + last,  # t. reyes
            rf"{re.escape(parts[0][0])}\.?[\s_.-]*{last}",  # t. reyes (middle names left out)
            rf"{first}[\s_]+{re.escape(parts[-1][0])}(?:\.|{_AFTER})",  # tom r.
            r"\.\s*".join(re.escape(p[0]) for p in parts) + r"\.",  # t.r.  t. r.
        ]
    return list(dict.fromkeys(forms))


@dataclass(frozen=True)
class Found:
    """One name found in a text: where (in the original text) and whose (an index into the
    finder's people, or :data:`SHARED`)."""

    start: int
    end: int
    person: int


class NameFinder:
    """Finds the names of ``people`` in text (see the module docstring).

    Parameters
    ----------
    people
        Full names, each one person.
    """

    def __init__(self, people: Sequence[str]) -> None:
        self.people = list(people)
        whole: list[tuple[str, int]] = []
        owners: dict[str, set[int]] = {}
        #: Name parts by first letter: a name can only start at a word that starts with one.
        self._parts: dict[str, set[str]] = {}
        for index, name in enumerate(self.people):
            parts = name_parts(name)
            whole += [(form, index) for form in _forms(parts)]
            for part in parts:
                self._parts.setdefault(part[0], set()).add(part)
                if len(part) >= 2 and part not in PARTICLES:
                    owners.setdefault(part, set()).add(index)
        # The longest forms first: at one place in the text, a whole name wins over a part.
        whole.sort(key=lambda item: len(item[0]), reverse=True)
        alone = sorted(owners, key=len, reverse=True)
        alternatives = [form for form, _ in whole] + [re.escape(p) for p in alone]
        self._owner = [index for _, index in whole] + [
            next(iter(owners[p])) if len(owners[p]) == 1 else SHARED for p in alone
        ]
        self._pattern = (
            re.compile(
                _BEFORE
                + "(?:"
                + "|".join(f"(?P<g{i}>{a})" for i, a in enumerate(alternatives))
                + ")"
                + _AFTER
            )
            if alternatives
            else None
        )

    def find(self, text: str) -> list[Found]:
        """Every name in ``text``, left to right, as spans of ``text`` itself."""
        if self._pattern is None or not text:
            return []
        folded, starts = _folded_with_positions(text)
        out = []
        done = 0
        # The one pattern is tried only where a word could begin a name: much faster than
        # trying every alternative at every character of a long text.
        for word in _ALNUM.finditer(folded):
            if word.start() < done or not self._may_begin(word.group()):
                continue
            match = self._pattern.match(folded, word.start())
            if match is None:
                continue
            done = match.end()
            group = match.lastgroup
            assert group is not None
            start = bisect.bisect_right(starts, match.start()) - 1
            end = bisect.bisect_right(starts, match.end()) - 1
            if match.end() > starts[end]:  # the match ends inside one character's folding
                end += 1
            out.append(Found(start, max(end, start + 1), self._owner[int(group[1:])]))
        return out

    def _may_begin(self, word: str) -> bool:
        """Whether a name (or initials) can start with ``word`` (a run of letters and digits)."""
        if any(word.startswith(p) for p in self._parts.get(word[0], ())):
            return True  # a name part, alone or run into the next (tomreyes)
        if word[0] not in self._parts:
            return False
        rest = word[1:]  # an initial: alone (t. reyes, t.r.) or run into a part (treyes)
        return not rest or any(rest.startswith(p) for p in self._parts.get(rest[0], ()))

    def replace(self, text: str, alias: Callable[[int], str]) -> str:
        """``text`` with every name found replaced by ``alias(person)``."""
        found = self.find(text)
        if not found:
            return text
        pieces, at = [], 0
        for f in found:
            pieces += [text[at : f.start], alias(f.person)]
            at = f.end
        pieces.append(text[at:])
        return "".join(pieces)


_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019-](?=[^\W\d_]))*")


def capitalised_words(
    texts: Iterable[tuple[str, str]], *, known: Iterable[str] = ()
) -> dict[str, list[str]]:
    """Words in ``texts`` (``(where, text)`` pairs) that may name a person: each -> where.

    A word counts when it starts with a capital and has lower-case letters after it
    (``Maria``, ``McKenzie``; not ``KPI`` or ``KPIs``), and it is neither a word of the
    ``known`` texts (in any case) nor one that the texts themselves use in lower case somewhere
    (``The`` at the start of a sentence, when ``the`` appears elsewhere). Words are compared
    folded.
    """
    items = list(texts)
    ordinary = {fold(m.group()) for text in known for m in _WORD.finditer(text)}
    capitalised: dict[str, tuple[str, list[str]]] = {}
    for where, text in items:
        for match in _WORD.finditer(text):
            word = match.group()
            if word[0].islower():
                ordinary.add(fold(word))
            elif word[0].isupper() and any(c.islower() for c in word[1:].removesuffix("s")):
                _first, places = capitalised.setdefault(fold(word), (word, []))
                if not places or places[-1] != where:
                    places.append(where)
    return {shown: places for key, (shown, places) in capitalised.items() if key not in ordinary}

"""Reading many engagement files at once, for a portfolio: a fast path with the store's rules.

:func:`toolkit.load_engagement` validates every finding with pydantic, which costs about ten
times what parsing the file's JSON does: fine for one engagement, slow for ten thousand. Here a
file in the form the store writes (schema version current, every finding with exactly its seven
fields, each a plain value: a trimmed non-empty string, a whole level from 0 to 4, a known source,
an ISO timestamp with its time zone) is checked field by field in plain Python and its findings
are built without a second validation; the engagement's other fields still go through pydantic.

Anything else (an older schema to migrate, a level written as ``"3"`` or ``3.0``, a missing id,
an unreadable or broken file, an engagement that does not fit the framework) is handed to
:func:`toolkit.load_engagement` itself, so a bad file gets exactly the error it would get alone,
naming the file and the field, and an unusual but valid file loads exactly as it would alone.
The fast path only ever accepts what the full validation accepts, and builds an equal
engagement; tests check both against the full validation on generated files.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from orjson import loads as _loads
from pydantic import BaseModel, ValidationError

from toolkit.findings import SOURCES, Engagement, Finding
from toolkit.framework import LEVELS, Framework, load_framework
from toolkit.store import SCHEMA_VERSION, load_engagement

__all__ = ["canonical_engagement", "read_engagement"]

#: The fields a finding is built with here. Should the model change, the fast path stands aside
#: (every file goes through the full validation) until this is brought up to date.
_FIELDS = ("evidence", "factor", "id", "level", "rater", "recorded_at", "source")
ENABLED = tuple(Finding.model_fields) == _FIELDS
_FIELD_SET = frozenset(_FIELDS)
_SOURCES = frozenset(SOURCES)
#: What :data:`toolkit.findings.Level` accepts of a plain int.
_LEVELS = frozenset(LEVELS)
_TIMESTAMP = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})"
#: Every timestamp of a file, joined by newlines, checked in one call.
_TIMESTAMPS = re.compile(rf"(?:{_TIMESTAMP}\n)*{_TIMESTAMP}")
# Left to the full validation: a JSON escape for half of a surrogate pair, and any control
# character the models refuse or rewrite (a CR becomes a line break), escaped or raw. A
# backslash before r, b or f in ordinary text matches too; such a file just takes the slow path.
_SLOW_TEXT = re.compile(
    r"\\[uU][dD][89a-fA-F]|\\[rbf]|\\u00[01][0-9a-fA-F]|\\u00[79][0-9a-fA-F]|\\u008|[\x7f-\x9f]"
)
# How pydantic's BaseModel keeps an instance's state: its __dict__ and three slots.
_new = object.__new__
_set_dict = BaseModel.__dict__["__dict__"].__set__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def canonical_engagement(text: str) -> Engagement | None:
    """The engagement in ``text`` if the file is in the store's form, else ``None``.

    ``None`` means "use the full validation", never "invalid": the caller then loads the file
    with :func:`toolkit.load_engagement`.
    """
    if not ENABLED or text.startswith("\ufeff") or _SLOW_TEXT.search(text):
        return None
    try:
        data = _loads(text)
    except ValueError:
        return None
    if type(data) is not dict:
        return None
    version = data.get("schema_version")
    raw = data.get("findings")
    if type(version) is not int or version != SCHEMA_VERSION or type(raw) is not list:
        return None
    findings: list[Finding] = []
    stamps: list[str] = []
    fields_set = _FIELD_SET
    for item in raw:
        # Exactly the seven fields, each a plain value (see the module's docstring). A string
        # must be non-empty and without surrounding whitespace, which the models would strip.
        if type(item) is not dict or len(item) != len(_FIELDS):
            return None
        try:
            ident, factor, level = item["id"], item["factor"], item["level"]
            evidence, source, rater = item["evidence"], item["source"], item["rater"]
            at = item["recorded_at"]
        except KeyError:
            return None
        if not (
            type(level) is int
            and level in _LEVELS
            and type(source) is str
            and source in _SOURCES
            and type(ident) is str
            and ident
            and ident.strip() == ident
            and type(factor) is str
            and factor
            and factor.strip() == factor
            and type(evidence) is str
            and evidence
            and evidence.strip() == evidence
            and type(rater) is str
            and rater
            and rater.strip() == rater
            and type(at) is str
        ):
            return None
        try:
            when = dt.datetime.fromisoformat(at)
        except ValueError:
            return None
        # The Finding pydantic would build from these values, without validating them again.
        finding = _new(Finding)
        _set_dict(
            finding,
            {
                "id": ident,
                "factor": factor,
                "level": level,
                "evidence": evidence,
                "source": source,
                "rater": rater,
                "recorded_at": when,
            },
        )
        _set_fields_set(finding, set(fields_set))
        _set_extra(finding, None)
        _set_private(finding, None)
        findings.append(finding)
        stamps.append(at)
    if stamps and not _TIMESTAMPS.fullmatch("\n".join(stamps)):
        return None
    rest = {k: v for k, v in data.items() if k != "schema_version" and k != "findings"}
    if "id" not in rest:  # the full validation derives it from the whole file
        return None
    try:
        envelope = Engagement.model_validate(rest)
    except ValidationError:
        return None
    return envelope.model_copy(update={"findings": tuple(findings)})


def read_engagement(path: Path, *, framework: Framework | None = None) -> Engagement:
    """What :func:`toolkit.load_engagement` returns for ``path``, by the fast path when it can.

    Raises
    ------
    EngagementError
        As :func:`toolkit.load_engagement`, with the same message: the full validation runs
        whenever the fast path does not accept the file.
    """
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return load_engagement(path, framework=framework)
    engagement = canonical_engagement(text)
    if engagement is None:
        return load_engagement(path, framework=framework)
    fw = framework
    if fw is None:
        default = load_framework()
        fw = default if engagement.framework.id == default.id else None
    if fw is not None and engagement.problems(fw):
        return load_engagement(path, framework=framework)  # raises, naming file and field
    return engagement

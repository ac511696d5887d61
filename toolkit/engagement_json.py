"""An engagement file's text: JSON pretty-printed with sorted keys, versioned, migrated.

:func:`engagement_to_json` writes it, byte for byte what ``json.dumps(..., indent=2,
sort_keys=True, ensure_ascii=False)`` would, in one compiled pass (pydantic's serialiser).
:func:`engagement_from_json` reads it: a file of the current schema is parsed and validated in
one compiled pass; anything else (an older schema to migrate, a broken file) takes the slow path,
which words every error with the file and the field. Reading and writing files is
:mod:`toolkit.store`'s.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from operator import attrgetter
from typing import Any

import pydantic_core
from pydantic import BaseModel, Field, ValidationError

from toolkit import limits
from toolkit._memo import KeptByIdentity
from toolkit.errors import EngagementError, SchemaVersionError, StoreError
from toolkit.findings import Engagement, describe_validation_error

__all__ = [
    "SCHEMA_VERSION",
    "check_size",
    "derived_id",
    "engagement_from_json",
    "engagement_to_json",
]

_ID = attrgetter("id")

#: The schema this version writes. Schema 1 kept targets and not-applicable flags in a
#: per-factor ``factors`` table; schema 2 splits them into ``targets`` and ``not_applicable``;
#: schema 3 adds the change log, ``changes`` (empty for an older file), and the ``phase`` of a
#: blind rating ("open" for an older file); schema 4 adds the engagement's ``id``; schema 5 adds
#: the staff survey's aggregates, ``survey``, the link to the previous cycle, ``previous``, the
#: ``team`` and the action plan, ``actions`` (none for an older file).
SCHEMA_VERSION = 5

#: How many hexadecimal digits of a content hash make the id of a file that has none.
_DERIVED_ID_DIGITS = 12


def derived_id(data: dict[str, Any]) -> str:
    """The id of an engagement file that has none (schema 3 or older): a hash of its content.

    Reading the same file gives the same id every time, on every machine, until a save writes
    the id into the file (from then on it is kept whatever changes); two different files get
    different ids. Copies of one file share it, as copies of a schema 4 file share theirs.
    """
    content = {k: v for k, v in data.items() if k != "schema_version"}
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:_DERIVED_ID_DIGITS]


def _migrate_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    factors = data.pop("factors", {}) or {}
    if not isinstance(factors, dict):
        raise ValueError(
            f"factors: expected a table of factors (schema 1), found {type(factors).__name__}"
        )
    for fid, spec in factors.items():
        if not isinstance(spec, dict):
            raise ValueError(
                f"factors.{fid}: expected a table with target and not_applicable, "
                f"found {type(spec).__name__}"
            )
    data["targets"] = {
        fid: spec["target"] for fid, spec in factors.items() if spec.get("target") is not None
    }
    data["not_applicable"] = sorted(
        fid for fid, spec in factors.items() if spec.get("not_applicable")
    )
    return data


def _migrate_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    data.setdefault("changes", [])
    data.setdefault("phase", "open")
    return data


def _migrate_3_to_4(data: dict[str, Any]) -> dict[str, Any]:
    if "id" not in data:
        data["id"] = derived_id(data)
    return data


def _migrate_4_to_5(data: dict[str, Any]) -> dict[str, Any]:
    # Each new field's default: no staff survey, no previous cycle, no team set, no actions.
    data.setdefault("survey", None)
    data.setdefault("previous", None)
    data.setdefault("team", [])
    data.setdefault("actions", [])
    return data


#: from-version -> function turning that schema's dict into the next version's.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
    4: _migrate_4_to_5,
}


def _sorted_keys(value: Any) -> Any:
    """``value`` with the keys of every mapping in sorted order (what ``sort_keys`` does)."""
    if isinstance(value, dict):
        return {
            k: _sorted_keys(v) if isinstance(v, dict | list) else v
            for k, v in sorted(value.items())
        }
    if isinstance(value, list):
        return [_sorted_keys(v) if isinstance(v, dict | list) else v for v in value]
    return value


def engagement_to_json(engagement: Engagement) -> str:
    """The file text of ``engagement``: indented, sorted keys, a trailing newline.

    The text is exactly what ``json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)``
    writes, produced by pydantic's compiled serialiser: a tenth of the time on a large file.
    Findings and the change log are written straight from the models, whose fields are declared
    in sorted order (and a log entry's values are sorted when it is made); each one's text is
    kept with it (:func:`_item_text`), so saving again after a change writes out only what the
    change made and joins the rest.
    """
    data = engagement.model_dump(mode="json", exclude={"findings", "changes"})
    data = _sorted_keys(
        {"schema_version": SCHEMA_VERSION, "findings": None, "changes": None, **data}
    )
    text = pydantic_core.to_json(data, indent=2).decode("utf-8")
    # The two lists go where their top-level keys stand (only top-level keys are indented by
    # exactly two spaces, so each replacement happens once).
    for key, items in (("changes", engagement.changes), ("findings", engagement.findings)):
        text = text.replace(f'\n  "{key}": null', f'\n  "{key}": {_list_text(items)}', 1)
    return text + "\n"


def _indented(item: BaseModel) -> str:
    """``item`` as the file writes a list element: indented four spaces deeper than its own."""
    return pydantic_core.to_json(item, indent=2).decode("utf-8").replace("\n", "\n    ")


#: Each finding's and log entry's text, kept with it (see :mod:`toolkit._memo`).
_item_text = KeptByIdentity(_indented, limit=400_000)


def _list_text(items: tuple[BaseModel, ...]) -> str:
    if not items:
        return "[]"
    return "[\n    " + ",\n    ".join(_item_text(item) for item in items) + "\n  ]"


class _CurrentFile(Engagement):
    """A file of the current schema: the engagement's fields and its ``schema_version``."""

    schema_version: int = Field(strict=True)  # 3, never 3.0 or "3": the slow path words those


def _fast_parse(text: str) -> Engagement | None:
    """The engagement in ``text`` when it is a valid file of the current schema, else ``None``.

    Pydantic parses and validates the text in one compiled pass (``model_validate_json``): the
    engagement's own fields and validators, with the file's ``schema_version`` beside them.
    Anything unusual (an older schema, a bad field, broken JSON) returns ``None`` and is read
    again by the slower path, which migrates it or words the error.
    """
    try:
        parsed = _CurrentFile.model_validate_json(text)
    except ValidationError:  # broken JSON included
        return None
    if parsed.schema_version != SCHEMA_VERSION or "id" not in parsed.model_fields_set:
        return None
    # The values pydantic has just validated, moved into an Engagement: every one of them is
    # already an instance of its field's type, so this validates no text a second time.
    return Engagement.model_validate(
        {name: getattr(parsed, name) for name in parsed.model_fields_set - {"schema_version"}}
    )


def check_size(
    engagement: Engagement | int, source: str, error: type[EngagementError | StoreError]
) -> None:
    """Refuse an engagement (or a count of findings) beyond :data:`limits.MAX_FINDINGS`."""
    count = engagement if isinstance(engagement, int) else len(engagement.findings)
    if count > limits.MAX_FINDINGS:
        raise error(
            f"{source}: {count:,} findings; Tenfold supports up to {limits.MAX_FINDINGS:,} "
            f"finding{'s' if limits.MAX_FINDINGS != 1 else ''} per engagement: split it by "
            "team, site or period into several engagement files"
        )


def _check_unique_ids(engagement: Engagement, source: str) -> None:
    if len(set(map(_ID, engagement.findings))) == len(engagement.findings):
        return
    ids = [finding.id for finding in engagement.findings]
    where: dict[str, list[int]] = defaultdict(list)
    for number, fid in enumerate(ids, start=1):
        where[fid].append(number)
    shared = [(fid, numbers) for fid, numbers in where.items() if len(numbers) > 1]
    parts = [
        f"findings {', '.join(map(str, numbers[:-1]))} and {numbers[-1]} share the id {fid!r}"
        for fid, numbers in shared[:5]
    ]
    more = f" (and {len(shared) - 5} more ids)" if len(shared) > 5 else ""
    raise EngagementError(
        f"{source}: " + "; ".join(parts) + more + "; give each finding its own id"
    )


def engagement_from_json(text: str, *, source: str = "<engagement>") -> Engagement:
    """Parse, migrate and validate an engagement file's text; errors name ``source``."""
    engagement = _fast_parse(text)
    if engagement is None:
        engagement = _parse_slowly(text, source)
    _check_unique_ids(engagement, source)
    check_size(engagement, source, EngagementError)
    return engagement


#: The most digits a number in an engagement file may have (levels, counts and the schema
#: version have one to five); a longer one is refused by name, never converted.
MAX_DIGITS = 20


class _LongNumber:
    """Stands in, while a file is parsed, for a number of more than :data:`MAX_DIGITS` digits."""

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _number(text: str) -> int | _LongNumber:
    digits = len(text.lstrip("-"))
    return int(text) if digits <= MAX_DIGITS else _LongNumber(digits)


def _long_number(value: Any, where: str = "") -> str | None:
    """Where in parsed JSON the first over-long number stands, and how long it is."""
    if isinstance(value, _LongNumber):
        return (
            f"{where or 'value'}: a number of {value.digits:,} digits is not a value Tenfold reads"
        )
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found = _long_number(item, f"{where}.{key}" if where else str(key))
        if found:
            return found
    return None


def _parse_slowly(text: str, source: str) -> Engagement:
    try:
        data = json.loads(text, parse_int=_number)
    except json.JSONDecodeError as exc:
        end = text.rstrip()
        truncated = exc.pos >= len(end) or not end.endswith("}")
        hint = (
            f" (the file looks truncated; the backup {source}.bak may be whole)"
            if truncated
            else ""
        )
        raise EngagementError(
            f"{source}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{hint}"
        ) from None
    except RecursionError:
        raise EngagementError(
            f"{source}: nested too deeply to be an engagement file (lists or objects inside "
            "each other thousands of times); is it the right file?"
        ) from None
    if not isinstance(data, dict):
        raise EngagementError(f"{source}: expected a JSON object, found {type(data).__name__}")
    too_long = _long_number(data)
    if too_long:
        raise EngagementError(f"{source}: {too_long}")
    version = data.pop("schema_version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise SchemaVersionError(f"{source}: schema_version is missing or not a whole number")
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{source}: written with schema version {version}, but this Tenfold reads up to "
            f"{SCHEMA_VERSION}; upgrade the tenfold package to open it"
        )
    if version < 1:
        raise SchemaVersionError(f"{source}: schema_version {version} does not exist")
    findings = data.get("findings")
    if isinstance(findings, list):
        check_size(len(findings), source, EngagementError)
    while version < SCHEMA_VERSION:
        try:
            data = MIGRATIONS[version](data)
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise EngagementError(
                f"{source}: cannot read this schema {version} file: {exc}"
            ) from None
        version += 1
    if "id" not in data:  # a hand-written file of the current schema: as a schema 3 one
        data["id"] = derived_id(data)
    try:
        return Engagement.model_validate(data)
    except ValidationError as exc:
        raise EngagementError(f"{source}: " + "; ".join(describe_validation_error(exc))) from None
    except RecursionError:
        raise EngagementError(f"{source}: nested too deeply to be an engagement file") from None

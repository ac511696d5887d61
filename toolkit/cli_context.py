"""What every ``tenfold`` command reads from the command line: the framework it runs with,
and who reads an engagement during a blind rating (``--rater``, ``--whole-panel``, or, signed
in to a PostgreSQL store, the database user and their role there).

The group (:mod:`toolkit.cli`) loads the framework once, from ``--framework`` or the bundled
file, and puts it in the click context; a command, wherever it is defined, asks for it here. A
module of commands imports this, never :mod:`toolkit.cli`, which registers it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from toolkit import access
from toolkit.errors import TenfoldError
from toolkit.findings import Engagement
from toolkit.framework import Framework

__all__ = [
    "EXIT_BAD_INPUT",
    "framework_of",
    "read_as",
    "reader_options",
    "remember_reader",
    "signed_reader",
]

#: The exit status for bad input: the message is one line on stderr, never a traceback.
EXIT_BAD_INPUT = 2


def framework_of(ctx: click.Context) -> Framework:
    """The framework the command runs with (``--framework``, or the bundled one)."""
    fw: Framework = ctx.find_root().obj["framework"]
    return fw


F = TypeVar("F", bound=Callable[..., Any])

_READERS = "signed-in readers"


def remember_reader(ctx: click.Context, engagement_id: str, reader: access.Reader) -> None:
    """Note who reads ``engagement_id`` in this command, where the store signs users in."""
    root = ctx.find_root()
    root.ensure_object(dict)
    root.obj.setdefault(_READERS, {})[engagement_id] = reader


def signed_reader(ctx: click.Context | None, engagement: Engagement) -> access.Reader | None:
    """The signed-in reader :func:`remember_reader` noted for ``engagement``, or None."""
    if ctx is None:
        return None
    found: access.Reader | None = (ctx.find_root().obj or {}).get(_READERS, {}).get(engagement.id)
    return found


def reader_options(command: F) -> F:
    """``--rater NAME`` and ``--whole-panel``: who reads an engagement in a blind rating."""
    command = click.option(
        "--whole-panel",
        is_flag=True,
        help="During a blind rating: the engagement's lead asks for every rater's findings.",
    )(command)
    return click.option(
        "--rater",
        "rater",
        metavar="NAME",
        default=None,
        help="During a blind rating: read as NAME, who sees only their own findings.",
    )(command)


def read_as(
    engagement: Engagement,
    source: Path,
    *,
    rater: str | None,
    whole_panel: bool,
    whole: str | None = None,
) -> Engagement:
    """``engagement`` as the person running the command may see it (:mod:`toolkit.access`).

    Outside a blind rating, all of it. During one: the findings of ``--rater NAME``, or all of
    them for the lead asking with ``--whole-panel``; with neither, an error saying so. ``whole``
    names what needs every rater's findings (a report, a copy to send): refused to a rater.

    Signed in to a PostgreSQL store, the reader is the database user with their role in the
    engagement: ``--rater`` may name only them, ``--whole-panel`` only a lead.
    """
    signed = signed_reader(click.get_current_context(silent=True), engagement)
    if signed is not None:
        return _read_signed_in(engagement, source, signed, rater=rater, whole=whole)
    if whole_panel and rater is not None and rater.strip() != engagement.lead:
        raise TenfoldError(
            f"--whole-panel: only the engagement's lead, {engagement.lead}, may ask for every "
            f"rater's findings (--rater names {rater.strip()})"
        )
    reader = access.Reader(engagement.lead if whole_panel else rater or "", whole_panel)
    if whole is not None:
        try:
            return access.whole(engagement, reader, what=whole)
        except access.BlindRatingError as exc:
            raise TenfoldError(f"{source}: {exc}; the lead can ask with --whole-panel") from None
    if access.blind(engagement, reader) and not reader.who:
        raise TenfoldError(
            f"{source}: {engagement.client} is in a blind rating, where each rater sees only "
            "their own findings; give --rater NAME for yours, or --whole-panel (the lead) for "
            "every rater's"
        )
    return access.seen(engagement, reader)


def _read_signed_in(
    engagement: Engagement,
    source: Path,
    reader: access.Reader,
    *,
    rater: str | None,
    whole: str | None,
) -> Engagement:
    if rater is not None and rater.strip() != reader.who:
        raise TenfoldError(
            f"--rater: you are signed in to the store as {reader.who}, and read as yourself"
        )
    if reader.whole_panel and not reader.is_lead(engagement):
        raise TenfoldError(
            f"--whole-panel: only the engagement's lead may ask for every rater's findings "
            f"({reader.who} is its {reader.role})"
        )
    if whole is not None:
        try:
            return access.whole(engagement, reader, what=whole)
        except access.BlindRatingError as exc:
            hint = "; the lead can ask with --whole-panel" if reader.role == "lead" else ""
            raise TenfoldError(f"{source}: {exc}{hint}") from None
    return access.seen(engagement, reader)

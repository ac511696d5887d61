"""The ``tenfold store`` commands, and how every other command finds its engagement in a store.

With no store named, a command's ENGAGEMENT is a file path, as it has always been. With
``tenfold --store URL`` (or ``TENFOLD_STORE``) it is a name in that store: the engagement's id
in a database, or a file name or id in a folder::

    tenfold store init postgresql+psycopg://owner@db.example/tenfold   # create or migrate tables
    export TENFOLD_STORE=postgresql+psycopg://ana@db.example/tenfold
    ID=$(tenfold store push acme.json)          # prints the engagement's id
    tenfold score "$ID"; tenfold add "$ID" --factor purpose --level 2 --evidence "..."
    tenfold store pull "$ID" -o acme.json       # the file back, with what changed since

On PostgreSQL each user signs in as themselves (``tenfold store add-user`` makes the login and
prints its URL); what a command reads and writes is what the database lets that user
(:mod:`toolkit.access`, row-level security).
"""

from __future__ import annotations

from pathlib import Path

import click

from toolkit import access
from toolkit import store as files
from toolkit._files import write_atomic
from toolkit.cli_context import remember_reader
from toolkit.errors import EngagementError, StoreError
from toolkit.findings import Change, Engagement
from toolkit.framework import Framework
from toolkit.stores import DEFAULT_FOLDER, Store, is_database, open_store

__all__ = [
    "change_named",
    "load_named",
    "signed_in",
    "store",
    "store_of",
    "store_url",
    "uses_store",
]


def store_url(ctx: click.Context) -> str | None:
    """The store the command line names (``--store`` or ``TENFOLD_STORE``), or None."""
    obj = ctx.find_root().obj or {}
    url: str | None = obj.get("store_url")
    return url


def uses_store(ctx: click.Context) -> bool:
    """Whether engagements are named in a store rather than by file path."""
    return store_url(ctx) is not None


def opened(ctx: click.Context, url: str | None = None) -> Store:
    """The store of this command line, opened once and closed when the command ends."""
    root = ctx.find_root()
    root.ensure_object(dict)
    key = ("store", url)
    if key not in root.obj:
        where = url or store_url(ctx) or DEFAULT_FOLDER
        opened_store = open_store(where)
        root.obj[key] = opened_store
        root.call_on_close(opened_store.close)
    kept: Store = root.obj[key]
    return kept


def load_named(ctx: click.Context, name: str | Path, framework: Framework) -> Engagement:
    """The engagement ``name``: a file path, or a name in the command line's store."""
    if not uses_store(ctx):
        return files.load_engagement(name, framework=framework)
    source = opened(ctx)
    # The database gives a lead every rater's findings during a blind rating only when asked.
    whole_panel = bool(ctx.params.get("whole_panel"))
    snapshot = source.load(str(name), framework=framework, whole_panel=whole_panel)
    if source.identity is not None:
        remember_reader(ctx, snapshot.id, source.reader(snapshot.ref, whole_panel=whole_panel))
    return snapshot.engagement


def signed_in(ctx: click.Context, name: str | Path) -> access.Reader | None:
    """The signed-in user as the reader of engagement ``name`` (with their role there), where
    the command line's store signs users in; None elsewhere."""
    if not uses_store(ctx):
        return None
    source = opened(ctx)
    if source.identity is None:
        return None
    return source.reader(str(name))


def change_named(
    ctx: click.Context, name: str | Path, change: Change, framework: Framework
) -> Engagement:
    """Apply ``change`` to the engagement ``name`` (see :func:`load_named`) and save it."""
    if not uses_store(ctx):
        return files.update_engagement(name, change, framework=framework)
    return opened(ctx).apply(str(name), change, framework=framework).engagement


def store_of(ctx: click.Context, name: str | Path) -> Store:
    """The store the engagement ``name`` lives in, where its earlier cycles are looked up by id:
    the command line's store, or the folder of the engagement's file."""
    if uses_store(ctx):
        return opened(ctx)
    return opened(ctx, str(Path(name).parent))


def _framework(ctx: click.Context) -> Framework:
    fw: Framework = ctx.find_root().obj["framework"]
    return fw


@click.group()
def store() -> None:
    """Keep engagements in a shared database: init, push, pull, list, add-user."""


@store.command()
@click.argument("url", required=False)
@click.pass_context
def init(ctx: click.Context, url: str | None) -> None:
    """Create or migrate the Tenfold tables in the database URL (run as its owner)."""
    from toolkit.stores.database import parse_url, server, upgrade

    where = url or store_url(ctx)
    if where is None or not is_database(where):
        raise click.UsageError(
            "give a database URL: postgresql+psycopg://OWNER@HOST/DATABASE or sqlite:///FILE.db "
            "(a folder of engagement files needs no init)"
        )
    parsed = parse_url(where)
    before, after = upgrade(parsed)
    if before == after:
        click.echo(f"{server(parsed)} is already at schema revision {after}; nothing to do")
    elif before is None:
        click.echo(f"created the Tenfold tables in {server(parsed)} (schema revision {after})")
    else:
        click.echo(f"migrated {server(parsed)} from schema revision {before} to {after}")


@store.command(name="add-user")
@click.argument("url")
@click.argument("name")
@click.option(
    "--stakeholder",
    is_flag=True,
    help="A client's login: reads the engagements it is given a role in, creates none, and may "
    "hold the stakeholder role only (without it, a consultant's login).",
)
def add_user(url: str, name: str, stakeholder: bool) -> None:
    """Make NAME's own login to the PostgreSQL store URL (an administrator's URL); print the
    URL NAME connects with (a new password each time: the old one stops working)."""
    from toolkit.stores.users import add_user as make_login

    if not is_database(url):
        raise StoreError(f"{url}: give the PostgreSQL store's URL, signed in as an administrator")
    click.echo(make_login(url, name, stakeholder=stakeholder))


@store.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite the engagement if the store has it.")
@click.pass_context
def push(ctx: click.Context, file: Path, replace: bool) -> None:
    """Put an engagement file into the store; print its id."""
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise EngagementError(f"{file}: no such engagement file") from None
    except OSError as exc:
        raise EngagementError(f"{file}: cannot read the engagement file ({exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EngagementError(f"{file}: cannot read the engagement file ({exc})") from None
    target = opened(ctx)
    if replace and target.identity is not None:
        from toolkit.engagement_json import engagement_from_json

        engagement = engagement_from_json(text, source=str(file))
        reader = target.reader(engagement.id)
        access.check(reader, "replace", where=f"{target.location}, engagement {engagement.id}")
    engagement_id = target.push(
        text, source=str(file), name=file.name, replace=replace, framework=_framework(ctx)
    )
    click.echo(engagement_id)


@store.command()
@click.argument("engagement")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--whole-panel",
    is_flag=True,
    help="During a blind rating: the engagement's lead asks for every rater's findings.",
)
@click.pass_context
def pull(ctx: click.Context, engagement: str, output: Path, whole_panel: bool) -> None:
    """Write an engagement of the store to a file (the exchange format): signed in to a
    PostgreSQL store, what you may see of it."""
    source = opened(ctx)
    if whole_panel and source.identity is not None:
        reader = source.reader(engagement, whole_panel=True)
        where = f"{source.location}, engagement {engagement}"
        access.check(reader, "whole panel", where=where)
    text = source.pull(engagement, whole_panel=whole_panel)
    write_atomic(output, text.encode("utf-8"), backup=True, error=StoreError)
    click.echo(f"wrote {output} (engagement {engagement} of {source.location})")


@store.command(name="list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """List the engagements of the store: id or file, date, client, title, lead, phase."""
    source = opened(ctx)
    who = f", signed in as {source.identity}" if source.identity else ""
    click.echo(f"{source.location}{who}")
    for info in source.engagements():
        if info.problem:
            click.echo(f"{info.ref}  cannot be opened: {info.problem}")
            continue
        click.echo(
            f"{info.ref}  {info.date}  {info.client} — {info.title}  (lead {info.lead}, "
            f"{info.phase})"
        )

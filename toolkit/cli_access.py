"""The ``tenfold access`` commands: who holds which role in an engagement of a PostgreSQL store.

Each runs signed in as the person typing it (``--store URL`` or ``TENFOLD_STORE``, the URL
``tenfold store add-user`` printed for them), and only an engagement's lead may use them: the
database checks it (row-level security), and so does the command first, to say it in words::

    tenfold access grant 3f2a9c1e04b7 tom rater
    tenfold access grant 3f2a9c1e04b7 cfo.harbourline stakeholder
    tenfold access list 3f2a9c1e04b7
    tenfold access revoke 3f2a9c1e04b7 tom

An engagement that is not there and one the user holds no role in get the same answer, so
nobody learns which engagements exist.
"""

from __future__ import annotations

import click

from toolkit.access import ROLES, Role
from toolkit.cli_store import opened, store_url
from toolkit.errors import StoreError
from toolkit.stores import Store, is_database

__all__ = ["access"]


def _store(ctx: click.Context) -> Store:
    url = store_url(ctx)
    if url is None or not is_database(url):
        raise StoreError(
            "roles live in a PostgreSQL store: give it with --store URL or TENFOLD_STORE (the "
            "URL `tenfold store add-user` printed for you)"
        )
    return opened(ctx)


def _role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise StoreError(f"{role!r}: not a role; a role is one of {', '.join(ROLES)}")


@click.group()
def access() -> None:
    """Who may see an engagement of a PostgreSQL store: grant, revoke, list (its lead only)."""


@access.command()
@click.argument("engagement")
@click.argument("user")
@click.argument("role", metavar="ROLE")
@click.pass_context
def grant(ctx: click.Context, engagement: str, user: str, role: str) -> None:
    """Give USER the ROLE (lead, rater or stakeholder) in ENGAGEMENT, or change theirs."""
    wanted = _role(role)
    source = _store(ctx)
    source.grant(engagement, user, wanted)
    click.echo(f"{user} is now {wanted} of engagement {engagement}")


@access.command()
@click.argument("engagement")
@click.argument("user")
@click.pass_context
def revoke(ctx: click.Context, engagement: str, user: str) -> None:
    """Take USER's role in ENGAGEMENT away (an engagement keeps at least one lead)."""
    _store(ctx).revoke(engagement, user)
    click.echo(f"{user} holds no role in engagement {engagement} any more")


@access.command(name="list")
@click.argument("engagement")
@click.pass_context
def list_(ctx: click.Context, engagement: str) -> None:
    """List who holds which role in ENGAGEMENT: user, role, granted by, when."""
    for member in _store(ctx).members(engagement):
        when = member.granted_at.astimezone().strftime("%Y-%m-%d %H:%M")
        click.echo(f"{member.user}  {member.role}  (granted by {member.granted_by}, {when})")

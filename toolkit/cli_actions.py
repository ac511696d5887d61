"""The ``tenfold action`` commands: the action plan of an engagement from a terminal.

::

    tenfold action add acme.json --factor sponsorship --owner "Dana Reyes" --due 2027-03-31 \\
        --from-remedy 1 --aim 3           # the remedy's text, unless --what says otherwise
    tenfold action list acme.json         # id, factor, action, owner, due, status, overdue
    tenfold action set acme.json 3f9a2b7c01de --status "in progress"
    tenfold action export acme.json -o actions.csv   # for a ticket tracker (or .xlsx)

Every change is logged in the engagement's change log (who, when, before and after), so undo
takes it back as it does a finding. During a blind rating the plan is the lead's: only the lead
changes it (``--by``, default the lead), and reading it needs ``--whole-panel``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click

from toolkit import access
from toolkit.action_export import export_actions
from toolkit.action_plan import ACTION_STATUSES, action_row, person_problem
from toolkit.changes import add_action, update_action
from toolkit.cli_context import framework_of, read_as, reader_options
from toolkit.cli_store import change_named, load_named
from toolkit.errors import TenfoldError
from toolkit.findings import Engagement
from toolkit.framework import Framework

__all__ = ["action"]


def _factor(fw: Framework, name: str) -> str:
    fid = fw.resolve_factor(name)
    if fid is None:
        guess = fw.suggest_factor(name)
        hint = f"did you mean {guess!r}? " if guess else ""
        raise TenfoldError(f"--factor: unknown factor {name!r}; {hint}see `tenfold factors`")
    return fid


def _date(option: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise TenfoldError(
            f"{option}: {text!r} is not a date; write it as YYYY-MM-DD, such as 2027-03-31"
        ) from None


def _level(option: str, text: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise TenfoldError(f"{option}: {text!r} is not a whole number from 0 to 4") from None
    if not 0 <= value <= 4:
        raise TenfoldError(f"{option}: {value} is outside 0-4")
    return value


def _person(option: str, text: str) -> str:
    problem = person_problem(text)
    if problem:
        raise TenfoldError(f"{option}: {problem}")
    return text.strip()


def _status(text: str) -> str:
    value = " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())
    if value not in ACTION_STATUSES:
        raise TenfoldError(f"--status: {text!r} is not one of {', '.join(ACTION_STATUSES)}")
    return value


def _what(text: str) -> str:
    if not text.strip():
        raise TenfoldError("--what: is empty")
    return text


def _change(ctx: click.Context, file: Path, change: Any, fw: Framework) -> Engagement:
    try:
        return change_named(ctx, file, change, fw)
    except TenfoldError as exc:
        raise TenfoldError(f"{file}: {exc}") from None


@click.group()
def action() -> None:
    """The action plan: add, list, set and export actions (who does what, by when)."""


@action.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--factor", required=True, help="Factor id or label.")
@click.option("--what", default=None, help="What is to be done (default: the remedy's text).")
@click.option("--owner", required=True, help="Who does it (a person's name).")
@click.option("--due", required=True, metavar="YYYY-MM-DD", help="When it is due.")
@click.option("--aim", default=None, metavar="LEVEL", help="The level (0-4) it aims for.")
@click.option(
    "--from-remedy",
    "remedy",
    default=None,
    metavar="N",
    help="The factor's remedy it comes from: its number in `tenfold factors`' framework (1 is "
    "the first).",
)
@click.option(
    "--status",
    default="planned",
    show_default=True,
    help=f"One of {', '.join(ACTION_STATUSES)}.",
)
@click.option("--by", default=None, help="Who makes the change (default: the engagement lead).")
@click.pass_context
def add(
    ctx: click.Context,
    file: Path,
    factor: str,
    what: str | None,
    owner: str,
    due: str,
    aim: str | None,
    remedy: str | None,
    status: str,
    by: str | None,
) -> None:
    """Add an action to an engagement's plan."""
    fw = framework_of(ctx)
    fid = _factor(fw, factor)
    number = None
    if remedy is not None:
        try:
            number = int(remedy.strip())
        except ValueError:
            raise TenfoldError(f"--from-remedy: {remedy!r} is not a remedy's number") from None
        remedies = fw.factor(fid).remedies
        if not 1 <= number <= len(remedies):
            raise TenfoldError(
                f"--from-remedy: {fw.factor(fid).label} has {len(remedies)} remedies "
                f"(1-{len(remedies)}); {number} is not one of them"
            )
    if what is None and number is None:
        raise TenfoldError("--what: say what is to be done, or name a remedy with --from-remedy")
    aid, change = add_action(
        factor=fid,
        what=_what(what) if what is not None else None,
        owner=_person("--owner", owner),
        due=_date("--due", due),
        aim=_level("--aim", aim) if aim is not None else None,
        remedy=number,
        status=_status(status),
        by=_person("--by", by) if by is not None else None,
        framework=fw,
    )
    saved = _change(ctx, file, change, fw)
    made = saved.action(aid)
    click.echo(
        f"added action {aid} to {file} ({fw.factor(fid).label}: {made.owner}, due "
        f"{made.due.isoformat()}; {len(saved.actions)} actions)"
    )


@action.command(name="set")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("action_id", metavar="ID")
@click.option("--status", default=None, help=f"One of {', '.join(ACTION_STATUSES)}.")
@click.option("--owner", default=None, help="Hand it to someone else.")
@click.option("--due", default=None, metavar="YYYY-MM-DD", help="A new due date.")
@click.option("--what", default=None, help="New words for what is to be done.")
@click.option("--aim", default=None, metavar="LEVEL", help="The level (0-4) it aims for.")
@click.option("--by", default=None, help="Who makes the change (default: the engagement lead).")
@click.pass_context
def set_(
    ctx: click.Context,
    file: Path,
    action_id: str,
    status: str | None,
    owner: str | None,
    due: str | None,
    what: str | None,
    aim: str | None,
    by: str | None,
) -> None:
    """Change an action: its status, owner, due date, words or aim."""
    fw = framework_of(ctx)
    fields: dict[str, Any] = {}
    if status is not None:
        fields["status"] = _status(status)
    if owner is not None:
        fields["owner"] = _person("--owner", owner)
    if due is not None:
        fields["due"] = _date("--due", due)
    if what is not None:
        fields["what"] = _what(what)
    if aim is not None:
        fields["aim"] = _level("--aim", aim)
    if not fields:
        raise click.UsageError("say what to change: --status, --owner, --due, --what or --aim")
    who = _person("--by", by) if by is not None else None
    saved = _change(ctx, file, update_action(action_id, by=who, framework=fw, **fields), fw)
    now = saved.action(action_id)
    click.echo(
        f"action {action_id} of {file}: {now.status}, {now.owner}, due {now.due.isoformat()}"
    )


def _plan_of(
    ctx: click.Context, file: Path, rater: str | None, whole_panel: bool
) -> tuple[Engagement, Framework]:
    """The engagement as the person running the command may see it, refused when its plan is
    hidden from them (a blind rating, :mod:`toolkit.access`)."""
    fw = framework_of(ctx)
    engagement = load_named(ctx, file, fw)
    reader = access.Reader(engagement.lead if whole_panel else rater or "", whole_panel)
    shown = read_as(engagement, file, rater=rater, whole_panel=whole_panel)
    if access.blind(engagement, reader):
        raise TenfoldError(
            f"{file}: during a blind rating the action plan is the lead's and raters do not "
            f"see it; the lead, {engagement.lead}, can ask with --whole-panel"
        )
    return shown, fw


def _clip(text: str, width: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "\u2026"


@action.command(name="list")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--open", "only_open", is_flag=True, help="Only actions still to be done.")
@click.option("--factor", default=None, help="Only this factor's actions (id or label).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@reader_options
@click.pass_context
def list_(
    ctx: click.Context,
    file: Path,
    only_open: bool,
    factor: str | None,
    fmt: str,
    rater: str | None,
    whole_panel: bool,
) -> None:
    """List an engagement's actions: id, factor, action, owner, due date, status, overdue."""
    engagement, fw = _plan_of(ctx, file, rater, whole_panel)
    today = dt.datetime.now(dt.UTC).date()
    wanted = _factor(fw, factor) if factor is not None else None
    items = [
        a
        for a in engagement.actions
        if (not only_open or a.open) and (wanted is None or a.factor == wanted)
    ]
    rows = [action_row(a, fw, today) for a in items]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo(f"{file}: no actions" + (" to show" if engagement.actions else " yet"))
        return
    for r in rows:
        late = "  OVERDUE" if r["overdue"] else ""
        carried = "" if r["opened_in"] == engagement.id else f", opened {r['opened_on']}"
        click.echo(
            f"{r['id']}  {_clip(r['label'], 22):<22}  {r['due']}  {r['status']:<11}  "
            f"{_clip(r['owner'], 24)}: {_clip(r['what'], 60)}{carried}{late}"
        )
    late_n = sum(1 for r in rows if r["overdue"])
    open_n = sum(1 for a in items if a.open)
    click.echo(f"\n{len(rows)} actions, {open_n} open, {late_n} overdue (as of {today})")


@action.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="OUT.csv (for a ticket tracker: Summary, Description, Assignee, Due Date, Labels, "
    "Status) or OUT.xlsx.",
)
@click.option("--open", "only_open", is_flag=True, help="Only actions still to be done.")
@reader_options
@click.pass_context
def export(
    ctx: click.Context,
    file: Path,
    output: Path,
    only_open: bool,
    rater: str | None,
    whole_panel: bool,
) -> None:
    """Export an engagement's action plan to CSV (a ticket tracker imports it) or XLSX."""
    engagement, fw = _plan_of(ctx, file, rater, whole_panel)
    export_actions(engagement, output, framework=fw, only_open=only_open)
    n = sum(1 for a in engagement.actions if a.open or not only_open)
    click.echo(f"wrote {n} actions to {output}")

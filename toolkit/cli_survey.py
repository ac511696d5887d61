"""The ``tenfold survey`` commands: the staff questionnaire, importing its export, the opt-in.

::

    tenfold survey questionnaire -o survey/            # questionnaire.txt, .csv, intro.txt
    tenfold survey import acme.json responses.xlsx --segment Team --expected 120
    tenfold survey show acme.json                       # what the engagement keeps
    tenfold survey export acme.json staff.csv           # the groups kept (.csv or .xlsx)
    tenfold survey count-as-rater acme.json --on        # the survey joins the scoring rule
    tenfold survey remove acme.json

An import is all or nothing: a problem anywhere in the export (a layout it does not know, a
statement it cannot match, an answer off the scale) is one message naming the file, row and
column, exit status 2, and the engagement is untouched.
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from toolkit import access
from toolkit._files import write_atomic
from toolkit.cli_context import framework_of, read_as, reader_options
from toolkit.cli_store import change_named, load_named, signed_in
from toolkit.errors import SurveyImportError, TenfoldError
from toolkit.survey.importer import (
    import_survey,
    remove_survey,
    set_count_as_rater,
    survey_from_bytes,
)
from toolkit.survey.model import DEFAULT_COMMENT_K, DEFAULT_K, MIN_K, StaffSurvey
from toolkit.survey.questionnaire import forms_csv, intro_text, plain_list

__all__ = ["survey"]


@click.group()
def survey() -> None:
    """Staff surveys: the questionnaire, importing its export, showing what is kept."""


@survey.command()
@click.option(
    "-o",
    "--output",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The folder to write questionnaire.txt, questionnaire.csv and intro.txt into.",
)
@click.option("--client", default="", help="The client's name, for the respondents' intro.")
@click.option("--segment", default=None, help='A first question for the group, e.g. "Your team".')
@click.option("--k", "k", type=int, default=DEFAULT_K, show_default=True, help="Least group shown.")
@click.option(
    "--comment-k",
    type=int,
    default=DEFAULT_COMMENT_K,
    show_default=True,
    help="Least group whose comments are kept.",
)
@click.pass_context
def questionnaire(
    ctx: click.Context, folder: Path, client: str, segment: str | None, k: int, comment_k: int
) -> None:
    """Write the staff questionnaire from the framework's statements, and its intro text."""
    fw = framework_of(ctx)
    if k < MIN_K:
        raise TenfoldError(f"--k: {k} is below {MIN_K}; groups of fewer are never shown")
    if not any(f.statements for f in fw.factors):
        raise TenfoldError(
            f"the framework {fw.id!r} has no survey statements; give its factors "
            "[[factors.statements]]"
        )
    if not folder.is_dir():
        raise TenfoldError(f"{folder}: no such folder")
    files = {
        "questionnaire.txt": plain_list(fw, segment=segment),
        "questionnaire.csv": forms_csv(fw, segment=segment),
        "intro.txt": intro_text(
            fw, client=client, k=k, comment_k=max(comment_k, k), segment=segment
        ),
    }
    for name, text in files.items():
        write_atomic(folder / name, text.encode("utf-8"))
        click.echo(f"wrote {folder / name}")


@survey.command(name="import")
@click.argument("engagement", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--k", "k", type=int, default=DEFAULT_K, show_default=True, help="Least group shown.")
@click.option(
    "--comment-k",
    type=int,
    default=DEFAULT_COMMENT_K,
    show_default=True,
    help="Least group whose comments are kept.",
)
@click.option("--expected", type=int, default=None, help="The headcount surveyed.")
@click.option("--segment", default=None, help="The export's column of teams or sites.")
@click.option(
    "--mapping",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A TOML file naming columns and answer codes the text cannot.",
)
@click.pass_context
def import_(
    ctx: click.Context,
    engagement: Path,
    export: Path,
    k: int,
    comment_k: int,
    expected: int | None,
    segment: str | None,
    mapping: Path | None,
) -> None:
    """Import a survey tool's export (CSV or XLSX) into ENGAGEMENT: aggregates only."""
    fw = framework_of(ctx)
    current = load_named(ctx, engagement, fw)  # a missing or broken one is said first
    signed = signed_in(ctx, engagement)
    if signed is not None:  # signed in to a store: the lead's alone (toolkit.access)
        access.check_lead(signed, current, "import the staff survey")
    if expected is not None and expected < 1:
        raise TenfoldError(f"--expected: {expected} is not a headcount")
    data = _read(export)
    mapping_text = None
    if mapping is not None:
        mapping_text = _read(mapping).decode("utf-8-sig", errors="replace")
    found = survey_from_bytes(
        data,
        str(export),
        framework=fw,
        k=k,
        comment_k=comment_k,
        expected=expected,
        segment=segment,
        mapping=mapping_text,
        mapping_source=str(mapping) if mapping is not None else "mapping",
    )
    by = signed.who if signed is not None else None
    change = import_survey(found.survey, source=export.name, by=by)
    saved = change_named(ctx, engagement, change, fw)
    s = saved.survey
    assert s is not None
    shown = sum(1 for g in s.groups if g.shown)
    click.echo(
        f"imported the staff survey into {engagement}: {found.tool}, {found.responses} "
        f"responses, {len(found.matched)} statements matched, {shown} of {len(s.groups)} "
        f"groups shown (k={s.k})"
    )
    if found.previews:
        click.echo(f"  left out as previews, tests or spam: {_count(found.previews, 'response')}")
    if found.dropped:
        click.echo(
            f"  not counted as \u201cdon't know\u201d or N/A: {_count(found.dropped, 'answer')}"
        )
    if found.not_asked:
        click.echo(f"  statements the export does not ask: {', '.join(found.not_asked)}")
    if found.identifying:
        click.echo(f"  not kept (they identify people): {', '.join(found.identifying)}")
    if found.ignored:
        click.echo(f"  ignored (not statements): {', '.join(found.ignored)}")
    click.echo(f"  comments kept: {len(s.comments)}")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise SurveyImportError(str(path), ["no such file"]) from None
    except IsADirectoryError:
        raise SurveyImportError(str(path), ["a folder, not a file"]) from None
    except OSError as exc:
        raise SurveyImportError(str(path), [f"cannot read the file ({exc.strerror})"]) from None


def _survey_of(
    ctx: click.Context, engagement: Path, rater: str | None, whole_panel: bool
) -> StaffSurvey | None:
    """The engagement's survey as the person running the command may see it (none to a rater
    during a blind rating: :mod:`toolkit.access`)."""
    e = load_named(ctx, engagement, framework_of(ctx))
    return read_as(e, engagement, rater=rater, whole_panel=whole_panel).survey


@survey.command()
@click.argument("engagement", type=click.Path(dir_okay=False, path_type=Path))
@reader_options
@click.pass_context
def show(ctx: click.Context, engagement: Path, rater: str | None, whole_panel: bool) -> None:
    """Print what ENGAGEMENT keeps of its staff survey."""
    fw = framework_of(ctx)
    s = _survey_of(ctx, engagement, rater, whole_panel)
    if s is None:
        click.echo(f"{engagement}: no staff survey")
        return
    click.echo(_describe(s, {f.id: f.label for f in fw.factors}))


@survey.command(name="export")
@click.argument("engagement", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@reader_options
@click.pass_context
def export_(
    ctx: click.Context, engagement: Path, out: Path, rater: str | None, whole_panel: bool
) -> None:
    """Write the staff survey's groups to OUT.csv, or groups and comments to OUT.xlsx.

    Only what the engagement keeps: a suppressed group's figures are empty, with the reason.
    """
    from toolkit.survey.compare import survey_frame
    from toolkit.workbook import neutralize, xlsx_bytes

    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise TenfoldError(f"{out}: unsupported file type {suffix!r}; use .csv or .xlsx")
    fw = framework_of(ctx)
    s = _survey_of(ctx, engagement, rater, whole_panel)
    if s is None:
        raise TenfoldError(f"{engagement}: no staff survey to export")
    table = survey_frame(s)
    labels = {f.id: f.label for f in fw.factors}
    table.insert(1, "label", [labels.get(f, f) for f in table["factor"]])
    table["segment"] = table["segment"].fillna("everyone")
    if suffix == ".csv":
        for column in ("label", "segment", "suppressed"):
            table[column] = table[column].map(neutralize)
        data = table.to_csv(index=False, lineterminator="\n", float_format="%.3f").encode()
    else:
        comments = pd.DataFrame(
            {
                "segment": [c.segment or "everyone" for c in s.comments],
                "comment": [c.text for c in s.comments],
            }
        )
        data = xlsx_bytes({"Staff survey": table, "Comments": comments})
    write_atomic(out, data)
    click.echo(f"wrote {len(table)} groups of the staff survey to {out}")


def _describe(s: StaffSurvey, labels: dict[str, str]) -> str:
    respondents = s.respondents if s.respondents is not None else f"fewer than {s.k}"
    rate = f", response rate {s.response_rate:.0f}%" if s.response_rate is not None else ""
    lines = [
        f"{s.tool}, imported {s.imported_at:%Y-%m-%d}: {respondents} respondents{rate}; "
        f"k={s.k}, comments from {s.comment_k}; counts as a rater: "
        f"{'yes' if s.count_as_rater else 'no'}"
    ]
    for g in s.groups:
        who = "everyone" if g.segment is None else g.segment
        name = labels.get(g.factor, g.factor)
        if g.shown:
            lines.append(
                f"  {name:<23} {who:<20} n={g.n:<4} mean {g.mean:.2f}  "
                f"favourable {g.favourable:.0f}%  95% {g.low:.2f}-{g.high:.2f}"
            )
        else:
            lines.append(f"  {name:<23} {who:<20} not shown: {g.suppressed}")
    lines.append(f"  comments: {len(s.comments)}")
    return "\n".join(lines)


@survey.command(name="count-as-rater")
@click.argument("engagement", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--on/--off", "on", required=True, help="Count the survey as one more rater, or not.")
@click.pass_context
def count_as_rater(ctx: click.Context, engagement: Path, on: bool) -> None:
    """Count the staff survey as one more rater in the scores (--on), or stop (--off)."""
    change_named(ctx, engagement, set_count_as_rater(on), framework_of(ctx))
    state = "counts as one more rater" if on else "no longer counts as a rater"
    click.echo(f"{engagement}: the staff survey {state}")


@survey.command()
@click.argument("engagement", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def remove(ctx: click.Context, engagement: Path) -> None:
    """Take the staff survey out of ENGAGEMENT."""
    fw = framework_of(ctx)
    signed = signed_in(ctx, engagement)
    if signed is not None:  # signed in to a store: the lead's alone (toolkit.access)
        access.check_lead(signed, load_named(ctx, engagement, fw), "remove the staff survey")
    by = signed.who if signed is not None else None
    change_named(ctx, engagement, remove_survey(by=by), fw)
    click.echo(f"{engagement}: staff survey removed")

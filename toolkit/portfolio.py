"""A portfolio of engagements: many clients, repeat assessments, and a benchmark across them.

An analyst points :func:`load_portfolio` at a folder of engagement files and gets every
engagement with the file it came from; :func:`portfolio_scores` turns them into one tidy table
(one row per engagement and factor); the rest are views of that table
(:mod:`toolkit.portfolio_views`)::

    portfolio = tf.load_portfolio("engagements")
    scores = tf.portfolio_scores(portfolio)
    tf.compare_clients(scores)                  # factors x clients, latest assessment of each
    tf.client_trend(scores, "Harbourline Contact Services")   # factors x assessment dates
    benchmark = tf.portfolio_benchmark(scores)  # median and quartiles of every factor

Loading is all-or-nothing, as everywhere in Tenfold: if any file in the folder is not a valid
engagement, :func:`load_portfolio` raises one :class:`~toolkit.errors.EngagementError` listing
every bad file, and returns nothing. A comparison built on a silently shrunken portfolio would
be a wrong comparison; move a file aside deliberately instead.

A factor that is not assessed (or not applicable) has a NaN score in every table here and is
left out of the benchmark's statistics, never counted as zero.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from operator import attrgetter
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.errors import EngagementError
from toolkit.findings import SOURCES, Engagement
from toolkit.framework import Framework, load_framework
from toolkit.portfolio_views import client_trend, compare_clients, portfolio_benchmark
from toolkit.scoring import survey_levels
from toolkit.scoring_rule import score_cells
from toolkit.store import load_engagement

__all__ = [
    "PORTFOLIO_COLUMNS",
    "Portfolio",
    "client_trend",
    "compare_clients",
    "load_portfolio",
    "portfolio_benchmark",
    "portfolio_scores",
]

#: The columns of :func:`portfolio_scores`, in order (one row per engagement and factor).
PORTFOLIO_COLUMNS: tuple[str, ...] = (
    "engagement",
    "client",
    "title",
    "date",
    "file",
    "factor",
    "label",
    "group",
    "score",
    "basis",
    "n_findings",
    "n_raters",
    "spread",
    "confidence",
    "target",
    "gap",
)


@dataclass(frozen=True)
class Portfolio:
    """Engagements loaded from a folder, with the file each came from.

    Ordered by client, then date, then file name. Iterating yields the engagements;
    ``len(portfolio)`` is their number.
    """

    folder: Path
    paths: tuple[Path, ...]
    engagements: tuple[Engagement, ...]

    def __iter__(self) -> Iterator[Engagement]:
        return iter(self.engagements)

    def __len__(self) -> int:
        return len(self.engagements)

    @property
    def clients(self) -> tuple[str, ...]:
        """The distinct clients, in portfolio order."""
        return tuple(dict.fromkeys(e.client for e in self.engagements))

    def frame(self) -> pd.DataFrame:
        """One row per engagement: file, client, title, date, lead and number of findings."""
        return pd.DataFrame(
            {
                "engagement": [p.stem for p in self.paths],
                "client": [e.client for e in self.engagements],
                "title": [e.title for e in self.engagements],
                "date": pd.to_datetime([e.date for e in self.engagements]),
                "lead": [e.lead for e in self.engagements],
                "n_findings": [len(e.findings) for e in self.engagements],
                "file": [p.name for p in self.paths],
            }
        ).set_index("engagement")


def _engagement_files(root: Path) -> list[Path]:
    """The engagement files of ``root``, by name: the store's lock, backup and temporary files,
    anything hidden and anything but a regular file (or a link to one) are left out."""
    with os.scandir(root) as entries:
        names = sorted(
            entry.name
            for entry in entries
            if entry.name.endswith(".json") and not entry.name.startswith(".") and entry.is_file()
        )
    return [root / name for name in names]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a portfolio is read.

    Reading builds hundreds of thousands of objects that all stay alive; the collector kept
    walking them, finding nothing to free, and took about half the loading time. Reading makes
    no reference cycles, so nothing is left for it to collect afterwards either. The new objects
    are then moved to the oldest generation as they are (``gc.freeze()`` then ``gc.unfreeze()``,
    which moves the lists without walking them), where the collector walks them only when the
    whole heap has grown; a pass over the young generations, as before, walked every new object
    once more, about a tenth of the loading time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def load_portfolio(folder: str | Path, *, framework: Framework | None = None) -> Portfolio:
    """Load every engagement file (``*.json``) in ``folder``.

    Parameters
    ----------
    folder
        A folder of engagement files, such as ``engagements/``. Sub-folders, hidden files and
        the store's ``.bak``/``.lock`` files are ignored.
    framework
        Check every engagement against this framework (default: as :func:`load_engagement`).

    Returns
    -------
    Portfolio
        The engagements and their paths, ordered by client, date and file name.

    Raises
    ------
    EngagementError
        ``folder`` is not a folder or holds no engagement file, or one or more files are not
        valid engagements: the message lists every bad file and why, and nothing is returned.

    Notes
    -----
    Each engagement is read by :func:`~toolkit.load_engagement`, with the same checks and the
    same message naming the file and the field for a bad one: pydantic parses and validates a
    file of the current schema in one compiled pass.
    """
    root = Path(folder)
    if not root.is_dir():
        raise EngagementError(f"{root}: not a folder of engagement files")
    files = _engagement_files(root)
    if not files:
        raise EngagementError(f"{root}: no engagement files (*.json) in this folder")
    loaded: list[tuple[Path, Engagement]] = []
    problems: list[str] = []
    with _collector_paused():
        for path in files:
            try:
                loaded.append((path, load_engagement(path, framework=framework)))
            except EngagementError as exc:
                problems.append(str(exc))
        if problems:
            raise EngagementError(
                f"{root}: {len(problems)} of {len(files)} file(s) are not valid engagements; "
                "nothing was loaded (fix or move them aside):\n  " + "\n  ".join(problems)
            )
        loaded.sort(key=lambda item: (item[1].client.casefold(), item[1].date, item[0].name))
        return Portfolio(
            folder=root,
            paths=tuple(p for p, _ in loaded),
            engagements=tuple(e for _, e in loaded),
        )


def _entries(
    portfolio: Portfolio | Iterable[Engagement],
) -> list[tuple[str, str, Engagement]]:
    """(engagement key, file name, engagement) for a portfolio or a plain list."""
    if isinstance(portfolio, Portfolio):
        return [(p.stem, p.name, e) for p, e in zip(portfolio.paths, portfolio, strict=True)]
    out = []
    for e in portfolio:
        if not isinstance(e, Engagement):
            raise EngagementError(f"portfolio: expected engagements, found {type(e).__name__}")
        out.append((f"{e.client} {e.date.isoformat()}", "", e))
    return out


def portfolio_scores(
    portfolio: Portfolio | Iterable[Engagement], *, framework: Framework | None = None
) -> pd.DataFrame:
    """Score every engagement of a portfolio into one tidy table.

    Parameters
    ----------
    portfolio
        A :class:`Portfolio` or any iterable of engagements.
    framework
        The framework every engagement is scored against (default: the bundled one).

    Returns
    -------
    pandas.DataFrame
        One row per engagement and factor with the columns of :data:`PORTFOLIO_COLUMNS`,
        ordered by client, date and factor (framework order). ``engagement`` identifies the
        assessment (the file name without ``.json``, or "client date" for a plain list);
        ``date`` is a datetime; ``score`` is NaN where a factor is not assessed or not
        applicable (see ``basis``).

    Raises
    ------
    EngagementError
        An engagement does not fit ``framework`` (the message names its client).
    """
    fw = framework or load_framework()
    entries = _entries(portfolio)
    entries.sort(key=lambda item: (item[2].client.casefold(), item[2].date, item[0]))
    keys = [k for k, _, _ in entries]
    if len(set(keys)) != len(keys):
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        raise EngagementError(f"portfolio: two engagements share the key(s) {', '.join(dupes)}")
    engagements = [e for _, _, e in entries]
    columns = _score_all(engagements, fw) if engagements else {}
    return scores_table(
        keys=keys,
        clients=[e.client for e in engagements],
        titles=[e.title for e in engagements],
        dates=[e.date for e in engagements],
        files=[f for _, f, _ in entries],
        columns=columns,
        framework=fw,
    )


def scores_table(
    *,
    keys: list[str],
    clients: list[str],
    titles: list[str],
    dates: list[dt.date],
    files: list[str],
    columns: dict[str, np.ndarray],
    framework: Framework,
) -> pd.DataFrame:
    """The table of :func:`portfolio_scores` from each engagement's key, client, title, date and
    file (in portfolio order) and the scoring rule's columns over its cells (engagement-major,
    factors in framework order). A store that scores its engagements itself builds it here.
    """
    if not keys:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in PORTFOLIO_COLUMNS})
        empty["date"] = pd.Series(dtype="datetime64[ns]")
        empty["score"] = pd.Series(dtype=np.float64)
        return empty
    fw = framework
    n_f = len(fw.factor_ids)
    n_e = len(keys)
    table = pd.DataFrame(
        {
            "engagement": np.repeat(np.array(keys, dtype=object), n_f),
            "client": np.repeat(np.array(clients, dtype=object), n_f),
            "title": np.repeat(np.array(titles, dtype=object), n_f),
            "date": np.repeat(np.array(dates, dtype="datetime64[s]"), n_f),
            "file": np.repeat(np.array(files, dtype=object), n_f),
            "factor": np.tile(np.array(fw.factor_ids, dtype=object), n_e),
            "label": np.tile(np.array([f.label for f in fw.factors], dtype=object), n_e),
            "group": np.tile(np.array([f.group for f in fw.factors], dtype=object), n_e),
            **{c: columns[c] for c in PORTFOLIO_COLUMNS[8:]},
        }
    )
    text = [c for c in PORTFOLIO_COLUMNS if table[c].dtype == object]
    return table.astype(dict.fromkeys(text, "str"))[list(PORTFOLIO_COLUMNS)]


def _score_all(engagements: list[Engagement], fw: Framework) -> dict[str, np.ndarray]:
    """The scoring rule over every finding of every engagement in one pass.

    Each (engagement, factor) pair is one cell of :func:`toolkit.scoring_rule.score_cells`, so every
    engagement gets exactly the figures :func:`toolkit.score_engagement` gives it alone.
    """
    ids = fw.factor_ids
    n_f = len(ids)
    position = {fid: i for i, fid in enumerate(ids)}
    # The per-factor settings as (cell, value) pairs, checked as they are read; an engagement
    # made with another framework is named by its own check.
    override_cells: list[int] = []
    override_levels: list[int] = []
    target_cells: list[int] = []
    target_levels: list[int] = []
    na_cells: list[int] = []
    survey_cells: list[int] = []
    survey_levels_: list[float] = []
    for i, e in enumerate(engagements):
        base = i * n_f
        try:
            if e.framework.id != fw.id:
                raise KeyError(e.framework.id)
            for fid, level in survey_levels(e).items():
                survey_cells.append(base + position[fid])
                survey_levels_.append(level)
            for fid, o in e.overrides.items():
                override_cells.append(base + position[fid])
                override_levels.append(o.level)
            for fid, level in e.targets.items():
                target_cells.append(base + position[fid])
                target_levels.append(level)
            na_cells.extend(base + position[fid] for fid in e.not_applicable)
        except KeyError:
            e.check(fw)  # raises, naming the client and what does not fit
            raise
    counts = np.fromiter(map(len, (e.findings for e in engagements)), np.intp, len(engagements))
    n = int(counts.sum())
    findings = list(chain.from_iterable(e.findings for e in engagements))
    # One plain attribute read per finding and column, coded as it is read. The findings are
    # validated, so every source is known; a factor of another framework is reported below.
    try:
        fcodes = np.fromiter(map(position.__getitem__, map(_FACTOR, findings)), np.intp, n)
    except KeyError:
        for e in engagements:
            e.check(fw)  # raises, naming the client and the finding
        raise
    cells = np.repeat(np.arange(len(engagements), dtype=np.intp) * n_f, counts) + fcodes
    levels = np.fromiter(map(_LEVEL, findings), np.intp, n)
    rcodes, raters = pd.factorize(np.fromiter(map(_RATER, findings), object, n))
    source_code = {name: i for i, name in enumerate(SOURCES)}
    scodes = np.fromiter(map(source_code.__getitem__, map(_SOURCE, findings)), np.intp, n)

    n_cells = len(engagements) * n_f
    override = np.full(n_cells, np.nan)
    override[override_cells] = override_levels
    target = np.full(n_cells, np.nan)
    target[target_cells] = target_levels
    na = np.zeros(n_cells, dtype=bool)
    na[na_cells] = True
    survey = None
    if survey_cells:  # engagements that count their staff survey as one more rater
        survey = np.full(n_cells, np.nan)
        survey[survey_cells] = survey_levels_
    return score_cells(
        cells,
        n_cells,
        levels,
        rcodes,
        max(len(raters), 1),
        scodes,
        override=override,
        not_applicable=na,
        target=target,
        survey=survey,
    )


_FACTOR, _LEVEL, _RATER, _SOURCE = map(attrgetter, ("factor", "level", "rater", "source"))

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
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from toolkit.bulk_load import read_engagement
from toolkit.errors import EngagementError
from toolkit.findings import SOURCES, Engagement
from toolkit.framework import Framework, load_framework
from toolkit.portfolio_views import client_trend, compare_clients, portfolio_benchmark
from toolkit.scoring_rule import score_cells

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


def _is_engagement_file(path: Path) -> bool:
    # Skips the store's lock, backup and temporary files and anything hidden.
    return path.is_file() and path.suffix == ".json" and not path.name.startswith(".")


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a portfolio is read.

    Reading builds hundreds of thousands of objects that all stay alive; the collector kept
    walking them, finding nothing to free, and took about half the loading time. Reading makes
    no reference cycles, so nothing is left for it to collect afterwards either.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
            gc.collect()  # one pass now moves the new objects out of the young generations


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
    Each engagement is exactly what :func:`~toolkit.load_engagement` gives for its file, with
    the same checks, but a file in the form the store writes is checked field by field in plain
    Python instead of through pydantic for every finding (see :mod:`toolkit.bulk_load`), which
    makes a folder of thousands of files several times faster to load. Any file the fast check
    does not accept, valid or not, goes through :func:`~toolkit.load_engagement` itself, so a
    bad file gets the same message naming the file and the field.
    """
    root = Path(folder)
    if not root.is_dir():
        raise EngagementError(f"{root}: not a folder of engagement files")
    files = sorted((p for p in root.iterdir() if _is_engagement_file(p)), key=lambda p: p.name)
    if not files:
        raise EngagementError(f"{root}: no engagement files (*.json) in this folder")
    loaded: list[tuple[Path, Engagement]] = []
    problems: list[str] = []
    with _collector_paused():
        for path in files:
            try:
                loaded.append((path, read_engagement(path, framework=framework)))
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
    for e in engagements:  # the cheap checks first; findings' factors are checked below
        if e.framework.id != fw.id or not all(
            k in position for k in (*e.overrides, *e.targets, *e.not_applicable)
        ):
            e.check(fw)
    counts = np.array([len(e.findings) for e in engagements], dtype=np.intp)
    findings = [f for e in engagements for f in e.findings]
    # Plain dict look-ups: the findings are validated, so every source is known; an unknown
    # factor (another framework) is -1 and reported below.
    fcodes = np.array([position.get(f.factor, -1) for f in findings], dtype=np.intp)
    if len(fcodes) and fcodes.min() < 0:
        first = int(np.searchsorted(np.cumsum(counts), np.flatnonzero(fcodes < 0)[0], "right"))
        engagements[first].check(fw)  # raises, naming the client and the finding
    cells = np.repeat(np.arange(len(engagements), dtype=np.intp) * n_f, counts) + fcodes
    levels = np.array([f.level for f in findings], dtype=np.intp)
    rater_code: dict[str, int] = {}
    rcodes = np.array(
        [rater_code.setdefault(f.rater, len(rater_code)) for f in findings], dtype=np.intp
    )
    source_code = {name: i for i, name in enumerate(SOURCES)}
    scodes = np.array([source_code[f.source] for f in findings], dtype=np.intp)

    n_cells = len(engagements) * n_f
    override = np.full(n_cells, np.nan)
    target = np.full(n_cells, np.nan)
    na = np.zeros(n_cells, dtype=bool)
    for i, e in enumerate(engagements):
        base = i * n_f
        for fid, o in e.overrides.items():
            override[base + position[fid]] = o.level
        for fid, level in e.targets.items():
            target[base + position[fid]] = level
        for fid in e.not_applicable:
            na[base + position[fid]] = True
    return score_cells(
        cells,
        n_cells,
        levels,
        rcodes,
        max(len(rater_code), 1),
        scodes,
        override=override,
        not_applicable=na,
        target=target,
    )

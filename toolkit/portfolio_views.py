"""Views of a portfolio's scores table: clients side by side, one client over time, a benchmark.

Each takes the table :func:`toolkit.portfolio_scores` makes (one row per engagement and factor)
and returns a table indexed by factor id in framework order. A factor that is not assessed (or
not applicable) is NaN here and left out of the benchmark's statistics, never counted as zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from toolkit.errors import EngagementError, require_columns

__all__ = ["Stat", "client_trend", "compare_clients", "portfolio_benchmark"]

Stat = Literal["median", "mean"]


def _check_scores(scores: pd.DataFrame, value: str = "score") -> None:
    require_columns(
        scores,
        dict.fromkeys(("engagement", "client", "date", "factor", "score", value)),
        table="portfolio scores",
        hint="pass the table made by portfolio_scores()",
    )


def _factor_order(scores: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(scores["factor"]))


def _latest(scores: pd.DataFrame) -> pd.DataFrame:
    """Only the rows of each client's most recent assessment (latest date, then key)."""
    per = scores[["client", "date", "engagement"]].drop_duplicates()
    last = per.sort_values(["date", "engagement"]).groupby("client", sort=False).tail(1)
    return scores[scores["engagement"].isin(set(last["engagement"]))]


def compare_clients(
    scores: pd.DataFrame, *, value: str = "score", latest: bool = True
) -> pd.DataFrame:
    """Clients side by side: one row per factor, one column per client.

    Parameters
    ----------
    scores
        The table from :func:`portfolio_scores`.
    value
        The column to show (``"score"``, ``"gap"``, ``"n_findings"``...).
    latest
        Use each client's most recent assessment (default). With ``False`` every assessment
        gets a column, named ``"client (YYYY-MM-DD)"``.

    Returns
    -------
    pandas.DataFrame
        Indexed by factor id in framework order; columns in portfolio order. NaN where a
        factor is not assessed or not applicable.
    """
    _check_scores(scores, value)
    rows = _latest(scores) if latest else scores
    if latest:
        column = rows["client"]
    else:
        column = rows["client"] + " (" + rows["date"].dt.strftime("%Y-%m-%d") + ")"
    order = list(dict.fromkeys(column))
    table = (
        rows.assign(_column=column)
        .pivot(index="factor", columns="_column", values=value)
        .reindex(index=_factor_order(scores), columns=order)
    )
    table.index.name = "factor"
    table.columns.name = "client"
    return table


def client_trend(scores: pd.DataFrame, client: str, *, value: str = "score") -> pd.DataFrame:
    """One client's assessments over time: one row per factor, one column per assessment date.

    Parameters
    ----------
    scores
        The table from :func:`portfolio_scores`.
    client
        The client's name, exactly as in the engagement files.
    value
        The column to follow over time (default ``"score"``).

    Returns
    -------
    pandas.DataFrame
        Indexed by factor id with a ``label`` column, then one column per assessment date
        (``"YYYY-MM-DD"``, oldest first), then ``change`` = latest - earliest. ``change`` is NaN
        where either end is not assessed: a factor first assessed later has no trend yet.

    Raises
    ------
    EngagementError
        ``client`` is not in the portfolio (the message lists the clients that are).
    """
    _check_scores(scores, value)
    rows = scores[scores["client"] == client]
    if rows.empty:
        known = ", ".join(repr(c) for c in dict.fromkeys(scores["client"]))
        raise EngagementError(f"portfolio: no client {client!r}; clients: {known}")
    rows = rows.sort_values(["date", "engagement"], kind="stable")
    column = rows["date"].dt.strftime("%Y-%m-%d")
    if column.groupby(rows["factor"]).size().max() > column.nunique():
        raise EngagementError(f"portfolio: {client!r} has two assessments on the same date")
    dates = list(dict.fromkeys(column))
    table = rows.assign(_date=column).pivot(index="factor", columns="_date", values=value)
    table = table.reindex(index=_factor_order(scores), columns=dates)
    table.columns.name = None
    labels = rows.drop_duplicates("factor").set_index("factor")["label"]
    table.insert(0, "label", labels.reindex(table.index))
    table["change"] = table[dates[-1]] - table[dates[0]]
    table.index.name = "factor"
    return table


def portfolio_benchmark(
    scores: pd.DataFrame,
    *,
    stat: Stat = "median",
    latest: bool = True,
    exclude: str | Sequence[str] = (),
) -> pd.DataFrame:
    """The distribution of every factor's score across the portfolio: a benchmark.

    Parameters
    ----------
    scores
        The table from :func:`portfolio_scores`.
    stat
        Which statistic becomes the ``score`` column: ``"median"`` (default) or ``"mean"``.
    latest
        Count only each client's most recent assessment (default), so a client assessed
        twice does not weigh double.
    exclude
        Client(s) to leave out, e.g. the client the benchmark is compared with.

    Returns
    -------
    pandas.DataFrame
        Indexed by factor id in framework order, with ``label``, ``group``, ``n`` (clients
        with a score for the factor), ``min``, ``q1``, ``median``, ``q3``, ``max``, ``mean``,
        and ``score`` (the chosen ``stat``) and ``basis`` ("findings", or "not assessed" where
        no client has a score), so it can be passed wherever a scores table is expected, such
        as ``radar_chart(scores, benchmark=benchmark)``. Unassessed factors are left out of
        every statistic; a factor nobody assessed has ``n`` 0 and NaN statistics.
    """
    _check_scores(scores)
    if stat not in ("median", "mean"):
        raise ValueError(f"stat: {stat!r} is not 'median' or 'mean'")
    excluded = {exclude} if isinstance(exclude, str) else set(exclude)
    unknown = sorted(excluded - set(scores["client"]))
    if unknown:
        raise EngagementError(f"portfolio: cannot exclude unknown client(s) {', '.join(unknown)}")
    rows = _latest(scores) if latest else scores
    rows = rows[~rows["client"].isin(excluded)]
    order = _factor_order(scores)
    grouped = rows.groupby("factor", sort=False)["score"]
    out = pd.DataFrame(
        {
            "n": grouped.count(),
            "min": grouped.min(),
            "q1": grouped.quantile(0.25),
            "median": grouped.median(),
            "q3": grouped.quantile(0.75),
            "max": grouped.max(),
            "mean": grouped.mean(),
        }
    ).reindex(order)
    out["n"] = out["n"].fillna(0).astype(np.int64)
    meta = scores.drop_duplicates("factor").set_index("factor")
    out.insert(0, "label", meta["label"].reindex(order) if "label" in meta else order)
    out.insert(1, "group", meta["group"].reindex(order) if "group" in meta else "")
    out["score"] = out[stat]
    out["basis"] = np.where(out["n"] > 0, "findings", "not assessed").astype(object)
    out.index.name = "factor"
    return out

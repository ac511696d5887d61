"""A SQL store's portfolio, scored straight from its rows.

:func:`toolkit.portfolio_scores` over ten thousand engagements would first build every finding
as a model; here the findings' four scored columns come in one ``SELECT`` and go to the scoring
rule as integer codes (:func:`toolkit.scoring_rule.score_cells`), so each engagement gets exactly
the figures :func:`toolkit.score_engagement` gives it alone. The tables' constraints keep
levels and sources valid; factors, targets, overrides and not-applicable flags are checked
against the framework here, and an engagement that does not fit it is named.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from toolkit.errors import EngagementError
from toolkit.findings import SOURCES
from toolkit.framework import Framework, load_framework
from toolkit.portfolio import scores_table
from toolkit.scoring_rule import score_cells
from toolkit.stores.schema import DOCUMENTS, EngagementRow, FindingRow
from toolkit.survey.model import StaffSurvey

__all__ = ["portfolio_scores"]


def _misfit(row: Any, location: str, what: str) -> EngagementError:
    return EngagementError(f"{location}, engagement {row.id} ({row.client!r}): {what}")


def portfolio_scores(
    session: Session, location: str, *, framework: Framework | None = None
) -> pd.DataFrame:
    """Every engagement the session may read, scored (see the module docstring)."""
    fw = framework or load_framework()
    e = EngagementRow
    conn = session.connection()  # plain rows: no ORM bookkeeping for half a million of them
    d = DOCUMENTS.c  # the document as this user may read it (the view; see schema.py)
    found = list(
        conn.execute(
            select(e.id, e.client, e.title, e.date, e.framework_id, d.document).join_from(
                EngagementRow, DOCUMENTS, d.id == e.id
            )
        )
    )
    found.sort(key=lambda r: (r.client.casefold(), r.date, r.id))
    ids = fw.factor_ids
    n_f = len(ids)
    position = {fid: i for i, fid in enumerate(ids)}
    n_cells = len(found) * n_f
    override = np.full(n_cells, np.nan)
    target = np.full(n_cells, np.nan)
    na = np.zeros(n_cells, dtype=bool)
    survey = np.full(n_cells, np.nan)
    for i, row in enumerate(found):
        if row.framework_id != fw.id:
            raise _misfit(
                row,
                location,
                f"framework {row.framework_id!r}, not {fw.id!r}; score it with "
                "the framework it was made with",
            )
        doc = row.document
        base = i * n_f
        try:
            for fid, o in (doc.get("overrides") or {}).items():
                override[base + position[fid]] = o["level"]
            for fid, level in (doc.get("targets") or {}).items():
                target[base + position[fid]] = level
            for fid in doc.get("not_applicable") or ():
                na[base + position[fid]] = True
            kept = doc.get("survey")
            if kept and kept.get("count_as_rater"):  # the engagement counts it as a rater
                for fid, level in StaffSurvey.model_validate(kept).rater_levels().items():
                    survey[base + position[fid]] = level
        except KeyError as exc:
            raise _misfit(row, location, f"unknown factor {exc.args[0]!r}") from None
    f = FindingRow
    findings = conn.execute(select(f.engagement_id, f.factor, f.level, f.rater, f.source)).all()
    n = len(findings)
    # Column by column, coded in compiled loops (pandas), not finding by finding in Python.
    eids, factors, level_list, raters, sources = (
        (np.array(c, dtype=object) for c in zip(*findings, strict=True))
        if n
        else (np.array([], dtype=object) for _ in range(5))
    )
    engagement_index = pd.Index([r.id for r in found]).get_indexer(pd.Index(eids))
    fcodes = pd.Index(ids).get_indexer(pd.Index(factors)).astype(np.intp)
    if n and fcodes.min() < 0:
        k = int(np.flatnonzero(fcodes < 0)[0])
        row = found[engagement_index[k]]
        raise _misfit(row, location, f"a finding of unknown factor {factors[k]!r}")
    cells = engagement_index.astype(np.intp) * n_f + fcodes
    levels = level_list.astype(np.intp)
    rcodes, rater_names = pd.factorize(raters)
    scodes = pd.Index(SOURCES).get_indexer(pd.Index(sources)).astype(np.intp)
    columns = (
        score_cells(
            cells,
            n_cells,
            levels,
            rcodes.astype(np.intp),
            max(len(rater_names), 1),
            scodes,
            override=override,
            not_applicable=na,
            target=target,
            survey=survey if not np.isnan(survey).all() else None,
        )
        if found
        else {}
    )
    return scores_table(
        keys=[r.id for r in found],
        clients=[r.client for r in found],
        titles=[r.title for r in found],
        dates=[r.date for r in found],
        files=["" for _ in found],
        columns=columns,
        framework=fw,
    )

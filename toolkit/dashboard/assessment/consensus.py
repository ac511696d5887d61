"""What the consensus board shows, per factor, after a blind rating (no widgets here)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from toolkit.findings import Engagement, Finding
from toolkit.framework import Framework

__all__ = ["board_rows"]


def _plain(value: Any) -> float | None:
    """A number for the page: ``None`` for NaN."""
    number = float(value)
    return None if math.isnan(number) else round(number, 2)


def board_rows(
    engagement: Engagement, scores: pd.DataFrame, framework: Framework, *, shown: int = 6
) -> list[dict[str, Any]]:
    """Per factor: every rater's level beside their evidence (the latest ``shown`` findings
    each), the spread, agreement (r_wg), the median of the rater levels and the consensus level
    recorded."""
    by_factor: dict[str, dict[str, list[Finding]]] = {}
    for f in engagement.findings:
        by_factor.setdefault(f.factor, {}).setdefault(f.rater, []).append(f)
    out = []
    for fid in framework.factor_ids:
        row = scores.loc[fid]
        raters = [
            {
                "name": name,
                "level": round(sum(f.level for f in found) / len(found), 2),
                "n": len(found),
                "findings": [
                    {"level": f.level, "evidence": f.evidence, "source": f.source}
                    for f in found[-shown:]
                ],
            }
            for name, found in sorted(by_factor.get(fid, {}).items())
        ]
        override = engagement.overrides.get(fid)
        out.append(
            {
                "factor": fid,
                "label": str(row["label"]),
                "basis": str(row["basis"]),
                "raters": raters,
                "spread": _plain(row["spread"]),
                "r_wg": _plain(row["r_wg"]),
                "low_agreement": bool(row["low_agreement"]),
                "median": _plain(row["computed"]),
                "consensus": None
                if override is None
                else {"level": override.level, "reason": override.reason, "by": override.by},
            }
        )
    return out

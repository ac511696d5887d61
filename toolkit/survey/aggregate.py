"""Answers -> the aggregates an engagement keeps, with every group that could identify someone
suppressed.

:func:`aggregate` takes the answers as a respondents x statements array on the 0-4 scale
(reverse-worded statements already turned round, NaN where a respondent gave no answer or
"don't know"), each statement's factor, each respondent's segment and comments, and returns a
:class:`~toolkit.survey.model.StaffSurvey`. Nothing about a single respondent leaves this
module.

Per factor and group (everyone, and each segment):

- ``n``: respondents who answered at least one of the factor's statements;
- ``mean``: the mean of those respondents' own means over the factor's statements (each
  respondent weighs the same, however many statements they answered);
- ``favourable``: the percentage of the group's answers in the top two boxes (agree, strongly
  agree, that is 3 or 4 on the 0-4 scale);
- ``sd``: the standard deviation of the respondents' means (n - 1 in the denominator);
- ``low``, ``high``: the 95% interval of the mean by Student's t (``mean`` +- t(0.975, n - 1)
  x ``sd`` / sqrt(n)), within 0-4.

Suppression (:func:`suppressed_segments`), per factor, with ``k`` the least group size:

1. everyone with fewer than ``k`` respondents: everyone and every segment suppressed;
2. a segment with fewer than ``k`` respondents;
3. a segment whose ``n`` differs from everyone's by fewer than ``k`` (subtracting it from
   everyone would show the few others);
4. then, until nothing can be subtracted out: while the suppressed segments together have
   fewer than ``k`` respondents, the smallest segment still shown is suppressed too; and a
   segment left as the only one shown beside suppressed ones is suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from toolkit.survey.model import StaffSurvey, SurveyComment, SurveyGroup

__all__ = ["NOT_GIVEN", "aggregate", "suppressed_segments", "t_quantile"]

#: The segment of respondents who left the segment column empty: a group like any other.
NOT_GIVEN = "(not given)"

REASON_SMALL = "fewer than {k} respondents"
REASON_EVERYONE = "fewer than {k} respondents in all"
REASON_REST = "the rest of everyone would be fewer than {k} respondents"
REASON_COMPLEMENT = "hidden with a smaller group, so neither can be worked out by subtraction"
REASON_LAST = "the only segment left shown would reveal the others"


def t_quantile(df: np.ndarray) -> np.ndarray:
    """Student's t at 0.975 for ``df`` degrees of freedom (the half-width of a 95% interval)."""
    from scipy.special import stdtrit  # type: ignore[import-untyped]  # only an import needs it

    out: np.ndarray = stdtrit(df, 0.975)
    return out


def suppressed_segments(n_all: int, n: dict[str, int], k: int) -> dict[str, str]:
    """Which segments of one factor to suppress, and why (see the module docstring).

    ``n_all`` is everyone's ``n`` for the factor, ``n`` each segment's (segments with no
    respondent left out). Returns segment -> reason for each suppressed one.
    """
    if n_all < k:
        return dict.fromkeys(n, REASON_EVERYONE.format(k=k))
    out: dict[str, str] = {}
    for s, size in n.items():
        if size < k:
            out[s] = REASON_SMALL.format(k=k)
        elif 0 < n_all - size < k:
            out[s] = REASON_REST.format(k=k)
    while True:
        shown = sorted((size, s) for s, size in n.items() if s not in out)
        rest = n_all - sum(size for size, _ in shown)
        if out and 0 < rest < k and shown:
            out[shown[0][1]] = REASON_COMPLEMENT
            continue
        if out and len(shown) == 1:
            out[shown[0][1]] = REASON_LAST
            continue
        return out


def _stats(
    means: np.ndarray, counts: np.ndarray, favourable: np.ndarray, answers: np.ndarray
) -> tuple[int, float, float, float, float, float]:
    """n, mean, favourable %, sd, low, high of one group (respondents with an answer only)."""
    n = len(means)
    mean = float(means.mean())
    sd = float(means.std(ddof=1)) if n > 1 else 0.0
    half = float(t_quantile(np.array([n - 1]))[0]) * sd / np.sqrt(n) if n > 1 else 0.0
    fav = 100.0 * float(favourable.sum()) / float(answers.sum())
    return (
        n,
        round(mean, 3),
        round(fav, 1),
        round(sd, 3),
        round(max(0.0, mean - half), 3),
        round(min(4.0, mean + half), 3),
    )


def aggregate(
    values: np.ndarray,
    factors: Sequence[str],
    *,
    tool: str,
    segments: Sequence[str] | None = None,
    segment_column: str | None = None,
    comments: Sequence[Sequence[str]] = (),
    k: int,
    comment_k: int,
    expected: int | None = None,
    factor_order: Sequence[str] = (),
) -> StaffSurvey:
    """The survey's aggregates (see the module docstring).

    Parameters
    ----------
    values
        Respondents x statements, floats 0-4 (reverse-worded statements turned round), NaN for
        no answer. Every row is a respondent (rows with nothing at all are dropped here).
    factors
        Each column's factor id.
    tool
        The survey tool the export came from.
    segments, segment_column
        Each respondent's segment (empty: :data:`NOT_GIVEN`), and the column they came from.
    comments
        Each respondent's free-text answers (may be empty lists).
    k, comment_k
        The least group size shown, and the least for which comments are kept.
    expected
        The headcount the survey was sent to.
    factor_order
        The framework's factor order, for the groups' order.
    """
    rows = values.shape[0]
    texts: list[Sequence[str]] = list(comments) if comments else [()] * rows
    answered_any = (~np.isnan(values)).any(axis=1) if values.size else np.zeros(rows, bool)
    keep = answered_any | np.array([bool(t) for t in texts], dtype=bool)
    values = values[keep]
    texts = [t for t, kept in zip(texts, keep, strict=True) if kept]
    seg_of = (
        [(s or "").strip() or NOT_GIVEN for s, kept in zip(segments, keep, strict=True) if kept]
        if segments is not None
        else None
    )
    respondents = int(keep.sum())
    order = [f for f in factor_order if f in set(factors)] + [
        f for f in dict.fromkeys(factors) if f not in set(factor_order)
    ]
    names = sorted(set(seg_of)) if seg_of is not None else []
    codes = np.array([names.index(s) for s in seg_of], dtype=np.intp) if seg_of else None
    groups: list[SurveyGroup] = []
    factor_array = np.array(list(factors), dtype=object)
    for factor in order:
        block = values[:, factor_array == factor]
        answers = (~np.isnan(block)).sum(axis=1)
        sums = np.nansum(block, axis=1)
        favourable = (np.nan_to_num(block, nan=-1.0) >= 3).sum(axis=1)
        has = answers > 0
        means = np.divide(sums, answers, out=np.zeros_like(sums), where=has)
        n_all = int(has.sum())
        if n_all < k:
            groups.append(SurveyGroup(factor=factor, suppressed=REASON_EVERYONE.format(k=k)))
        else:
            n, mean, fav, sd, low, high = _stats(
                means[has], answers[has], favourable[has], answers[has]
            )
            groups.append(
                SurveyGroup(
                    factor=factor, n=n, mean=mean, favourable=fav, sd=sd, low=low, high=high
                )
            )
        if codes is None:
            continue
        sizes = {
            names[c]: int(size)
            for c, size in enumerate(np.bincount(codes[has], minlength=len(names)))
            if size
        }
        hidden = suppressed_segments(n_all, sizes, k)
        for c, name in enumerate(names):
            if name not in sizes:
                continue
            if name in hidden:
                groups.append(SurveyGroup(factor=factor, segment=name, suppressed=hidden[name]))
                continue
            mine = has & (codes == c)
            n, mean, fav, sd, low, high = _stats(
                means[mine], answers[mine], favourable[mine], answers[mine]
            )
            groups.append(
                SurveyGroup(
                    factor=factor,
                    segment=name,
                    n=n,
                    mean=mean,
                    favourable=fav,
                    sd=sd,
                    low=low,
                    high=high,
                )
            )
    kept_comments = _comments(texts, seg_of, groups, respondents, comment_k)
    return StaffSurvey(
        tool=tool,
        k=k,
        comment_k=comment_k,
        respondents=respondents if respondents >= k else None,
        expected=expected,
        segment=segment_column if seg_of is not None else None,
        statements=values.shape[1],
        groups=tuple(groups),
        comments=kept_comments,
    )


def _comments(
    texts: list[Sequence[str]],
    seg_of: list[str] | None,
    groups: list[SurveyGroup],
    respondents: int,
    comment_k: int,
) -> tuple[SurveyComment, ...]:
    """The comments kept: none under ``comment_k`` respondents; with their segment only when
    every segment reaches ``comment_k`` on some factor; sorted, so their order tells nothing."""
    if respondents < comment_k:
        return ()
    attribute = False
    if seg_of is not None:
        largest: dict[str, int] = {}
        for g in groups:
            if g.segment is not None:
                largest.setdefault(g.segment, 0)
                if g.shown and g.n is not None:
                    largest[g.segment] = max(largest[g.segment], g.n)
        every = set(seg_of)
        attribute = bool(every) and all(largest.get(s, 0) >= comment_k for s in every)
    kept = [
        SurveyComment(text=t, segment=seg_of[i] if attribute and seg_of is not None else None)
        for i, ts in enumerate(texts)
        for t in ts
    ]
    kept.sort(key=lambda c: (c.segment or "", c.text.casefold(), c.text))
    return tuple(kept)

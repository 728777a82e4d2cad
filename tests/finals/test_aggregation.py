"""The on-the-spot aggregation (pure): the trimmed mean agrees with the rounds' own, says which
totals it dropped, leaves blanked members out."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from finals.aggregation import Mark, Revealed, live_result, running_ranking
from reviews.scoring import aggregate, rank_in_category


def test_trimmed_mean_drops_one_highest_and_one_lowest():
    marks = [Mark(i + 1, Decimal(t)) for i, t in enumerate(["80", "90", "70", "85", "60"])]
    result = live_result(marks, "trimmed_mean")
    assert result.final == Decimal("78.333")
    assert result.dropped == (2, 5)
    assert result.counted == (1, 3, 4)


def test_blanked_member_is_left_out_before_dropping():
    marks = [Mark(i + 1, Decimal(t)) for i, t in enumerate(["80", "90", "70", "85", "60"])]
    marks[1] = Mark(2, Decimal("99"), blanked=True)
    result = live_result(marks, "trimmed_mean")
    # four totals remain: fewer than five, so nothing is dropped
    assert result.dropped == ()
    assert result.final == Decimal("73.750")


def test_no_scores_no_result():
    assert live_result([Mark(1, None), Mark(2, None, blanked=True)], "mean").final is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=15),
    st.sampled_from(["mean", "median", "trimmed_mean"]),
)
def test_agrees_with_the_rounds_aggregation(tenths, method):
    totals = [Decimal(t) / 10 for t in tenths]
    result = live_result([Mark(i + 1, t) for i, t in enumerate(totals)], method)
    expected = aggregate(
        np.zeros(len(totals), dtype=np.int64),
        np.arange(len(totals)),
        np.array([float(t) for t in totals]),
        1,
        100.0,
        method,
    ).score[0]
    assert abs(float(result.final) - expected) < 0.0006
    assert len(result.counted) + len(result.dropped) == len(totals)


def _revealed(entry, totals, means=(), submitted=0.0):
    totals = tuple(float(t) for t in totals)
    final = Decimal(str(round(sum(totals) / len(totals), 3)))
    return Revealed(entry, final, totals, tuple(means), submitted)


def test_running_ranking_breaks_ties_by_the_contests_rule():
    """Equal finals are not shown as "1, 1": the median of the totals decides, then the
    highest-weighted criterion, then the earlier submission — the rule of the rounds' results."""
    rows = [
        _revealed(10, [80, 80, 80], means=(40, 40), submitted=5.0),
        _revealed(11, [90, 90, 90], means=(45, 45), submitted=9.0),
        # mean 80 like entry 10, median 85: ranks above it
        _revealed(12, [85, 85, 70], means=(40, 40), submitted=9.0),
        # mean and median 80 like entry 10, better on the heavier second criterion
        _revealed(13, [80, 80, 80], means=(35, 45), submitted=9.0),
        # exactly like entry 10 but submitted later
        _revealed(14, [80, 80, 80], means=(40, 40), submitted=7.0),
        Revealed(15, None, (), (), 0.0),
    ]
    ranking = running_ranking(rows, [40.0, 60.0], "mean")
    assert [(s.rank, s.entry) for s in ranking] == [(1, 11), (2, 12), (3, 13), (4, 10), (5, 14)]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=6),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from(["mean", "median", "trimmed_mean"]),
)
def test_running_ranking_is_the_rounds_ranking(panels, method):
    """Whatever the scores, the big screen's order is rank_in_category's over the rounds' own
    aggregation (small integer totals, so ties are common)."""
    rows = [_revealed(100 + i, totals) for i, totals in enumerate(panels)]
    entry = np.repeat(np.arange(len(panels)), [len(p) for p in panels])
    total = np.asarray([t for p in panels for t in p], dtype=np.float64)
    agg = aggregate(entry, np.arange(total.size), total, len(panels), 20.0, method)
    expected = rank_in_category(
        agg.score,
        agg.median_raw,
        np.zeros(len(panels), dtype=np.int64),
        np.zeros(len(panels)),
        np.arange(100, 100 + len(panels)),
    )
    ranking = running_ranking(rows, [], method)
    assert {s.entry: s.rank for s in ranking} == {100 + i: int(k) for i, k in enumerate(expected)}

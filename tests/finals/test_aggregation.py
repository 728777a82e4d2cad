"""The on-the-spot aggregation (pure): the trimmed mean agrees with the rounds' own, says which
totals it dropped, leaves blanked members out."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from finals.aggregation import Mark, live_result, running_ranking
from reviews.scoring import aggregate


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


def test_running_ranking_shares_equal_scores():
    rows = [(10, Decimal("80"), 1), (11, Decimal("90"), 2), (12, Decimal("80"), 3), (13, None, 4)]
    ranking = running_ranking(rows)
    assert [(s.rank, s.entry) for s in ranking] == [(1, 11), (2, 10), (2, 12)]

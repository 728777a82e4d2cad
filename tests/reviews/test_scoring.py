"""Tests of reviews.scoring: pure computation, no Django, no database.

Expected values are computed by hand in the comments.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviews.scoring import (
    TIE_BREAK_RULE,
    AdvancementRule,
    aggregate,
    award_tiers,
    rank_in_category,
    select_advancing,
)


def agg(rows, n_entries, method, max_total=100):
    """rows: (entry, reviewer, total) tuples."""
    e, r, t = (np.array(x) for x in zip(*rows, strict=True)) if rows else ([], [], [])
    return aggregate(e, r, t, n_entries, max_total, method)


# ------------------------------------------------------------------------- aggregation


def test_mean_averages_totals():
    rows = [(0, 1, 70), (0, 2, 80), (0, 3, 90), (1, 1, 60), (1, 2, 65)]
    res = agg(rows, 2, "mean")
    # entry 0: (70 + 80 + 90) / 3 = 80;  entry 1: (60 + 65) / 2 = 62.5
    assert res.score.tolist() == [80.0, 62.5]
    assert res.count.tolist() == [3, 2]


def test_median_odd_and_even_counts():
    rows = [(0, 1, 90), (0, 2, 70), (0, 3, 80), (1, 1, 60), (1, 2, 65), (1, 3, 100), (1, 4, 10)]
    res = agg(rows, 2, "median")
    # entry 0 sorted 70 80 90 -> 80;  entry 1 sorted 10 60 65 100 -> (60 + 65) / 2 = 62.5
    assert res.score.tolist() == [80.0, 62.5]


def test_trimmed_mean_with_five_reviews_drops_highest_and_lowest():
    rows = [(0, r, t) for r, t in enumerate([50, 70, 80, 90, 100])]
    res = agg(rows, 1, "trimmed_mean")
    # drop 50 and 100: (70 + 80 + 90) / 3 = 80   (plain mean would be 390 / 5 = 78)
    assert res.score[0] == pytest.approx(80.0)


def test_trimmed_mean_with_four_reviews_is_plain_mean():
    rows = [(0, r, t) for r, t in enumerate([50, 70, 90, 100])]
    res = agg(rows, 1, "trimmed_mean")
    # fewer than 5 reviews: (50 + 70 + 90 + 100) / 4 = 77.5   (trimmed would be 80)
    assert res.score[0] == pytest.approx(77.5)


def test_trimmed_mean_drops_only_one_of_tied_extremes():
    rows = [(0, r, t) for r, t in enumerate([60, 60, 80, 100, 100])]
    res = agg(rows, 1, "trimmed_mean")
    # drop one 60 and one 100: (60 + 80 + 100) / 3 = 80
    assert res.score[0] == pytest.approx(80.0)


def test_zscore_removes_constant_harsh_offset():
    # Reviewer 1 (fair) scores entries 0-3: 60 70 80 90.
    # Reviewer 2 (harsh, -10) scores entries 4-7 of the same quality: 50 60 70 80.
    fair = [(e, 1, t) for e, t in enumerate([60, 70, 80, 90])]
    harsh = [(e + 4, 2, t) for e, t in enumerate([50, 60, 70, 80])]
    rows = fair + harsh
    mean = agg(rows, 8, "mean")
    assert mean.score[0] - mean.score[4] == 10  # the plain mean punishes the harsh draw
    z = agg(rows, 8, "zscore")
    # Each reviewer: mean 75 (resp. 65), population std sqrt((225+25+25+225)/4) = sqrt(125),
    # so both give z = (-15, -5, 5, 15) / sqrt(125).
    # Round: mu = (300 + 260) / 8 = 70, deviations -10 0 10 20 -20 -10 0 10,
    # sigma = sqrt(1200 / 8) = sqrt(150).
    # Rescaled: 70 + d * sqrt(150 / 125) = 70 + d * sqrt(1.2) for d in (-15, -5, 5, 15)
    #         = 53.568..., 64.522..., 75.477..., 86.431...
    expected = [70 + d * math.sqrt(1.2) for d in (-15, -5, 5, 15)]
    assert z.score[:4] == pytest.approx(expected)
    assert z.score[4:] == pytest.approx(expected)


def test_zscore_single_review_reviewer_gets_round_mean():
    rows = [(0, 1, 60), (1, 1, 80), (2, 2, 40)]
    res = agg(rows, 3, "zscore")
    # reviewer 2 has one review -> z = 0 -> round mean (60 + 80 + 40) / 3 = 60
    assert res.score[2] == pytest.approx(60.0)


def test_zscore_zero_std_reviewer_gets_round_mean():
    rows = [(0, 1, 60), (1, 1, 90), (2, 2, 75), (3, 2, 75)]
    res = agg(rows, 4, "zscore")
    # reviewer 2 gave 75 twice (std 0) -> z = 0 -> round mean (60 + 90 + 75 + 75) / 4 = 75
    assert res.score[2:].tolist() == pytest.approx([75.0, 75.0])


def test_zscore_clips_to_raw_range():
    # Reviewer 1: nine 0s and one 100 -> mean 10, std sqrt((9*100 + 8100) / 10) = 30,
    #             so the 100 has z = 3.
    # Reviewer 2: 0 and 100 on two more entries (z = -1, +1).
    # Round of 12 totals: mu = 200 / 12 = 16.67, sigma = sqrt(20000/12 - mu^2) = 37.27.
    # 16.67 + 3 * 37.27 = 128.5 > 100 -> clipped to 100.
    rows = [(e, 1, 0) for e in range(9)] + [(9, 1, 100), (10, 2, 0), (11, 2, 100)]
    res = agg(rows, 12, "zscore")
    assert res.score[9] == 100.0
    assert (res.score >= 0).all() and (res.score <= 100).all()


@pytest.mark.parametrize("method", ["mean", "median", "trimmed_mean", "zscore"])
def test_entry_without_reviews_gets_nan_and_zero_count(method):
    res = agg([(0, 1, 70), (0, 2, 50), (2, 1, 90), (2, 2, 80)], 3, method)
    assert math.isnan(res.score[1]) and res.count[1] == 0
    assert math.isnan(res.median_raw[1])
    assert not np.isnan(res.score[[0, 2]]).any()


def test_aggregate_rejects_scores_out_of_range():
    with pytest.raises(ValueError):
        agg([(0, 1, 101)], 1, "mean")


def test_aggregate_rejects_unknown_method():
    with pytest.raises(ValueError):
        agg([(0, 1, 50)], 1, "max")


# ------------------------------------------------------------------------------ ranking


def rank(score, median=None, category=None, submitted=None, ids=None, **kw):
    n = len(score)
    return rank_in_category(
        np.array(score, dtype=float),
        np.array(median if median is not None else score, dtype=float),
        np.array(category if category is not None else [1] * n),
        np.array(submitted if submitted is not None else [0.0] * n),
        np.array(ids if ids is not None else list(range(n))),
        **kw,
    ).tolist()


def test_rank_higher_score_first_within_each_category():
    #               cat 1 : 70 (2nd), 90 (1st), 50 (3rd);  cat 2 : 60 (2nd), 80 (1st)
    assert rank([70, 60, 90, 80, 50], category=[1, 2, 1, 2, 1]) == [2, 2, 1, 1, 3]


def test_rank_tie_broken_by_median_of_raw_totals():
    # both mean 75: A = 60, 75, 90 (median 75), B = 70, 70, 85 (median 70) -> A first
    assert rank([75, 75], median=[75, 70]) == [1, 2]
    assert rank([75, 75], median=[70, 75]) == [2, 1]


def test_rank_tie_broken_by_highest_weighted_criterion_first():
    cm = np.array([[9.0, 5.0], [8.0, 6.0]])
    # criterion 1 weighs more -> entry 1 (6.0 > 5.0) wins despite losing criterion 0
    assert rank([80, 80], criterion_means=cm, criterion_weights=[0.3, 0.7]) == [2, 1]
    # equal weights -> configured order, criterion 0 decides -> entry 0 wins
    assert rank([80, 80], criterion_means=cm, criterion_weights=[0.5, 0.5]) == [1, 2]


def test_rank_tie_broken_by_earlier_submission():
    assert rank([80, 80], submitted=[200.0, 100.0]) == [2, 1]


def test_rank_tie_broken_by_datetime_submission():
    sub = np.array(["2026-03-02T10:00", "2026-03-01T10:00"], dtype="datetime64[m]")
    assert rank([80, 80], submitted=sub) == [2, 1]


def test_rank_final_tie_broken_by_lower_entry_id():
    assert rank([80, 80], ids=[501, 400]) == [2, 1]


def test_rank_unreviewed_entries_last():
    assert rank([math.nan, 10.0, 50.0]) == [3, 2, 1]


def test_rank_float_noise_counts_as_tie():
    # 0.1 + 0.2 = 0.30000000000000004 ties with 0.3 at 9 decimals -> id decides
    assert rank([0.1 + 0.2, 0.3], ids=[2, 1]) == [2, 1]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([50.0, 60.0, math.nan])), min_size=1))
def test_rank_unique_and_contiguous_per_category(rows):
    cats = np.array([c for c, _ in rows])
    scores = np.array([s for _, s in rows])
    ranks = np.array(rank(scores, category=cats))
    for c in set(cats.tolist()):
        assert sorted(ranks[cats == c].tolist()) == list(range(1, int((cats == c).sum()) + 1))


def test_tie_break_rule_is_documented_in_english():
    for word in ("aggregate score", "median", "criterion", "submission time", "entry id"):
        assert word in TIE_BREAK_RULE


# ------------------------------------------------------------------------- advancement


def advancing(score, category, rule, count=None):
    score = np.array(score, dtype=float)
    count = np.array(count if count is not None else (~np.isnan(score)).astype(int))
    cat = np.array(category)
    r = rank_in_category(score, score, cat, np.zeros(len(score)), np.arange(len(score)))
    return select_advancing(score, count, cat, r, rule).tolist()


def test_advancement_top_n_per_category():
    got = advancing([90, 80, 70, 60, 95], [1, 1, 1, 2, 2], AdvancementRule.top_n(2))
    assert got == [True, True, False, True, True]


def test_advancement_top_share_rounds_up_per_category():
    # 10 entries, 30 % -> exactly 3 (0.3 * 10 is 3.0000000000000004 in floating point)
    scores = list(range(100, 0, -10))
    assert sum(advancing(scores, [1] * 10, AdvancementRule.top_share(0.3))) == 3
    # 25 % of 10 = 2.5 -> ceil -> 3
    assert sum(advancing(scores, [1] * 10, AdvancementRule.top_share(0.25))) == 3


def test_advancement_top_share_counts_reviewed_entries_only():
    # 4 reviewed + 2 unreviewed, 50 % of 4 reviewed = 2
    got = advancing([90, 80, 70, 60, math.nan, math.nan], [1] * 6, AdvancementRule.top_share(0.5))
    assert got == [True, True, False, False, False, False]


def test_advancement_min_score_is_inclusive():
    got = advancing([85.0, 84.999, 90.0], [1, 1, 2], AdvancementRule.min_score(85))
    assert got == [True, False, True]


def test_advancement_never_for_unreviewed_entries():
    for rule in (
        AdvancementRule.top_n(5),
        AdvancementRule.top_share(1.0),
        AdvancementRule.min_score(0),
    ):
        assert advancing([math.nan, 50.0], [1, 1], rule) == [False, True]


def test_advancement_rule_rejects_bad_share():
    with pytest.raises(ValueError):
        AdvancementRule.top_share(1.5)


# ------------------------------------------------------------------------------ awards

TIERS = {"first": 1, "second": 3, "third": 5, "excellent": 10}


def test_awards_by_cumulative_rank_ranges():
    ranks = np.arange(1, 13)
    got = award_tiers(ranks, np.ones(12), TIERS).tolist()
    assert got == (["first"] + ["second"] * 2 + ["third"] * 2 + ["excellent"] * 5 + [None] * 2)


def test_awards_never_for_unreviewed_entries():
    got = award_tiers(np.array([1, 2]), np.array([0, 3]), TIERS).tolist()
    assert got == [None, "second"]


def test_awards_reject_non_increasing_counts():
    with pytest.raises(ValueError):
        award_tiers(np.array([1]), np.array([1]), {"first": 3, "second": 2})

"""Tests of reviews.fairness: pure statistics, no database. Expected values by hand below."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reviews.fairness import (
    compare_methods,
    cut_line,
    disagreements,
    entry_spread,
    icc_oneway,
    reviewer_leniency,
    score_histogram,
)


def cols(rows):
    return tuple(np.array(x) for x in zip(*rows, strict=True))


# ------------------------------------------------------------------- compare_methods

# entry 0: 10 80 80 80 80 -> mean 66, median 80, trimmed (80*3)/3 = 80
# entry 1: 70 70 70 70 70 -> 70 under every plain method
OUTLIER_ROWS = [(0, r, t) for r, t in enumerate([10, 80, 80, 80, 80])] + [
    (1, r, 70) for r in range(5)
]


def _compare(chosen):
    e, r, t = cols(OUTLIER_ROWS)
    return compare_methods(
        e,
        r,
        t,
        n_entries=2,
        max_total=100,
        category=np.array([1, 1]),
        submitted_at=np.array([0.0, 0.0]),
        entry_id=np.array([10, 11]),
        chosen=chosen,
    )


def test_compare_methods_ranks_under_each_method():
    cmp = _compare("mean")
    assert cmp.scores["mean"].tolist() == [66.0, 70.0]
    assert cmp.scores["median"].tolist() == [80.0, 70.0]
    assert cmp.scores["trimmed_mean"].tolist() == pytest.approx([80.0, 70.0])
    assert cmp.ranks["mean"].tolist() == [2, 1]
    assert cmp.ranks["median"].tolist() == [1, 2]
    assert cmp.ranks["trimmed_mean"].tolist() == [1, 2]


def test_compare_methods_zscore_removes_the_harsh_reviewer():
    # reviewer 0 gave 10 and 70: z = -1 on entry 0, +1 on entry 1; reviewers 1..4 gave 80 and
    # 70: z = +1 on entry 0, -1 on entry 1. Entry 0: mean z = (−1 + 4) / 5 = 0.6 > entry 1: −0.6.
    # mu = 680 / 10 = 68, sigma = sqrt(3960 / 10) = 19.8997...; no value is clipped.
    cmp = _compare("mean")
    sigma = math.sqrt(396)
    assert cmp.scores["zscore"].tolist() == pytest.approx([68 + 0.6 * sigma, 68 - 0.6 * sigma])
    assert cmp.ranks["zscore"].tolist() == [1, 2]


def test_compare_methods_moves_are_places_gained_against_the_chosen_method():
    cmp = _compare("mean")
    # under the median entry 0 climbs from 2nd to 1st (+1) and entry 1 drops (−1)
    assert cmp.moves["median"].tolist() == [1, -1]
    assert cmp.moves["mean"].tolist() == [0, 0]
    assert cmp.max_move.tolist() == [1, 1]


def test_compare_methods_nothing_moves_when_all_methods_agree():
    e, r, t = cols([(0, 0, 90), (0, 1, 80), (1, 0, 50), (1, 1, 60)])
    cmp = compare_methods(
        e,
        r,
        t,
        n_entries=2,
        max_total=100,
        category=np.array([1, 1]),
        submitted_at=np.zeros(2),
        entry_id=np.array([1, 2]),
        chosen="median",
    )
    assert cmp.max_move.tolist() == [0, 0]


def test_compare_methods_ranks_within_each_category():
    e, r, t = cols([(0, 0, 90), (1, 0, 50), (2, 0, 70)])
    cmp = compare_methods(
        e,
        r,
        t,
        n_entries=3,
        max_total=100,
        category=np.array([1, 2, 2]),
        submitted_at=np.zeros(3),
        entry_id=np.arange(3),
        chosen="mean",
    )
    assert cmp.ranks["mean"].tolist() == [1, 2, 1]


def test_compare_methods_refuses_an_unknown_chosen_method():
    e, r, t = cols(OUTLIER_ROWS)
    with pytest.raises(ValueError):
        compare_methods(
            e,
            r,
            t,
            n_entries=2,
            max_total=100,
            category=np.ones(2),
            submitted_at=np.zeros(2),
            entry_id=np.arange(2),
            chosen="mode",
        )


# ------------------------------------------------------------------ reviewer_leniency

# entry 0: A 60, B 70, C 80;  entry 1: A 50, B 70;  entry 2: C 90 alone; reviewer 3: nothing
LENIENCY_ROWS = [(0, 0, 60), (0, 1, 70), (0, 2, 80), (1, 0, 50), (1, 1, 70), (2, 2, 90)]


def test_leniency_offset_against_the_others_on_the_same_entries():
    e, r, t = cols(LENIENCY_ROWS)
    res = reviewer_leniency(e, r, t, n_entries=3, n_reviewers=4)
    # A: 60 − (70+80)/2 = −15 and 50 − 70 = −20 -> offset −17.5, spread 2.5
    # B: 70 − (60+80)/2 = 0 and 70 − 50 = +20  -> offset 10, spread 10
    # C: 80 − (60+70)/2 = +15; entry 2 scored alone is not compared -> 15, spread 0
    assert res.offset[:3].tolist() == pytest.approx([-17.5, 10.0, 15.0])
    assert res.offset_std[:3].tolist() == pytest.approx([2.5, 10.0, 0.0])
    assert res.n_compared.tolist() == [2, 2, 1, 0]


def test_leniency_mean_counts_every_review():
    e, r, t = cols(LENIENCY_ROWS)
    res = reviewer_leniency(e, r, t, n_entries=3, n_reviewers=4)
    assert res.mean[:3].tolist() == pytest.approx([55.0, 70.0, 85.0])
    assert res.n_reviews.tolist() == [2, 2, 2, 0]


def test_leniency_reviewer_without_reviews_is_nan():
    e, r, t = cols(LENIENCY_ROWS)
    res = reviewer_leniency(e, r, t, n_entries=3, n_reviewers=4)
    assert math.isnan(res.mean[3]) and math.isnan(res.offset[3]) and math.isnan(res.offset_std[3])


def test_leniency_refuses_reviewer_index_out_of_range():
    e, r, t = cols(LENIENCY_ROWS)
    with pytest.raises(ValueError):
        reviewer_leniency(e, r, t, n_entries=3, n_reviewers=2)


# ------------------------------------------------------------------------- icc_oneway


def test_icc_balanced_by_hand():
    # entries 80/90, 60/70, 40/50: means 85 65 45, grand 65
    # MSB = 2 * (400 + 0 + 400) / 2 = 800; MSW = 6 * 25 / (6 − 3) = 50; n0 = 2
    # ICC(1) = 750 / 850; ICC(1,k) = 750 / 800
    e, t = np.array([0, 0, 1, 1, 2, 2]), np.array([80, 90, 60, 70, 40, 50])
    res = icc_oneway(e, t, n_entries=3)
    assert res.icc1 == pytest.approx(750 / 850)
    assert res.icc1k == pytest.approx(0.9375)
    assert res.n0 == pytest.approx(2.0)


def test_icc_unbalanced_by_hand_ignores_single_reviews():
    # A: 2 4, B: 6 8 10 (C: 50 alone, left out). grand 6, means 3 and 8
    # MSB = (2*9 + 3*4) / 1 = 30; MSW = (1+1 + 4+0+4) / (5 − 2) = 10/3
    # n0 = (5 − (4 + 9) / 5) / 1 = 2.4
    # ICC(1) = (30 − 10/3) / (30 + 1.4 * 10/3) = 0.769230...; ICC(1,k) = (30 − 10/3) / 30
    e, t = np.array([0, 0, 1, 1, 1, 2]), np.array([2, 4, 6, 8, 10, 50])
    res = icc_oneway(e, t, n_entries=3)
    assert (res.n_entries, res.n_reviews) == (2, 5)
    assert res.n0 == pytest.approx(2.4)
    assert res.icc1 == pytest.approx((30 - 10 / 3) / (30 + 1.4 * 10 / 3))
    assert res.icc1k == pytest.approx((30 - 10 / 3) / 30)


def test_icc_is_nan_with_fewer_than_two_comparable_entries():
    res = icc_oneway(np.array([0, 0, 1]), np.array([50, 60, 70]), n_entries=2)
    assert math.isnan(res.icc1) and math.isnan(res.icc1k)


def test_icc_is_nan_when_no_score_varies():
    res = icc_oneway(np.array([0, 0, 1, 1]), np.array([70, 70, 70, 70]), n_entries=2)
    assert math.isnan(res.icc1) and math.isnan(res.icc1k)


# ----------------------------------------------------------------- spread, disagreement


def test_entry_spread_range_and_sample_std():
    e, _, t = cols(LENIENCY_ROWS)
    sp = entry_spread(e, t, n_entries=4)
    # entry 0: 60 70 80 -> range 20, std 10; entry 1: 50 70 -> range 20, std sqrt(200)
    assert sp.range[:2].tolist() == [20.0, 20.0]
    assert sp.std[:2].tolist() == pytest.approx([10.0, math.sqrt(200)])
    assert sp.count.tolist() == [3, 2, 1, 0]
    assert (sp.low[2], sp.high[2]) == (90.0, 90.0)
    assert math.isnan(sp.range[2]) and math.isnan(sp.range[3]) and math.isnan(sp.low[3])


def test_disagreements_above_threshold_widest_first():
    e, t = np.array([0, 0, 1, 1, 2, 2, 3]), np.array([50, 60, 40, 90, 30, 70, 10])
    sp = entry_spread(e, t, n_entries=4)  # ranges 10, 50, 40, NaN
    assert disagreements(sp, threshold=15).tolist() == [1, 2]
    assert disagreements(sp, threshold=15, limit=1).tolist() == [1]


def test_disagreements_threshold_is_strict():
    e, t = np.array([0, 0]), np.array([50, 70])
    assert disagreements(entry_spread(e, t, n_entries=1), threshold=20).tolist() == []


# ---------------------------------------------------------------------- distribution


def test_score_histogram_bins_and_ignores_nan():
    counts, edges = score_histogram(np.array([0, 5, 10, 99.9, 100, np.nan]), max_total=100, bins=10)
    assert counts.tolist() == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert edges[0] == 0 and edges[-1] == 100 and len(edges) == 11


def test_cut_line_is_lowest_advancing_score():
    assert cut_line(np.array([90, 80, 70]), np.array([True, True, False])) == 80.0
    assert math.isnan(cut_line(np.array([90.0]), np.array([False])))

"""The fairness lab selector on a real round: arrays loaded from the database, constant queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews import services
from reviews.selectors import round_fairness, round_score_arrays
from tests.reviews.test_results import _run_round

# entry 0: 60 70 95 (range 35), entry 1: 80 80 81 (range 1), entry 2: 40 90 50 (range 50)
TOTALS = [[60, 70, 95], [80, 80, 81], [40, 90, 50]]


@pytest.fixture
def scored_round(union_staff):
    round_, entries, pool = _run_round(union_staff, k=3, totals=TOTALS)
    services.round_compute_results(round=round_, actor=union_staff)
    return round_, entries, pool


def test_score_arrays_hold_every_submitted_review(scored_round):
    round_, entries, pool = scored_round
    data = round_score_arrays(round_)
    assert data.entry_ids.tolist() == sorted(e.pk for e in entries)
    assert data.reviewer_ids.tolist() == sorted(r.pk for r in pool[:3])
    assert sorted(data.total.tolist()) == sorted(t for row in TOTALS for t in row)
    assert data.max_total == 100.0
    assert data.advanced.sum() == 1  # top 1 advances


def test_fairness_lists_disputed_entries_widest_first(scored_round):
    round_, entries, _ = scored_round
    report = round_fairness(round_, threshold=20)
    assert [row["entry"] for row in report["disputed"]] == [entries[2].pk, entries[0].pk]
    assert [row["range"] for row in report["disputed"]] == [50.0, 35.0]
    assert report["disputed_total"] == 2


def test_fairness_threshold_defaults_to_the_rounds(scored_round):
    round_, entries, _ = scored_round
    round_.disagreement_threshold = Decimal("40")
    report = round_fairness(round_)
    assert report["threshold"] == 40.0
    assert [row["entry"] for row in report["disputed"]] == [entries[2].pk]


def test_fairness_leniency_of_each_reviewer(scored_round):
    round_, _, pool = scored_round
    report = round_fairness(round_)
    by_id = {r["reviewer"]: r for r in report["reviewers"]}
    # reviewer 0: 60 − 82.5, 80 − 80.5, 40 − 70 -> (−22.5 − 0.5 − 30) / 3 = −17.667
    assert by_id[pool[0].pk]["offset"] == pytest.approx(-17.667, abs=1e-3)
    assert by_id[pool[0].pk]["mean"] == pytest.approx(60.0)
    offsets = [r["offset"] for r in report["reviewers"]]
    assert offsets == sorted(offsets, reverse=True)


def test_fairness_marks_the_chosen_method_and_the_cut_line(scored_round):
    round_, _, _ = scored_round
    report = round_fairness(round_)
    assert report["chosen"] == "mean" and "median" in report["methods"]
    (category,) = report["categories"]
    # means 75, 80.333, 60: top 1 advances -> cut line 80.333
    assert category["cut_line"] == pytest.approx(80.333, abs=1e-3)
    assert sum(category["histogram"]["counts"]) == 3
    assert category["icc1"] is not None


def test_fairness_query_count_does_not_grow_with_the_round(union_staff):
    small, _, _ = _run_round(union_staff, k=3, totals=TOTALS)
    large, _, _ = _run_round(union_staff, k=3, totals=TOTALS * 3)
    counts = []
    for round_ in (small, large):
        services.round_compute_results(round=round_, actor=union_staff)
        with CaptureQueriesContext(connection) as ctx:
            round_fairness(round_, threshold=0)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]

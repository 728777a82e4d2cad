"""The fairness lab and its exports through the API, per role."""

import io

import pytest
from openpyxl import load_workbook

from reviews import services
from tests.reviews.test_fairness_selector import TOTALS
from tests.reviews.test_results import _run_round


@pytest.fixture
def scored_round(union_staff):
    round_, entries, pool = _run_round(union_staff, k=3, totals=TOTALS)
    services.round_compute_results(round=round_, actor=union_staff)
    return round_, entries


def test_staff_read_the_fairness_lab(staff_client, scored_round):
    round_, entries = scored_round
    body = staff_client.get(f"/api/v1/review-rounds/{round_.pk}/fairness/?threshold=40").json()
    assert body["threshold"] == 40.0
    assert [row["entry"] for row in body["disputed"]] == [entries[2].pk]
    assert {"mean", "median", "trimmed_mean", "zscore"} == set(body["methods"])


def test_fairness_threshold_must_be_a_number(staff_client, scored_round):
    round_, _ = scored_round
    response = staff_client.get(f"/api/v1/review-rounds/{round_.pk}/fairness/?threshold=abc")
    assert response.status_code == 400 and "threshold" in response.json()["fields"]


@pytest.mark.parametrize("who", ["member_client", "reviewer_client"])
def test_fairness_refused_to_enterprise_members_and_reviewers(request, who, scored_round):
    round_, _ = scored_round
    response = request.getfixturevalue(who).get(f"/api/v1/review-rounds/{round_.pk}/fairness/")
    assert response.status_code == 403


def test_methods_export_lists_every_entry_with_each_method(staff_client, scored_round):
    round_, entries = scored_round
    response = staff_client.get(
        f"/api/v1/review-rounds/{round_.pk}/export/methods/?file_format=xlsx"
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:3] == ("category", "entry_id", "title")
    assert "rank_zscore" in rows[0] and rows[0][7] == "score_mean"  # the round's method first
    assert sorted(r[1] for r in rows[1:]) == sorted(e.pk for e in entries)


def test_leniency_export_has_one_row_per_reviewer(staff_client, scored_round):
    round_, _ = scored_round
    response = staff_client.get(f"/api/v1/review-rounds/{round_.pk}/export/leniency/")
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("reviewer_id,name") and len(lines) == 4


def test_staff_set_the_disagreement_threshold_of_a_draft_round(staff_client, union_staff):
    from tests.factories.reviews import RoundFactory

    round_ = RoundFactory()
    response = staff_client.patch(
        f"/api/v1/review-rounds/{round_.pk}/", {"disagreement_threshold": "12.5"}, format="json"
    )
    assert response.status_code == 200, response.json()
    round_.refresh_from_db()
    assert str(round_.disagreement_threshold) == "12.50"

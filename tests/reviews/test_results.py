"""Results through the services: aggregation on hand-computed examples, ties, advancement into
the next round, awards, publication visibility, exports."""

from decimal import Decimal

import pytest
from django.db import connection
from openpyxl import load_workbook

from jobs.models import Job
from jobs.services import job_run, job_start
from projects.enums import EntryState
from reviews import jobs as round_jobs
from reviews import rereview, services
from reviews.enums import AdvancementRule, AggregationMethod, RoundState
from reviews.models import Assignment, Award, Review, Round, RoundEntry
from reviews.selectors import round_results
from tests.factories.reviews import (
    ReviewCategoryFactory,
    ReviewContestFactory,
    ReviewEntryFactory,
    RoundFactory,
    accept_pledges,
    make_pool,
)

ONE = [("总分", Decimal("100"), Decimal("100"))]


def _run_round(
    staff,
    *,
    k,
    totals,
    method=AggregationMethod.MEAN,
    rule=AdvancementRule.TOP_N,
    value=Decimal("1"),
    contest=None,
    order=1,
    entries=None,
    pool=None,
    close=True,
):
    """Open a one-criterion round, have reviewers submit ``totals[i][j]`` for entry i (None: no
    review), close unless ``close`` is False."""
    contest = contest or ReviewContestFactory()
    if entries is None:
        category = ReviewCategoryFactory(contest=contest)
        entries = [ReviewEntryFactory(contest=contest, category=category) for _ in totals]
    pool = pool or make_pool(contest, k)
    round_ = RoundFactory(
        contest=contest,
        order=order,
        reviewers_per_entry=k,
        rubric=ONE,
        aggregation=method,
        advancement_rule=rule,
        advancement_value=value,
    )
    services.round_start_assigning(round=round_, actor=staff)
    enrolled = list(round_.round_entries.order_by("entry_id").values_list("entry_id", flat=True))
    by_id = {e.pk: e for e in entries}
    for entry_id in enrolled:
        for reviewer in pool[:k]:
            services.assignment_add(
                round=round_, reviewer=reviewer, entry=by_id[entry_id], actor=staff
            )
    services.round_confirm_assignments(round=round_, actor=staff)
    accept_pledges(round_)
    criterion = round_.criteria.get()
    for entry_id, row in zip(enrolled, totals, strict=True):
        for reviewer, total in zip(pool[:k], row, strict=True):
            if total is None:
                continue
            a = Assignment.objects.get(round=round_, reviewer=reviewer, entry_id=entry_id)
            services.review_submit(
                assignment=a,
                reviewer=reviewer,
                scores=[{"criterion": criterion.pk, "score": str(total)}],
            )
    if close:
        services.round_close(round=round_, actor=staff)
    return round_, [by_id[pk] for pk in enrolled], pool


def _scores(round_):
    return list(
        RoundEntry.objects.filter(round=round_).order_by("entry_id").values_list("score", flat=True)
    )


def test_trimmed_mean_drops_highest_and_lowest_from_five(union_staff):
    round_, _, _ = _run_round(
        union_staff,
        k=5,
        totals=[[60, 70, 80, 90, 100], [50, 50, 50, 50, 90]],
        method=AggregationMethod.TRIMMED_MEAN,
    )
    services.round_compute_results(round=round_, actor=union_staff)
    assert _scores(round_) == [Decimal("80.000"), Decimal("50.000")]


def test_mean_and_median(union_staff):
    round_, _, _ = _run_round(union_staff, k=3, totals=[[60, 70, 95], [80, 80, 81]])
    services.round_compute_results(round=round_, actor=union_staff)
    assert _scores(round_) == [Decimal("75.000"), Decimal("80.333")]
    Round.objects.filter(pk=round_.pk).update(aggregation=AggregationMethod.MEDIAN)
    round_.refresh_from_db()
    services.round_compute_results(round=round_, actor=union_staff)
    assert _scores(round_) == [Decimal("70.000"), Decimal("80.000")]


def test_zscore_removes_a_harsh_reviewer(union_staff):
    # Reviewer 0 is 20 points harsher on everything; after normalisation entry order is decided
    # by what both reviewers agree on.
    round_, _, _ = _run_round(
        union_staff, k=2, totals=[[50, 70], [60, 80], [70, 90]], method=AggregationMethod.ZSCORE
    )
    services.round_compute_results(round=round_, actor=union_staff)
    scores = _scores(round_)
    assert scores[0] < scores[1] < scores[2]
    assert scores[1] == Decimal("70.000")  # the middle entry sits at the overall mean


def test_tie_broken_by_median_then_submission(union_staff):
    # Same mean (70); the second has the higher median, so it ranks first.
    round_, entries, _ = _run_round(union_staff, k=3, totals=[[60, 60, 90], [50, 80, 80]])
    services.round_compute_results(round=round_, actor=union_staff)
    ranks = dict(RoundEntry.objects.filter(round=round_).values_list("entry_id", "rank"))
    assert ranks[entries[1].pk] == 1 and ranks[entries[0].pk] == 2


def test_full_tie_goes_to_earlier_submission(union_staff):
    round_, entries, _ = _run_round(union_staff, k=2, totals=[[70, 80], [80, 70]])
    services.round_compute_results(round=round_, actor=union_staff)
    ranks = dict(RoundEntry.objects.filter(round=round_).values_list("entry_id", "rank"))
    earlier = min(entries, key=lambda e: e.submitted_at)
    assert ranks[earlier.pk] == 1


def test_finalize_marks_entries_and_feeds_next_round(union_staff):
    round_, entries, pool = _run_round(
        union_staff, k=2, totals=[[90, 90], [50, 50], [70, 70]], value=Decimal("2")
    )
    services.round_finalize(round=round_, actor=union_staff)
    states = {
        e.pk: e.state for e in type(entries[0]).objects.filter(pk__in=[e.pk for e in entries])
    }
    assert states[entries[0].pk] == EntryState.ADVANCED
    assert states[entries[2].pk] == EntryState.ADVANCED
    assert states[entries[1].pk] == EntryState.NOT_ADVANCED
    second = RoundFactory(contest=round_.contest, order=2, rubric=ONE, reviewers_per_entry=2)
    services.round_start_assigning(round=second, actor=union_staff)
    assert set(second.round_entries.values_list("entry_id", flat=True)) == {
        entries[0].pk,
        entries[2].pk,
    }


def test_finalize_keeps_the_results_staff_computed(union_staff):
    round_, entries, _ = _run_round(
        union_staff, k=2, totals=[[90, 90], [50, 50], [70, 70]], value=Decimal("2")
    )
    services.round_compute_results(round=round_, actor=union_staff)
    computed = Round.objects.get(pk=round_.pk).results_computed_at
    looked_at = list(RoundEntry.objects.filter(round=round_).values_list("entry_id", "rank"))
    services.round_finalize(round=round_, actor=union_staff)
    # finalized on the results staff looked at, not on a second computation
    assert Round.objects.get(pk=round_.pk).results_computed_at == computed
    assert list(RoundEntry.objects.filter(round=round_).values_list("entry_id", "rank")) == (
        looked_at
    )
    assert type(entries[0]).objects.get(pk=entries[1].pk).state == EntryState.NOT_ADVANCED


def test_finalize_after_a_reopening_computes_the_new_reviews(union_staff):
    from datetime import timedelta

    from django.utils import timezone

    round_, entries, _ = _run_round(union_staff, k=1, totals=[[90], [50]], value=Decimal("1"))
    services.round_compute_results(round=round_, actor=union_staff)
    assert _scores(round_) == [Decimal("90.000"), Decimal("50.000")]
    extra = make_pool(round_.contest, 1)[0]
    # 复评: one more reviewer for the second entry reopens the closed round
    rereview.round_add_reviewers(
        round=round_,
        entries=[entries[1]],
        actor=union_staff,
        reason="one more reviewer for the second entry",
        deadline=timezone.now() + timedelta(days=1),
    )
    added = Assignment.objects.get(round=round_, reviewer=extra)
    accept_pledges(round_)
    services.review_submit(
        assignment=added,
        reviewer=extra,
        scores=[{"criterion": round_.criteria.get().pk, "score": "100"}],
    )
    services.round_close(round=round_, actor=union_staff)
    services.round_finalize(round=round_, actor=union_staff)
    # (50 + 100) / 2: the reopening discarded the old results and finalize computed them again
    assert _scores(round_) == [Decimal("90.000"), Decimal("75.000")]
    advanced = type(entries[0]).objects.get(pk=entries[0].pk).state
    assert advanced == EntryState.ADVANCED


def test_next_round_waits_for_previous_finalized(union_staff):
    round_, _, _ = _run_round(union_staff, k=1, totals=[[90]])
    second = RoundFactory(contest=round_.contest, order=2, rubric=ONE)
    from core.exceptions import Conflict

    with pytest.raises(Conflict):
        services.round_start_assigning(round=second, actor=union_staff)


def test_unsubmitted_reviews_do_not_count(union_staff):
    round_, _, _ = _run_round(union_staff, k=2, totals=[[90, None]])
    services.round_compute_results(round=round_, actor=union_staff)
    row = RoundEntry.objects.get(round=round_)
    assert row.n_reviews == 1 and row.score == Decimal("90.000")


def test_awards_by_rank_and_publication_visibility(union_staff, client_for, staff_client):
    from tests.factories.accounts import EnterpriseUserFactory

    round_, entries, pool = _run_round(
        union_staff,
        k=2,
        totals=[[90, 90], [80, 80], [70, 70]],
        rule=AdvancementRule.NONE,
        value=None,
    )
    Review.objects.filter(entry=entries[0]).update(comment="创新性突出")
    services.round_finalize(round=round_, actor=union_staff)
    awards = services.awards_grant_by_rank(
        round=round_, tiers={"first": 1, "second": 2}, actor=union_staff
    )
    assert {a.entry_id: a.tier for a in awards} == {entries[0].pk: "first", entries[1].pk: "second"}
    entries[0].refresh_from_db()
    assert entries[0].state == EntryState.AWARDED
    member = client_for(EnterpriseUserFactory(organisation=entries[0].organisation))
    assert member.get("/api/v1/round-outcomes/").json()["count"] == 0
    assert member.get("/api/v1/awards/").json()["count"] == 0
    response = staff_client.post(f"/api/v1/review-rounds/{round_.pk}/publish/")
    assert response.status_code == 202
    assert job_run(job_id=response.json()["id"]).state == "succeeded"
    outcomes = member.get("/api/v1/round-outcomes/").json()["results"]
    assert len(outcomes) == 1
    outcome = outcomes[0]
    assert outcome["rank"] == 1 and outcome["award"]["tier"] == "first"
    assert outcome["comments"] == ["创新性突出", "创新性突出"]
    text = str(outcome)
    for reviewer in pool:
        assert reviewer.username not in text and reviewer.full_name not in text
    assert member.get("/api/v1/awards/").json()["count"] == 1
    other = client_for(EnterpriseUserFactory())
    assert other.get("/api/v1/round-outcomes/").json()["count"] == 0


def test_publish_before_finalize_is_409(union_staff, staff_client):
    round_, _, _ = _run_round(union_staff, k=1, totals=[[90]])
    assert staff_client.post(f"/api/v1/review-rounds/{round_.pk}/publish/").status_code == 409


def test_exports_csv_and_xlsx(union_staff, staff_client, reviewer_client):
    import io

    round_, entries, _ = _run_round(union_staff, k=2, totals=[[90, 80], [70, 60]])
    services.round_finalize(round=round_, actor=union_staff)
    base = f"/api/v1/review-rounds/{round_.pk}/export"
    csv = staff_client.get(f"{base}/scoreboard/?file_format=csv")
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert "总分" in text and entries[0].title in text
    xlsx = staff_client.get(f"{base}/workload/?file_format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3  # header + 2 reviewers
    assert staff_client.get(f"{base}/awards/?file_format=pdf").status_code == 400
    assert staff_client.get(f"{base}/nothing/").status_code == 400
    assert reviewer_client.get(f"{base}/scoreboard/").status_code == 403


def test_an_export_by_job_gives_the_same_file_as_the_direct_download(
    union_staff, staff_client, reviewer_client, settings, tmp_path
):
    from jobs import services as job_services

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    round_, entries, _ = _run_round(union_staff, k=2, totals=[[90, 80], [70, 60]])
    services.round_finalize(round=round_, actor=union_staff)
    base = f"/api/v1/review-rounds/{round_.pk}/export"
    started = staff_client.post(f"{base}/scoreboard/?file_format=csv")
    assert started.status_code == 202, started.content
    job = job_services.job_run(job_id=started.json()["id"])
    assert job.state == "succeeded" and job.result["rows"] == 2
    body = staff_client.get(started.json()["url"]).json()
    by_job = staff_client.get(body["download_url"])
    direct = staff_client.get(f"{base}/scoreboard/?file_format=csv")
    assert b"".join(by_job.streaming_content) == direct.content
    assert 'filename="round-' in by_job["Content-Disposition"]
    # Refused at once, naming the parameter; other roles cannot start one.
    assert staff_client.post(f"{base}/nothing/").json()["fields"].keys() == {"kind"}
    assert staff_client.post(f"{base}/awards/?file_format=pdf").status_code == 400
    assert reviewer_client.post(f"{base}/scoreboard/").status_code == 403


def test_results_endpoint_query_count_is_constant(
    union_staff, staff_client, django_assert_max_num_queries
):
    round_, _, _ = _run_round(union_staff, k=1, totals=[[50 + i] for i in range(20)])
    services.round_finalize(round=round_, actor=union_staff)
    with django_assert_max_num_queries(8):
        response = staff_client.get(f"/api/v1/review-rounds/{round_.pk}/results/?page_size=100")
    assert len(response.json()["results"]) == 20
    assert response.json()["results"][0]["rank"] == 1


def test_results_pages_walk_the_scoreboard_once_in_order(union_staff, staff_client):
    """The scoreboard's deep pages select their keys first: walking the pages gives the same
    rows, in the same order, as the selector, ties in score included."""
    round_, _, _ = _run_round(union_staff, k=1, totals=[[50 + i % 4] for i in range(11)])
    services.round_finalize(round=round_, actor=union_staff)
    expected = list(round_results(round_).values_list("entry_id", "rank"))
    seen, url = [], f"/api/v1/review-rounds/{round_.pk}/results/?page_size=3"
    while url:
        body = staff_client.get(url).json()
        assert body["count"] == 11
        seen += [(row["entry"], row["rank"]) for row in body["results"]]
        url = body["next"]
    assert seen == expected


def test_progress_and_late_reviewers(union_staff, staff_client):
    round_, _, pool = _run_round(union_staff, k=2, totals=[[90, None], [80, None]])
    Round.objects.filter(pk=round_.pk).update(state=RoundState.OPEN)
    progress = staff_client.get(f"/api/v1/review-rounds/{round_.pk}/progress/").json()
    assert progress["totals"] == {"assigned": 4, "drafted": 0, "submitted": 2}
    from reviews.selectors import round_progress, round_progress_totals

    # the console's round page reads the same totals without the per-reviewer rows
    assert round_progress_totals(round_) == progress["totals"]
    drafting = Assignment.objects.filter(round=round_, reviewer=pool[1]).first()
    services.review_save_draft(
        assignment=drafting,
        reviewer=pool[1],
        scores=[{"criterion": round_.criteria.get().pk, "score": "60"}],
        comment=None,
    )
    expected = {"assigned": 4, "drafted": 1, "submitted": 2}
    assert round_progress_totals(round_) == round_progress(round_)["totals"] == expected
    late = staff_client.get(f"/api/v1/review-rounds/{round_.pk}/late-reviewers/").json()
    assert [row["reviewer"] for row in late] == [pool[1].pk]
    assert late[0]["unsubmitted"] == 2
    from reviews.selectors import reviewers_with_unsubmitted

    pending = reviewers_with_unsubmitted(round_)
    assert list(pending) == [pool[1]] and len(pending[pool[1]]) == 2


def test_manual_award_for_not_advanced_entry(union_staff, staff_client):
    round_, entries, _ = _run_round(union_staff, k=1, totals=[[90], [40]])
    services.round_finalize(round=round_, actor=union_staff)
    body = {
        "round": round_.pk,
        "entry": entries[1].pk,
        "tier": "excellence",
        "recommended_provincial": True,
    }
    response = staff_client.post("/api/v1/awards/", body)
    assert response.status_code == 201, response.json()
    assert Award.objects.get(entry=entries[1]).recommended_provincial
    again = staff_client.post("/api/v1/awards/", body)
    assert again.status_code == 409


# --- The award rule: an awarded entry never sits in a later round (issue 10) --------------------


def test_awards_by_rank_from_a_round_that_advances_entries_is_409(union_staff, staff_client):
    round_, entries, _ = _run_round(union_staff, k=1, totals=[[90], [40]])  # top 1 advances
    services.round_finalize(round=round_, actor=union_staff)
    response = staff_client.post(
        f"/api/v1/review-rounds/{round_.pk}/awards-by-rank/", {"tiers": {"first": 1}}, format="json"
    )
    # Decided up front by the job's start service: a 409 at once, no job queued.
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "award_not_final_round"
    assert not Job.objects.exists()
    assert not Award.objects.exists()
    entries[0].refresh_from_db()
    assert entries[0].state == "advanced"


def test_awards_by_rank_job_on_a_round_that_advances_entries_fails_in_words(union_staff):
    """A job queued before the rule applied (e.g. the round's rule changed meanwhile) fails with
    the rule's message for staff and grants nothing."""
    round_, _, _ = _run_round(union_staff, k=1, totals=[[90], [40]])
    services.round_finalize(round=round_, actor=union_staff)
    job = job_start(
        kind=round_jobs.AWARDS_BY_RANK,
        target=round_,
        actor=union_staff,
        params={"tiers": {"first": 1}},
        send=False,
    )
    job = job_run(job_id=job.pk)
    assert job.state == "failed"
    assert job.error_code == "award_not_final_round"
    assert "final round" in job.error
    assert not Award.objects.exists()


def test_awards_by_rank_from_the_final_round_is_a_job_that_grants(union_staff, staff_client):
    round_, entries, _ = _run_round(
        union_staff, k=1, totals=[[90], [40]], rule=AdvancementRule.NONE, value=None
    )
    services.round_finalize(round=round_, actor=union_staff)
    response = staff_client.post(
        f"/api/v1/review-rounds/{round_.pk}/awards-by-rank/", {"tiers": {"first": 1}}, format="json"
    )
    assert response.status_code == 202, response.content
    job = job_run(job_id=response.json()["id"])
    assert job.state == "succeeded" and job.result["granted"] == 1
    assert list(Award.objects.values_list("entry_id", flat=True)) == [entries[0].pk]


def test_manual_award_to_an_entry_that_advanced_is_409(union_staff, staff_client):
    round_, entries, _ = _run_round(union_staff, k=1, totals=[[90], [40]])
    services.round_finalize(round=round_, actor=union_staff)
    response = staff_client.post(
        "/api/v1/awards/", {"round": round_.pk, "entry": entries[0].pk, "tier": "first"}
    )
    assert response.status_code == 409
    assert not Award.objects.exists()


def test_awarded_entries_never_block_the_next_round(union_staff):
    """The issue's path: awards after round 1, then round 2 enrols and confirms."""
    first, entries, pool = _run_round(
        union_staff, k=1, totals=[[90], [80], [40]], value=Decimal("2")
    )
    services.round_finalize(round=first, actor=union_staff)
    services.award_grant(round=first, entry=entries[2], tier="excellence", actor=union_staff)
    second, finalists, _ = _run_round(
        union_staff,
        k=1,
        totals=[[85], [75]],
        contest=first.contest,
        order=2,
        entries=entries[:2],
        pool=pool,
        rule=AdvancementRule.NONE,
        value=None,
    )
    assert {e.pk for e in finalists} == {entries[0].pk, entries[1].pk}
    services.round_finalize(round=second, actor=union_staff)
    awards = services.awards_grant_by_rank(round=second, tiers={"first": 1}, actor=union_staff)
    assert [a.entry_id for a in awards] == [finalists[0].pk]


def test_criterion_means_are_the_averages_of_submitted_reviews_only(union_staff):
    """The one computation of criterion means (the database's average in the results step): what
    the scoreboard, the exports and the tie-break read. Drafts do not count; an entry without a
    submitted review has no mean."""
    round_, entries, pool = _run_round(
        union_staff, k=3, totals=[[60, 70, 95], [80, None, 81], [None, None, None]], close=False
    )
    criterion = round_.criteria.get()
    draft = Assignment.objects.get(round=round_, reviewer=pool[1], entry=entries[1])
    services.review_save_draft(
        assignment=draft,
        reviewer=pool[1],
        scores=[{"criterion": criterion.pk, "score": "10"}],
        comment="",
    )
    services.round_close(round=round_, actor=union_staff)
    services.round_compute_results(round=round_, actor=union_staff)
    means = [
        row.criterion_means for row in RoundEntry.objects.filter(round=round_).order_by("entry_id")
    ]
    key = str(criterion.pk)
    assert means[0] == {key: 75.0}
    assert means[1] == {key: 80.5}
    assert means[2] == {key: None}
    # a whole mean is stored as 75.0 (a float, as json.dumps writes it), not 75
    assert isinstance(means[0][key], float)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT criterion_means::text FROM reviews_roundentry WHERE round_id = %s "
            "ORDER BY entry_id",
            [round_.pk],
        )
        assert [row[0] for row in cursor.fetchall()] == [
            f'{{"{key}": 75.0}}',
            f'{{"{key}": 80.5}}',
            f'{{"{key}": null}}',
        ]

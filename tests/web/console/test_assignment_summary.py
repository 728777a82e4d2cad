"""The console's assignment summary after a solve (loads min / median / max, who is at their
maximum, mean affinity, a shortage in words) and the round page's progress per category
(done / drafted / to do)."""

from __future__ import annotations

import pytest
from django.utils import translation

from jobs.services import job_run
from reviews import jobs as round_jobs
from reviews import selectors, services
from reviews.enums import AssignmentStatus, RoundState
from reviews.models import Assignment, PoolMember
from tests.factories.accounts import ExpertiseFieldFactory
from tests.factories.reviews import (
    ReviewCategoryFactory,
    ReviewContestFactory,
    ReviewEntryFactory,
    RoundFactory,
    accept_pledges,
    make_pool,
)

pytestmark = pytest.mark.django_db


def _assigning_round(staff, *, entries=4, reviewers=3, k=2, max_load=30):
    contest = ReviewContestFactory()
    field = ExpertiseFieldFactory()
    category = ReviewCategoryFactory(contest=contest, expertise=[field])
    for _ in range(entries):
        ReviewEntryFactory(contest=contest, category=category)
    pool = make_pool(contest, reviewers, max_load=max_load, expertise=[field])
    round_ = RoundFactory(contest=contest, reviewers_per_entry=k)
    services.round_start_assigning(round=round_, actor=staff)
    return round_, pool


def _solve(round_, staff):
    return job_run(job_id=round_jobs.round_assign_start(round=round_, actor=staff, send=False).pk)


def test_the_summary_counts_loads_limits_and_affinity(union_staff):
    round_, pool = _assigning_round(union_staff, entries=4, reviewers=3, k=2, max_load=3)
    PoolMember.objects.filter(reviewer=pool[2]).update(max_load=2)  # the member's own maximum
    assert _solve(round_, union_staff).state == "succeeded"
    summary = selectors.round_assignment_summary(round_)
    loads = sorted(
        Assignment.objects.filter(round=round_, status=AssignmentStatus.ACTIVE)
        .values_list("reviewer_id", flat=True)
        .order_by()
    )
    per_reviewer = sorted(loads.count(r.pk) for r in pool)
    assert sum(per_reviewer) == 8 and summary["pairs"] == 8
    assert (summary["min_load"], summary["max_load"]) == (per_reviewer[0], per_reviewer[-1])
    assert summary["median_load"] == per_reviewer[1]
    limits = {pool[0].pk: 3, pool[1].pk: 3, pool[2].pk: 2}
    expected = {r.pk for r in pool if loads.count(r.pk) >= limits[r.pk]}
    assert {r["reviewer"] for r in summary["at_limit"]} == expected
    assert summary["at_limit_count"] == len(expected) >= 2  # 8 reviews, room for 8
    # every reviewer's field matches the category: affinity 3 on each pair
    assert summary["mean_affinity"] == 3.0


def test_an_idle_reviewer_counts_as_a_load_of_zero(union_staff):
    round_, pool = _assigning_round(union_staff, entries=1, reviewers=3, k=2)
    entry = round_.round_entries.get().entry
    for reviewer in pool[:2]:
        services.assignment_add(round=round_, reviewer=reviewer, entry=entry, actor=union_staff)
    summary = selectors.round_assignment_summary(round_)
    assert (summary["min_load"], summary["median_load"], summary["max_load"]) == (0, 1.0, 1)
    assert (summary["reviewers"], summary["with_work"]) == (3, 2)


def test_the_assignment_page_shows_the_summary_after_a_solve(client, union_staff):
    round_, _ = _assigning_round(union_staff, entries=4, reviewers=3, k=2, max_load=3)
    _solve(round_, union_staff)
    client.force_login(union_staff)
    page = client.get(f"/console/rounds/{round_.pk}/assignment/").content.decode()
    assert 'data-summary="loads"' in page and "median" in page
    assert 'data-summary="affinity">3.00' in page
    assert 'data-summary="infeasible"' not in page


def test_a_failed_solve_is_explained_in_the_staffs_language(client, union_staff):
    """Too few reviewers for k: the solver's finding, translated (reviews.infeasibility)."""
    round_, _ = _assigning_round(union_staff, entries=2, reviewers=1, k=2)
    with translation.override("zh-hans"):
        job = _solve(round_, union_staff)
    assert job.state == "failed"
    client.force_login(union_staff)
    page = client.get(f"/console/rounds/{round_.pk}/assignment/").content.decode()
    assert 'data-summary="infeasible"' in page
    assert "每个项目需要 2 名评审专家，但专家库只有 1 名" in page


def test_the_round_page_shows_progress_per_category(client, union_staff):
    contest = ReviewContestFactory()
    a = ReviewCategoryFactory(contest=contest, code="a-innovation", name="创新组")
    b = ReviewCategoryFactory(contest=contest, code="b-startup", name="创业组")
    entries = [ReviewEntryFactory(contest=contest, category=c) for c in (a, a, b)]
    pool = make_pool(contest, 2)
    round_ = RoundFactory(contest=contest, reviewers_per_entry=2)
    services.round_start_assigning(round=round_, actor=union_staff)
    for entry in entries:
        for reviewer in pool:
            services.assignment_add(round=round_, reviewer=reviewer, entry=entry, actor=union_staff)
    services.round_confirm_assignments(round=round_, actor=union_staff)
    accept_pledges(round_)
    criteria = list(round_.criteria.order_by("position"))
    full = [{"criterion": c.pk, "score": str(c.max_score)} for c in criteria]
    mine = Assignment.objects.filter(round=round_, reviewer=pool[0]).order_by("entry_id")
    services.review_submit(assignment=mine[0], reviewer=pool[0], scores=full)  # a: done
    services.review_save_draft(assignment=mine[2], reviewer=pool[0], scores=full, comment="")
    rows = {r["name"]: r for r in selectors.round_progress_by_category(round_)}
    assert (rows["创新组"]["entries"], rows["创新组"]["submitted"], rows["创新组"]["to_do"]) == (
        2,
        1,
        3,
    )
    assert (rows["创业组"]["drafted"], rows["创业组"]["to_do"]) == (1, 1)
    client.force_login(union_staff)
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN
    page = client.get(f"/console/rounds/{round_.pk}/").content.decode()
    assert "<td>创新组</td><td>2</td><td>1</td><td>0</td><td>3</td>" in page
    assert "<td>创业组</td><td>1</td><td>0</td><td>1</td><td>1</td>" in page

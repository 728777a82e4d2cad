"""What the review process tells whom (reviews/notices.py): a recusal tells staff, publication
tells the enterprises concerned, a round closed or computed with entries short of k reviews
warns staff (issue 10)."""

import pytest

from accounts.enums import Role
from jobs.services import job_run
from notifications.models import Notice
from reviews import notices, services
from reviews.enums import AdvancementRule
from tests.factories.accounts import EnterpriseUserFactory, UserFactory
from tests.factories.reviews import make_staff
from tests.reviews.test_results import _run_round

pytestmark = pytest.mark.django_db


def _of_kind(kind):
    return Notice.objects.filter(kind=kind)


# --- a recusal tells staff ------------------------------------------------------------------------


def test_recusal_tells_every_review_staff_member_why_and_what_is_left(
    open_round, entries, pool, union_staff, assignment_of
):
    admin = UserFactory(roles=[Role.ADMIN])
    services.assignment_recuse(
        assignment=assignment_of(pool[0], entries[0]), reviewer=pool[0], reason="曾参与该项目"
    )
    told = _of_kind(notices.REVIEW_RECUSED)
    assert set(told.values_list("recipient_id", flat=True)) == {union_staff.pk, admin.pk}
    notice = told.get(recipient=union_staff)
    assert notice.context["entry"]["title"] == entries[0].title
    assert notice.context["reason"] == "曾参与该项目"
    assert notice.context["active_reviewers"] == 1
    assert notice.context["reviewers_per_entry"] == 2
    assert "曾参与该项目" in notice.body and entries[0].title in notice.body


def test_recusal_tells_no_reviewer_or_enterprise(
    open_round, entries, pool, union_staff, assignment_of
):
    member = EnterpriseUserFactory(organisation=entries[0].organisation)
    services.assignment_recuse(
        assignment=assignment_of(pool[0], entries[0]), reviewer=pool[0], reason="亲属关系"
    )
    recipients = set(_of_kind(notices.REVIEW_RECUSED).values_list("recipient_id", flat=True))
    assert recipients.isdisjoint({member.pk, *(r.pk for r in pool)})


def test_recusal_through_the_api_tells_staff(
    open_round, entries, pool, union_staff, assignment_of, client_for
):
    a = assignment_of(pool[0], entries[0])
    response = client_for(pool[0]).post(
        f"/api/v1/my-assignments/{a.pk}/recuse/", {"reason": "前同事"}, format="json"
    )
    assert response.status_code == 204, response.content
    assert _of_kind(notices.REVIEW_RECUSED).filter(recipient=union_staff).count() == 1


# --- publication tells the enterprises concerned ------------------------------------------------------


def _finalized_final_round(staff):
    round_, entries, _ = _run_round(
        staff, k=1, totals=[[90], [70], [50]], rule=AdvancementRule.NONE, value=None
    )
    services.round_finalize(round=round_, actor=staff)
    return round_, entries


def test_publication_tells_each_member_of_the_organisations_concerned(union_staff, staff_client):
    round_, entries = _finalized_final_round(union_staff)
    services.awards_grant_by_rank(round=round_, tiers={"first": 1}, actor=union_staff)
    concerned = [EnterpriseUserFactory(organisation=e.organisation) for e in entries]
    colleague = EnterpriseUserFactory(organisation=entries[0].organisation)
    bystander = EnterpriseUserFactory()
    response = staff_client.post(f"/api/v1/review-rounds/{round_.pk}/publish/")
    assert response.status_code == 202
    assert job_run(job_id=response.json()["id"]).state == "succeeded"
    told = _of_kind(notices.ROUND_PUBLISHED)
    assert set(told.values_list("recipient_id", flat=True)) == {
        *(m.pk for m in concerned),
        colleague.pk,
    }
    assert not told.filter(recipient=bystander).exists()
    first = told.get(recipient=concerned[0])
    assert [e["id"] for e in first.context["entries"]] == [entries[0].pk]
    assert first.context["entries"][0]["rank"] == 1
    assert first.context["entries"][0]["award_tier"] == "first"
    assert entries[0].title in first.body and "一等奖" in first.body
    # One organisation's notice never names another's entries.
    assert entries[1].title not in first.body


def test_publishing_twice_tells_nobody_twice(union_staff):
    round_, entries = _finalized_final_round(union_staff)
    EnterpriseUserFactory(organisation=entries[0].organisation)
    services.round_publish(round=round_, actor=union_staff)
    services.round_publish(round=round_, actor=union_staff)
    assert _of_kind(notices.ROUND_PUBLISHED).count() == 1


def test_no_publication_notice_before_publishing(union_staff):
    round_, entries = _finalized_final_round(union_staff)
    EnterpriseUserFactory(organisation=entries[0].organisation)
    assert not _of_kind(notices.ROUND_PUBLISHED).exists()


# --- fewer than k reviews warns staff -----------------------------------------------------------------


def _open_round_short_of_one_review(staff):
    """k=2; the second entry gets only one submitted review."""
    return _run_round(staff, k=2, totals=[[90, 80], [70, None]], close=False)


def test_closing_with_entries_short_of_k_reviews_warns_in_the_response(union_staff, staff_client):
    round_, entries, _ = _open_round_short_of_one_review(union_staff)
    response = staff_client.post(
        f"/api/v1/review-rounds/{round_.pk}/transition/", {"to_state": "closed"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "closed"
    [warning] = body["warnings"]
    assert warning["code"] == "entries_short_of_reviews"
    assert warning["entry_count"] == 1 and warning["missing_reviews"] == 1
    assert warning["entries"] == [{"id": entries[1].pk, "title": entries[1].title, "reviews": 1}]


def test_closing_with_entries_short_of_k_reviews_tells_staff(union_staff):
    round_, entries, _ = _open_round_short_of_one_review(union_staff)
    admin = UserFactory(roles=[Role.ADMIN])
    services.round_close(round=round_, actor=union_staff)
    told = _of_kind(notices.ROUND_SHORT_OF_REVIEWS)
    assert set(told.values_list("recipient_id", flat=True)) == {union_staff.pk, admin.pk}
    notice = told.get(recipient=union_staff)
    assert entries[1].title in notice.body and entries[0].title not in notice.body


def test_the_deadline_close_warns_staff_too(union_staff):
    round_, _, _ = _open_round_short_of_one_review(union_staff)
    services.round_close(round=round_, actor=None)
    assert _of_kind(notices.ROUND_SHORT_OF_REVIEWS).filter(recipient=union_staff).exists()


def test_closing_with_every_entry_complete_warns_nobody(union_staff, staff_client):
    round_, _, _ = _run_round(union_staff, k=2, totals=[[90, 80], [70, 60]], close=False)
    response = staff_client.post(
        f"/api/v1/review-rounds/{round_.pk}/transition/", {"to_state": "closed"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["warnings"] == []
    assert not _of_kind(notices.ROUND_SHORT_OF_REVIEWS).exists()


def test_computing_results_short_of_k_reviews_warns_in_the_job_result(union_staff, staff_client):
    round_, entries, _ = _run_round(union_staff, k=2, totals=[[90, 80], [70, None]])
    response = staff_client.post(f"/api/v1/review-rounds/{round_.pk}/compute-results/")
    assert response.status_code == 202
    job = job_run(job_id=response.json()["id"])
    assert job.state == "succeeded"
    [warning] = job.result["warnings"]
    assert warning["code"] == "entries_short_of_reviews"
    assert [e["id"] for e in warning["entries"]] == [entries[1].pk]
    polled = staff_client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert polled["result"]["warnings"][0]["entry_count"] == 1


def test_computing_results_again_does_not_repeat_the_notice(union_staff):
    round_, _, _ = _run_round(union_staff, k=2, totals=[[90, 80], [70, None]])
    services.round_compute_results(round=round_, actor=union_staff)
    services.round_compute_results(round=round_, actor=union_staff)
    # The close and both computations found the same shortfall: told once.
    assert _of_kind(notices.ROUND_SHORT_OF_REVIEWS).filter(recipient=union_staff).count() == 1


def test_computing_results_warns_staff_of_a_round_closed_before_the_rule(union_staff):
    round_, _, _ = _run_round(union_staff, k=2, totals=[[90, 80], [70, None]])
    _of_kind(notices.ROUND_SHORT_OF_REVIEWS).delete()  # as if closed before this rule existed
    services.round_compute_results(round=round_, actor=union_staff)
    notice = _of_kind(notices.ROUND_SHORT_OF_REVIEWS).get(recipient=union_staff)
    assert notice.context["event"] == "results"


def test_reopening_and_closing_short_again_tells_staff_again(union_staff):
    from datetime import timedelta

    from django.utils import timezone

    round_, _, _ = _open_round_short_of_one_review(union_staff)
    services.round_close(round=round_, actor=union_staff)
    services.round_reopen(
        round=round_, actor=union_staff, deadline=timezone.now() + timedelta(days=2), reason="延期"
    )
    services.round_close(round=round_, actor=union_staff)
    assert _of_kind(notices.ROUND_SHORT_OF_REVIEWS).filter(recipient=union_staff).count() == 2


def test_staff_list_is_union_staff_and_admins_only():
    staff, admin = make_staff(), UserFactory(roles=[Role.ADMIN])
    UserFactory(roles=[Role.REVIEWER])
    UserFactory(roles=[Role.UNION_STAFF], is_active=False)
    assert {u.pk for u in notices.review_staff()} == {staff.pk, admin.pk}

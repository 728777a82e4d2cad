"""What the review process tells whom (reviews/notices.py): a recusal tells staff, publication
tells the enterprises concerned, a round closed or computed with entries short of k reviews
warns staff (issue 10)."""

import pytest

from accounts.enums import Role
from notifications.models import Notice
from reviews import notices, services
from tests.factories.accounts import EnterpriseUserFactory, UserFactory
from tests.factories.reviews import make_staff

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


def test_staff_list_is_union_staff_and_admins_only():
    staff, admin = make_staff(), UserFactory(roles=[Role.ADMIN])
    UserFactory(roles=[Role.REVIEWER])
    UserFactory(roles=[Role.UNION_STAFF], is_active=False)
    assert {u.pk for u in notices.review_staff()} == {staff.pk, admin.pk}

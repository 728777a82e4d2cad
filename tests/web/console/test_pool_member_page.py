"""A pool member's page in the console: load limits (pool_update) and conflicts of interest
added by choosing an organisation found by name (organisations_for_conflict_search, the API's
selector) with a reason (conflict_declare); who may open it; constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reviews.models import PoolMember, ReviewerConflict
from tests.factories.accounts import OrganisationFactory
from tests.factories.reviews import ReviewContestFactory, make_pool

pytestmark = pytest.mark.django_db


@pytest.fixture
def pool_member():
    contest = ReviewContestFactory()
    reviewer = make_pool(contest, 1, max_load=12)[0]
    return PoolMember.objects.get(contest=contest, reviewer=reviewer)


def _url(pool_member) -> str:
    return f"/console/pool/{pool_member.pk}/"


def test_the_pool_page_links_each_member_and_shows_the_profile_limit(
    client, union_staff, pool_member
):
    client.force_login(union_staff)
    page = client.get(f"/console/contests/{pool_member.contest_id}/pool/").content.decode()
    assert f'href="/console/pool/{pool_member.pk}/"' in page
    assert "0 – 12" in page


def test_staff_change_a_members_load_limits(client, union_staff, pool_member):
    client.force_login(union_staff)
    response = client.post(
        _url(pool_member), {"action": "limits", "min_load": "2", "max_load": "8", "is_active": "on"}
    )
    assert response.status_code == 302
    pool_member.refresh_from_db()
    assert (pool_member.min_load, pool_member.max_load, pool_member.is_active) == (2, 8, True)


def test_an_empty_maximum_means_the_reviewers_own_limit(client, union_staff, pool_member):
    PoolMember.objects.filter(pk=pool_member.pk).update(max_load=5)
    client.force_login(union_staff)
    page = client.get(_url(pool_member)).content.decode()
    assert "12" in page  # the profile's limit is said next to the field
    client.post(
        _url(pool_member), {"action": "limits", "min_load": "0", "max_load": "", "is_active": "on"}
    )
    pool_member.refresh_from_db()
    assert pool_member.max_load is None


def test_a_maximum_below_the_minimum_is_shown_next_to_the_field(client, union_staff, pool_member):
    client.force_login(union_staff)
    response = client.post(
        _url(pool_member), {"action": "limits", "min_load": "9", "max_load": "3", "is_active": "on"}
    )
    assert response.status_code == 400
    assert 'data-field-error="max_load"' in response.content.decode()
    pool_member.refresh_from_db()
    assert (pool_member.min_load, pool_member.max_load) == (0, None)


def test_a_negative_load_is_a_form_error_not_a_500(client, union_staff, pool_member):
    client.force_login(union_staff)
    response = client.post(
        _url(pool_member), {"action": "limits", "min_load": "-1", "max_load": "x"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field-error="min_load"' in page and 'data-field-error="max_load"' in page


def test_the_organisation_search_finds_by_part_of_the_name(client, union_staff, pool_member):
    OrganisationFactory(name="东风商用车有限公司")
    OrganisationFactory(name="十堰市太和医院")
    client.force_login(union_staff)
    page = client.get(_url(pool_member), {"q": "东风"}).content.decode()
    assert "东风商用车有限公司" in page and "十堰市太和医院" not in page


def test_the_search_is_an_htmx_fragment(client, union_staff, pool_member):
    OrganisationFactory(name="东风商用车有限公司")
    client.force_login(union_staff)
    response = client.get(_url(pool_member), {"q": "东风"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results">') and "东风商用车有限公司" in page


def test_an_inactive_organisation_is_not_offered(client, union_staff, pool_member):
    OrganisationFactory(name="东风旧厂", is_active=False)
    client.force_login(union_staff)
    assert "东风旧厂" not in client.get(_url(pool_member), {"q": "东风"}).content.decode()


def test_staff_add_a_conflict_chosen_from_the_search(client, union_staff, pool_member):
    org = OrganisationFactory(name="东风商用车有限公司")
    client.force_login(union_staff)
    response = client.post(
        _url(pool_member),
        {"action": "conflict", "q": "东风", "organisation": org.pk, "reason": "曾在该单位任职"},
    )
    assert response.status_code == 302
    conflict = ReviewerConflict.objects.get(reviewer=pool_member.reviewer, organisation=org)
    assert conflict.contest_id == pool_member.contest_id and conflict.source == "staff"
    assert "曾在该单位任职" in client.get(_url(pool_member)).content.decode()


def test_a_conflict_for_every_contest(client, union_staff, pool_member):
    org = OrganisationFactory(name="东风商用车有限公司")
    client.force_login(union_staff)
    client.post(
        _url(pool_member),
        {
            "action": "conflict",
            "q": "东风",
            "organisation": org.pk,
            "reason": "亲属任职",
            "every_contest": "on",
        },
    )
    assert ReviewerConflict.objects.get(reviewer=pool_member.reviewer).contest_id is None


def test_a_conflict_without_a_reason_is_refused_next_to_the_field(client, union_staff, pool_member):
    org = OrganisationFactory(name="东风商用车有限公司")
    client.force_login(union_staff)
    response = client.post(
        _url(pool_member),
        {"action": "conflict", "q": "东风", "organisation": org.pk, "reason": " "},
    )
    assert response.status_code == 400
    assert 'data-field-error="reason"' in response.content.decode()
    assert not ReviewerConflict.objects.exists()


def test_an_organisation_the_search_did_not_offer_is_refused(client, union_staff, pool_member):
    """The organisation must be one of the search's results for the query sent with it."""
    OrganisationFactory(name="东风商用车有限公司")
    other = OrganisationFactory(name="十堰市太和医院")
    client.force_login(union_staff)
    response = client.post(
        _url(pool_member),
        {"action": "conflict", "q": "东风", "organisation": other.pk, "reason": "x"},
    )
    assert response.status_code == 400
    assert 'data-field-error="organisation"' in response.content.decode()
    assert not ReviewerConflict.objects.exists()


def test_staff_withdraw_a_conflict(client, union_staff, pool_member):
    from reviews import services

    org = OrganisationFactory()
    conflict = services.conflict_declare(
        reviewer=pool_member.reviewer, organisation=org, reason="x", actor=union_staff
    )
    client.force_login(union_staff)
    response = client.post(_url(pool_member), {"action": "withdraw", "conflict": conflict.pk})
    assert response.status_code == 302
    assert not ReviewerConflict.objects.exists()


def test_anonymous_users_are_sent_to_sign_in(client, pool_member):
    response = client.get(_url(pool_member))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["member", "reviewer_user"])
def test_members_and_reviewers_are_refused(client, request, who, pool_member):
    org = OrganisationFactory(name="东风商用车有限公司")
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(pool_member), {"q": "东风"}).status_code == 403
    assert (
        client.post(
            _url(pool_member), {"action": "limits", "min_load": "5", "max_load": "6"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            _url(pool_member),
            {"action": "conflict", "q": "东风", "organisation": org.pk, "reason": "x"},
        ).status_code
        == 403
    )
    pool_member.refresh_from_db()
    assert pool_member.min_load == 0 and not ReviewerConflict.objects.exists()


def test_the_reviewer_themself_is_refused_too(client, pool_member):
    client.force_login(pool_member.reviewer)
    assert client.get(_url(pool_member)).status_code == 403


def _queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_the_member_page_takes_constant_queries(client, union_staff, pool_member):
    from reviews import services

    client.force_login(union_staff)
    OrganisationFactory(name="东风一厂")
    services.conflict_declare(
        reviewer=pool_member.reviewer,
        organisation=OrganisationFactory(),
        reason="x",
        actor=union_staff,
    )
    _queries(client, _url(pool_member), q="东风")
    small = _queries(client, _url(pool_member), q="东风")
    for n in range(6):
        OrganisationFactory(name=f"东风{n}厂")
        services.conflict_declare(
            reviewer=pool_member.reviewer,
            organisation=OrganisationFactory(),
            reason="y",
            actor=union_staff,
        )
    assert _queries(client, _url(pool_member), q="东风") == small


def test_the_pool_page_takes_constant_queries(client, union_staff, pool_member):
    from reviews import services

    contest = pool_member.contest
    url = f"/console/contests/{contest.pk}/pool/"
    client.force_login(union_staff)
    _queries(client, url)
    small = _queries(client, url)
    for reviewer in make_pool(contest, 5):
        services.conflict_declare(
            reviewer=reviewer, organisation=OrganisationFactory(), reason="y", actor=union_staff
        )
    assert _queries(client, url) == small

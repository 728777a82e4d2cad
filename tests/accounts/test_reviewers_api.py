import pytest

from accounts.models import ReviewerProfile
from tests.factories.accounts import (
    ExpertiseFieldFactory,
    ReviewerProfileFactory,
    UserFactory,
)

URL = "/api/v1/reviewers/"
pytestmark = pytest.mark.django_db


def test_staff_adds_reviewer_grants_role(staff_client, organisation):
    user = UserFactory()
    field = ExpertiseFieldFactory(code="nev", name="新能源汽车")
    response = staff_client.post(
        URL,
        {
            "user": user.pk,
            "title": "教授",
            "employer": organisation.pk,
            "expertise": [field.pk],
            "languages": ["zh-hans", "en"],
            "max_load": 40,
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    user.forget_roles()
    assert user.has_role("reviewer")
    assert response.data["employer_name"] == organisation.name


def test_staff_adds_reviewer_bad_load_is_400(staff_client):
    user = UserFactory()
    response = staff_client.post(URL, {"user": user.pk, "max_load": 0}, format="json")
    assert response.status_code == 400
    assert "max_load" in response.data["fields"]
    assert not ReviewerProfile.objects.filter(user=user).exists()


def test_reviewer_lists_only_own_profile(reviewer_client, reviewer_user):
    ReviewerProfileFactory()
    response = reviewer_client.get(URL)
    assert response.status_code == 200
    assert [r["user"] for r in response.data["results"]] == [reviewer_user.pk]


def test_reviewer_other_profile_is_404(reviewer_client):
    other = ReviewerProfileFactory()
    assert reviewer_client.get(f"{URL}{other.pk}/").status_code == 404


def test_reviewer_cannot_change_own_employer(reviewer_client, reviewer_user, other_organisation):
    profile = reviewer_user.reviewer_profile
    response = reviewer_client.patch(
        f"{URL}{profile.pk}/", {"employer": other_organisation.pk, "title": "教授"}, format="json"
    )
    assert response.status_code == 200
    profile.refresh_from_db()
    assert profile.title == "教授"
    assert profile.employer_id != other_organisation.pk


def test_reviewer_cannot_add_reviewers(reviewer_client):
    response = reviewer_client.post(URL, {"user": UserFactory().pk}, format="json")
    assert response.status_code == 403


def test_member_is_403(member_client):
    assert member_client.get(URL).status_code == 403


def test_anonymous_is_401(api):
    assert api.get(URL).status_code == 401


def test_expertise_fields_readable_by_members_writable_by_staff(member_client, staff_client):
    assert (
        member_client.post("/api/v1/expertise-fields/", {"code": "x", "name": "X"}).status_code
        == 403
    )
    created = staff_client.post("/api/v1/expertise-fields/", {"code": "hydro", "name": "水电"})
    assert created.status_code == 201
    assert (
        staff_client.post(
            "/api/v1/expertise-fields/", {"code": "hydro", "name": "水电2"}
        ).status_code
        == 400
    )
    assert [f["code"] for f in member_client.get("/api/v1/expertise-fields/").data] == ["hydro"]


def test_reviewer_cannot_raise_own_max_load(client_for):
    profile = ReviewerProfileFactory(max_load=20)
    response = client_for(profile.user).patch(
        f"{URL}{profile.pk}/", {"max_load": 9999, "bio": "焊接"}, format="json"
    )
    assert response.status_code == 200, response.data
    profile.refresh_from_db()
    assert profile.max_load == 20
    assert profile.bio == "焊接"
    assert response.data["max_load"] == 20


def test_reviewer_profile_service_refuses_staff_only_fields_from_reviewer():
    from accounts.services import reviewer_profile_save
    from core.exceptions import NotPermitted

    profile = ReviewerProfileFactory(max_load=20)
    with pytest.raises(NotPermitted):
        reviewer_profile_save(actor=profile.user, user=profile.user, data={"max_load": 9999})
    profile.refresh_from_db()
    assert profile.max_load == 20


def test_a_superuser_without_role_grants_may_set_staff_only_fields():
    """Role checks go through the one role set and ``has_any_role`` (superusers pass); this
    service once asked ``has_role`` and refused an administrator who held no role grant."""
    from accounts.services import reviewer_profile_save

    root = UserFactory(is_superuser=True, is_staff=True, roles=[])
    profile = ReviewerProfileFactory(max_load=20)
    reviewer_profile_save(actor=root, user=profile.user, data={"max_load": 35})
    profile.refresh_from_db()
    assert profile.max_load == 35

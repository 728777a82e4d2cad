import pytest

from accounts.enums import Role
from accounts.models import User

URL = "/api/v1/users/"
pytestmark = pytest.mark.django_db


def test_create_enterprise_member_by_staff(staff_client, organisation):
    response = staff_client.post(
        URL,
        {
            "username": "member1",
            "password": "Wudang-Mountain-88",
            "full_name": "刘洋",
            "roles": ["enterprise"],
            "organisation": organisation.pk,
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["roles"] == ["enterprise"]
    user = User.objects.get(username="member1")
    assert user.organisation == organisation
    assert user.check_password("Wudang-Mountain-88")


def test_create_staff_user_gets_admin_site_access(staff_client):
    response = staff_client.post(
        URL,
        {"username": "staff2", "password": "Wudang-Mountain-88", "roles": ["union_staff"]},
        format="json",
    )
    assert response.status_code == 201
    user = User.objects.get(username="staff2")
    assert user.is_staff
    assert user.groups.filter(name="union_staff").exists()


def test_create_user_weak_password_is_400_naming_password(staff_client):
    response = staff_client.post(
        URL, {"username": "weak", "password": "123", "roles": []}, format="json"
    )
    assert response.status_code == 400
    assert "password" in response.data["fields"]
    assert not User.objects.filter(username="weak").exists()


def test_create_enterprise_member_without_organisation_is_400(staff_client):
    response = staff_client.post(
        URL,
        {"username": "orphan", "password": "Wudang-Mountain-88", "roles": ["enterprise"]},
        format="json",
    )
    assert response.status_code == 400
    assert "organisation" in response.data["fields"]
    assert not User.objects.filter(username="orphan").exists()


def test_create_user_unknown_role_is_400(staff_client):
    response = staff_client.post(
        URL, {"username": "x", "password": "Wudang-Mountain-88", "roles": ["king"]}, format="json"
    )
    assert response.status_code == 400
    assert response.data["fields"] == {"roles.0": ['"king" is not a valid choice.']}


def test_create_user_duplicate_username_is_409(staff_client, member):
    response = staff_client.post(
        URL,
        {"username": member.username.upper(), "password": "Wudang-Mountain-88", "roles": []},
        format="json",
    )
    assert response.status_code == 409
    assert response.data["code"] == "duplicate_username"


def test_move_member_into_second_organisation_is_409(staff_client, member, other_organisation):
    response = staff_client.patch(
        f"{URL}{member.pk}/", {"organisation": other_organisation.pk}, format="json"
    )
    assert response.status_code == 409
    assert response.data["code"] == "user_in_other_organisation"
    member.refresh_from_db()
    assert member.organisation_id != other_organisation.pk


def test_update_roles_replaces_them(staff_client, member):
    response = staff_client.patch(
        f"{URL}{member.pk}/", {"roles": ["enterprise", "reviewer"]}, format="json"
    )
    assert response.status_code == 200, response.data
    assert response.data["roles"] == ["enterprise", "reviewer"]
    member.forget_roles()
    assert member.has_role(Role.REVIEWER)


def test_users_anonymous_is_401(api):
    assert api.get(URL).status_code == 401


@pytest.mark.parametrize("who", ["member_client", "reviewer_client"])
def test_users_non_staff_is_403(request, who):
    client = request.getfixturevalue(who)
    assert client.get(URL).status_code == 403
    assert (
        client.post(URL, {"username": "x", "password": "p", "roles": []}, format="json").status_code
        == 403
    )


def test_list_users_query_count_does_not_grow_with_rows(
    staff_client, django_assert_max_num_queries
):
    from tests.factories.accounts import EnterpriseUserFactory

    EnterpriseUserFactory.create_batch(30)
    with django_assert_max_num_queries(6):
        response = staff_client.get(URL, {"page_size": 50})
    assert response.status_code == 200
    assert len(response.data["results"]) == 31

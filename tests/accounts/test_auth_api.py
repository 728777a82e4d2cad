import pytest
from rest_framework.test import APIClient

from tests.factories.accounts import EnterpriseUserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-Horse-42"


def test_token_login_then_me(api):
    user = EnterpriseUserFactory()
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.data['token']}")
    me = client.get("/api/v1/auth/me/")
    assert me.status_code == 200
    assert me.data["username"] == user.username
    assert me.data["roles"] == ["enterprise"]
    assert me.data["organisation"]["id"] == user.organisation_id


def test_token_wrong_password_is_400_naming_password(api):
    user = EnterpriseUserFactory()
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": "nope"})
    assert response.status_code == 400
    assert "password" in response.data["fields"]


def test_token_missing_fields_is_400(api):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.data["fields"]) == {"username", "password"}


def test_session_login_and_logout(api):
    user = EnterpriseUserFactory()
    response = api.post("/api/v1/auth/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert api.get("/api/v1/auth/me/").status_code == 200
    # A signed-in session must send the CSRF token; the test client skips that check.
    assert api.post("/api/v1/auth/logout/").status_code == 204
    assert api.get("/api/v1/auth/me/").status_code == 401


def test_inactive_user_cannot_get_token(api):
    user = EnterpriseUserFactory(is_active=False)
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 400


def test_me_anonymous_is_401(api):
    response = api.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.data["code"] == "not_authenticated"


def test_logout_anonymous_is_401(api):
    assert api.post("/api/v1/auth/logout/").status_code == 401

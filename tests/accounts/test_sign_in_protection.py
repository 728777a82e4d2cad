"""Sign-in protection: per-device expiring tokens that die with a password change, login CSRF,
the per-account lockout (django-axes, per username) and the client address behind proxies."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from accounts.enums import Role
from accounts.models import ApiToken
from tests.factories.accounts import EnterpriseUserFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Correct-Horse-42"
TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/auth/me/"


def _token(user, device="") -> str:
    response = APIClient().post(
        TOKEN, {"username": user.username, "password": PASSWORD, "device": device}
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(ME).status_code


def _post(token: str, url: str, data=None) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.post(url, data or {}, format="json").status_code


# --- Tokens -------------------------------------------------------------------------------------


def test_each_device_gets_its_own_token():
    user = EnterpriseUserFactory()
    phone, laptop = _token(user, "phone"), _token(user, "laptop")
    assert phone != laptop
    assert _me(phone) == 200 and _me(laptop) == 200
    assert sorted(ApiToken.objects.filter(user=user).values_list("device", flat=True)) == [
        "laptop",
        "phone",
    ]


def test_logout_signs_out_only_that_device():
    user = EnterpriseUserFactory()
    phone, laptop = _token(user), _token(user)
    assert _post(phone, "/api/v1/auth/logout/") == 204
    assert _me(phone) == 401
    assert _me(laptop) == 200


def test_token_is_stored_hashed():
    user = EnterpriseUserFactory()
    key = _token(user)
    assert not ApiToken.objects.filter(digest=key).exists()
    assert ApiToken.objects.filter(user=user).count() == 1


def test_token_expires(settings):
    user = EnterpriseUserFactory()
    response = APIClient().post(TOKEN, {"username": user.username, "password": PASSWORD})
    key = response.json()["token"]
    expiry = dt.datetime.fromisoformat(response.json()["expiry"])
    assert _me(key) == 200
    with time_machine.travel(expiry + dt.timedelta(seconds=1)):
        assert _me(key) == 401


def test_password_change_through_the_api_kills_old_tokens(staff_client):
    user = EnterpriseUserFactory()
    key = _token(user)
    response = staff_client.patch(
        f"/api/v1/users/{user.pk}/", {"password": "Another-Horse-77"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert _me(key) == 401
    assert not ApiToken.objects.filter(user=user).exists()


def test_password_change_in_the_django_admin_kills_old_tokens():
    user = EnterpriseUserFactory()
    key = _token(user)
    admin = UserFactory(roles=[Role.ADMIN], is_staff=True, is_superuser=True)
    browser = Client()
    browser.force_login(admin)
    response = browser.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {
            "password1": "Another-Horse-77",
            "password2": "Another-Horse-77",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert _me(key) == 401


def test_password_change_by_the_user_kills_old_tokens():
    user = EnterpriseUserFactory()
    key = _token(user)
    user.set_password("Another-Horse-77")
    user.save()
    assert _me(key) == 401


# --- Login CSRF ---------------------------------------------------------------------------------


def test_session_login_without_csrf_token_is_refused():
    user = EnterpriseUserFactory()
    browser = APIClient(enforce_csrf_checks=True)
    response = browser.post(
        "/api/v1/auth/login/", {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert browser.get(ME).status_code == 401


def test_session_login_with_csrf_token_signs_in():
    user = EnterpriseUserFactory()
    browser = APIClient(enforce_csrf_checks=True)
    csrf = browser.get("/api/v1/auth/login/").json()["csrf_token"]
    response = browser.post(
        "/api/v1/auth/login/",
        {"username": user.username, "password": PASSWORD},
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 200, response.content
    assert browser.get(ME).status_code == 200


# --- Per-account lockout ------------------------------------------------------------------------


def _try(username, password, ip="10.0.0.1", **extra):
    return APIClient().post(
        TOKEN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def test_account_locks_after_failures_from_any_address(settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = EnterpriseUserFactory()
    for n in range(3):
        _try(user.username, "wrong", ip=f"10.0.0.{n + 1}")
    response = _try(user.username, PASSWORD, ip="10.0.9.9")
    assert response.status_code == 429
    assert response.json()["code"] == "account_locked"


def test_lockout_of_one_account_leaves_colleagues_behind_the_same_nat(settings):
    settings.AXES_FAILURE_LIMIT = 3
    careless, colleague = EnterpriseUserFactory(), EnterpriseUserFactory()
    for _ in range(3):
        _try(careless.username, "wrong", ip="10.0.0.1")
    assert _try(colleague.username, PASSWORD, ip="10.0.0.1").status_code == 200


def test_lockout_ends_after_the_cool_off(settings):
    settings.AXES_FAILURE_LIMIT = 3
    user = EnterpriseUserFactory()
    for _ in range(3):
        _try(user.username, "wrong")
    assert _try(user.username, PASSWORD).status_code == 429
    with time_machine.travel(
        dt.datetime.now(dt.UTC) + settings.AXES_COOLOFF_TIME + dt.timedelta(minutes=1)
    ):
        assert _try(user.username, PASSWORD).status_code == 200


def test_web_and_admin_sign_in_share_the_lockout(settings):
    """The Django admin's login form calls authenticate() too: it is locked as well."""
    settings.AXES_FAILURE_LIMIT = 3
    staff = UserFactory(roles=[Role.UNION_STAFF], is_staff=True)
    for _ in range(3):
        _try(staff.username, "wrong")
    response = Client().post("/admin/login/", {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in Client().session


# --- Client address -----------------------------------------------------------------------------


@pytest.fixture
def strict_login_rate(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "5/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    from rest_framework.throttling import ScopedRateThrottle

    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = rates
    cache.clear()
    yield
    ScopedRateThrottle.THROTTLE_RATES = original
    cache.clear()


def test_forged_x_forwarded_for_does_not_bypass_the_login_throttle(strict_login_rate):
    statuses = [
        _try(
            f"nobody{n}", "wrong", ip="10.0.0.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(8)
    ]
    assert statuses[:5] == [400] * 5
    assert set(statuses[5:]) == {429}


def test_trusted_proxy_hop_gives_the_client_address(settings):
    from django.test import RequestFactory

    from core.net import client_ip

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9"
    )
    settings.TRUSTED_PROXY_HOPS = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_HOPS = 1
    assert client_ip(request) == "203.0.113.9"


def test_group_sync_has_no_stale_authtoken_app():
    from accounts.services import staff_groups_sync

    staff_groups_sync()
    assert Group.objects.filter(name=Role.ADMIN).exists()


def test_a_token_request_reads_the_token_user_and_roles_in_one_query(
    django_assert_num_queries,
):
    from rest_framework.test import APIRequestFactory

    from accounts.authentication import TokenAuthentication

    reviewer = UserFactory(roles=[Role.REVIEWER, Role.UNION_STAFF])
    key = _token(reviewer)
    request = APIRequestFactory().get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    with django_assert_num_queries(1):
        user, token = TokenAuthentication().authenticate(request)
        # The roles came with the token: asking for them costs nothing more.
        assert user.has_role(Role.REVIEWER) and user.has_role(Role.UNION_STAFF)
        assert not user.has_role(Role.ENTERPRISE)
    assert user == reviewer and token.user_id == reviewer.pk

    nobody = UserFactory(roles=[])
    request = APIRequestFactory().get(ME, HTTP_AUTHORIZATION=f"Token {_token(nobody)}")
    with django_assert_num_queries(1):
        user, _ = TokenAuthentication().authenticate(request)
        assert user.role_set == frozenset()


def test_expired_tokens_are_purged_by_the_hourly_task():
    from accounts.tasks import purge_expired_tokens

    user = EnterpriseUserFactory()
    old, fresh = _token(user, "old"), _token(user, "fresh")
    ApiToken.objects.filter(device="old").update(
        expiry=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    )
    assert purge_expired_tokens() == 1
    assert list(ApiToken.objects.filter(user=user).values_list("device", flat=True)) == ["fresh"]
    assert _me(old) == 401 and _me(fresh) == 200

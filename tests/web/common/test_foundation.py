"""The foundation without a browser: refusals per role, the API's sign-in and docs, vendored
assets, error pages, password reset by e-mail."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings

from accounts.enums import Role
from tests.factories.accounts import EnterpriseUserFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def test_anonymous_is_sent_to_sign_in_with_next(client):
    response = client.get("/enterprise/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/enterprise/"


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.UNION_STAFF, Role.INCUBATOR_STAFF])
def test_other_roles_are_refused_the_enterprise_pages_in_chinese(client, role):
    client.force_login(UserFactory(roles=[role]))
    response = client.get("/enterprise/", **ZH)
    assert response.status_code == 403
    assert "无权访问" in response.content.decode()


def test_api_auth_login_goes_to_the_site_sign_in(client):
    response = client.get("/api-auth/login/?next=/api/v1/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/v1/"


def test_sign_in_form_uses_authenticate_and_lands_per_role(client):
    member = EnterpriseUserFactory()
    response = client.post(
        "/accounts/login/", {"username": member.username, "password": "Correct-Horse-42"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/home/"
    assert client.get("/accounts/home/")["Location"] == "/enterprise/"


def test_wrong_password_writes_no_session(client):
    member = EnterpriseUserFactory()
    response = client.post("/accounts/login/", {"username": member.username, "password": "x"}, **ZH)
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_api_docs_load_without_internet(client):
    client.force_login(UserFactory())
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"""(src|href)=["']https?://""", html), "an asset comes from outside"


def test_pages_reference_no_outside_asset(client):
    client.force_login(EnterpriseUserFactory())
    for path in ["/", "/accounts/login/", "/enterprise/", "/inbox/"]:
        html = client.get(path).content.decode()
        assert not re.search(r"""(src|href)=["'](https?:)?//""", html), path


def test_vendored_assets_match_their_manifest():
    result = subprocess.run(
        [sys.executable, "scripts/vendor_assets.py", "--check"], cwd=ROOT, capture_output=True
    )
    assert result.returncode == 0, result.stdout.decode()


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "出错了" in html or "Something went wrong" in html


@override_settings(SITE_URL="https://innovation.example.org")
def test_password_reset_mail_links_to_the_site_url(client):
    user = EnterpriseUserFactory(email="clerk@example.org")
    response = client.post("/accounts/password/reset/", {"email": "clerk@example.org"}, **ZH)
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["clerk@example.org"]
    assert "设置新密码" in message.subject
    link = re.search(
        r"https://innovation\.example\.org(/accounts/password/reset/\S+)", message.body
    )
    assert link, message.body
    page = client.get(link.group(1), follow=True, **ZH)
    form_url = page.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Ganz-neu-2026!", "new_password2": "Ganz-neu-2026!"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Ganz-neu-2026!")


def test_password_reset_for_an_unknown_address_sends_nothing(client):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_with_a_wrong_old_password_changes_nothing(client):
    user = EnterpriseUserFactory(must_change_password=True)
    client.force_login(user)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "Ganz-neu-2026!",
            "new_password2": "Ganz-neu-2026!",
        },
        **ZH,
    )
    assert response.status_code == 200
    assert 'data-field-error="old_password"' in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Correct-Horse-42") and user.must_change_password


def test_inbox_shows_only_the_callers_notices_and_opens_them(client):
    from tests.factories.notifications import NoticeFactory

    me, other = EnterpriseUserFactory(), EnterpriseUserFactory()
    mine = NoticeFactory(recipient=me, title="报名即将截止")
    theirs = NoticeFactory(recipient=other, title="别人的消息")
    client.force_login(me)
    html = client.get("/inbox/").content.decode()
    assert "报名即将截止" in html and "别人的消息" not in html
    assert client.get(f"/inbox/{theirs.pk}/").status_code == 404
    assert client.get(f"/inbox/{mine.pk}/").status_code == 200
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_inbox_list_partial_for_htmx(client):
    client.force_login(EnterpriseUserFactory())
    response = client.get("/inbox/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="notice-list"' in html and "<html" not in html


@override_settings(AXES_FAILURE_LIMIT=3)
def test_sign_in_page_is_locked_per_account_like_the_api(client):
    member = EnterpriseUserFactory()
    for _ in range(3):
        client.post("/accounts/login/", {"username": member.username, "password": "x"}, **ZH)
    # even the right password is refused now, and the page says why
    response = client.post(
        "/accounts/login/", {"username": member.username, "password": "Correct-Horse-42"}, **ZH
    )
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # another account behind the same address is not locked out
    other = EnterpriseUserFactory()
    response = client.post(
        "/accounts/login/", {"username": other.username, "password": "Correct-Horse-42"}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_sign_out_ends_the_session_and_needs_a_post(client):
    member = EnterpriseUserFactory()
    client.force_login(member)
    assert client.get("/accounts/logout/").status_code == 405  # no sign-out by a crafted link
    assert client.get("/enterprise/", **ZH).status_code == 200
    response = client.post("/accounts/logout/", **ZH)
    assert response.status_code == 302
    again = client.get("/enterprise/", **ZH)
    assert again.status_code == 302 and again["Location"].startswith("/accounts/login/")


def test_only_the_most_specific_header_link_is_marked_active():
    from accounts.enums import Role
    from tests.factories.accounts import UserFactory
    from web.common.registry import nav_entries_for

    staff = UserFactory(roles=[Role.UNION_STAFF])
    on_notices = {e["key"]: e["active"] for e in nav_entries_for(staff, "/console/notices/3/")}
    assert on_notices["console-notices"] is True and on_notices["console"] is False
    on_round = {e["key"]: e["active"] for e in nav_entries_for(staff, "/console/rounds/3/")}
    assert on_round["console"] is True and on_round["console-notices"] is False
    elsewhere = nav_entries_for(staff, "/no/such/page/")
    assert not any(e["active"] for e in elsewhere) and all("_match" not in e for e in elsewhere)

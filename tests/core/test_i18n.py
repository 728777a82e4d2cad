import pytest

pytestmark = pytest.mark.django_db


def test_refusal_message_follows_accept_language_chinese(member_client):
    response = member_client.get("/api/v1/users/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    assert response.data["detail"] == "您的角色无权执行此操作。"


def test_refusal_message_follows_accept_language_english(member_client):
    response = member_client.get("/api/v1/users/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.data["detail"] == "Your role does not allow this."


def test_default_language_and_time_zone():
    from config.settings import base

    assert base.LANGUAGE_CODE == "zh-hans"
    assert base.TIME_ZONE == "Asia/Shanghai"
    assert base.USE_TZ is True

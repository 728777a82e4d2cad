"""A service's refusal reaches people in their language: the page in Chinese, the API in the
request's language (Accept-Language; zh-hans when absent), with the same stable code."""

import pytest
from django.test import override_settings

from projects.enums import EntryState
from projects.models import Entry
from tests.factories.projects import EntryFactory

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
REFUSAL_ZH = "参赛项目无法从“评审中”变为“草稿”。"
REFUSAL_EN = "Cannot move entry from 'In review' to 'Draft'."


@pytest.fixture
def in_review(organisation):
    return EntryFactory(organisation=organisation, state=EntryState.IN_REVIEW)


def test_a_refused_recall_shows_the_chinese_message_on_the_page(client, member, in_review):
    client.force_login(member)
    response = client.post(f"/enterprise/entries/{in_review.pk}/recall/", follow=True, **ZH)
    assert response.status_code == 200
    page = response.content.decode()
    assert REFUSAL_ZH in page
    assert "Cannot move" not in page
    assert "in_review" not in page.split('class="alert', 1)[1].split("</div>", 1)[0]
    assert Entry.objects.get(pk=in_review.pk).state == EntryState.IN_REVIEW


def test_the_api_answers_in_english_when_asked(member_client, in_review):
    response = member_client.post(
        f"/api/v1/entries/{in_review.pk}/recall/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["detail"].startswith(REFUSAL_EN)
    assert body["fields"] == {"state": ["'Draft' is not reachable from 'In review'."]}


@override_settings(LANGUAGE_CODE="zh-hans")  # the product's default (the test settings use en)
def test_the_api_answers_in_chinese_by_default(member_client, in_review):
    response = member_client.post(f"/api/v1/entries/{in_review.pk}/recall/", {}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert body["detail"].startswith(REFUSAL_ZH)
    assert body["fields"] == {"state": ["无法从“评审中”变为“草稿”。"]}


def test_the_product_default_language_is_chinese():
    from config.settings import base

    assert base.LANGUAGE_CODE == "zh-hans"

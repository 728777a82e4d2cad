"""A retried create with the same Idempotency-Key returns the first answer (core/idempotency.py)."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.services import api_token_issue
from core.models import IdempotentResponse
from projects.models import Entry
from tests.factories.projects import CategoryFactory, ContestFactory

URL = "/api/v1/entries/"


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)[1]}")
    return client


def _payload(contest, category, title="换电站电池包快速锁止机构"):
    return {"contest": contest.pk, "category": category.pk, "title": title}


@pytest.fixture
def open_contest(db):
    contest = ContestFactory()
    return contest, CategoryFactory(contest=contest)


@pytest.mark.django_db
def test_retry_with_the_same_key_returns_the_first_answer(member, open_contest):
    client = _client(member)
    first = client.post(URL, _payload(*open_contest), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    retry = client.post(URL, _payload(*open_contest), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert retry["Idempotent-Replayed"] == "true"
    assert Entry.objects.count() == 1


@pytest.mark.django_db
def test_without_a_key_each_post_creates(member, open_contest):
    client = _client(member)
    client.post(URL, _payload(*open_contest), format="json")
    client.post(URL, _payload(*open_contest), format="json")
    assert Entry.objects.count() == 2


@pytest.mark.django_db
def test_same_key_for_a_different_body_is_422(member, open_contest):
    client = _client(member)
    client.post(URL, _payload(*open_contest), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    other = client.post(
        URL, _payload(*open_contest, title="另一个项目"), format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Entry.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_request_keeps_no_key(member, open_contest):
    contest, category = open_contest
    client = _client(member)
    bad = client.post(URL, {"contest": contest.pk}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert bad.status_code == 400
    assert not IdempotentResponse.objects.exists()
    good = client.post(URL, _payload(contest, category), format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert good.status_code == 201
    assert Entry.objects.count() == 1


@pytest.mark.django_db
def test_keys_of_two_callers_never_meet(member, other_member, open_contest):
    _client(member).post(URL, _payload(*open_contest), format="json", HTTP_IDEMPOTENCY_KEY="same")
    response = _client(other_member).post(
        URL, _payload(*open_contest), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Entry.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_row(member, open_contest):
    token = api_token_issue(user=member)[1]
    payload = _payload(*open_contest)
    statuses, ids = [], []
    barrier = threading.Barrier(2)

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        barrier.wait()
        response = client.post(URL, payload, format="json", HTTP_IDEMPOTENCY_KEY="race")
        statuses.append(response.status_code)
        ids.append(response.json().get("id"))
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201, 201]
    assert ids[0] == ids[1]
    assert Entry.objects.count() == 1

"""Bodies nested deeper than API_JSON_MAX_DEPTH are a 400 from the one JSON parser."""

import pytest

from core.parsers import json_depth_exceeds

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000


def test_deep_body_to_token_endpoint_is_400(api):
    response = api.post("/api/v1/auth/token/", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_deep_body_to_entries_is_400(member_client):
    response = member_client.post("/api/v1/entries/", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper" in response.json()["detail"]


def test_body_just_over_the_limit_is_400(member_client, settings):
    settings.API_JSON_MAX_DEPTH = 5
    body = '{"title": ' + "[" * 5 + "]" * 5 + "}"
    response = member_client.post("/api/v1/entries/", data=body, content_type="application/json")
    assert response.status_code == 400


def test_depth_counts_containers_only():
    assert not json_depth_exceeds({"team": [{"name": "王"}]}, 3)
    assert json_depth_exceeds({"team": [{"name": ["王"]}]}, 3)
    assert not json_depth_exceeds("plain", 0)

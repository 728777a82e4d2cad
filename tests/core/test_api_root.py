"""One router and one API root: ``GET /api/v1/`` lists every resource of every app, and every
link in it answers."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db


def _top_segments_of_the_schema(client) -> set[str]:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    return {path.removeprefix("/api/v1/").split("/")[0] for path in schema["paths"]}


def test_the_root_lists_every_resource_and_every_link_answers(staff_client):
    response = staff_client.get("/api/v1/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    root = response.json()
    listed = {key.split("/")[0] for key in root}
    missing = _top_segments_of_the_schema(staff_client) - listed
    assert not missing, f"resources missing from the API root: {sorted(missing)}"
    for key, url in root.items():
        answer = staff_client.get(url, HTTP_ACCEPT="application/json")
        # Every link leads to a real route: POST-only views (auth/logout) answer 405 and another
        # role's resources (my-assignments is the reviewers') 403 — never 404 or 500.
        assert answer.status_code in (200, 403, 405), (key, url, answer.status_code)


def _named(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _named(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield p.name, prefix + str(p.pattern)


def test_there_is_one_api_root():
    """Apps expose ``routes`` for the one router; none builds a router (and a root) of its own."""
    roots = [route for name, route in _named(get_resolver().url_patterns) if name == "api-root"]
    assert [r for r in roots if "format" not in r] == ["api/v1/"]

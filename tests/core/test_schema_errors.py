"""The schema documents the error answers (core/schema.py, issue 10): before, 635 fuzzed
responses had a status (403, 404, 409) their operation did not list."""

import pytest

from tests.core.test_endpoint_matrix import SCHEMA

WRITES = ("post", "put", "patch", "delete")


def _operations():
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            if method in ("get", *WRITES):
                yield path, method, operation


def test_every_operation_documents_400_401_403_with_the_error_body():
    missing = [
        f"{method.upper()} {path} {code}"
        for path, method, operation in _operations()
        for code in ("400", "401", "403")
        if operation["responses"]
        .get(code, {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("$ref")
        != "#/components/schemas/Error"
    ]
    assert missing == []


def test_every_post_documents_the_idempotency_422():
    assert [
        path
        for path, method, operation in _operations()
        if method == "post" and "422" not in operation["responses"]
    ] == []


def test_every_write_documents_409():
    assert [
        f"{method.upper()} {path}"
        for path, method, operation in _operations()
        if method in WRITES and "409" not in operation["responses"]
    ] == []


def test_every_detail_path_documents_404():
    assert [
        f"{method.upper()} {path}"
        for path, method, operation in _operations()
        if "{" in path and "404" not in operation["responses"]
    ] == []


def test_sign_in_documents_429():
    assert "429" in SCHEMA["paths"]["/api/v1/auth/token/"]["post"]["responses"]


def test_recusal_documents_its_204():
    responses = SCHEMA["paths"]["/api/v1/my-assignments/{id}/recuse/"]["post"]["responses"]
    assert "204" in responses and "200" not in responses


def test_the_error_body_is_code_detail_fields():
    error = SCHEMA["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "detail", "fields"}


@pytest.mark.django_db
def test_an_error_from_a_file_view_is_served_as_json(reviewer_client):
    """A client that accepts only the file's type still gets its error typed as JSON (was
    ``Content-Type: */*``, which no schema can document)."""
    response = reviewer_client.get("/api/v1/entries/export/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"]


def test_a_user_without_email_matches_the_schema():
    """Users may have no email (create and update allow blank): the schema allows "" too."""
    email = SCHEMA["components"]["schemas"]["User"]["properties"]["email"]
    assert {"type": "string", "maxLength": 0} in email["anyOf"]

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/schema/", "/api/docs/"])
def test_schema_and_docs_need_sign_in(api, url):
    assert api.get(url).status_code == 401


def test_signed_in_user_reads_the_schema(member_client):
    response = member_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/entries/" in response.json()["paths"]


def test_signed_in_user_gets_the_docs_page(member_client):
    response = member_client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()

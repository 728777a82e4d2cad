import random

import pytest

from accounts.credit_code import make_credit_code
from accounts.models import Organisation
from core.models import AuditEvent

URL = "/api/v1/organisations/"
pytestmark = pytest.mark.django_db


def _payload(**overrides):
    data = {
        "name": "十堰新能源测试有限公司",
        "credit_code": make_credit_code("420303", rng=random.Random(99)),
        "org_type": "enterprise",
        "district": "zhangwan",
        "address": "湖北省十堰市张湾区车城路1号",
        "contact_name": "王伟",
        "contact_phone": "0719-8123456",
        "contact_email": "contact@example.org",
    }
    data.update(overrides)
    return data


def test_create_organisation_by_staff_records_audit(staff_client):
    response = staff_client.post(URL, _payload(), format="json")
    assert response.status_code == 201, response.data
    org = Organisation.objects.get(pk=response.data["id"])
    assert org.name == "十堰新能源测试有限公司"
    assert AuditEvent.objects.filter(action="organisation.create", target_id=str(org.pk)).exists()


def test_create_organisation_lowercase_code_is_normalised(staff_client):
    code = make_credit_code("420303", rng=random.Random(5))
    response = staff_client.post(URL, _payload(credit_code=code.lower()), format="json")
    assert response.status_code == 201, response.data
    assert response.data["credit_code"] == code


def test_create_organisation_bad_check_character_is_400_naming_field(staff_client):
    code = make_credit_code("420303", rng=random.Random(5))
    bad = code[:17] + ("0" if code[17] != "0" else "1")
    response = staff_client.post(URL, _payload(credit_code=bad), format="json")
    assert response.status_code == 400
    assert response.data["code"] == "validation_error"
    assert "check character" in response.data["fields"]["credit_code"][0]
    assert not Organisation.objects.exists()


def test_create_organisation_missing_name_and_bad_district_is_400(staff_client):
    response = staff_client.post(URL, _payload(name="", district="atlantis"), format="json")
    assert response.status_code == 400
    assert set(response.data["fields"]) == {"name", "district"}
    assert not Organisation.objects.exists()


def test_create_organisation_duplicate_code_is_409(staff_client, organisation):
    response = staff_client.post(URL, _payload(credit_code=organisation.credit_code), format="json")
    assert response.status_code == 409
    assert response.data["code"] == "duplicate_organisation"
    assert "credit_code" in response.data["fields"]
    assert Organisation.objects.count() == 1


def test_create_organisation_anonymous_is_401(api):
    response = api.post(URL, _payload(), format="json")
    assert response.status_code == 401
    assert set(response.data) == {"code", "detail", "fields"}


@pytest.mark.parametrize("who", ["member_client", "reviewer_client"])
def test_create_organisation_non_staff_is_403(request, who):
    response = request.getfixturevalue(who).post(URL, _payload(), format="json")
    assert response.status_code == 403
    assert not Organisation.objects.filter(name="十堰新能源测试有限公司").exists()


def test_list_organisations_member_sees_only_own(member_client, organisation, other_organisation):
    response = member_client.get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.data["results"]] == [organisation.pk]


def test_retrieve_other_organisation_by_member_is_404(member_client, other_organisation):
    response = member_client.get(f"{URL}{other_organisation.pk}/")
    assert response.status_code == 404
    assert response.data["code"] == "not_found"


def test_list_organisations_staff_filters_by_district(staff_client):
    from tests.factories.accounts import OrganisationFactory

    OrganisationFactory(district="fangxian")
    OrganisationFactory(district="zhuxi")
    response = staff_client.get(URL, {"district": "fangxian"})
    assert response.status_code == 200
    assert [row["district"] for row in response.data["results"]] == ["fangxian"]


def test_list_organisations_bad_filter_value_is_400(staff_client):
    response = staff_client.get(URL, {"district": "atlantis"})
    assert response.status_code == 400
    assert "district" in response.data["fields"]


def test_update_organisation_to_duplicate_code_is_409(
    staff_client, organisation, other_organisation
):
    response = staff_client.patch(
        f"{URL}{organisation.pk}/", {"credit_code": other_organisation.credit_code}, format="json"
    )
    assert response.status_code == 409
    organisation.refresh_from_db()
    assert organisation.credit_code != other_organisation.credit_code


def test_update_organisation_by_member_is_403(member_client, organisation):
    response = member_client.patch(f"{URL}{organisation.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403


def test_page_size_is_capped(staff_client):
    from tests.factories.accounts import OrganisationFactory

    OrganisationFactory.create_batch(105)
    response = staff_client.get(URL, {"page_size": 1000})
    assert response.status_code == 200
    assert len(response.data["results"]) == 100
    assert response.data["count"] == 105

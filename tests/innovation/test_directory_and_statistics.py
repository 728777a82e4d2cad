"""The public directory, its export, and the statistics on hand-computed data."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from accounts.enums import District
from innovation.selectors import studio_statistics
from tests.factories.accounts import ExpertiseFieldFactory, OrganisationFactory
from tests.factories.innovation import NamedStudioFactory, StudioAssessmentFactory, StudioFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/studio-directory/"


def test_directory_is_public_and_shows_only_named(api):
    named = NamedStudioFactory()
    StudioFactory(state="pending")
    NamedStudioFactory(state="revoked")
    response = api.get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.data["results"]] == [named.pk]


def test_directory_hides_contact_data(api):
    NamedStudioFactory(contact_phone="13800000000")
    row = api.get(URL).data["results"][0]
    assert "contact_phone" not in row
    assert "13800000000" not in str(row)
    assert "revocation_flagged_at" not in row


def test_directory_detail_of_pending_studio_is_404(api):
    assert api.get(f"{URL}{StudioFactory().pk}/").status_code == 404


def test_directory_filters(api):
    field = ExpertiseFieldFactory(code="hydropower", name="水电能源")
    host = OrganisationFactory(district=District.DANJIANGKOU)
    match = NamedStudioFactory(organisation=host, field=field, level="province")
    NamedStudioFactory(level="province")
    NamedStudioFactory(organisation=host, field=field, level="city")
    query = {
        "level": "province",
        "district": "danjiangkou",
        "field": "hydropower",
        "organisation": host.pk,
    }
    assert [row["id"] for row in api.get(URL, query).data["results"]] == [match.pk]


def test_directory_bad_filter_is_400(api):
    response = api.get(URL, {"level": "galactic"})
    assert response.status_code == 400
    assert "level" in response.data["fields"]


def test_directory_writes_are_refused(api, staff_client):
    assert api.post(URL, {}, format="json").status_code == 405
    assert staff_client.post(URL, {}, format="json").status_code == 405


def test_directory_export_round_trip_keeps_chinese(api):
    NamedStudioFactory(name="王建国劳模创新工作室", leader_honours=["national_model_worker"])
    content = api.get(f"{URL}export/").content
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][0] == "王建国劳模创新工作室"
    assert rows[1][1] == "市级"
    assert rows[1][6] == "全国劳动模范"
    xlsx = api.get(f"{URL}export/", {"file_format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][:2] == ["王建国劳模创新工作室", "市级"]
    assert "0719" not in content.decode("utf-8-sig")


def test_directory_list_query_count_is_constant(api, django_assert_max_num_queries):
    NamedStudioFactory()
    with django_assert_max_num_queries(3) as one:
        api.get(URL)
    NamedStudioFactory.create_batch(30)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert api.get(URL, {"page_size": 50}).data["count"] == 31


def test_statistics_on_hand_computed_data(staff_client):
    auto = ExpertiseFieldFactory(code="automotive", name="汽车及零部件")
    hydro = ExpertiseFieldFactory(code="hydropower", name="水电能源")
    zhangwan = OrganisationFactory(district=District.ZHANGWAN)
    djk = OrganisationFactory(district=District.DANJIANGKOU)
    a = NamedStudioFactory(organisation=zhangwan, field=auto, level="city")
    b = NamedStudioFactory(organisation=zhangwan, field=auto, level="province")
    c = NamedStudioFactory(organisation=djk, field=hydro, level="city")
    StudioFactory(organisation=djk, field=hydro)  # pending: not counted
    NamedStudioFactory(organisation=djk, field=hydro, level="national", state="revoked")
    StudioAssessmentFactory(
        studio=a,
        year=2023,
        patents=2,
        innovations_adopted=1,
        economic_benefit=Decimal("100.50"),
        people_trained=10,
    )
    StudioAssessmentFactory(
        studio=b,
        year=2023,
        patents=3,
        innovations_adopted=0,
        economic_benefit=Decimal("200.25"),
        people_trained=5,
    )
    StudioAssessmentFactory(
        studio=c,
        year=2024,
        patents=7,
        innovations_adopted=4,
        economic_benefit=Decimal("1000"),
        people_trained=1,
    )

    response = staff_client.get("/api/v1/studio-statistics/")
    assert response.status_code == 200
    data = response.data
    assert data["named_total"] == 3
    assert {r["level"]: r["count"] for r in data["by_level"]} == {"city": 2, "province": 1}
    assert {r["district"]: r["count"] for r in data["by_district"]} == {
        "zhangwan": 2,
        "danjiangkou": 1,
    }
    assert {r["field_code"]: r["count"] for r in data["by_field"]} == {
        "automotive": 2,
        "hydropower": 1,
    }
    per_year = {r["year"]: r for r in data["achievements_per_year"]}
    assert (per_year[2023]["reports"], per_year[2023]["patents"]) == (2, 5)
    assert per_year[2023]["economic_benefit"] == "300.75"
    assert per_year[2023]["people_trained"] == 15
    assert (per_year[2024]["patents"], per_year[2024]["innovations_adopted"]) == (7, 4)


def test_statistics_use_aggregate_queries(django_assert_max_num_queries):
    NamedStudioFactory.create_batch(10)
    with django_assert_max_num_queries(4):
        studio_statistics()


@pytest.mark.parametrize(
    ("who", "status"), [("api", 401), ("member_client", 403), ("incubator_client", 200)]
)
def test_statistics_roles(request, who, status):
    assert request.getfixturevalue(who).get("/api/v1/studio-statistics/").status_code == status

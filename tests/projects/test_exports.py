import csv
import io

import openpyxl
import pytest

from projects.enums import EntryState
from tests.factories.accounts import OrganisationFactory
from tests.factories.projects import EntryFactory, TeamMemberFactory

URL = "/api/v1/entries/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    org = OrganisationFactory(name="十堰东森汽车密封件有限公司", district="economic_zone")
    wanted = EntryFactory(
        organisation=org, title="汽车密封条挤出模具快速修复工艺", state=EntryState.SUBMITTED
    )
    TeamMemberFactory(entry=wanted, name="王建国", honour="checheng_craftsman")
    EntryFactory(title='=HYPERLINK("http://evil")', state=EntryState.SUBMITTED)
    EntryFactory(title="草稿项目", state=EntryState.DRAFT)
    return wanted


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_has_bom_chinese_and_applies_filters(staff_client, entries):
    response = staff_client.get(
        f"{URL}export/",
        {"file_format": "csv", "state": "submitted", "q": "密封条"},
        HTTP_ACCEPT="text/csv",
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    header, *rows = _csv_rows(response)
    assert header[:4] == ["编号", "大赛", "组别", "参赛单位"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["项目名称"] == "汽车密封条挤出模具快速修复工艺"
    assert row["参赛单位"] == "十堰东森汽车密封件有限公司"
    assert row["所在地区"] == "十堰经济技术开发区"
    assert (row["状态"], row["项目负责人"], row["负责人荣誉"]) == ("已提交", "王建国", "车城工匠")


def test_csv_export_neutralises_formulas(staff_client, entries):
    response = staff_client.get(f"{URL}export/", {"file_format": "csv", "q": "HYPERLINK"})
    header, row = _csv_rows(response)
    assert row[header.index("项目名称")].startswith("'=")


def test_xlsx_export_round_trips_chinese(staff_client, entries):
    response = staff_client.get(f"{URL}export/", {"file_format": "xlsx", "state": "submitted"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][6] == "项目名称"
    titles = {r[6] for r in rows[1:]}
    assert "汽车密封条挤出模具快速修复工艺" in titles
    assert "草稿项目" not in titles
    assert len(rows) == 3


def test_xlsx_export_over_cap_is_400(staff_client, entries, settings):
    settings.ENTRY_EXPORT_XLSX_MAX_ROWS = 2
    response = staff_client.get(f"{URL}export/?file_format=xlsx")
    assert response.status_code == 400
    assert response.data["code"] == "export_too_large"


def test_export_constant_queries(staff_client, django_assert_max_num_queries):
    for _ in range(30):
        TeamMemberFactory(entry=EntryFactory())
    with django_assert_max_num_queries(5):
        b"".join(staff_client.get(f"{URL}export/?file_format=csv").streaming_content)


@pytest.mark.parametrize("who", ["member_client", "reviewer_client"])
def test_export_non_staff_is_403(request, who):
    assert request.getfixturevalue(who).get(f"{URL}export/?file_format=csv").status_code == 403
    assert request.getfixturevalue(who).get(f"{URL}export/?file_format=xlsx").status_code == 403


def test_export_anonymous_is_401(api):
    assert api.get(f"{URL}export/?file_format=csv").status_code == 401


def test_export_bad_filter_is_400(staff_client):
    response = staff_client.get(f"{URL}export/", {"file_format": "csv", "state": "nope"})
    assert response.status_code == 400
    assert "state" in response.data["fields"]


def test_an_unknown_file_format_is_a_400_naming_it(staff_client):
    response = staff_client.get(f"{URL}export/", {"file_format": "pdf"})
    assert response.status_code == 400
    assert "file_format" in response.json()["fields"]


def test_without_a_file_format_the_export_is_csv(staff_client):
    response = staff_client.get(f"{URL}export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


@pytest.mark.parametrize("old", ["export-csv/", "export-xlsx/"])
def test_the_old_export_routes_are_gone(staff_client, old):
    assert staff_client.get(f"{URL}{old}").status_code == 404

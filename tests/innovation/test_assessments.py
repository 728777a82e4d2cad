"""Yearly assessments (年度考核) and the two-fails rule."""

from datetime import date

import pytest

from innovation.services import two_fails_in_a_row
from tests.factories.innovation import NamedStudioFactory, StudioAssessmentFactory, StudioFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/studio-assessments/"


def _file(client, studio, year=2023, **figures):
    body = {
        "studio": studio.pk,
        "year": year,
        "patents": 2,
        "innovations_adopted": 3,
        "economic_benefit": "50000.00",
        "people_trained": 40,
        "summary": "年度总结",
    }
    body.update(figures)
    return client.post(URL, body, format="json")


def _rate(client, assessment, rating, comment="意见"):
    return client.post(
        f"{URL}{assessment.pk}/rate/", {"rating": rating, "comment": comment}, format="json"
    )


def test_member_files_yearly_report(member_client, member):
    studio = NamedStudioFactory(organisation=member.organisation, named_on=date(2021, 5, 1))
    response = _file(member_client, studio)
    assert response.status_code == 201, response.data
    assert (response.data["state"], response.data["economic_benefit"]) == ("filed", "50000.00")


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"economic_benefit": "-0.01"}, "economic_benefit"),
        ({"patents": -1}, "patents"),
        ({"people_trained": 1.5}, "people_trained"),
        ({"year": 2099}, "year"),
        ({"year": 2019}, "year"),
    ],
)
def test_malformed_report_is_400(member_client, member, figures, field):
    studio = NamedStudioFactory(organisation=member.organisation, named_on=date(2021, 5, 1))
    response = _file(member_client, studio, **figures)
    assert response.status_code == 400
    assert field in response.data["fields"]
    assert not studio.assessments.exists()


def test_second_report_same_year_is_409(member_client, member):
    studio = NamedStudioFactory(organisation=member.organisation)
    StudioAssessmentFactory(studio=studio, year=2023)
    response = _file(member_client, studio, year=2023)
    assert response.status_code == 409
    assert studio.assessments.count() == 1


def test_pending_studio_cannot_file(member_client, member):
    response = _file(member_client, StudioFactory(organisation=member.organisation))
    assert response.status_code == 409


def test_member_cannot_file_for_other_organisation(member_client, other_organisation):
    studio = NamedStudioFactory(organisation=other_organisation)
    response = _file(member_client, studio)
    assert response.status_code == 400
    assert "studio" in response.data["fields"]
    assert not studio.assessments.exists()


def test_other_organisation_assessment_is_404(other_member_client):
    assessment = StudioAssessmentFactory()
    assert other_member_client.get(f"{URL}{assessment.pk}/").status_code == 404
    assert other_member_client.get(URL).data["count"] == 0


def test_staff_rates_and_member_cannot(staff_client, member_client, member):
    assessment = StudioAssessmentFactory(
        studio=NamedStudioFactory(organisation=member.organisation)
    )
    assert _rate(member_client, assessment, "excellent").status_code == 403
    response = _rate(staff_client, assessment, "excellent")
    assert response.status_code == 200
    assert (response.data["state"], response.data["rating"]) == ("rated", "excellent")
    assert _rate(staff_client, assessment, "pass").status_code == 409


def test_fail_without_comment_is_400(staff_client):
    assessment = StudioAssessmentFactory()
    response = _rate(staff_client, assessment, "fail", comment="")
    assert response.status_code == 400
    assert "comment" in response.data["fields"]
    assessment.refresh_from_db()
    assert assessment.state == "filed"


def test_two_fails_in_a_row_flag_the_studio(staff_client):
    studio = NamedStudioFactory()
    StudioAssessmentFactory(studio=studio, year=2022, state="rated", rating="fail")
    latest = StudioAssessmentFactory(studio=studio, year=2023)
    _rate(staff_client, latest, "fail", "成果不足")
    studio.refresh_from_db()
    assert studio.revocation_flagged_at is not None
    assert studio.state == "named"  # staff still decide the revocation
    flagged = staff_client.get("/api/v1/studios/", {"flagged": "true"}).data["results"]
    assert [row["id"] for row in flagged] == [studio.pk]


def test_fail_pass_fail_does_not_flag(staff_client):
    studio = NamedStudioFactory()
    StudioAssessmentFactory(studio=studio, year=2021, state="rated", rating="fail")
    StudioAssessmentFactory(studio=studio, year=2022, state="rated", rating="pass")
    _rate(staff_client, StudioAssessmentFactory(studio=studio, year=2023), "fail", "不足")
    studio.refresh_from_db()
    assert studio.revocation_flagged_at is None


def test_flag_is_cleared_by_staff_decision(staff_client):
    studio = NamedStudioFactory()
    StudioAssessmentFactory(studio=studio, year=2022, state="rated", rating="fail")
    _rate(staff_client, StudioAssessmentFactory(studio=studio, year=2023), "fail", "不足")
    response = staff_client.post(
        f"/api/v1/studios/{studio.pk}/clear-flag/", {"reason": "已整改"}, format="json"
    )
    assert response.status_code == 200
    assert response.data["revocation_flagged_at"] is None
    again = staff_client.post(
        f"/api/v1/studios/{studio.pk}/clear-flag/", {"reason": "x"}, format="json"
    )
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("ratings", "year", "expected"),
    [
        ({2022: "fail", 2023: "fail"}, 2023, True),
        ({2022: "fail", 2023: "fail"}, 2022, True),  # rated out of order
        ({2021: "fail", 2023: "fail"}, 2023, True),  # a skipped year does not break the row
        ({2021: "fail", 2022: "pass", 2023: "fail"}, 2023, False),
        ({2023: "fail"}, 2023, False),
        ({2022: "fail", 2023: "excellent"}, 2023, False),
    ],
)
def test_two_fails_in_a_row_rule(ratings, year, expected):
    assert two_fails_in_a_row(ratings, year) is expected


def test_export_assessments_csv_and_xlsx(staff_client):
    import csv
    import io

    import openpyxl

    StudioAssessmentFactory(studio=NamedStudioFactory(name="车城工匠创新工作室"), summary="总结")
    csv_response = staff_client.get(f"{URL}export/", {"file_format": "csv"})
    assert csv_response.status_code == 200
    assert csv_response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "工作室"
    assert rows[1][0] == "车城工匠创新工作室"
    xlsx = staff_client.get(f"{URL}export/", {"file_format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=1).value == "车城工匠创新工作室"
    assert float(sheet.cell(row=2, column=6).value) == 10000.0


def test_export_bad_format_is_400(staff_client):
    response = staff_client.get(f"{URL}export/", {"file_format": "pdf"})
    assert response.status_code == 400
    assert "file_format" in response.data["fields"]


def test_member_export_contains_only_own_rows(member_client, member):
    import csv
    import io

    StudioAssessmentFactory(
        studio=NamedStudioFactory(organisation=member.organisation, name="本单位")
    )
    StudioAssessmentFactory(studio=NamedStudioFactory(name="他单位"))
    content = member_client.get(f"{URL}export/").content.decode("utf-8-sig")
    names = [row[0] for row in csv.reader(io.StringIO(content))][1:]
    assert names == ["本单位"]

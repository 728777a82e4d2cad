"""Bulk import of expert reviewers from an Excel sheet, and the search that finds them."""

import io

import pytest
from openpyxl import Workbook

from accounts.enums import Role
from accounts.models import ReviewerProfile, User
from accounts.selectors import reviewers_search
from accounts.services import experts_import
from core.exceptions import ValidationFailed
from tests.factories.accounts import (
    ExpertiseFieldFactory,
    OrganisationFactory,
    ReviewerProfileFactory,
    UserFactory,
)

HEADER = ["姓名", "职称", "工作单位", "专业领域", "手机", "邮箱"]


def sheet(*rows, header=HEADER) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


@pytest.fixture
def org(db):
    return OrganisationFactory(name="湖北汽车工业学院")


@pytest.fixture
def fields(db):
    return ExpertiseFieldFactory(code="nev", name="新能源汽车"), ExpertiseFieldFactory(
        code="hydro", name="水利水电"
    )


def test_import_creates_reviewers_with_profiles(union_staff, org, fields):
    result = experts_import(
        actor=union_staff,
        file=sheet(
            [
                "李明",
                "教授",
                "湖北汽车工业学院",
                "新能源汽车、水利水电",
                "13807190001",
                "LiMing@Example.org",
            ],
            ["王芳", "高级工程师", "", "hydro", 13807190002, "wangfang@example.org"],
        ),
    )
    assert [u.full_name for u in result.created] == ["李明", "王芳"]
    li = User.objects.get(username="liming@example.org")
    assert li.has_role(Role.REVIEWER) and not li.has_usable_password()
    profile = ReviewerProfile.objects.get(user=li)
    assert (profile.title, profile.employer) == ("教授", org)
    assert set(profile.expertise.values_list("code", flat=True)) == {"nev", "hydro"}
    assert User.objects.get(username="wangfang@example.org").phone == "13807190002"


def test_import_reports_every_bad_row_and_writes_nothing(union_staff, org, fields):
    before = User.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        experts_import(
            actor=union_staff,
            file=sheet(
                ["李明", "教授", "湖北汽车工业学院", "新能源汽车", "13807190001", "li@example.org"],
                ["", "教授", "", "", "", "noname@example.org"],
                ["赵强", "", "不存在的单位", "", "", "zhao@example.org"],
                ["钱伟", "", "", "量子计算", "12ab", "not-an-email"],
                ["孙丽", "", "", "", "", "li@example.org"],
            ),
        )
    messages = exc.value.fields["file"]
    # row 3 no name; row 4 unknown employer; row 5 bad phone and e-mail; row 6 same e-mail as row 2
    assert len(messages) == 5
    assert messages[0].startswith("Row 3")
    assert User.objects.count() == before
    assert not User.objects.filter(username="li@example.org").exists()


def test_import_updates_an_existing_user_and_grants_the_role(union_staff, org, fields):
    existing = UserFactory(username="old@example.org", email="old@example.org", full_name="旧名")
    result = experts_import(
        actor=union_staff, file=sheet(["新名", "研究员", "", "水利水电", "", "old@example.org"])
    )
    assert result.updated == [existing] and result.created == []
    existing.refresh_from_db()
    existing.forget_roles()
    assert existing.full_name == "新名" and existing.has_role(Role.REVIEWER)
    assert existing.has_usable_password()  # the account is kept as it was
    assert list(existing.reviewer_profile.expertise.values_list("code", flat=True)) == ["hydro"]


def test_import_refuses_a_sheet_without_the_email_column(union_staff):
    with pytest.raises(ValidationFailed) as exc:
        experts_import(actor=union_staff, file=sheet(["李明"], header=["姓名"]))
    assert "邮箱" in exc.value.fields["file"][0]


def test_import_refuses_a_file_that_is_not_excel(union_staff):
    with pytest.raises(ValidationFailed) as exc:
        experts_import(actor=union_staff, file=io.BytesIO(b"%PDF-1.4 not a sheet"))
    assert list(exc.value.fields) == ["file"]


def test_import_reads_english_headers_in_any_order(union_staff, db):
    result = experts_import(
        actor=union_staff,
        file=sheet(["x@example.org", "Li Ming"], header=["E-mail", "Name"]),
    )
    assert result.created[0].full_name == "Li Ming"


# ------------------------------------------------------------------------- search


def test_search_finds_reviewers_by_name_employer_and_expertise(union_staff, org, fields):
    nev, _ = fields
    a = ReviewerProfileFactory(user__full_name="李明", employer=org)
    a.expertise.add(nev)
    ReviewerProfileFactory(user__full_name="王芳")
    assert list(reviewers_search(union_staff, q="李")) == [a]
    assert list(reviewers_search(union_staff, q="汽车工业")) == [a]
    assert list(reviewers_search(union_staff, q="新能源")) == [a]
    assert list(reviewers_search(union_staff, expertise=nev.pk)) == [a]
    assert list(reviewers_search(union_staff, q="李 新能源")) == [a]
    assert list(reviewers_search(union_staff, q="李 水利")) == []


def test_search_gives_nothing_to_enterprise_members_and_reviewers(member, reviewer_user):
    ReviewerProfileFactory(user__full_name="李明")
    assert not reviewers_search(member, q="李").exists()
    assert not reviewers_search(reviewer_user, q="").exists()


# --------------------------------------------------------------------------------- API


def test_api_import_creates_reviewers(staff_client, fields):
    upload = sheet(["李明", "教授", "", "新能源汽车", "", "li@example.org"])
    upload.name = "experts.xlsx"
    response = staff_client.post("/api/v1/reviewers/import/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.json()
    assert len(response.json()["created"]) == 1


def test_api_import_reports_bad_rows(staff_client, db):
    upload = sheet(["", "", "", "", "", "bad"])
    upload.name = "experts.xlsx"
    response = staff_client.post("/api/v1/reviewers/import/", {"file": upload}, format="multipart")
    assert response.status_code == 400
    assert len(response.json()["fields"]["file"]) == 2


def test_api_import_refused_to_reviewers(reviewer_client):
    upload = sheet(["李明", "", "", "", "", "li@example.org"])
    upload.name = "experts.xlsx"
    response = reviewer_client.post(
        "/api/v1/reviewers/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 403


def test_api_reviewers_search_by_words(staff_client, org):
    a = ReviewerProfileFactory(user__full_name="李明", employer=org)
    ReviewerProfileFactory(user__full_name="王芳")
    body = staff_client.get("/api/v1/reviewers/?q=李 汽车").json()
    assert [r["id"] for r in body["results"]] == [a.pk]

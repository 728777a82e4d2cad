"""Registering, listing and editing studios: roles, visibility, malformed input."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.enums import Role
from core.models import AuditEvent
from innovation.enums import ApplicationState
from innovation.models import Studio, StudioApplication
from tests.factories.accounts import ExpertiseFieldFactory, UserFactory
from tests.factories.innovation import StudioApplicationFactory, StudioFactory

URL = "/api/v1/studios/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def field():
    return ExpertiseFieldFactory(code="automotive", name="汽车及零部件")


def _payload(field, **overrides):
    data = {
        "level": "city",
        "name": "王建国劳模创新工作室",
        "field": field.pk,
        "leader_name": "王建国",
        "leader_job_title": "高级技师",
        "leader_honours": ["national_model_worker", "jingchu_craftsman"],
        "founding_date": "2019-03-01",
        "facilities": "实训室 200 平方米",
        "contact_phone": "0719-8123456",
        "patents": 12,
        "innovations_adopted": 30,
        "economic_benefit": "1500000.50",
        "people_trained": 300,
        "members": [{"name": "李强", "job_title": "技师", "honour": "checheng_craftsman"}],
    }
    data.update(overrides)
    return data


def test_member_registers_studio_for_own_organisation(member_client, member, field):
    response = member_client.post(URL, _payload(field), format="json")
    assert response.status_code == 201, response.data
    studio = Studio.objects.get(pk=response.data["id"])
    assert studio.organisation_id == member.organisation_id
    assert studio.state == "pending"
    assert response.data["members"][0]["name"] == "李强"
    application = studio.applications.get()
    assert (application.state, application.level, application.kind) == ("draft", "city", "initial")
    event = AuditEvent.objects.get(action="studio.register", target_id=str(studio.pk))
    assert event.actor == member


def test_member_cannot_register_for_another_organisation(member_client, other_organisation, field):
    response = member_client.post(
        URL, _payload(field, organisation=other_organisation.pk), format="json"
    )
    assert response.status_code == 400
    assert "organisation" in response.data["fields"]
    assert not Studio.objects.exists()


def test_staff_registers_on_behalf_of_organisation(staff_client, organisation, field):
    response = staff_client.post(URL, _payload(field, organisation=organisation.pk), format="json")
    assert response.status_code == 201, response.data
    assert response.data["organisation"] == organisation.pk


def test_staff_must_name_the_host(staff_client, field):
    response = staff_client.post(URL, _payload(field), format="json")
    assert response.status_code == 400
    assert "organisation" in response.data["fields"]


@pytest.mark.parametrize(
    ("override", "field_name"),
    [
        ({"economic_benefit": "-1"}, "economic_benefit"),
        ({"patents": -2}, "patents"),
        ({"people_trained": "many"}, "people_trained"),
        ({"founding_date": "2019-02-30"}, "founding_date"),
        ({"leader_honours": ["emperor"]}, "leader_honours"),
        ({"level": "galactic"}, "level"),
        ({"name": ""}, "name"),
    ],
)
def test_register_malformed_is_400_naming_field(member_client, field, override, field_name):
    response = member_client.post(URL, _payload(field, **override), format="json")
    assert response.status_code == 400
    assert response.data["code"] == "validation_error"
    assert field_name in str(response.data["fields"])
    assert not Studio.objects.exists()
    assert not StudioApplication.objects.exists()


def test_register_founding_date_in_future_is_400(member_client, field):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = member_client.post(URL, _payload(field, founding_date=tomorrow), format="json")
    assert response.status_code == 400
    assert "founding_date" in response.data["fields"]
    assert not Studio.objects.exists()


def test_register_duplicate_name_is_409(member_client, member, field):
    StudioFactory(organisation=member.organisation, name="王建国劳模创新工作室")
    response = member_client.post(URL, _payload(field), format="json")
    assert response.status_code == 409
    assert response.data["code"] == "duplicate_studio"
    assert Studio.objects.count() == 1


def test_register_anonymous_is_401(api, field):
    assert api.post(URL, _payload(field), format="json").status_code == 401


@pytest.mark.parametrize("who", ["reviewer_client", "incubator_client"])
def test_register_by_wrong_role_is_403(request, who, field):
    response = request.getfixturevalue(who).post(URL, _payload(field), format="json")
    assert response.status_code == 403
    assert not Studio.objects.exists()


def test_list_shows_only_own_organisation(member_client, member, other_organisation):
    own = StudioFactory(organisation=member.organisation)
    StudioFactory(organisation=other_organisation)
    response = member_client.get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.data["results"]] == [own.pk]


def test_other_organisation_studio_is_404(member_client, other_organisation):
    studio = StudioFactory(organisation=other_organisation)
    assert member_client.get(f"{URL}{studio.pk}/").status_code == 404
    response = member_client.patch(f"{URL}{studio.pk}/", {"facilities": "x"}, format="json")
    assert response.status_code == 404


def test_reviewer_sees_no_studios(reviewer_client):
    StudioFactory()
    assert reviewer_client.get(URL).data["count"] == 0


def test_staff_list_filters_by_state_and_flag(staff_client):
    StudioFactory(state="pending")
    flagged = StudioFactory(state="named", level="city", revocation_flagged_at=timezone.now())
    response = staff_client.get(URL, {"state": "named", "flagged": "true"})
    assert [row["id"] for row in response.data["results"]] == [flagged.pk]


def test_member_edits_draft_studio(member_client, member):
    studio = StudioFactory(organisation=member.organisation)
    StudioApplicationFactory(studio=studio)
    response = member_client.patch(
        f"{URL}{studio.pk}/",
        {"facilities": "新实训基地", "members": [{"name": "赵敏"}]},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["facilities"] == "新实训基地"
    assert [m["name"] for m in response.data["members"]] == ["赵敏"]


def test_edit_while_under_review_is_409(member_client, member):
    studio = StudioFactory(organisation=member.organisation, facilities="旧")
    StudioApplicationFactory(studio=studio, state=ApplicationState.UNDER_REVIEW)
    response = member_client.patch(f"{URL}{studio.pk}/", {"facilities": "新"}, format="json")
    assert response.status_code == 409
    studio.refresh_from_db()
    assert studio.facilities == "旧"


def test_edit_negative_figure_is_400_and_nothing_written(member_client, member):
    studio = StudioFactory(organisation=member.organisation, patents=3)
    response = member_client.patch(
        f"{URL}{studio.pk}/", {"patents": -1, "facilities": "新"}, format="json"
    )
    assert response.status_code == 400
    assert "patents" in response.data["fields"]
    studio.refresh_from_db()
    assert (studio.patents, studio.facilities) == (3, "")


def test_list_query_count_is_constant(staff_client, django_assert_max_num_queries):
    StudioFactory()
    with django_assert_max_num_queries(6) as one:
        staff_client.get(URL)
    StudioFactory.create_batch(30)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = staff_client.get(URL, {"page_size": 50})
    assert response.data["count"] == 31


def test_detail_query_count_is_constant(staff_client, django_assert_max_num_queries):
    studio = StudioFactory()
    StudioApplicationFactory(studio=studio)
    with django_assert_max_num_queries(10) as few:
        staff_client.get(f"{URL}{studio.pk}/")
    for _ in range(5):
        studio.members.create(name="成员")
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(f"{URL}{studio.pk}/")


def test_enterprise_member_without_organisation_sees_nothing(client_for):
    user = UserFactory(roles=[Role.ENTERPRISE])
    StudioFactory()
    assert client_for(user).get(URL).data["count"] == 0


def test_attachment_upload_and_download(member_client, member, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    studio = StudioFactory(organisation=member.organisation)
    pdf = SimpleUploadedFile("证书.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    response = member_client.post(
        f"{URL}{studio.pk}/attachments/", {"file": pdf}, format="multipart"
    )
    assert response.status_code == 201, response.data
    download = member_client.get(f"{URL}{studio.pk}/attachments/{response.data['id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_attachment_of_wrong_type_is_400(member_client, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    studio = StudioFactory(organisation=member.organisation)
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf at all")
    response = member_client.post(
        f"{URL}{studio.pk}/attachments/", {"file": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.data["fields"]
    assert not studio.attachments.exists()


def test_other_member_cannot_download_attachment(member_client, member, other_member_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    studio = StudioFactory(organisation=member.organisation)
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    attachment_id = member_client.post(
        f"{URL}{studio.pk}/attachments/", {"file": pdf}, format="multipart"
    ).data["id"]
    response = other_member_client.get(f"{URL}{studio.pk}/attachments/{attachment_id}/download/")
    assert response.status_code == 404


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_attachment_plain_zip_named_docx_is_400(member_client, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    studio = StudioFactory(organisation=member.organisation)
    fake = SimpleUploadedFile("报告.docx", _zip_bytes({"payload.exe": b"MZ\x90\x00"}))
    response = member_client.post(
        f"{URL}{studio.pk}/attachments/", {"file": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.data["fields"]
    assert not studio.attachments.exists()


def test_attachment_name_loses_path_and_control_characters(member_client, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    studio = StudioFactory(organisation=member.organisation)
    pdf = SimpleUploadedFile("../../etc/证\x00书\u202e.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    response = member_client.post(
        f"{URL}{studio.pk}/attachments/", {"file": pdf}, format="multipart"
    )
    assert response.status_code == 201, response.data
    assert studio.attachments.get().original_name == "证书.pdf"


def test_attachment_whose_file_is_gone_is_404_not_500(member_client, member):
    from pathlib import Path

    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile

    studio = StudioFactory(organisation=member.organisation)
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    attachment_id = member_client.post(
        f"{URL}{studio.pk}/attachments/", {"file": pdf}, format="multipart"
    ).data["id"]
    stored = studio.attachments.get(pk=attachment_id).storage_name
    (Path(settings.PRIVATE_MEDIA_ROOT) / "attachments" / stored).unlink()
    response = member_client.get(f"{URL}{studio.pk}/attachments/{attachment_id}/download/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"

import io
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from core import storage
from core.exceptions import ValidationFailed
from projects.demo import demo_pdf
from projects.enums import EntryState
from projects.models import Attachment
from tests.factories.projects import AttachmentFactory, EntryFactory
from tests.projects.conftest import attachment_path

URL = "/api/v1/attachments/"
pytestmark = pytest.mark.django_db

PDF = demo_pdf("项目计划书")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
GIF = b"GIF89a" + b"\x00" * 40
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


def _zip(names: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in names.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip(
    {
        "[Content_Types].xml": b"<Types/>",
        "_rels/.rels": b"<x/>",
        "word/document.xml": b"<w:document/>",
    }
)
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
PPTX = _zip({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"})
DOCM = _zip(
    {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w/>",
        "word/vbaProject.bin": b"\x00",
    }
)
PLAIN_ZIP = _zip({"setup.exe": EXE, "readme.txt": b"hi"})
FAKE_OOXML = _zip({"word/document.xml": b"<w/>", "payload.exe": EXE})  # no [Content_Types].xml


def _detect(data: bytes) -> str:
    return storage.detect_content_type(io.BytesIO(data))


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (WEBP, "image/webp"),
        (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (PPTX, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ],
)
def test_detect_accepted_types_from_content(data, mime):
    assert _detect(data) == mime


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (EXE, "EXE"),
        (HTML, "unknown"),
        (PLAIN_ZIP, "ZIP archives"),
        (FAKE_OOXML, "ZIP archives"),
        (DOCM, "macros"),
        (b"", "empty"),
        (b"PK\x03\x04broken", "damaged"),
    ],
)
def test_detect_refuses_disguised_or_unsupported_files(data, reason):
    with pytest.raises(ValidationFailed) as info:
        _detect(data)
    assert reason in info.value.detail
    assert "file" in info.value.fields


@pytest.mark.parametrize(
    ("name", "mime", "expected"),
    [
        ("项目计划书.pdf", "application/pdf", "项目计划书.pdf"),
        ("plan.exe", "application/pdf", "plan.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\计划.PDF", "application/pdf", "计划.pdf"),
        ("a\x00b\r\nc\x1b.png", "image/png", "abc.png"),
        ("invoice\u202egpj.exe", "image/jpeg", "invoicegpj.jpg"),
        (".htaccess", "application/pdf", "htaccess.pdf"),
        ("", "image/png", "attachment.png"),
        ("photo.jpeg", "image/jpeg", "photo.jpeg"),
        ("x" * 300 + ".pdf", "application/pdf", "x" * 146 + ".pdf"),
    ],
)
def test_clean_filename(name, mime, expected):
    assert storage.clean_filename(name, content_type=mime) == expected


def _upload(client, entry, data: bytes, name: str, kind="plan", content_type="application/pdf"):
    return client.post(
        URL,
        {
            "entry": entry.pk,
            "kind": kind,
            "file": SimpleUploadedFile(name, data, content_type=content_type),
        },
        format="multipart",
    )


def test_upload_pdf_is_stored_privately_under_random_name(member_client, organisation, settings):
    entry = EntryFactory(organisation=organisation)
    response = _upload(member_client, entry, PDF, "项目计划书.pdf")
    assert response.status_code == 201, response.data
    attachment = Attachment.objects.get(pk=response.data["id"])
    assert attachment.original_name == "项目计划书.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert "项目" not in attachment.storage_name
    path = attachment_path(attachment)
    assert path.read_bytes() == PDF
    assert str(path).startswith(str(settings.PRIVATE_MEDIA_ROOT))


def test_upload_pdf_named_exe_is_accepted_as_pdf(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    response = _upload(
        member_client, entry, PDF, "../../计划.exe", content_type="application/x-msdownload"
    )
    assert response.status_code == 201, response.data
    assert (response.data["original_name"], response.data["content_type"]) == (
        "计划.pdf",
        "application/pdf",
    )


@pytest.mark.parametrize(
    ("data", "name"),
    [(EXE, "plan.pdf"), (HTML, "plan.pdf"), (PLAIN_ZIP, "plan.pdf"), (FAKE_OOXML, "plan.docx")],
)
def test_upload_disguised_file_is_400_and_nothing_stored(member_client, organisation, data, name):
    entry = EntryFactory(organisation=organisation)
    response = _upload(member_client, entry, data, name)
    assert response.status_code == 400
    assert response.data["code"] == "invalid_file"
    assert "file" in response.data["fields"]
    assert not Attachment.objects.exists()


def test_upload_too_large_is_400(member_client, organisation, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    entry = EntryFactory(organisation=organisation)
    response = _upload(member_client, entry, PDF, "plan.pdf")
    assert response.status_code == 400
    assert "larger than" in response.data["fields"]["file"][0]


def test_upload_over_entry_count_limit_is_400_and_file_removed(
    member_client, organisation, settings
):
    settings.ATTACHMENTS_MAX_PER_ENTRY = 1
    entry = EntryFactory(organisation=organisation)
    assert _upload(member_client, entry, PDF, "a.pdf").status_code == 201
    response = _upload(member_client, entry, PNG, "b.png", kind="picture")
    assert response.status_code == 400
    assert "at most 1 attachments" in response.data["fields"]["file"][0]
    files = list((settings.PRIVATE_MEDIA_ROOT / "attachments").rglob("*"))
    assert len([f for f in files if f.is_file()]) == 1  # the refused file did not stay behind


def test_upload_over_organisation_limit_is_400(member_client, organisation, settings):
    settings.ATTACHMENTS_MAX_BYTES_PER_ORG = len(PDF) + 10
    first = EntryFactory(organisation=organisation)
    second = EntryFactory(organisation=organisation, contest=first.contest)
    assert _upload(member_client, first, PDF, "a.pdf").status_code == 201
    response = _upload(member_client, second, PDF, "b.pdf")
    assert response.status_code == 400
    assert "organisation" in response.data["fields"]["file"][0]


def test_upload_malformed_is_400(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    response = member_client.post(URL, {"entry": entry.pk, "kind": "video"}, format="multipart")
    assert response.status_code == 400
    assert {"kind", "file"} <= set(response.data["fields"])


def test_upload_to_submitted_entry_is_409(member_client, organisation):
    entry = EntryFactory(organisation=organisation, state=EntryState.SUBMITTED)
    response = _upload(member_client, entry, PDF, "a.pdf")
    assert response.status_code == 409
    assert not Attachment.objects.exists()


def test_upload_after_window_is_409(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    with time_machine.travel(entry.contest.registration_closes_at + timedelta(minutes=5)):
        response = _upload(member_client, entry, PDF, "a.pdf")
    assert response.status_code == 409


def test_upload_to_other_organisations_entry_is_400_not_found(member_client, other_organisation):
    entry = EntryFactory(organisation=other_organisation)
    response = _upload(member_client, entry, PDF, "a.pdf")
    assert response.status_code == 400
    assert "entry" in response.data["fields"]
    assert not Attachment.objects.exists()


def test_upload_by_staff_is_403(staff_client):
    assert _upload(staff_client, EntryFactory(), PDF, "a.pdf").status_code == 403


def test_upload_anonymous_is_401(api):
    assert _upload(api, EntryFactory(), PDF, "a.pdf").status_code == 401


def test_download_sets_safe_headers_and_chinese_filename(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    attachment_id = _upload(member_client, entry, PDF, "项目计划书.pdf").data["id"]
    response = member_client.get(f"{URL}{attachment_id}/download/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E9%A1%B9%E7%9B%AE%E8%AE%A1%E5%88%92%E4%B9%A6.pdf" in disposition


def test_attachment_response_with_neutral_download_name(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    attachment = Attachment.objects.get(
        pk=_upload(member_client, entry, PDF, "东风商用车-计划.pdf").data["id"]
    )
    response = storage.attachment_response(attachment, download_name="entry-17-plan.pdf")
    assert "东风" not in response["Content-Disposition"]
    assert 'filename="entry-17-plan.pdf"' in response["Content-Disposition"]
    response.close()


def test_download_by_staff_works(member_client, staff_client, organisation):
    entry = EntryFactory(organisation=organisation)
    attachment_id = _upload(member_client, entry, PNG, "照片.png", kind="picture").data["id"]
    response = staff_client.get(f"{URL}{attachment_id}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    response.close()


def test_download_other_organisations_attachment_is_404(
    other_member_client, member_client, organisation
):
    entry = EntryFactory(organisation=organisation)
    attachment_id = _upload(member_client, entry, PDF, "a.pdf").data["id"]
    assert other_member_client.get(f"{URL}{attachment_id}/download/").status_code == 404


def test_download_by_reviewer_is_403(reviewer_client):
    attachment = AttachmentFactory()
    assert reviewer_client.get(f"{URL}{attachment.pk}/download/").status_code == 403


def test_download_anonymous_is_401(api):
    assert api.get(f"{URL}{AttachmentFactory().pk}/download/").status_code == 401


def test_delete_attachment_of_draft_removes_file_after_commit(
    member_client, organisation, django_capture_on_commit_callbacks
):
    entry = EntryFactory(organisation=organisation)
    attachment = Attachment.objects.get(pk=_upload(member_client, entry, PDF, "a.pdf").data["id"])
    path = attachment_path(attachment)
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.delete(f"{URL}{attachment.pk}/")
    assert response.status_code == 204
    assert not Attachment.objects.exists()
    assert not path.exists()


def test_delete_attachment_of_submitted_entry_is_409(member_client, organisation):
    entry = EntryFactory(organisation=organisation)
    attachment_id = _upload(member_client, entry, PDF, "a.pdf").data["id"]
    entry.state = EntryState.SUBMITTED
    entry.save()
    assert member_client.delete(f"{URL}{attachment_id}/").status_code == 409
    assert Attachment.objects.filter(pk=attachment_id).exists()


def test_list_attachments_member_sees_only_own(member_client, organisation, other_organisation):
    own = AttachmentFactory(entry=EntryFactory(organisation=organisation))
    AttachmentFactory(entry=EntryFactory(organisation=other_organisation))
    assert [a["id"] for a in member_client.get(URL).data["results"]] == [own.pk]


# --- What may hide inside an accepted type (issue 10; core/file_safety.py) ----------------------

PDF_WITH_JS = PDF.replace(b"/Type", b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>/Type", 1)
DOCX_WITH_EXE = _zip(
    {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w:document/>",
        "word/evil.exe": b"MZ\x90\x00" + b"\0" * 64,
    }
)
PDF_HTML = PDF + b"<html><script>alert(document.cookie)</script></html>"
GIF_HTML = b"GIF89a\x01\x00\x01\x00\x00\x00\x00!\xfe\x1a<script>alert(1)</script>\x00;"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (PDF_WITH_JS, "plan.pdf"),
        (DOCX_WITH_EXE, "plan.docx"),
        (PDF_HTML, "plan.pdf"),
        (GIF_HTML, "photo.gif"),
    ],
    ids=["pdf-javascript", "docx-exe", "pdf-html", "gif-html"],
)
def test_upload_with_hidden_active_content_is_400(member_client, organisation, data, name):
    entry = EntryFactory(organisation=organisation)
    assert b"/JavaScript" in PDF_WITH_JS
    response = _upload(member_client, entry, data, name)
    assert response.status_code == 400, response.data
    assert response.data["code"] == "invalid_file"
    assert not Attachment.objects.exists()


def test_upload_docx_bomb_is_400_without_inflating(member_client, organisation):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"\0" * (30 * 2**20))
    bomb = buffer.getvalue()
    assert len(bomb) < 2**20
    entry = EntryFactory(organisation=organisation)
    response = _upload(member_client, entry, bomb, "plan.docx")
    assert response.status_code == 400
    assert "zip bomb" in response.data["detail"]

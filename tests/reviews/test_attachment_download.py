"""Reviewers download the files of their assigned entries; blind rounds hide the original name
and serve PDF and office documents without their metadata."""

from pathlib import Path

import pytest
from django.conf import settings

from reviews.models import Assignment, Round
from tests.factories.documents import docx_with_metadata, pdf_with_metadata
from tests.factories.reviews import AttachmentFactory
from tests.projects.test_metadata import docx_plain_bytes, pdf_plain_bytes

MARKER = "LEAKMARK9Z"
PDF = pdf_with_metadata(MARKER)
DOCX = docx_with_metadata(MARKER)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _stored_attachment(entry, name, data=PDF, content_type="application/pdf"):
    attachment = AttachmentFactory(
        entry=entry, original_name=name, size=len(data), content_type=content_type
    )
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments" / attachment.storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return attachment


@pytest.fixture
def download(open_round, pool):
    assignment = Assignment.objects.filter(round=open_round, reviewer=pool[0]).first()
    attachment = _stored_attachment(assignment.entry, f"{MARKER}-项目计划书.pdf")
    url = f"/api/v1/my-assignments/{assignment.pk}/attachments/{attachment.pk}/download/"
    return assignment, attachment, url


def test_reviewer_downloads_blind_attachment_under_neutral_name(download, pool, client_for):
    assignment, attachment, url = download
    response = client_for(pool[0]).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert MARKER.encode() not in pdf_plain_bytes(body)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"entry-{assignment.entry_id}-plan-1.pdf" in disposition
    assert MARKER not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_open_round_download_keeps_original_name(download, pool, client_for):
    assignment, attachment, url = download
    Round.objects.filter(pk=assignment.round_id).update(is_blind=False)
    response = client_for(pool[0]).get(url)
    assert response.status_code == 200
    assert "filename*=utf-8''" in response["Content-Disposition"]
    # Not a blind round: the reviewer gets the file as stored.
    assert b"".join(response.streaming_content) == PDF


def test_blind_docx_download_has_no_metadata(download, pool, client_for):
    assignment, _, _ = download
    docx = _stored_attachment(assignment.entry, f"{MARKER}.docx", DOCX, DOCX_TYPE)
    url = f"/api/v1/my-assignments/{assignment.pk}/attachments/{docx.pk}/download/"
    response = client_for(pool[0]).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert MARKER.encode() in docx_plain_bytes(DOCX)
    assert MARKER.encode() not in docx_plain_bytes(body)
    assert MARKER not in response["Content-Disposition"]


def test_blind_unreadable_pdf_is_409_not_the_stored_file(download, pool, client_for):
    assignment, _, _ = download
    broken = _stored_attachment(assignment.entry, "x.pdf", b"%PDF-1.7 " + MARKER.encode() * 5)
    url = f"/api/v1/my-assignments/{assignment.pk}/attachments/{broken.pk}/download/"
    response = client_for(pool[0]).get(url)
    assert response.status_code == 409
    assert response.json()["code"] == "document_unreadable"
    assert MARKER not in response.content.decode()


def test_other_reviewers_assignment_is_404(download, pool, client_for):
    assignment, attachment, url = download
    outsider = next(
        r
        for r in pool
        if not Assignment.objects.filter(
            round=assignment.round, reviewer=r, entry=assignment.entry
        ).exists()
    )
    assert client_for(outsider).get(url).status_code == 404


def test_attachment_of_another_entry_is_404(download, pool, client_for, entries):
    assignment, attachment, _ = download
    other_entry = next(e for e in entries if e.pk != assignment.entry_id)
    foreign = _stored_attachment(other_entry, "其他.pdf")
    url = f"/api/v1/my-assignments/{assignment.pk}/attachments/{foreign.pk}/download/"
    assert client_for(pool[0]).get(url).status_code == 404


def test_member_is_403_and_anonymous_401(download, member_client, api):
    _, _, url = download
    assert member_client.get(url).status_code == 403
    assert api.get(url).status_code == 401

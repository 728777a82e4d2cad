"""The blind-round marker test through the pages: a unique marker in the organisation's name
and contact, the team's names and employers, the file names and the PDF / DOCX metadata; every
reviewer page and every file a reviewer can open shows it 0 times. The same set-up in an open
(not blind) round shows the organisation, so the test can see the marker when it is there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories.accounts import OrganisationFactory
from tests.factories.documents import docx_with_metadata, pdf_with_metadata
from tests.factories.reviews import AttachmentFactory, TeamMemberFactory, accept_pledges
from tests.web.reviewer.conftest import assignments_of, open_round_with

MARKER = "BLINDMARK7Q"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _private_media(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _stored(entry, name, data, content_type):
    attachment = AttachmentFactory(
        entry=entry, original_name=name, size=len(data), content_type=content_type
    )
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "attachments" / attachment.storage_name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return attachment


def _planted_round(blind: bool):
    organisation = OrganisationFactory(
        name=f"十堰{MARKER}机械有限公司", contact_name=f"{MARKER}联系人"
    )
    round_, entries, pool = open_round_with(
        n_entries=2, blind=blind, entry_kwargs={"organisation": organisation}
    )
    for entry in entries:
        TeamMemberFactory(entry=entry, name=f"{MARKER}张", employer_name=f"{MARKER}分厂")
        _stored(entry, f"{MARKER}-项目计划书.pdf", pdf_with_metadata(MARKER), "application/pdf")
        _stored(entry, f"{MARKER}-说明.docx", docx_with_metadata(MARKER), DOCX_TYPE)
    accept_pledges(round_)
    return round_, pool[0]


def _everything_a_reviewer_sees(client, round_, reviewer) -> list[tuple[str, bytes]]:
    client.force_login(reviewer)
    seen = []
    pages = [
        "/review/",
        f"/review/rounds/{round_.pk}/pledge/",
        "/review/conflicts/",
        "/review/profile/",
    ]
    for a in assignments_of(round_, reviewer):
        pages += [f"/review/assignments/{a.pk}/", f"/review/assignments/{a.pk}/recuse/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content
        seen.append((url, body))
        for file_url in sorted(set(re.findall(rb"/review/assignments/\d+/files/\d+/", body))):
            download = client.get(file_url.decode())
            assert download.status_code == 200, file_url
            content = b"".join(download.streaming_content)
            headers = "".join(f"{k}: {v}\n" for k, v in download.headers.items()).encode()
            seen.append((file_url.decode(), headers + content))
    return seen


def test_blind_round_pages_and_files_never_show_the_marker(client, db):
    round_, reviewer = _planted_round(blind=True)
    seen = _everything_a_reviewer_sees(client, round_, reviewer)
    assert any("/files/" in url for url, _ in seen)
    leaks = [url for url, body in seen if MARKER.encode() in body]
    assert leaks == []


def test_open_round_shows_the_organisation(client, db):
    round_, reviewer = _planted_round(blind=False)
    seen = _everything_a_reviewer_sees(client, round_, reviewer)
    assert any(MARKER.encode() in body for url, body in seen if "/assignments/" in url)

"""What may hide inside an accepted file type (core/file_safety.py)."""

import io
import zipfile
import zlib

import pytest

from core.exceptions import ValidationFailed
from core.file_safety import check_upload_content

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PLAIN_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction[3 0 R/Fit]>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _refused(data: bytes, content_type: str) -> bool:
    try:
        check_upload_content(io.BytesIO(data), content_type)
    except ValidationFailed as exc:
        assert exc.fields["file"]
        return True
    return False


def _docx(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_plain_pdf_with_a_page_open_action_is_accepted():
    assert not _refused(PLAIN_PDF, PDF)


@pytest.mark.parametrize(
    "action",
    [
        b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>",
        b"/OpenAction<</S/J#61vaScript/J#53(app.alert(1))>>",
        b"/AA<</O<</S/Launch/F(cmd.exe)>>>>",
        b"/Names<</EmbeddedFiles 9 0 R>>",
    ],
)
def test_pdf_with_active_content_is_refused(action):
    data = PLAIN_PDF.replace(b"/OpenAction[3 0 R/Fit]", action)
    assert _refused(data, PDF)


def test_pdf_with_javascript_inside_a_compressed_object_stream_is_refused():
    hidden = zlib.compress(b"5 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj")
    data = PLAIN_PDF.replace(
        b"trailer",
        b"4 0 obj<</Type/ObjStm/Filter/FlateDecode/Length %d>>stream\n" % len(hidden)
        + hidden
        + b"\nendstream endobj\ntrailer",
    )
    assert _refused(data, PDF)


def test_pdf_html_polyglot_is_refused():
    assert _refused(PLAIN_PDF.replace(b"%%EOF", b"<html><script>alert(1)</script>%%EOF"), PDF)


def test_gif_html_polyglot_is_refused():
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00!\xfe\x20<script>alert(1)</script>\x00;"
    assert _refused(gif, "image/gif")
    assert not _refused(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif")


def test_docx_holding_an_executable_is_refused():
    assert _refused(_docx({"word/evil.exe": b"MZ\x90\x00"}), DOCX)
    assert not _refused(_docx({"word/media/image1.png": b"\x89PNG"}), DOCX)


def test_docx_with_a_path_outside_the_package_is_refused():
    assert _refused(_docx({"../../etc/cron.d/x": b"* * * * *"}), DOCX)


def test_docx_bomb_is_refused_by_ratio_without_inflating():
    bomb = _docx({"word/big.xml": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100 * 1024
    assert _refused(bomb, DOCX)


def test_docx_over_the_declared_total_is_refused(settings):
    settings.ATTACHMENT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    data = _docx({"word/media/a.bin.png": bytes(range(256)) * 8192}, zipfile.ZIP_STORED)
    assert _refused(data, DOCX)

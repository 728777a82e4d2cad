"""Copies of documents without their metadata (core.document_metadata), checked on real files."""

import io
import zipfile

import pikepdf
import pytest

from core import document_metadata as metadata
from tests.factories.documents import docx_with_metadata, pdf_with_metadata

MARKER = "METAMARK5K"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_plain_bytes(data: bytes) -> bytes:
    """The PDF rewritten without compression or object streams, so a search of its bytes sees
    every string and stream (a marker cannot hide in a compressed stream)."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, qdf=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return out.getvalue()


def docx_plain_bytes(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


def test_pdf_marker_is_planted_where_the_test_looks():
    assert MARKER.encode() in pdf_plain_bytes(pdf_with_metadata(MARKER))


def test_pdf_copy_has_no_info_xmp_or_annotation_author():
    copy = metadata.strip_metadata(io.BytesIO(pdf_with_metadata(MARKER)), metadata.PDF).read()
    assert MARKER.encode() not in pdf_plain_bytes(copy)
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        assert "/Info" not in pdf.trailer
        assert "/Metadata" not in pdf.Root
        assert len(pdf.pages) == 1
        assert b"(plan) Tj" in pdf.pages[0].Contents.read_bytes()
        assert str(pdf.pages[0].Annots[0].Contents) == "comment"


def test_pdf_form_field_names_are_kept():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    widget = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, Rect=[0, 0, 9, 9], T="field1"
    )
    pdf.pages[0].obj["/Annots"] = pikepdf.Array([pdf.make_indirect(widget)])
    source = io.BytesIO()
    pdf.save(source)
    source.seek(0)
    copy = metadata.strip_metadata(source, metadata.PDF)
    with pikepdf.open(copy) as cleaned:
        assert str(cleaned.pages[0].Annots[0].T) == "field1"


def test_damaged_pdf_is_refused_not_served():
    with pytest.raises(metadata.UnreadableDocument):
        metadata.strip_metadata(io.BytesIO(b"%PDF-1.7\nnot really a pdf"), metadata.PDF)


def test_docx_marker_is_planted_where_the_test_looks():
    assert MARKER.encode() in docx_plain_bytes(docx_with_metadata(MARKER))


def test_docx_copy_has_no_creator_editor_company_or_authors():
    copy = metadata.strip_metadata(io.BytesIO(docx_with_metadata(MARKER)), DOCX).read()
    assert MARKER.encode() not in docx_plain_bytes(copy)
    with zipfile.ZipFile(io.BytesIO(copy)) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert "2026-01-05T08:00:00Z" in core  # the dates stay
        assert "creator" not in core and "lastModifiedBy" not in core
        assert (
            "<Application>Microsoft Office Word</Application>"
            in archive.read("docProps/app.xml").decode()
        )
        assert "项目计划书正文" in archive.read("word/document.xml").decode()
        assert archive.testzip() is None


def test_damaged_docx_is_refused():
    broken = docx_with_metadata(MARKER)[:200]
    with pytest.raises(metadata.UnreadableDocument):
        metadata.strip_metadata(io.BytesIO(broken), DOCX)


def test_docx_with_an_xml_bomb_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<cp:coreProperties xmlns:cp="urn:x"><c>&b;</c></cp:coreProperties>'
    )
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("docProps/core.xml", bomb)
    copy = metadata.strip_metadata(source, DOCX)
    with zipfile.ZipFile(copy) as archive:
        # Entities are not expanded: the core part comes out without its content.
        assert b"aaaaaaaaaa" * 10 not in archive.read("docProps/core.xml")


def test_images_are_returned_unchanged():
    source = io.BytesIO(b"\x89PNG....")
    assert metadata.strip_metadata(source, "image/png") is source

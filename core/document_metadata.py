"""Copies of stored documents without their metadata, for readers who must not learn who made
them (reviewers of a blind round). Pure file transformations; the decision to use them is the
caller's (``reviews`` decides per round).

- PDF (pikepdf / qpdf): the document information dictionary (author, title, creator, producer,
  subject, keywords), the XMP metadata streams of the document and of its pages, the
  application private data (``/PieceInfo``) and the author (``/T``) of markup annotations such
  as comments. qpdf rewrites the file, so earlier incremental revisions (which may still hold an
  old Info dictionary) are not carried over.
- OOXML (.docx, .xlsx, .pptx; lxml with entities and network off): ``docProps/core.xml`` keeps
  only its dates, ``docProps/app.xml`` loses Company, Manager, HyperlinkBase and the titles of
  parts, ``docProps/custom.xml`` loses every custom property; the authors of comments and
  tracked changes (``w:author``, comment authors of Excel and PowerPoint) are blanked. Every
  other part is copied byte for byte.
- Any other type (images) is returned unchanged.

A document that cannot be read is refused (:class:`UnreadableDocument`) rather than served with
its metadata.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from typing import BinaryIO

import pikepdf
from lxml import etree

PDF = "application/pdf"
OOXML_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
STRIPPED_TYPES = frozenset({PDF, *OOXML_TYPES})
_SPOOL_BYTES = 8 * 1024 * 1024
_MAX_XML_PART = 64 * 1024 * 1024  # an XML part we rewrite larger than this is not genuine

_CORE_KEEP = frozenset({"created", "modified"})
_APP_DROP = frozenset({"Company", "Manager", "HyperlinkBase", "TitlesOfParts", "HeadingPairs"})
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Parts whose author attributes or elements are names of people.
_WORD_AUTHOR_ATTRS = (f"{{{_W_NS}}}author", f"{{{_W_NS}}}initials")


class UnreadableDocument(Exception):
    """The document could not be parsed, so its metadata could not be removed."""


def _spool() -> BinaryIO:
    return tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)


def strip_metadata(fileobj: BinaryIO, content_type: str) -> BinaryIO:
    """A copy of the document without its metadata (see the module docstring), positioned at
    its start; the input is left open. Types without document metadata come back as is."""
    if content_type == PDF:
        return _strip_pdf(fileobj)
    if content_type in OOXML_TYPES:
        return _strip_ooxml(fileobj)
    return fileobj


def _strip_pdf(fileobj: BinaryIO) -> BinaryIO:
    out = _spool()
    try:
        with pikepdf.open(fileobj) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            for key in ("/Metadata", "/PieceInfo"):
                if key in pdf.Root:
                    del pdf.Root[key]
            for page in pdf.pages:
                for key in ("/Metadata", "/PieceInfo"):
                    if key in page.obj:
                        del page.obj[key]
                for annot in page.obj.get("/Annots", []):
                    # /T names the author of a markup annotation; on a form field (Widget) it is
                    # the field's name and must stay.
                    is_widget = annot.get("/Subtype") == "/Widget"
                    if isinstance(annot, pikepdf.Dictionary) and not is_widget and "/T" in annot:
                        del annot["/T"]
            pdf.save(out, fix_metadata_version=False)
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError) as exc:
        out.close()
        raise UnreadableDocument(str(exc)) from exc
    out.seek(0)
    return out


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False
    )
    return etree.fromstring(data, parser)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _clean_core(root: etree._Element) -> None:
    for child in list(root):
        if _local(child) not in _CORE_KEEP:
            root.remove(child)


def _clean_app(root: etree._Element) -> None:
    for child in list(root):
        if _local(child) in _APP_DROP:
            root.remove(child)


def _clean_custom(root: etree._Element) -> None:
    for child in list(root):
        root.remove(child)


def _clean_word_authors(root: etree._Element) -> None:
    for element in root.iter():
        for attr in _WORD_AUTHOR_ATTRS:
            if attr in element.attrib:
                element.attrib[attr] = ""


def _clean_author_elements(root: etree._Element) -> None:
    # xl/comments*.xml <authors><author>name</author>; ppt/commentAuthors.xml <cmAuthor name=..>
    for element in root.iter():
        name = _local(element)
        if name == "author":
            element.text = ""
        if name == "cmAuthor":
            element.set("name", "")
            element.set("initials", "")
        if name == "person" and element.get("author") is not None:  # word/people.xml
            element.set("author", "")


def _cleaner(name: str):
    lower = name.lower()
    if lower == "docprops/core.xml":
        return _clean_core
    if lower == "docprops/app.xml":
        return _clean_app
    if lower == "docprops/custom.xml":
        return _clean_custom
    if lower.startswith("word/") and lower.endswith(".xml"):
        return _clean_word_authors
    if (lower.startswith("xl/comments") or lower.startswith("xl/threadedcomments")) and (
        lower.endswith(".xml")
    ):
        return _clean_author_elements
    if lower in ("ppt/commentauthors.xml", "word/people.xml", "xl/persons/person.xml"):
        return _clean_author_elements
    return None


def _strip_ooxml(fileobj: BinaryIO) -> BinaryIO:
    out = _spool()
    try:
        fileobj.seek(0)
        with (
            zipfile.ZipFile(fileobj) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                # A fresh ZipInfo: no per-member comment or extra field (they can carry names).
                copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                copy.compress_type = zipfile.ZIP_DEFLATED
                copy.external_attr = info.external_attr
                clean = _cleaner(info.filename)
                if clean is None:
                    with source.open(info) as src, target.open(copy, "w") as dst:
                        shutil.copyfileobj(src, dst, 64 * 1024)
                    continue
                if info.file_size > _MAX_XML_PART:
                    raise UnreadableDocument(f"{info.filename} is too large.")
                data = source.read(info)
                if clean is _clean_word_authors and b"author" not in data:
                    target.writestr(copy, data)  # the body of most documents: nothing to blank
                    continue
                root = _parse(data)
                clean(root)
                target.writestr(copy, _serialise(root))
    except (zipfile.BadZipFile, etree.XMLSyntaxError, OSError, KeyError) as exc:
        out.close()
        raise UnreadableDocument(str(exc)) from exc
    except UnreadableDocument:
        out.close()
        raise
    out.seek(0)
    return out

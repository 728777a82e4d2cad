"""Content checks of an upload whose type is already known from its bytes: what may hide inside
an accepted type. Pure functions over a file object, no database; the upload path calls
:func:`check_upload_content` after type detection, so every product file (entry attachments,
studio attachments) gets the same checks.

Refused, each with a 400 naming the field ``file``:

* **PDF with active content**: ``/JavaScript``, ``/JS``, ``/Launch``, ``/AA`` (additional
  actions), ``/EmbeddedFile``, ``/RichMedia``, ``/XFA`` — also when hex-escaped in a name
  (``/J#61vaScript``) or inside a Flate-compressed (object) stream. An ``/OpenAction`` that only
  opens a page is fine; one that runs JavaScript is caught by ``/JS``.
* **OOXML packages** (docx/xlsx/pptx) holding an executable or script (``word/evil.exe``), a path
  leaving the package (``../``, absolute), more than ``ATTACHMENT_MAX_ZIP_ENTRIES`` entries,
  declared uncompressed sizes adding up to more than ``ATTACHMENT_MAX_UNCOMPRESSED_BYTES``, or a
  compression ratio above ``ATTACHMENT_MAX_COMPRESSION_RATIO`` (a zip bomb). Decided from the
  central directory alone: nothing is inflated.
* **Polyglots**: a PDF or an image that also reads as HTML/SVG/script (``<script``, ``<html``,
  ``<iframe``, ``<svg``, ``<body``, ``javascript:``) in its raw bytes, e.g. a GIF/HTML file.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from django.conf import settings
from django.utils.translation import gettext as _

from core.exceptions import ValidationFailed

_CHUNK = 1024 * 1024
_OVERLAP = 64
_MARKUP = re.compile(rb"<\s*(script|html|iframe|svg|body|object|embed)\b|javascript:", re.I)
_PDF_ACTIVE = (
    b"/JavaScript",
    b"/JS",
    b"/Launch",
    b"/AA",
    b"/EmbeddedFile",
    b"/EmbeddedFiles",
    b"/RichMedia",
    b"/XFA",
)
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_MAX_INFLATED_STREAM = 16 * 1024 * 1024
_EXECUTABLE = frozenset(
    {
        "exe",
        "dll",
        "com",
        "bat",
        "cmd",
        "scr",
        "pif",
        "msi",
        "msp",
        "cpl",
        "sys",
        "drv",
        "js",
        "jse",
        "vbs",
        "vbe",
        "wsf",
        "wsh",
        "ps1",
        "psm1",
        "hta",
        "jar",
        "class",
        "sh",
        "elf",
        "so",
        "dylib",
        "app",
        "lnk",
        "reg",
        "apk",
        "docm",
        "xlsm",
        "pptm",
    }
)


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_file", fields={"file": [message]})


def _chunks(fileobj: BinaryIO) -> Iterator[bytes]:
    """The file in overlapping chunks, so that a marker across a boundary is still seen."""
    fileobj.seek(0)
    tail = b""
    while True:
        block = fileobj.read(_CHUNK)
        if not block:
            break
        yield tail + block
        tail = block[-_OVERLAP:]
    fileobj.seek(0)


def _decode_name(name: bytes) -> bytes:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)


def _active_pdf_names(data: bytes) -> set[str]:
    found = set()
    for match in _PDF_NAME.finditer(data):
        name = _decode_name(match.group())
        if name in _PDF_ACTIVE:
            found.add(name.decode())
    return found


def _inflated_streams(data: bytes) -> Iterator[bytes]:
    for match in _PDF_STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end == -1:
            continue
        inflater = zlib.decompressobj()
        try:
            yield inflater.decompress(data[start:end], _MAX_INFLATED_STREAM)
        except zlib.error:
            continue


def check_pdf(fileobj: BinaryIO) -> None:
    fileobj.seek(0)
    data = fileobj.read()
    fileobj.seek(0)
    active = _active_pdf_names(data)
    for stream in _inflated_streams(data):
        active |= _active_pdf_names(stream)
    if active:
        raise _refuse(
            _(
                "PDF files with active content (%(names)s) are not accepted; print it to a new "
                "PDF without scripts, attachments or actions."
            )
            % {"names": ", ".join(sorted(active))}
        )


def check_markup(fileobj: BinaryIO, *, what: str) -> None:
    for chunk in _chunks(fileobj):
        if _MARKUP.search(chunk):
            raise _refuse(
                _("The %(what)s also contains web page code (HTML or script); not accepted.")
                % {"what": what}
            )


def check_ooxml(fileobj: BinaryIO) -> None:
    max_entries = getattr(settings, "ATTACHMENT_MAX_ZIP_ENTRIES", 5000)
    max_total = getattr(settings, "ATTACHMENT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
    max_ratio = getattr(settings, "ATTACHMENT_MAX_COMPRESSION_RATIO", 100)
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(_("The file is a damaged ZIP archive, not an office document.")) from exc
    finally:
        fileobj.seek(0)
    if len(infos) > max_entries:
        raise _refuse(
            _("The document holds more than %(max_entries)s parts; not accepted.")
            % {"max_entries": max_entries}
        )
    for info in infos:
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or ".." in name.split("/") or ":" in name.split("/")[0]:
            raise _refuse(_("The document holds a part outside the package; not accepted."))
        extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
        if extension in _EXECUTABLE:
            raise _refuse(
                _("The document holds a program or script (%(part)s); not accepted.")
                % {"part": name.rsplit("/", 1)[-1]}
            )
    declared = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if declared > max_total:
        raise _refuse(
            _(
                "The document would unpack to %(declared)s MiB, more than %(max_total)s MiB; not accepted."
            )
            % {"declared": declared // (1024 * 1024), "max_total": max_total // (1024 * 1024)}
        )
    if declared > 1024 * 1024 and declared > max_ratio * max(compressed, 1):
        raise _refuse(
            _("The document is compressed more than %(max_ratio)s:1 (a zip bomb?); not accepted.")
            % {"max_ratio": max_ratio}
        )


def check_upload_content(fileobj: BinaryIO, content_type: str) -> None:
    """Refuse what hides inside a file of an accepted ``content_type`` (see the module doc)."""
    if content_type == "application/pdf":
        check_pdf(fileobj)
        check_markup(fileobj, what=_("PDF file"))
    elif content_type.startswith("image/"):
        check_markup(fileobj, what=_("image"))
    elif content_type.startswith("application/vnd.openxmlformats-officedocument."):
        check_ooxml(fileobj)

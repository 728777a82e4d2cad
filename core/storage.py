"""Stored files, for every app (entry and studio attachments, objection scans, certificates): type
detection from content, name cleaning, private storage, the one rollback path
(:func:`file_stored`) and the download response. The rules (who, when, how many) live in the
apps' services (``projects.services.attachment_add``, ``innovation.services``, ``publicity``).

Files are written under ``settings.PRIVATE_MEDIA_ROOT/attachments/`` with random names; nothing
there is routed by a URL, so a file is only ever read through :func:`attachment_response`, which
views call after the selector decided the caller may see the entry.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

import filetype
from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from core import document_metadata as metadata
from core.errors import CoreError
from core.exceptions import Conflict, ValidationFailed
from core.file_safety import check_upload_content

logger = logging.getLogger(__name__)


class StoredAttachment(Protocol):
    """What a download needs of a stored file's row (entry and studio attachments both fit)."""

    pk: int
    storage_name: str
    original_name: str
    content_type: str


# Detected MIME type -> (extensions a name may keep, the extension given to any other name).
ACCEPTED_TYPES: dict[str, tuple[frozenset[str], str]] = {
    "application/pdf": (frozenset({"pdf"}), "pdf"),
    "image/jpeg": (frozenset({"jpg", "jpeg"}), "jpg"),
    "image/png": (frozenset({"png"}), "png"),
    "image/webp": (frozenset({"webp"}), "webp"),
    "image/gif": (frozenset({"gif"}), "gif"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        frozenset({"docx"}),
        "docx",
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (
        frozenset({"xlsx"}),
        "xlsx",
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        frozenset({"pptx"}),
        "pptx",
    ),
}
# The folder inside an OOXML package that makes it a document of each kind.
_OOXML_PARTS = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ACCEPTED_DESCRIPTION = "PDF, JPEG, PNG, WebP, GIF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx)"
_HEAD_BYTES = 8192  # filetype looks at most at the first 8 KiB
_MAX_NAME = 150
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    size: int
    sha256: str


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, code="invalid_file", fields={"file": [message]})


def _ooxml_type(fileobj: BinaryIO) -> str:
    """The OOXML type of a ZIP container, or refuse it. A plain ZIP, a renamed archive of an
    executable or a macro-enabled document (vbaProject.bin) is not a document we accept."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(_("The file is a damaged ZIP archive, not an office document.")) from exc
    finally:
        fileobj.seek(0)
    if "[Content_Types].xml" not in names:
        raise _refuse(
            _("ZIP archives are not accepted. Accepted types: %(types)s.")
            % {"types": ACCEPTED_DESCRIPTION}
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _refuse(_("Office documents with macros are not accepted; save it without macros."))
    found = {
        mime for prefix, mime in _OOXML_PARTS.items() if any(n.startswith(prefix) for n in names)
    }
    if len(found) != 1:
        raise _refuse(
            _("ZIP archives are not accepted. Accepted types: %(types)s.")
            % {"types": ACCEPTED_DESCRIPTION}
        )
    return found.pop()


def detect_content_type(fileobj: BinaryIO) -> str:
    """The MIME type of an upload decided from its bytes alone (never the name or the client's
    Content-Type). Raises ValidationFailed (400, field ``file``) for anything not accepted."""
    fileobj.seek(0)
    head = fileobj.read(_HEAD_BYTES)
    fileobj.seek(0)
    if not head:
        raise _refuse(_("The file is empty."))
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime == "application/zip" or (mime or "").startswith("application/vnd.openxmlformats"):
        # filetype only peeks at the first entries; open the archive to be sure what it is.
        mime = _ooxml_type(fileobj)
    elif mime not in ACCEPTED_TYPES:
        what = (
            _("a %(extension)s file") % {"extension": kind.extension.upper()}
            if kind
            else _("of an unknown type")
        )
        raise _refuse(
            _("The file is %(what)s. Accepted types: %(types)s.")
            % {"what": what, "types": ACCEPTED_DESCRIPTION}
        )
    # What may hide inside an accepted type: scripts in a PDF, programs or a zip bomb in a
    # document, HTML in a PDF or an image (core/file_safety.py).
    check_upload_content(fileobj, mime)
    return mime


def clean_filename(name: str, *, content_type: str) -> str:
    """A display name safe to store and to send back: the last path component only, no control
    or invisible formatting characters (e.g. right-to-left override), no leading dots, at most
    150 characters, and an extension that matches the detected type (``plan.exe`` holding a PDF
    becomes ``plan.pdf``). Chinese characters are kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    # Cc: control characters (NUL, newlines, ...); Cf: invisible formatting such as U+202E.
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    allowed, canonical = ACCEPTED_TYPES[content_type]
    if ext.lower() not in allowed:
        # The extension lies about the content (or is missing): the type we detected wins.
        ext = canonical
    stem = stem.strip(" .")[: _MAX_NAME - len(ext) - 1] or "attachment"
    return f"{stem}.{ext.lower()}"


def _root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "attachments"


def _path(storage_name: str) -> Path:
    # storage_name is ours (two hex characters / 32 hex characters) but check anyway.
    if not re.fullmatch(r"[0-9a-f]{2}/[0-9a-f]{32}", storage_name):
        raise ValueError(f"Not an attachment storage name: {storage_name!r}")
    return _root() / storage_name


def file_save(fileobj: BinaryIO) -> StoredFile:
    """Copy an upload to private storage under a random name; returns its name, size and
    SHA-256. The caller removes it with :func:`file_delete` if its transaction fails."""
    token = uuid.uuid4().hex
    storage_name = f"{token[:2]}/{token}"
    path = _path(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    # O_EXCL: never overwrite an existing file, however unlikely a UUID collision is.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as out:
        while chunk := fileobj.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return StoredFile(storage_name=storage_name, size=size, sha256=digest.hexdigest())


def file_delete(storage_name: str) -> None:
    _path(storage_name).unlink(missing_ok=True)


@contextmanager
def file_stored(fileobj: BinaryIO) -> Iterator[StoredFile]:
    """The one way a service stores an upload: the file is saved, the block writes its row (in
    its own transaction, inside the block), and if anything in the block fails — a refused rule,
    a database error — the file is removed again, so no file without a row stays behind::

        with storage.file_stored(upload) as stored:
            with transaction.atomic():
                ...create the row with stored.storage_name...
    """
    stored = file_save(fileobj)
    try:
        yield stored
    except BaseException:
        file_delete(stored.storage_name)
        raise


def attachment_open(attachment: StoredAttachment) -> BinaryIO:
    """The stored bytes of an attachment as a binary file object (the caller closes it)."""
    return _path(attachment.storage_name).open("rb")


def attachment_response(
    attachment: StoredAttachment,
    *,
    download_name: str | None = None,
    strip_metadata: bool = False,
) -> FileResponse:
    """A download of the attachment (an entry's, or any model with the same stored-file fields,
    such as a studio's). Always ``Content-Disposition: attachment`` (RFC 5987
    ``filename*`` for non-ASCII names), the content type decided at upload, ``nosniff`` and a
    sandboxing CSP so a browser never renders it as a page. Pass ``download_name`` to hide the
    stored original name and ``strip_metadata`` to send a copy without the document's metadata
    (``core.document_metadata``; blind review rounds). A document that cannot be cleaned is refused
    with 409 ``document_unreadable``, never sent as stored."""
    name = download_name or attachment.original_name
    try:
        fileobj = attachment_open(attachment)
    except FileNotFoundError:
        # The row exists but its file is gone (restored backup, manual clean-up): say so in the
        # log for the operators, and answer the caller as for any missing object.
        logger.error("Stored file missing for %s %s", type(attachment).__name__, attachment.pk)
        raise Http404("The file is not available.") from None
    if strip_metadata and attachment.content_type in metadata.STRIPPED_TYPES:
        try:
            with fileobj:
                fileobj = metadata.strip_metadata(fileobj, attachment.content_type)
        except metadata.UnreadableDocument:
            logger.warning(
                "Cannot strip the metadata of %s %s", type(attachment).__name__, attachment.pk
            )
            raise Conflict(
                _(
                    "This document cannot be read to remove its metadata, so it is not served; union staff can ask the entrant for a new copy."
                ),
                code=CoreError.DOCUMENT_UNREADABLE,
            ) from None
    response = FileResponse(
        fileobj,
        as_attachment=True,
        filename=name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

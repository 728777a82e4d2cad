"""The one way a reviewer receives an attachment of an entry assigned to them (the API's download
and the scoring page's viewer both call it): under the name the reviewer may see, and in a blind
round as a copy without the document's metadata (``core.document_metadata``)."""

from __future__ import annotations

from django.http import FileResponse, Http404

from core.storage import attachment_response
from reviews.models import Assignment


def reviewer_attachment_response(
    assignment: Assignment, attachment_id: int | str, *, names: dict[int, str]
) -> FileResponse:
    """``assignment`` comes from ``selectors.assignments_of_reviewer`` (the caller's own, with
    the entry's attachments prefetched); ``names`` maps attachment id -> the name the reviewer
    sees. An attachment of another entry is a 404."""
    attachment = next(
        (a for a in assignment.entry.attachments.all() if str(a.pk) == str(attachment_id)), None
    )
    if attachment is None:
        raise Http404
    return attachment_response(
        attachment,
        download_name=names[attachment.pk],
        strip_metadata=assignment.round.is_blind,
    )

"""Reads of certificates: the verification anyone may do, and the per-user lists."""

from __future__ import annotations

import io
import zipfile

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from accounts.enums import UNION_STAFF_ROLES
from accounts.permissions import has_any_role
from accounts.selectors import own_organisation_id
from certificates.models import Certificate
from core.models import AuditEvent
from reviews.models import Award

_LIST_FIELDS = ("pdf",)


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """Staff: every certificate. An enterprise member: their organisation's."""
    qs = Certificate.objects.defer(*_LIST_FIELDS).select_related("contest")
    if has_any_role(user, UNION_STAFF_ROLES):
        return qs
    if user.is_authenticated and (org := own_organisation_id(user)):
        return qs.filter(organisation_id=org)
    return qs.none()


def certificate_verify(number: str) -> dict | None:
    """What the public verification page shows for ``number``, or None when unknown."""
    number = (number or "").strip().upper()
    if len(number) > 40 or not number.isascii() or not number.isprintable():
        return None  # no certificate has such a number (and a NUL byte would reach the database)
    certificate = Certificate.objects.defer(*_LIST_FIELDS).filter(number=number).first()
    if certificate is None:
        return None
    withdrawal = None
    if certificate.is_withdrawn:
        withdrawal = (
            AuditEvent.objects.filter(
                action="award.withdraw",
                target_type=ContentType.objects.get_for_model(Award),
                data__entry=certificate.entry_id,
            )
            .order_by("-created_at")
            .first()
        )
    return {
        "certificate": certificate,
        "withdrawn": certificate.is_withdrawn,
        "withdrawn_at": withdrawal.created_at if withdrawal else None,
        "withdrawn_reason": withdrawal.reason if withdrawal else "",
    }


def certificates_zip(certificates) -> bytes:
    """The PDFs of the certificates still valid (a withdrawn award's certificate is not handed
    out, as the single downloads refuse it) as one ZIP, named by number and organisation; read
    a few at a time, not every PDF at once."""
    out = io.BytesIO()
    valid = certificates.filter(award__isnull=False).select_related(None)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for certificate in valid.only("number", "organisation_name", "pdf").iterator(chunk_size=50):
            name = f"{certificate.number}_{certificate.organisation_name}.pdf".replace("/", "_")
            archive.writestr(name, bytes(certificate.pdf))
    return out.getvalue()

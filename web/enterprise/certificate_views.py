"""An enterprise member downloads their organisation's award certificates (issue 13)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from accounts.enums import Role
from certificates.selectors import certificates_visible_to
from web.common.mixins import role_required


@role_required(Role.ENTERPRISE)
def certificate_pdf(request, pk: int):
    certificate = get_object_or_404(
        certificates_visible_to(request.user).defer(None), pk=pk
    )  # another organisation's: 404
    if certificate.is_withdrawn:
        raise Http404
    return certificate_response(certificate)


def certificate_response(certificate) -> HttpResponse:
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

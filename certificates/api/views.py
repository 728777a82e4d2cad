"""Certificates API: enterprises list and download their own, union staff every one and start
the generation job (202) or download a contest's ZIP; anyone verifies a number."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsUnionStaff
from certificates import jobs, selectors
from certificates.api import serializers as s
from core.exceptions import ValidationFailed
from jobs.api.serializers import JobSerializer
from jobs.api.views import job_accepted
from projects.api.views import AnyMediaRenderer
from projects.selectors import contests_visible_to


class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CertificateSerializer
    permission_classes = (IsAuthenticated,)
    filterset_fields = ("contest",)

    def get_queryset(self):
        return selectors.certificates_visible_to(self.request.user).order_by("contest_id", "seq")

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, AnyMediaRenderer])
    def pdf(self, request, pk=None):
        """The certificate as PDF (404 once its award is withdrawn)."""
        certificate = self.get_queryset().defer(None).filter(pk=pk, award__isnull=False).first()
        if certificate is None:
            from rest_framework.exceptions import NotFound

            raise NotFound(_("No such certificate, or its award was withdrawn."))
        response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="certificate-{certificate.number}.pdf"'
        )
        return response

    @extend_schema(request=s.CertificateGenerateSerializer, responses={202: JobSerializer})
    @action(detail=False, methods=["post"], permission_classes=[IsAuthenticated, IsUnionStaff])
    def generate(self, request):
        """Start the job issuing a contest's certificates (409 before the results are final)."""
        body = s.CertificateGenerateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return job_accepted(
            jobs.certificates_generate_start(
                contest=body.validated_data["contest"], actor=request.user
            )
        )

    @extend_schema(
        parameters=[OpenApiParameter("contest", int, OpenApiParameter.QUERY, required=True)],
        responses={(200, "application/zip"): OpenApiTypes.BINARY},
    )
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[IsAuthenticated, IsUnionStaff],
        renderer_classes=[JSONRenderer, AnyMediaRenderer],
    )
    def zip(self, request):
        """Every certificate of a contest as one ZIP."""
        raw = request.query_params.get("contest", "")
        contest = (
            contests_visible_to(request.user).filter(pk=int(raw)).first()
            if raw.isdecimal() and raw.isascii()
            else None
        )
        if contest is None:
            message = _("Give the id of a contest you may see.")
            raise ValidationFailed(message, fields={"contest": [message]})
        certificates = self.get_queryset().filter(contest=contest).defer(None)
        response = HttpResponse(
            selectors.certificates_zip(certificates), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="certificates-{contest.pk}.zip"'
        return response


class CertificateVerificationView(APIView):
    """Anyone: what a certificate number certifies, and whether its award was withdrawn."""

    permission_classes = (AllowAny,)

    @extend_schema(
        parameters=[OpenApiParameter("number", str, OpenApiParameter.QUERY)],
        responses=s.CertificateVerificationSerializer,
    )
    def get(self, request):
        number = request.query_params.get("number", "").strip()[:64]
        shown = selectors.certificate_verify(number) if number else None
        if shown is None:
            body = {
                "number": number,
                "known": False,
                "valid": False,
                "withdrawn": False,
                "withdrawn_at": None,
                "withdrawn_reason": "",
                "contest_name": "",
                "edition": None,
                "entry_title": "",
                "organisation_name": "",
                "team": [],
                "tier_label": "",
                "awarded_on": None,
            }
            return Response(s.CertificateVerificationSerializer(body).data)
        c = shown["certificate"]
        body = {
            "number": c.number,
            "known": True,
            "valid": not shown["withdrawn"],
            "withdrawn": shown["withdrawn"],
            "withdrawn_at": shown["withdrawn_at"],
            "withdrawn_reason": shown["withdrawn_reason"],
            "contest_name": c.contest_name,
            "edition": c.edition,
            "entry_title": c.entry_title,
            "organisation_name": c.organisation_name,
            "team": c.team,
            "tier_label": c.tier_label,
            "awarded_on": c.awarded_on,
        }
        return Response(s.CertificateVerificationSerializer(body).data)

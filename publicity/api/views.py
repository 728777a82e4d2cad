"""Results notice API: anyone reads published notices and their versions; union staff draft,
publish and finalize them and handle the objections. Objections are filed on the public page
(its bot check and rate limits are a form's), not through the API."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.permissions import IsUnionStaff
from core import storage
from core.exports import ATTACHMENT_DOWNLOAD_RESPONSES
from projects.api.views import AnyMediaRenderer
from publicity import selectors, services
from publicity.api import serializers as s
from publicity.models import NoticeVersion


class ResultsNoticeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Results notices (公示). Visitors see published and final ones with every version; staff
    also drafts."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    serializer_class = s.ResultsNoticeSerializer

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated(), IsUnionStaff()]

    def get_queryset(self):
        return selectors.notices_visible_to(self.request.user).prefetch_related(
            Prefetch("versions", queryset=NoticeVersion.objects.order_by("-number"))
        )

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        notice = self.get_queryset().get(pk=pk)
        return Response(s.ResultsNoticeSerializer(notice).data, status=code)

    @extend_schema(
        request=s.ResultsNoticeCreateSerializer, responses={201: s.ResultsNoticeSerializer}
    )
    def create(self, request, *args, **kwargs):
        body = s.ResultsNoticeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        notice = services.notice_create(actor=request.user, **body.validated_data)
        return self._detail(notice.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.ResultsNoticeUpdateSerializer, responses=s.ResultsNoticeSerializer)
    def partial_update(self, request, *args, **kwargs):
        notice = self.get_object()
        body = s.ResultsNoticeUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.notice_update(actor=request.user, notice=notice, data=body.validated_data)
        return self._detail(notice.pk)

    @extend_schema(request=None, responses=s.ResultsNoticeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Draft → published: version 1 is put up and the objection period starts."""
        notice = services.notice_publish(actor=request.user, notice=self.get_object())
        return self._detail(notice.pk)

    @extend_schema(request=None, responses=s.ResultsNoticeSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        """Published → final, once the period is over and every objection is decided."""
        notice = services.notice_finalize(actor=request.user, notice=self.get_object())
        return self._detail(notice.pk)


class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Objections (异议) to the notices, for union staff: acknowledge, note, decide."""

    serializer_class = s.ObjectionSerializer
    permission_classes = (IsAuthenticated, IsUnionStaff)
    filterset_fields = ["notice", "state"]

    def get_queryset(self):
        return selectors.objections_visible_to(self.request.user).order_by("-submitted_at", "-id")

    def _detail(self, pk: int) -> Response:
        return Response(s.ObjectionSerializer(self.get_queryset().get(pk=pk)).data)

    @extend_schema(request=s.ObjectionAcknowledgeSerializer, responses=s.ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        objection = self.get_object()
        body = s.ObjectionAcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.objection_acknowledge(
            actor=request.user, objection=objection, note=body.validated_data["note"]
        )
        return self._detail(objection.pk)

    @extend_schema(request=s.ObjectionNoteSerializer, responses=s.ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def note(self, request, pk=None):
        objection = self.get_object()
        body = s.ObjectionNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.objection_add_note(
            actor=request.user, objection=objection, text=body.validated_data["text"]
        )
        return self._detail(objection.pk)

    @extend_schema(request=s.ObjectionDecideSerializer, responses=s.ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Upheld or dismissed, with a written reply; an upheld one may withdraw the award or
        correct its tier (a new version of the notice). The objector is e-mailed."""
        objection = self.get_object()
        body = s.ObjectionDecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.objection_decide(actor=request.user, objection=objection, **body.validated_data)
        return self._detail(objection.pk)

    @extend_schema(responses=ATTACHMENT_DOWNLOAD_RESPONSES)
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, AnyMediaRenderer])
    def scan(self, request, pk=None):
        """The signed or sealed scan (download)."""
        return storage.attachment_response(self.get_object())

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAnyStaff
from core import exports as downloads
from core.parsers import MultiPartParser
from core.storage import attachment_response
from innovation import exports, selectors, services
from innovation.api import serializers as s
from innovation.filters import (
    StudioApplicationFilter,
    StudioAssessmentFilter,
    StudioDirectoryFilter,
    StudioFilter,
)
from innovation.permissions import DirectoryThrottle, IsStudioReviewer, StudioAccess


class StudioViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Studios of the caller's organisation (enterprise members) or of all (staff), in any state.

    ``POST`` registers a studio with its first (draft) application for a level; an enterprise
    member registers for their own organisation only."""

    permission_classes = (StudioAccess,)
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = StudioFilter
    ordering_fields = ["name", "founding_date", "named_on", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.studio_detail_queryset(self.request.user)
        return selectors.studios_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return s.StudioWriteSerializer
        if self.action == "retrieve":
            return s.StudioDetailSerializer
        return s.StudioSerializer

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        studio = selectors.studio_detail_queryset(self.request.user).get(pk=pk)
        return Response(s.StudioDetailSerializer(studio).data, status=code)

    @extend_schema(request=s.StudioWriteSerializer, responses={201: s.StudioDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        studio = services.studio_register(
            actor=request.user,
            organisation=data.pop("organisation", None),
            level=data.pop("level"),
            members=data.pop("members", None),
            data=data,
        )
        return self._detail(studio.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.StudioWriteSerializer, responses=s.StudioDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        # Documented like update: the answer is the studio's detail (field as an object).
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(request=s.StudioWriteSerializer, responses=s.StudioDetailSerializer)
    def update(self, request, *args, **kwargs):
        studio = self.get_object()
        serializer = s.StudioWriteSerializer(
            data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        members = data.pop("members", None)
        services.studio_update(actor=request.user, studio=studio, data=data, members=members)
        return self._detail(studio.pk)

    @extend_schema(
        request=s.StudioApplicationOpenSerializer, responses={201: s.StudioApplicationSerializer}
    )
    @action(detail=True, methods=["post"])
    def applications(self, request, pk=None):
        """Open a new application: an upgrade for a named studio, or a new first application after
        a rejection. Earlier applications stay attached to the studio."""
        studio = self.get_object()
        body = s.StudioApplicationOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.studio_application_open(
            actor=request.user, studio=studio, level=body.validated_data["level"]
        )
        application = selectors.applications_visible_to(request.user).get(pk=application.pk)
        return Response(
            s.StudioApplicationSerializer(application).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.StudioReasonSerializer, responses=s.StudioDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStudioReviewer])
    def revoke(self, request, pk=None):
        """Revoke the studio's title (named → revoked). Union staff only."""
        studio = self.get_object()
        body = s.StudioReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.studio_revoke(actor=request.user, studio=studio, **body.validated_data)
        return self._detail(studio.pk)

    @extend_schema(request=None, responses=s.StudioRemindResultSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="remind-report",
        permission_classes=[IsStudioReviewer],
    )
    def remind_report(self, request, pk=None):
        """Send the host's members a reminder of the report on last year now (union staff);
        409 ``reminded_recently`` within the cool-down, ``report_not_missing`` when filed."""
        reminded = services.studio_report_remind_now(actor=request.user, studio=self.get_object())
        return Response({"reminded": reminded})

    @extend_schema(request=s.StudioReasonSerializer, responses=s.StudioDetailSerializer)
    @action(
        detail=True, methods=["post"], url_path="clear-flag", permission_classes=[IsStudioReviewer]
    )
    def clear_flag(self, request, pk=None):
        """Keep a studio flagged by the two-fails rule: clear the flag, with the reason."""
        studio = self.get_object()
        body = s.StudioReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.studio_flag_clear(actor=request.user, studio=studio, **body.validated_data)
        return self._detail(studio.pk)

    @extend_schema(
        request={"multipart/form-data": s.StudioAttachmentUploadSerializer},
        responses={201: s.StudioAttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        """Upload a file (PDF, JPEG, PNG, DOCX, XLSX) to the studio."""
        studio = self.get_object()
        body = s.StudioAttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = services.studio_attachment_add(
            actor=request.user, studio=studio, upload=body.validated_data["file"]
        )
        return Response(
            s.StudioAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=downloads.ATTACHMENT_DOWNLOAD_RESPONSES)
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>\d+)/download",
    )
    def attachment_download(self, request, pk=None, attachment_id=None):
        """Download one of the studio's files (same visibility as the studio)."""
        studio = self.get_object()
        attachment = get_object_or_404(
            selectors.attachments_visible_to(request.user), pk=attachment_id, studio=studio
        )
        return attachment_response(attachment)


class StudioApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Applications (申报) for naming or upgrading studios, with the reviewers' comments.

    The enterprise submits (and resubmits after a return); union staff start the review, comment,
    and name, return or reject. Every move is in the audit trail."""

    serializer_class = s.StudioApplicationSerializer
    permission_classes = (StudioAccess,)
    filterset_class = StudioApplicationFilter
    ordering_fields = ["submitted_at", "created_at"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.applications_visible_to(self.request.user)

    def _reply(self, application) -> Response:
        fresh = selectors.applications_visible_to(self.request.user).get(pk=application.pk)
        return Response(s.StudioApplicationSerializer(fresh).data)

    @extend_schema(request=None, responses=s.StudioApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        application = services.studio_application_submit(
            actor=request.user, application=self.get_object()
        )
        return self._reply(application)

    @extend_schema(request=None, responses=s.StudioApplicationSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="start-review",
        permission_classes=[IsStudioReviewer],
    )
    def start_review(self, request, pk=None):
        application = services.studio_application_review_start(
            actor=request.user, application=self.get_object()
        )
        return self._reply(application)

    @extend_schema(request=s.StudioNameDecisionSerializer, responses=s.StudioApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="name", permission_classes=[IsStudioReviewer])
    def name_studio(self, request, pk=None):
        """Name the studio at the application's level (under review → named)."""
        application = self.get_object()
        body = s.StudioNameDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.studio_application_name(
            actor=request.user, application=application, **body.validated_data
        )
        return self._reply(application)

    @extend_schema(request=s.StudioDecisionSerializer, responses=s.StudioApplicationSerializer)
    @action(detail=True, methods=["post"], url_path="return", permission_classes=[IsStudioReviewer])
    def return_for_changes(self, request, pk=None):
        """Return for changes; ``comment`` (required) says what to change."""
        application = self.get_object()
        body = s.StudioDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.studio_application_return(
            actor=request.user, application=application, **body.validated_data
        )
        return self._reply(application)

    @extend_schema(request=s.StudioDecisionSerializer, responses=s.StudioApplicationSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStudioReviewer])
    def reject(self, request, pk=None):
        """Reject; ``comment`` (required) says why."""
        application = self.get_object()
        body = s.StudioDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = services.studio_application_reject(
            actor=request.user, application=application, **body.validated_data
        )
        return self._reply(application)

    @extend_schema(
        request=s.StudioCommentCreateSerializer, responses={201: s.StudioReviewCommentSerializer}
    )
    @action(detail=True, methods=["post"], permission_classes=[IsStudioReviewer])
    def comments(self, request, pk=None):
        application = self.get_object()
        body = s.StudioCommentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = services.studio_application_comment_add(
            actor=request.user, application=application, **body.validated_data
        )
        return Response(
            s.StudioReviewCommentSerializer(comment).data, status=status.HTTP_201_CREATED
        )


class StudioAssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Yearly reports (年度考核): the enterprise files the year's figures, union staff rate them.
    Two fails in a row flag the studio for revocation."""

    permission_classes = (StudioAccess,)
    filterset_class = StudioAssessmentFilter
    ordering_fields = ["year", "filed_at", "rated_at"]
    ordering = ["-year", "studio__name"]

    def get_queryset(self):
        return selectors.assessments_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return s.StudioAssessmentCreateSerializer
        return s.StudioAssessmentSerializer

    @extend_schema(
        request=s.StudioAssessmentCreateSerializer, responses={201: s.StudioAssessmentSerializer}
    )
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        assessment = services.studio_assessment_file(
            actor=request.user,
            studio=data.pop("studio"),
            year=data.pop("year"),
            summary=data.pop("summary"),
            figures=data,
        )
        return Response(
            s.StudioAssessmentSerializer(self.get_queryset().get(pk=assessment.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=s.StudioRateSerializer, responses=s.StudioAssessmentSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsStudioReviewer])
    def rate(self, request, pk=None):
        assessment = self.get_object()
        body = s.StudioRateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.studio_assessment_rate(
            actor=request.user, assessment=assessment, **body.validated_data
        )
        return Response(
            s.StudioAssessmentSerializer(self.get_queryset().get(pk=assessment.pk)).data
        )

    @extend_schema(parameters=downloads.EXPORT_PARAMETERS, responses=downloads.EXPORT_RESPONSES)
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The assessments the caller may see, with the list's filters, as CSV or XLSX."""
        file_format = downloads.requested_export_format(request)
        queryset = self.filter_queryset(self.get_queryset())
        return downloads.dataset_response(
            exports.assessments_dataset(queryset),
            basename="studio-assessments",
            file_format=file_format,
        )


class StudioDirectoryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The public directory of named studios (no sign-in needed): filter by level, district,
    field and host. Only named studios ever appear; no contact data is shown."""

    serializer_class = s.DirectoryStudioSerializer
    permission_classes = (AllowAny,)
    throttle_classes = (DirectoryThrottle,)
    filterset_class = StudioDirectoryFilter
    ordering_fields = ["name", "named_on", "founding_date", "level"]
    ordering = ["name"]

    def get_queryset(self):
        return selectors.studio_directory()

    @extend_schema(parameters=downloads.EXPORT_PARAMETERS, responses=downloads.EXPORT_RESPONSES)
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The directory (with the list's filters) as CSV or XLSX."""
        file_format = downloads.requested_export_format(request)
        queryset = self.filter_queryset(self.get_queryset())
        return downloads.dataset_response(
            exports.studio_directory_dataset(queryset),
            basename="studio-directory",
            file_format=file_format,
        )


class StudioStatisticsView(APIView):
    """Named studios by level, district and field; yearly-report achievement totals per year."""

    permission_classes = (IsAnyStaff,)

    @extend_schema(responses=s.StudioStatisticsSerializer)
    def get(self, request):
        return Response(s.StudioStatisticsSerializer(selectors.studio_statistics()).data)

"""Contests, categories, entries and attachments. Every queryset comes from projects.selectors;
every write goes through projects.services."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from accounts.enums import Role
from accounts.permissions import HasRole, ReadOnlyOrRole
from core import exports as downloads
from core import storage
from core.exceptions import ValidationFailed
from core.exports import ATTACHMENT_DOWNLOAD_RESPONSES
from core.pagination import KeysFirstPagination
from core.parsers import FormParser, MultiPartParser
from core.services import audit_trail
from jobs.api.serializers import JobSerializer
from jobs.api.views import job_accepted
from projects import exports, selectors, services
from projects import jobs as project_jobs
from projects.api import serializers as s
from projects.enums import ContestState
from projects.filters import AttachmentFilter, CategoryFilter, ContestFilter, EntryFilter
from projects.selectors import CONTEST_STAFF_ROLES, ENTRY_STAFF_ROLES

_ENTRY_READERS = (Role.ENTERPRISE, *ENTRY_STAFF_ROLES)


class AnyMediaRenderer(BaseRenderer):
    """Lets a client that asks for ``text/csv`` or ``application/pdf`` reach the file views
    (which return their own response); errors still come out as JSON."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # What reaches a renderer here is an error body: say it is JSON (not "*/*").
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return JSONRenderer().render(data)


class ContestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Contest editions. Everyone signed in reads the published ones; union staff create, edit and
    move them through their states."""

    serializer_class = s.ContestSerializer
    permission_classes = (ReadOnlyOrRole.of(*CONTEST_STAFF_ROLES),)
    filterset_class = ContestFilter
    ordering_fields = ["year", "edition", "registration_closes_at", "created_at"]
    ordering = ["-year", "-edition"]

    def get_queryset(self):
        return selectors.contests_visible_to(self.request.user).prefetch_related("categories")

    def perform_create(self, serializer):
        serializer.instance = services.contest_create(
            actor=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.contest_update(
            actor=self.request.user, contest=serializer.instance, data=serializer.validated_data
        )

    def _move(self, request, to_state: str, serializer_class=s.ContestMoveSerializer):
        contest = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.contest_set_state(
            contest=contest,
            to_state=serializer.validated_data.get("to_state", to_state),
            actor=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(s.ContestSerializer(self.get_queryset().get(pk=contest.pk)).data)

    # One verb per move, as entries, studios and incubations have (409 when the contest's state
    # does not allow it: projects.enums.CONTEST_TRANSITIONS).
    @extend_schema(request=s.ContestMoveSerializer, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"], url_path="open")
    def open_registration(self, request, pk=None):
        """draft/closed -> open: registration opens (or reopens, e.g. an extension)."""
        return self._move(request, ContestState.OPEN)

    @extend_schema(request=s.ContestMoveSerializer, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """open -> closed: registration closes."""
        return self._move(request, ContestState.CLOSED)

    @extend_schema(request=s.ContestMoveSerializer, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"], url_path="start-review")
    def start_review(self, request, pk=None):
        """closed -> in_review."""
        return self._move(request, ContestState.IN_REVIEW)

    @extend_schema(request=s.ContestMoveSerializer, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"], url_path="publish")
    def publish_results(self, request, pk=None):
        """in_review -> published."""
        return self._move(request, ContestState.PUBLISHED)

    @extend_schema(request=s.ContestMoveSerializer, responses=s.ContestSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        """published -> archived."""
        return self._move(request, ContestState.ARCHIVED)

    @extend_schema(
        request=s.ContestTransitionSerializer, responses=s.ContestSerializer, deprecated=True
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Deprecated: use the move's own verb (``open/``, ``close/``, ``start-review/``,
        ``publish/``, ``archive/``). Kept for existing clients; it calls the same service."""
        return self._move(request, "", s.ContestTransitionSerializer)

    @extend_schema(responses=s.AuditEventSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[HasRole.of(*CONTEST_STAFF_ROLES)],
        pagination_class=None,
        filterset_class=None,
    )
    def history(self, request, pk=None):
        """Who changed the contest, when, from which state to which."""
        return Response(s.AuditEventSerializer(audit_trail(self.get_object()), many=True).data)


class CategoryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Categories (tracks) of contests and the expertise fields they map to."""

    permission_classes = (ReadOnlyOrRole.of(*CONTEST_STAFF_ROLES),)
    filterset_class = CategoryFilter
    ordering_fields = ["code", "name"]
    ordering = ["contest_id", "code"]

    def get_queryset(self):
        return selectors.categories_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.CategoryUpdateSerializer
        return s.CategorySerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contest = data.pop("contest")
        serializer.instance = services.category_create(
            actor=self.request.user, contest=contest, data=data, expertise=data.pop("expertise", [])
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.category_update(
            actor=self.request.user,
            category=serializer.instance,
            data=data,
            expertise=data.pop("expertise", None),
        )


class EntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Contest entries (参赛项目). Enterprise members create and edit their organisation's drafts,
    submit, recall and withdraw them; staff read, filter, search and export all entries."""

    filterset_class = EntryFilter
    ordering_fields = ["id", "title", "state", "submitted_at", "created_at", "updated_at"]
    ordering = ["-id"]
    # 100,000 entries with per-row subqueries: a deep page selects its keys first.
    pagination_class = KeysFirstPagination

    def get_permissions(self):
        if self.action in ("create", "update", "partial_update", "submit", "recall", "withdraw"):
            return [HasRole.of(Role.ENTERPRISE)()]
        if self.action in ("history", "export"):
            return [HasRole.of(*ENTRY_STAFF_ROLES)()]
        return [HasRole.of(*_ENTRY_READERS)()]

    def get_queryset(self):
        if self.action in ("list", "export"):
            return selectors.entry_list_for(self.request.user)
        if self.action == "retrieve":
            return selectors.entry_detail_for(self.request.user)
        return selectors.entries_visible_to(self.request.user)

    def get_serializer_class(self):
        if self.action == "list":
            return s.EntryListSerializer
        if self.action == "create":
            return s.EntryWriteSerializer
        if self.action in ("update", "partial_update"):
            return s.EntryUpdateSerializer
        return s.EntryDetailSerializer

    def list(self, request, *args, **kwargs):
        # Dict rows, no model instances (see projects.api.serializers.entry_list_rows).
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginator.paginate_queryset(
            queryset, request, view=self, values=s.ENTRY_LIST_VALUES
        )
        return self.get_paginated_response(s.entry_list_rows(page))

    def _detail(self, entry, *, status_code=status.HTTP_200_OK) -> Response:
        entry = selectors.entry_detail_for(self.request.user).get(pk=entry.pk)
        return Response(s.EntryDetailSerializer(entry).data, status=status_code)

    @extend_schema(request=s.EntryWriteSerializer, responses={201: s.EntryDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.EntryWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        entry = services.entry_create(
            actor=request.user,
            contest=data.pop("contest"),
            category=data.pop("category"),
            team=data.pop("team", []),
            data=data,
        )
        return self._detail(entry, status_code=status.HTTP_201_CREATED)

    @extend_schema(request=s.EntryUpdateSerializer, responses=s.EntryDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        # Documented like update: the answer is the entry's detail (category as an object).
        return super().partial_update(request, *args, **kwargs)

    @extend_schema(request=s.EntryUpdateSerializer, responses=s.EntryDetailSerializer)
    def update(self, request, *args, **kwargs):
        entry = self.get_object()
        serializer = s.EntryUpdateSerializer(
            data=request.data, partial=kwargs.get("partial", False), context={"request": request}
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        services.entry_update(
            actor=request.user,
            entry=entry,
            category=data.pop("category", None),
            team=data.pop("team", None),
            data=data,
        )
        return self._detail(entry)

    @extend_schema(request=None, responses=s.EntryDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit a draft: 400 naming what is missing, 409 outside the registration window or
        when the organisation's limit is reached."""
        entry = self.get_object()
        services.entry_submit(entry=entry, actor=request.user)
        return self._detail(entry)

    @extend_schema(request=s.EntryActionSerializer, responses=s.EntryDetailSerializer)
    @action(detail=True, methods=["post"])
    def recall(self, request, pk=None):
        """Take a submitted entry back to draft to correct it (only while registration is open)."""
        entry = self.get_object()
        serializer = s.EntryActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.entry_recall(
            entry=entry, actor=request.user, reason=serializer.validated_data.get("reason", "")
        )
        return self._detail(entry)

    @extend_schema(request=s.EntryActionSerializer, responses=s.EntryDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Withdraw a submitted entry from the contest for good."""
        entry = self.get_object()
        serializer = s.EntryActionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.entry_withdraw(
            entry=entry, actor=request.user, reason=serializer.validated_data.get("reason", "")
        )
        return self._detail(entry)

    @extend_schema(responses=s.AuditEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, pk=None):
        """The entry's history: creation, edits, attachments and every state move (staff)."""
        return Response(s.AuditEventSerializer(audit_trail(self.get_object()), many=True).data)

    def _export_queryset(self, file_format: str):
        queryset = self.filter_queryset(self.get_queryset())
        exports.check_export_size(queryset, file_format=file_format)
        return queryset

    def _filename(self, ext: str) -> str:
        return f"entries-{timezone.localtime():%Y%m%d-%H%M}.{ext}"

    @extend_schema(
        methods=["GET"],
        filters=True,
        parameters=downloads.EXPORT_PARAMETERS,
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiResponse(OpenApiTypes.BINARY),
        },
    )
    @extend_schema(
        methods=["POST"],
        filters=True,
        parameters=downloads.EXPORT_PARAMETERS,
        request=None,
        responses={202: JobSerializer},
    )
    @action(
        detail=False, methods=["get", "post"], renderer_classes=[JSONRenderer, AnyMediaRenderer]
    )
    def export(self, request):
        """GET: the filtered list as ``?file_format=csv`` (UTF-8 with BOM for Excel, streamed) or
        ``xlsx`` (an Excel workbook), at once: the one export style of the API. POST (same query
        parameters): the same file made by a background job, for a list too large to wait for
        (XLSX above its direct cap): 202 with the job, whose ``download_url`` serves the file."""
        if request.method == "POST":
            return job_accepted(
                project_jobs.entries_export_start(
                    actor=request.user,
                    query=request.query_params,
                    file_format=downloads.requested_export_format(request),
                )
            )
        file_format = downloads.requested_export_format(request)
        queryset = self._export_queryset(file_format)
        if file_format == "csv":
            response = StreamingHttpResponse(
                (chunk.encode("utf-8") for chunk in exports.csv_chunks(queryset)),
                content_type="text/csv; charset=utf-8",
            )
        else:
            response = HttpResponse(
                exports.xlsx_bytes(queryset),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{self._filename(file_format)}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class AttachmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Files of entries. Upload with multipart ``entry``, ``kind``, ``file``; download through
    ``download/`` only (never a public URL)."""

    serializer_class = s.AttachmentSerializer
    filterset_class = AttachmentFilter
    ordering_fields = ["uploaded_at", "id"]
    ordering = ["entry_id", "uploaded_at", "id"]
    parser_classes = (MultiPartParser, FormParser)

    def get_permissions(self):
        if self.action in ("create", "destroy"):
            return [HasRole.of(Role.ENTERPRISE)()]
        return [HasRole.of(*_ENTRY_READERS)()]

    def get_queryset(self):
        return selectors.attachments_visible_to(self.request.user)

    @extend_schema(request=s.AttachmentUploadSerializer, responses={201: s.AttachmentSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # Another organisation's entry is simply not found (404), like everywhere else.
        entry = selectors.entries_visible_to(request.user).filter(pk=data["entry"]).first()
        if entry is None:
            raise ValidationFailed(
                _("No such entry."),
                fields={"entry": [_("No entry with this id is visible to you.")]},
            )
        attachment = services.attachment_store(
            entry=entry, uploaded_file=data["file"], kind=data["kind"], actor=request.user
        )
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.attachment_delete(attachment=instance, actor=self.request.user)

    @extend_schema(responses=ATTACHMENT_DOWNLOAD_RESPONSES)
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, AnyMediaRenderer])
    def download(self, request, pk=None):
        """The file, as an attachment, with the content type detected at upload."""
        return storage.attachment_response(self.get_object())

from django.db.models import Sum
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsAnyStaff
from core.exports import (
    EXPORT_PARAMETERS,
    EXPORT_RESPONSES,
    dataset_response,
    requested_export_format,
)
from incubator import exports, selectors, services
from incubator.api import serializers as s
from incubator.enums import RECEIVED_REPORT_STATES, MilestoneStatus, SupportKind
from incubator.filters import (
    IncubationFilter,
    IncubationReportFilter,
    MilestoneFilter,
    SupportRecordFilter,
)
from incubator.models import IncubationReport
from incubator.permissions import IsIncubatorRunner, IsReportFiler, ReadOrIncubatorStaff


class IncubationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Incubation records. ``POST`` admits a contest entry (incubator staff); enterprises see
    their own organisation's records only."""

    permission_classes = (ReadOrIncubatorStaff,)
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = IncubationFilter
    ordering_fields = ["start_date", "created_at", "stage"]
    ordering = ["-start_date", "-id"]

    def get_queryset(self):
        qs = selectors.incubations_visible_to(self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("milestones", "support")
        return qs

    def get_serializer_class(self):
        if self.action == "create":
            return s.IncubationAdmitSerializer
        if self.action == "partial_update":
            return s.IncubationUpdateSerializer
        if self.action == "retrieve":
            return s.IncubationDetailSerializer
        return s.IncubationSerializer

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        incubation = (
            selectors.incubations_visible_to(self.request.user)
            .prefetch_related("milestones", "support")
            .get(pk=pk)
        )
        return Response(s.IncubationDetailSerializer(incubation).data, status=code)

    @extend_schema(
        request=s.IncubationAdmitSerializer, responses={201: s.IncubationDetailSerializer}
    )
    def create(self, request, *args, **kwargs):
        body = s.IncubationAdmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        incubation = services.incubation_admit(actor=request.user, **body.validated_data)
        return self._detail(incubation.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.IncubationUpdateSerializer, responses=s.IncubationDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        incubation = self.get_object()
        body = s.IncubationUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        services.incubation_update(
            actor=request.user, incubation=incubation, data=body.validated_data
        )
        return self._detail(incubation.pk)

    @extend_schema(request=None, responses=s.IncubationDetailSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """The project moves in (admitted → incubating)."""
        incubation = services.incubation_start(actor=request.user, incubation=self.get_object())
        return self._detail(incubation.pk)

    @extend_schema(request=s.IncubationStageMoveSerializer, responses=s.IncubationDetailSerializer)
    @action(detail=True, methods=["post"])
    def graduate(self, request, pk=None):
        """Incubating → graduated (``on_date`` defaults to today)."""
        incubation = self.get_object()
        body = s.IncubationStageMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.incubation_graduate(
            actor=request.user, incubation=incubation, **body.validated_data
        )
        return self._detail(incubation.pk)

    @extend_schema(request=s.IncubationStageMoveSerializer, responses=s.IncubationDetailSerializer)
    @action(detail=True, methods=["post"])
    def exit(self, request, pk=None):
        """Leave without graduating; ``reason`` is required."""
        incubation = self.get_object()
        body = s.IncubationStageMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.incubation_exit(actor=request.user, incubation=incubation, **body.validated_data)
        return self._detail(incubation.pk)

    @extend_schema(responses=s.IncubationOutcomesSerializer)
    @action(detail=True, methods=["get"])
    def outcomes(self, request, pk=None):
        """The project's outcomes over time: every filed period and the running totals."""
        incubation = self.get_object()
        totals = selectors.incubation_outcome_totals(incubation)
        periods = (
            selectors.reports_visible_to(request.user)
            .filter(incubation=incubation, state__in=RECEIVED_REPORT_STATES)
            .order_by("period_start")
        )
        funding = incubation.support.filter(kind=SupportKind.FUNDING).aggregate(t=Sum("amount"))
        return Response(
            s.IncubationOutcomesSerializer(
                {
                    "totals": totals,
                    "reports_filed": totals["reports_filed"],
                    "support_funding_total": funding["t"] or 0,
                    "periods": periods,
                }
            ).data
        )

    @extend_schema(parameters=EXPORT_PARAMETERS, responses=EXPORT_RESPONSES)
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The portfolio (with the list's filters) and each project's outcome totals."""
        file_format = requested_export_format(request)
        queryset = self.filter_queryset(self.get_queryset())
        return dataset_response(
            exports.portfolio_dataset(queryset),
            basename="incubation-portfolio",
            file_format=file_format,
        )


class MilestoneViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Milestones of incubated projects; incubator staff plan them and record their status."""

    permission_classes = (ReadOrIncubatorStaff,)
    filterset_class = MilestoneFilter
    ordering_fields = ["due_date"]
    ordering = ["due_date", "id"]

    def get_queryset(self):
        return selectors.milestones_visible_to(self.request.user)

    def get_serializer_class(self):
        return s.MilestoneCreateSerializer if self.action == "create" else s.MilestoneSerializer

    @extend_schema(request=s.MilestoneCreateSerializer, responses={201: s.MilestoneSerializer})
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        milestone = services.milestone_add(actor=request.user, **body.validated_data)
        return Response(s.MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)

    def _move(self, request, to_status: str, serializer_class=s.MilestoneMoveSerializer):
        milestone = self.get_object()
        body = serializer_class(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        to_status = data.pop("status", to_status)
        milestone = services.milestone_set_status(
            actor=request.user, milestone=milestone, to_status=to_status, **data
        )
        return Response(s.MilestoneSerializer(milestone).data)

    # One verb per move (409 when incubator.enums.MILESTONE_TRANSITIONS does not allow it).
    @extend_schema(request=s.MilestoneMoveSerializer, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def achieve(self, request, pk=None):
        """pending or missed -> achieved (``on_date``: when, between the start and today)."""
        return self._move(request, MilestoneStatus.ACHIEVED)

    @extend_schema(request=s.MilestoneMoveSerializer, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def miss(self, request, pk=None):
        """pending -> missed."""
        return self._move(request, MilestoneStatus.MISSED)

    @extend_schema(request=s.MilestoneMoveSerializer, responses=s.MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """pending -> cancelled."""
        return self._move(request, MilestoneStatus.CANCELLED)

    @extend_schema(
        request=s.MilestoneStatusSerializer, responses=s.MilestoneSerializer, deprecated=True
    )
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        """Deprecated: use ``achieve/``, ``miss/`` or ``cancel/``; the same service."""
        return self._move(request, "", s.MilestoneStatusSerializer)


class SupportRecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Support given to incubated projects (funding, training, services)."""

    permission_classes = (ReadOrIncubatorStaff,)
    filterset_class = SupportRecordFilter
    ordering_fields = ["provided_on", "amount"]
    ordering = ["-provided_on", "-id"]

    def get_queryset(self):
        return selectors.support_visible_to(self.request.user)

    def get_serializer_class(self):
        return s.SupportCreateSerializer if self.action == "create" else s.SupportRecordSerializer

    @extend_schema(request=s.SupportCreateSerializer, responses={201: s.SupportRecordSerializer})
    def create(self, request, *args, **kwargs):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.support_record_add(actor=request.user, **body.validated_data)
        return Response(s.SupportRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class IncubationReportViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Periodic reports (quarterly by default), scheduled ahead as pending rows. ``?overdue=true``
    lists the reports still owed after their due date."""

    serializer_class = s.IncubationReportSerializer
    permission_classes = (ReadOrIncubatorStaff,)
    filterset_class = IncubationReportFilter
    ordering_fields = ["due_date", "period_start", "filed_at"]
    ordering = ["due_date", "id"]

    def get_queryset(self):
        return selectors.reports_visible_to(self.request.user)

    def _reply(self, report: IncubationReport) -> Response:
        return Response(s.IncubationReportSerializer(self.get_queryset().get(pk=report.pk)).data)

    @extend_schema(request=s.IncubationReportFileSerializer, responses=s.IncubationReportSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsReportFiler])
    def file(self, request, pk=None):
        """File the period's outcome figures (the enterprise, or incubator staff for it)."""
        report = self.get_object()
        body = s.IncubationReportFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        narrative = data.pop("narrative")
        services.incubation_report_file(
            actor=request.user, report=report, figures=data, narrative=narrative
        )
        return self._reply(report)

    @extend_schema(request=s.IncubatorReasonSerializer, responses=s.IncubationReportSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsIncubatorRunner])
    def waive(self, request, pk=None):
        report = self.get_object()
        body = s.IncubatorReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.incubation_report_waive(actor=request.user, report=report, **body.validated_data)
        return self._reply(report)

    @extend_schema(request=None, responses=s.ReportRemindResultSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsIncubatorRunner])
    def remind(self, request, pk=None):
        """Send the organisation's members a reminder of this report now (incubator staff); 409
        ``reminded_recently`` within the cool-down, ``report_not_owed`` when nothing is owed."""
        reminded = services.incubation_report_remind_now(
            actor=request.user, report=self.get_object()
        )
        return Response({"reminded": reminded})

    @extend_schema(request=s.ReportReviewSerializer, responses=s.IncubationReportSerializer)
    @action(detail=True, methods=["post"], permission_classes=[IsIncubatorRunner])
    def accept(self, request, pk=None):
        """Incubator staff accept a filed report (filed → accepted)."""
        report = self.get_object()
        body = s.ReportReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.incubation_report_accept(actor=request.user, report=report, **body.validated_data)
        return self._reply(report)

    @extend_schema(request=s.ReportReviewSerializer, responses=s.IncubationReportSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="request-correction",
        permission_classes=[IsIncubatorRunner],
    )
    def request_correction(self, request, pk=None):
        """Send a filed report back with a comment (filed → correction requested); the
        enterprise files it again."""
        report = self.get_object()
        body = s.ReportReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.incubation_report_request_correction(
            actor=request.user, report=report, **body.validated_data
        )
        return self._reply(report)

    @extend_schema(parameters=EXPORT_PARAMETERS, responses=EXPORT_RESPONSES)
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The reports (with the list's filters) as CSV or XLSX."""
        file_format = requested_export_format(request)
        queryset = self.filter_queryset(self.get_queryset())
        return dataset_response(
            exports.reports_dataset(queryset),
            basename="incubation-reports",
            file_format=file_format,
        )


class IncubatorStatisticsView(APIView):
    """What became of the winners: per contest edition (winners, incubated, graduated, exited,
    summed outcomes), outcomes per year, and how many reports are overdue."""

    permission_classes = (IsAnyStaff,)

    @extend_schema(responses=s.IncubatorStatisticsSerializer)
    def get(self, request):
        overdue = selectors.reports_overdue(IncubationReport.objects.all()).count()
        return Response(
            s.IncubatorStatisticsSerializer(
                {
                    "by_contest": selectors.outcomes_by_contest(),
                    "by_year": selectors.outcomes_by_year(),
                    "reports_overdue": overdue,
                }
            ).data
        )

"""Jobs API: poll a job's progress, list jobs, cancel one. Every queryset comes from
jobs.selectors; every write from jobs.services."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core import exports as downloads
from core.exceptions import Conflict, NotPermitted
from core.schema import ERROR_DESCRIPTIONS, ErrorSerializer
from jobs import selectors, services
from jobs.api.serializers import JobSerializer
from jobs.enums import LIVE_STATES
from jobs.errors import JobError


def job_accepted(job) -> Response:
    """The answer of every endpoint that starts a long step: 202 with the job and its URL."""
    body = selectors.job_status(job)
    return Response(
        JobSerializer(body).data, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]}
    )


class JobViewSet(viewsets.ReadOnlyModelViewSet):
    """Background jobs (assignment, confirm, results, finalize, awards, publication, exports)."""

    serializer_class = JobSerializer
    permission_classes = [IsAuthenticated]
    filterset_fields = ("kind", "state", "target_id")
    ordering_fields = ("created_at", "id")

    def get_queryset(self):
        qs = selectors.jobs_visible_to(self.request.user)
        if self.request.query_params.get("live") in ("1", "true"):
            qs = qs.filter(state__in=LIVE_STATES)
        return qs.order_by("-created_at", "-id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            JobSerializer([selectors.job_status(j) for j in page], many=True).data
        )

    def retrieve(self, request, *args, **kwargs):
        return Response(JobSerializer(selectors.job_status(self.get_object())).data)

    @extend_schema(
        responses={
            **downloads.EXPORT_RESPONSES,
            409: OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS["409"]),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file an export job made (CSV or XLSX), for whoever may see the job; 409 while it
        has none (still running, failed, or not an export), 404 once it was cleaned away."""
        job = self.get_object()
        file = selectors.job_file(job)
        if file is None:
            raise Conflict(_("This job has no file to download (yet)."), code=JobError.JOB_NO_FILE)
        if not downloads.export_file_exists(file):
            raise NotFound(
                _("The file was deleted after %(hours)s hours: start the export again.")
                % {"hours": downloads.export_keep_hours()}
            )
        return downloads.export_file_response(file)

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel a queued or running job (staff of its kind). 409 once it has finished."""
        job = self.get_object()
        if not selectors.job_may_cancel(job=job, user=request.user):
            raise NotPermitted(
                _("Only staff may cancel this job."), code=JobError.JOB_CANCEL_NOT_PERMITTED
            )
        job = services.job_cancel(job=job, actor=request.user)
        return Response(JobSerializer(selectors.job_status(job)).data)

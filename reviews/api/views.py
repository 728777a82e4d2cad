"""Review API: staff run rounds; reviewers score their own assignments; enterprises read their
published outcomes. Every queryset comes from reviews.selectors; every write from
reviews.services."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.permissions import IsReviewer, IsUnionStaff
from core import exports as downloads
from core.exceptions import ValidationFailed
from core.net import client_ip
from core.pagination import KeysFirstPagination
from jobs.api.serializers import JobSerializer
from jobs.api.views import job_accepted
from reviews import exports, pledges, rereview, selectors, services
from reviews import jobs as round_jobs
from reviews.api import serializers as s
from reviews.downloads import reviewer_attachment_response
from reviews.enums import RoundState
from reviews.filters import (
    AssignmentFilter,
    AwardFilter,
    ConflictFilter,
    PoolMemberFilter,
    ReviewFilter,
    RoundFilter,
)


def _threshold(raw: str | None) -> float | None:
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < 10_000:
        raise ValidationFailed(
            _("threshold: a number of points, 0 or more."),
            fields={"threshold": [_("A number of points, 0 or more.")]},
        )
    return value


def _staff_only(view) -> list:
    return [IsAuthenticated(), IsUnionStaff()]


class RoundViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Review rounds. Anyone signed in lists the rounds visible to them; staff do the rest."""

    filterset_class = RoundFilter
    ordering_fields = ("order", "deadline", "id")

    def get_queryset(self):
        return selectors.rounds_visible_to(self.request.user).order_by("contest_id", "order")

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [IsAuthenticated()]
        if self.action in ("pledge", "pledge_accept") and self.request.method != "PUT":
            if not selectors.is_review_staff(self.request.user):
                return [IsAuthenticated(), IsReviewer()]
            return [IsAuthenticated()]
        return _staff_only(self)

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return s.RoundUpdateSerializer
        return s.RoundSerializer

    def _pledge_body(self, round_):
        return selectors.pledge_for(round_, self.request.user)

    @extend_schema(responses=s.PledgeSerializer)
    @action(detail=True, methods=["get"])
    def pledge(self, request, pk=None):
        """The round's pledge (评审承诺书) as the caller reads it, and whether they accepted it
        (after acceptance: the very text they accepted)."""
        return Response(s.PledgeSerializer(self._pledge_body(self.get_object())).data)

    @extend_schema(request=s.PledgeTextSerializer, responses=s.PledgeSerializer)
    @pledge.mapping.put
    def pledge_set(self, request, pk=None):
        """Staff set the round's pledge text before it opens (empty = the default)."""
        serializer = s.PledgeTextSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = pledges.pledge_set(
            round=self.get_object(),
            text=serializer.validated_data["pledge_text"],
            actor=request.user,
        )
        return Response(s.PledgeSerializer(self._pledge_body(round_)).data)

    @extend_schema(request=None, responses=s.PledgeSerializer)
    @action(detail=True, methods=["post"], url_path="pledge/accept")
    def pledge_accept(self, request, pk=None):
        """The reviewer accepts the round's pledge (time and IP recorded); required before the
        first score in the round. Accepting again changes nothing."""
        round_ = self.get_object()
        pledges.pledge_accept(round=round_, reviewer=request.user, ip_address=client_ip(request))
        return Response(s.PledgeSerializer(self._pledge_body(round_)).data)

    @extend_schema(responses=s.PledgeAcceptanceSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="pledge-acceptances")
    def pledge_acceptances(self, request, pk=None):
        """Who accepted the round's pledge, when, from which address (staff)."""
        rows = selectors.pledge_acceptances_for_staff(request.user).filter(round=self.get_object())
        page = self.paginate_queryset(rows.order_by("accepted_at", "id"))
        return self.get_paginated_response(s.PledgeAcceptanceSerializer(page, many=True).data)

    @extend_schema(responses=s.BlindFlagSerializer(many=True))
    # The whole list (one row per flagged entry), not paginated: the schema says so too.
    @action(detail=True, methods=["get"], url_path="blind-check", pagination_class=None)
    def blind_check(self, request, pk=None):
        """Entries whose free text (what a blind-round reviewer reads) names the organisation,
        its contact, a team member or their employer: settle them before the round opens."""
        return Response(
            s.BlindFlagSerializer(selectors.blind_text_flags(self.get_object()), many=True).data
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        contest = data.pop("contest")
        serializer.instance = services.round_create(
            contest=contest, actor=self.request.user, **data
        )

    def perform_update(self, serializer):
        serializer.instance = services.round_update(
            round=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    def _render(self, round_):
        """The round after a move (``RoundMovedSerializer``). Closed with entries short of k
        reviews: the answer warns (staff also get a notice)."""
        shortfall = (
            selectors.round_review_shortfall(round_) if round_.state == RoundState.CLOSED else None
        )
        data = s.RoundSerializer(self.get_queryset().get(pk=round_.pk)).data
        return Response({**data, "warnings": [shortfall] if shortfall else []})

    # One verb per move (the API's one style, as entries, studios and incubations have); 409 when
    # the round's state does not allow it (reviews.enums.ROUND_TRANSITIONS). The long moves are
    # jobs: confirm-assignments/ and finalize/ answer 202 with the job.
    @extend_schema(request=None, responses=s.RoundMovedSerializer)
    @action(detail=True, methods=["post"], url_path="start-assigning")
    def start_assigning(self, request, pk=None):
        """draft -> assigning: enrol the entries taking part."""
        round_ = services.round_start_assigning(round=self.get_object(), actor=request.user)
        return self._render(round_)

    @extend_schema(request=None, responses=s.RoundMovedSerializer)
    @action(detail=True, methods=["post"], url_path="back-to-draft")
    def back_to_draft(self, request, pk=None):
        """assigning -> draft: drop the enrolment and the proposal (rubric and k may change)."""
        round_ = services.round_back_to_draft(round=self.get_object(), actor=request.user)
        return self._render(round_)

    @extend_schema(request=None, responses=s.RoundMovedSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """open -> closed before the deadline."""
        return self._render(services.round_close(round=self.get_object(), actor=request.user))

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"])
    def finalize(self, request, pk=None):
        """closed -> finalized as a job (the computed results, computed first if missing;
        advancement; entry states): 202."""
        return job_accepted(
            round_jobs.round_finalize_start(round=self.get_object(), actor=request.user)
        )

    @extend_schema(
        request=s.TransitionSerializer,
        responses={200: s.RoundMovedSerializer, 202: JobSerializer},
        deprecated=True,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Deprecated: use the move's own verb (``start-assigning/``, ``back-to-draft/``,
        ``confirm-assignments/``, ``close/``, ``reopen/``, ``finalize/``). Kept for existing
        clients; it calls the same services (the two long moves answer 202 with the job)."""
        serializer = s.TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_, to_state = self.get_object(), serializer.validated_data["to_state"]
        if to_state == RoundState.OPEN and round_.state == RoundState.ASSIGNING:
            return job_accepted(round_jobs.round_confirm_start(round=round_, actor=request.user))
        if to_state == RoundState.FINALIZED and round_.state == RoundState.CLOSED:
            return job_accepted(round_jobs.round_finalize_start(round=round_, actor=request.user))
        round_ = services.round_set_state(round=round_, to_state=to_state, actor=request.user)
        return self._render(round_)

    @extend_schema(request=s.RoundConfirmSerializer, responses={202: JobSerializer})
    @action(detail=True, methods=["post"], url_path="confirm-assignments")
    def confirm_assignments(self, request, pk=None):
        """Start the confirmation job (re-check, open the round, notify reviewers): 202. A blind
        round whose entrants' free text names them: 409 ``blind_text_flagged`` unless
        ``blind_override_reason`` says why it may open anyway (recorded in the audit)."""
        serializer = s.RoundConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return job_accepted(
            round_jobs.round_confirm_start(
                round=self.get_object(),
                actor=request.user,
                blind_override_reason=serializer.validated_data["blind_override_reason"],
            )
        )

    @extend_schema(request=s.RoundReopenSerializer, responses=s.RoundMovedSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        serializer = s.RoundReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = services.round_reopen(
            round=self.get_object(), actor=request.user, **serializer.validated_data
        )
        return self._render(round_)

    @extend_schema(request=s.RubricSerializer, responses=s.CriterionSerializer(many=True))
    @action(detail=True, methods=["put"])
    def rubric(self, request, pk=None):
        serializer = s.RubricSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        criteria = services.rubric_set(
            round=self.get_object(),
            criteria=serializer.validated_data["criteria"],
            actor=request.user,
        )
        return Response(s.CriterionSerializer(criteria, many=True).data)

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"], url_path="assignment-jobs")
    def assignment_jobs(self, request, pk=None):
        """Start the solver job: 202 with the job; poll ``/jobs/<id>/`` for progress."""
        return job_accepted(
            round_jobs.round_assign_start(round=self.get_object(), actor=request.user)
        )

    @extend_schema(responses=s.ProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        return Response(selectors.round_progress(self.get_object()))

    @extend_schema(responses=s.LateReviewerSerializer(many=True))
    # The whole list (one row per late reviewer), not paginated: the schema says so too.
    @action(detail=True, methods=["get"], url_path="late-reviewers", pagination_class=None)
    def late_reviewers(self, request, pk=None):
        return Response(selectors.late_reviewers(self.get_object()))

    @extend_schema(request=None, responses=s.LateReminderResultSerializer)
    @action(detail=True, methods=["post"], url_path="remind-late-reviewers")
    def remind_late_reviewers(self, request, pk=None):
        """Remind every reviewer with unsubmitted assignments in this open round, now. A reviewer
        already reminded this way within the cool-down (NOTIFICATIONS_REMIND_NOW_COOLDOWN_HOURS)
        is skipped, so a double click never sends twice. 409 ``round_not_open`` otherwise."""
        result = services.round_remind_late_reviewers(round=self.get_object(), actor=request.user)
        return Response(s.LateReminderResultSerializer(result).data)

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"], url_path="compute-results")
    def compute_results(self, request, pk=None):
        """Start the results job (scores, ranks, proposed advancement): 202."""
        return job_accepted(
            round_jobs.round_compute_results_start(round=self.get_object(), actor=request.user)
        )

    @extend_schema(responses=s.ResultSerializer(many=True))
    # 100,000 results joined to entry, category, organisation and award: keys first.
    @action(detail=True, methods=["get"], pagination_class=KeysFirstPagination)
    def results(self, request, pk=None):
        """The scoreboard: per category, by rank (tie-break rule on the round)."""
        page = self.paginate_queryset(selectors.round_results(self.get_object()))
        return self.get_paginated_response(s.ResultSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("threshold", float, description="points; default: the round's")
        ],
        responses=OpenApiTypes.OBJECT,
    )
    @action(detail=True, methods=["get"])
    def fairness(self, request, pk=None):
        """The fairness lab: ranking under each aggregation method and places moved, each
        reviewer's leniency, agreement (ICC) and score distribution per category, and the
        entries whose reviewers disagree by more than ``threshold`` points."""
        return Response(
            selectors.round_fairness(
                self.get_object(), threshold=_threshold(request.query_params.get("threshold"))
            )
        )

    @extend_schema(request=s.AddReviewersSerializer, responses=s.AddReviewersResultSerializer)
    @action(detail=True, methods=["post"], url_path="add-reviewers")
    def add_reviewers(self, request, pk=None):
        """复评: one more reviewer for each listed entry, under the solver's rules (see
        reviews.rereview.round_add_reviewers); ids of the new assignments, and why an entry
        could not get one."""
        serializer = s.AddReviewersSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        round_ = self.get_object()
        data = serializer.validated_data
        outcome = rereview.round_add_reviewers(
            round=round_,
            entries=list(selectors.entries_of_round(round_).filter(pk__in=data["entries"])),
            actor=request.user,
            reason=data["reason"],
            deadline=data["deadline"],
        )
        return Response(
            {"added": [a.pk for a in outcome.added], "unserved": outcome.unserved},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Start the publication job: 202."""
        return job_accepted(
            round_jobs.round_publish_start(round=self.get_object(), actor=request.user)
        )

    @extend_schema(request=s.AwardsByRankSerializer, responses={202: JobSerializer})
    @action(detail=True, methods=["post"], url_path="awards-by-rank")
    def awards_by_rank(self, request, pk=None):
        """Start the job granting awards by rank: 202; its result counts the awards per tier."""
        serializer = s.AwardsByRankSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return job_accepted(
            round_jobs.round_awards_by_rank_start(
                round=self.get_object(),
                actor=request.user,
                tiers=serializer.validated_data["tiers"],
            )
        )

    @extend_schema(
        methods=["GET"],
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(exports.EXPORT_KINDS)),
            *downloads.EXPORT_PARAMETERS,
        ],
        responses=downloads.EXPORT_RESPONSES,
    )
    @extend_schema(
        methods=["POST"],
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(exports.EXPORT_KINDS)),
            *downloads.EXPORT_PARAMETERS,
        ],
        request=None,
        responses={202: JobSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path=r"export/(?P<kind>[a-z]+)")
    def export(self, request, pk=None, kind=None):
        """GET: download the scoreboard, the reviewer workload, the awards list, the methods
        comparison or the leniency table (CSV or XLSX) at once. POST: the same file made by a
        background job (202; the job's ``download_url`` serves it), for a provincial round."""
        file_format = downloads.requested_export_format(request)
        if request.method == "POST":
            return job_accepted(
                round_jobs.round_export_start(
                    round=self.get_object(), actor=request.user, kind=kind, file_format=file_format
                )
            )
        if kind not in exports.EXPORT_KINDS:
            raise ValidationFailed(
                _("kind: one of %(kinds)s.") % {"kinds": ", ".join(exports.EXPORT_KINDS)},
                fields={"kind": [_("Unknown export.")]},
            )
        round_ = self.get_object()
        return downloads.dataset_response(
            exports.export(round_, kind),
            basename=f"round-{round_.pk}-{kind}",
            file_format=file_format,
        )


class PoolMemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """A contest's reviewer pool (staff). POST adds several reviewers at once."""

    filterset_class = PoolMemberFilter

    def get_permissions(self):
        return _staff_only(self)

    def get_queryset(self):
        return selectors.pool_visible_to(self.request.user)

    def get_serializer_class(self):
        return s.PoolAddSerializer if self.action == "create" else s.PoolMemberSerializer

    @extend_schema(request=s.PoolAddSerializer, responses={201: s.PoolMemberSerializer(many=True)})
    def create(self, request, *args, **kwargs):
        serializer = s.PoolAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        members = services.pool_add(actor=request.user, **serializer.validated_data)
        members = self.get_queryset().filter(pk__in=[m.pk for m in members])
        return Response(
            s.PoolMemberSerializer(members, many=True).data, status=status.HTTP_201_CREATED
        )

    def perform_update(self, serializer):
        member = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.pool_update(
            member=member,
            actor=self.request.user,
            min_load=data.get("min_load", member.min_load),
            max_load=data.get("max_load", member.max_load),
            is_active=data.get("is_active", member.is_active),
        )


class ConflictViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Declared conflicts (回避). Reviewers declare their own; staff declare anyone's and
    withdraw them."""

    serializer_class = s.ConflictSerializer
    filterset_class = ConflictFilter

    def get_permissions(self):
        if self.action == "destroy":
            return _staff_only(self)
        if selectors.is_review_staff(self.request.user):
            return [IsAuthenticated()]
        return [IsAuthenticated(), IsReviewer()]

    def get_queryset(self):
        return selectors.conflicts_visible_to(self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("q", str, required=True, description="Name or credit code")],
        responses=s.ConflictOrganisationSerializer(many=True),
    )
    # At most CONFLICT_SEARCH_LIMIT rows, not paginated: the schema says so too.
    @action(detail=False, methods=["get"], pagination_class=None)
    def organisations(self, request):
        """Organisations to declare a conflict with, by name. A reviewer finds by part of its
        name only an organisation they already know of (their employer, ones they declared,
        hosts of public studios); any other only by its exact full name or credit code."""
        rows = selectors.organisations_for_conflict_search(
            request.user, request.query_params.get("q", "")
        )[: selectors.CONFLICT_SEARCH_LIMIT]
        return Response(s.ConflictOrganisationSerializer(rows, many=True).data)

    def perform_create(self, serializer):
        data = serializer.validated_data
        user = self.request.user
        serializer.instance = services.conflict_declare(
            reviewer=data.get("reviewer") or user,
            organisation=data["organisation"],
            contest=data.get("contest"),
            reason=data["reason"],
            actor=user,
        )

    def perform_destroy(self, instance):
        services.conflict_withdraw(conflict=instance, actor=self.request.user)


class AssignmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Staff view and hand-adjust assignments; every change is re-checked and audited."""

    filterset_class = AssignmentFilter

    def get_permissions(self):
        return _staff_only(self)

    def get_queryset(self):
        return selectors.assignments_for_staff(self.request.user).order_by(
            "round_id", "entry_id", "id"
        )

    def get_serializer_class(self):
        return s.AssignmentAddSerializer if self.action == "create" else s.AssignmentSerializer

    @extend_schema(request=s.AssignmentAddSerializer, responses={201: s.AssignmentSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.AssignmentAddSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_add(actor=request.user, **serializer.validated_data)
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReasonSerializer, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_remove(
            assignment=self.get_object(), actor=request.user, **serializer.validated_data
        )
        return Response(s.AssignmentSerializer(assignment).data)

    @extend_schema(request=s.AssignmentSwapSerializer, responses=s.AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        """Replace the reviewer (the old assignment is removed, the new one checked)."""
        serializer = s.AssignmentSwapSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = services.assignment_swap(
            assignment=self.get_object(), actor=request.user, **serializer.validated_data
        )
        return Response(s.AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class MyAssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """A reviewer's own assignments in open rounds, the entry as they may see it, and their
    review. Another reviewer's assignment is a 404."""

    serializer_class = s.MyAssignmentSerializer
    filterset_fields = ("round",)

    def get_permissions(self):
        return [IsAuthenticated(), IsReviewer()]

    def get_queryset(self):
        return selectors.assignments_of_reviewer(
            self.request.user, for_scoring=self.action in ("review", "submit")
        )

    def filter_queryset(self, queryset):
        # The ``round`` filter is the list's; a detail route or a scoring request takes none, and
        # building the filter set on every draft save cost a millisecond.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        # MyAssignmentSerializer's shape as plain dicts (s.my_assignment_rows).
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.my_assignment_rows(page))

    def retrieve(self, request, *args, **kwargs):
        return Response(s.my_assignment_rows([self.get_object()])[0])

    @staticmethod
    def _render(assignment, review):
        """The assignment with the review the service just wrote (nothing is read again)."""
        assignment.review = review
        return Response(s.my_assignment_rows([assignment])[0])

    @extend_schema(request=s.ReasonSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def recuse(self, request, pk=None):
        """Decline this assignment with a reason (回避); the slot is freed for reassignment."""
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assignment_recuse(
            assignment=self.get_object(), reviewer=request.user, **serializer.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[OpenApiParameter("attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses=downloads.ATTACHMENT_DOWNLOAD_RESPONSES,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)/download",
    )
    def attachment_download(self, request, pk=None, attachment_id=None):
        """Download one attachment of the assigned entry. In a blind round the file is named
        neutrally (``entry-<id>-<kind>-<n>.<ext>``) so the original name never reaches the
        reviewer, and a PDF or office document is a copy without its metadata (author, title,
        company...); an attachment of another entry is a 404."""
        assignment = self.get_object()
        names = selectors.reviewer_attachment_names(
            assignment.entry, blind=assignment.round.is_blind
        )
        return reviewer_attachment_response(assignment, attachment_id, names=names)

    @extend_schema(request=s.ReviewInputSerializer, responses=s.MyAssignmentSerializer)
    @action(detail=True, methods=["put"])
    def review(self, request, pk=None):
        """Save the review as a draft (any number of times before the deadline)."""
        serializer = s.ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = self.get_object()
        review = services.review_save_draft(
            assignment=assignment,
            reviewer=request.user,
            scores=serializer.validated_data.get("scores"),
            comment=serializer.validated_data.get("comment"),
        )
        return self._render(assignment, review)

    @extend_schema(request=s.ReviewInputSerializer, responses=s.MyAssignmentSerializer)
    @action(detail=True, methods=["post"], url_path="review/submit")
    def submit(self, request, pk=None):
        """Submit (optionally with final scores); the review is then locked."""
        serializer = s.ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = self.get_object()
        review = services.review_submit(
            assignment=assignment,
            reviewer=request.user,
            scores=serializer.validated_data.get("scores"),
            comment=serializer.validated_data.get("comment"),
        )
        return self._render(assignment, review)


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """Every review (staff), and reopening one with a reason."""

    serializer_class = s.StaffReviewSerializer
    filterset_class = ReviewFilter

    def get_permissions(self):
        return _staff_only(self)

    def get_queryset(self):
        return selectors.reviews_for_staff(self.request.user)

    @extend_schema(request=s.ReasonSerializer, responses=s.StaffReviewSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        serializer = s.ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.review_reopen(
            review=self.get_object(), actor=request.user, **serializer.validated_data
        )
        return Response(s.StaffReviewSerializer(self.get_queryset().get(pk=review.pk)).data)


class OutcomeViewSet(viewsets.ReadOnlyModelViewSet):
    """Published outcomes of the caller's organisation's entries: round, score, rank,
    advancement, award and reviewers' comments (never who wrote them)."""

    serializer_class = s.OutcomeSerializer
    filterset_fields = ("round", "entry")

    def get_queryset(self):
        return selectors.outcomes_visible_to(self.request.user)


class AwardViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Awards: staff grant by hand and set the provincial recommendation; enterprises read
    their own once the round is published."""

    filterset_class = AwardFilter

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [IsAuthenticated()]
        return _staff_only(self)

    def get_queryset(self):
        return selectors.awards_visible_to(self.request.user)

    def get_serializer_class(self):
        return s.AwardGrantSerializer if self.action == "create" else s.AwardSerializer

    @extend_schema(request=s.AwardGrantSerializer, responses={201: s.AwardSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.AwardGrantSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        award = services.award_grant(actor=request.user, **serializer.validated_data)
        return Response(
            s.AwardSerializer(self.get_queryset().get(pk=award.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def perform_update(self, serializer):
        award = serializer.instance
        data = serializer.validated_data
        serializer.instance = services.award_update(
            award=award,
            actor=self.request.user,
            tier=data.get("tier", award.tier),
            recommended_provincial=data.get("recommended_provincial", award.recommended_provincial),
            note=data.get("note", award.note),
        )

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import fields as core_fields
from incubator.enums import MilestoneStatus, SupportKind
from incubator.models import Incubation, IncubationReport, Milestone, SupportRecord
from incubator.selectors import incubations_visible_to
from projects.models import Entry

MONEY = {"max_digits": 16, "decimal_places": 2, "min_value": Decimal("0")}
COUNT = {"min_value": 0, "max_value": 10_000_000}


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = [
            "id",
            "incubation",
            "title",
            "description",
            "due_date",
            "status",
            "achieved_on",
            "note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SupportRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupportRecord
        fields = ["id", "incubation", "kind", "provided_on", "description", "amount", "created_at"]
        read_only_fields = fields


class IncubationSerializer(serializers.ModelSerializer):
    entry_title = serializers.CharField(source="entry.title", read_only=True)
    entry_state = serializers.CharField(source="entry.state", read_only=True)
    contest = serializers.IntegerField(source="entry.contest_id", read_only=True)
    contest_name = serializers.CharField(source="entry.contest.name", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    reports_overdue = serializers.IntegerField(read_only=True)

    class Meta:
        model = Incubation
        fields = [
            "id",
            "entry",
            "entry_title",
            "entry_state",
            "contest",
            "contest_name",
            "organisation",
            "organisation_name",
            "start_date",
            "stage",
            "stage_reason",
            "ended_on",
            "mentor_name",
            "mentor_contact",
            "workspace",
            "admission_note",
            "report_interval_months",
            "reports_overdue",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class IncubationDetailSerializer(IncubationSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    support = SupportRecordSerializer(many=True, read_only=True)

    class Meta(IncubationSerializer.Meta):
        fields = [*IncubationSerializer.Meta.fields, "milestones", "support"]
        read_only_fields = fields


class IncubationAdmitSerializer(serializers.Serializer):
    entry = core_fields.PrimaryKeyRelatedField(
        queryset=Entry.objects.select_related("contest", "organisation")
    )
    start_date = core_fields.DateField()
    mentor_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    mentor_contact = serializers.CharField(max_length=100, required=False, allow_blank=True)
    workspace = serializers.CharField(max_length=100, required=False, allow_blank=True)
    admission_note = serializers.CharField(required=False, allow_blank=True, default="")
    report_interval_months = serializers.IntegerField(min_value=1, max_value=12, required=False)
    confirm_backdated = serializers.BooleanField(
        default=False,
        help_text="Confirm a start more than INCUBATION_ADMIT_BACKDATE_DAYS ago (its past "
        "periods' reports are scheduled, already overdue).",
    )


class IncubationUpdateSerializer(serializers.Serializer):
    mentor_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    mentor_contact = serializers.CharField(max_length=100, required=False, allow_blank=True)
    workspace = serializers.CharField(max_length=100, required=False, allow_blank=True)
    admission_note = serializers.CharField(required=False, allow_blank=True)
    report_interval_months = serializers.IntegerField(min_value=1, max_value=12, required=False)


class IncubationStageMoveSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    on_date = core_fields.DateField(required=False, allow_null=True, default=None)


@extend_schema_field(OpenApiTypes.INT)
class _IncubationField(core_fields.PrimaryKeyRelatedField):
    """An incubation the caller can see (another's id reads as "does not exist")."""

    def get_queryset(self):
        return incubations_visible_to(self.context["request"].user)


class MilestoneCreateSerializer(serializers.Serializer):
    incubation = _IncubationField()
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    due_date = core_fields.DateField()


class MilestoneMoveSerializer(serializers.Serializer):
    """The body of one milestone move (``achieve/``, ``miss/``, ``cancel/``)."""

    on_date = core_fields.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MilestoneStatusSerializer(MilestoneMoveSerializer):
    status = serializers.ChoiceField(choices=MilestoneStatus.choices)


class SupportCreateSerializer(serializers.Serializer):
    incubation = _IncubationField()
    kind = serializers.ChoiceField(choices=SupportKind.choices)
    provided_on = core_fields.DateField()
    description = serializers.CharField(max_length=300)
    amount = serializers.DecimalField(required=False, **MONEY)


class IncubationReportSerializer(serializers.ModelSerializer):
    project_title = serializers.CharField(source="incubation.entry.title", read_only=True)
    organisation = serializers.IntegerField(source="incubation.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="incubation.organisation.name", read_only=True)

    class Meta:
        model = IncubationReport
        fields = [
            "id",
            "incubation",
            "project_title",
            "organisation",
            "organisation_name",
            "period_start",
            "period_end",
            "due_date",
            "state",
            "revenue",
            "jobs_created",
            "patents_filed",
            "patents_granted",
            "financing_raised",
            "products_launched",
            "narrative",
            "waived_reason",
            "filed_by",
            "filed_at",
            "review_comment",
            "reviewed_by",
            "reviewed_at",
        ]
        read_only_fields = fields


class IncubationReportFileSerializer(serializers.Serializer):
    revenue = serializers.DecimalField(**MONEY)
    jobs_created = serializers.IntegerField(**COUNT)
    patents_filed = serializers.IntegerField(**COUNT)
    patents_granted = serializers.IntegerField(**COUNT)
    financing_raised = serializers.DecimalField(**MONEY)
    products_launched = serializers.IntegerField(**COUNT)
    narrative = serializers.CharField(required=False, allow_blank=True, default="")


class IncubatorReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ReportReviewSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReportRemindResultSerializer(serializers.Serializer):
    reminded = serializers.IntegerField(help_text="Notices written (one per member).")


class IncubationOutcomeFiguresSerializer(serializers.Serializer):
    revenue = serializers.DecimalField(max_digits=20, decimal_places=2)
    jobs_created = serializers.IntegerField()
    patents_filed = serializers.IntegerField()
    patents_granted = serializers.IntegerField()
    financing_raised = serializers.DecimalField(max_digits=20, decimal_places=2)
    products_launched = serializers.IntegerField()


class IncubationOutcomesSerializer(serializers.Serializer):
    totals = IncubationOutcomeFiguresSerializer()
    reports_filed = serializers.IntegerField()
    support_funding_total = serializers.DecimalField(max_digits=20, decimal_places=2)
    periods = IncubationReportSerializer(many=True)


class IncubatorContestOutcomeSerializer(IncubationOutcomeFiguresSerializer):
    contest = serializers.IntegerField()
    contest_name = serializers.CharField()
    edition = serializers.IntegerField()
    year = serializers.IntegerField()
    winners = serializers.IntegerField(help_text="Awarded entries of the edition.")
    incubated = serializers.IntegerField()
    incubated_winners = serializers.IntegerField()
    incubating = serializers.IntegerField()
    graduated = serializers.IntegerField()
    exited = serializers.IntegerField()


class IncubatorYearOutcomeSerializer(IncubationOutcomeFiguresSerializer):
    year = serializers.IntegerField()
    reports = serializers.IntegerField()


class IncubatorStatisticsSerializer(serializers.Serializer):
    by_contest = IncubatorContestOutcomeSerializer(many=True)
    by_year = IncubatorYearOutcomeSerializer(many=True)
    reports_overdue = serializers.IntegerField()

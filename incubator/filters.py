import django_filters
from django.utils import timezone

from core.filters import DateFilter, ScopedFilterSet
from incubator.enums import IncubationStage, MilestoneStatus, ReportState, SupportKind
from incubator.models import Incubation, IncubationReport, Milestone, SupportRecord


class IncubationFilter(ScopedFilterSet):
    stage = django_filters.MultipleChoiceFilter(choices=IncubationStage.choices)
    contest = django_filters.NumberFilter(field_name="entry__contest_id")
    organisation = django_filters.NumberFilter(field_name="organisation_id")
    started_from = DateFilter(field_name="start_date", lookup_expr="gte")
    started_to = DateFilter(field_name="start_date", lookup_expr="lte")
    q = django_filters.CharFilter(field_name="entry__title", lookup_expr="icontains")

    class Meta:
        model = Incubation
        fields = ["stage", "contest", "organisation", "entry", "started_from", "started_to", "q"]


class MilestoneFilter(ScopedFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=MilestoneStatus.choices)
    due_before = DateFilter(field_name="due_date", lookup_expr="lte")

    class Meta:
        model = Milestone
        fields = ["incubation", "status", "due_before"]


class SupportRecordFilter(ScopedFilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=SupportKind.choices)

    class Meta:
        model = SupportRecord
        fields = ["incubation", "kind"]


class IncubationReportFilter(ScopedFilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ReportState.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="pending after their due date (true) or not (false)"
    )
    contest = django_filters.NumberFilter(field_name="incubation__entry__contest_id")
    organisation = django_filters.NumberFilter(field_name="incubation__organisation_id")
    due_before = DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = DateFilter(field_name="due_date", lookup_expr="gte")

    class Meta:
        model = IncubationReport
        fields = [
            "incubation",
            "state",
            "overdue",
            "contest",
            "organisation",
            "due_before",
            "due_after",
        ]

    def filter_overdue(self, queryset, name, value):
        # Same rule as incubator.selectors.reports_overdue.
        from incubator.selectors import reports_overdue

        overdue = reports_overdue(queryset, timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))

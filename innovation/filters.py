import django_filters
from django.db.models import Q

from accounts.enums import District
from core.filters import ScopedFilterSet
from innovation.enums import (
    ApplicationKind,
    ApplicationState,
    AssessmentRating,
    AssessmentState,
    StudioLevel,
    StudioState,
)
from innovation.models import Studio, StudioApplication, StudioAssessment


class _StudioBaseFilter(ScopedFilterSet):
    level = django_filters.MultipleChoiceFilter(choices=StudioLevel.choices)
    district = django_filters.MultipleChoiceFilter(
        field_name="organisation__district", choices=District.choices
    )
    field = django_filters.CharFilter(field_name="field__code", label="field code")
    organisation = django_filters.NumberFilter(field_name="organisation_id", label="host id")
    q = django_filters.CharFilter(method="filter_q", label="name, leader or host contains")

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(leader_name__icontains=value)
            | Q(organisation__name__icontains=value)
        )


class StudioDirectoryFilter(_StudioBaseFilter):
    class Meta:
        model = Studio
        fields = ["level", "district", "field", "organisation", "q"]


class StudioFilter(_StudioBaseFilter):
    state = django_filters.MultipleChoiceFilter(choices=StudioState.choices)
    flagged = django_filters.BooleanFilter(
        field_name="revocation_flagged_at",
        lookup_expr="isnull",
        exclude=True,
        label="flagged for revocation",
    )

    class Meta:
        model = Studio
        fields = ["state", "level", "district", "field", "organisation", "flagged", "q"]


class StudioApplicationFilter(ScopedFilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ApplicationState.choices)
    kind = django_filters.ChoiceFilter(choices=ApplicationKind.choices)
    level = django_filters.MultipleChoiceFilter(choices=StudioLevel.choices)
    organisation = django_filters.NumberFilter(field_name="studio__organisation_id")

    class Meta:
        model = StudioApplication
        fields = ["state", "kind", "level", "studio", "organisation"]


class StudioAssessmentFilter(ScopedFilterSet):
    state = django_filters.ChoiceFilter(choices=AssessmentState.choices)
    rating = django_filters.MultipleChoiceFilter(choices=AssessmentRating.choices)
    organisation = django_filters.NumberFilter(field_name="studio__organisation_id")
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte")
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte")

    class Meta:
        model = StudioAssessment
        fields = ["studio", "year", "state", "rating", "organisation", "year_min", "year_max"]

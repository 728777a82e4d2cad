import django_filters
from django.db import connection
from django.db.models import Q

from accounts.enums import District
from core.filters import IsoDateTimeFilter, ScopedFilterSet
from projects.enums import AttachmentKind, ContestState, EntryState
from projects.models import Attachment, Category, Contest, Entry, EntrySearchText


class ContestFilter(ScopedFilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ContestState.choices, distinct=False)

    class Meta:
        model = Contest
        fields = ["state", "year", "edition"]


class CategoryFilter(ScopedFilterSet):
    class Meta:
        model = Category
        fields = ["contest", "code"]


class EntryFilter(ScopedFilterSet):
    """Filters of the entry list and its exports. ``q`` searches title and summary
    (case-insensitive substring); on PostgreSQL the trigram indexes of ``EntrySearchText`` serve
    it (migration 0004)."""

    # distinct=False: these are single-valued columns; DISTINCT over 100,000 wide rows is slow.
    state = django_filters.MultipleChoiceFilter(choices=EntryState.choices, distinct=False)
    district = django_filters.MultipleChoiceFilter(
        field_name="organisation__district", choices=District.choices, distinct=False
    )
    submitted_after = IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")
    q = django_filters.CharFilter(
        method="filter_q", max_length=100, label="keyword in title or summary"
    )

    class Meta:
        model = Entry
        fields = ["contest", "category", "organisation", "state", "district"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # Chinese text has no case: plain LIKE is about twice as fast as ILIKE when PostgreSQL
        # has to scan (a common word), and both are served by the trigram indexes.
        lookup = "contains" if value.lower() == value.upper() else "ilike_contains"
        words = Q(**{f"title__{lookup}": value}) | Q(**{f"summary__{lookup}": value})
        if connection.vendor != "postgresql":
            return queryset.filter(words)
        # The trigram indexes are on the entries' search text, kept apart so that state moves do
        # not rewrite them (projects.models.EntrySearchText).
        return queryset.filter(pk__in=EntrySearchText.objects.filter(words).values("entry_id"))


class AttachmentFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(choices=AttachmentKind.choices)

    class Meta:
        model = Attachment
        fields = ["entry", "kind"]

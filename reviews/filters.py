import django_filters

from core.filters import ScopedFilterSet
from reviews.models import Assignment, Award, PoolMember, Review, ReviewerConflict, Round


class RoundFilter(ScopedFilterSet):
    class Meta:
        model = Round
        fields = ("contest", "state", "is_blind")


class PoolMemberFilter(ScopedFilterSet):
    class Meta:
        model = PoolMember
        fields = ("contest", "reviewer", "is_active")


class ConflictFilter(ScopedFilterSet):
    class Meta:
        model = ReviewerConflict
        fields = ("reviewer", "organisation", "contest", "source")


class AssignmentFilter(ScopedFilterSet):
    class Meta:
        model = Assignment
        fields = ("round", "reviewer", "entry", "status", "source")


class ReviewFilter(ScopedFilterSet):
    class Meta:
        model = Review
        fields = ("round", "reviewer", "entry", "state")


class AwardFilter(ScopedFilterSet):
    contest = django_filters.NumberFilter(field_name="round__contest")

    class Meta:
        model = Award
        fields = ("round", "tier", "recommended_provincial")

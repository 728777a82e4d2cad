import django_filters

from reviews.models import Assignment, Award, PoolMember, Review, ReviewerConflict, Round


class RoundFilter(django_filters.FilterSet):
    class Meta:
        model = Round
        fields = ("contest", "state", "is_blind")


class PoolMemberFilter(django_filters.FilterSet):
    class Meta:
        model = PoolMember
        fields = ("contest", "reviewer", "is_active")


class ConflictFilter(django_filters.FilterSet):
    class Meta:
        model = ReviewerConflict
        fields = ("reviewer", "organisation", "contest", "source")


class AssignmentFilter(django_filters.FilterSet):
    class Meta:
        model = Assignment
        fields = ("round", "reviewer", "entry", "status", "source")


class ReviewFilter(django_filters.FilterSet):
    class Meta:
        model = Review
        fields = ("round", "reviewer", "entry", "state")


class AwardFilter(django_filters.FilterSet):
    contest = django_filters.NumberFilter(field_name="round__contest")

    class Meta:
        model = Award
        fields = ("round", "tier", "recommended_provincial")

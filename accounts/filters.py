import django_filters

from accounts.enums import District, OrganisationType, Role
from accounts.models import Organisation, ReviewerProfile, User
from core.filters import ScopedFilterSet


class OrganisationFilter(ScopedFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    district = django_filters.MultipleChoiceFilter(choices=District.choices)
    org_type = django_filters.MultipleChoiceFilter(choices=OrganisationType.choices)
    credit_code = django_filters.CharFilter(lookup_expr="iexact")

    class Meta:
        model = Organisation
        fields = ["name", "district", "org_type", "credit_code", "is_active"]


class UserFilter(ScopedFilterSet):
    role = django_filters.ChoiceFilter(
        choices=Role.choices, field_name="role_grants__role", distinct=True
    )
    q = django_filters.CharFilter(method="filter_q", label="username or name contains")

    class Meta:
        model = User
        fields = ["role", "organisation", "is_active"]

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))


class ReviewerProfileFilter(ScopedFilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label="words in name, login, title, employer or expertise"
    )
    expertise = django_filters.ModelMultipleChoiceFilter(
        field_name="expertise", queryset=ReviewerProfile.expertise.field.related_model.objects.all()
    )

    class Meta:
        model = ReviewerProfile
        fields = ["employer", "is_active", "expertise"]

    def filter_q(self, queryset, name, value):
        from accounts.selectors import reviewer_profiles_matching

        return reviewer_profiles_matching(queryset, value).distinct()

import django_filters

from notifications.enums import DeliveryState
from notifications.models import Notice


class InboxFilter(django_filters.FilterSet):
    # A strict choice: a typo is a 400, not a silently ignored filter.
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_unread"
    )
    kind = django_filters.CharFilter()

    class Meta:
        model = Notice
        fields = ["unread", "kind"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")


class DeliveryFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=DeliveryState.choices)
    kind = django_filters.CharFilter()
    recipient = django_filters.NumberFilter(field_name="recipient_id")

    class Meta:
        model = Notice
        fields = ["state", "kind", "recipient"]

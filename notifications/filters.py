import django_filters

from notifications.enums import DeliveryState
from notifications.models import Notice


class InboxFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")
    kind = django_filters.CharFilter()

    class Meta:
        model = Notice
        fields = ["unread", "kind"]


class DeliveryFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=DeliveryState.choices)
    kind = django_filters.CharFilter()
    recipient = django_filters.NumberFilter(field_name="recipient_id")

    class Meta:
        model = Notice
        fields = ["state", "kind", "recipient"]

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.permissions import IsAnyStaff
from notifications import selectors, services
from notifications.api import serializers as s
from notifications.filters import DeliveryFilter, InboxFilter


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's inbox: their own notices only (another's is a 404)."""

    serializer_class = s.NoticeSerializer
    filterset_class = InboxFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.notices_of(self.request.user)

    @extend_schema(request=None, responses=s.UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": selectors.notices_unread_count(request.user)})

    @extend_schema(request=None, responses=s.NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notice = services.notice_mark_read(notice=self.get_object())
        return Response(s.NoticeSerializer(notice).data)

    @extend_schema(request=None, responses=s.MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notices_mark_all_read(recipient=request.user)})


class NoticeDeliveryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Every notice with its delivery state, for staff (``?state=failed`` for the failures)."""

    serializer_class = s.NoticeDeliverySerializer
    permission_classes = (IsAnyStaff,)
    filterset_class = DeliveryFilter
    ordering_fields = ["created_at", "attempts", "due_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return selectors.notice_deliveries_visible_to(self.request.user)

    @extend_schema(request=None, responses=s.NoticeDeliverySerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        notice = services.notice_retry(notice=self.get_object(), actor=request.user)
        return Response(s.NoticeDeliverySerializer(notice).data)

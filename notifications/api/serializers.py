from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from notifications.models import Notice


class NoticeSerializer(serializers.ModelSerializer):
    """A notice in the reader's inbox."""

    subject_type = serializers.SerializerMethodField()
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "subject_type",
            "subject_id",
            "title",
            "body",
            "language",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_subject_type(self, obj: Notice) -> str:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"

    @extend_schema_field(serializers.BooleanField())
    def get_is_read(self, obj: Notice) -> bool:
        return obj.read_at is not None


class NoticeDeliverySerializer(NoticeSerializer):
    """A notice with its delivery record, for staff."""

    recipient_username = serializers.CharField(source="recipient.username", read_only=True)
    recipient_email = serializers.CharField(source="recipient.email", read_only=True)

    class Meta(NoticeSerializer.Meta):
        fields = [
            *NoticeSerializer.Meta.fields,
            "recipient",
            "recipient_username",
            "recipient_email",
            "occasion",
            "channels",
            "state",
            "attempts",
            "last_error",
            "due_at",
            "sent_at",
        ]
        read_only_fields = fields


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()

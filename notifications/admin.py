from django.contrib import admin, messages

from core.admin import ReadOnlyAdmin
from notifications import services
from notifications.enums import DeliveryState
from notifications.models import Notice


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Read-only; the one write, retrying a failed notice, goes through notice_retry."""

    list_display = ("title", "kind", "recipient", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state", "kind", "language")
    search_fields = ("title", "recipient__username", "recipient__email", "occasion")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    raw_id_fields = ("recipient",)
    readonly_fields = [f.name for f in Notice._meta.concrete_fields if f.name != "id"]
    actions = ["retry_failed"]

    @admin.action(description="Send the selected failed notices again")
    def retry_failed(self, request, queryset):
        count = 0
        for notice in queryset.filter(state=DeliveryState.FAILED):
            services.notice_retry(notice=notice, actor=request.user)
            count += 1
        self.message_user(request, f"{count} notice(s) queued again.", messages.SUCCESS)

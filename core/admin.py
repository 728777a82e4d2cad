from django.contrib import admin

from core.models import AuditEvent, WorkerHeartbeat


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "from_state",
        "to_state",
    )
    list_filter = ("action", "target_type")
    search_fields = ("target_id", "reason", "actor__username")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "target_type")

    def has_change_permission(self, request, obj=None):  # the audit trail is append-only
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ("received_at", "source", "token")

"""The Django admin is for looking things up. Every rule of the product (回避 and reviewer
counts, state tables, organisation scoping, role fits, file checks) lives in a service, and a
ModelAdmin form would write past it. So the admin of every product model is read-only
(``ReadOnlyAdmin``): no add, change or delete; writes go through the API and the pages, which
call the services. ``tests/core/test_admin.py`` checks that no admin of ours can write."""

from django.contrib import admin

from core.models import AuditEvent, IdempotentResponse, WorkerHeartbeat


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyTabularInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
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


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "source", "token")


@admin.register(IdempotentResponse)
class IdempotentResponseAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "key", "status_code", "content_type")
    exclude = ("body",)

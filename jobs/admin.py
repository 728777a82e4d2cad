from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Read-only: jobs move only through jobs.services (cancel from the API or the pages)."""

    list_display = ("id", "kind", "target_type", "target_id", "state", "phase", "percent",
                    "attempts", "created_at", "finished_at")  # fmt: skip
    list_filter = ("kind", "state")
    search_fields = ("target_id", "kind")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

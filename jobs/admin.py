from django.contrib import admin

from core.admin import ReadOnlyAdmin
from jobs.models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Read-only: jobs move only through jobs.services (cancel from the API or the pages)."""

    list_display = (
        "id",
        "kind",
        "target_type",
        "target_id",
        "state",
        "phase",
        "percent",
        "attempts",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "state")
    search_fields = ("target_id", "kind")
    # The lease is the running worker's secret (only its holder may commit the step).
    exclude = ("lease",)

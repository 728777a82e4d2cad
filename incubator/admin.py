from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from incubator.models import Incubation, IncubationReport, Milestone, SupportRecord


class MilestoneInline(ReadOnlyTabularInline):
    model = Milestone
    extra = 0
    fields = ("title", "due_date", "status", "achieved_on")
    readonly_fields = ("status", "achieved_on")


class SupportInline(ReadOnlyTabularInline):
    model = SupportRecord
    extra = 0
    fields = ("kind", "provided_on", "description", "amount")


@admin.register(Incubation)
class IncubationAdmin(ReadOnlyAdmin):
    list_display = ("entry", "organisation", "start_date", "stage", "ended_on", "mentor_name")
    list_filter = ("stage", "entry__contest")
    search_fields = ("entry__title", "organisation__name", "mentor_name")
    list_select_related = ("entry", "organisation")
    raw_id_fields = ("entry",)
    # Stage moves go through the services (audited); the admin shows them.
    readonly_fields = (
        "organisation",
        "stage",
        "stage_reason",
        "ended_on",
        "admitted_by",
        "created_at",
        "updated_at",
    )
    inlines = (MilestoneInline, SupportInline)


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ("title", "incubation", "due_date", "status", "achieved_on")
    list_filter = ("status",)
    search_fields = ("title", "incubation__entry__title")
    list_select_related = ("incubation", "incubation__entry")
    readonly_fields = ("status", "achieved_on")


@admin.register(SupportRecord)
class SupportRecordAdmin(ReadOnlyAdmin):
    list_display = ("incubation", "kind", "provided_on", "amount", "description")
    list_filter = ("kind",)
    list_select_related = ("incubation", "incubation__entry")


@admin.register(IncubationReport)
class IncubationReportAdmin(ReadOnlyAdmin):
    list_display = (
        "incubation",
        "period_start",
        "period_end",
        "due_date",
        "state",
        "revenue",
        "jobs_created",
    )
    list_filter = ("state",)
    search_fields = ("incubation__entry__title", "incubation__organisation__name")
    list_select_related = ("incubation", "incubation__entry")
    date_hierarchy = "due_date"
    readonly_fields = ("state", "filed_by", "filed_at", "waived_reason")

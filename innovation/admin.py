from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from innovation.models import (
    Studio,
    StudioApplication,
    StudioAssessment,
    StudioAttachment,
    StudioMember,
    StudioReviewComment,
)


class StudioMemberInline(ReadOnlyTabularInline):
    model = StudioMember
    extra = 0


class StudioApplicationInline(ReadOnlyTabularInline):
    model = StudioApplication
    extra = 0
    fields = ("kind", "level", "state", "submitted_at", "decided_at", "decision_comment")
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Studio)
class StudioAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "organisation",
        "field",
        "leader_name",
        "state",
        "level",
        "named_on",
        "revocation_flagged_at",
    )
    list_filter = ("state", "level", "organisation__district", "field")
    search_fields = ("name", "leader_name", "organisation__name")
    list_select_related = ("organisation", "field")
    autocomplete_fields = ("organisation",)
    # State and level change only through the services (applications, revocation) so that every
    # move is audited; the admin shows them.
    readonly_fields = (
        "state",
        "level",
        "named_on",
        "revocation_flagged_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = (StudioMemberInline, StudioApplicationInline)


class StudioReviewCommentInline(ReadOnlyTabularInline):
    model = StudioReviewComment
    extra = 0
    readonly_fields = ("author", "body", "created_at")
    can_delete = False


@admin.register(StudioApplication)
class StudioApplicationAdmin(ReadOnlyAdmin):
    list_display = ("studio", "kind", "level", "state", "submitted_at", "decided_at")
    list_filter = ("state", "kind", "level")
    search_fields = ("studio__name", "studio__organisation__name")
    list_select_related = ("studio",)
    readonly_fields = (
        "studio",
        "kind",
        "state",
        "submitted_at",
        "decided_at",
        "decided_by",
        "created_by",
        "created_at",
        "updated_at",
    )
    inlines = (StudioReviewCommentInline,)


@admin.register(StudioAssessment)
class StudioAssessmentAdmin(ReadOnlyAdmin):
    list_display = ("studio", "year", "state", "rating", "patents", "economic_benefit")
    list_filter = ("year", "state", "rating")
    search_fields = ("studio__name",)
    list_select_related = ("studio",)
    readonly_fields = ("state", "rating", "rated_by", "rated_at", "filed_by", "filed_at")


@admin.register(StudioAttachment)
class StudioAttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "studio", "content_type", "size", "uploaded_at")
    search_fields = ("original_name", "studio__name")
    list_select_related = ("studio",)
    readonly_fields = ("storage_name", "sha256", "size", "content_type", "uploaded_by")


@admin.register(StudioMember)
class StudioMemberAdmin(ReadOnlyAdmin):
    list_display = ("name", "studio", "job_title", "honour")
    search_fields = ("name", "studio__name")
    list_select_related = ("studio",)


@admin.register(StudioReviewComment)
class StudioReviewCommentAdmin(ReadOnlyAdmin):
    list_display = ("application", "author", "created_at")
    list_select_related = ("application", "author")

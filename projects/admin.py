from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyTabularInline
from projects.models import Attachment, Category, Contest, Entry, EntrySearchText, TeamMember


class CategoryInline(ReadOnlyTabularInline):
    model = Category
    extra = 0
    filter_horizontal = ("expertise",)


@admin.register(Contest)
class ContestAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "edition",
        "year",
        "state",
        "registration_opens_at",
        "registration_closes_at",
        "max_entries_per_org",
    )
    list_filter = ("state", "year")
    search_fields = ("name",)
    # States move only through the API's transition service (audited).
    readonly_fields = ("state", "created_by", "created_at", "updated_at")
    inlines = [CategoryInline]


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ("name", "code", "contest")
    list_filter = ("contest",)
    search_fields = ("name", "code")
    list_select_related = ("contest",)
    filter_horizontal = ("expertise",)


class TeamMemberInline(ReadOnlyTabularInline):
    model = TeamMember
    extra = 0


class AttachmentInline(ReadOnlyTabularInline):
    model = Attachment
    extra = 0
    fields = ("kind", "original_name", "content_type", "size", "uploaded_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # files come in through the checked upload only


class SearchTextInline(ReadOnlyTabularInline):
    """What the keyword search reads; kept by a database trigger, never edited here."""

    model = EntrySearchText
    extra = 0
    fields = ("title", "summary")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("title", "organisation", "contest", "category", "state", "submitted_at")
    list_filter = ("state", "contest", "organisation__district")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation", "contest", "category")
    raw_id_fields = ("organisation", "created_by")
    readonly_fields = ("state", "submitted_at", "created_by", "created_at", "updated_at")
    inlines = [TeamMemberInline, AttachmentInline, SearchTextInline]
    show_full_result_count = False  # no COUNT(*) over 100,000 rows on every page


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "entry", "kind", "content_type", "size", "uploaded_at")
    list_filter = ("kind", "content_type")
    search_fields = ("original_name", "sha256")
    raw_id_fields = ("entry", "uploaded_by")
    readonly_fields = (
        "storage_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    )


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnlyAdmin):
    list_display = ("name", "role", "honour", "entry")
    list_filter = ("role", "honour")
    search_fields = ("name",)
    raw_id_fields = ("entry",)
